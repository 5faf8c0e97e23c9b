"""Two-factor sign-in for staff (issue 12 item 7; OWASP ASVS 4.0 V2.8, V2.6): TOTP
enrolment with a locally drawn QR code, the code after the password, recovery codes
used once, the admin forced to enrol, the bureau setting for other staff, the admin's
reset, and the notices of each change.

The admin's requirement is off in the test configuration (conftest.BASE_CONFIG) and
turned on here.  Codes are computed from the secret at the patched clock
(``core.platform.clock.instant``), so no test waits for a 30-second step.
"""
from __future__ import annotations

import re
from datetime import timedelta

import pyotp
import pytest
from sqlalchemy import select

from core.bureau import setting_checks
from core.bureau import data as bureau_data
from core.bureau import operations as bureau_operations

from core.platform.extensions import db
from core.platform.models import AuditEvent, RecoveryCode, UserNotice
from tests.conftest import csrf_token
from tests.factories import login, make_user, PASSWORD, SIGN_IN_T0, SignInClock

T0 = SIGN_IN_T0
SECRET_RE = re.compile(r'id="totp-secret">([A-Z2-7]+)<')
CODES_RE = re.compile(r"<li><code>([a-z2-9]{5}-[a-z2-9]{5})</code></li>")


@pytest.fixture
def clock():
    return SignInClock(T0)


@pytest.fixture
def app2fa(app_factory):
    app = app_factory({"TWO_FACTOR_REQUIRED_FOR_ADMIN": True})
    with app.app_context():
        yield app


def events(action: str) -> list[AuditEvent]:
    db.session.expire_all()
    return db.session.scalars(select(AuditEvent).where(AuditEvent.action == action)).all()


def enrol(client, clock) -> tuple[str, list[str]]:
    """Enrol the logged-in user through the pages; returns the secret and the recovery codes."""
    page = client.get("/account/two-factor").get_data(as_text=True)
    secret = SECRET_RE.search(page).group(1)
    token = csrf_token(client, "/account/two-factor")
    response = client.post("/account/two-factor", data={"csrf_token": token, "code": clock.code(secret)})
    assert response.status_code == 200, response.get_data(as_text=True)
    codes = CODES_RE.findall(response.get_data(as_text=True))
    return secret, codes


def second_factor(client, code: str):
    token = csrf_token(client, "/login/two-factor")
    return client.post("/login/two-factor", data={"csrf_token": token, "code": code})


def test_enrolment_page_draws_the_qr_code_locally(app, client, clock):
    login(client, make_user("officer", ["mile"]))
    page = client.get("/account/two-factor").get_data(as_text=True)
    assert "<svg" in page and 'id="totp-qr"' in page
    assert "src=\"http" not in page and "href=\"http" not in page  # no outside service
    assert SECRET_RE.search(page)
    assert "双因素认证" in page


def test_enrolment_wrong_code_saves_nothing_then_right_code_enables(app, client, clock):
    officer = make_user("officer", ["mile"])
    login(client, officer)
    page = client.get("/account/two-factor").get_data(as_text=True)
    secret = SECRET_RE.search(page).group(1)
    token = csrf_token(client, "/account/two-factor")
    wrong = str((int(clock.code(secret)) + 1) % 1_000_000).zfill(6)
    response = client.post("/account/two-factor", data={"csrf_token": token, "code": wrong})
    assert response.status_code == 400 and "验证码不正确" in response.get_data(as_text=True)
    db.session.refresh(officer)
    assert officer.totp_secret is None
    # the same secret is still offered: the phone already scanned it
    assert SECRET_RE.search(response.get_data(as_text=True)).group(1) == secret

    response = client.post("/account/two-factor", data={"csrf_token": token, "code": clock.code(secret)})
    assert response.status_code == 200
    codes = CODES_RE.findall(response.get_data(as_text=True))
    assert len(codes) == 10 and len(set(codes)) == 10
    db.session.refresh(officer)
    assert officer.totp_secret == secret and officer.totp_enabled_at is not None
    stored = db.session.scalars(select(RecoveryCode).where(RecoveryCode.user_id == officer.id)).all()
    assert len(stored) == 10 and all(c.replace("-", "") not in r.code_hash for c in codes for r in stored)
    assert len(events("user.two_factor_enabled")) == 1
    notice = db.session.scalars(select(UserNotice).where(UserNotice.user_id == officer.id)).one()
    assert notice.kind == "two_factor_enabled"
    # shown once: the page afterwards only counts them
    page = client.get("/account/two-factor").get_data(as_text=True)
    assert not CODES_RE.search(page) and "剩余恢复码 10 个" in page


