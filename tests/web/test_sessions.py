"""Sessions end on the server (issue 12 item 3; OWASP ASVS 4.0 V3.3): logout, a
password change or reset, the idle and absolute timeouts, and the page 我的登录会话.

The clock of sign-in (``core.platform.clock.instant``) is moved with ``tests.factories.SignInClock``.
"""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from core.accounts import user_sessions
from core.platform.extensions import db
from core.platform.models import AuditEvent, UserNotice, UserSession
from tests.conftest import csrf_token
from tests.factories import login, make_application, make_org, make_space, make_user, PASSWORD, SIGN_IN_T0, SignInClock

NEW_PASSWORD = "a-long-new-passphrase-2026"
T0 = SIGN_IN_T0


@pytest.fixture
def clock():
    return SignInClock(T0)


def copy_cookie(source, target) -> None:
    target.set_cookie("session", source.get_cookie("session").value)


def rows(user) -> list[UserSession]:
    db.session.expire_all()
    return db.session.scalars(select(UserSession).where(UserSession.user_id == user.id)
                              .order_by(UserSession.id)).all()


def change_password(client, current: str = PASSWORD, new: str = NEW_PASSWORD):
    token = csrf_token(client, "/account/password")
    return client.post("/account/password", data={"csrf_token": token, "current_password": current,
                                                   "password": new, "password_confirm": new})


# --- logout and password changes -----------------------------------------------------------


def test_a_cookie_copied_before_logout_opens_nothing_after_it(app, client):
    officer = make_user("officer", ["kunming"])
    login(client, officer)
    thief = app.test_client()
    copy_cookie(client, thief)
    assert thief.get("/admin/").status_code == 200  # the copy works while the session lives

    client.post("/logout", data={"csrf_token": csrf_token(client, "/admin/")})
    response = thief.get("/admin/")
    assert response.status_code == 302 and "/login" in response.location
    (row,) = rows(officer)
    assert row.ended_at is not None and row.end_reason == user_sessions.LOGOUT


def test_a_password_change_logs_the_other_browser_out_and_keeps_this_one(app, client):
    applicant = make_user("applicant", organisation=make_org())
    other = app.test_client()
    login(client, applicant)
    login(other, applicant)
    assert other.get("/portal/").status_code == 200

    assert change_password(client).status_code == 302
    assert client.get("/portal/").status_code == 200
    response = other.get("/portal/")
    assert response.status_code == 302 and "/login" in response.location
    assert [r.end_reason for r in rows(applicant)] == [None, user_sessions.PASSWORD_CHANGED]


def test_a_password_change_is_notified_at_the_next_login(app, client):
    applicant = make_user("applicant", organisation=make_org())
    login(client, applicant)
    change_password(client)
    client.post("/logout", data={"csrf_token": csrf_token(client, "/portal/")})

    later = app.test_client()
    response = login(later, applicant, NEW_PASSWORD)
    assert response.status_code == 302
    page = later.get(response.location, follow_redirects=True).get_data(as_text=True)
    assert "您的密码已修改" in page
    # shown once, then listed on the account page
    assert "您的密码已修改" not in later.get("/portal/").get_data(as_text=True)
    assert "您的密码已修改" in later.get("/account/sessions").get_data(as_text=True)


def test_an_officer_reset_ends_every_session_of_the_applicant_and_tells_him(app, client):
    org = make_org(region="530102")
    # an officer resets only applicants of organisations that applied in his jurisdiction (issue 12 item 1)
    make_application("kunming", "comprehensive_service", make_space(org), status="submitted")
    applicant = make_user("applicant", organisation=org)
    officer = make_user("officer", ["kunming"], name="经办员甲")
    browser = app.test_client()
    login(browser, applicant)
    login(client, officer)
    token = csrf_token(client, "/admin/applicant-users/")
    assert client.post(f"/admin/applicant-users/{applicant.id}/reset", data={"csrf_token": token}).status_code == 200

    assert browser.get("/portal/").status_code == 302
    assert [r.end_reason for r in rows(applicant)] == [user_sessions.PASSWORD_RESET]
    notice = db.session.scalars(select(UserNotice).where(UserNotice.user_id == applicant.id)).one()
    assert notice.kind == "password_reset" and "经办员甲" in notice.message


def test_the_admin_setting_a_password_ends_the_users_sessions(app, client):
    officer = make_user("officer", ["mile"])
    admin = make_user("admin")
    browser = app.test_client()
    login(browser, officer)
    login(client, admin)
    url = f"/admin/user/edit/?id={officer.id}"
    html = client.get(url).get_data(as_text=True)
    token = csrf_token(client, url)
    assert officer.login in html
    response = client.post(url, data={"csrf_token": token, "login": officer.login, "name": officer.name,
                                      "role": "officer", "jurisdictions": ["mile"], "active": "y",
                                      "password": NEW_PASSWORD})
    assert response.status_code == 302
    assert browser.get("/admin/").status_code == 302
    assert [r.end_reason for r in rows(officer)] == [user_sessions.PASSWORD_RESET]


# --- timeouts ----------------------------------------------------------------------------


def test_staff_idle_timeout_is_30_minutes(app, client, clock):
    assert app.config["SESSION_IDLE_MINUTES_STAFF"] == 30
    officer = make_user("officer", ["mile"])
    login(client, officer)
    last = T0 + timedelta(minutes=29, seconds=59)
    clock.at(last)
    assert client.get("/admin/").status_code == 200  # 29:59 idle: alive, and now active again
    clock.at(last + timedelta(minutes=29, seconds=59))
    assert client.get("/admin/").status_code == 200
    clock.at(last + timedelta(minutes=29, seconds=59) + timedelta(minutes=30))
    response = client.get("/admin/")
    assert response.status_code == 302 and "/login" in response.location
    assert rows(officer)[0].end_reason == user_sessions.IDLE
    assert "会话已超时" in client.get("/login").get_data(as_text=True)


