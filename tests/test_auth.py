"""Login, lockout, logout, redirects — through the real HTTP form, CSRF on."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import select

from core.extensions import db
from core.models import AuditEvent, User
from tests.conftest import csrf_token
from tests.factories import PASSWORD, login, make_org, make_user

FAILED = "登录失败"


def events(action: str) -> list[AuditEvent]:
    db.session.expire_all()
    return db.session.scalars(select(AuditEvent).where(AuditEvent.action == action)).all()


def test_login_page_is_chinese_and_local(client):
    response = client.get("/login")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "众创空间认定管理平台" in html
    assert "登录名" in html and "密码" in html and "登录" in html
    assert 'src="http' not in html and 'href="http' not in html


def test_index_sends_anonymous_to_login(client):
    response = client.get("/")
    assert response.status_code == 302 and response.location.endswith("/login")


def test_staff_lands_on_admin_and_login_is_audited(client):
    officer = make_user("officer", ["kunming"], login="Officer@Example.cn")
    response = login(client, "officer@example.cn")  # e-mail compared without case
    assert response.status_code == 302 and response.location.endswith("/admin/")
    assert client.get("/admin/").status_code == 200
    assert [e.actor_id for e in events("login")] == [officer.id]
    db.session.refresh(officer)
    assert officer.last_login_at is not None


def test_applicant_lands_on_home(client):
    org = make_org()
    make_user("applicant", login="13800000000", organisation=org, name="申报人甲")
    response = login(client, "13800000000")
    assert response.status_code == 302 and response.location.endswith("/")
    page = client.get("/").get_data(as_text=True)
    assert "申报人甲" in page


def test_wrong_password_and_unknown_login_get_the_same_message(client):
    make_user("officer", ["mile"], login="a@example.cn")
    wrong = login(client, "a@example.cn", "not-the-password").get_data(as_text=True)
    unknown = login(client, "nobody@example.cn", "whatever-123").get_data(as_text=True)
    assert FAILED in wrong and FAILED in unknown
    message = lambda html: html[html.index(FAILED):html.index("</p>", html.index(FAILED))]  # noqa: E731
    assert message(wrong) == message(unknown)
    assert 'value="a@example.cn"' in wrong  # the login typed is kept
    assert "not-the-password" not in wrong  # the password is not
    assert len(events("login_failed")) == 2
    assert client.get("/admin/").status_code == 302  # still anonymous


def test_lockout_after_five_failures_and_unlock_after_the_lock_time(app, client):
    assert app.config["LOGIN_MAX_FAILURES"] == 5 and app.config["LOGIN_LOCK_MINUTES"] == 15
    user = make_user("officer", ["mile"], login="b@example.cn")
    for _ in range(4):
        login(client, "b@example.cn", "wrong-password")
    db.session.refresh(user)
    assert user.failed_logins == 4 and user.locked_until is None
    # Four failures: the right password still works, and resets the count.
    assert login(client, "b@example.cn").status_code == 302
    client.post("/logout", data={"csrf_token": csrf_token(client, "/admin/")})
    db.session.refresh(user)
    assert user.failed_logins == 0

    for _ in range(5):
        login(client, "b@example.cn", "wrong-password")
    db.session.refresh(user)
    assert user.locked_until is not None
    assert len(events("login_locked")) == 1
    # Locked: even the right password is refused, with the same message as for a stranger.
    refused = login(client, "b@example.cn")
    assert refused.status_code == 200 and FAILED in refused.get_data(as_text=True)
    assert len(events("login_refused_locked")) == 1

    # One minute before the end of the lock: still locked.
    user.locked_until = datetime.now(timezone.utc) + timedelta(minutes=1)
    db.session.commit()
    assert login(client, "b@example.cn").status_code == 200
    # The lock time has passed: the right password works again.
    user.locked_until = datetime.now(timezone.utc) - timedelta(seconds=1)
    db.session.commit()
    assert login(client, "b@example.cn").status_code == 302


def test_inactive_user_cannot_log_in(client):
    make_user("officer", ["mile"], login="c@example.cn", active=False)
    response = login(client, "c@example.cn")
    assert response.status_code == 200 and FAILED in response.get_data(as_text=True)


def test_logout_needs_post_with_csrf(client):
    make_user("officer", ["mile"], login="d@example.cn")
    login(client, "d@example.cn")
    assert client.get("/logout").status_code == 405
    assert client.post("/logout").status_code == 400  # no CSRF token
    assert client.get("/admin/").status_code == 200  # still logged in
    token = csrf_token(client, "/admin/")
    response = client.post("/logout", data={"csrf_token": token})
    assert response.status_code == 302 and response.location.endswith("/login")
    assert client.get("/admin/").status_code == 302
    assert len(events("logout")) == 1


def test_login_post_without_csrf_is_refused(client):
    make_user("officer", ["mile"], login="e@example.cn")
    response = client.post("/login", data={"login": "e@example.cn", "password": PASSWORD})
    assert response.status_code == 400
    assert client.get("/admin/").status_code == 302


@pytest.mark.parametrize(
    "target",
    ["http://evil.example/", "//evil.example/", "/\\evil.example/", "https:evil.example", "javascript:alert(1)",
     "/\t/evil.example", "/\r\n/evil.example", "/ /evil.example"],  # browsers drop tabs and line breaks
)
def test_open_redirect_refused(client, target):
    make_user("officer", ["mile"], login="f@example.cn")
    response = login(client, "f@example.cn", next_url=target)
    assert response.status_code == 302
    assert response.location.endswith("/admin/")
    assert "evil" not in response.location


def test_local_next_is_followed(client):
    make_user("officer", ["mile"], login="g@example.cn")
    response = login(client, "g@example.cn", next_url="/admin/application/")
    assert response.status_code == 302 and response.location.endswith("/admin/application/")


def test_anonymous_admin_goes_to_login_with_next(client):
    response = client.get("/admin/application/")
    assert response.status_code == 302
    assert "/login?next=" in response.location


def test_password_is_hashed(app):
    user = make_user("officer", ["mile"])
    stored = db.session.get(User, user.id).password_hash
    assert PASSWORD not in stored and stored.startswith(("scrypt:", "pbkdf2:"))
