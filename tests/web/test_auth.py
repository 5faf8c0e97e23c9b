"""Login, lockout, logout, redirects — through the real HTTP form, CSRF on."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import select

from core.accounts import auth

from core.platform import models
from core.platform.extensions import db
from core.platform.models import AuditEvent, User
from tests.conftest import MovedInstant, csrf_token
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


def test_index_is_the_public_home_with_a_link_to_log_in(client):
    response = client.get("/")  # issue 13: the public finds the notices (公示) there
    assert response.status_code == 200 and 'href="/login"' in response.get_data(as_text=True)


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


WAIT = "秒后再试"
NO_ADDRESS_LIMIT = {"LOGIN_FAILURES_PER_ADDRESS": "1000 per minute"}  # the per-login delay alone


@pytest.fixture
def clock():
    """The login throttle's clock (``core.platform.clock.instant``), moved by the test instead
    of sleeping: ``clock[0] = moment``."""
    return MovedInstant(datetime(2026, 12, 1, 9, 0, tzinfo=timezone.utc))


def answer(response) -> str:
    """The login page's one error line."""
    html = response.get_data(as_text=True)
    start = html.index('<p class="zc-error" role="alert">')
    return html[start:html.index("</p>", start)]


def test_the_delay_doubles_from_the_fifth_failure_and_stops_at_fifteen_minutes(app):
    assert app.config["LOGIN_MAX_FAILURES"] == 5 and app.config["LOGIN_MAX_DELAY_SECONDS"] == 15 * 60
    assert [auth.delay_after(n) for n in (0, 4, 5, 6, 7, 14)] == [0, 0, 1, 2, 4, 512]
    assert auth.delay_after(15) == 900 and auth.delay_after(10_000) == 900  # 2**10 = 1024 > 900


def test_growing_delay_instead_of_a_lock(app_factory, clock):
    """No hard lock: after five failures each next attempt waits 1 s, 2 s, ... and the
    right password works again as soon as the wait is over."""
    app = app_factory(NO_ADDRESS_LIMIT)
    with app.app_context():
        client = app.test_client()
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
        assert len(events("login_delayed")) == 1
        # Waiting: even the right password is refused, and the page says how long to wait.
        refused = login(client, "b@example.cn")
        assert refused.status_code == 200 and "请于 1 秒后再试" in refused.get_data(as_text=True)
        assert len(events("login_refused_waiting")) == 1
        clock[0] += timedelta(seconds=1)  # the wait is over: the sixth failure doubles it
        login(client, "b@example.cn", "wrong-password")
        assert "请于 2 秒后再试" in login(client, "b@example.cn").get_data(as_text=True)
        clock[0] += timedelta(seconds=1)
        assert "请于 1 秒后再试" in login(client, "b@example.cn").get_data(as_text=True)
        db.session.refresh(user)
        assert user.failed_logins == 6  # attempts refused during a wait count nothing
        clock[0] += timedelta(seconds=1)
        assert login(client, "b@example.cn").status_code == 302
        db.session.refresh(user)
        assert user.failed_logins == 0 and user.locked_until is None


def test_an_unknown_login_is_answered_like_a_waiting_account(app_factory, clock):
    """The wait is kept for logins that match no account too: the answers of a real
    account and of an unknown login are the same at every step."""
    app = app_factory(NO_ADDRESS_LIMIT)
    with app.app_context():
        client = app.test_client()
        make_user("officer", ["mile"], login="real@example.cn")
        for attempt in range(7):
            real = login(client, "real@example.cn", "wrong-password")
            unknown = login(client, "ghost@example.cn", "wrong-password")
            assert (real.status_code, answer(real)) == (unknown.status_code, answer(unknown)), attempt
        assert WAIT in answer(unknown)


def test_every_answer_costs_one_password_hash(app_factory, clock, monkeypatch):
    """Unknown login, wrong password, waiting account and deactivated account all run
    the same password-hash check once, so the time taken does not reveal which it was."""
    app = app_factory(NO_ADDRESS_LIMIT)
    calls = []
    real_check = models.check_password_hash

    def counting(pwhash, password):
        calls.append(pwhash.split("$")[0])
        return real_check(pwhash, password)

    monkeypatch.setattr(models, "check_password_hash", counting)
    monkeypatch.setattr(auth, "check_password_hash", counting)
    with app.app_context():
        client = app.test_client()
        waiting = make_user("officer", ["mile"], login="w@example.cn")
        waiting.locked_until = clock[0] + timedelta(minutes=5)
        make_user("officer", ["mile"], login="r@example.cn")
        make_user("officer", ["mile"], login="i@example.cn", active=False)
        db.session.commit()
        for who, password in (("nobody@example.cn", PASSWORD), ("r@example.cn", "wrong-password"),
                              ("w@example.cn", PASSWORD), ("i@example.cn", PASSWORD), ("r@example.cn", PASSWORD)):
            calls.clear()
            login(client, who, password)
            assert len(calls) == 1, who
            assert calls[0] == auth._DUMMY_HASH.split("$")[0]  # the same method and cost as an account's


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
