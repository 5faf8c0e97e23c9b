"""Cells of every CSV or Excel file the platform writes (CSV / formula injection).

A spreadsheet runs a cell that starts with ``= + - @`` (or a tab or carriage return
before one) as a formula: an organisation named ``=HYPERLINK(…)`` would become a link
or a command in the officer's Excel.  Every exported cell goes through
:func:`spreadsheet_safe` — the Flask-Admin exports (``core.accounts.admin_access``), the case
timeline (``core.review.admin_case``) — which puts an apostrophe in front, the mark Excel and
LibreOffice read as "text"; the value is otherwise unchanged.

The files themselves (issue 13): a CSV starts with the UTF-8 byte-order mark, without which
Excel reads the Chinese as GBK and shows it garbled; an ``.xlsx`` beside it needs no such
care.  Files are named after the site's local date and time (Asia/Shanghai, the bureaus'
clock — ``core.platform.clock``), never the server's UTC.

Issue 15: a large workbook is streamed (:func:`xlsx_stream`) from a temporary file,
never held whole in memory; an export builds each chunk under :func:`collector_paused`.
"""
from __future__ import annotations

import csv
import gc
import io
import tempfile
import threading
from contextlib import contextmanager
from itertools import islice
from datetime import datetime
from urllib.parse import quote

from core.platform import clock

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(value) -> str:
    """``value`` as text that no spreadsheet runs as a formula."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


BOM = "\ufeff"
XLSX_MIMETYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
XLSX_CHUNK_BYTES = 256 * 1024
XLSX_BATCH_ROWS = 1000


def local_now() -> datetime:
    """Now on the site's clock (core.platform.clock: Asia/Shanghai)."""
    return clock.now()


def export_filename(title: str, extension: str, when: datetime | None = None) -> str:
    """``申报_2026-12-03_09-30-00.xlsx``: what the file is, then the local date and time."""
    stamp = (when or local_now()).strftime("%Y-%m-%d_%H-%M-%S")
    return f"{title}_{stamp}.{extension}"


def content_disposition(filename: str, ascii_fallback: str) -> str:
    """An attachment named in Chinese (RFC 6266 ``filename*``), with an ASCII name for old clients."""
    return f"attachment; filename={ascii_fallback}; filename*=UTF-8''{quote(filename)}"


def csv_stream(headers: list[str], rows, chunk_rows: int = XLSX_BATCH_ROWS):
    """A CSV file as chunks of text: the byte-order mark and the header row first, then ``rows``
    a chunk at a time, every cell through :func:`spreadsheet_safe`."""
    out = io.StringIO()
    writer = csv.writer(out)
    out.write(BOM)
    writer.writerow([spreadsheet_safe(h) for h in headers])
    yield out.getvalue()
    rows = iter(rows)
    while chunk := list(islice(rows, chunk_rows)):
        out.seek(0)
        out.truncate()
        writer.writerows([spreadsheet_safe(c) for c in row] for row in chunk)
        yield out.getvalue()


def xlsx_bytes(sheet_title: str, headers: list[str], rows) -> bytes:
    """The whole workbook of :func:`write_xlsx` in memory: for small files only."""
    out = io.BytesIO()
    write_xlsx(out, sheet_title, headers, rows)
    return out.getvalue()


def xlsx_stream(sheet_title: str, headers: list[str], rows, chunk_bytes: int = XLSX_CHUNK_BYTES):
    """The workbook of :func:`write_xlsx` as chunks of bytes, for a streamed response: it is
    written to an anonymous temporary file (openpyxl's write-only mode keeps no rows in
    memory), then read back a chunk at a time; the file is gone once the stream ends or
    is closed early (a client that hangs up)."""
    yield from written_chunks(lambda out: write_xlsx(out, sheet_title, headers, rows), chunk_bytes)


def written_chunks(write, chunk_bytes: int = XLSX_CHUNK_BYTES):
    """What ``write(out)`` writes into a binary file, as chunks of bytes read back from an
    anonymous temporary file (gone once the stream ends or is closed early)."""
    with tempfile.TemporaryFile(prefix="zhongchuang-export-") as out:
        write(out)
        out.seek(0)
        while chunk := out.read(chunk_bytes):
            yield chunk


def write_xlsx(out, sheet_title: str, headers: list[str], rows) -> None:
    """One worksheet into the binary file ``out``: a bold header row, then ``rows``; every
    cell through :func:`spreadsheet_safe` and written as text, so nothing runs as a formula."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    book = Workbook(write_only=True)
    sheet = book.create_sheet(title=_sheet_title(sheet_title))
    bold = Font(bold=True)
    header_cells = []
    for header in headers:
        cell = WriteOnlyCell(sheet, value=spreadsheet_safe(header))
        cell.font = bold
        header_cells.append(cell)
    sheet.append(header_cells)
    rows = iter(rows)
    while True:
        with collector_paused():  # the cells are garbage as soon as written: see collector_paused
            batch = list(islice(rows, XLSX_BATCH_ROWS))
            for row in batch:
                cells = []
                for value in row:
                    cell = WriteOnlyCell(sheet, value=spreadsheet_safe(value))
                    cell.data_type = "s"  # text: openpyxl would otherwise read a leading = as a formula
                    cells.append(cell)
                sheet.append(cells)
        if not batch:
            break
    book.save(out)


_pause_lock = threading.Lock()
_pauses = 0
_collector_was_enabled = False


@contextmanager
def collector_paused():
    """Python's cycle collector held off while a chunk of an export is built.

    The chunk's ORM rows are freed by reference counting; the collector, triggered by
    their allocations, would scan the whole heap again and again (measured: a 100,000-row
    export took twice as long, and no garbage was found).  Only the building of a chunk is
    covered, never the wait for a client between chunks; pauses in several threads are
    counted, and the last one out restores the collector as it was."""
    global _pauses, _collector_was_enabled
    with _pause_lock:
        if _pauses == 0:
            _collector_was_enabled = gc.isenabled()
            gc.disable()
        _pauses += 1
    try:
        yield
    finally:
        with _pause_lock:
            _pauses -= 1
            if _pauses == 0 and _collector_was_enabled:
                gc.enable()


def _sheet_title(title: str) -> str:
    """Excel refuses sheet names over 31 characters or with any of ``[]:*?/\\``."""
    cleaned = "".join("_" if ch in "[]:*?/\\" else ch for ch in title).strip() or "Sheet1"
    return cleaned[:31]