def test_login_asks_for_the_code_after_the_password(app, client, clock):
    officer = make_user("officer", ["mile"])
    login(client, officer)
    secret, _ = enrol(client, clock)
    client.post("/logout", data={"csrf_token": csrf_token(client, "/admin/")})

    clock.at(T0 + timedelta(minutes=5))
    response = login(client, officer)
    assert response.status_code == 302 and response.location.endswith("/login/two-factor")
    assert client.get("/admin/").status_code == 302  # not logged in with the password alone
    wrong = str((int(clock.code(secret)) + 1) % 1_000_000).zfill(6)
    response = second_factor(client, wrong)
    assert response.status_code == 200 and "验证码不正确或已使用过" in response.get_data(as_text=True)
    assert client.get("/admin/").status_code == 302
    db.session.refresh(officer)
    assert officer.failed_logins == 1  # a wrong code counts towards the lock

    response = second_factor(client, clock.code(secret, offset_steps=-1))  # one step of drift
    assert response.status_code == 302 and response.location.endswith("/admin/")
    assert client.get("/admin/").status_code == 200
    db.session.refresh(officer)
    assert officer.failed_logins == 0


def test_a_code_is_accepted_once(app, client, clock):
    officer = make_user("officer", ["mile"])
    login(client, officer)
    secret, _ = enrol(client, clock)
    client.post("/logout", data={"csrf_token": csrf_token(client, "/admin/")})
    clock.at(T0 + timedelta(minutes=5))
    code = clock.code(secret)
    login(client, officer)
    assert second_factor(client, code).status_code == 302
    client.post("/logout", data={"csrf_token": csrf_token(client, "/admin/")})
    login(client, officer)
    assert second_factor(client, code).status_code == 200  # replayed: refused
    # two steps away: outside the window
    assert second_factor(client, clock.code(secret, offset_steps=2)).status_code == 200
    assert client.get("/admin/").status_code == 302


def test_recovery_code_signs_in_once(app, client, clock):
    officer = make_user("officer", ["mile"])
    login(client, officer)
    _, codes = enrol(client, clock)
    client.post("/logout", data={"csrf_token": csrf_token(client, "/admin/")})

    login(client, officer)
    response = second_factor(client, codes[3].upper())  # as typed from paper, any case
    assert response.status_code == 302 and client.get("/admin/").status_code == 200
    assert len(events("user.recovery_code_used")) == 1
    client.post("/logout", data={"csrf_token": csrf_token(client, "/admin/")})

    login(client, officer)
    assert second_factor(client, codes[3]).status_code == 200  # used: refused
    assert client.get("/admin/").status_code == 302
    assert second_factor(client, codes[4]).status_code == 302
    page = client.get("/account/two-factor").get_data(as_text=True)
    assert "剩余恢复码 8 个" in page


def test_five_wrong_codes_lock_the_account(app, client, clock):
    officer = make_user("officer", ["mile"])
    login(client, officer)
    secret, _ = enrol(client, clock)
    client.post("/logout", data={"csrf_token": csrf_token(client, "/admin/")})
    wrong = str((int(clock.code(secret)) + 1) % 1_000_000).zfill(6)
    login(client, officer)
    for _ in range(4):
        assert second_factor(client, wrong).status_code == 200
    response = second_factor(client, wrong)
    assert response.status_code == 302 and response.location.endswith("/login")
    db.session.refresh(officer)
    assert officer.locked_until is not None
    # retyping the password does not reset the count nor open the second step
    assert login(client, officer).status_code == 200


