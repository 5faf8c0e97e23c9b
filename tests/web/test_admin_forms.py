"""Every Flask-Admin create and edit form with real values (issue 13): the page opens,
a valid save lands and is audited, and an invalid value is answered in Chinese next to
its own field with what was typed kept — never an HTTP 500 (the organisation form's
``Email()`` needs ``email_validator``), never only Flask-Admin's "Failed to create
record." (its template drops lazy-translated errors). Real HTTP, CSRF on, real database."""
from __future__ import annotations

import html as html_lib
import re

import pytest
from flask_admin.contrib.sqla import ModelView
from sqlalchemy import select

from core.platform.extensions import db
from core.facts import make_uscc
from core.platform.models import Application, AuditEvent, Call, Organisation, Space, User
from tests.conftest import csrf_token
from tests.factories import PASSWORD, login, make_application, make_user


def plain(text: str) -> str:
    return html_lib.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", text))).strip()


def field_error(page: str, field_id: str) -> str:
    """The error text Flask-Admin prints right after the input ``field_id`` (empty if none)."""
    match = re.search(r'<(?:input|select|textarea)[^>]*\bid="%s"[^>]*>' % re.escape(field_id), page)
    assert match, f"no field {field_id} on the page"
    assert "is-invalid" in match.group(0), f"field {field_id} is not marked invalid"
    rest = page[match.end():]
    feedback = re.search(r'<div class="invalid-feedback">(.*?)</div>', rest, re.S)
    assert feedback and feedback.start() < 400, f"no error printed beside {field_id}"
    return plain(feedback.group(1))


def post(client, url: str, data: dict):
    return client.post(url, data={"csrf_token": csrf_token(client, url), **data})


def audit_events(action: str, object_type: str, object_id) -> list[AuditEvent]:
    return db.session.scalars(select(AuditEvent).where(
        AuditEvent.action == action, AuditEvent.object_type == object_type,
        AuditEvent.object_id == str(object_id))).all()


@pytest.fixture
def world(app):
    application = make_application("kunming", "tech_support", status="submitted")
    officer = make_user("officer", ["kunming"], name="昆明市科技局经办人")
    admin = make_user("admin", name="系统管理员甲")
    return {"application": application, "organisation": application.organisation, "space": application.space,
            "officer": officer, "admin": admin}


def signed_in(app, user):
    client = app.test_client()
    assert login(client, user).status_code == 302
    return client


ORGANISATION_FORM = {
    "name": "昆明春城创新科技有限公司", "entity_type": "enterprise", "registered_region": "530102",
    "legal_representative": "张三", "address": "昆明市五华区科创路 1 号", "contact_name": "李四",
    "contact_phone": "0871-12345678", "contact_email": "lisi@example.cn",
}


# --- every form opens, for the admin ---------------------------------------------------------


def model_views(app):
    return [v for v in app.extensions["admin"][0]._views if isinstance(v, ModelView)]


def test_every_admin_create_and_edit_form_opens_for_the_admin(app, world):
    """Walks every ModelView: its create form (where it has one) and the edit form of a
    row (where it has one) answer 200 for the admin, with a CSRF token."""
    client = signed_in(app, world["admin"])
    opened = []
    for view in model_views(app):
        if view.create_roles is not None and not getattr(view, "_no_create", False):
            response = client.get(f"/admin/{view.endpoint}/new/")
            assert response.status_code in (200, 302), (view.endpoint, response.status_code)
            if response.status_code == 200:
                assert 'name="csrf_token"' in response.get_data(as_text=True), view.endpoint
                opened.append(f"{view.endpoint}/new")
        if view.edit_roles is not None:
            row = db.session.query(view.model).first()
            if row is not None:
                key = getattr(row, "day", None) or row.id
                response = client.get(f"/admin/{view.endpoint}/edit/?id={key}")
                assert response.status_code == 200, (view.endpoint, response.status_code)
                opened.append(f"{view.endpoint}/edit")
    for expected in ("organisation/edit", "space/new", "space/edit", "application/edit", "user/new", "user/edit",
                     "call/new", "bureausetting/new", "bureaupolicyversion/new", "bureaucriterion/new",
                     "calendarday/new"):
        assert expected in opened


