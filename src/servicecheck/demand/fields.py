"""How long each text of a demand may be: one definition for the web app's store (its
columns' lengths, so PostgreSQL never meets a value too long for them), its form and API, and
demand imports (a longer value is set aside, not cut). No dependencies: the capture and the
import both read it at start."""

from __future__ import annotations

VERBATIM_LENGTH = 10_000  # characters: a long letter, typed or pasted in
LENGTHS = {
    "verbatim": VERBATIM_LENGTH,
    "demand_id": 200,
    "channel": 40,
    "demand_type": 200,
    "type_other": 200,
    "failure_kind": 200,
    "case_id": 200,
    "citizen_ref": 200,
    "citizen_id": 200,
    "recorded_by": 80,
    "external_id": 200,
}
