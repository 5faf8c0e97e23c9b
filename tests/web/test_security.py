"""Issue 12 items 4-6: the client address behind trusted proxies only, the security
headers of every kind of response, and the per-address login limit (Flask-Limiter,
in memory and once on the real Redis)."""
from __future__ import annotations

import socket
import uuid
from datetime import date

import pytest
from sqlalchemy import select

from core.accounts.auth import UnknownLogins
from core.platform.extensions import db
from core.platform.models import AuditEvent, Objection
from core.platform.security import CONTENT_SECURITY_POLICY, limiter
from tests.conftest import csrf_token
from tests.factories import PASSWORD, make_org, make_user
from tests.notice_helpers import logged_in, published, set_today, token_of

FORGED = {"X-Forwarded-For": "203.0.113.66", "X-Forwarded-Proto": "https"}
WAIT = "秒后再试"


def login_addresses() -> list[str]:
    db.session.expire_all()
    return [e.client_address for e in db.session.scalars(
        select(AuditEvent).where(AuditEvent.action.in_(("login", "login_failed"))).order_by(AuditEvent.id))]


def post_login(client, login_name: str, password: str = "wrong-password", headers=None):
    token = csrf_token(client, "/login")
    return client.post("/login", data={"login": login_name, "password": password, "csrf_token": token},
                       headers=headers or {})


def scheme_route(app):
    """A test-only page that shows the scheme the application believes it is served on."""
    from flask import request
    app.add_url_rule("/_scheme", "test_scheme", lambda: request.scheme)


# --- item 4: X-Forwarded-* from trusted proxies only ---------------------------------------------

def test_without_trusted_proxies_forged_forwarded_headers_are_ignored(app_factory):
    app = app_factory()
    assert app.config["TRUSTED_PROXIES"] == 0  # the default
    scheme_route(app)
    with app.app_context():
        client = app.test_client()
        make_user("officer", ["mile"], login="p@example.cn")
        post_login(client, "p@example.cn", headers=FORGED)
        post_login(client, "p@example.cn", PASSWORD, headers=FORGED)
        assert login_addresses() == ["127.0.0.1", "127.0.0.1"]  # the peer, not the forged address
        assert client.get("/_scheme", headers=FORGED).get_data(as_text=True) == "http"


def test_behind_one_trusted_proxy_the_forwarded_client_is_used(app_factory):
    app = app_factory({"TRUSTED_PROXIES": 1})
    scheme_route(app)
    with app.app_context():
        client = app.test_client()
        make_user("officer", ["mile"], login="q@example.cn")
        # The proxy appends the address it saw; anything the client put before it is not trusted.
        post_login(client, "q@example.cn", headers={"X-Forwarded-For": "198.51.100.1, 203.0.113.7"})
        post_login(client, "q@example.cn", PASSWORD, headers={"X-Forwarded-For": "203.0.113.8"})
        assert login_addresses() == ["203.0.113.7", "203.0.113.8"]
        assert client.get("/_scheme", headers={"X-Forwarded-Proto": "https"}).get_data(as_text=True) == "https"


def test_two_trusted_proxies_take_the_second_address_from_the_right(app_factory):
    app = app_factory({"TRUSTED_PROXIES": 2})
    with app.app_context():
        client = app.test_client()
        post_login(client, "nobody@example.cn", headers={"X-Forwarded-For": "198.51.100.1, 203.0.113.9, 10.0.0.5"})
        assert login_addresses() == ["203.0.113.9"]


def test_the_objection_limit_reads_the_same_forwarded_address(app_factory, monkeypatch):
    app = app_factory({"TRUSTED_PROXIES": 1})
    with app.app_context():
        set_today(monkeypatch, date(2026, 9, 28))
        notice, _, _ = published("kunming", date(2026, 9, 24))
        client = app.test_client()
        data = {"name": "张三", "contact": "13900001111", "content": "面积不符",
                "csrf_token": token_of(client, f"/notices/{notice.id}")}
        response = client.post(f"/notices/{notice.id}/objections", data=data, content_type="multipart/form-data",
                               headers={"X-Forwarded-For": "198.51.100.1, 203.0.113.20"})
        assert response.status_code == 302
        assert db.session.scalars(select(Objection.client_address)).one() == "203.0.113.20"


