"""撤销称号 through HTTP (core.monitoring.admin_revocations) and the ban at the portal's submission.

云科规〔2021〕1号 认定与管理 “管理”: 申报材料存在虚报、瞒报、造假等行为，一经查实，取消认定资格，且2年内不得再次申报.
"""
from __future__ import annotations

from datetime import date

from sqlalchemy import func, select

from core.intake.materials import missing_materials
from core.platform import clock
from core.platform.extensions import db
from core.platform.models import Revocation
from tests.after_recognition_helpers import entitlement, titled
from tests.factories import login, make_application, make_space, make_user
from tests.portal_helpers import plain, token, upload


def signed_in(app, user):
    client = app.test_client()
    assert login(client, user).status_code == 302
    return client


def propose(client, title, codes, text="经核查申报材料造假"):
    page = client.get(f"/admin/revocations/new?recognition_id={title.id}").get_data(as_text=True)
    return client.post(f"/admin/revocations/new?recognition_id={title.id}",
                       data={"csrf_token": token(page), "ground_codes": codes, "proposal": text})


def decide(client, revocation_id, **data):
    page = client.get(f"/admin/revocations/{revocation_id}").get_data(as_text=True)
    return client.post(f"/admin/revocations/{revocation_id}/decide", data={"csrf_token": token(page), **data})


def revoked_through_the_pages(app, day=date(2024, 2, 29)):
    title, applicant, officer, leader = titled("yunnan")
    money = entitlement(title, "pending")
    clock.freeze(day)
    staff = signed_in(app, officer)
    page = plain(staff.get(f"/admin/revocations/new?recognition_id={title.id}").get_data(as_text=True))
    assert "云科规〔2021〕1号 认定与管理“管理”" in page
    none = propose(staff, title, [], "保留的理由")
    assert none.status_code == 400 and "请选择撤销依据" in none.get_data(as_text=True)
    assert "保留的理由" in none.get_data(as_text=True)
    assert propose(staff, title, ["fraud"]).status_code == 302
    revocation = db.session.scalars(select(Revocation)).one()
    chief = signed_in(app, leader)
    bad = decide(chief, revocation.id, decision="revoke", meeting_on="", minutes_ref="保留纪要号", opinion="同意")
    html = bad.get_data(as_text=True)
    assert bad.status_code == 400 and 'id="error-meeting_on"' in html and "请填写会议日期" in html
    assert "保留纪要号" in html
    assert decide(chief, revocation.id, decision="revoke", meeting_on=day.isoformat(), minutes_ref="云科党组〔2024〕3号",
                  opinion="同意撤销").status_code == 302
    db.session.expire_all()
    return title, applicant, officer, leader, revocation, money


def test_yunnan_认定与管理_管理_officer_proposes_leader_decides_money_and_ban_shown(app):
    title, applicant, officer, leader, revocation, money = revoked_through_the_pages(app)
    assert (title.status, title.ban_until, money.status) == ("revoked", date(2026, 2, 28), "cancelled")
    page = plain(signed_in(app, officer).get(f"/admin/revocations/{revocation.id}").get_data(as_text=True))
    assert "2026-02-28（含当日）前不得再次申报" in page and "未拨付的补助取消" in page
    again = decide(signed_in(app, leader), revocation.id, decision="revoke", meeting_on="2024-02-29",
                   minutes_ref="1", opinion="x")
    assert again.status_code in (403, 409)
    portal = plain(signed_in(app, applicant).get("/portal/rectifications").get_data(as_text=True))
    assert "于 2024-02-29 撤销" in portal and "2026-02-28（含当日）前不得再次向该辖区申报" in portal


def test_roles_officer_cannot_decide_leader_cannot_propose_other_jurisdiction_404(app):
    title, _applicant, officer, leader = titled("yunnan")
    clock.freeze(date(2026, 1, 5))
    assert propose(signed_in(app, officer), title, ["serious_dishonesty"]).status_code == 302
    revocation = db.session.scalars(select(Revocation)).one()
    assert decide(signed_in(app, officer), revocation.id, decision="revoke", meeting_on="2026-01-05",
                  minutes_ref="1", opinion="x").status_code == 403
    assert signed_in(app, leader).get(f"/admin/revocations/new?recognition_id={title.id}").status_code == 403
    assert signed_in(app, make_user("leader", ["mile"])).get(f"/admin/revocations/{revocation.id}").status_code == 404
    assert signed_in(app, make_user("expert", ["yunnan"])).get("/admin/revocations/").status_code == 403
    assert db.session.scalar(select(func.count()).select_from(Revocation)) == 1


def submit_over_http(client, application):
    for material in missing_materials(application):
        assert upload(client, application.id, material.code).status_code == 302
    html = client.get(f"/portal/applications/{application.id}").get_data(as_text=True)
    db.session.refresh(application)
    version = str(application.version)  # banned: no button is offered, the forged post is still refused
    return client.post(f"/portal/applications/{application.id}/act", data={
        "csrf_token": token(html), "action": "submit", "expected_version": version, "confirm_submit": "yes"})


def test_yunnan_认定与管理_管理_the_portal_refuses_on_ban_until_and_takes_it_the_day_after(app):
    title, applicant, *_ = revoked_through_the_pages(app)
    space = make_space(title.space.organisation, region="530302")
    first = make_application("yunnan", "provincial", space=space, status="draft", facts={"operating_months": 24})
    client = signed_in(app, applicant)
    clock.freeze(date(2026, 2, 28))
    refused = submit_over_http(client, first)
    text = plain(refused.get_data(as_text=True))
    assert refused.status_code == 400 and "云科规〔2021〕1号 认定与管理“管理”" in text
    assert "2026-02-28（含当日）前不得再次申报" in text
    db.session.refresh(first)
    assert first.status == "draft"
    clock.freeze(date(2026, 3, 1))
    assert submit_over_http(client, first).status_code == 302
    db.session.refresh(first)
    assert first.status == "submitted"
