"""Officers write calls in the admin (issue 20): the text and the published box, 预览 of what is
typed (nothing saved) and of a saved draft, the call's documents uploaded (checked by content
and size, nothing left behind when refused) and removed, every change audited, and nothing of
it open to an officer of another jurisdiction.  Real HTTP, CSRF on, real database, real files."""
from __future__ import annotations

import os
import re
from datetime import date
from io import BytesIO
from pathlib import Path

import pytest
from sqlalchemy import func, select

from core.platform import clock
from core.platform.extensions import db
from core.platform.models import AuditEvent, Call, CallAttachment
from tests.conftest import csrf_token
from tests.factories import make_user, pdf_bytes
from tests.notice_helpers import logged_in as signed_in  # a fresh client signed in as the user

LIMIT = 4096  # a small UPLOAD_MAX_BYTES for the boundary
CALL = {"jurisdiction": "kunming", "title": "2027年度昆明市众创空间认定申报通知", "opens_on": "2027-03-01",
        "closes_on": "2027-03-31", "categories": ["tech_support"]}


@pytest.fixture
def app(app_factory):
    app = app_factory({"UPLOAD_MAX_BYTES": LIMIT})
    with app.app_context():
        clock.freeze(date(2027, 3, 10))
        yield app


@pytest.fixture
def officer(app):
    return make_user("officer", ["kunming"], name="昆明市科技局经办人")


@pytest.fixture
def stranger(app):
    return make_user("officer", ["mile"], name="弥勒市科技局经办人")


def post(client, url: str, data: dict, token_from: str = "/admin/call/new/", **kwargs):
    return client.post(url, data={"csrf_token": csrf_token(client, token_from), **data}, **kwargs)


def saved_call(**changes) -> Call:
    fields = dict(jurisdiction="kunming", title="昆明草稿通知", opens_on=date(2027, 3, 1), closes_on=date(2027, 3, 31),
                  categories=["tech_support"], body="第一段", published=False)
    call = Call(**{**fields, **changes})
    db.session.add(call)
    db.session.commit()
    return call


def actions(call_id: int) -> list[str]:
    return db.session.scalars(select(AuditEvent.action).where(
        AuditEvent.object_type == "Call", AuditEvent.object_id == str(call_id)).order_by(AuditEvent.id)).all()


def stored_files(app) -> list[str]:
    folder = Path(app.config["UPLOAD_FOLDER"])
    return sorted(os.listdir(folder)) if folder.exists() else []


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def test_an_officer_writes_a_draft_then_publishes_it_audited(app, officer):
    client = signed_in(app, officer)
    anonymous = app.test_client()
    response = post(client, "/admin/call/new/", {**CALL, "body": "各县区科技局：\r\n\r\n现将有关事项通知如下。"})
    assert response.status_code == 302
    call = db.session.scalars(select(Call)).one()
    assert call.published is False and call.body == "各县区科技局：\n\n现将有关事项通知如下。"
    assert actions(call.id) == ["admin_create"]  # a draft: nothing published yet
    assert anonymous.get(f"/calls/{call.id}").status_code == 404
    edit = f"/admin/call/edit/?id={call.id}"
    page = client.get(edit).get_data(as_text=True)
    assert 'id="call-preview-button"' in page and 'id="call-attachments-link"' in page
    assert 'name="body"' in page and 'name="published"' in page
    response = post(client, edit, {**CALL, "body": call.body, "published": "y"}, token_from=edit)
    assert response.status_code == 302
    db.session.expire_all()
    assert actions(call.id) == ["admin_create", "admin_update", "call.published"]
    html = anonymous.get(f"/calls/{call.id}").get_data(as_text=True)
    assert "现将有关事项通知如下。" in html
    response = post(client, edit, {**CALL, "body": call.body}, token_from=edit)  # unticked: back to draft
    assert response.status_code == 302
    assert actions(call.id)[-1] == "call.unpublished"
    assert anonymous.get(f"/calls/{call.id}").status_code == 404


def test_a_text_too_long_is_refused_beside_the_field_and_kept(app, officer):
    client = signed_in(app, officer)
    long_text = "长" * 20_001
    response = post(client, "/admin/call/new/", {**CALL, "body": long_text, "published": "y"})
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    textarea = re.search(r'<textarea[^>]*\bid="body"[^>]*>(.*?)</textarea>', page, re.S)
    assert "is-invalid" in textarea.group(0) and textarea.group(1).strip() == long_text  # typed text kept
    feedback = re.search(r'<div class="invalid-feedback">(.*?)</div>', page[textarea.end():], re.S)
    assert feedback.start() < 400 and "通知正文不能超过 20000 字" in feedback.group(1)  # beside the field
    assert count(Call) == 0


