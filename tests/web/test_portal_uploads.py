"""Materials uploads (issue 5 item 5): checked by content through core.platform.uploads, size
limit on both sides of the boundary, the virus-scan hook, stored outside the web root
under a generated name with its SHA-256, replaced and removed while a draft, served
only to who may see the application — real HTTP, CSRF on, real database, real files."""
from __future__ import annotations

import hashlib
import os
from pathlib import Path

import pytest
from sqlalchemy import func, select

from core.platform import clock
from core.platform.extensions import db
from core.platform.models import Application, Attachment, AuditEvent, Batch, ExpertAssignment
from tests.factories import login, make_user, pdf_bytes
from tests.portal_helpers import NEW_URL, PDF, TODAY, kunming_operator, open_call, page_form, plain, upload, with_extra

LIMIT = 2048  # a small UPLOAD_MAX_BYTES for the boundary


@pytest.fixture(autouse=True)
def today(monkeypatch):
    clock.freeze(TODAY)


@pytest.fixture
def app(app_factory):
    scanned = []

    def scan(data: bytes, name: str):
        scanned.append(name)
        return "检出测试病毒特征" if b"EICAR" in data else None

    app = app_factory({"UPLOAD_MAX_BYTES": LIMIT, "UPLOAD_VIRUS_SCAN": scan})
    app.scanned = scanned
    with app.app_context():
        yield app


@pytest.fixture
def draft(app):
    open_call()
    client, user, space = kunming_operator(app)
    url = NEW_URL.format(space=space.id)
    response = client.post(url, data=with_extra(page_form(client, url)))
    application = db.session.get(Application, int(response.location.split("/")[-2]))
    return client, application


def stored_files(app) -> list[str]:
    folder = Path(app.config["UPLOAD_FOLDER"])
    return sorted(os.listdir(folder)) if folder.exists() else []


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def material_row(html: str, code: str) -> str:
    """The <tr> of one material in the materials table."""
    start = html.index(f'<tr id="material-{code}"')
    return html[start:html.index("</tr>", start)]


def pdf_of(size: int) -> bytes:
    return pdf_bytes(size)


@pytest.mark.parametrize("content, name, message", [
    (b"MZ\x90\x00" + b"\x00" * 200, "营业执照.pdf", "文件类型不被接受"),  # an .exe renamed .pdf
    (b"PK\x03\x04not really an office file", "方案.docx", "文件类型不被接受"),
    (b"", "空.pdf", "文件为空"),
    (pdf_of(LIMIT + 1), "大.pdf", "文件过大"),
    (b"%PDF-1.4 EICAR", "病毒.pdf", "未通过病毒检查：检出测试病毒特征"),
])
def test_a_bad_file_is_refused_in_chinese_and_nothing_is_written(app, draft, content, name, message):
    """The refusal is shown beside its material: the page opens at the material's anchor
    (issue 13, "the rejected-upload error is off-screen"), in that material's row only."""
    client, application = draft
    response = upload(client, application.id, "annual_plan", content, name)
    assert response.status_code == 302
    assert response.location.endswith(f"/portal/applications/{application.id}/draft#material-annual_plan")
    html = client.get(response.location).get_data(as_text=True)
    row = material_row(html, "annual_plan")
    assert message in row.split('id="material-annual_plan-error"', 1)[1][:300]
    assert message not in html.replace(row, "")  # nowhere else on the page (not at the top)
    assert 'value="48"' in html  # the draft's form is still on the page
    # shown once: a reload does not show it again
    assert message not in client.get(response.location).get_data(as_text=True)
    assert count(Attachment) == 0 and stored_files(app) == []
    assert not db.session.scalar(select(func.count()).select_from(AuditEvent).where(
        AuditEvent.action.like("application.material%")))


def test_size_limit_boundary_accepted_and_stored_with_its_sha256(app, draft):
    client, application = draft
    content = pdf_of(LIMIT)
    response = upload(client, application.id, "annual_plan", content, "年度工作计划.pdf")
    assert response.status_code == 302 and response.location.endswith("/draft#material-annual_plan")
    done = material_row(client.get(response.location).get_data(as_text=True), "annual_plan")
    assert "已上传：年度工作计划" in done and "年度工作计划.pdf" in done  # the success beside it too
    attachment = db.session.scalars(select(Attachment)).one()
    assert (attachment.material, attachment.size, attachment.content_type) == ("annual_plan", LIMIT, "application/pdf")
    assert attachment.sha256 == hashlib.sha256(content).hexdigest()
    assert attachment.stored_name != "年度工作计划.pdf" and attachment.stored_name.endswith(".pdf")
    assert stored_files(app) == [attachment.stored_name]
    assert (Path(app.config["UPLOAD_FOLDER"]) / attachment.stored_name).read_bytes() == content
    assert app.scanned == ["年度工作计划.pdf"]  # the virus-scan hook saw it
    event = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "application.material_uploaded")).one()
    assert event.detail["sha256"] == attachment.sha256 and event.object_id == str(application.id)
    page = client.get(f"/portal/applications/{application.id}/draft").get_data(as_text=True)
    assert f"2 KB · SHA-256 {attachment.sha256[:12]}" in page  # size and digest shown with the file
    # the type is the content's: a PNG named .pdf is kept as a PNG
    upload(client, application.id, "other", b"\x89PNG\r\n\x1a\n" + b"0" * 20, "照片.pdf")
    assert db.session.scalars(select(Attachment).where(Attachment.material == "other")).one().content_type == "image/png"


