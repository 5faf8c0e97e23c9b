"""限期整改 and 发现问题 through HTTP (core.monitoring.admin_rectifications, admin_findings,
portal_rectifications).

弥政办发〔2017〕5号 第十五条: 对考核不合格的众创空间，限期整改 — the period is not set by the document: the
officer enters it unless the bureau set ``rectification_months``.
"""
from __future__ import annotations

import io
from datetime import date

from sqlalchemy import func, select

from core.platform import clock
from core.platform.extensions import db
from core.platform.models import Finding, Rectification
from tests.after_recognition_helpers import PDF, titled, unqualified
from tests.factories import login, make_user
from tests.portal_helpers import plain, token


def signed_in(app, user):
    client = app.test_client()
    assert login(client, user).status_code == 302
    return client


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def order(client, **data):
    page = client.get("/admin/rectifications/").get_data(as_text=True)
    return client.post("/admin/rectifications/order", data={"csrf_token": token(page), **data})


def test_mile_第十五条_officer_orders_applicant_reports_and_is_heard_officer_judges(app):
    title, applicant, officer, leader = titled("mile")
    failed = unqualified(title, 2025)
    clock.freeze(date(2026, 3, 2))
    staff = signed_in(app, officer)
    page = plain(staff.get("/admin/rectifications/").get_data(as_text=True))
    assert "政策未规定整改期限，本局亦未设定：请填写整改期限" in page

    # no deadline typed and none set: refused beside the field, what was typed kept
    bad = order(staff, recognition_id=str(title.id), ground="assessment", assessment_id=str(failed.id),
                requirements="补齐创业导师队伍保留", deadline="")
    html = bad.get_data(as_text=True)
    assert bad.status_code == 400 and 'id="error-deadline"' in html and "本局亦未设定" in html
    assert "补齐创业导师队伍保留" in html and count(Rectification) == 0
    bad = order(staff, recognition_id=str(title.id), ground="assessment", assessment_id=str(failed.id),
                requirements="x", deadline="2026-02-30")
    assert bad.status_code == 400 and "YYYY-MM-DD" in bad.get_data(as_text=True)
    done = order(staff, recognition_id=str(title.id), ground="assessment", assessment_id=str(failed.id),
                 requirements="补齐创业导师队伍", deadline="2026-06-30")
    assert done.status_code == 302
    rect = db.session.scalars(select(Rectification)).one()
    assert "弥政办发〔2017〕5号 第十五条" in plain(staff.get(f"/admin/rectifications/{rect.id}").get_data(as_text=True))

    # the applicant: the task on the first page, the report with evidence, the statement
    space = signed_in(app, applicant)
    assert f"/portal/rectifications/{rect.id}" in space.get("/portal/").get_data(as_text=True)
    page = space.get(f"/portal/rectifications/{rect.id}").get_data(as_text=True)
    assert "补齐创业导师队伍" in page and "2026-06-30" in page
    no_file = space.post(f"/portal/rectifications/{rect.id}", data={
        "r-csrf_token": token(page), "form": "report", "r-report": "已聘请导师保留"},
        content_type="multipart/form-data")
    html = no_file.get_data(as_text=True)
    assert no_file.status_code == 400 and "请上传整改的证明材料" in html and "已聘请导师保留" in html
    disguised = space.post(f"/portal/rectifications/{rect.id}", data={
        "r-csrf_token": token(page), "form": "report", "r-report": "已聘请导师",
        "r-evidence": (io.BytesIO(b"MZ\x90\x00executable"), "整改.pdf")}, content_type="multipart/form-data")
    assert disguised.status_code == 400 and "按文件内容判断" in disguised.get_data(as_text=True)
    db.session.expire_all()
    assert rect.status == "ordered"
    filed = space.post(f"/portal/rectifications/{rect.id}", data={
        "r-csrf_token": token(page), "form": "report", "r-report": "已聘请导师 5 名",
        "r-evidence": (io.BytesIO(PDF), "整改.pdf")}, content_type="multipart/form-data")
    assert filed.status_code == 302
    heard = space.post(f"/portal/rectifications/{rect.id}", data={
        "s-csrf_token": token(page), "form": "statement", "s-statement": "考核时负责人刚变更"})
    assert heard.status_code == 302
    assert space.get(f"/portal/rectifications/{rect.id}/evidence").status_code == 200

    # the leader reads, cannot judge; the officer judges with an opinion
    chief = signed_in(app, leader)
    assert chief.get(f"/admin/rectifications/{rect.id}").status_code == 200
    page = chief.get(f"/admin/rectifications/{rect.id}").get_data(as_text=True)
    assert chief.post(f"/admin/rectifications/{rect.id}/judge",
                      data={"csrf_token": token(page), "result": "passed", "judgement": "x"}).status_code == 403
    page = staff.get(f"/admin/rectifications/{rect.id}").get_data(as_text=True)
    assert "考核时负责人刚变更" in page and "已聘请导师 5 名" in page
    empty = staff.post(f"/admin/rectifications/{rect.id}/judge",
                       data={"csrf_token": token(page), "result": "passed", "judgement": ""})
    assert empty.status_code == 400 and "请填写评定意见" in empty.get_data(as_text=True)
    judged = staff.post(f"/admin/rectifications/{rect.id}/judge",
                        data={"csrf_token": token(page), "result": "passed", "judgement": "整改到位"})
    assert judged.status_code == 302
    db.session.expire_all()
    assert (rect.status, title.status) == ("passed", "active")
    assert "整改到位" in plain(space.get(f"/portal/rectifications/{rect.id}").get_data(as_text=True))