def test_the_preview_shows_what_is_typed_and_saves_nothing(app, officer):
    call = saved_call()
    client = signed_in(app, officer)
    edit = f"/admin/call/edit/?id={call.id}"
    before_audit = count(AuditEvent)
    typed = {**CALL, "title": "改过的标题", "body": "预览的正文 <em>不是标记</em>\n\n第二段", "published": "y"}
    response = post(client, f"/admin/call/preview/?id={call.id}", typed, token_from=edit)
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert 'id="preview-banner"' in html and "改过的标题" in html
    assert "预览的正文 &lt;em&gt;不是标记&lt;/em&gt;" in html and "<em>不是标记" not in html
    assert 'id="call-state"' in html and "2027-03-31" in html
    assert response.headers["Cache-Control"] == "private, no-store"
    db.session.expire_all()
    unchanged = db.session.get(Call, call.id)
    assert (unchanged.title, unchanged.body, unchanged.published) == ("昆明草稿通知", "第一段", False)
    assert count(AuditEvent) == before_audit
    # a new call, not saved yet: previewed, and still nothing in the database
    response = post(client, "/admin/call/preview/", {**typed, "title": "新通知预览"})
    assert response.status_code == 200 and "新通知预览" in response.get_data(as_text=True)
    assert count(Call) == 1
    # bad dates: the preview says so in Chinese, still saves nothing
    response = post(client, "/admin/call/preview/", {**typed, "opens_on": "2027-02-30"})
    assert response.status_code == 400 and "有效的受理开始和截止日期" in response.get_data(as_text=True)
    # a preview without the CSRF token is refused
    assert client.post("/admin/call/preview/", data=typed).status_code == 400


def test_the_saved_draft_has_its_own_preview(app, officer):
    call = saved_call()
    client = signed_in(app, officer)
    response = client.get(f"/admin/call/{call.id}/preview")
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "第一段" in html and 'id="preview-banner"' in html
    assert f'href="/admin/call/{call.id}/form/tech_support.pdf"' in html  # the draft's blank form, for officers
    assert app.test_client().get(f"/calls/{call.id}").status_code == 404


def test_an_officer_of_another_jurisdiction_can_do_nothing_with_the_call(app, officer, stranger):
    call = saved_call()
    db.session.add(CallAttachment(call_id=call.id, original_name="昆明附件.pdf", stored_name="km-doc.pdf",
                                  sha256="0" * 64, size=10, content_type="application/pdf"))
    db.session.commit()
    attachment_id = call.attachments[0].id
    client = signed_in(app, stranger)
    token_page = "/admin/call/new/"
    for url in (f"/admin/call/{call.id}/preview", f"/admin/call/{call.id}/attachments",
                f"/admin/call/{call.id}/attachments/{attachment_id}", f"/admin/call/{call.id}/form/tech_support.pdf"):
        assert client.get(url).status_code == 404, url
    edit = client.get(f"/admin/call/edit/?id={call.id}")
    assert edit.status_code == 302 and "昆明草稿通知" not in edit.get_data(as_text=True)
    response = post(client, f"/admin/call/edit/?id={call.id}", {**CALL, "body": "改", "published": "y"},
                    token_from=token_page)
    assert response.status_code == 302
    assert post(client, "/admin/call/preview/", {**CALL, "body": "冒充"}, token_from=token_page).status_code == 403
    assert post(client, f"/admin/call/preview/?id={call.id}", {**CALL, "jurisdiction": "mile"},
                token_from=token_page).status_code == 404
    upload = {"attachment": (BytesIO(pdf_bytes()), "伪造.pdf")}
    assert post(client, f"/admin/call/{call.id}/attachments", upload, token_from=token_page,
                content_type="multipart/form-data").status_code == 404
    assert post(client, f"/admin/call/{call.id}/attachments/{attachment_id}/remove", {},
                token_from=token_page).status_code == 404
    db.session.expire_all()
    unchanged = db.session.get(Call, call.id)
    assert (unchanged.body, unchanged.published, len(unchanged.attachments)) == ("第一段", False, 1)
    assert actions(call.id) == []


