"""docs/statistics.md's table of the return's fields (CONTRACTS §7: the keys of a return file
are "documented in docs/") stays in step with the core's default return, row for row."""
from __future__ import annotations

import re
from pathlib import Path

from core.monitoring.default_form import SECTIONS

DOC = Path(__file__).resolve().parents[2] / "docs" / "statistics.md"
HEADING = "## The return's fields (CONTRACTS §7)"


def documented_rows() -> list[tuple[str, ...]]:
    text = DOC.read_text(encoding="utf-8")
    assert HEADING in text
    section = text.split(HEADING, 1)[1].split("\n## ", 1)[0]
    rows = []
    for line in section.splitlines():
        match = re.fullmatch(r"\| `([a-z0-9_]+)` \|(.*)\|", line.strip())
        if match:
            rows.append((match.group(1), *(cell.strip() for cell in match.group(2).split("|"))))
    return rows


def test_every_field_of_the_default_return_is_documented_in_order_with_its_label_unit_and_kind():
    expected = [(f.key, f.label, f.unit, f.kind, s.title) for s in SECTIONS for f in s.fields]
    assert documented_rows() == expected