@pytest.mark.parametrize("value", ["one", "-1", "1.5"])
def test_a_bad_number_of_trusted_proxies_is_refused_in_chinese(monkeypatch, value):
    from core.platform import config
    monkeypatch.setenv("ZHONGCHUANG_TRUSTED_PROXIES", value)
    with pytest.raises(ValueError, match="ZHONGCHUANG_TRUSTED_PROXIES 应为 0 或正整数"):
        config.trusted_proxies()


def test_trusted_proxies_from_the_environment(monkeypatch):
    from core.platform import config
    monkeypatch.setenv("ZHONGCHUANG_TRUSTED_PROXIES", "2")
    assert config.trusted_proxies() == 2
    monkeypatch.delenv("ZHONGCHUANG_TRUSTED_PROXIES")
    assert config.trusted_proxies() == 0


# --- item 5: security headers on every kind of response ------------------------------------------

def assert_hardened(response, *, hsts: bool = False) -> None:
    headers = response.headers
    assert headers["Content-Security-Policy"] == CONTENT_SECURITY_POLICY
    assert "frame-ancestors 'none'" in headers["Content-Security-Policy"]
    assert "script-src 'self'" in headers["Content-Security-Policy"]
    assert "unsafe-inline" not in headers["Content-Security-Policy"]
    assert headers["X-Frame-Options"] == "DENY"
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "same-origin"
    assert ("Strict-Transport-Security" in headers) is hsts


def test_every_kind_of_page_carries_the_security_headers(app, monkeypatch):
    set_today(monkeypatch, date(2026, 9, 28))
    notice, applications, officer = published("kunming", date(2026, 9, 24))
    anonymous = app.test_client()
    for url, status in (("/login", 200), ("/", 200), ("/register", 200), ("/notices/", 200),
                        (f"/notices/{notice.id}", 200), ("/static/zc.css", 200), ("/no-such-page", 404),
                        ("/admin/", 302)):
        response = anonymous.get(url)
        assert response.status_code == status, url
        assert_hardened(response)
    staff = logged_in(app, officer)
    for url in ("/admin/", "/admin/application/", f"/admin/case/{applications[0].id}",
                f"/admin/notices/{notice.id}", "/admin/application/export/csv/"):
        response = staff.get(url)
        assert response.status_code == 200, url
        assert_hardened(response)
    applicant = logged_in(app, make_user("applicant", organisation=make_org(), login="13800000009"))
    for url in ("/", "/portal/", "/portal/applications/new", "/account/password"):
        response = applicant.get(url)
        assert response.status_code == 200, url
        assert_hardened(response)
    refused = post_login(app.test_client(), "x@example.cn")  # a form answer
    assert_hardened(refused)


