"""Reusable Textual widgets of relance (no persistence)."""

from .record_table import RecordTable

__all__ = ["RecordTable"]
