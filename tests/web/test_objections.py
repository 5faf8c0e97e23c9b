"""Objections on the public page (no login): CSRF required, rate-limited per client
address (``OBJECTIONS_PER_HOUR``, default 5, counted in the database), accepted only
within the period, user text escaped, the attachment judged by its content —
and nothing written when refused."""
from __future__ import annotations

import hashlib
import io
import threading
import zipfile
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import func, select

from core.notice import publication as public_notice
from core.platform.extensions import db
from core.platform.models import Attachment, AuditEvent, Objection, PublicNotice
from tests.factories import pdf_bytes
from tests.notice_helpers import logged_in, officer, published, set_today, token_of

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + b"\x00" * 40
PDF = pdf_bytes()
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 100 + b"This program cannot be run in DOS mode"


def docx_bytes() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
    return buffer.getvalue()


def plain_zip() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("payload.exe", EXE)
    return buffer.getvalue()


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def uploaded_files(app) -> list[Path]:
    folder = Path(app.config["UPLOAD_FOLDER"])
    return sorted(folder.iterdir()) if folder.exists() else []


@pytest.fixture
def notice(app, monkeypatch):
    set_today(monkeypatch, date(2026, 9, 28))
    notice, _, _ = published("kunming", date(2026, 9, 24))  # 2026-09-25 … 10-08
    return notice


def post(client, notice, *, token=True, address="10.1.1.1", **fields):
    data = {"name": "张三", "contact": "13900001111", "content": "该空间面积与申报不符", **fields}
    if token:
        data["csrf_token"] = token_of(client, f"/notices/{notice.id}")
    return client.post(f"/notices/{notice.id}/objections", data=data, content_type="multipart/form-data",
                       environ_base={"REMOTE_ADDR": address})


def test_objection_accepted_and_contact_kept_for_officers_only(app, notice):
    client = app.test_client()
    response = post(client, notice)
    assert response.status_code == 302
    objection = db.session.scalars(select(Objection)).one()
    assert (objection.name, objection.contact, objection.status, objection.client_address) == (
        "张三", "13900001111", "open", "10.1.1.1")
    assert "13900001111" not in client.get(f"/notices/{notice.id}").get_data(as_text=True)
    event = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "objection.file")).one()
    assert "13900001111" not in str(event.detail) and event.jurisdiction == "kunming"


def test_csrf_token_required(app, notice):
    response = post(app.test_client(), notice, token=False)
    assert response.status_code == 400
    assert count(Objection) == 0


def test_rate_limit_five_per_hour_per_address(app, notice):
    client = app.test_client()
    for _ in range(public_notice.DEFAULT_OBJECTIONS_PER_HOUR):
        assert post(client, notice).status_code == 302
    refused = post(client, notice)
    assert refused.status_code == 429
    html = refused.get_data(as_text=True)
    assert "每小时最多提交 5 条异议" in html and "该空间面积与申报不符" in html  # typed text kept
    assert count(Objection) == 5
    # Another address is not affected.
    assert post(client, notice, address="10.2.2.2").status_code == 302
    assert count(Objection) == 6


def test_rate_limit_is_configurable(app_factory, monkeypatch):
    app = app_factory({"OBJECTIONS_PER_HOUR": 1})
    with app.app_context():
        set_today(monkeypatch, date(2026, 9, 28))
        notice, _, _ = published("kunming", date(2026, 9, 24))
        client = app.test_client()
        assert post(client, notice).status_code == 302
        assert post(client, notice).status_code == 429


