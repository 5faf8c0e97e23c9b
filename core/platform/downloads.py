"""我的下载 (issue 19): a large export made by the queue, kept for the user who asked for it.

A list too long to answer inline (its page says how long: e.g. core.admin.downloads) is asked for
with :func:`request`: a :class:`Download` row (queued) and the task ``downloads.export`` in the
same transaction.  The task reloads the user who asked and calls the exporter registered for
the kind (:data:`EXPORTERS`, filled by the site's ``core.admin.downloads``) with that user and the
filters he chose, so the file holds exactly what his list showed him, never more.

The file is written atomically (a temporary file, then ``os.replace``) with mode 0600 in the
private folder ``<instance>/downloads`` (0700), under a random name; the row keeps the name the
user sees.  Only its owner gets it (:func:`ready_path`).
"""
from __future__ import annotations

import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any, BinaryIO

from flask import current_app
from sqlalchemy import select

from core.platform import clock, queue
from core.platform.config import private_dir, write_atomically
from core.platform.errors import failure_text
from core.platform.extensions import db
from core.platform.models import Download, User

QUEUED, READY, FAILED = "queued", "ready", "failed"
# A list exported inline (streamed in the request) up to this many rows; a longer one is made by the
# queue and delivered to 我的下载.  Inline, the admin's list of 100,013 rows took 14.3 s as xlsx
# (docs/benchmarks.md, exports): 5,000 rows stay around a second, far inside gunicorn's 30 s
# timeout, while a province's whole list (and the money workbook's per-row holders) would not.
INLINE_EXPORT_ROWS = 5000
MAX_ERROR_CHARS = 500  # what the owner's page shows of a failure, in words (the full error is on 后台任务)
# A download is kept this many days after it is ready, then its file and row are removed by the daily
# task downloads.expire: an export is a copy of a list its owner can make again, and the folder must
# not grow with every export of every year (our choice; no policy speaks of it).
KEEP_DAYS = 7


@dataclass(frozen=True)
class Exporter:
    """How one kind of download is made: ``write(user, params, out)`` writes the file to the
    binary stream ``out``; the file is named ``filename`` (its extension included)."""

    write: Callable[[User, dict, BinaryIO], None]
    extension: str = "xlsx"


# kind → exporter; registered by the site (core.admin.downloads), read by the task.
EXPORTERS: dict[str, Exporter] = {}


def register(kind: str, write: Callable[[User, dict, BinaryIO], None], extension: str = "xlsx") -> None:
    EXPORTERS[kind] = Exporter(write, extension)


def folder() -> Path:
    return Path(current_app.instance_path) / "downloads"


def request(user: User, kind: str, title: str, params: dict[str, Any]) -> Download:
    """Ask for ``kind`` with ``params`` on behalf of ``user`` (the caller audits and commits)."""
    queue.load_tasks()  # the exporters register with the tasks' modules
    if kind not in EXPORTERS:
        raise KeyError(f"no exporter for {kind!r}")
    row = Download(user_id=user.id, kind=kind, title=title[:300], params=dict(params), status=QUEUED,
                   created_at=clock.instant())
    db.session.add(row)
    db.session.flush()
    queue.enqueue("downloads.export", requested_by=user, download_id=row.id)
    return row


def of_user(user: User, limit: int = 100) -> list[Download]:
    """The user's own downloads, newest first."""
    return list(db.session.scalars(select(Download).where(Download.user_id == user.id)
                                   .order_by(Download.id.desc()).limit(limit)))


def ready_path(user: User, download_id: int) -> tuple[Download, Path] | None:
    """The user's own ready download and its file (None: not his, not ready, or gone)."""
    row = db.session.scalars(select(Download).where(Download.id == download_id, Download.user_id == user.id,
                                                    Download.status == READY)).one_or_none()
    if row is None or not row.stored_name:
        return None
    path = folder() / row.stored_name
    return (row, path) if path.is_file() else None


@queue.task("downloads.export", max_attempts=3)
def export(download_id: int) -> None:
    """Make the file of one download, as its owner (reloaded here) may see it."""
    row = db.session.get(Download, download_id)
    if row is None or row.status == READY:
        return
    user = db.session.get(User, row.user_id)
    exporter = EXPORTERS.get(row.kind)
    try:
        if exporter is None:
            raise LookupError(f"no exporter for {row.kind!r} in this process")
        if user is None or not user.is_active:
            raise PermissionError("the user who asked is no longer active")
        stored = f"{secrets.token_hex(16)}.{exporter.extension}"
        size = _write(folder() / stored, lambda out: exporter.write(user, dict(row.params or {}), out))
    except Exception as exc:
        db.session.rollback()
        _fail(download_id, exc)
        raise  # the queue records it and tries again
    row = db.session.get(Download, download_id)
    row.status, row.stored_name, row.size, row.error = READY, stored, size, None
    row.filename = f"{row.title}.{exporter.extension}"
    row.ready_at = clock.instant()


@queue.task("downloads.expire", daily=True)
def expire(day: str | None = None) -> int:
    """Remove the downloads ready more than :data:`KEEP_DAYS` days ago (exactly that many: kept), and
    those that failed as long ago: file and row.  Returns how many.  ``day``: the daily tasks' day,
    unused (the age is real elapsed time)."""
    cutoff = clock.instant() - timedelta(days=KEEP_DAYS)
    old = db.session.scalars(select(Download).where(
        ((Download.status == READY) & (Download.ready_at < cutoff))
        | ((Download.status == FAILED) & (Download.created_at < cutoff)))).all()
    for row in old:
        if row.stored_name:
            (folder() / row.stored_name).unlink(missing_ok=True)
        db.session.delete(row)
    db.session.commit()
    return len(old)


def _write(path: Path, write: Callable[[BinaryIO], None]) -> int:
    """Write a new file at ``path`` atomically, 0600, in a 0700 folder; its size."""
    private_dir(path.parent)
    return write_atomically(path, write)


def _fail(download_id: int, exc: BaseException) -> None:
    """The owner's row says it failed (in words on his page); a retry that succeeds clears it."""
    row = db.session.get(Download, download_id)
    if row is not None:
        row.status, row.error = FAILED, failure_text(exc, MAX_ERROR_CHARS)
        db.session.commit()