def test_admin_must_enrol_before_using_the_admin(app2fa, clock):
    client = app2fa.test_client()
    admin = make_user("admin")
    response = login(client, admin)
    assert response.status_code == 302
    response = client.get("/admin/")
    assert response.status_code == 302 and response.location.endswith("/account/two-factor")
    assert client.get("/admin/user/").status_code == 302
    page = client.get("/account/two-factor").get_data(as_text=True)
    assert 'id="two-factor-required"' in page
    enrol(client, clock)
    assert client.get("/admin/").status_code == 200


def test_admin_requirement_is_on_by_default_in_production_config(tmp_path, monkeypatch):
    from core.platform.config import load

    assert load(tmp_path)["TWO_FACTOR_REQUIRED_FOR_ADMIN"] is True


def test_other_staff_must_enrol_when_their_bureau_says_so(app, client, clock):
    officer = make_user("officer", ["kunming"])
    login(client, officer)
    assert client.get("/admin/").status_code == 200  # off by default
    bureau_operations.set_bureau_setting("kunming", bureau_data.STAFF_TWO_FACTOR, True, note="本局要求")
    response = client.get("/admin/")
    assert response.status_code == 302 and response.location.endswith("/account/two-factor")
    # another bureau's staff and applicants are not concerned
    other = app.test_client()
    login(other, make_user("officer", ["mile"]))
    assert other.get("/admin/").status_code == 200
    with pytest.raises(setting_checks.SettingsError):
        bureau_operations.set_bureau_setting("kunming", bureau_data.STAFF_TWO_FACTOR, "yes")


def test_disable_needs_password_and_code_and_is_notified(app, client, clock):
    officer = make_user("officer", ["mile"])
    login(client, officer)
    secret, _ = enrol(client, clock)
    clock.at(T0 + timedelta(minutes=1))
    token = csrf_token(client, "/account/two-factor")
    response = client.post("/account/two-factor/disable", data={
        "csrf_token": token, "disable-password": "wrong", "disable-code": clock.code(secret)})
    assert response.status_code == 400 and "密码或验证码不正确" in response.get_data(as_text=True)
    db.session.refresh(officer)
    assert officer.totp_secret == secret
    response = client.post("/account/two-factor/disable", data={
        "csrf_token": token, "disable-password": PASSWORD, "disable-code": clock.code(secret)})
    assert response.status_code == 302
    db.session.refresh(officer)
    assert officer.totp_secret is None
    assert not db.session.scalars(select(RecoveryCode).where(RecoveryCode.user_id == officer.id)).all()
    assert len(events("user.two_factor_disabled")) == 1
    kinds = [n.kind for n in db.session.scalars(select(UserNotice).where(UserNotice.user_id == officer.id))]
    assert kinds == ["two_factor_enabled", "two_factor_disabled"]


def test_admin_resets_a_users_second_factor(app, client, clock):
    officer = make_user("officer", ["mile"])
    browser = app.test_client()
    login(browser, officer)
    enrol(browser, clock)
    admin = make_user("admin", name="管理员甲")
    login(client, admin)
    token = csrf_token(client, "/admin/user/")
    response = client.post("/admin/user/action/", data={
        "csrf_token": token, "action": "reset_two_factor", "rowid": [str(officer.id)]})
    assert response.status_code == 302
    db.session.refresh(officer)
    assert officer.totp_secret is None
    assert browser.get("/admin/").status_code == 302  # his sessions ended
    (event,) = events("user.two_factor_reset")
    assert event.actor_id == admin.id and event.object_id == str(officer.id)
    # he learns it at his next login (the notice is shown once)
    response = login(browser, officer)
    page = browser.get(response.location, follow_redirects=True).get_data(as_text=True)
    assert "管理员甲 重置了您的双因素认证" in page


def test_an_officer_cannot_reset_anyones_second_factor(app, client):
    target = make_user("officer", ["mile"], totp_secret=pyotp.random_base32(), totp_enabled_at=T0)
    login(client, make_user("officer", ["mile"]))
    token = csrf_token(client, "/admin/")
    response = client.post("/admin/user/action/", data={
        "csrf_token": token, "action": "reset_two_factor", "rowid": [str(target.id)]})
    assert response.status_code == 403
    db.session.refresh(target)
    assert target.totp_secret is not None
