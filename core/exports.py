"""Cells of every CSV or Excel file the platform writes (CSV / formula injection).

A spreadsheet runs a cell that starts with ``= + - @`` (or a tab or carriage return
before one) as a formula: an organisation named ``=HYPERLINK(…)`` would become a link
or a command in the officer's Excel.  Every exported cell goes through
:func:`spreadsheet_safe` — the Flask-Admin exports (``core.admin.base``), the case
timeline (``core.admin.case``) — which puts an apostrophe in front, the mark Excel and
LibreOffice read as "text"; the value is otherwise unchanged.
"""
from __future__ import annotations

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(value) -> str:
    """``value`` as text that no spreadsheet runs as a formula."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text