def test_scoping_other_jurisdiction_404_other_roles_403_other_organisation_404(app):
    title, _applicant, officer, _leader = titled("mile")
    clock.freeze(date(2026, 3, 2))
    rect = Rectification(recognition_id=title.id, jurisdiction="mile", ground="assessment", requirements="r",
                         ordered_on=date(2026, 3, 2), deadline=date(2026, 6, 30), status="ordered")
    db.session.add(rect)
    db.session.commit()
    assert signed_in(app, make_user("officer", ["kunming"])).get(f"/admin/rectifications/{rect.id}").status_code == 404
    for role in ("expert", "recommender"):
        client = signed_in(app, make_user(role, ["mile"]))
        assert client.get("/admin/rectifications/").status_code == 403
        assert client.get("/admin/findings/").status_code == 403
    _t2, stranger, _o, _l = titled("mile")
    assert signed_in(app, stranger).get(f"/portal/rectifications/{rect.id}").status_code == 404
    assert signed_in(app, officer).get("/portal/rectifications").status_code in (302, 403)
    assert signed_in(app, make_user("admin")).get(f"/admin/rectifications/{rect.id}").status_code == 200


def test_yunnan_finding_form_keeps_input_says_chinese_and_rejects_a_disguised_file(app):
    title, _a, officer, _l = titled("yunnan")
    clock.freeze(date(2026, 1, 5))
    client = signed_in(app, officer)
    page = client.get("/admin/findings/").get_data(as_text=True)
    bad = client.post("/admin/findings/record", data={
        "csrf_token": token(page), "recognition_id": str(title.id), "kind": "fraud", "found_on": "2026-01-09",
        "evidence": "入驻协议伪造保留", "source": "省厅核查"}, content_type="multipart/form-data")
    html = bad.get_data(as_text=True)
    assert bad.status_code == 400 and "发现日期不能晚于今天" in html and "入驻协议伪造保留" in html
    disguised = client.post("/admin/findings/record", data={
        "csrf_token": token(page), "recognition_id": str(title.id), "kind": "fraud", "found_on": "2026-01-04",
        "evidence": "入驻协议伪造", "upload": (io.BytesIO(b"GIF89a fake"), "证据.pdf")}, content_type="multipart/form-data")
    assert disguised.status_code == 400 and count(Finding) == 0
    done = client.post("/admin/findings/record", data={
        "csrf_token": token(page), "recognition_id": str(title.id), "kind": "fraud", "found_on": "2026-01-04",
        "evidence": "入驻协议伪造", "upload": (io.BytesIO(PDF), "证据.pdf")}, content_type="multipart/form-data")
    assert done.status_code == 302 and count(Finding) == 1
    listing = plain(client.get("/admin/findings/").get_data(as_text=True))
    assert "云科规〔2021〕1号 认定与管理“管理”" in listing
    finding = db.session.scalars(select(Finding)).one()
    assert client.get(f"/admin/findings/{finding.id}/evidence").status_code == 200
    leader = signed_in(app, make_user("leader", ["yunnan"]))
    page = leader.get("/admin/findings/").get_data(as_text=True)
    assert leader.post("/admin/findings/record", data={"csrf_token": token(page)}).status_code == 403
