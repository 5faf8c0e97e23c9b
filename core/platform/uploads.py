"""Uploaded files (proofs, an objection's attachment): checked, stored, served.

* **Size**: at most ``UPLOAD_MAX_BYTES`` (our default 10 MB, a scanned multi-page
  PDF; the request itself is capped by ``MAX_CONTENT_LENGTH``).
* **Type by content, never by name**: the first bytes (PDF, PNG, JPEG), an Office
  Open XML zip with the members of a Word or Excel document, or an OLE compound file
  holding a Word or Excel stream.  Anything else — an ``.exe`` renamed ``.pdf``, a
  zip of something else — is refused.  The stored type is what the content is: a
  ``.pdf`` that is really a PNG is kept as a PNG (our choice: the content is not
  harmful, only misnamed).
* **Stored** under ``app.config["UPLOAD_FOLDER"]`` (outside the web root) with a
  generated name; the SHA-256 is recorded in :class:`~core.platform.models.Attachment` (a call's
  documents: :class:`~core.platform.models.CallAttachment`, the same columns).
  Nothing is written to disk before every check has passed.
* **Virus scan**: ``app.config["UPLOAD_VIRUS_SCAN"]``, a callable
  ``(data: bytes, original_name: str) -> str | None`` returning a reason to refuse,
  or None; no scanner by default (ClamAV through clamd: the README's deployment section).
* **No active content in a PDF**: a PDF with JavaScript (``/JS``, ``/JavaScript``)
  or a launch action (``/Launch``) anywhere in its objects is refused, as is one
  whose structure pypdf cannot read (nothing could be checked: fail closed).
* **Stored** 0600 in a 0700 folder (``core.platform.config.private_dir``), written and
  ``fsync``-ed before the row is flushed.  **A full disk** (ENOSPC, a quota EDQUOT, or a
  file-size limit EFBIG) leaves nothing behind — the partial file is removed, no row —
  and is answered :class:`StorageFull` "存储空间不足，请联系管理员" (HTTP 507), logged
  as an error for the administrator.  A file written whose row never commits (a
  process killed in between) is found by ``zhongchuang uploads sweep``.
* **Served** only through :func:`send`, which the caller reaches after its own
  access check (e.g. officers of the notice's jurisdiction for an objection's file),
  as a download named with the extension of the checked type (a PDF uploaded as
  ``poly.html`` downloads as ``poly.pdf``) and ``X-Content-Type-Options: nosniff``.
"""
from __future__ import annotations

import errno
import hashlib
import io
import os
import re
import secrets
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from flask import abort, current_app, send_file
from pypdf import PdfReader
from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject
from werkzeug.datastructures import FileStorage

from core.platform.config import private_dir
from core.platform.errors import Refused, strip_control_characters
from core.platform.extensions import db
from core.platform.models import Attachment

__all__ = ["UploadError", "StorageFull", "STORAGE_FULL", "is_storage_full", "log_storage_full",
           "DEFAULT_MAX_BYTES", "detect", "pdf_active_content", "save", "path_of", "send",
           "download_name", "discard"]

DEFAULT_MAX_BYTES = 10 * 1024 * 1024  # our choice: 10 MB

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


class UploadError(Refused):
    """A file refused: ``key`` is the form field, ``message`` says why in Chinese."""

    key_in_text = False
    status = 400


STORAGE_FULL = "存储空间不足，请联系管理员"
NO_SPACE_ERRNOS = frozenset({errno.ENOSPC, errno.EDQUOT, errno.EFBIG})


class StorageFull(UploadError):
    """The server's storage is full: not the applicant's fault, nothing he can fix."""

    status = 507  # Insufficient Storage (RFC 4918)

    def __init__(self, key: str) -> None:
        super().__init__(key, STORAGE_FULL)


def is_storage_full(exc: BaseException) -> bool:
    """Whether ``exc`` says the disk (or quota, or file-size limit) is exhausted: an
    OSError from the upload folder, or the database's own "disk full" (SQLite
    ``SQLITE_FULL``, PostgreSQL SQLSTATE 53100)."""
    seen = set()
    while exc is not None and id(exc) not in seen:
        seen.add(id(exc))
        if isinstance(exc, OSError) and exc.errno in NO_SPACE_ERRNOS:
            return True
        if getattr(exc, "sqlstate", None) == "53100" or "database or disk is full" in str(exc):
            return True
        exc = getattr(exc, "orig", None) or exc.__cause__ or exc.__context__
    return False


def log_storage_full(exc: BaseException, what: str) -> None:
    current_app.logger.error("storage full: %s refused (%s); upload folder %s", what, exc,
                             current_app.config.get("UPLOAD_FOLDER"))


@dataclass(frozen=True)
class Kind:
    name: str
    content_type: str
    extension: str