# --- valid saves: saved and audited -------------------------------------------------------------


@pytest.mark.parametrize("role", ["officer", "admin"])
def test_organisation_edit_with_an_e_mail_is_saved_and_audited(app, world, role):
    """The edit that answered 500 (ModuleNotFoundError: email_validator) for everyone."""
    org = world["organisation"]
    client = signed_in(app, world[role])
    url = f"/admin/organisation/edit/?id={org.id}"
    page = client.get(url)
    assert page.status_code == 200 and org.name in page.get_data(as_text=True)
    response = post(client, url, {**ORGANISATION_FORM, "uscc": org.uscc.lower()})
    assert response.status_code == 302, plain(response.get_data(as_text=True))[:1500]
    db.session.expire_all()
    saved = db.session.get(Organisation, org.id)
    assert (saved.name, saved.contact_email, saved.legal_representative) == (
        "昆明春城创新科技有限公司", "lisi@example.cn", "张三")
    assert saved.uscc == org.uscc.upper()  # stored upper-case as typed lower
    [event] = audit_events("admin_update", "Organisation", org.id)
    assert {"name", "contact_email", "legal_representative"} <= set(event.detail["fields"])
    assert event.jurisdiction == "kunming" and event.actor_name.startswith(world[role].name)


def test_space_create_and_edit_by_the_officer_are_saved_and_audited(app, world):
    client = signed_in(app, world["officer"])
    org = world["organisation"]
    response = post(client, "/admin/space/new/", {"organisation": str(org.id), "name": "春城青年创客空间",
                                                   "region": "530102", "address": "五华区 2 号",
                                                   "opened_on": "2021-03-01"})
    assert response.status_code == 302, plain(response.get_data(as_text=True))[:1500]
    space = db.session.scalars(select(Space).where(Space.name == "春城青年创客空间")).one()
    assert str(space.opened_on) == "2021-03-01"
    assert len(audit_events("admin_create", "Space", space.id)) == 1
    response = post(client, f"/admin/space/edit/?id={space.id}", {"organisation": str(org.id),
                                                                   "name": "春城青年创客空间（二期）",
                                                                   "region": "530102", "address": "五华区 3 号",
                                                                   "opened_on": "2021-03-01"})
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(Space, space.id).name == "春城青年创客空间（二期）"
    [event] = audit_events("admin_update", "Space", space.id)
    assert set(event.detail["fields"]) == {"address", "name"}


def test_application_reference_number_edit_is_saved_and_audited(app, world):
    client = signed_in(app, world["officer"])
    application = world["application"]
    response = post(client, f"/admin/application/edit/?id={application.id}",
                    {"official_number": "昆科众创〔2026〕12号"})
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(Application, application.id).official_number == "昆科众创〔2026〕12号"
    assert len(audit_events("admin_update", "Application", application.id)) == 1


def test_user_create_and_edit_by_the_admin_are_saved_and_audited(app, world):
    client = signed_in(app, world["admin"])
    response = post(client, "/admin/user/new/", {"login": "newofficer@km.example.cn", "name": "新经办人",
                                                  "role": "officer", "jurisdictions": ["kunming"],
                                                  "active": "y", "password": PASSWORD})
    assert response.status_code == 302, plain(response.get_data(as_text=True))[:1500]
    user = db.session.scalars(select(User).where(User.login == "newofficer@km.example.cn")).one()
    assert [s.jurisdiction for s in user.scopes] == ["kunming"] and user.check_password(PASSWORD)
    assert len(audit_events("admin_create", "User", user.id)) == 1
    response = post(client, f"/admin/user/edit/?id={user.id}", {"login": "newofficer@km.example.cn",
                                                                "name": "新经办人（更名）", "role": "officer",
                                                                "jurisdictions": ["kunming"], "active": "y"})
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(User, user.id).name == "新经办人（更名）"
    assert len(audit_events("admin_update", "User", user.id)) == 1


