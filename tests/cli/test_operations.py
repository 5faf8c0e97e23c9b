"""Backup, restore and the upload sweep (issue 13, docs/operations.md): a restore drill
on the real database — data and files made through the portal, backed up, destroyed,
restored, and served again — and ``zhongchuang uploads sweep`` on a real orphan file (a
file written whose row never committed, as a kill between write and commit leaves).
SQLite always; PostgreSQL too when TEST_DATABASE_URL is set (pg_dump / pg_restore)."""
from __future__ import annotations

import hashlib
import io
import json
import os
import shutil
import stat
import time
from pathlib import Path

import pytest
from sqlalchemy import delete, func, select
from werkzeug.datastructures import FileStorage

from core.platform import uploads
from core.platform import clock
from core.platform.extensions import db
from core.platform.models import Attachment, AuditEvent
from tests.cli_helpers import run
from tests.factories import pdf_bytes
from tests.portal_helpers import TODAY, kunming_draft, upload


@pytest.fixture(autouse=True)
def today(monkeypatch):
    clock.freeze(TODAY)


def folder_of(app) -> Path:
    return Path(app.config["UPLOAD_FOLDER"])


def stored(app) -> dict[str, str]:
    folder = folder_of(app)
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in folder.iterdir()} if folder.exists() else {}


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def orphan_written_without_commit(app, content: bytes = None) -> Path:
    """uploads.save writes the file and flushes the row; the transaction never commits
    (the process was killed): the file stays, the row does not."""
    with app.test_request_context():
        attachment = uploads.save(FileStorage(io.BytesIO(content or pdf_bytes(700)), filename="未提交.pdf"))
        path = uploads.path_of(attachment)
        db.session.rollback()
    assert path.is_file()
    return path


@pytest.fixture
def draft(app):
    return kunming_draft(app)


# --- uploads sweep -----------------------------------------------------------------------------


def test_sweep_lists_and_deletes_only_a_file_whose_row_never_committed(app, draft):
    client, application = draft
    assert upload(client, application.id, "annual_plan", pdf_bytes(600), "计划.pdf").status_code == 302
    kept = db.session.scalars(select(Attachment)).one()
    orphan = orphan_written_without_commit(app)
    assert count(Attachment) == 1

    listed = run(app, "uploads", "sweep", "--min-age", "0")
    assert listed.exit_code == 0, listed.output
    lines = listed.stdout.splitlines()
    assert len(lines) == 1 and lines[0].split("\t")[:3] == ["无记录", str(orphan), str(orphan.stat().st_size)]
    assert kept.stored_name not in listed.stdout
    assert orphan.is_file()  # listing removes nothing

    # the default age (10 minutes) leaves a file that may still be uploading alone
    fresh = run(app, "uploads", "sweep")
    assert fresh.exit_code == 0 and fresh.stdout == ""
    old = time.time() - 11 * 60
    os.utime(orphan, (old, old))
    assert run(app, "uploads", "sweep").stdout.splitlines()[0].split("\t")[1] == str(orphan)

    removed = run(app, "uploads", "sweep", "--delete")
    assert removed.exit_code == 0
    assert removed.stdout.splitlines()[0].split("\t")[:2] == ["已删除", str(orphan)]
    assert not orphan.exists()
    assert set(stored(app)) == {kept.stored_name}  # the committed file is untouched
    event = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "uploads.sweep")).one()
    assert event.detail["removed"] == [orphan.name]
    again = run(app, "uploads", "sweep", "--min-age", "0")
    assert again.exit_code == 0 and again.stdout == ""
    # the file is still served
    assert client.get(f"/portal/attachments/{kept.id}").status_code == 200


@pytest.mark.parametrize("args, key", [
    (["uploads", "sweep", "--bogus"], "--bogus"),
    (["uploads", "sweep", "--min-age", "-1"], "--min-age"),
    (["uploads", "sweep", "--min-age", "ten"], "--min-age"),
    (["uploads", "scrub"], "scrub"),
])
def test_sweep_bad_option_is_one_line_exit_2_and_removes_nothing(app, args, key):
    orphan = orphan_written_without_commit(app)
    result = run(app, *args, "--delete") if args[-1] != "scrub" else run(app, *args)
    assert result.exit_code == 2
    assert len(result.output.strip().splitlines()) == 1 and key in result.output
    assert "Traceback" not in result.output
    assert orphan.is_file()


def test_sweep_min_age_boundary(app):
    """A file exactly as old as --min-age is listed; one a minute younger is not."""
    orphan = orphan_written_without_commit(app)
    now = time.time()
    os.utime(orphan, (now - 5 * 60 - 1, now - 5 * 60 - 1))
    assert str(orphan) in run(app, "uploads", "sweep", "--min-age", "5").stdout
    assert run(app, "uploads", "sweep", "--min-age", "6").stdout == ""


# --- backup and restore --------------------------------------------------------------------------


