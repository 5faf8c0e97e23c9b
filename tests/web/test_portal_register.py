"""Registration, changing one's password, and the officer's password reset — through
real HTTP with CSRF on, on a real database."""
from __future__ import annotations

import re

from sqlalchemy import func, select

from tests.conftest import csrf_token
from core.platform.extensions import db
from core.facts import make_uscc
from core.platform.models import AuditEvent, Organisation, User
from factories import PASSWORD, login, make_application, make_org, make_space, make_user

USCC = make_uscc("530102", "MA6X1234")


def form(**overrides) -> dict:
    data = {"organisation_name": "春城创客科技有限公司", "uscc": USCC, "registered_region": "530102",
            "contact_name": "李雷", "login": "LiLei@Example.cn", "password": "春城-abc-12345",
            "password_confirm": "春城-abc-12345"}
    data.update(overrides)
    return data


def post_register(client, environ_base=None, **overrides):
    token = csrf_token(client, "/register")
    return client.post("/register", data={**form(**overrides), "csrf_token": token}, environ_base=environ_base or {})


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def test_register_creates_organisation_and_user_and_logs_in(client):
    response = post_register(client)
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/portal/")
    org = db.session.scalars(select(Organisation).where(Organisation.uscc == USCC)).one()
    user = db.session.scalars(select(User).where(User.organisation_id == org.id)).one()
    assert (org.name, org.registered_region, org.contact_name) == ("春城创客科技有限公司", "530102", "李雷")
    assert user.role == "applicant" and user.login == "lilei@example.cn" and user.check_password("春城-abc-12345")
    actions = set(db.session.scalars(select(AuditEvent.action)))
    assert {"organisation.register", "user.register"} <= actions
    assert client.get("/portal/").status_code == 200  # logged in
    # and the e-mail login works in any case
    client.post("/logout", data={"csrf_token": csrf_token(client, "/portal/")})
    assert login(client, "LILEI@example.CN", "春城-abc-12345").headers["Location"].endswith("/portal/")


def test_register_with_mobile_phone(client):
    assert post_register(client, login="13912345678").status_code == 302
    assert db.session.scalar(select(Organisation.contact_phone).where(Organisation.uscc == USCC)) == "13912345678"


def refused(client, field_error: str, **overrides):
    before = (count(Organisation), count(User), count(AuditEvent))
    response = post_register(client, **overrides)
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert field_error in html
    assert (count(Organisation), count(User), count(AuditEvent)) == before
    return html


def test_bad_uscc_refused_and_input_kept(client):
    bad = USCC[:17] + ("0" if USCC[17] != "0" else "1")
    html = refused(client, "统一社会信用代码校验位不正确", uscc=bad)
    assert f'value="{bad}"' in html and 'value="春城创客科技有限公司"' in html
    assert 'value="春城-abc-12345"' not in html  # passwords are never sent back


def taken_answer(client, **overrides) -> str:
    """A registration refused because something is taken: nothing written but the
    refusal's audit event; the answer, without the form's own token, for comparison."""
    before = (count(Organisation), count(User))
    response = post_register(client, **overrides)
    assert response.status_code == 400
    assert (count(Organisation), count(User)) == before
    html = response.get_data(as_text=True)
    assert "未能注册：该统一社会信用代码或登录名已有账号" in html
    assert "已被使用" not in html and "已注册。" not in html
    assert 'class="zc-errors"' not in html  # no field is singled out
    return re.search(r'id="register-error">([^<]*)<', html).group(1)


def test_taken_uscc_or_login_get_one_and_the_same_answer(client):
    """Issue 12 item 9: the page said "该统一社会信用代码已注册" or "该登录名已被使用",
    telling anyone which codes and logins exist."""
    make_org(region="530102", name="已注册单位").uscc = USCC
    db.session.commit()
    make_user(role="applicant", login="hanmeimei@example.cn")
    other_uscc = make_uscc("530102", "MA6X5678")
    uscc_taken = taken_answer(client, login="new-person@example.cn")
    login_taken = taken_answer(client, uscc=other_uscc, login="HANMEIMEI@example.cn")  # any case
    assert uscc_taken == login_taken
    events = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "user.register_refused")).all()
    assert [e.detail["login"] for e in events] == ["new-person@example.cn", "hanmeimei@example.cn"]


