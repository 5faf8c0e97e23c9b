"""An uploaded Excel template, read as every import reads it (the residents of a space, the expert
pool): checked by size and by content, not by name; the first sheet's first row must be the
template's headers.  Returns the numbered rows below it; what a row means is the importer's."""
from __future__ import annotations

import io
import zipfile

from openpyxl import load_workbook
from openpyxl.utils.exceptions import InvalidFileException

from core.numbers import number_text
from core.platform import uploads

__all__ = ["ImportRefused", "cell_text", "template_rows"]


class ImportRefused(ValueError):
    """The workbook is refused, nothing written: ``errors`` are Chinese lines, one per problem."""

    def __init__(self, errors: list[str]) -> None:
        super().__init__("\n".join(errors))
        self.errors = errors


def cell_text(value) -> str:
    """A cell as typed: "" for an empty one, a whole float without its ".0", text trimmed."""
    if value is None:
        return ""
    if isinstance(value, float):
        return number_text(value)
    return str(value).strip()


def template_rows(data: bytes, headers: tuple[str, ...]) -> list[tuple[int, tuple]]:
    """(row number, cells) of every row under the headers, or :class:`ImportRefused`."""
    limit = uploads.max_bytes()
    if len(data) > limit:
        raise ImportRefused([f"文件过大：不能超过 {limit // (1024 * 1024)} MB"])
    if not data:
        raise ImportRefused(["文件为空"])
    if uploads.detect(data) is not uploads.XLSX:
        raise ImportRefused(["文件不是 Excel（.xlsx）工作簿（按文件内容判断，不按文件名）：请下载模板填写后上传"])
    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, ValueError, OSError):
        raise ImportRefused(["无法读取该 Excel 工作簿，请下载模板填写后上传"]) from None
    try:
        rows = list(book.worksheets[0].iter_rows(values_only=True)) if book.worksheets else []
    finally:
        book.close()
    if not rows or tuple(cell_text(c) for c in rows[0][:len(headers)]) != headers:
        raise ImportRefused(["第 1 行应为模板的表头：" + "、".join(headers)])
    return list(enumerate(rows[1:], start=2))
