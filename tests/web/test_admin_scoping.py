"""Nobody sees another jurisdiction's records: every admin URL, through real HTTP.

A 弥勒 (mile) organisation, space and application against a 昆明 (kunming) officer;
applicants against the admin; the scoping functions against the database.
"""
from __future__ import annotations

import json

import pytest
from sqlalchemy import select

from core.accounts import scoping
from core.platform.audit import record
from core.platform.extensions import db
from core.platform.models import Application, AuditEvent, Organisation, Space, User
from tests.conftest import csrf_token
from tests.factories import login, make_application, make_org, make_space, make_user

SECRET_ORG = "弥勒保密申报单位"
SECRET_SPACE = "弥勒保密众创空间"


@pytest.fixture
def world(app):
    mile_org = make_org(SECRET_ORG, region="532504")
    mile_space = make_space(mile_org, SECRET_SPACE)
    mile_app = make_application("mile", "comprehensive", mile_space, status="draft", official_number="MILE-SECRET-1")
    km_org = make_org("昆明申报单位", region="530102")
    km_space = make_space(km_org, "昆明众创空间")
    km_app = make_application("kunming", "comprehensive_service", km_space, status="submitted")
    record("admin_update", mile_app, secret="弥勒审计秘密")
    db.session.commit()
    officer = make_user("officer", ["kunming"], login="km-officer@example.cn")
    return {
        "mile_org": mile_org.id, "mile_space": mile_space.id, "mile_app": mile_app.id,
        "km_org": km_org.id, "km_space": km_space.id, "km_app": km_app.id, "officer": officer,
    }


def assert_no_leak(response):
    html = response.get_data(as_text=True)
    for secret in (SECRET_ORG, SECRET_SPACE, "MILE-SECRET-1", "弥勒审计秘密", "弥勒市"):
        # Flask-Admin puts filter options in JSON, with \\uXXXX escapes.
        for form in (secret, json.dumps(secret)[1:-1]):
            assert form not in html, f"{secret} leaked at {response.request.path}"
    assert response.status_code in (200, 302, 403, 404)
    if response.status_code == 302:
        assert "/login" not in response.location  # a logged-in user is not bounced to login


@pytest.fixture
def officer_client(app, world):
    client = app.test_client()
    assert login(client, world["officer"]).status_code == 302
    return client


def test_list_count_search_filter_and_export_omit_foreign_records(officer_client, world):
    page = officer_client.get("/admin/application/")
    assert page.status_code == 200
    assert "昆明众创空间" in page.get_data(as_text=True)
    assert "列表 (1)" in page.get_data(as_text=True)  # the count excludes the 弥勒 record
    assert_no_leak(page)
    for url in (
        "/admin/application/?search=弥勒",
        "/admin/application/?search=MILE-SECRET",
        "/admin/application/?flt0_0=mile",
        "/admin/application/?flt1_1=comprehensive",
        "/admin/application/export/csv/",
        "/admin/application/export/csv/?flt0_0=mile",
        "/admin/application/ajax/lookup/?name=space&query=弥勒",
        "/admin/organisation/",
        "/admin/organisation/?search=弥勒",
        "/admin/organisation/export/csv/",
        "/admin/space/",
        "/admin/space/export/csv/",
        "/admin/auditevent/",
        "/admin/auditevent/export/csv/",
        "/admin/",
    ):
        assert_no_leak(officer_client.get(url))
    csv = officer_client.get("/admin/application/export/csv/").get_data(as_text=True)
    assert "昆明众创空间" in csv


@pytest.mark.parametrize("endpoint,key", [("application", "mile_app"), ("organisation", "mile_org"),
                                          ("space", "mile_space")])
