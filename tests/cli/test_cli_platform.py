"""`zhongchuang plugins`, `create-user` and `demo`, run through Flask's CLI runner
against the real test database (SQLite, and PostgreSQL when TEST_DATABASE_URL is set)."""
from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import func, select

from core.demo import ADMIN_LOGIN, APPLICATIONS, DEMO_PASSWORD, DEMO_PAUSED_EXPERT, ORGS, TWO_ROLE_LOGIN, demo_login
from core.platform.extensions import db
from core.facts import is_valid_uscc, parse_facts
from core.platform.jurisdictions import registry
from core.platform.models import (
    APPLICATION_STATUSES,
    Application,
    AuditEvent,
    JurisdictionSetting,
    Organisation,
    PublicNotice,
    Recognition,
    Resident,
    ReviewRecord,
    Space,
    User,
    UserScope,
)
from core.plugins import Registry
from core.accounts.roles import ROLES
from tests.cli_helpers import run
from tests.factories import login, make_user

COUNTED = (User, UserScope, Organisation, Space, Resident, Application, Recognition, PublicNotice, AuditEvent)


def counts() -> dict[str, int]:
    db.session.expire_all()
    return {m.__name__: db.session.scalar(select(func.count()).select_from(m)) for m in COUNTED}


# --- demo ------------------------------------------------------------------------------


def test_demo_twice_adds_nothing_the_second_time(app):
    first = run(app, "demo")
    assert first.exit_code == 0, first.output
    after_first = counts()
    assert after_first["Organisation"] == len(ORGS) == 15
    assert after_first["Application"] == len(APPLICATIONS)
    # one admin + five roles in each of four jurisdictions, plus the applicant account of
    # each other operator that applies and a recommender for each 县区 the demo one does not cover
    staff = select(func.count()).select_from(User).where(User.login.like("%@%.demo"))
    assert db.session.scalar(staff) == after_first["User"]
    base = {demo_login(r, c) for r in ("applicant", "recommender", "officer", "expert", "leader")
            for c in ("mile", "kunming", "yunnan", "xuzhou")} | {ADMIN_LOGIN, TWO_ROLE_LOGIN}  # issue 22: 2 roles
    assert base <= set(db.session.scalars(select(User.login)))
    extra = set(db.session.scalars(select(User.login))) - base
    # (and issue 22: 弥勒's expert pool the draw draws from, expert-pool<n>@mile.demo; 昆明's paused expert)
    assert extra and all(x.startswith(("applicant-", "recommender-", "expert-pool")) or x == DEMO_PAUSED_EXPERT[1]
                         for x in extra)
    assert db.session.scalar(select(func.count()).where(AuditEvent.action == "demo.load")) == 1

    second = run(app, "demo")
    assert second.exit_code == 0, second.output
    assert counts() == after_first  # no duplicate, and no second audit event
    assert "officer@kunming.demo" in second.output and DEMO_PASSWORD in second.output


def test_demo_users_roles_scopes_and_password(app):
    assert run(app, "demo").exit_code == 0
    admin = db.session.scalar(select(User).where(User.login == ADMIN_LOGIN))
    assert admin.role == "admin" and admin.check_password(DEMO_PASSWORD) and not admin.scopes
    assert not admin.check_password("demo1234")  # the old demo password
    # every demo user shares the one hash of the demo password (checked once above: scrypt is slow)
    assert set(db.session.scalars(select(User.password_hash))) == {admin.password_hash}
    for code in ("mile", "kunming", "yunnan", "xuzhou"):
        for role in ("applicant", "recommender", "officer", "expert", "leader"):
            user = db.session.scalar(select(User).where(User.login == demo_login(role, code)))
            assert user is not None and user.role == role and user.active
            if role == "applicant":
                # an applicant belongs to an organisation of its own jurisdiction
                assert registry().installed()[code].covers(user.organisation.registered_region)
            else:
                assert user.jurisdiction_codes == {code}
            if role == "recommender":
                assert registry().installed()[code].covers(user.region_prefix)


