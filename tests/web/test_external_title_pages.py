"""The 外部称号登记 desk (/admin/external-titles) through real HTTP: a 徐州 officer records a 省级 title
and 徐政发〔2016〕12号 五（一）'s 40 万元 appears; a form with faults keeps what was typed; a bad file
writes nothing; another jurisdiction neither sees nor records; a withdrawal cancels what is unpaid;
and the space's other titles show on the 云南 case page (a 昆明 title), the title page and 我的称号."""
from __future__ import annotations

import io
from datetime import date

from sqlalchemy import func, select

from core.platform import clock, uploads
from core.platform.extensions import db
from core.platform.models import Attachment, ExternalTitle, SubsidyEntitlement
from tests.factories import REGIONS, login, make_application, make_org, make_space, make_title, make_user, pdf_bytes
from tests.notice_helpers import plain, token_of

TODAY = date(2026, 10, 9)
DESK = "/admin/external-titles/"


def client_of(app, user):
    client = app.test_client()
    assert login(client, user).status_code == 302
    return client


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def stored_files() -> list[str]:
    folder = uploads._folder()
    return sorted(p.name for p in folder.iterdir()) if folder.exists() else []


def form(client, space, **over):
    data = {"csrf_token": token_of(client, DESK), "jurisdiction": "xuzhou", "space_id": str(space.id),
            "level": "provincial", "awarding_body": "江苏省科学技术厅", "title": "江苏省众创空间",
            "document_number": "苏科高〔2025〕88号", "granted_on": "2025-12-01",
            "evidence": (io.BytesIO(pdf_bytes()), "认定文件.pdf")}
    data.update(over)
    return data


def test_xuzhou_officer_records_a_provincial_title_and_wu_1_400000_follows(app):
    """徐政发〔2016〕12号 五（一）: 省级 40 万元, created by recording the title through the desk."""
    clock.freeze(TODAY)
    space = make_space(make_org("徐州创业单位", region=REGIONS["xuzhou"]), "彭城众创空间")
    client = client_of(app, make_user("officer", ["xuzhou"]))
    page = client.get(DESK).get_data(as_text=True)
    assert "彭城众创空间" in page and 'enctype="multipart/form-data"' in page
    response = client.post(f"{DESK}record", data=form(client, space), content_type="multipart/form-data")
    assert response.status_code == 302, plain(response.get_data(as_text=True))
    title = db.session.scalars(select(ExternalTitle)).one()
    html = plain(client.get(response.location).get_data(as_text=True))
    assert "江苏省众创空间" in html and "400,000" in html and "徐政发〔2016〕12号" in html
    listing = plain(client.get(DESK).get_data(as_text=True))
    assert "苏科高〔2025〕88号" in listing and "400,000" in listing
    download = client.get(f"{DESK}{title.id}/evidence")
    assert download.status_code == 200 and download.data.startswith(b"%PDF-")
    # the same title again: refused beside the document number, nothing more written
    again = client.post(f"{DESK}record", data=form(client, space), content_type="multipart/form-data")
    assert again.status_code == 400 and "同一文号" in again.get_data(as_text=True)
    assert count(ExternalTitle) == 1 and count(SubsidyEntitlement) == 1


def test_faulty_form_keeps_what_was_typed_and_says_what_is_wrong(app):
    clock.freeze(TODAY)
    space = make_space(region=REGIONS["xuzhou"])
    client = client_of(app, make_user("officer", ["xuzhou"]))
    response = client.post(f"{DESK}record", data=form(client, space, level="", document_number="", granted_on="2026-10-10",
                                                      awarding_body="江苏省科技厅（已输入）",
                                                      evidence=(io.BytesIO(b""), "")),
                           content_type="multipart/form-data")
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert 'id="error-level"' in html and "请选择称号级别" in html
    assert 'id="error-document_number"' in html and "请填写认定文件文号" in html
    assert 'id="error-granted_on"' in html and "不能晚于今天" in html
    assert 'id="error-evidence"' in html
    assert 'value="江苏省科技厅（已输入）"' in html and 'value="2026-10-10"' in html
    assert f'value="{space.id}" selected' in html
    bad_day = client.post(f"{DESK}record", data=form(client, space, granted_on="2025-13-01"),
                          content_type="multipart/form-data")
    assert bad_day.status_code == 400 and "格式应为 YYYY-MM-DD" in bad_day.get_data(as_text=True)
    assert count(ExternalTitle) == 0 and stored_files() == []


def test_a_bad_upload_through_the_desk_writes_nothing(app):
    clock.freeze(TODAY)
    space = make_space(region=REGIONS["xuzhou"])
    client = client_of(app, make_user("officer", ["xuzhou"]))
    response = client.post(f"{DESK}record", data=form(client, space, evidence=(io.BytesIO(b"MZ\x90 exe"), "证书.pdf")),
                           content_type="multipart/form-data")
    assert response.status_code == 400 and "文件类型不被接受" in response.get_data(as_text=True)
    assert 'value="苏科高〔2025〕88号"' in response.get_data(as_text=True)
    assert count(ExternalTitle) == 0 and count(Attachment) == 0 and count(SubsidyEntitlement) == 0
    assert stored_files() == []