def test_call_create_and_edit_by_the_officer_are_saved_and_audited(app, world):
    client = signed_in(app, world["officer"])
    response = post(client, "/admin/call/new/", {"jurisdiction": "kunming", "title": "2027 年众创空间认定申报通知",
                                                  "opens_on": "2027-03-01", "closes_on": "2027-03-31",
                                                  "categories": ["tech_support"]})
    assert response.status_code == 302, plain(response.get_data(as_text=True))[:1500]
    call = db.session.scalars(select(Call)).one()
    assert len(audit_events("admin_create", "Call", call.id)) == 1
    response = post(client, f"/admin/call/edit/?id={call.id}", {"jurisdiction": "kunming",
                                                                "title": "2027 年众创空间认定申报通知（延期）",
                                                                "opens_on": "2027-03-01", "closes_on": "2027-04-30",
                                                                "categories": ["tech_support"]})
    assert response.status_code == 302
    db.session.expire_all()
    assert str(db.session.get(Call, call.id).closes_on) == "2027-04-30"
    assert len(audit_events("admin_update", "Call", call.id)) == 1


# --- invalid values: in Chinese, beside the field, typing kept, nothing saved ------------------


@pytest.mark.parametrize("field, value, message", [
    ("registered_region", "53011", "行政区划代码应为 6 位数字"),   # five digits: one short
    ("registered_region", "5301020", "行政区划代码应为 6 位数字"),  # seven: one over
    ("registered_region", "５３０１０２", "行政区划代码应为 6 位数字"),  # full-width digits are not digits here
    ("contact_email", "lisi.example.cn", "无效的 Email 地址"),
    ("name", "春", "2"),                                     # Length(min=2): one short
    ("uscc", "91530102MA0000000", "18 位"),                      # 17 characters
])
def test_organisation_field_errors_show_in_chinese_beside_the_field(app, world, field, value, message):
    org = world["organisation"]
    client = signed_in(app, world["officer"])
    url = f"/admin/organisation/edit/?id={org.id}"
    response = post(client, url, {**ORGANISATION_FORM, "uscc": org.uscc, field: value})
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    error = field_error(page, field)
    assert message in error and re.search(r"[\u4e00-\u9fff]", error), error
    assert html_lib.escape(value, quote=True) in page or value in page  # what was typed is kept
    db.session.expire_all()
    assert db.session.get(Organisation, org.id).name == org.name
    assert audit_events("admin_update", "Organisation", org.id) == []


def test_organisation_boundary_values_pass(app, world):
    """The other side of the boundaries above: six digits, two characters, a valid code."""
    org = world["organisation"]
    client = signed_in(app, world["officer"])
    uscc = make_uscc("530102", "MA999999")
    response = post(client, f"/admin/organisation/edit/?id={org.id}", {
        **ORGANISATION_FORM, "uscc": uscc, "registered_region": "530102", "name": "春城"})
    assert response.status_code == 302, plain(response.get_data(as_text=True))[:1500]
    db.session.expire_all()
    assert (db.session.get(Organisation, org.id).name, db.session.get(Organisation, org.id).uscc) == ("春城", uscc)


@pytest.mark.parametrize("field, value, message", [
    ("region", "53011", "行政区划代码应为 6 位数字"),
    ("name", "春", "2"),
    ("opened_on", "2021-02-30", ""),
])
def test_space_create_field_errors_show_beside_the_field(app, world, field, value, message):
    client = signed_in(app, world["officer"])
    data = {"organisation": str(world["organisation"].id), "name": "春城青年创客空间", "region": "530102",
            "address": "五华区 2 号", "opened_on": "2021-03-01", field: value}
    response = post(client, "/admin/space/new/", data)
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    error = field_error(page, field)
    assert message in error and re.search(r"[\u4e00-\u9fff]", error), error
    assert db.session.scalars(select(Space).where(Space.name == "春城青年创客空间")).first() is None


def test_application_reference_number_too_long_is_refused_beside_the_field(app, world):
    client = signed_in(app, world["officer"])
    application = world["application"]
    response = post(client, f"/admin/application/edit/?id={application.id}", {"official_number": "号" * 65})
    assert response.status_code == 200
    assert re.search(r"[\u4e00-\u9fff]", field_error(response.get_data(as_text=True), "official_number"))
    ok = post(client, f"/admin/application/edit/?id={application.id}", {"official_number": "号" * 64})
    assert ok.status_code == 302  # 64 characters: the column's length, accepted


