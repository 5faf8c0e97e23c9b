"""A row's id as a form or a query string gives it: only ASCII digits within PostgreSQL's
``integer`` (a superscript ² passes ``str.isdigit`` and then fails ``int``; 10**20 overflows the
column) — anything else is no id, answered like an id that does not exist, never a 500.
The URL converter of every ``<int:…>`` (core.app.RowId) holds ids to the same bound."""
from __future__ import annotations

from collections.abc import Iterable
from typing import Any

MAX_ROW_ID = 2**31 - 1


def row_id(value: Any) -> int | None:
    text = str(value).strip() if value is not None else ""
    if not (text.isascii() and text.isdigit()) or len(text) > len(str(MAX_ROW_ID)):
        return None
    number = int(text)
    return number if 0 < number <= MAX_ROW_ID else None


def row_ids(values: Iterable[Any]) -> list[int]:
    """The ids among ``values``, each once, in order; the others dropped."""
    return sorted({found for found in map(row_id, values) if found is not None})
