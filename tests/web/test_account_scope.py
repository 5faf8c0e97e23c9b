"""Issue 12 item 1: account actions stay within the officer's jurisdictions.

云南 covers the whole province (53xxxx), so its officer *sees* 昆明's and 弥勒's
organisations by area; he may reset, edit or add under one only when it has a
(submitted) application in 云南.  Each such change is audited once per jurisdiction
concerned and shown to those bureaus; the applicant's account page says who reset the
password and when.  Real HTTP as the demo users, CSRF on, real database.
"""
from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from core.platform.labels import local_datetime
from core.platform.extensions import db
from core.platform.models import AuditEvent, Organisation, Space, User
from tests.conftest import csrf_token
from tests.factories import PASSWORD, login, make_application, make_org, make_space, make_user

TEMP_RE = re.compile(r'id="temporary-password">([^<]+)<')
RESET_CELL = re.compile(r'class="col-action">\s*管理员重设密码\s*<')  # a row of the audit log list


@pytest.fixture
def world(app):
    """Applicants of 昆明, 弥勒 and 云南, one 云南 applicant with no application, one
    with only a draft in 云南, and one with applications in both 昆明 and 云南."""
    def applicant(login_name, region, *applications):
        org = make_org(f"{login_name}的单位", region=region)
        space = make_space(org)
        for jurisdiction, category, status in applications:
            make_application(jurisdiction, category, space=space, status=status)
        return make_user("applicant", login=login_name, organisation=org)

    users = {
        "kunming": applicant("applicant@kunming.demo", "530102", ("kunming", "comprehensive_service", "submitted")),
        "mile": applicant("applicant@mile.demo", "532504", ("mile", "comprehensive", "submitted")),
        "yunnan": applicant("applicant@yunnan.demo", "530302", ("yunnan", "provincial", "submitted")),
        "none": applicant("no-application@yunnan.demo", "530302"),
        "draft": applicant("draft-only@yunnan.demo", "530302", ("yunnan", "provincial", "draft")),
        "both": applicant("both@kunming.demo", "530102", ("kunming", "comprehensive_service", "submitted"),
                          ("yunnan", "provincial", "in_review")),
    }
    users["officer"] = make_user("officer", ["yunnan"], login="officer@yunnan.demo", name="云南经办人")
    users["km_officer"] = make_user("officer", ["kunming"], login="officer@kunming.demo")
    users["mile_officer"] = make_user("officer", ["mile"], login="officer@mile.demo")
    users["admin"] = make_user("admin", login="admin@zhongchuang.demo", name="省级管理员")
    return users


def client_of(app, user):
    client = app.test_client()
    assert login(client, user).status_code == 302
    return client


def reset(client, user):
    token = csrf_token(client, "/admin/applicant-users/")
    return client.post(f"/admin/applicant-users/{user.id}/reset", data={"csrf_token": token})


def resets() -> list[AuditEvent]:
    return db.session.scalars(select(AuditEvent).where(AuditEvent.action == "user.password_reset")
                              .order_by(AuditEvent.jurisdiction)).all()


def test_officer_lists_only_applicants_with_an_application_in_his_jurisdictions(app, world):
    html = client_of(app, world["officer"]).get("/admin/applicant-users/").get_data(as_text=True)
    listed = {key for key in ("kunming", "mile", "yunnan", "none", "draft", "both") if world[key].login in html}
    # in 云南's area all of them; his to manage only those with a submitted 云南 application
    assert listed == {"yunnan", "both"}


@pytest.mark.parametrize("key", ["kunming", "mile", "none", "draft"])
def test_reset_outside_his_jurisdictions_is_refused_and_the_owner_keeps_his_password(app, world, key):
    client = client_of(app, world["officer"])
    response = reset(client, world[key])
    assert response.status_code == 404
    assert TEMP_RE.search(response.get_data(as_text=True)) is None
    db.session.expire_all()
    owner = db.session.get(User, world[key].id)
    assert owner.check_password(PASSWORD) and not owner.must_change_password
    assert client_of(app, owner) is not None  # the owner still logs in with his own password
    assert resets() == []


def test_officer_cannot_rename_a_kunming_organisation(app, world):
    client = client_of(app, world["officer"])
    org_id = world["kunming"].organisation_id
    assert "applicant@kunming.demo的单位" in client.get("/admin/organisation/").get_data(as_text=True)  # seen
    url = f"/admin/organisation/edit/?id={org_id}"
    response = client.get(url)
    assert response.status_code == 302  # Flask-Admin: "record does not exist", back to the list
    token = csrf_token(client, "/admin/organisation/")
    org = db.session.get(Organisation, org_id)
    client.post(url, data={"csrf_token": token, "name": "被改名的单位", "uscc": org.uscc, "entity_type": "enterprise",
                           "registered_region": "530102"})
    db.session.expire_all()
    assert db.session.get(Organisation, org_id).name == "applicant@kunming.demo的单位"


def test_officer_renames_an_organisation_of_his_and_every_bureau_concerned_sees_it(app, world):
    client = client_of(app, world["officer"])
    org = db.session.get(Organisation, world["both"].organisation_id)
    url = f"/admin/organisation/edit/?id={org.id}"
    token = csrf_token(client, url)
    response = client.post(url, data={"csrf_token": token, "name": "更名后的单位", "uscc": org.uscc,
                                      "entity_type": "enterprise", "registered_region": "530102"})
    assert response.status_code == 302, response.get_data(as_text=True)
    events = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "admin_update",
                                                         AuditEvent.object_type == "Organisation")).all()
    assert sorted(e.jurisdiction for e in events) == ["kunming", "yunnan"]
    assert all(e.detail["jurisdictions"] == ["kunming", "yunnan"] for e in events)
    km_log = client_of(app, world["km_officer"]).get("/admin/auditevent/?search=admin_update").get_data(as_text=True)
    assert "云南经办人" in km_log


