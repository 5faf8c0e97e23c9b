"""The table ``policy-test`` prints: one row per expected value of each case — result, case,
article, expected, got — aligned for a terminal where a Chinese character takes two columns."""
from __future__ import annotations

import unicodedata

from core.policy_cases.runner import KEY_WORDS, Outcome

__all__ = ["table", "summary"]

HEADERS = ("结果", "辖区", "用例", "条文", "项目", "预期", "实际")


def _cell(text: str) -> str:
    """One line a terminal shows as it is: control characters (a \r that would overwrite the
    result column, a \n that would break the row) become spaces."""
    return "".join(" " if unicodedata.category(ch) in ("Cc", "Zl", "Zp") else ch for ch in str(text))


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _pad(text: str, width: int) -> str:
    return text + " " * (width - _width(text))


def _rows(outcomes: list[Outcome], names: dict[str, str]) -> list[tuple[str, ...]]:
    rows: list[tuple[str, ...]] = []
    for o in outcomes:
        c = o.case
        head = ("通过" if o.passed else "未通过", names.get(c.jurisdiction, c.jurisdiction), c.name, c.article)
        if o.error is not None:
            rows.append((*head, "", "", f"无法判断：{o.error}"))
            continue
        for i, comparison in enumerate(o.comparisons):
            mark = "" if comparison.ok else "✗ "
            cells = (KEY_WORDS.get(comparison.key, comparison.key), comparison.expected, mark + comparison.got)
            rows.append((*(head if i == 0 else ("",) * len(head)), *cells))
    return rows


def table(outcomes: list[Outcome], names: dict[str, str]) -> str:
    """The outcomes as an aligned table (``names``: jurisdiction code → its name)."""
    rows = [HEADERS, *(tuple(_cell(cell) for cell in row) for row in _rows(outcomes, names))]
    widths = [max(_width(r[i]) for r in rows) for i in range(len(HEADERS) - 1)]
    lines = []
    for r in rows:
        lines.append("  ".join(_pad(cell, w) for cell, w in zip(r, widths)) + "  " + r[-1])
    return "\n".join(line.rstrip() for line in lines)


def summary(outcomes: list[Outcome]) -> str:
    failed = sum(not o.passed for o in outcomes)
    return f"共 {len(outcomes)} 个用例：通过 {len(outcomes) - failed} 个，未通过 {failed} 个"