def test_demo_facts_pass_the_contract_and_cover_every_state(app):
    assert run(app, "demo").exit_code == 0
    spaces = db.session.scalars(select(Space)).all()
    assert len(spaces) == 15
    from core.intake.spaces import facts_of

    for space in spaces:  # saved as 我的众创空间 saves a space: its §1 facts put back together
        facts = parse_facts(facts_of(space))
        assert is_valid_uscc(space.organisation.uscc) and facts.uscc == space.organisation.uscc
        assert len(space.residents) == len(facts.residents) > 0
    applications = db.session.scalars(select(Application)).all()
    assert {a.status for a in applications} == set(APPLICATION_STATUSES)
    assert {a.jurisdiction for a in applications} == {"mile", "kunming", "yunnan", "xuzhou"}
    installed = registry().installed()
    for a in applications:
        parse_facts(a.facts)
        assert installed[a.jurisdiction].covers(a.space.region)  # a space applies where it lies
        assert (a.submitted_on is None) == (a.status == "draft")
        if a.submitted_on:  # judged under the version in force on its submission date
            assert a.policy_document == registry().policy_in_force(a.jurisdiction, a.submitted_on).document
    recognised = [a for a in applications if a.status == "recognised"]
    titles = {r.application_id: r for r in db.session.scalars(select(Recognition))}
    assert set(titles) == {a.id for a in recognised}
    assert titles[next(a.id for a in recognised if a.jurisdiction == "mile")].title == "弥科湖泉众创空间"
    assert titles[next(a.id for a in recognised if a.jurisdiction == "kunming")].title == "昆明市众创空间"
    assert {r.level for r in titles.values()} == {"municipal", "provincial"}


def test_demo_application_under_notice_is_on_a_public_notice(app):
    assert run(app, "demo").exit_code == 0
    under_notice = db.session.scalar(select(Application).where(Application.status == "under_notice"))
    notice = db.session.scalar(select(PublicNotice).where(PublicNotice.status == "open"))
    assert [e.application_id for e in notice.entries] == [under_notice.id]
    # 昆科发〔2017〕55号 第十一条: 7 days, counted from the day after publication
    assert notice.jurisdiction == "kunming" and notice.days == 7 and notice.status == "open"
    assert notice.period_source == "昆科发〔2017〕55号 第十一条"
    assert (notice.first_day - notice.published_on).days == 1
    assert (notice.last_day - notice.published_on).days >= 7
    notices = db.session.scalar(select(func.count()).select_from(PublicNotice))
    assert run(app, "demo").exit_code == 0
    assert db.session.scalar(select(func.count()).select_from(PublicNotice)) == notices  # nothing added


def test_demo_returned_and_rejected_applications_carry_their_reason(app, client):
    """A returned or rejected demo application was moved by core.review.workflow as the user of
    its step's role, so its applicant sees why (the status page reads the review record)."""
    assert run(app, "demo").exit_code == 0
    decided = db.session.scalars(select(Application).where(Application.status.in_(("returned", "rejected")))).all()
    assert {a.status for a in decided} == {"returned", "rejected"}
    for application in decided:
        record = db.session.scalar(select(ReviewRecord).where(ReviewRecord.application_id == application.id)
                                   .order_by(ReviewRecord.id.desc()).limit(1))
        assert record.action == {"returned": "return", "rejected": "reject"}[application.status]
        assert record.opinion.startswith("（演示）") and record.step == application.current_step
        actor = db.session.get(User, record.actor_id)
        assert actor.login == demo_login(actor.role, application.jurisdiction) and actor.role != "admin"
        event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == f"workflow.{record.action}",
                                                           AuditEvent.object_id == str(application.id)))
        assert event is not None and event.opinion == record.opinion
    # the applicant of the returned one reads the reason on its status page
    returned = next(a for a in decided if a.status == "returned")
    login(client, make_user("applicant", organisation_id=returned.organisation_id))
    page = client.get(f"/portal/applications/{returned.id}").get_data(as_text=True)
    assert "请补充入驻企业的入驻协议复印件" in page