def test_the_public_pdf_and_downloads_are_nosniff(app, monkeypatch):
    set_today(monkeypatch, date(2026, 9, 28))
    notice, _, _ = published("kunming", date(2026, 9, 24))
    response = app.test_client().get(f"/notices/{notice.id}/pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert_hardened(response)


def test_hsts_only_when_cookies_are_secure(app_factory):
    secure = app_factory({"SESSION_COOKIE_SECURE": True})
    assert_hardened(secure.test_client().get("/login", base_url="https://localhost"), hsts=True)
    assert secure.test_client().get("/login").headers["Strict-Transport-Security"].startswith("max-age=31536000")
    plain = app_factory({"SESSION_COOKIE_SECURE": False})
    assert_hardened(plain.test_client().get("/login"), hsts=False)


def test_no_inline_script_or_style_in_the_templates():
    """The policy allows no inline script, handler or style: none is left in our templates."""
    import re
    from pathlib import Path
    from core.platform import template_folders
    # the documents' templates and the plugins' templates are PDF layouts for xhtml2pdf, never served as pages
    pages = [p for folder in template_folders.folders() for p in folder.rglob("*.html") if "documents" not in p.parts]
    assert len(pages) > 40, "every folder of page templates is searched"
    for page in pages:
        html = page.read_text()
        assert not re.search(r"<script(?![^>]*\bsrc=)", html), page
        assert not re.search(r"\son[a-z]+\s*=", html), page
        assert not re.search(r"\bstyle\s*=|<style", html), page
        assert "javascript:" not in html, page


# --- item 6: failed logins per client address (Flask-Limiter) ------------------------------------

def test_failed_logins_per_address_are_limited_and_other_addresses_are_not(app_factory):
    app = app_factory({"LOGIN_FAILURES_PER_ADDRESS": "3 per minute", "TRUSTED_PROXIES": 1})
    with app.app_context():
        client = app.test_client()
        make_user("officer", ["mile"], login="s@example.cn")
        here = {"X-Forwarded-For": "203.0.113.30"}
        assert post_login(app.test_client(), "s@example.cn", PASSWORD, headers=here).status_code == 302  # not counted
        for name in ("a@example.cn", "b@example.cn", "c@example.cn"):  # three different logins
            assert post_login(client, name, headers=here).status_code == 200
        refused = post_login(client, "s@example.cn", PASSWORD, headers=here)  # even the right password
        html = refused.get_data(as_text=True)
        assert refused.status_code == 429 and WAIT in html and "登录失败次数过多" in html
        assert client.get("/admin/").status_code == 302  # not logged in
        assert len(login_addresses()) == 1 + 3  # the fourth attempt was not even checked
        # Another client behind the same proxy is not affected.
        assert post_login(client, "s@example.cn", PASSWORD, headers={"X-Forwarded-For": "203.0.113.31"}
                          ).status_code == 302


def test_forged_addresses_do_not_escape_the_limit_without_trusted_proxies(app_factory):
    app = app_factory({"LOGIN_FAILURES_PER_ADDRESS": "2 per minute"})
    with app.app_context():
        client = app.test_client()
        for n in range(2):
            assert post_login(client, "x@example.cn", headers={"X-Forwarded-For": f"198.51.100.{n}"}
                              ).status_code == 200
        assert post_login(client, "x@example.cn", headers={"X-Forwarded-For": "198.51.100.9"}).status_code == 429


def redis_is_up() -> bool:
    try:
        socket.create_connection(("127.0.0.1", 6379), timeout=0.5).close()
        return True
    except OSError:
        return False


@pytest.mark.skipif(not redis_is_up(), reason="no Redis on 127.0.0.1:6379")
def test_the_limit_and_the_unknown_login_waits_work_on_redis(app_factory):
    """Production with several workers: the counts live in Redis."""
    prefix = f"zc-test-{uuid.uuid4().hex}"
    app = app_factory({"RATELIMIT_STORAGE_URI": "redis://127.0.0.1:6379/0", "RATELIMIT_KEY_PREFIX": prefix,
                       "LOGIN_FAILURES_PER_ADDRESS": "6 per minute"})
    ghost = f"{prefix}@example.cn"
    try:
        with app.app_context():
            client = app.test_client()
            answers = [post_login(client, ghost) for _ in range(7)]
            assert [a.status_code for a in answers] == [200] * 6 + [429]
            assert WAIT in answers[5].get_data(as_text=True)  # the unknown login waits after five failures
            assert type(limiter.storage).__name__ == "RedisStorage"
            assert limiter.storage.get(UnknownLogins._key("failures", ghost)) == 5
    finally:
        import redis
        connection = redis.Redis.from_url("redis://127.0.0.1:6379/0")
        keys = [k for k in connection.scan_iter(f"*{prefix}*")]
        keys += [k for kind in ("failures", "wait-until")
                 for k in connection.scan_iter(f"*{UnknownLogins._key(kind, ghost)}*")]
        if keys:
            connection.delete(*keys)
