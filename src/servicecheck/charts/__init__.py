"""Vega-Lite chart specifications (Altair). No numbers are computed here."""