PDF = Kind("PDF", "application/pdf", ".pdf")
PNG = Kind("PNG", "image/png", ".png")
JPEG = Kind("JPEG", "image/jpeg", ".jpg")
DOCX = Kind("Word", "application/vnd.openxmlformats-officedocument.wordprocessingml.document", ".docx")
XLSX = Kind("Excel", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", ".xlsx")
DOC = Kind("Word 97-2003", "application/msword", ".doc")
XLS = Kind("Excel 97-2003", "application/vnd.ms-excel", ".xls")

ACCEPTED = "PDF、PNG、JPEG、Word（doc/docx）、Excel（xls/xlsx）"


def _utf16(name: str) -> bytes:
    return name.encode("utf-16-le")


def _office_zip(data: bytes) -> Kind | None:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
    except (zipfile.BadZipFile, ValueError):
        return None
    if "[Content_Types].xml" not in names:
        return None
    if "word/document.xml" in names:
        return DOCX
    if "xl/workbook.xml" in names:
        return XLSX
    return None


def _ole(data: bytes) -> Kind | None:
    # The directory of an OLE compound file names its streams in UTF-16: a Word file
    # has "WordDocument", an Excel file "Workbook" (or "Book" before Excel 97).
    if _utf16("WordDocument") in data:
        return DOC
    if _utf16("Workbook") in data or _utf16("Book\x00") in data:
        return XLS
    return None


def detect(data: bytes) -> Kind | None:
    """The accepted kind of ``data`` judged by its content, or None."""
    if data.startswith(b"%PDF-"):
        return PDF
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if data.startswith(b"\xff\xd8\xff"):
        return JPEG
    if data.startswith(b"PK\x03\x04"):
        return _office_zip(data)
    if data.startswith(OLE_MAGIC):
        return _ole(data)
    return None


ACTIVE_PDF_NAMES = {"/JS", "/JavaScript", "/Launch"}  # keys or action types that run something
_NAME_ESCAPE = re.compile(rb"#([0-9A-Fa-f]{2})")
# In the raw bytes only the long names: "/JS" turns up by chance in compressed data.
_ACTIVE_PDF_TOKEN = re.compile(rb"/(?:JavaScript|Launch)(?![A-Za-z0-9])")


def _pdf_objects(reader: PdfReader):
    """Every object reachable from the trailer (object streams included), each once."""
    seen: set[tuple[int, int]] = set()
    stack = [reader.trailer]
    while stack:
        obj = stack.pop()
        if isinstance(obj, IndirectObject):
            key = (obj.idnum, obj.generation)
            if key in seen:
                continue
            seen.add(key)
            obj = obj.get_object()
        yield obj
        if isinstance(obj, DictionaryObject):  # streams too: their dictionary
            stack.extend(obj.values())
        elif isinstance(obj, ArrayObject):
            stack.extend(obj)


def pdf_active_content(data: bytes) -> str | None:
    """Why a PDF is refused (Chinese), or None: JavaScript or a launch action, found
    by reading every object with pypdf, and in the raw bytes too (a name may be
    written with ``#xx`` escapes)."""
    raw = _NAME_ESCAPE.sub(lambda m: bytes([int(m.group(1), 16)]), data)
    found = _ACTIVE_PDF_TOKEN.search(raw) is not None
    if not found:
        try:
            reader = PdfReader(io.BytesIO(data), strict=False)
            if reader.is_encrypted and not reader.decrypt(""):
                return "PDF 已加密，无法检查其中是否含有脚本：请去除密码后上传"
            for obj in _pdf_objects(reader):
                if isinstance(obj, DictionaryObject) and (
                        ACTIVE_PDF_NAMES & set(obj.keys()) or obj.get("/S") in ACTIVE_PDF_NAMES):
                    found = True
                    break
        except Exception:  # pypdf raises many kinds on a damaged file
            return "无法读取该 PDF 的结构，无法检查其中是否含有脚本：请用其他软件重新导出为 PDF 后上传"
    if found:
        return "PDF 含有脚本（JavaScript）或启动外部程序的动作，不予接受：请去除后重新导出为 PDF 上传"
    return None


def max_bytes() -> int:
    return int(current_app.config.get("UPLOAD_MAX_BYTES") or DEFAULT_MAX_BYTES)


def _folder() -> Path:
    return private_dir(Path(current_app.config["UPLOAD_FOLDER"]))


def _read_limited(upload: FileStorage, limit: int, key: str) -> bytes:
    data = upload.stream.read(limit + 1)
    if len(data) > limit:
        raise UploadError(key, f"文件过大：不能超过 {limit // (1024 * 1024)} MB")
    return data


def save(upload: FileStorage, *, key: str = "attachment", actor=None, model: type = Attachment, **owner) -> Attachment:
    """Check ``upload`` and store it; returns the (flushed, uncommitted) row: an Attachment, or
    a row of another ``model`` with the file columns (``core.platform.models.StoredFile``: a call's
    CallAttachment), ``owner`` naming what it belongs to (``application_id``, ``material``; ``call_id``).

    Raises :class:`UploadError` — with nothing written — when the file is empty, too
    large, of a type not accepted, or refused by the virus scan.  The caller commits
    (and calls :func:`discard` when its transaction fails)."""
    # the name as shown and sent back: without control characters (a NUL no PostgreSQL text takes)
    original = strip_control_characters(upload.filename or "").strip()[:300] or "upload"
    data = _read_limited(upload, max_bytes(), key)
    if not data:
        raise UploadError(key, "文件为空")
    kind = detect(data)
    if kind is None:
        raise UploadError(key, f"文件类型不被接受（按文件内容判断，不按文件名）：只接受 {ACCEPTED}")
    scan = current_app.config.get("UPLOAD_VIRUS_SCAN")
    if scan is not None:
        reason = scan(data, original)
        if reason:
            raise UploadError(key, f"文件未通过病毒检查：{reason}")
    if kind is PDF:
        reason = pdf_active_content(data)
        if reason:
            raise UploadError(key, reason)
    stored = secrets.token_hex(16) + kind.extension
    path = _folder() / stored
    _write_new(path, data, key, original)
    try:
        attachment = model(
            **owner, original_name=original, stored_name=stored,
            sha256=hashlib.sha256(data).hexdigest(), size=len(data), content_type=kind.content_type,
            uploaded_by_id=getattr(actor, "id", None),
        )
        db.session.add(attachment)
        db.session.flush()
    except BaseException as exc:
        path.unlink(missing_ok=True)  # no row: no file either
        if is_storage_full(exc):
            db.session.rollback()
            log_storage_full(exc, f"upload {original!r} (database)")
            raise StorageFull(key) from None
        raise
    return attachment


def _write_new(path: Path, data: bytes, key: str, original: str) -> None:
    """Write a new file 0600 (whatever the umask) and fsync it; on any failure remove
    what was written, so that a full disk leaves no empty or truncated file."""
    try:
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except OSError as exc:
        if exc.errno in NO_SPACE_ERRNOS:
            log_storage_full(exc, f"upload {original!r}")
            raise StorageFull(key) from None
        raise
    try:
        with os.fdopen(descriptor, "wb") as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())  # a delayed-allocation ENOSPC shows here, not at close
    except BaseException as exc:
        path.unlink(missing_ok=True)
        if isinstance(exc, OSError) and exc.errno in NO_SPACE_ERRNOS:
            log_storage_full(exc, f"upload {original!r}")
            raise StorageFull(key) from None
        raise


