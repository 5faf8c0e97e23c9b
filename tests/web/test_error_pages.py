"""Issue 13, "Error pages": every refusal and server error is a page in the site's layout, in
Chinese (English when chosen), with the request id and a way back — and a server error never
shows a traceback.  Real HTTP through the test client, real database (both backends)."""
from __future__ import annotations

import re

import pytest
from flask import abort

from tests.factories import login, make_org, make_user

REQUEST_ID = re.compile(r'id="request-id">[^<]*<code>([0-9a-f]{32})</code>')


@pytest.fixture
def failing_app(app_factory):
    """The real app, plus three views that fail the ways no real page should but a bug
    might: a 409 and a 429 from deep inside, and an exception nobody caught."""
    app = app_factory({"PROPAGATE_EXCEPTIONS": False})

    def conflict():
        abort(409)

    def too_many():
        abort(429)

    def broken():
        raise RuntimeError("secret-marker-of-the-traceback /srv/zhongchuang/db password=hunter2")

    app.add_url_rule("/test-conflict", "test_conflict", conflict)
    app.add_url_rule("/test-too-many", "test_too_many", too_many)
    app.add_url_rule("/test-broken", "test_broken", broken)
    with app.app_context():
        yield app


def assert_error_page(response, status: int, *phrases: str) -> str:
    """The status, the site's layout, each phrase, the request id shown and sent, a way home."""
    html = response.get_data(as_text=True)
    assert response.status_code == status, html[:500]
    assert response.mimetype == "text/html"
    assert 'class="zc-header"' in html  # base.html
    assert "众创空间认定管理平台" in html or "Maker Space Recognition Platform" in html
    assert 'id="error-page"' in html and f"HTTP {status}" in html
    for phrase in phrases:
        assert phrase in html, phrase
    shown = REQUEST_ID.search(html)
    assert shown and shown.group(1) == response.headers["X-Request-ID"]
    assert 'href="/"' in html  # the way back home
    assert "Traceback" not in html
    return html


def test_400_bad_request(client):
    # a POST without the form's CSRF token is the common 400: its own message
    html = assert_error_page(client.post("/logout"), 400, "请求无效", "表单已过期或并非从本站提交", "刷新页面后重新提交")
    assert "The form has expired" not in html


def test_csrf_failure_with_a_wrong_token(client):
    response = client.post("/login", data={"login": "x", "password": "y", "csrf_token": "forged"})
    assert_error_page(response, 400, "表单已过期或并非从本站提交，内容未保存")


def test_403_access_denied_for_an_applicant_in_the_administration(client):
    login(client, make_user("applicant", organisation=make_org()))
    assert_error_page(client.get("/admin/"), 403, "无权访问", "您无权访问此页面")


def test_404_page_not_found(client):
    assert_error_page(client.get("/no-such-page"), 404, "页面不存在")


def test_405_method_not_allowed_keeps_the_allow_header(client):
    response = client.get("/logout")  # POST only
    assert_error_page(response, 405, "不支持的访问方式", "请使用本站页面上的链接和按钮")
    assert "POST" in response.headers["Allow"]


def test_409_conflict(failing_app):
    assert_error_page(failing_app.test_client().get("/test-conflict"), 409, "已被他人办理", "请刷新页面")


def test_413_upload_too_large_outside_the_portal(app_factory):
    """Above MAX_CONTENT_LENGTH (here 1 MB): refused before any view; one byte under passes on."""
    app = app_factory({"MAX_CONTENT_LENGTH": 1024 * 1024})
    client = app.test_client()
    with app.app_context():
        response = client.post("/login", data=b"x" * (1024 * 1024 + 1),
                               content_type="application/x-www-form-urlencoded")
        assert_error_page(response, 413, "文件过大", "一次提交不能超过 1 MB")
        under = client.post("/login", data=b"x" * (1024 * 1024), content_type="application/x-www-form-urlencoded")
        assert under.status_code == 400  # read, then refused for its missing CSRF token


def test_429_too_many_requests(failing_app):
    assert_error_page(failing_app.test_client().get("/test-too-many"), 429, "请求过于频繁", "请等待几分钟后再试")


def test_500_shows_no_traceback_and_logs_it_with_the_same_request_id(failing_app, capsys):
    response = failing_app.test_client().get("/test-broken")
    html = assert_error_page(response, 500, "服务器出错", "错误已记录", "请求编号")
    for secret in ("secret-marker", "RuntimeError", "/srv/zhongchuang", "hunter2", "Traceback"):
        assert secret not in html
    log = capsys.readouterr().err
    rid = response.headers["X-Request-ID"]
    traced = [line for line in log.splitlines() if rid in line and "secret-marker-of-the-traceback" in line]
    assert traced and "Traceback" in traced[0]