@pytest.mark.parametrize("field, value, message", [
    ("region_prefix", "5", "2 至 6 位数字"),
    ("region_prefix", "5301021", "2 至 6 位数字"),
    ("login", "ab", "3"),
])
def test_user_field_errors_show_in_chinese_beside_the_field(app, world, field, value, message):
    client = signed_in(app, world["admin"])
    data = {"login": "rec@km.example.cn", "name": "推荐单位经办人", "role": "recommender",
            "jurisdictions": ["kunming"], "region_prefix": "530102", "active": "y", "password": PASSWORD,
            field: value}
    response = post(client, "/admin/user/new/", data)
    assert response.status_code == 200
    error = field_error(response.get_data(as_text=True), field)
    assert message in error and re.search(r"[\u4e00-\u9fff]", error), error
    assert db.session.scalars(select(User).where(User.login == data["login"])).first() is None


@pytest.mark.parametrize("url, data, field", [
    ("/admin/call/new/", {"jurisdiction": "kunming", "title": "", "opens_on": "2027-03-01",
                          "closes_on": "2027-03-31", "categories": ["tech_support"]}, "title"),
    ("/admin/call/new/", {"jurisdiction": "kunming", "title": "通知", "opens_on": "2027-02-30",
                          "closes_on": "2027-03-31", "categories": ["tech_support"]}, "opens_on"),
    ("/admin/bureausetting/new/", {"target": "kunming:notice_days", "value": "7", "document": ""}, "document"),
    ("/admin/bureaupolicyversion/new/", {"jurisdiction": "kunming", "document": "昆科发〔2027〕1号", "title": "办法",
                                         "effective_from": "2027-13-01"}, "effective_from"),
    ("/admin/bureaucriterion/new/", {"jurisdiction": "kunming", "category": "tech_support", "code": "",
                                     "title": "场地", "document": "昆科发〔2027〕1号"}, "code"),
    ("/admin/calendarday/new/", {"day": "2027-02-29", "is_workday": "1"}, "day"),
])
def test_bureau_and_call_forms_show_errors_in_chinese_beside_the_field(app, world, url, data, field):
    user = world["admin"] if "calendarday" in url else world["officer"]
    client = signed_in(app, user)
    response = post(client, url, data)
    assert response.status_code == 200
    error = field_error(response.get_data(as_text=True), field)
    assert re.search(r"[\u4e00-\u9fff]", error), error


def test_a_lazy_error_is_shown_in_english_mode_too(app, world):
    """The same message in the user's language: the English msgid when English is chosen."""
    org = world["organisation"]
    client = signed_in(app, world["officer"])
    client.get("/lang/en")
    url = f"/admin/organisation/edit/?id={org.id}"
    response = post(client, url, {**ORGANISATION_FORM, "uscc": org.uscc, "registered_region": "53011"})
    assert field_error(response.get_data(as_text=True), "registered_region") == \
        "A region code has six digits (GB/T 2260)."


@pytest.mark.parametrize("change, field, message", [
    ({"password": ""}, "password", "新建用户必须设置密码"),
    ({"password": "short"}, "password", "密码"),
    ({"role": "applicant", "jurisdictions": []}, "organisation", "申报单位"),
])
def test_user_refusals_found_while_saving_show_beside_their_field(app, world, change, field, message):
    """Refusals that only the save can find (core.accounts.passwords, an applicant without an
    organisation) are printed beside their field too, not only in the flash above."""
    client = signed_in(app, world["admin"])
    data = {"login": "rec2@km.example.cn", "name": "推荐单位经办人", "role": "recommender",
            "jurisdictions": ["kunming"], "region_prefix": "530102", "active": "y", "password": PASSWORD, **change}
    response = post(client, "/admin/user/new/", data)
    assert response.status_code == 200
    error = field_error(response.get_data(as_text=True), field)
    assert message in error, error
    assert db.session.scalars(select(User).where(User.login == data["login"])).first() is None
