"""Where the shared reference data live (CI has ../shared beside the clone)."""

from __future__ import annotations

import os
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SHARED = Path(os.environ.get("SERVICECHECK_SHARED", ROOT.parent / "shared"))
DATA = SHARED / "data"
SPC_VECTORS = Path(os.environ.get("SERVICECHECK_SPC_VECTORS", SHARED / "reference" / "spc"))
FLOW_ORACLES = Path(os.environ.get("SERVICECHECK_FLOW_ORACLES", SHARED / "reference" / "flow"))