def test_500_page_when_the_layout_itself_cannot_be_drawn(app_factory, capsys):
    """The database gone (the layout asks who is logged in): a plain page, still Chinese, still
    the request id, still no traceback."""
    app = app_factory({"PROPAGATE_EXCEPTIONS": False})
    from core.platform import error_pages

    def broken():
        raise RuntimeError("secret-marker")

    app.add_url_rule("/test-broken", "test_broken", broken)
    original = app.jinja_env.get_template

    def no_templates(name, *args, **kwargs):
        if name == "auth/error.html":
            raise RuntimeError("the template cannot be drawn")
        return original(name, *args, **kwargs)

    app.jinja_env.get_template = no_templates
    with app.app_context():
        response = app.test_client().get("/test-broken")
    html = response.get_data(as_text=True)
    assert response.status_code == 500
    assert "服务器出错" in html and response.headers["X-Request-ID"] in html
    assert "secret-marker" not in html and "Traceback" not in html
    assert error_pages.FALLBACK.split("{")[0] in html


def test_error_pages_in_english_when_english_is_chosen(client):
    client.get("/lang/en")
    html = assert_error_page(client.get("/no-such-page"), 404, "Page not found", "The page was not found.",
                             "Request number:", "Back to the home page")
    assert "页面不存在" not in html
    assert_error_page(client.post("/logout"), 400, "The form has expired or did not come from this site")


def test_way_back_to_the_previous_page_only_for_a_page_of_this_site(client):
    same_site = client.get("/no-such-page", headers={"Referer": "http://localhost/login"})
    assert 'href="http://localhost/login"' in same_site.get_data(as_text=True)
    assert "返回上一页" in same_site.get_data(as_text=True)
    foreign = client.get("/no-such-page", headers={"Referer": "https://evil.example/phish"})
    assert "evil.example" not in foreign.get_data(as_text=True)
    assert "返回上一页" not in foreign.get_data(as_text=True)


def test_error_page_has_no_inline_style_or_script(client):
    html = client.get("/no-such-page").get_data(as_text=True)
    assert "style=" not in html and "<script" not in html


def test_a_refusal_that_says_why_shows_it_in_the_persons_language(app, client):
    """abort(400, gettext(...)) of the jurisdiction switch: its reason under the general message."""
    login(client, make_user("admin"))
    (url,) = [r.rule for r in app.url_map.iter_rules() if r.endpoint.endswith("jurisdictions.switch")]
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', client.get("/account/password").get_data(as_text=True))
    response = client.post(url, data={"csrf_token": token.group(1), "code": "nowhere", "enabled": "1"})
    html = assert_error_page(response, 400, "请求无效", "未知的辖区或开关值：nowhere")
    assert 'id="error-detail"' in html


def test_an_english_library_reason_is_not_shown_on_a_chinese_page(client):
    html = client.post("/logout").get_data(as_text=True)
    assert "The CSRF token is missing" not in html and 'id="error-detail"' not in html


def test_a_row_changed_meanwhile_outside_any_refusal_wrapper_is_the_409_page(app_factory):
    """A view that writes a row another session changed after it was read (a double click)
    and does not answer it itself: the real StaleDataError of the version check becomes
    the 409 page ("已被他人办理"), nothing of the request is kept, never an HTTP 500."""
    from sqlalchemy import text

    from core.platform.extensions import db
    from core.platform.models import Application
    from tests.factories import make_application

    app = app_factory({"PROPAGATE_EXCEPTIONS": False})

    def write_after_someone_else():
        application = db.session.get(Application, int(application_id))
        with db.engine.begin() as other:  # the other click, committed in between
            other.execute(text("UPDATE applications SET version = version + 1 WHERE id = :id"),
                          {"id": application.id})
        application.status = "withdrawn"
        db.session.commit()
        return "unreachable"

    app.add_url_rule("/test-stale", "test_stale", write_after_someone_else)
    with app.app_context():
        application_id = make_application().id
        db.session.commit()
        before = db.session.get(Application, application_id).status
        db.session.remove()
        assert_error_page(app.test_client().get("/test-stale"), 409, "已被他人办理")
        assert db.session.get(Application, application_id).status == before
