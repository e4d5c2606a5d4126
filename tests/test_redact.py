"""Personal details in verbatims are masked; the words of the demand stay."""

from __future__ import annotations

import pytest

from servicecheck.demand import redact

# what a citizen said -> what is stored, and how many details were masked
CASES = [
    ("call me on 07700 900123 please", "call me on [phone] please", 1),
    ("ring 0113 496 0624 after 5", "ring [phone] after 5", 1),
    ("my number is +44 7700 900123.", "my number is [phone].", 1),
    ("020 7946 0018 or 07700900123", "[phone] or [phone]", 2),
    ("email jo.bloggs+repairs@example.co.uk", "email [email]", 1),
    ("my NI number is AB 12 34 56 C", "my NI number is [NI number]", 1),
    ("NI: JG103759A", "NI: [NI number]", 1),
    ("specimen QQ123456A", "specimen QQ123456A", 0),  # Q never begins an issued number
    ("I live at LS1 4AP", "I live at [postcode]", 1),
    ("postcode sw1a1aa", "postcode [postcode]", 1),
    ("flat 12, 3 days ago, 45 minutes on hold", "flat 12, 3 days ago, 45 minutes on hold", 0),
    ("the boiler at number 10 has stopped", "the boiler at number 10 has stopped", 0),
    ("ref 2024/118 from 12/03/2024", "ref 2024/118 from 12/03/2024", 0),
]


@pytest.mark.parametrize(("said", "stored", "masked"), CASES, ids=[c[0][:24] for c in CASES])
def test_redaction(said: str, stored: str, masked: int) -> None:
    assert redact(said) == (stored, masked)


def test_import_masks_by_default_and_not_when_the_service_says_so(tmp_path: object) -> None:
    from pathlib import Path

    from servicecheck import Service, Workspace
    from servicecheck.demand import import_demands

    f = Path(str(tmp_path)) / "contacts.csv"
    f.write_text("received_at,channel,verbatim\n2024-01-01 09:00,phone,"
                 "ring me on 07700 900123 about the leak\n")
    ws = Workspace()
    report = import_demands(ws, f, service=Service(name="a"))
    assert report.masked == 1
    assert ws.demands().verbatim.to_pandas().tolist() == ["ring me on [phone] about the leak"]
    assert "07700" not in ws.raw.execute("SELECT string_agg(verbatim, '') FROM demands"
                                         ).fetchone()[0]
    ws2 = Workspace()
    import_demands(ws2, f, service=Service(name="b", redact=False))
    assert "07700 900123" in ws2.demands().verbatim.to_pandas().iloc[0]
