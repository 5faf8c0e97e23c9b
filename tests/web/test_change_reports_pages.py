"""Change reports through HTTP (core.monitoring.portal_changes, core.monitoring.admin_changes).

云科规〔2021〕1号 认定与管理 “管理”: the space reports within 3 months of the change to the 州（市）
科技局, which checks it and forwards it; the province accepts it or asks for a re-check.
弥勒: the same feature with the bureau's own period (本局设定), or none.
"""
from __future__ import annotations

import io
from datetime import date

from sqlalchemy import func, select

from core.bureau.operations import set_bureau_setting
from core.platform import clock
from core.platform.extensions import db
from core.platform.models import AuditEvent, ChangeReport
from tests.factories import login, make_org, make_space, make_title, make_user, pdf_bytes
from tests.portal_helpers import plain, token

PDF = pdf_bytes()


def signed_in(app, user):
    client = app.test_client()
    assert login(client, user).status_code == 302
    return client


def report(client, title_id, changed_on="2025-11-30", description="面积由 600㎡ 缩减为 520㎡", file=True, **extra):
    page = client.get("/portal/changes").get_data(as_text=True)
    data = {"csrf_token": token(page), "recognition_id": str(title_id), "kind": "area", "changed_on": changed_on,
            "description": description, **extra}
    if file:
        data["evidence"] = (io.BytesIO(PDF), "面积变更证明.pdf")
    return client.post("/portal/changes", data=data, content_type="multipart/form-data")


def act(client, change_id, action, opinion):
    page = client.get(f"/admin/changes/{change_id}").get_data(as_text=True)
    return client.post(f"/admin/changes/{change_id}/act",
                       data={"csrf_token": token(page), "action": action, "opinion": opinion})


def count() -> int:
    return db.session.scalar(select(func.count()).select_from(ChangeReport))


def test_yunnan_认定与管理_whole_path_applicant_reports_the_area_forwards_the_province_accepts(app):
    org = make_org(region="530302")
    title = make_title("yunnan", make_space(org, region="530302"), granted_on=date(2023, 6, 1))
    applicant = make_user("applicant", organisation=org)
    area = make_user("recommender", ["yunnan"], region_prefix="5303")
    other_area = make_user("recommender", ["yunnan"], region_prefix="5301")
    province = make_user("officer", ["yunnan"])
    clock.freeze(date(2026, 2, 28))
    client = signed_in(app, applicant)

    page = plain(client.get("/portal/changes").get_data(as_text=True))
    assert "变更后 3 个月内报告（云科规〔2021〕1号 认定与管理“管理”）" in page

    # the due date before submitting: 2025-11-30 + 3 months = 2026-02-28 (民法典 第202条), nothing saved
    preview = report(client, title.id, preview="1", file=False)
    assert preview.status_code == 200
    assert "报告期限：2026-02-28" in plain(preview.get_data(as_text=True)) and count() == 0

    # bad input: what was typed stays, the message is Chinese, nothing is written
    bad = report(client, title.id, changed_on="2025-13-45", description="迁址说明保留")
    html = bad.get_data(as_text=True)
    assert bad.status_code == 400 and "请填写真实存在的日期" in html and "迁址说明保留" in html and count() == 0
    missing = report(client, title.id, file=False)
    assert missing.status_code == 400 and "请上传变更的证明材料" in missing.get_data(as_text=True) and count() == 0

    # without the CSRF token: refused
    forged = client.post("/portal/changes", data={"recognition_id": str(title.id), "kind": "area",
                                                  "changed_on": "2025-11-30", "description": "x"})
    assert forged.status_code == 400 and count() == 0

    done = report(client, title.id)
    assert done.status_code == 302
    change = db.session.scalars(select(ChangeReport)).one()
    assert (change.due_on, change.reported_on, change.status) == (date(2026, 2, 28), date(2026, 2, 28), "reported")
    assert client.get(f"/portal/changes/{change.id}/evidence").status_code == 200

    # another area's recommender: 404 on the page and on the action; the applicant: 403 in the admin
    stranger = signed_in(app, other_area)
    assert stranger.get(f"/admin/changes/{change.id}").status_code == 404
    assert stranger.get(f"/admin/changes/{change.id}/evidence").status_code == 404
    assert stranger.post(f"/admin/changes/{change.id}/act", data={
        "csrf_token": token(stranger.get("/admin/changes/").get_data(as_text=True)),
        "action": "forward", "opinion": "越权"}).status_code == 404
    assert client.get(f"/admin/changes/{change.id}").status_code == 403
    officer = signed_in(app, province)
    assert act(officer, change.id, "accept", "未经核查").status_code == 403  # the area checks first

    checker = signed_in(app, area)
    assert checker.get(f"/admin/changes/{change.id}/evidence").status_code == 200
    assert f"change-{change.id}" in checker.get("/admin/changes/?list=mine").get_data(as_text=True)
    empty = act(checker, change.id, "forward", "")
    assert empty.status_code == 400 and "请填写核查意见" in empty.get_data(as_text=True)
    assert act(checker, change.id, "forward", "经核查属实，提出变更申请").status_code == 302

    assert f"change-{change.id}" in officer.get("/admin/changes/?list=forwarded").get_data(as_text=True)
    assert act(officer, change.id, "accept", "同意变更").status_code == 302
    db.session.refresh(change)
    assert change.status == "accepted"
    trail = plain(officer.get(f"/admin/changes/{change.id}").get_data(as_text=True))
    assert "经核查属实，提出变更申请" in trail and "同意变更" in trail
    assert db.session.scalars(select(AuditEvent.action).where(AuditEvent.object_type == "ChangeReport")
                              .order_by(AuditEvent.id)).all() == [
        "change_report.file", "change_report.forward", "change_report.accept"]
    assert "已同意变更" in plain(client.get(f"/portal/changes/{change.id}").get_data(as_text=True))