def test_foreign_record_urls_refused(officer_client, world, endpoint, key):
    record_id = world[key]
    for url in (f"/admin/{endpoint}/details/?id={record_id}", f"/admin/{endpoint}/edit/?id={record_id}"):
        response = officer_client.get(url)
        assert response.status_code == 302  # Flask-Admin: "record does not exist", back to the list
        assert_no_leak(officer_client.get(response.location))
    token = csrf_token(officer_client, f"/admin/{endpoint}/")
    response = officer_client.post(f"/admin/{endpoint}/edit/?id={record_id}",
                                   data={"csrf_token": token, "name": "被篡改", "official_number": "HACKED"})
    assert_no_leak(response)
    response = officer_client.post(f"/admin/{endpoint}/delete/", data={"csrf_token": token, "id": record_id})
    assert_no_leak(response)
    response = officer_client.post(f"/admin/{endpoint}/action/",
                                   data={"csrf_token": token, "action": "delete", "rowid": record_id})
    assert_no_leak(response)
    db.session.expire_all()
    # Untouched in the database.
    app_row = db.session.get(Application, world["mile_app"])
    assert app_row is not None and app_row.official_number == "MILE-SECRET-1"
    assert db.session.get(Organisation, world["mile_org"]).name == SECRET_ORG
    assert db.session.get(Space, world["mile_space"]).name == SECRET_SPACE


def test_officer_edits_own_record_and_it_is_audited(officer_client, world):
    token = csrf_token(officer_client, f"/admin/application/edit/?id={world['km_app']}")
    response = officer_client.post(f"/admin/application/edit/?id={world['km_app']}",
                                   data={"csrf_token": token, "official_number": "KM-2026-001"})
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(Application, world["km_app"]).official_number == "KM-2026-001"
    event = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "admin_update",
                                                        AuditEvent.jurisdiction == "kunming")).one()
    assert event.actor_id == world["officer"].id and "official_number" in event.detail["fields"]


def test_edit_post_without_csrf_is_refused(officer_client, world):
    response = officer_client.post(f"/admin/application/edit/?id={world['km_app']}",
                                   data={"official_number": "NO-CSRF"})
    assert response.status_code == 400
    db.session.expire_all()
    assert db.session.get(Application, world["km_app"]).official_number is None


def test_relationship_dropdown_lists_only_visible_organisations(officer_client, world):
    html = officer_client.get("/admin/space/new/").get_data(as_text=True)
    assert "昆明申报单位" in html
    assert SECRET_ORG not in html


def test_officer_cannot_move_a_space_out_of_his_area(officer_client, world):
    # A space with no application is visible by its region only.
    space = make_space(db.session.get(Organisation, world["km_org"]), "昆明新空间", region="530102")
    url = f"/admin/space/edit/?id={space.id}"
    token = csrf_token(officer_client, url)
    response = officer_client.post(url, data={"csrf_token": token, "organisation": str(world["km_org"]),
                                              "name": "昆明新空间", "region": "532504"})
    assert response.status_code == 200  # the form again, with what was typed
    html = response.get_data(as_text=True)
    assert "超出您的管理范围" in html and 'value="532504"' in html
    db.session.expire_all()
    assert db.session.get(Space, space.id).region == "530102"


def test_officer_has_no_user_admin_and_no_jurisdiction_switch(officer_client, world):
    assert officer_client.get("/admin/user/").status_code == 403
    assert officer_client.get(f"/admin/user/edit/?id={world['officer'].id}").status_code == 403
    assert officer_client.get("/admin/jurisdictions/").status_code == 403


def test_applicant_gets_no_admin_at_all(app, world):
    org = make_org("另一申报单位", region="532504")
    make_user("applicant", login="13900000000", organisation=org)
    client = app.test_client()
    login(client, "13900000000")
    for url in ("/admin/", "/admin/application/", f"/admin/application/details/?id={world['mile_app']}",
                f"/admin/application/edit/?id={world['mile_app']}", "/admin/application/export/csv/",
                "/admin/organisation/", "/admin/space/", "/admin/user/", "/admin/auditevent/",
                "/admin/jurisdictions/"):
        response = client.get(url)
        assert response.status_code == 403, url
        assert_no_leak(response)
    token = csrf_token(client, "/")
    response = client.post("/admin/application/delete/", data={"csrf_token": token, "id": world["mile_app"]})
    assert response.status_code == 403
    assert db.session.get(Application, world["mile_app"]) is not None