def test_demo_only_for_enabled_jurisdictions(app_factory):
    app = app_factory({"ZHONGCHUANG_JURISDICTIONS": "kunming"})
    with app.app_context():
        assert run(app, "demo").exit_code == 0
        logins = set(db.session.scalars(select(User.login)))
        assert {ADMIN_LOGIN} | {demo_login(r, "kunming") for r in
                                ("applicant", "recommender", "officer", "expert", "leader")} <= logins
        assert all(x == ADMIN_LOGIN or x.endswith("@kunming.demo") for x in logins)
        assert set(db.session.scalars(select(Application.jurisdiction))) == {"kunming"}


# --- create-user -----------------------------------------------------------------------


def one_error_line(result) -> str:
    lines = result.stderr.strip().splitlines()
    assert result.exit_code == 2 and len(lines) == 1 and result.stdout == "", result.output
    return lines[0]


@pytest.mark.parametrize(
    ("args", "option"),
    [
        (["--role", "boss", "--jurisdiction", "kunming"], "--role"),
        (["--role", "", "--jurisdiction", "kunming"], "--role"),
        (["--role", "officer", "--jurisdiction", "dali"], "--jurisdiction"),
        (["--role", "officer"], "--jurisdiction"),
        (["--role", "admin", "--jurisdiction", "kunming"], "--jurisdiction"),
        (["--role", "recommender", "--jurisdiction", "kunming", "--region-prefix", "3203"], "--region-prefix"),
        (["--role", "recommender", "--jurisdiction", "kunming", "--region-prefix", "53a1"], "--region-prefix"),
        (["--role", "applicant", "--organisation-uscc", "91530112AY4CL12T2X"], "--organisation-uscc"),
        (["--role", "applicant", "--organisation-uscc", "91530112AY4CL12T2Q"], "--organisation-uscc"),
        (["--role", "officer", "--jurisdiction", "kunming", "--password", "pass-word-1"], "--password"),  # 11 characters
        (["--role", "officer", "--jurisdiction", "kunming", "--password", "123123123123"], "--password"),  # common
        (["--role", "officer", "--jurisdiction", "kunming", "--password", "zhang@km.gov-2026"], "--password"),
    ],
)
def test_create_user_bad_input_names_the_option_and_writes_nothing(app, args, option):
    before = counts()
    base = ["create-user", "--login", "zhang@km.gov", "--name", "张三"]
    if "--password" not in args:
        args = [*args, "--password", "pass-word-12"]
    line = one_error_line(run(app, *base, *args))
    assert line.startswith(option + ":")
    assert counts() == before


def test_create_user_without_password_is_refused(app):
    line = one_error_line(run(app, "create-user", "--login", "z@km", "--name", "张三", "--role", "admin"))
    assert line.startswith("--password:")


def test_create_user_in_a_jurisdiction_the_admin_switched_off(app):
    db.session.add(JurisdictionSetting(code="xuzhou", enabled=False))
    db.session.commit()
    result = run(app, "create-user", "--login", "z@xz", "--name", "张三", "--role", "officer",
                 "--jurisdiction", "xuzhou", "--password", "pass-word-12")
    assert one_error_line(result).startswith("--jurisdiction:")
    assert db.session.scalar(select(User).where(User.login == "z@xz")) is None


def test_create_user_records_scopes_and_an_audit_event(app):
    result = run(app, "create-user", "--login", "li@km.gov", "--name", "李四", "--role", "recommender",
                 "--jurisdiction", "kunming", "--region-prefix", "530112", "--password-stdin",
                 input="s3cret-pass-word\n")
    assert result.exit_code == 0, result.output
    user = db.session.scalar(select(User).where(User.login == "li@km.gov"))
    assert user.name == "李四" and user.role == "recommender" and user.region_prefix == "530112"
    assert user.jurisdiction_codes == {"kunming"} and user.check_password("s3cret-pass-word")
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "user.create"))
    assert event.object_id == str(user.id) and event.detail["login"] == "li@km.gov"

    # the same login again: refused, nothing changed
    again = run(app, "create-user", "--login", "li@km.gov", "--name", "李四", "--role", "officer",
                "--jurisdiction", "kunming", "--password", "another-pass-1")
    assert one_error_line(again).startswith("--login:")
    db.session.expire_all()
    assert user.role == "recommender" and user.check_password("s3cret-pass-word")

    # --update resets it, keeping the unique (user, jurisdiction) scope row valid
    updated = run(app, "create-user", "--login", "li@km.gov", "--name", "李四", "--role", "officer",
                  "--jurisdiction", "kunming", "--jurisdiction", "mile", "--password", "another-pass-1", "--update")
    assert updated.exit_code == 0, updated.output
    db.session.expire_all()
    assert user.role == "officer" and user.check_password("another-pass-1")
    assert user.jurisdiction_codes == {"kunming", "mile"} and user.region_prefix is None