def test_replace_and_remove_while_draft(app, draft):
    client, application = draft
    upload(client, application.id, "annual_plan", pdf_of(400), "第一版.pdf")
    first = db.session.scalars(select(Attachment)).one()
    upload(client, application.id, "annual_plan", pdf_of(500), "第二版.pdf")
    db.session.expire_all()
    second = db.session.scalars(select(Attachment)).one()
    assert second.original_name == "第二版.pdf" and second.id != first.id
    assert stored_files(app) == [second.stored_name]  # the replaced file is gone from the disk
    html = client.get(f"/portal/applications/{application.id}/draft").get_data(as_text=True)
    assert "第二版.pdf" in html and "第一版.pdf" not in html
    from tests.portal_helpers import token
    response = client.post(f"/portal/applications/{application.id}/materials/annual_plan/remove",
                           data={"csrf_token": token(html)})
    assert response.status_code == 302
    assert count(Attachment) == 0 and stored_files(app) == []
    actions = db.session.scalars(select(AuditEvent.action).where(AuditEvent.action.like("application.material%"))
                                 .order_by(AuditEvent.id)).all()
    assert actions == ["application.material_uploaded", "application.material_uploaded", "application.material_removed"]
    # removing again, or an unknown material: refused / 404
    again = client.post(f"/portal/applications/{application.id}/materials/annual_plan/remove",
                        data={"csrf_token": token(html)})
    assert again.status_code == 302 and again.location.endswith("#material-annual_plan")
    assert "尚未上传" in material_row(client.get(again.location).get_data(as_text=True), "annual_plan")
    assert client.post(f"/portal/applications/{application.id}/materials/passport",
                       data={"csrf_token": token(html)}).status_code == 404


def test_upload_without_csrf_token_is_refused(app, draft):
    import io
    client, application = draft
    response = client.post(f"/portal/applications/{application.id}/materials/annual_plan",
                           data={"file": (io.BytesIO(PDF), "a.pdf")}, content_type="multipart/form-data")
    assert response.status_code == 400 and count(Attachment) == 0


def test_download_only_for_who_may_see_the_application(app, draft):
    client, application = draft
    upload(client, application.id, "annual_plan", PDF, "年度工作计划.pdf")
    attachment = db.session.scalars(select(Attachment)).one()
    url = f"/portal/attachments/{attachment.id}"
    mine = client.get(url)
    assert mine.status_code == 200 and mine.data == PDF
    assert mine.headers["Content-Type"] == "application/pdf" and "attachment" in mine.headers["Content-Disposition"]
    # another applicant, an officer of another jurisdiction, an expert not assigned: 404
    other, _, _ = kunming_operator(app)
    assert other.get(url).status_code == 404
    for user in (make_user("officer", ("mile",)), make_user("expert", ("kunming",))):
        staff = app.test_client()
        login(staff, user)
        assert staff.get(url).status_code == 404
    # the 昆明 officer: not while it is a draft (the applicant's until submitted)…
    officer = app.test_client()
    login(officer, make_user("officer", ("kunming",)))
    assert officer.get(url).status_code == 404
    application.status = "submitted"  # as core.review.workflow's submit leaves it
    db.session.commit()
    # …then the file, and a link on the case page
    assert officer.get(url).status_code == 200
    case = officer.get(f"/admin/case/{application.id}").get_data(as_text=True)
    assert f'href="/portal/attachments/{attachment.id}"' in case and attachment.sha256 in case
    # an expert assigned to the application's batch
    expert = make_user("expert", ("kunming",))
    batch = Batch(jurisdiction="kunming", name="第一批")
    batch.experts.append(ExpertAssignment(expert_id=expert.id))
    db.session.add(batch)
    db.session.flush()
    application.batch_id = batch.id
    db.session.commit()
    assigned = app.test_client()
    login(assigned, expert)
    assert assigned.get(url).status_code == 200
    # nobody logged in: to the login page
    anonymous = app.test_client().get(url)
    assert anonymous.status_code == 302 and "/login" in anonymous.location


