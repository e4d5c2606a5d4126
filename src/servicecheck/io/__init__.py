"""Readers for event logs and demand records, column mapping and validation errors."""

from servicecheck.io.errors import InputError

__all__ = ["InputError"]
