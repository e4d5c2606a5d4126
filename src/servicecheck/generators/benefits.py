"""Two services that meet the same citizens: housing benefit, and council tax downstream of it.

A benefit claim stuck in the back office becomes council-tax arrears: reminders and recovery
letters go out while the claim waits, and people ring council tax about them. The generator
writes both services' events and demand (each with the citizen's raw customer number, which
an import turns into a pseudonymous reference) and a ground-truth file naming, for every
council-tax contact, the benefit claim that caused it (or none).

Rules the truth follows, so that a measure can recover it exactly: a caused contact is failure
demand made while its claim is open and at least 28 days old; every other council-tax failure
contact falls outside all of its citizen's claims (from the claim's start to 28 days after its
payment).
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

START = dt.datetime(2024, 1, 1, tzinfo=dt.UTC)
DAYS = 366
WINDOW_DAYS = 28  # a claim older than this sends the council-tax account into recovery

BENEFIT_SERVICE = '''name = "Housing benefit"
purpose = "Pay me the right money as soon as possible"
value_steps = ["Claim assessed", "Payment made"]

[clock]
start = ["Claim received"]
end = ["Payment made"]

[columns]
case = "claim_ref"
activity = "activity"
timestamp = "timestamp"
team = "team"
citizen_id = "customer_no"

[demand]
types = ["New claim", "Where is my claim", "Evidence query"]
channels = ["phone", "web", "counter"]
'''

COUNCIL_TAX_SERVICE = '''name = "Council tax"
purpose = "Bill me correctly and help me pay"

[clock]
# a bill is one need (issued to paid); a recovery episode another (reminder to settled)
start = ["Bill issued", "Reminder issued"]
end = ["Bill paid", "Account settled"]

[columns]
case = "account_ref"
activity = "activity"
timestamp = "timestamp"
citizen_id = "customer_no"

[demand]
types = ["Pay my bill", "Moving home", "Bill is wrong", "Recovery letter while benefit pending"]
channels = ["phone", "web", "counter"]
'''

CAUSED_WORDS = [
    "I've had a reminder for council tax but my housing benefit claim still hasn't been sorted",
    "Got a summons today, I applied for benefit weeks ago and nobody has told me anything",
    "Why am I being chased for council tax when you haven't paid my benefit yet",
    "Final notice came, my benefit claim is still with your office",
    "The letter says I owe council tax, benefits said it would be covered once assessed",
]
OTHER_FAILURE_WORDS = ["My bill has the wrong band on it", "You've charged me twice this month",
                       "The direct debit date is wrong again"]
VALUE_WORDS = {"Pay my bill": ["I want to pay my council tax", "Can I pay this month's bill"],
               "Moving home": ["I'm moving house next month", "New tenant at this address"]}


@dataclass(frozen=True)
class GeneratedPair:
    folder: Path
    benefit_service: Path
    council_tax_service: Path
    benefit_events: Path
    benefit_demands: Path
    council_tax_events: Path
    council_tax_demands: Path
    truth: Path


def _ts(day: float) -> dt.datetime:
    return START + dt.timedelta(days=day)


def generate_pair(out: str | Path, *, citizens: int = 2000, seed: int = 1) -> GeneratedPair:
    r = random.Random(seed)
    folder = Path(out)
    folder.mkdir(parents=True, exist_ok=True)
    hb_ev: dict[str, list[object]] = {k: [] for k in ("claim_ref", "activity", "timestamp",
                                                      "team", "customer_no")}
    ct_ev: dict[str, list[object]] = {k: [] for k in ("account_ref", "activity", "timestamp",
                                                      "customer_no")}
    cols = ("demand_id", "received_at", "channel", "verbatim", "demand_type", "nature",
            "failure_kind", "case_id", "customer_no")
    hb_dem: dict[str, list[object]] = {k: [] for k in cols}
    ct_dem: dict[str, list[object]] = {k: [] for k in cols}
    truth: dict[str, list[object]] = {"demand_id": [], "customer_no": [], "caused_by": []}
    claims: dict[str, list[tuple[float, float]]] = {}

    def demand(d: dict[str, list[object]], did: str, day: float, words: str, dtype: str,
               nature: str, kind: str | None, case: str | None, customer: str) -> None:
        for k, v in zip(cols, (did, _ts(day), r.choice(["phone", "phone", "web", "counter"]),
                               words, dtype, nature, kind, case, customer), strict=True):
            d[k].append(v)

    n_claim = n_ct = 0
    for c in range(citizens):
        customer = f"CUST-{c:06d}"
        billed = r.uniform(60, 90)
        for act, day in (("Bill issued", billed), ("Bill paid", billed + r.uniform(3, 20))):
            for k, v in zip(("account_ref", "activity", "timestamp", "customer_no"),
                            (f"CTB{c:06d}", act, _ts(day), customer), strict=True):
                ct_ev[k].append(v)
        # about a third claim housing benefit during the year
        if r.random() < 0.35:
            n_claim += 1
            ref = f"HB{n_claim:06d}"
            start = r.uniform(0, DAYS - 120)
            wait = r.choice([r.uniform(5, 20), r.uniform(20, 45), r.uniform(45, 110)])
            assessed = start + wait
            paid = assessed + r.uniform(1, 3)
            claims.setdefault(customer, []).append((start, paid))
            steps = [("Claim received", start, "Benefits intake")]
            if wait > 20:
                steps.append(("Evidence requested", start + r.uniform(1, 4), "Benefits intake"))
                steps.append(("Evidence received", start + wait * 0.6, "Benefits intake"))
            steps += [("Claim assessed", assessed, "Benefits assessment"),
                      ("Payment made", paid, "Payments")]
            for act, day, team in steps:
                for k, v in zip(("claim_ref", "activity", "timestamp", "team", "customer_no"),
                                (ref, act, _ts(day), team, customer), strict=True):
                    hb_ev[k].append(v)
            demand(hb_dem, f"HBD{len(hb_dem['demand_id']):06d}", start, "I want to claim "
                   "housing benefit", "New claim", "value", None, ref, customer)
            if wait > 14:
                demand(hb_dem, f"HBD{len(hb_dem['demand_id']):06d}", start + 14,
                       "Where is my claim, it has been two weeks", "Where is my claim",
                       "failure", "progress chasing", ref, customer)
            # an old claim puts the council-tax account into recovery, and people ring
            if wait > WINDOW_DAYS + 2 and r.random() < 0.7:
                day = r.uniform(start + WINDOW_DAYS, paid)
                n_ct += 1
                did = f"CTD{n_ct:06d}"
                demand(ct_dem, did, day, r.choice(CAUSED_WORDS),
                       "Recovery letter while benefit pending", "failure", "not done",
                       None, customer)
                truth["demand_id"].append(did)
                truth["customer_no"].append(customer)
                truth["caused_by"].append(ref)
                # the recovery episode: reminded, then settled once benefit is paid
                for act, when in (("Reminder issued", day - r.uniform(1, 5)),
                                  ("Account settled", paid + r.uniform(2, 10))):
                    for k, v in zip(("account_ref", "activity", "timestamp", "customer_no"),
                                    (f"CTR{n_ct:06d}", act, _ts(when), customer), strict=True):
                        ct_ev[k].append(v)
        # everyday council-tax demand, value and failure, unrelated to benefit
        for _ in range(r.choice([0, 0, 1, 1, 2])):
            dtype = r.choice(list(VALUE_WORDS))
            n_ct += 1
            did = f"CTD{n_ct:06d}"
            demand(ct_dem, did, r.uniform(0, DAYS - 1), r.choice(VALUE_WORDS[dtype]), dtype,
                   "value", None, None, customer)
            truth["demand_id"].append(did)
            truth["customer_no"].append(customer)
            truth["caused_by"].append(None)
        if r.random() < 0.25:
            own = claims.get(customer, [])
            for _ in range(20):  # a day outside every claim of this citizen (and its window)
                day = r.uniform(0, DAYS - 1)
                if all(not (s <= day <= p + WINDOW_DAYS) for s, p in own):
                    n_ct += 1
                    did = f"CTD{n_ct:06d}"
                    demand(ct_dem, did, day, r.choice(OTHER_FAILURE_WORDS), "Bill is wrong",
                           "failure", "not done right", None, customer)
                    truth["demand_id"].append(did)
                    truth["customer_no"].append(customer)
                    truth["caused_by"].append(None)
                    break

    def write(name: str, data: dict[str, list[object]]) -> Path:
        path = folder / f"{name}.parquet"
        pq.write_table(pa.table(data), path)
        return path

    (folder / "housing-benefit.toml").write_text(BENEFIT_SERVICE, encoding="utf-8")
    (folder / "council-tax.toml").write_text(COUNCIL_TAX_SERVICE, encoding="utf-8")
    return GeneratedPair(folder, folder / "housing-benefit.toml", folder / "council-tax.toml",
                         write("benefit_events", hb_ev), write("benefit_demands", hb_dem),
                         write("council_tax_events", ct_ev),
                         write("council_tax_demands", ct_dem), write("ground_truth", truth))


def load_pair(out: str | Path, workspace: object, *, citizens: int = 2000, seed: int = 1
              ) -> GeneratedPair:
    """Generate both services and import them into ``workspace`` (customer numbers become
    pseudonymous references on the way in)."""
    from servicecheck.demand.records import import_demands
    from servicecheck.engine.workspace import Workspace
    from servicecheck.io.eventlog import import_events
    from servicecheck.service.model import Service

    assert isinstance(workspace, Workspace)
    g = generate_pair(out, citizens=citizens, seed=seed)
    for svc_file, events, demands in ((g.benefit_service, g.benefit_events, g.benefit_demands),
                                      (g.council_tax_service, g.council_tax_events,
                                       g.council_tax_demands)):
        svc = Service.load(svc_file)
        import_events(workspace, events, service=svc)
        import_demands(workspace, demands, service=svc, mapping={"citizen_id": "customer_no"})
    return g
