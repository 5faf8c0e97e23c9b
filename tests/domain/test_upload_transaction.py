"""One mechanism for a change with uploads (core.platform.uploads.transaction): the files live
and die with the transaction — whatever fails, no row is left without its file nor a file
without its row; a disk or database found full at commit is refused in Chinese on the field."""
from __future__ import annotations

import errno
import io

import pytest
from sqlalchemy import func, select
from werkzeug.datastructures import FileStorage

from core.platform import uploads
from core.platform.extensions import db
from core.platform.models import Attachment
from tests.factories import pdf_bytes


def a_pdf(name: str = "证明.pdf") -> FileStorage:
    return FileStorage(io.BytesIO(pdf_bytes()), filename=name, content_type="application/pdf")


def rows() -> int:
    return db.session.scalar(select(func.count()).select_from(Attachment))


def files(app) -> list[str]:
    return sorted(p.name for p in uploads._folder().iterdir()) if uploads._folder().exists() else []


def test_committed_the_file_and_its_row_stay(app):
    with uploads.transaction("evidence") as stored:
        saved = stored.file(a_pdf(), key="evidence")
        db.session.commit()
    assert rows() == 1 and files(app) == [saved.stored_name]


def test_a_failure_after_saving_removes_the_file_and_the_row(app):
    before = files(app)
    with pytest.raises(RuntimeError):
        with uploads.transaction("evidence") as stored:
            stored.file(a_pdf(), key="evidence")
            stored.file(a_pdf("第二份.pdf"), key="evidence")
            raise RuntimeError("a later step failed")
    assert rows() == 0 and files(app) == before


def test_storage_found_full_at_commit_is_refused_on_the_field_and_leaves_nothing(app, caplog):
    before = files(app)
    with pytest.raises(uploads.StorageFull) as refused:
        with uploads.transaction("evidence") as stored:
            stored.file(a_pdf(), key="evidence")
            try:
                raise OSError(errno.ENOSPC, "No space left on device")
            except OSError as full:
                raise RuntimeError("commit failed") from full
    assert (refused.value.key, refused.value.message) == ("evidence", uploads.STORAGE_FULL)
    assert rows() == 0 and files(app) == before


def test_a_refused_upload_writes_nothing(app):
    before = files(app)
    with pytest.raises(uploads.UploadError) as refused:
        with uploads.transaction("evidence") as stored:
            stored.file(FileStorage(io.BytesIO(b"MZ not a document"), filename="x.pdf"), key="evidence")
    assert refused.value.key == "evidence" and rows() == 0 and files(app) == before
