"""Issue 22: roles per jurisdiction.

昆明市科技局 is the officer of 昆明's recognition and, for 云南's, the 州（市）bureau that checks
and recommends the spaces of its area (云科规〔2021〕1号: 州（市）科技局负责辖区内众创空间的…认定推荐
工作): one account, officer in 昆明, recommender in 云南 for 5301.  It sees exactly what each role
allows where it holds it, acts as each there and not as the other; a user whose scopes name no
role (every user before issue 22) keeps exactly his rights.  Real HTTP where a page decides.
"""
from __future__ import annotations

import pytest
from sqlalchemy import select

from core.accounts import roles, scope_roles, scoping
from core.platform.extensions import db
from core.platform.models import Application, AuditEvent, User
from core.review import workflow
from tests.factories import PASSWORD, login, make_application, make_org, make_space, make_user
from tests.web.test_admin_forms import field_error, plain, post

KUNMING_AREA, QUJING_AREA = "530102", "530302"  # 昆明市五华区 (in 5301), 曲靖市麒麟区 (not)


def space_in(region: str, name: str):
    return make_space(make_org(f"{name}单位", region=region), name)


@pytest.fixture
def world(app):
    km = make_application("kunming", "comprehensive_service", space_in(KUNMING_AREA, "昆明空间"),
                          status="in_review", current_step="public_notice")
    km_at_district = make_application("kunming", "comprehensive_service", space_in(KUNMING_AREA, "昆明初审空间"),
                                      status="submitted", current_step="district_review")
    km_draft = make_application("kunming", "comprehensive_service", space_in(KUNMING_AREA, "昆明草稿空间"),
                                status="draft")
    yn_5301 = make_application("yunnan", "provincial", space_in(KUNMING_AREA, "云南昆明空间"),
                               status="submitted", current_step="recommend")
    yn_5303 = make_application("yunnan", "provincial", space_in(QUJING_AREA, "云南曲靖空间"),
                               status="submitted", current_step="recommend")
    yn_notice = make_application("yunnan", "provincial", space_in(KUNMING_AREA, "云南公示空间"),
                                 status="in_review", current_step="public_notice")
    mile = make_application("mile", "comprehensive", space_in("532504", "弥勒空间"), status="submitted")
    two = make_user("officer", ["kunming", "yunnan"], login="two@roles.example.cn")
    scope_roles.set_scope_roles(two, {"yunnan": (roles.RECOMMENDER, "5301")})
    db.session.commit()
    return {"two": two, "km": km, "km_at_district": km_at_district, "km_draft": km_draft, "yn_5301": yn_5301,
            "yn_5303": yn_5303, "yn_notice": yn_notice, "mile": mile}


def visible_ids(user) -> set[int]:
    return set(db.session.scalars(select(Application.id).where(scoping.application_criteria(user))))


def test_the_role_held_in_each_jurisdiction(world):
    two = world["two"]
    assert scoping.role_in(two, "kunming") == roles.OFFICER and scoping.region_prefix_in(two, "kunming") is None
    assert scoping.role_in(two, "yunnan") == roles.RECOMMENDER and scoping.region_prefix_in(two, "yunnan") == "5301"
    assert scoping.role_in(two, "mile") is None
    assert scoping.role_of(two) == roles.OFFICER  # his own role: what no jurisdiction decides
    assert scoping.roles_held(two) == {roles.OFFICER, roles.RECOMMENDER}


def test_a_two_role_user_sees_exactly_what_each_role_allows(world):
    """昆明's applications as its officer (not the draft); 云南's of spaces in 5301 as their
    recommender, not those of 曲靖 (5303); nothing of 弥勒."""
    w = world
    assert visible_ids(w["two"]) == {w["km"].id, w["km_at_district"].id, w["yn_5301"].id, w["yn_notice"].id}


def test_a_two_role_user_sees_the_same_pages(app, world):
    client = app.test_client()
    assert login(client, world["two"]).status_code == 302
    for name, status in (("km", 200), ("yn_5301", 200), ("yn_5303", 404), ("mile", 404), ("km_draft", 404)):
        assert client.get(f"/admin/case/{world[name].id}").status_code == status, name


