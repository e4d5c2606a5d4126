"""The short plain-language summary of a workspace: what is in it and what citizens live through."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from servicecheck.capability import needs
from servicecheck.engine import Workspace
from servicecheck.service import Service


@dataclass(frozen=True)
class Summary:
    service: str
    needs: int
    open_needs: int
    cases: int
    events: int
    demands: int
    failure_demands: int
    first: str
    last: str
    median_days: float
    p90_days: float

    def lines(self) -> list[str]:
        out = [
            f"{self.service}: {self.needs:,} needs ({self.open_needs:,} still open), "
            f"{self.cases:,} orders or cases, {self.events:,} events, {self.demands:,} demands.",
            f"Period: {self.first} to {self.last}.",
        ]
        if not np.isnan(self.median_days):
            out.append(
                f"From the citizen's first contact to the need being met: median "
                f"{self.median_days:.1f} days; 9 in 10 within {self.p90_days:.1f} days "
                "(finished needs only)."
            )
        if self.demands:
            share = self.failure_demands / self.demands
            out.append(f"{share:.0%} of demand is failure demand "
                       f"({self.failure_demands:,} of {self.demands:,} contacts).")
        return out


def summarise(workspace: Workspace, service: Service | None = None, *,
              need_table: pd.DataFrame | None = None) -> Summary:
    svc = service or workspace.service()
    ev = workspace.events(svc.key)
    counts = ev.aggregate(events=ev.count(), cases=ev.case_id.nunique(),
                          first=ev.timestamp.min(), last=ev.timestamp.max()).to_pandas()
    dem = workspace.demands(svc.key)
    d = dem.aggregate(n=dem.count(), failure=dem.count(where=dem.nature == "failure")
                      ).to_pandas()
    n = need_table if need_table is not None else needs(workspace, svc)
    done = n.loc[~n["open"], "end_to_end_days"].to_numpy()
    row = counts.iloc[0]
    return Summary(
        service=svc.name,
        needs=len(n),
        open_needs=int(n["open"].sum()),
        cases=int(row["cases"]),
        events=int(row["events"]),
        demands=int(d["n"].iloc[0]),
        failure_demands=int(d["failure"].iloc[0] or 0),
        first=f"{row['first']:%d %b %Y}",
        last=f"{row['last']:%d %b %Y}",
        median_days=float(np.median(done)) if done.size else float("nan"),
        p90_days=float(np.quantile(done, 0.9)) if done.size else float("nan"),
    )
