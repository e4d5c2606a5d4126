"""The regulators' presets a service file may name under ``[targets] preset``: their names
and Awaab's Law's steps. Definitions, not measures: the service file's schema checks names
against them and ``measures.regulators`` computes each preset's figure from them."""

from __future__ import annotations

__all__ = ["AWAAB_STEPS", "AWAAB_STEP_NAMES", "PRESETS"]

PRESETS = ("tsm-rp02", "awaabs-law")
# Awaab's Law: (step, the step its clock runs from, timescale, the hazards it applies to)
AWAAB_STEPS = (
    ("investigated", "aware", "24h", "emergency"),
    ("made_safe", "aware", "24h", "emergency"),
    ("investigated", "aware", "10wd", "significant"),
    ("summary", "investigated", "3wd", "significant"),
    ("made_safe", "investigated", "5wd", "significant"),
    ("further_work", "investigated", "12w", "significant"),
)
AWAAB_STEP_NAMES = ("investigated", "summary", "made_safe", "further_work")