def backend(app) -> str:
    return db.engine.dialect.name


def test_restore_drill(app, draft, tmp_path):
    """Materials uploaded through the portal; backup; rows and files destroyed; a file
    uploaded after the backup; restore: the rows and files of the backup are back and
    served, the later file is an orphan for the sweep, the restore is audited."""
    if backend(app) == "postgresql" and not (shutil.which("pg_dump") and shutil.which("pg_restore")):
        pytest.skip("pg_dump / pg_restore not installed")  # pragma: no cover
    client, application = draft
    contents = {"annual_plan": pdf_bytes(900), "operation_plan": pdf_bytes(1200)}
    for code, content in contents.items():
        assert upload(client, application.id, code, content, f"{code}.pdf").status_code == 302
    before = {a.material: (a.id, a.stored_name, a.sha256) for a in db.session.scalars(select(Attachment))}
    files_before = stored(app)
    assert len(files_before) == 2

    dest = tmp_path / "backup-1"
    made = run(app, "backup", str(dest))
    assert made.exit_code == 0, made.output
    manifest = json.loads((dest / "MANIFEST.json").read_text("utf-8"))
    assert manifest["attachments"] == 2 and manifest["upload_files"] == 2 and manifest["backend"] == backend(app)
    assert stat.S_IMODE(dest.stat().st_mode) == 0o700  # personal data: the service's user only
    assert {p.name for p in (dest / "uploads").iterdir()} == set(files_before)

    # disaster: the rows and the files are gone
    db.session.execute(delete(Attachment))
    db.session.commit()
    for path in folder_of(app).iterdir():
        path.unlink()
    assert count(Attachment) == 0 and stored(app) == {}
    assert client.get(f"/portal/attachments/{before['annual_plan'][0]}").status_code == 404
    # and a file uploaded after the backup
    late = upload(client, application.id, "other", pdf_bytes(500), "后来的.pdf")
    assert late.status_code == 302
    late_name = db.session.scalars(select(Attachment.stored_name)).one()

    refused = run(app, "restore", str(dest))
    assert refused.exit_code == 2 and "--yes" in refused.output  # nothing replaced without confirmation
    assert count(Attachment) == 1

    restored = run(app, "restore", str(dest), "--yes")
    assert restored.exit_code == 0, restored.output
    assert "uploads sweep" in restored.output  # the later file has no row now: say so
    db.session.remove()

    after = {a.material: (a.id, a.stored_name, a.sha256) for a in db.session.scalars(select(Attachment))}
    assert after == before
    files_after = stored(app)
    assert {k: v for k, v in files_after.items() if k != late_name} == files_before
    for path in folder_of(app).iterdir():
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
    for code, content in contents.items():  # the app serves them again, byte for byte
        response = client.get(f"/portal/attachments/{after[code][0]}")
        assert response.status_code == 200 and response.get_data() == content
    assert db.session.scalars(select(AuditEvent).where(AuditEvent.action == "system.restore")).one().detail[
        "backup_created_at"] == manifest["created_at"]

    swept = run(app, "uploads", "sweep", "--min-age", "0", "--delete")
    assert swept.exit_code == 0 and late_name in swept.stdout and len(swept.stdout.splitlines()) == 1
    assert set(stored(app)) == set(files_before)


def test_backup_into_a_folder_that_is_not_empty_is_refused(app, tmp_path):
    dest = tmp_path / "old"
    dest.mkdir()
    (dest / "keep.txt").write_text("上次的备份")
    result = run(app, "backup", str(dest))
    assert result.exit_code == 2 and len(result.output.strip().splitlines()) == 1 and "DEST" in result.output
    assert [p.name for p in dest.iterdir()] == ["keep.txt"]


def test_restore_refuses_an_incomplete_backup_and_touches_nothing(app, draft, tmp_path):
    if backend(app) != "sqlite":
        pytest.skip("the file check of a backup reads its SQLite copy; PostgreSQL: pg_restore checks the dump")
    client, application = draft
    assert upload(client, application.id, "annual_plan", pdf_bytes(800), "计划.pdf").status_code == 302
    dest = tmp_path / "backup"
    assert run(app, "backup", str(dest)).exit_code == 0
    name = db.session.scalars(select(Attachment.stored_name)).one()
    (dest / "uploads" / name).unlink()  # a damaged backup
    db.session.execute(delete(Attachment))
    db.session.commit()
    result = run(app, "restore", str(dest), "--yes")
    assert result.exit_code == 2 and len(result.output.strip().splitlines()) == 1 and name in result.output
    assert count(Attachment) == 0  # the live database was not replaced
    no_manifest = tmp_path / "unfinished"
    shutil.copytree(dest, no_manifest)
    (no_manifest / "MANIFEST.json").unlink()
    result = run(app, "restore", str(no_manifest), "--yes")
    assert result.exit_code == 2 and "MANIFEST.json" in result.output
