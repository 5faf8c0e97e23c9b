"""Chinese first, English second; every asset served by the app itself."""
from __future__ import annotations

import re
import pytest
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po

from core.app import ROOT
from tests.factories import login, make_application, make_org, make_user

EXTERNAL_ASSET = re.compile(r"""<(?:script|img|iframe)[^>]+src\s*=\s*["']?(?:https?:)?//|<link[^>]+href\s*=\s*["']?(?:https?:)?//""",
                            re.IGNORECASE)


def test_login_page_chinese_by_default_english_after_switch(client):
    html = client.get("/login").get_data(as_text=True)
    assert "众创空间认定管理平台" in html and "登录" in html and 'lang="zh-CN"' in html
    response = client.get("/lang/en?next=/login")
    assert response.status_code == 302 and response.location.endswith("/login")
    html = client.get("/login").get_data(as_text=True)
    assert "Maker Space Recognition Platform" in html and "Log in" in html and 'lang="en"' in html
    assert "登录名" not in html
    client.get("/lang/zh_Hans_CN")
    assert "登录名" in client.get("/login").get_data(as_text=True)


def test_unknown_language_and_foreign_next_are_ignored(client):
    response = client.get("/lang/fr?next=https://evil.example/")
    assert response.status_code == 302 and "evil" not in response.location
    assert "登录" in client.get("/login").get_data(as_text=True)


def test_admin_chinese_by_default_including_flask_admin_strings(app, client):
    make_application("kunming", "comprehensive_service", status="in_review")
    login(client, make_user("officer", ["kunming"]))
    html = client.get("/admin/").get_data(as_text=True)
    assert "工作台" in html and "认定申请" in html and "市级" in html and "退出登录" in html
    listing = client.get("/admin/application/").get_data(as_text=True)
    assert "列表" in listing  # Flask-Admin's own catalogue (zh_Hans_CN)
    assert "审核中" in listing and "综合服务类" in listing  # status and category labels
    assert "导出" in listing  # export button, Flask-Admin's string


def test_admin_in_english_after_switch(app, client):
    make_application("kunming", "comprehensive_service", status="in_review")
    login(client, make_user("officer", ["kunming"]))
    client.get("/lang/en")
    html = client.get("/admin/").get_data(as_text=True)
    assert "Dashboard" in html and "City level" in html and "Log out" in html
    listing = client.get("/admin/application/").get_data(as_text=True)
    assert "List" in listing and "In review" in listing and "列表" not in listing


def test_role_labels_translate_both_ways(app, client):
    make_user("officer", ["mile"])
    login(client, make_user("admin"))
    assert "业务经办人员" in client.get("/admin/user/").get_data(as_text=True)
    client.get("/lang/en")
    assert "Officer" in client.get("/admin/user/").get_data(as_text=True)


def test_dates_shown_in_shanghai_time(app, client):
    from datetime import datetime, timezone

    from core.platform.extensions import db

    user = make_user("admin")
    login(client, user)
    user.last_login_at = datetime(2026, 1, 1, 16, 30, tzinfo=timezone.utc)
    db.session.commit()
    assert "2026-01-02 00:30:00" in client.get("/admin/user/").get_data(as_text=True)


PAGES_STAFF = ["/admin/", "/admin/application/", "/admin/organisation/",
               "/admin/organisation/new/", "/admin/space/", "/admin/space/new/", "/admin/user/",
               "/admin/user/new/", "/admin/auditevent/", "/admin/jurisdictions/"]


@pytest.mark.parametrize("locale", ["zh_Hans_CN", "en"])
def test_no_page_loads_assets_from_outside(app, locale):
    application = make_application("mile")
    anonymous = app.test_client()
    anonymous.get(f"/lang/{locale}")
    pages = {"/login": anonymous.get("/login")}
    admin = app.test_client()
    admin.get(f"/lang/{locale}")
    login(admin, make_user("admin"))
    for url in PAGES_STAFF + [f"/admin/application/details/?id={application.id}",
                              f"/admin/application/edit/?id={application.id}"]:
        pages[url] = admin.get(url)
    applicant = app.test_client()
    login(applicant, make_user("applicant", organisation=make_org()))
    pages["/"] = applicant.get("/")
    for url, response in pages.items():
        assert response.status_code == 200, url
        html = response.get_data(as_text=True)
        assert not EXTERNAL_ASSET.search(html), f"{url} loads an external asset"
        assert '<script src="http' not in html and '<link href="http' not in html


def test_catalogues_are_complete_and_compiled():
    base = ROOT / "core" / "translations"
    chinese = re.compile(r"[\u4e00-\u9fff]")
    for locale in ("zh_Hans_CN", "en"):
        po_path = base / locale / "LC_MESSAGES" / "messages.po"
        with po_path.open("rb") as f:
            catalogue = read_po(f)
        with po_path.with_suffix(".mo").open("rb") as f:
            compiled = read_mo(f)
        # zh: every English msgid translated; en: every Chinese msgid translated.
        missing = [m.id for m in catalogue if m.id and not m.string
                   and bool(chinese.search(m.id)) == (locale == "en")]
        assert missing == [], f"{locale} untranslated: {missing}"
        translated = {m.id: m.string for m in catalogue if m.id and m.string}
        assert {m.id: m.string for m in compiled if m.id and m.string} == translated, \
            f"{locale}: run pybabel compile -d core/translations"
    assert (base / "babel.cfg").exists()


def test_error_pages_are_chinese(app, client):
    login(client, make_user("applicant", organisation=make_org()))
    response = client.get("/admin/")
    assert response.status_code == 403 and "您无权访问此页面" in response.get_data(as_text=True)
    response = client.get("/no-such-page")
    assert response.status_code == 404 and "页面不存在" in response.get_data(as_text=True)
    response = client.post("/logout")  # no CSRF token
    assert response.status_code == 400 and "刷新页面后重新提交" in response.get_data(as_text=True)