def test_a_two_role_user_acts_as_each_role_where_he_holds_it_and_not_as_the_other(world):
    w, two = world, world["two"]
    assert workflow.refusal(w["yn_5301"], "approve", two) is None  # 云南's recommender in 5301
    assert workflow.refusal(w["km"], "publish", two) is None  # 昆明's officer
    # not 云南's officer: its public notice is published by 云南's officers
    assert workflow.refusal(w["yn_notice"], "publish", two) == "公示由业务经办人员发布"
    # not 昆明's recommender: the district's step is a recommender's
    assert "由" in workflow.refusal(w["km_at_district"], "approve", two)
    # and nothing outside his area
    assert workflow.refusal(w["yn_5303"], "approve", two) == "无权办理该申报"


def test_the_two_role_user_is_able_at_the_recommend_step_of_his_area_only(world):
    from core.review import attendance

    assert world["two"] in attendance.able_users(world["yn_5301"])
    assert world["two"] not in attendance.able_users(world["yn_5303"])
    assert world["two"] in attendance.able_users(world["km"])  # 昆明's officer publishes


def test_a_user_whose_scopes_name_no_role_keeps_exactly_his_rights(world):
    """The migration: UserScope.role and region_prefix None — his own role and area everywhere."""
    recommender = make_user("recommender", ["kunming", "yunnan"], region_prefix="530102")
    assert all(s.role is None and s.region_prefix is None for s in recommender.scopes)
    assert scoping.role_in(recommender, "yunnan") == roles.RECOMMENDER
    assert scoping.region_prefix_in(recommender, "kunming") == "530102"
    # as before issue 22: both jurisdictions, spaces whose region starts with his prefix
    w = world
    assert visible_ids(recommender) == {w["km"].id, w["km_at_district"].id, w["yn_5301"].id, w["yn_notice"].id}
    officer = make_user("officer", ["kunming"])
    assert visible_ids(officer) == {w["km"].id, w["km_at_district"].id}
    assert scoping.roles_held(officer) == {roles.OFFICER}


def test_scope_roles_are_checked_before_anything_changes(world):
    two = world["two"]
    for wanted, key, message in (
        ({"yunnan": ("admin", None)}, "role:yunnan", "不是可在辖区担任的角色"),
        ({"yunnan": (roles.RECOMMENDER, "53x")}, "prefix:yunnan", "2 至 6 位数字"),
        ({"yunnan": (roles.RECOMMENDER, "3203")}, "prefix:yunnan", "不在"),
        ({"kunming": (roles.LEADER, "5301")}, "prefix:kunming", "只有"),
        ({"mile": (roles.OFFICER, None)}, "role:mile", "请先将"),
    ):
        with pytest.raises(scope_roles.ScopeRoleRefused) as refused:
            scope_roles.set_scope_roles(two, wanted)
        assert refused.value.key == key and message in refused.value.message
    db.session.expire_all()
    assert {(s.jurisdiction, s.role, s.region_prefix) for s in db.session.get(User, two.id).scopes} == {
        ("kunming", None, None), ("yunnan", roles.RECOMMENDER, "5301")}


def test_the_admin_sets_the_role_held_in_a_jurisdiction_audited(app, world):
    admin = make_user("admin")
    client = app.test_client()
    assert login(client, admin).status_code == 302
    data = {"login": "kmbureau@roles.example.cn", "name": "昆明市科技局", "role": "officer",
            "jurisdictions": ["kunming", "yunnan"], "active": "y", "password": PASSWORD,
            "scope_role__yunnan": "recommender", "scope_prefix__yunnan": "5301"}
    response = post(client, "/admin/user/new/", data)
    assert response.status_code == 302, plain(response.get_data(as_text=True))[:1500]
    user = db.session.scalars(select(User).where(User.login == data["login"])).one()
    assert (scoping.role_in(user, "yunnan"), scoping.region_prefix_in(user, "yunnan")) == (roles.RECOMMENDER, "5301")
    assert scoping.role_in(user, "kunming") == roles.OFFICER
    event = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "user.scope_role",
                                                        AuditEvent.object_id == str(user.id))).one()
    assert (event.jurisdiction, event.object_id, event.actor_id) == ("yunnan", str(user.id), admin.id)
    assert event.detail["role"] == "recommender" and event.detail["region_prefix"] == "5301"
    # the edit form shows them; blank gives him back his own role
    page = client.get(f"/admin/user/edit/?id={user.id}").get_data(as_text=True)
    assert 'value="5301"' in page
    response = post(client, f"/admin/user/edit/?id={user.id}", {**data, "password": "", "scope_role__yunnan": "",
                                                                "scope_prefix__yunnan": ""})
    assert response.status_code == 302
    db.session.expire_all()
    assert scoping.role_in(db.session.get(User, user.id), "yunnan") == roles.OFFICER


