"""An upload onto a full disk (issue 13): answered "存储空间不足，请联系管理员" in Chinese
beside the material, nothing left behind (no empty or truncated file, no row, no audit
event), the error logged — instead of HTTP 500 with the partial file on the disk.

The disk is really full: the upload folder is a 256 KB tmpfs mounted for the test (the
tests run as root, as CI does). Where mounting is refused (a container without
CAP_SYS_ADMIN) the same write fails through a file-size limit (RLIMIT_FSIZE, EFBIG).
"""
from __future__ import annotations

import logging
import os
import resource
import signal
import subprocess
import uuid
from pathlib import Path

import pytest
from sqlalchemy import func, select

from core.platform import uploads
from core.platform import clock
from core.platform.extensions import db
from core.platform.models import Attachment, AuditEvent
from tests.factories import pdf_bytes
from tests.portal_helpers import TODAY, kunming_draft, upload

TMPFS_BYTES = 256 * 1024
MATERIAL = "annual_plan"


@pytest.fixture(autouse=True)
def today(monkeypatch):
    clock.freeze(TODAY)


@pytest.fixture
def small_disk(tmp_path):
    """A folder where no more than ``limit`` bytes fit: (path, limit)."""
    folder = tmp_path / f"uploads-{uuid.uuid4().hex[:6]}"
    folder.mkdir()
    mounted = os.geteuid() == 0 and subprocess.run(
        ["mount", "-t", "tmpfs", "-o", f"size={TMPFS_BYTES},mode=0700", "tmpfs", str(folder)],
        capture_output=True).returncode == 0
    if mounted:
        try:
            yield folder, TMPFS_BYTES
        finally:
            subprocess.run(["umount", "-l", str(folder)], check=True)
        return
    # Fallback: no file of this process may grow beyond 480 KB — above the test SQLite
    # database (about 380 KB), below the 500 KB from which werkzeug spools an upload to a
    # temporary file; SIGXFSZ ignored so that write() fails with EFBIG instead of killing
    # the test run.
    limit = 480 * 1024
    soft, hard = resource.getrlimit(resource.RLIMIT_FSIZE)
    previous = signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    resource.setrlimit(resource.RLIMIT_FSIZE, (limit, hard))
    try:
        yield folder, limit
    finally:
        resource.setrlimit(resource.RLIMIT_FSIZE, (soft, hard))
        signal.signal(signal.SIGXFSZ, previous)


@pytest.fixture
def app(app_factory, small_disk):
    folder, _how = small_disk
    app = app_factory({"UPLOAD_FOLDER": str(folder), "UPLOAD_MAX_BYTES": 4 * 1024 * 1024})
    with app.app_context():
        yield app


@pytest.fixture
def draft(app):
    return kunming_draft(app)


def files(app) -> dict[str, int]:
    folder = Path(app.config["UPLOAD_FOLDER"])
    return {p.name: p.stat().st_size for p in folder.iterdir()}


def rows(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def material_events() -> int:
    return db.session.scalar(select(func.count()).select_from(AuditEvent).where(
        AuditEvent.action.like("application.material%")))


def test_a_file_larger_than_the_free_space_is_refused_in_chinese_and_leaves_nothing(app, draft, small_disk, caplog):
    client, application = draft
    _folder, limit = small_disk
    caplog.set_level(logging.ERROR)
    response = upload(client, application.id, MATERIAL, pdf_bytes(limit + 4096), "年度工作计划.pdf")
    assert response.status_code == 302  # back to the material, not 500
    assert response.location.endswith(f"#material-{MATERIAL}")
    html = client.get(response.location).get_data(as_text=True)
    beside = html.split(f'id="material-{MATERIAL}-error"', 1)[1][:300]
    assert "存储空间不足，请联系管理员" in beside
    assert files(app) == {}  # no empty, no truncated file
    assert rows(Attachment) == 0 and material_events() == 0
    assert any("storage full" in r.getMessage() and "年度工作计划.pdf" in r.getMessage() for r in caplog.records)


def test_a_file_that_fits_is_stored_and_the_next_that_does_not_is_refused(app, draft, small_disk):
    """Both sides of the boundary on the same small disk: 100 KB fits, then a file larger
    than what is left does not; the first file and its row stay as they were."""
    client, application = draft
    _folder, limit = small_disk
    first = pdf_bytes(100 * 1024)
    assert upload(client, application.id, "application_form", first, "申报书.pdf").status_code == 302
    stored = db.session.scalars(select(Attachment)).one()
    assert files(app) == {stored.stored_name: len(first)}
    response = upload(client, application.id, MATERIAL, pdf_bytes(limit + 4096), "计划.pdf")
    assert response.status_code == 302 and response.location.endswith(f"#material-{MATERIAL}")
    assert "存储空间不足，请联系管理员" in client.get(response.location).get_data(as_text=True)
    assert files(app) == {stored.stored_name: len(first)}
    assert rows(Attachment) == 1 and material_events() == 1
    # and the stored one is still served whole
    assert client.get(f"/portal/attachments/{stored.id}").get_data() == first


def test_storage_full_is_recognised_whatever_layer_reports_it():
    """ENOSPC, a quota (EDQUOT) and a file-size limit (EFBIG) count as a full disk, as
    does the database's own report; other errors do not."""
    import errno

    for code in (errno.ENOSPC, errno.EDQUOT, errno.EFBIG):
        assert uploads.is_storage_full(OSError(code, os.strerror(code)))
    assert uploads.is_storage_full(RuntimeError("wrapped")) is False
    assert uploads.is_storage_full(OSError(errno.EACCES, "denied")) is False
    try:
        try:
            raise OSError(errno.ENOSPC, "No space left on device")
        except OSError as inner:
            raise RuntimeError("commit failed") from inner
    except RuntimeError as outer:
        assert uploads.is_storage_full(outer)