def test_scoping_functions_against_the_database(app, world):
    def visible(model, user):
        return set(db.session.scalars(select(model.id).where(scoping.criteria_for(model, user))))

    own_org = db.session.get(Organisation, world["mile_org"])
    applicant = make_user("applicant", organisation=own_org)
    other = make_user("applicant", organisation=make_org(region="530102"))
    no_org = make_user("applicant")
    admin = make_user("admin")
    officer = world["officer"]
    yunnan = make_user("leader", ["yunnan"])

    assert visible(Application, officer) == {world["km_app"]}
    assert visible(Application, admin) == {world["mile_app"], world["km_app"]}
    assert visible(Application, applicant) == {world["mile_app"]}
    assert visible(Application, other) == set()
    assert visible(Application, no_org) == set()
    assert visible(Application, yunnan) == set()  # 云南 has no application yet
    assert visible(Organisation, officer) == {world["km_org"], other.organisation_id}  # 530102 is 昆明
    assert visible(Organisation, applicant) == {world["mile_org"]}
    # 云南 covers 53xxxx: both organisations and spaces are in its area.
    assert visible(Organisation, yunnan) == {world["mile_org"], world["km_org"], other.organisation_id}
    assert visible(Space, yunnan) == {world["mile_space"], world["km_space"]}
    assert visible(Space, officer) == {world["km_space"]}
    assert visible(User, officer) == {officer.id}
    assert len(visible(User, admin)) == db.session.query(User).count()
    assert visible(AuditEvent, officer) == set()
    assert len(visible(AuditEvent, admin)) >= 1
    assert visible(AuditEvent, applicant) == set()


def test_recommender_sees_only_its_area(app, world):
    other_space = make_space(make_org(region="530111"), "官渡区空间")
    other_app = make_application("kunming", "comprehensive_service", other_space)
    recommender = make_user("recommender", ["kunming"], region_prefix="530102")
    ids = set(db.session.scalars(select(Application.id).where(scoping.application_criteria(recommender))))
    assert ids == {world["km_app"]}
    officer_ids = set(db.session.scalars(select(Application.id).where(
        scoping.application_criteria(world["officer"]))))
    assert officer_ids == {world["km_app"], other_app.id}
    spaces = set(db.session.scalars(select(Space.id).where(scoping.space_criteria(recommender))))
    assert spaces == {world["km_space"]}


def test_anonymous_sees_nothing(app, world):
    from flask_login import AnonymousUserMixin

    anonymous = AnonymousUserMixin()
    for model in (Application, Organisation, Space, User, AuditEvent):
        assert db.session.scalars(select(model).where(scoping.criteria_for(model, anonymous))).all() == []


