"""The Check's measures that fit in one module each: capability, the summary, data quality,
periods, targets versus purpose (with regulators' presets and clock sensitivity), economics
and joined-up services. Flow and demand, larger, have folders of their own. Every measure reads
through ``engine.workspace.Reader`` and returns tables and findings, never words.
"""