def test_two_objections_at_the_same_instant_cannot_both_pass_the_limit(app_factory, monkeypatch):
    """Two posts from one address, both counted before either is stored: exactly one
    passes a limit of 1 (PostgreSQL: a lock on the address; SQLite: one writer at a time
    and a second count after the write)."""
    app = app_factory({"OBJECTIONS_PER_HOUR": 1})
    with app.app_context():
        set_today(monkeypatch, date(2026, 9, 28))
        notice, _, _ = published("kunming", date(2026, 9, 24))
        notice_id = notice.id
    both_here = threading.Barrier(2, timeout=30)
    real_lock = public_notice.one_address_at_a_time

    def arrive_together(address, purpose="objection"):
        both_here.wait()  # both requests have passed every other check
        real_lock(address, purpose)

    monkeypatch.setattr(public_notice, "one_address_at_a_time", arrive_together)
    outcome = []

    def file(n: int) -> None:
        with app.app_context():  # its own Session and database connection
            try:
                public_notice.file_objection(db.session.get(PublicNotice, notice_id), name=f"异议人{n}",
                                             contact="13900001111", content="面积不符", today=date(2026, 9, 28),
                                             client_address="10.9.9.9")
                outcome.append("stored")
            except public_notice.RateLimited:
                outcome.append("refused")
            finally:
                db.session.remove()

    threads = [threading.Thread(target=file, args=(n,)) for n in (1, 2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert sorted(outcome) == ["refused", "stored"]
    with app.app_context():
        assert count(Objection) == 1
        assert db.session.scalar(select(func.count()).select_from(AuditEvent)
                                 .where(AuditEvent.action == "objection.file")) == 1


def test_objections_accepted_on_the_last_day_refused_the_day_after(app, notice, monkeypatch):
    client = app.test_client()
    set_today(monkeypatch, date(2026, 10, 8))
    assert post(client, notice).status_code == 302
    set_today(monkeypatch, date(2026, 10, 9))
    page = client.get(f"/notices/{notice.id}").get_data(as_text=True)
    assert 'id="objection-form"' not in page and "2026-10-08" in page
    # A form kept open in a browser is still refused.
    with pytest.raises(public_notice.WorkflowError, match="结束"):
        public_notice.file_objection(notice, name="a", contact="b", content="c", today=date(2026, 10, 9))
    assert count(Objection) == 1


def test_missing_fields_are_named_in_chinese_and_typed_text_kept(app, notice):
    response = post(app.test_client(), notice, name="", content="保留我")
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "请填写姓名或单位名称" in html and "保留我" in html and 'value="13900001111"' in html
    assert count(Objection) == 0


def test_hostile_text_is_escaped(app, notice):
    hostile = '<script>alert("x")</script>'
    client = app.test_client()
    refused = post(client, notice, name=hostile, content="")  # re-rendered with the typed text
    assert refused.status_code == 400
    assert hostile not in refused.get_data(as_text=True) and "&lt;script&gt;" in refused.get_data(as_text=True)
    assert post(client, notice, name=hostile, content=hostile).status_code == 302
    officer_page = logged_in(app, notice_officer(notice)).get(f"/admin/notices/{notice.id}")
    html = officer_page.get_data(as_text=True)
    assert hostile not in html and "&lt;script&gt;" in html


def notice_officer(notice):
    return officer(notice.jurisdiction)


def test_attachment_pdf_named_file_that_is_a_png_is_stored_as_png(app, notice):
    response = post(app.test_client(), notice, attachment=(io.BytesIO(PNG), "证明.pdf"))
    assert response.status_code == 302
    attachment = db.session.scalars(select(Attachment)).one()
    assert attachment.content_type == "image/png" and attachment.original_name == "证明.pdf"
    assert attachment.stored_name.endswith(".png") and "证明" not in attachment.stored_name
    assert attachment.sha256 == hashlib.sha256(PNG).hexdigest() and attachment.size == len(PNG)
    stored = uploaded_files(app)
    assert [p.name for p in stored] == [attachment.stored_name] and stored[0].read_bytes() == PNG
    assert db.session.scalars(select(Objection)).one().attachment_id == attachment.id


@pytest.mark.parametrize("content,name", [(PDF, "a.pdf"), (docx_bytes(), "说明.docx")])
def test_accepted_kinds(app, notice, content, name):
    assert post(app.test_client(), notice, attachment=(io.BytesIO(content), name)).status_code == 302
    assert count(Attachment) == 1


@pytest.mark.parametrize("content,name", [(EXE, "证据.pdf"), (plain_zip(), "材料.docx"), (b"hello", "a.txt")])
def test_files_of_other_kinds_are_refused_and_nothing_written(app, notice, content, name):
    response = post(app.test_client(), notice, attachment=(io.BytesIO(content), name))
    assert response.status_code == 400
    assert "文件类型不被接受" in response.get_data(as_text=True)
    assert count(Objection) == 0 and count(Attachment) == 0
    assert uploaded_files(app) == []


def test_too_large_refused_and_nothing_written(app_factory, monkeypatch):
    app = app_factory({"UPLOAD_MAX_BYTES": 1024})
    with app.app_context():
        set_today(monkeypatch, date(2026, 9, 28))
        notice, _, _ = published("kunming", date(2026, 9, 24))
        client = app.test_client()
        big = PDF + b"0" * 1024
        response = post(client, notice, attachment=(io.BytesIO(big), "a.pdf"))
        assert response.status_code == 400 and "文件过大" in response.get_data(as_text=True)
        assert count(Objection) == 0 and count(Attachment) == 0 and uploaded_files(app) == []
        exactly = pdf_bytes(1024)  # at the limit: accepted
        assert post(client, notice, attachment=(io.BytesIO(exactly), "a.pdf")).status_code == 302


def test_virus_scan_hook_refuses(app_factory, monkeypatch):
    app = app_factory({"UPLOAD_VIRUS_SCAN": lambda data, name: "EICAR test signature" if b"EICAR" in data else None})
    with app.app_context():
        set_today(monkeypatch, date(2026, 9, 28))
        notice, _, _ = published("kunming", date(2026, 9, 24))
        response = post(app.test_client(), notice, attachment=(io.BytesIO(PDF + b"EICAR"), "a.pdf"))
        assert response.status_code == 400 and "EICAR test signature" in response.get_data(as_text=True)
        assert count(Attachment) == 0 and uploaded_files(app) == []


def test_attachment_served_to_officers_of_the_jurisdiction_only(app, notice):
    assert post(app.test_client(), notice, attachment=(io.BytesIO(PNG), "证明.pdf")).status_code == 302
    objection = db.session.scalars(select(Objection)).one()
    url = f"/admin/notices/objections/{objection.id}/attachment"
    own = logged_in(app, notice_officer(notice)).get(url)
    assert own.status_code == 200 and own.data == PNG and own.mimetype == "image/png"
    assert "attachment" in own.headers["Content-Disposition"]
    assert logged_in(app, officer("mile")).get(url).status_code == 404
    assert logged_in(app, officer("kunming", role="leader")).get(url).status_code == 403
    assert app.test_client().get(url).status_code == 302  # to the login page