def path_of(attachment: Attachment) -> Path:
    # stored_name is generated by us (hex + extension): no path from the user.
    return _folder() / Path(attachment.stored_name).name


def discard(attachment: Attachment | None) -> None:
    """Remove the stored file of an attachment whose transaction was rolled back."""
    if attachment is not None:
        path_of(attachment).unlink(missing_ok=True)


class Saved:
    """The files one transaction saved (``uploads.transaction``): ``saved.file(upload, …)`` is
    :func:`save`, remembered so that a failed transaction removes it."""

    def __init__(self) -> None:
        self.files: list[Attachment] = []

    def file(self, upload: FileStorage, **options) -> Attachment:
        attachment = save(upload, **options)
        self.files.append(attachment)
        return attachment


@contextmanager
def transaction(key: str = "attachment") -> Iterator[Saved]:
    """A change whose uploads live and die with it; the block commits.  A refused upload
    (:class:`UploadError`, nothing stored) rolls the session back.  Any other failure rolls it
    back and removes the files the block saved; a database or disk found full at commit (SQLite's
    "database or disk is full") is refused as :class:`StorageFull` on ``key``, as a full disk is
    while saving — so no change leaves a row without its file or a file without its row."""
    saved = Saved()
    try:
        yield saved
    except UploadError:
        db.session.rollback()
        raise
    except Exception as exc:
        db.session.rollback()
        for attachment in saved.files:
            discard(attachment)
        if not is_storage_full(exc):
            raise
        log_storage_full(exc, f"upload on {key!r} (commit)")
        raise StorageFull(key) from exc


KINDS = (PDF, PNG, JPEG, DOCX, XLSX, DOC, XLS)


def download_name(attachment: Attachment) -> str:
    """The original name with the extension of the type checked by content."""
    kind = next((k for k in KINDS if k.content_type == attachment.content_type), None)
    stem = Path(attachment.original_name).stem or "upload"
    return stem + (kind.extension if kind else ".bin")


def send(attachment: Attachment):
    """The file as a download (never rendered inline), named by its checked type; the
    browser is told not to guess another type, nor to run anything in it.  A row whose
    file is gone (a restore without the upload folder) answers 404, logged."""
    if not path_of(attachment).is_file():
        current_app.logger.error("attachment %s: stored file %s is missing", attachment.id, attachment.stored_name)
        abort(404)
    response = send_file(path_of(attachment), mimetype=attachment.content_type, as_attachment=True,
                         download_name=download_name(attachment), max_age=0)
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Content-Security-Policy"] = "sandbox"
    return response