def upload(client, call, content: bytes, name: str):
    url = f"/admin/call/{call.id}/attachments"
    return post(client, url, {"attachment": (BytesIO(content), name)}, token_from=url,
                content_type="multipart/form-data")


@pytest.mark.parametrize("content, name, message", [
    (b"MZ\x90\x00\x03" + b"\x00" * 200, "申报指南.pdf", "按文件内容判断"),  # an .exe renamed .pdf
    (pdf_bytes(LIMIT + 1), "过大.pdf", "文件过大"),                          # one byte over the limit
    (b"", "空.pdf", "文件为空"),
])
def test_a_refused_upload_leaves_nothing_and_says_why_beside_the_field(app, officer, content, name, message):
    call = saved_call()
    client = signed_in(app, officer)
    response = upload(client, call, content, name)
    assert response.status_code == 400
    error = re.search(r'id="error-attachment">(.*?)</div>', response.get_data(as_text=True), re.S)
    assert error and message in error.group(1)
    assert stored_files(app) == [] and count(CallAttachment) == 0
    assert actions(call.id) == []


def test_an_upload_at_the_limit_is_kept_audited_public_and_removed(app, officer):
    call = saved_call(published=True)
    client = signed_in(app, officer)
    response = upload(client, call, pdf_bytes(LIMIT), "申报指南.pdf")  # exactly at the limit
    assert response.status_code == 302
    row = db.session.scalars(select(CallAttachment)).one()
    assert row.size == LIMIT and row.uploaded_by_id == officer.id
    assert stored_files(app) == [row.stored_name]
    assert actions(call.id) == ["call.attachment_added"]
    public = app.test_client().get(f"/calls/{call.id}/attachments/{row.id}")
    assert public.status_code == 200 and public.data == pdf_bytes(LIMIT)
    url = f"/admin/call/{call.id}/attachments"
    response = post(client, f"{url}/{row.id}/remove", {}, token_from=url)
    assert response.status_code == 302
    assert stored_files(app) == [] and count(CallAttachment) == 0
    assert actions(call.id) == ["call.attachment_added", "call.attachment_removed"]
    assert client.post(f"{url}/{row.id}/remove", data={}).status_code == 400  # no CSRF token: refused


def test_save_text_outside_the_admin_is_checked_audited_and_all_or_nothing(app, officer):
    """The operation the demo or a command uses: the same checks and audit rows as the admin's form."""
    from core.intake import calls

    call = saved_call()
    with pytest.raises(calls.CallError) as refused:
        calls.save_text(call, body="正文\x00", published=True, actor=officer)  # a NUL no PostgreSQL text takes
    assert refused.value.key == "body" and "控制字符" in refused.value.message
    db.session.rollback()
    assert (db.session.get(Call, call.id).published, actions(call.id)) == (False, [])
    calls.save_text(call, body="正文\r\n\r\n第二段", published=True, actor=officer)
    db.session.expire_all()
    assert db.session.get(Call, call.id).body == "正文\n\n第二段"
    assert actions(call.id) == ["admin_update", "call.published"]


@pytest.mark.parametrize("field", ["title", "body"])
def test_a_control_character_in_the_title_or_text_is_refused_beside_the_field(app, officer, field):
    client = signed_in(app, officer)
    response = post(client, "/admin/call/new/", {**CALL, field: "昆明\x00通知", "published": "y"})
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "含有不能保存的控制字符" in page and "SQL" not in page
    assert count(Call) == 0


def test_a_control_character_in_a_file_name_is_left_out(app, officer):
    call = saved_call()
    client = signed_in(app, officer)
    assert upload(client, call, pdf_bytes(), "申报\x00指南.pdf").status_code == 302
    assert db.session.scalars(select(CallAttachment.original_name)).one() == "申报指南.pdf"


def test_a_refused_form_says_so_in_chinese_above_the_fields(app, officer):
    """Flask-Admin's own "Failed to create record." is missing from its Chinese catalogue: ours
    (core/admin/translations, the admin domain) gives it."""
    client = signed_in(app, officer)
    response = post(client, "/admin/call/new/", {**CALL, "opens_on": "2027-02-30"})
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and "创建记录失败" in page and "Failed to create record" not in page
    assert count(Call) == 0