@pytest.mark.parametrize("change, field, message", [
    ({"scope_prefix__yunnan": "3203"}, "scope_prefix__yunnan", "不在"),
    ({"scope_prefix__yunnan": "53a"}, "scope_prefix__yunnan", "2 至 6 位数字"),
    ({"scope_role__yunnan": "", "scope_prefix__yunnan": "5301"}, "scope_prefix__yunnan", "推荐单位"),
    ({"jurisdictions": ["kunming"]}, "scope_role__yunnan", "请先将"),
])
def test_wrong_roles_per_jurisdiction_show_in_chinese_beside_the_field(app, world, change, field, message):
    client = app.test_client()
    assert login(client, make_user("admin")).status_code == 302
    data = {"login": "wrong@roles.example.cn", "name": "昆明市科技局", "role": "officer",
            "jurisdictions": ["kunming", "yunnan"], "active": "y", "password": PASSWORD,
            "scope_role__yunnan": "recommender", "scope_prefix__yunnan": "5301", **change}
    response = post(client, "/admin/user/new/", data)
    assert response.status_code == 200
    assert message in field_error(response.get_data(as_text=True), field)
    assert db.session.scalars(select(User).where(User.login == data["login"])).first() is None


def test_create_user_takes_the_role_held_in_a_jurisdiction(app):
    from tests.cli_helpers import run

    result = run(app, "create-user", "--login", "km@two.example.cn", "--name", "昆明市科技局", "--role", "officer",
                 "--jurisdiction", "kunming", "--jurisdiction", "yunnan:recommender:5301", "--password",
                 "pass-word-12")
    assert result.exit_code == 0, result.output
    user = db.session.scalars(select(User).where(User.login == "km@two.example.cn")).one()
    assert (scoping.role_in(user, "kunming"), scoping.role_in(user, "yunnan")) == (roles.OFFICER, roles.RECOMMENDER)
    assert scoping.region_prefix_in(user, "yunnan") == "5301"
    refused = run(app, "create-user", "--login", "bad@two.example.cn", "--name", "错", "--role", "officer",
                  "--jurisdiction", "yunnan:recommender:3203", "--password", "pass-word-12")
    assert refused.exit_code == 2 and "--jurisdiction:" in refused.output and "不在" in refused.output
    assert db.session.scalars(select(User).where(User.login == "bad@two.example.cn")).first() is None


def test_the_demo_has_the_two_role_user(app):
    from core.demo import TWO_ROLE_LOGIN, load_demo

    load_demo()
    user = db.session.scalars(select(User).where(User.login == TWO_ROLE_LOGIN)).one()
    assert (scoping.role_in(user, "kunming"), scoping.role_in(user, "yunnan"),
            scoping.region_prefix_in(user, "yunnan")) == (roles.OFFICER, roles.RECOMMENDER, "5301")
    seen = db.session.execute(select(Application.jurisdiction, Application.space_id)
                              .where(scoping.application_criteria(user))).all()
    assert {code for code, _ in seen} <= {"kunming", "yunnan"}
    assert load_demo().added["users"] == 0  # idempotent


def test_exporting_a_judgment_as_a_policy_case_follows_the_role_held(world, app):
    """Issue 21's export reads the case's timeline: 昆明's officer exports 昆明's judgment; as 云南's
    recommender he sees 云南's application of 5301 but exports nothing of it (403), and no link says he could."""
    from tests.web.test_policy_case_export import kunming_application

    client = app.test_client()
    login(client, world["two"].login, PASSWORD)
    km, yn = kunming_application(), world["yn_5301"]  # km: with the facts a judgment reads
    exported = client.get(f"/admin/case/{km.id}/policy-case.yaml")
    assert exported.status_code == 200, exported.headers.get("Location")
    assert 'id="export-policy-case"' in client.get(f"/admin/case/{km.id}").get_data(as_text=True)
    assert client.get(f"/admin/case/{yn.id}/policy-case.yaml").status_code == 403
    page = client.get(f"/admin/case/{yn.id}")
    assert page.status_code == 200 and 'id="export-policy-case"' not in page.get_data(as_text=True)
