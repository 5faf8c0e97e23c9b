"""Issue 20's bulk actions in Debian's chromium on the demo site: the 昆明 officer filters his
applications list by status (退回修改), ticks 碧鸡关科创空间's application, and chooses 提醒申报单位 from
选中的 (Flask-Admin's actions menu, bound by core/static/zc-admin.js under the CSP); after the
confirmation the page says the applicants were reminded, and the applicant's unread count rose by
one.  Then he ticks it again and exports the selection: a workbook of that one row is downloaded."""
from __future__ import annotations

import io

import openpyxl
import pytest
from sqlalchemy import func, select

from core.demo import _spec, applicant_account, demo_login
from core.platform.models import Application, Notification, Space, User
from tests.browser.people import Person, read, unexpected_violations

pytestmark = pytest.mark.browser

SPACE = "碧鸡关科创空间"


def unread_of(app, login: str) -> int:
    from core.platform.extensions import db

    with app.app_context():
        return db.session.scalar(select(func.count(Notification.id)).join(User, User.id == Notification.user_id)
                                 .where(User.login == login, Notification.read_at.is_(None)))


def status_filter_url(app, status: str) -> str:
    """The list filtered by status equal to ``status`` (the filter's index read from the view)."""
    from flask_admin.contrib.sqla.filters import FilterEqual

    with app.test_request_context():
        view = next(v for v in app.extensions["admin"][0]._views if getattr(v, "endpoint", "") == "application")
        index = next(i for i, f in enumerate(view._filters)
                     if type(f) is FilterEqual and getattr(f.column, "key", None) == "status")
    return f"/admin/application/?flt0_{index}={status}"


def tick_and_choose(page, application_id: int, action_label: str) -> None:
    page.check(f'input.action-checkbox[value="{application_id}"]')
    page.locator("a.dropdown-toggle", has_text="选中的").first.click()
    page.locator(".dropdown-menu a", has_text=action_label).first.click()


def test_officer_reminds_and_exports_a_ticked_application(site, browser):
    app, base, _clock = site
    application = read(app, select(Application).join(Space).where(
        Space.name == SPACE, Application.jurisdiction == "kunming", Application.status == "returned"))
    assert application is not None
    with app.app_context():
        applicant_login = applicant_account(_spec(SPACE))[0]
    before = unread_of(app, applicant_login)

    officer = Person(browser, base).login(demo_login("officer", "kunming"))
    page = officer.go(status_filter_url(app, "returned"))
    assert page.locator(f'input.action-checkbox[value="{application.id}"]').count() == 1
    page.once("dialog", lambda dialog: dialog.accept())
    with page.expect_navigation():
        tick_and_choose(page, application.id, "提醒申报单位")
    assert "已提醒 1 项申报的申报单位" in officer.text()
    officer.shot("20-bulk-01-reminded")
    assert unread_of(app, applicant_login) == before + 1

    page = officer.go(status_filter_url(app, "returned"))
    with page.expect_download() as download:
        tick_and_choose(page, application.id, "导出所选")
    sheet = openpyxl.load_workbook(io.BytesIO(open(download.value.path(), "rb").read())).active
    rows = list(sheet.iter_rows(values_only=True))
    assert len(rows) == 2 and int(rows[1][0]) == application.id
    assert unexpected_violations() == []