def test_officer_cannot_add_a_space_under_a_kunming_organisation(app, world):
    client = client_of(app, world["officer"])
    km_org = world["kunming"].organisation_id
    form = client.get("/admin/space/new/").get_data(as_text=True)
    assert "applicant@kunming.demo的单位" not in form  # not offered…
    assert "both@kunming.demo的单位" in form
    token = csrf_token(client, "/admin/space/new/")
    before = db.session.scalar(select(func.count()).select_from(Space))
    response = client.post("/admin/space/new/", data={"csrf_token": token, "organisation": str(km_org),
                                                      "name": "伪造的空间", "region": "530302"})
    assert response.status_code == 200  # …and refused when forged: the form again
    db.session.expire_all()
    assert db.session.scalar(select(func.count()).select_from(Space)) == before


def test_officer_adds_a_space_under_his_organisation_and_it_is_audited_per_jurisdiction(app, world):
    client = client_of(app, world["officer"])
    token = csrf_token(client, "/admin/space/new/")
    response = client.post("/admin/space/new/", data={
        "csrf_token": token, "organisation": str(world["both"].organisation_id), "name": "新的空间",
        "region": "530302", "opened_on": "2024-01-01"})
    assert response.status_code == 302, response.get_data(as_text=True)
    events = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "admin_create",
                                                         AuditEvent.object_type == "Space")).all()
    assert sorted(e.jurisdiction for e in events) == ["kunming", "yunnan"]


def test_officers_no_longer_create_organisations(app, world):
    """Organisations register themselves with their account; an officer's one would be
    nobody's to manage (it has no application)."""
    client = client_of(app, world["officer"])
    assert client.get("/admin/organisation/new/").status_code == 302
    token = csrf_token(client, "/admin/organisation/")
    before = db.session.scalar(select(func.count()).select_from(Organisation))
    client.post("/admin/organisation/new/", data={"csrf_token": token, "name": "官方新建单位",
                                                  "uscc": "91530302MA00000001", "registered_region": "530302"})
    assert db.session.scalar(select(func.count()).select_from(Organisation)) == before


def test_reset_is_recorded_for_each_jurisdiction_and_shown_on_the_applicants_account(app, world):
    client = client_of(app, world["officer"])
    response = reset(client, world["both"])
    assert response.status_code == 200
    temporary = TEMP_RE.search(response.get_data(as_text=True)).group(1)
    events = resets()
    assert [e.jurisdiction for e in events] == ["kunming", "yunnan"]  # one per bureau concerned
    assert {e.object_id for e in events} == {str(world["both"].id)}
    assert all(e.actor_id == world["officer"].id and e.detail["jurisdictions"] == ["kunming", "yunnan"]
               for e in events)
    assert all(temporary not in str(e.detail) for e in events)
    # 昆明's bureau sees the reset its applicant underwent; 弥勒's does not
    assert RESET_CELL.search(client_of(app, world["km_officer"]).get("/admin/auditevent/").get_data(as_text=True))
    assert not RESET_CELL.search(client_of(app, world["mile_officer"]).get("/admin/auditevent/").get_data(as_text=True))
    # the applicant: who reset it and when
    applicant = app.test_client()
    assert login(applicant, world["both"].login, temporary).status_code == 302
    page = applicant.get("/account/password").get_data(as_text=True)
    shown = re.search(r'id="last-reset">([^<]+)<', page).group(1)
    assert shown.startswith(f"密码已由 业务经办人员 云南经办人 于 {local_datetime(events[0].occurred_at)} 重置")


def test_an_applicant_never_reset_sees_no_such_line(app, world):
    client = client_of(app, world["yunnan"])
    assert 'id="last-reset"' not in client.get("/account/password").get_data(as_text=True)


def test_admin_is_exempt_and_his_reset_of_an_applicant_without_application_only_he_sees(app, world):
    client = client_of(app, world["admin"])
    html = client.get("/admin/applicant-users/").get_data(as_text=True)
    assert all(world[key].login in html for key in ("kunming", "mile", "yunnan", "none", "draft", "both"))
    assert reset(client, world["none"]).status_code == 200
    events = resets()
    assert [(e.jurisdiction, e.detail["jurisdictions"]) for e in events] == [(None, [])]
    db.session.expire_all()
    user = db.session.get(User, world["none"].id)
    assert user.must_change_password


def test_admin_setting_an_applicants_password_in_the_user_form_is_a_reset_too(app, world):
    client = client_of(app, world["admin"])
    user = world["kunming"]
    url = f"/admin/user/edit/?id={user.id}"
    token = csrf_token(client, url)
    response = client.post(url, data={"csrf_token": token, "login": user.login, "name": user.name,
                                      "role": "applicant", "organisation": str(user.organisation_id),
                                      "active": "y", "password": "another-pass-42"})
    assert response.status_code == 302, response.get_data(as_text=True)
    assert [(e.jurisdiction, e.actor_id) for e in resets()] == [("kunming", world["admin"].id)]
    applicant = app.test_client()
    assert login(applicant, user.login, "another-pass-42").status_code == 302
    shown = applicant.get("/account/password").get_data(as_text=True)
    assert "密码已由 系统管理员（省级） 省级管理员 于 " in shown