def test_admin_creates_user_with_hashed_password_and_scopes(app, world):
    make_user("admin", login="root@example.cn")
    client = app.test_client()
    login(client, "root@example.cn")
    token = csrf_token(client, "/admin/user/new/")
    form = {"csrf_token": token, "login": "new-officer@example.cn", "name": "新经办人", "role": "officer",
            "jurisdictions": ["mile", "kunming"], "active": "y", "password": "short"}
    response = client.post("/admin/user/new/", data=form)
    assert response.status_code == 200 and "密码至少 12 个字符，现为 5 个" in response.get_data(as_text=True)
    response = client.post("/admin/user/new/", data={**form, "password": "qwertyuiop123"})  # core.accounts.passwords rule
    assert response.status_code == 200 and "常见或已泄露的密码" in response.get_data(as_text=True)
    response = client.post("/admin/user/new/", data={**form, "password": "new-officer@example.cn!"})
    assert response.status_code == 200 and "密码不能包含登录名" in response.get_data(as_text=True)
    assert 'value="new-officer@example.cn"' in response.get_data(as_text=True)
    assert db.session.scalar(select(User).where(User.login == "new-officer@example.cn")) is None

    response = client.post("/admin/user/new/", data={**form, "password": "long-enough-12"})
    assert response.status_code == 302, response.get_data(as_text=True)
    user = db.session.scalar(select(User).where(User.login == "new-officer@example.cn"))
    assert user.check_password("long-enough-12") and "long-enough-12" not in user.password_hash
    assert user.jurisdiction_codes == {"mile", "kunming"}
    event = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "admin_create",
                                                        AuditEvent.object_type == "User")).one()
    assert "long-enough-12" not in str(event.detail)

    # Edit: scopes replaced; the password kept when left empty.
    token = csrf_token(client, f"/admin/user/edit/?id={user.id}")
    response = client.post(f"/admin/user/edit/?id={user.id}", data={
        "csrf_token": token, "login": user.login, "name": "新经办人", "role": "officer",
        "jurisdictions": ["kunming"], "active": "y", "password": ""})
    assert response.status_code == 302, response.get_data(as_text=True)
    db.session.expire_all()
    user = db.session.get(User, user.id)
    assert user.jurisdiction_codes == {"kunming"} and user.check_password("long-enough-12")

    # The new officer now sees 昆明 only.
    other = app.test_client()
    assert login(other, "new-officer@example.cn", "long-enough-12").status_code == 302
    assert_no_leak(other.get("/admin/application/"))


def test_audit_log_is_read_only_even_for_the_admin(app, world):
    make_user("admin", login="root2@example.cn")
    client = app.test_client()
    login(client, "root2@example.cn")
    page = client.get("/admin/auditevent/").get_data(as_text=True)
    assert "修改记录" in page  # the action in words (issue 13)
    event_id = db.session.scalars(select(AuditEvent.id)).first()
    assert client.get("/admin/auditevent/new/").status_code in (302, 403)
    assert client.get(f"/admin/auditevent/edit/?id={event_id}").status_code in (302, 403)
    token = csrf_token(client, "/admin/auditevent/")
    client.post("/admin/auditevent/delete/", data={"csrf_token": token, "id": event_id})
    db.session.expire_all()
    assert db.session.get(AuditEvent, event_id) is not None


def test_officer_deletes_a_withdrawn_application_but_not_a_submitted_one(officer_client, world):
    submitted = make_application("kunming", "comprehensive_service", status="submitted")
    withdrawn = make_application("kunming", "comprehensive_service", status="withdrawn")
    token = csrf_token(officer_client, "/admin/application/")
    response = officer_client.post("/admin/application/delete/", data={"csrf_token": token, "id": submitted.id},
                                   follow_redirects=True)
    assert "只能删除草稿或已撤回的申请" in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Application, submitted.id) is not None

    # The mass action goes through the same scoped query and the same rule.
    response = officer_client.post("/admin/application/action/", data={
        "csrf_token": token, "action": "delete", "rowid": [str(withdrawn.id), str(world["mile_app"])]})
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(Application, withdrawn.id) is None  # own withdrawn application: gone
    assert db.session.get(Application, world["mile_app"]) is not None  # foreign: untouched
    deleted = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "admin_delete")).all()
    assert [(e.object_id, e.jurisdiction) for e in deleted] == [(str(withdrawn.id), "kunming")]


def test_admin_edit_keeps_scopes_of_a_disabled_jurisdiction(app, world):
    from core.platform.models import JurisdictionSetting

    make_user("admin", login="root3@example.cn")
    officer = make_user("officer", ["mile", "kunming"])
    db.session.add(JurisdictionSetting(code="mile", enabled=False))
    db.session.commit()
    client = app.test_client()
    login(client, "root3@example.cn")
    url = f"/admin/user/edit/?id={officer.id}"
    token = csrf_token(client, url)
    response = client.post(url, data={"csrf_token": token, "login": officer.login, "name": officer.name,
                                      "role": "officer", "jurisdictions": ["yunnan"], "active": "y"})
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(User, officer.id).jurisdiction_codes == {"mile", "yunnan"}