def test_the_upload_folder_is_not_under_the_web_root(app):
    static = Path(app.static_folder).resolve()
    assert static not in Path(app.config["UPLOAD_FOLDER"]).resolve().parents


def test_a_request_over_the_request_limit_is_refused_in_chinese(app_factory, monkeypatch):
    """Beyond MAX_CONTENT_LENGTH the request is cut off before any check (nothing stored)."""
    clock.freeze(TODAY)
    app = app_factory({"MAX_CONTENT_LENGTH": 3 * 1024 * 1024})
    with app.app_context():
        open_call()
        client, _, space = kunming_operator(app)
        url = NEW_URL.format(space=space.id)
        response = client.post(url, data=with_extra(page_form(client, url)))
        application_id = int(response.location.split("/")[-2])
        response = upload(client, application_id, "annual_plan", pdf_of(3 * 1024 * 1024 + 1))
        assert response.status_code == 302
        assert response.location.endswith(f"/portal/applications/{application_id}/draft#material-annual_plan")
        page = client.get(response.location).get_data(as_text=True)
        assert "上传的文件过大：一次提交不能超过 3 MB" in material_row(page, "annual_plan")
        assert count(Attachment) == 0 and stored_files(app) == []


@pytest.mark.parametrize("content, name, served_as, content_type", [
    (PDF, "poly.html", "poly.pdf", "application/pdf"),  # a PDF polyglot named .html
    (b"\x89PNG\r\n\x1a\n" + b"0" * 20, "照片.pdf", "照片.png", "image/png"),
    (PDF, "无扩展名", "无扩展名.pdf", "application/pdf"),
])
def test_download_named_by_the_checked_type_with_nosniff(app, draft, content, name, served_as, content_type):
    """ASVS 12.5.2 / issue 12 item 12: the download's extension is the type found in the content."""
    from urllib.parse import quote
    client, application = draft
    assert upload(client, application.id, "other", content, name).status_code == 302
    attachment = db.session.scalars(select(Attachment)).one()
    response = client.get(f"/portal/attachments/{attachment.id}")
    disposition = response.headers["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert quote(served_as) in disposition and ".html" not in disposition
    assert (served_as.isascii() and f"filename={served_as}" in disposition) or "filename*=UTF-8''" in disposition
    assert response.headers["Content-Type"] == content_type
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Content-Security-Policy"] == "sandbox"


@pytest.mark.parametrize("catalog", [
    b"/OpenAction << /S /JavaScript /JS (app.alert(1)) >>",
    b"/OpenAction << /S /Launch /F (calc.exe) >>",
    b"/OpenAction << /S /J#61vaScript /JS (app.alert(1)) >>",  # a name written with #xx escapes
    b"/AA << /WC << /JS (app.alert(1)) >> >>",  # /JS alone: found by reading the objects
    b"/Names << /JavaScript << /Names [(a) << /S /JavaScript /JS (x) >>] >> >>",
])
def test_a_pdf_with_javascript_or_a_launch_action_is_refused(app, draft, catalog):
    client, application = draft
    response = upload(client, application.id, "annual_plan", pdf_bytes(extra_catalog=catalog), "计划.pdf")
    assert response.status_code == 302 and response.location.endswith("#material-annual_plan")
    assert "PDF 含有脚本（JavaScript）或启动外部程序的动作" in material_row(
        client.get(response.location).get_data(as_text=True), "annual_plan")
    assert count(Attachment) == 0 and stored_files(app) == []


def test_a_pdf_whose_structure_cannot_be_read_is_refused(app, draft):
    """Nothing in it could be checked: refused (fail closed), with what to do."""
    client, application = draft
    response = upload(client, application.id, "annual_plan", b"%PDF-1.4\n1 0 obj<<>>endobj\n", "坏.pdf")
    assert response.status_code == 302
    assert "请用其他软件重新导出为 PDF 后上传" in material_row(client.get(response.location).get_data(as_text=True),
                                                          "annual_plan")
    assert count(Attachment) == 0 and stored_files(app) == []


def test_uploads_are_stored_0600_in_a_0700_folder(app, draft):
    client, application = draft
    upload(client, application.id, "annual_plan", PDF, "年度工作计划.pdf")
    folder = Path(app.config["UPLOAD_FOLDER"])
    stored = folder / db.session.scalars(select(Attachment)).one().stored_name
    assert folder.stat().st_mode & 0o777 == 0o700
    assert stored.stat().st_mode & 0o777 == 0o600