def test_yunnan_认定与管理_a_report_the_day_after_the_due_date_is_marked_late(app):
    org = make_org(region="530302")
    title = make_title("yunnan", make_space(org, region="530302"), granted_on=date(2023, 6, 1))
    client = signed_in(app, make_user("applicant", organisation=org))
    clock.freeze(date(2026, 3, 1))
    assert report(client, title.id).status_code == 302
    page = plain(client.get("/portal/changes").get_data(as_text=True))
    assert "2026-02-28" in page and "逾期报告" in page


def test_yunnan_officer_records_a_change_found_the_space_then_reports_it(app):
    org = make_org(region="530302")
    title = make_title("yunnan", make_space(org, region="530302"), granted_on=date(2023, 6, 1))
    officer = signed_in(app, make_user("officer", ["yunnan"]))
    clock.freeze(date(2026, 3, 10))
    page = officer.get("/admin/changes/").get_data(as_text=True)
    bad = officer.post("/admin/changes/found", data={"csrf_token": token(page), "recognition_id": str(title.id),
                                                     "kind": "location", "changed_on": "", "description": "已迁址"})
    assert bad.status_code == 400 and "请填写变更日期" in bad.get_data(as_text=True) and "已迁址" in bad.get_data(as_text=True)
    assert officer.post("/admin/changes/found", data={
        "csrf_token": token(page), "recognition_id": str(title.id), "kind": "location", "changed_on": "2025-11-30",
        "description": "实地核查发现已迁址"}).status_code == 302
    change = db.session.scalars(select(ChangeReport)).one()
    assert f"change-{change.id}" in officer.get("/admin/changes/?list=overdue").get_data(as_text=True)

    applicant = signed_in(app, make_user("applicant", organisation=org))
    shown = plain(applicant.get(f"/portal/changes/{change.id}").get_data(as_text=True))
    assert "应立即报告" in shown
    html = applicant.get(f"/portal/changes/{change.id}").get_data(as_text=True)
    assert applicant.post(f"/portal/changes/{change.id}", data={
        "csrf_token": token(html), "description": "已迁至新址",
        "evidence": (io.BytesIO(PDF), "租赁合同.pdf")}, content_type="multipart/form-data").status_code == 302
    db.session.refresh(change)
    assert change.status == "reported" and change.reported_on == date(2026, 3, 10)


def test_mile_change_reports_a_bureau_setting_unset_then_set(app):
    org = make_org(region="532504")
    title = make_title("mile", make_space(org))
    applicant = signed_in(app, make_user("applicant", organisation=org))
    officer_user = make_user("officer", ["mile"])
    officer = signed_in(app, officer_user)
    clock.freeze(date(2026, 5, 1))

    page = plain(applicant.get("/portal/changes").get_data(as_text=True))
    assert "政策未规定报告期限，本局亦未设定" in page
    preview = plain(report(applicant, title.id, changed_on="2026-01-31", preview="1", file=False).get_data(as_text=True))
    assert "报告期限：" not in preview and "无报告期限" in preview
    policy = plain(officer.get("/admin/policy/mile").get_data(as_text=True))
    assert "认定条件变化后报告的期限（本局设定）" in policy and "政策未规定，待局设置" in policy

    set_bureau_setting("mile", "change_report_months", 3, document="弥科通〔2026〕1号", actor=officer_user)
    page = plain(applicant.get("/portal/changes").get_data(as_text=True))
    assert "变更后 3 个月内报告（本局设定，非政策规定）" in page
    preview = plain(report(applicant, title.id, changed_on="2026-01-31", preview="1", file=False).get_data(as_text=True))
    assert "报告期限：2026-04-30" in preview and "已逾期" in preview
    policy = plain(officer.get("/admin/policy/mile").get_data(as_text=True))
    assert "弥科通〔2026〕1号" in policy

    assert report(applicant, title.id, changed_on="2026-04-01").status_code == 302
    change = db.session.scalars(select(ChangeReport)).one()
    assert change.due_on == date(2026, 7, 1)
    assert act(officer, change.id, "return", "请补充房产证明").status_code == 302
    db.session.refresh(change)
    assert change.status == "returned"
    assert "请补充房产证明" in applicant.get(f"/portal/changes/{change.id}").get_data(as_text=True)