def test_create_applicant_of_an_existing_organisation(app):
    assert run(app, "demo").exit_code == 0
    uscc = ORGS[0].uscc
    result = run(app, "create-user", "--login", "wang@org", "--name", "王五", "--role", "applicant",
                 "--organisation-uscc", uscc, "--password", "pass-word-12")
    assert result.exit_code == 0, result.output
    user = db.session.scalar(select(User).where(User.login == "wang@org"))
    assert user.organisation.uscc == uscc and not user.scopes


# --- plugins ---------------------------------------------------------------------------


def test_plugins_json_shape(app):
    db.session.add(JurisdictionSetting(code="mile", enabled=False))
    db.session.commit()
    result = run(app, "plugins", "--json")
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert set(report) == {"jurisdictions", "broken"} and report["broken"] == {}
    by_code = {j["code"]: j for j in report["jurisdictions"]}
    assert set(by_code) == {"mile", "kunming", "yunnan", "xuzhou"}
    for j in by_code.values():
        assert set(j) == {"code", "name", "level", "authority", "parent", "region_prefixes", "installed",
                          "enabled", "policies"}
        assert j["installed"] is True
        for p in j["policies"]:
            assert set(p) == {"document", "title", "effective_from", "effective_to"}
    assert by_code["mile"]["enabled"] is False and by_code["kunming"]["enabled"] is True
    assert by_code["kunming"] | {"enabled": None, "policies": None} == {
        "code": "kunming", "name": "昆明市", "level": "city", "authority": "昆明市科学技术局",
        "parent": "yunnan", "region_prefixes": ["5301"], "installed": True, "enabled": None, "policies": None,
    }
    assert {"document": "云科规〔2021〕1号", "title": "云南省众创空间认定管理办法",
            "effective_from": "2021-04-04", "effective_to": "2026-04-03"} in by_code["yunnan"]["policies"]
    assert "云南省" in result.stdout  # ensure_ascii=False: Chinese as such, not \\uXXXX


def test_plugins_lists_broken_plugins_in_both_outputs(app_factory):
    from core.plugins import make_plugin_manager

    pm, _ = make_plugin_manager()
    app = app_factory(registry=Registry(pm, {"dali": "ImportError: no module named zc_dali"}))
    with app.app_context():
        report = json.loads(run(app, "plugins", "--json").stdout)
        assert report["broken"] == {"dali": "ImportError: no module named zc_dali"}
        human = run(app, "plugins")
        assert human.exit_code == 0
        assert "昆明市" in human.stdout and "dali: ImportError" in human.stdout


def test_roles_offered_by_create_user_are_the_roles():
    assert "applicant" in ROLES and "admin" in ROLES


@pytest.mark.parametrize("login", [ADMIN_LOGIN, "officer@kunming.demo", "applicant@mile.demo"])
def test_the_documented_demo_logins_log_in(app, login):
    from tests.conftest import csrf_token

    assert run(app, "demo").exit_code == 0
    client = app.test_client()
    response = client.post("/login", data={"csrf_token": csrf_token(client, "/login"), "login": login,
                                           "password": DEMO_PASSWORD})
    assert response.status_code == 302, response.get_data(as_text=True)
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
    assert DEMO_PASSWORD in readme and (login in readme or login.split("@")[0] + "@<辖区>.demo" in readme)