def test_registrations_per_address_limited(app_factory):
    """Issue 12 item 9: at most REGISTRATIONS_PER_HOUR tries an hour from one address,
    refused or not; the limit-th is accepted, the next refused with 429 and nothing written."""
    app = app_factory({"REGISTRATIONS_PER_HOUR": 3})
    with app.app_context():
        client = app.test_client()
        make_user(role="applicant", login="taken@example.cn")
        for n in range(2):  # two refused tries count
            taken_answer(client, login="taken@example.cn", uscc=make_uscc("530102", f"MA6Y000{n + 1}"))
        third = app.test_client()  # a new browser, the same address
        assert post_register(third, login="third@example.cn").status_code == 302  # the 3rd: accepted
        fourth = app.test_client()
        before = (count(Organisation), count(User), count(AuditEvent))
        response = post_register(fourth, login="fourth@example.cn", uscc=make_uscc("530102", "MA6W0001"))
        assert response.status_code == 429
        assert "同一网络地址每小时最多尝试注册 3 次" in response.get_data(as_text=True)
        assert (count(Organisation), count(User), count(AuditEvent)) == before
        # another address is not held back
        other = app.test_client()
        response = post_register(other, login="fifth@example.cn", uscc=make_uscc("530102", "MA6W0002"),
                                 environ_base={"REMOTE_ADDR": "192.0.2.7"})
        assert response.status_code == 302


def test_bad_login_refused(client):
    # mobile numbers: 11 digits starting 13–19; one digit short or long, or starting 2, is refused
    for bad in ("1391234567", "139123456789", "23912345678", "lilei"):
        refused(client, "请填写电子邮件地址（如 name@example.com）或 11 位手机号码", login=bad)
    for bad in ("lilei@", "lilei@example", "li lei@example.cn"):
        refused(client, "电子邮件地址格式不正确", login=bad)


def test_password_rules_boundaries(client):
    """ASVS 4.0 2.1.1 / 2.1.7 / 2.1.9 (issue 12 item 8): 12 characters at least, no
    composition rule, not a common or breached password, not containing the login."""
    refused(client, "密码至少 12 个字符，现为 11 个", password="春城创客-abcdef", password_confirm="春城创客-abcdef")
    refused(client, "这是常见或已泄露的密码", password="qwertyuiop123", password_confirm="qwertyuiop123")
    refused(client, "这是常见或已泄露的密码", password="QWERTYUIOP123", password_confirm="QWERTYUIOP123")
    refused(client, "密码不能包含登录名", password="LiLei@Example.cn2026", password_confirm="LiLei@Example.cn2026")
    refused(client, "密码不能包含登录名", password="my-lilei-secret", password_confirm="my-lilei-secret")
    refused(client, "密码不能超过 128 个字符，现为 129 个", password="好" * 129, password_confirm="好" * 129)
    refused(client, "两次输入的密码不一致", password_confirm="春城-abc-12346")
    # exactly 12 characters, letters only (no composition rule): accepted
    assert post_register(client, password="春城创客-abcdefg", password_confirm="春城创客-abcdefg").status_code == 302


def test_region_checked(client):
    refused(client, "行政区划代码应为六位数字", registered_region="53010")
    refused(client, "不是省级行政区划代码", registered_region="990102")


def test_register_without_csrf_refused(client):
    response = client.post("/register", data=form())
    assert response.status_code == 400
    assert count(Organisation) == 0


def test_user_text_is_escaped(client):
    html = refused(client, "统一社会信用代码", organisation_name="<script>alert(1)</script>", uscc="X")
    assert "<script>alert(1)</script>" not in html and "&lt;script&gt;" in html


# --- change my password ---------------------------------------------------------------


def test_change_password(client):
    user = make_user(role="applicant", organisation=make_org())
    login(client, user)
    token = csrf_token(client, "/account/password")
    response = client.post("/account/password", data={
        "csrf_token": token, "current_password": "wrong", "password": "new-pass-word-99", "password_confirm": "new-pass-word-99"})
    assert response.status_code == 400 and "当前密码不正确" in response.get_data(as_text=True)
    response = client.post("/account/password", data={
        "csrf_token": token, "current_password": PASSWORD, "password": "new-pass-word-99", "password_confirm": "new-pass-word-99"})
    assert response.status_code == 302
    db.session.refresh(user)
    assert user.check_password("new-pass-word-99")
    assert db.session.scalar(select(func.count()).where(AuditEvent.action == "user.password_changed")) == 1


def test_change_password_needs_login(client):
    response = client.get("/account/password")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


# --- the officer's reset ----------------------------------------------------------------

TEMP_RE = re.compile(r'id="temporary-password">([^<]+)<')