def test_another_jurisdiction_neither_sees_nor_records_and_the_admin_reads_all(app):
    clock.freeze(TODAY)
    space = make_space(region=REGIONS["xuzhou"])
    xuzhou = client_of(app, make_user("officer", ["xuzhou"]))
    assert xuzhou.post(f"{DESK}record", data=form(xuzhou, space), content_type="multipart/form-data").status_code == 302
    title = db.session.scalars(select(ExternalTitle)).one()
    mile = client_of(app, make_user("officer", ["mile"]))
    assert "苏科高〔2025〕88号" not in mile.get(DESK).get_data(as_text=True)
    assert "彭城" not in mile.get(DESK).get_data(as_text=True)
    for url in (f"{DESK}{title.id}", f"{DESK}{title.id}/evidence"):
        assert mile.get(url).status_code == 404
    assert mile.post(f"{DESK}{title.id}/withdraw", data={"csrf_token": token_of(mile, DESK),
                                                          "reason": "伪造"}).status_code == 404
    forged = mile.post(f"{DESK}record", data=form(mile, space, document_number="苏科高〔2025〕99号"),
                       content_type="multipart/form-data")
    assert forged.status_code == 400 and 'id="error-jurisdiction"' in forged.get_data(as_text=True)
    assert count(ExternalTitle) == 1
    admin = client_of(app, make_user("admin"))
    assert "苏科高〔2025〕88号" in admin.get(DESK).get_data(as_text=True)
    assert admin.get(f"{DESK}{title.id}/evidence").status_code == 200
    assert 'id="record-form"' not in admin.get(DESK).get_data(as_text=True)
    assert admin.post(f"{DESK}record", data=form(admin, space), content_type="multipart/form-data").status_code == 403
    # an expert or an applicant has no desk here
    assert client_of(app, make_user("expert", ["xuzhou"])).get(DESK).status_code == 403


def test_withdrawal_through_the_desk_cancels_the_pending_award(app):
    clock.freeze(TODAY)
    space = make_space(region=REGIONS["xuzhou"])
    client = client_of(app, make_user("leader", ["xuzhou"]))
    client.post(f"{DESK}record", data=form(client, space), content_type="multipart/form-data")
    title = db.session.scalars(select(ExternalTitle)).one()
    page = f"{DESK}{title.id}"
    empty = client.post(f"{page}/withdraw", data={"csrf_token": token_of(client, page), "reason": " "})
    assert empty.status_code == 400 and "请填写撤回理由" in empty.get_data(as_text=True)
    done = client.post(f"{page}/withdraw", data={"csrf_token": token_of(client, page), "reason": "文号登记有误"})
    assert done.status_code == 302
    db.session.expire_all()
    award = db.session.scalars(select(SubsidyEntitlement)).one()
    assert award.status == "cancelled" and "文号登记有误" in award.cancel_reason
    html = plain(client.get(page).get_data(as_text=True))
    assert "文号登记有误" in html and 'id="withdraw-form"' not in client.get(page).get_data(as_text=True)


def test_yunnan_case_page_shows_the_space_s_kunming_title(app):
    """“Titles within the deployment are linked automatically, so a 昆明 title is seen by 云南's reviewers.”"""
    space = make_space(make_org(region=REGIONS["kunming"]), "滇池众创空间")
    kunming = make_title("kunming", space, granted_on=date(2024, 6, 1), title="昆明市众创空间")
    application = make_application("yunnan", "provincial", space=space, status="submitted", current_step="recommend",
                                    submitted_on=date(2025, 3, 2))
    html = client_of(app, make_user("officer", ["yunnan"])).get(f"/admin/case/{application.id}").get_data(as_text=True)
    assert 'id="other-titles"' in html and kunming.certificate_number in html and "昆明市众创空间" in html


def test_title_page_and_my_titles_show_the_recorded_title(app):
    clock.freeze(TODAY)
    org = make_org(region=REGIONS["xuzhou"])
    title = make_title("xuzhou", make_space(org, region=REGIONS["xuzhou"]), granted_on=date(2024, 6, 1))
    officer = client_of(app, make_user("officer", ["xuzhou"]))
    officer.post(f"{DESK}record", data=form(officer, title.space), content_type="multipart/form-data")
    html = officer.get(f"/admin/titles/{title.id}").get_data(as_text=True)
    assert 'id="other-titles"' in html and "苏科高〔2025〕88号" in html
    applicant = client_of(app, make_user("applicant", organisation=org))
    assert "苏科高〔2025〕88号" in applicant.get("/portal/titles/").get_data(as_text=True)
    assert "苏科高〔2025〕88号" in applicant.get(f"/portal/titles/{title.id}").get_data(as_text=True)
