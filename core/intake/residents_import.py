"""Residents (入驻企业或创业团队) of a space imported from an Excel workbook.

``template_bytes()`` is the workbook to download: one sheet, a Chinese header row
(``HEADERS``) and one example row to overwrite.  ``parse(data)`` checks an uploaded
workbook and returns the rows, or raises ``ImportRefused`` listing every bad row
(行 5：入驻日期 “2026-13-01” 不是有效日期) — all or nothing: the caller writes
rows only when none is bad.

The file is judged by its content (``core.platform.uploads.detect`` must see an xlsx) and
size (``core.platform.uploads.max_bytes``), never by its name.
"""
from __future__ import annotations

import io
from datetime import date, datetime

from openpyxl import Workbook

from core.platform.workbooks import ImportRefused, cell_text, template_rows

HEADERS = ("名称", "类型(企业/团队)", "经营项目是否符合方向(是/否)", "入驻日期", "成立日期",
           "是否在空间注册(是/否)", "主要产品", "从业人数", "联系电话")
KEYS = ("name", "kind", "qualifying_field", "entered_on", "established_on", "registered_in_space",
        "main_product", "employees", "phone")
KINDS = {"企业": "enterprise", "团队": "team"}
YES_NO = {"是": True, "否": False}
MAX_ROWS = 2000  # our choice: far above any space's residents, keeps a request short
MAX_LENGTHS = {"name": 200, "main_product": 200, "phone": 50}  # the columns of core.platform.models.Resident
EXAMPLE = ("示例科技有限公司（请删除本行）", "企业", "是", "2025-03-01", "2024-12-15", "是", "智能硬件", 12,
           "0871-60000000")



def template_bytes() -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = "入驻企业或创业团队"
    sheet.append(HEADERS)
    sheet.append(EXAMPLE)
    for column, width in zip("ABCDEFGHI", (30, 16, 26, 14, 14, 22, 20, 10, 16)):
        sheet.column_dimensions[column].width = width
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


_text = cell_text  # the cells as every import reads them (core.platform.workbooks)


def _date(value, label: str, required: bool) -> date | None:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = _text(value)
    if not text:
        if required:
            raise ValueError(f"{label}不能为空")
        return None
    try:
        return datetime.strptime(text, "%Y-%m-%d").date()
    except ValueError:
        raise ValueError(f"{label} “{text}” 不是有效日期（格式 YYYY-MM-DD，如 2025-03-01）") from None


def _choice(value, label: str, allowed: dict):
    text = _text(value)
    if text not in allowed:
        shown = f"“{text}”" if text else "空"
        raise ValueError(f"{label}应为 {'/'.join(allowed)}，实为 {shown}")
    return allowed[text]


def _count(value, label: str) -> int | None:
    text = _text(value)
    if not text:
        return None
    try:
        number = int(text)
    except ValueError:
        raise ValueError(f"{label} “{text}” 不是整数") from None
    if number < 0:
        raise ValueError(f"{label}不能为负数")
    return number


def _row(cells: tuple) -> dict:
    """One data row as Resident fields; raises ValueError with every problem of the row."""
    cells = tuple(cells) + (None,) * (len(HEADERS) - len(cells))
    raw = dict(zip(KEYS, cells))
    out: dict = {}
    problems: list[str] = []
    parsers = {
        "name": lambda v: _text(v) or _fail("名称不能为空"),
        "kind": lambda v: _choice(v, "类型", KINDS),
        "qualifying_field": lambda v: _choice(v, "经营项目是否符合方向", YES_NO),
        "entered_on": lambda v: _date(v, "入驻日期", required=True),
        "established_on": lambda v: _date(v, "成立日期", required=False),
        "registered_in_space": lambda v: _choice(v, "是否在空间注册", YES_NO),
        "main_product": lambda v: _text(v) or None,
        "employees": lambda v: _count(v, "从业人数"),
        "phone": lambda v: _text(v) or None,
    }
    for key in KEYS:
        try:
            out[key] = parsers[key](raw[key])
        except ValueError as exc:
            problems.append(str(exc))
            continue
        limit = MAX_LENGTHS.get(key)
        if limit and out[key] and len(out[key]) > limit:
            problems.append(f"{HEADERS[KEYS.index(key)]}应在 {limit} 字以内，现为 {len(out[key])} 字")
    if problems:
        raise ValueError("；".join(problems))
    return out


def _fail(message: str):
    raise ValueError(message)


def parse(data: bytes, existing_names: set[str] = frozenset()) -> list[dict]:
    """The rows of an uploaded workbook, or ``ImportRefused`` with every problem."""
    numbered = template_rows(data, HEADERS)
    errors: list[str] = []
    parsed: list[dict] = []
    seen: dict[str, int] = {}
    for number, cells in numbered:
        if all(_text(c) == "" for c in cells):
            continue  # blank lines are skipped
        if len(parsed) + len(errors) >= MAX_ROWS:
            errors.append(f"行数超过 {MAX_ROWS} 行，请分批导入")
            break
        try:
            row = _row(cells)
        except ValueError as exc:
            errors.append(f"行 {number}：{exc}")
            continue
        if row["name"] in existing_names:
            errors.append(f"行 {number}：名称 “{row['name']}” 已在本众创空间的入驻名单中")
        elif row["name"] in seen:
            errors.append(f"行 {number}：名称 “{row['name']}” 与行 {seen[row['name']]} 重复")
        else:
            seen[row["name"]] = number
            parsed.append(row)
    if errors:
        raise ImportRefused(errors)
    if not parsed:
        raise ImportRefused(["工作簿中没有数据行"])
    return parsed