def test_officer_resets_an_applicant_password_who_must_change_it(client):
    org = make_org(region="530102")
    make_application("kunming", "comprehensive_service", space=make_space(org))  # the bureau's applicant
    applicant = make_user(role="applicant", organisation=org, locked_until=None, failed_logins=3)
    officer = make_user(role="officer", jurisdictions=("kunming",))
    login(client, officer)
    listing = client.get("/admin/applicant-users/").get_data(as_text=True)
    assert applicant.login in listing
    token = csrf_token(client, "/admin/applicant-users/")
    response = client.post(f"/admin/applicant-users/{applicant.id}/reset", data={"csrf_token": token})
    assert response.status_code == 200
    temporary = TEMP_RE.search(response.get_data(as_text=True)).group(1)
    db.session.refresh(applicant)
    assert applicant.must_change_password and applicant.check_password(temporary)
    assert applicant.failed_logins == 0
    event = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "user.password_reset")).one()
    assert event.actor_id == officer.id and event.object_id == str(applicant.id)
    assert event.jurisdiction == "kunming"
    assert temporary not in str(event.detail)

    other = client.application.test_client()
    login(other, applicant, temporary)
    # every page sends him to the change-password page first
    response = other.get("/portal/")
    assert response.status_code == 302 and response.headers["Location"].endswith("/account/password")
    page = other.get("/account/password").get_data(as_text=True)
    assert 'id="must-change"' in page
    token = csrf_token(other, "/account/password")
    response = other.post("/account/password", data={
        "csrf_token": token, "current_password": temporary, "password": "mine-new-pass-2026", "password_confirm": "mine-new-pass-2026"})
    assert response.status_code == 302
    assert other.get("/portal/").status_code == 200


def test_officer_cannot_reset_outside_his_scope(client):
    mile_org = make_org(region="532504")
    applicant = make_user(role="applicant", organisation=mile_org)
    officer = make_user(role="officer", jurisdictions=("xuzhou",))
    login(client, officer)
    assert applicant.login not in client.get("/admin/applicant-users/").get_data(as_text=True)
    token = csrf_token(client, "/admin/applicant-users/")
    response = client.post(f"/admin/applicant-users/{applicant.id}/reset", data={"csrf_token": token})
    assert response.status_code == 404
    db.session.refresh(applicant)
    assert not applicant.must_change_password and applicant.check_password(PASSWORD)


def test_staff_users_cannot_be_reset_here_and_applicants_cannot_open_the_page(client):
    admin = make_user(role="admin")
    other_officer = make_user(role="officer", jurisdictions=("mile",))
    login(client, admin)
    token = csrf_token(client, "/admin/applicant-users/")
    assert client.post(f"/admin/applicant-users/{other_officer.id}/reset",
                       data={"csrf_token": token}).status_code == 404
    applicant = make_user(role="applicant", organisation=make_org())
    second = client.application.test_client()
    login(second, applicant)
    assert second.get("/admin/applicant-users/").status_code == 403
    anonymous = client.application.test_client()
    assert "/login" in anonymous.get("/admin/applicant-users/").headers["Location"]


def test_reset_without_csrf_refused(client):
    applicant = make_user(role="applicant", organisation=make_org())
    login(client, make_user(role="admin"))
    assert client.post(f"/admin/applicant-users/{applicant.id}/reset").status_code == 400
    db.session.refresh(applicant)
    assert not applicant.must_change_password


def test_login_page_links_to_registration_and_portal_links_to_my_pages(client):
    assert 'href="/register"' in client.get("/login").get_data(as_text=True)
    login(client, make_user(role="applicant", organisation=make_org()))
    home = client.get("/portal/").get_data(as_text=True)
    for href in ("/portal/space", "/portal/precheck", "/account/password"):
        assert f'href="{href}"' in home


def test_change_password_follows_the_same_rule(client):
    """Issue 12 item 8: the rule of core.accounts.passwords on the change page too, with the user's own login."""
    user = make_user(role="applicant", organisation=make_org(), login="zhangsan@example.cn")
    login(client, user)
    token = csrf_token(client, "/account/password")
    for new, message in (("zhangsan-2026-new", "密码不能包含登录名"), ("qwertyuiop123", "常见或已泄露的密码"),
                         ("abc-def-ghi", "密码至少 12 个字符，现为 11 个")):
        response = client.post("/account/password", data={
            "csrf_token": token, "current_password": PASSWORD, "password": new, "password_confirm": new})
        assert response.status_code == 400 and message in response.get_data(as_text=True)
    db.session.refresh(user)
    assert user.check_password(PASSWORD)


def test_shipped_list_of_common_passwords():
    from core.accounts import passwords
    from core.demo import DEMO_PASSWORD
    common = passwords.common_passwords()
    assert len(common) > 40_000 and "password" in common and "qwertyuiop123" in common
    assert DEMO_PASSWORD.lower() not in common and passwords.problem(DEMO_PASSWORD, "officer@kunming.demo") is None
    assert passwords.problem(passwords.temporary()) is None