def test_applicant_idle_timeout_is_the_longer_setting(app, client, clock):
    assert app.config["SESSION_IDLE_MINUTES_APPLICANT"] == 480  # our default: a working day
    applicant = make_user("applicant", organisation=make_org())
    other = app.test_client()
    login(client, applicant)
    login(other, applicant)  # both idle since T0
    clock.at(T0 + timedelta(hours=7, minutes=59, seconds=59))
    assert client.get("/portal/").status_code == 200  # long past the staff's 30 minutes
    clock.at(T0 + timedelta(hours=8))
    assert other.get("/portal/").status_code == 302
    assert [r.end_reason for r in rows(applicant)] == [None, user_sessions.IDLE]


def test_applicant_idle_timeout_follows_its_setting(app_factory, clock):
    app = app_factory({"SESSION_IDLE_MINUTES_APPLICANT": 60})
    with app.app_context():
        client = app.test_client()
        applicant = make_user("applicant", organisation=make_org())
        login(client, applicant)
        clock.at(T0 + timedelta(minutes=60))
        assert client.get("/portal/").status_code == 302


def test_absolute_lifetime_is_12_hours_however_active(app, client, clock):
    assert app.config["SESSION_ABSOLUTE_HOURS"] == 12
    officer = make_user("officer", ["mile"])
    login(client, officer)
    moment = T0
    while moment < T0 + timedelta(hours=11, minutes=40):
        moment += timedelta(minutes=20)
        clock.at(moment)
        assert client.get("/admin/").status_code == 200
    clock.at(T0 + timedelta(hours=11, minutes=59, seconds=59))
    assert client.get("/admin/").status_code == 200
    clock.at(T0 + timedelta(hours=12))
    assert client.get("/admin/").status_code == 302
    assert rows(officer)[0].end_reason == user_sessions.ABSOLUTE


# --- 我的登录会话 ---------------------------------------------------------------------------


def test_sessions_page_lists_and_ends_my_sessions(app, client):
    officer = make_user("officer", ["mile"])
    other = app.test_client()
    login(other, officer)
    login(client, officer)
    page = client.get("/account/sessions").get_data(as_text=True)
    mine, theirs = rows(officer)[1], rows(officer)[0]
    assert f'id="session-{mine.id}"' in page and f'id="session-{theirs.id}"' in page
    assert "我的登录会话" in page and "当前会话" in page

    token = csrf_token(client, "/account/sessions")
    assert client.post(f"/account/sessions/{theirs.id}/end").status_code == 400  # no CSRF token
    assert other.get("/admin/").status_code == 200
    assert client.post(f"/account/sessions/{theirs.id}/end", data={"csrf_token": token}).status_code == 302
    assert other.get("/admin/").status_code == 302
    assert client.get("/admin/").status_code == 200
    assert f'id="session-{theirs.id}"' not in client.get("/account/sessions").get_data(as_text=True)
    assert db.session.scalars(select(AuditEvent).where(AuditEvent.action == "session.ended")).one()


def test_nobody_ends_another_users_session(app, client):
    victim = make_user("officer", ["mile"])
    browser = app.test_client()
    login(browser, victim)
    (row,) = rows(victim)
    login(client, make_user("officer", ["mile"]))
    token = csrf_token(client, "/account/sessions")
    assert client.post(f"/account/sessions/{row.id}/end", data={"csrf_token": token}).status_code == 404
    assert browser.get("/admin/").status_code == 200


def test_ending_this_session_logs_me_out_and_end_others_keeps_it(app, client):
    applicant = make_user("applicant", organisation=make_org())
    second, third = app.test_client(), app.test_client()
    login(second, applicant)
    login(third, applicant)
    login(client, applicant)
    token = csrf_token(client, "/account/sessions")
    response = client.post("/account/sessions/end-others", data={"csrf_token": token})
    assert response.status_code == 302
    assert second.get("/portal/").status_code == 302 and third.get("/portal/").status_code == 302
    assert client.get("/portal/").status_code == 200
    current = rows(applicant)[-1]
    token = csrf_token(client, "/account/sessions")
    response = client.post(f"/account/sessions/{current.id}/end", data={"csrf_token": token})
    assert response.status_code == 302 and response.location.endswith("/login")
    assert client.get("/portal/").status_code == 302


def test_sessions_page_needs_login(client):
    response = client.get("/account/sessions")
    assert response.status_code == 302 and "/login" in response.location


def test_create_user_update_ends_the_users_sessions_and_tells_him(app, client):
    from core.cli import cli

    officer = make_user("officer", ["mile"], login="cli-reset@example.cn")
    login(client, officer)
    result = app.test_cli_runner().invoke(cli, [
        "create-user", "--login", officer.login, "--name", officer.name, "--role", "officer",
        "--jurisdiction", "mile", "--password", NEW_PASSWORD, "--update"])
    assert result.exit_code == 0, result.output
    assert client.get("/admin/").status_code == 302
    assert [r.end_reason for r in rows(officer)] == [user_sessions.PASSWORD_RESET]
    notice = db.session.scalars(select(UserNotice).where(UserNotice.user_id == officer.id)).one()
    assert "命令行" in notice.message
