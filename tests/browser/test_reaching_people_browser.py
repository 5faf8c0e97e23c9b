"""Issue 19's browser test: the navbar's unread count and the to-do lists follow an application as
it moves, in Debian's chromium on the demo site.

滇池创客空间's 昆明 application waits at 县区初审 (昆科发〔2017〕55号 第十条: the 县区 bureau reviews and
recommends).  The 县区 recommender sees it in 待办 on his dashboard; he passes 初审 and recommends it
on its case page.  Then it is gone from his 待办 and is in the 昆明 officer's, whose unread count rose
by one (the expert review waits for him); the applicant's count rose by two (passed, recommended).
The applicant opens the newest notification from 站内消息: it leads to the application and is read,
so the count falls by one.  The officer's own pages (站内消息, 我的下载) open from the menu under his name.
"""
from __future__ import annotations

import pytest
from sqlalchemy import func, select

from core.demo import _spec, applicant_account, demo_login
from core.platform.models import Application, Notification, Space, User
from tests.browser.people import CSP_VIOLATIONS, Person, read, unexpected_violations

pytestmark = pytest.mark.browser

SPACE = "滇池创客空间"


def unread(page) -> int:
    """The navbar's count: the badge's number, 0 when there is no badge."""
    badge = page.locator("#inbox-unread")
    return int(badge.inner_text()) if badge.count() else 0


def step_todos(page) -> str:
    """The text of the dashboard's 待办 rows of review steps ('' when there are none)."""
    table = page.locator("#todo-step")
    return table.inner_text() if table.count() else ""


def unread_in_db(app, login: str) -> int:
    from core.platform.extensions import db

    with app.app_context():
        return db.session.scalar(select(func.count(Notification.id)).join(User, User.id == Notification.user_id)
                                 .where(User.login == login, Notification.read_at.is_(None)))


def test_unread_count_and_todos_follow_the_application(site, browser):
    app, base, _clock = site
    application = read(app, select(Application).join(Space).where(
        Space.name == SPACE, Application.jurisdiction == "kunming", Application.status == "submitted"))
    assert application is not None and application.current_step == "district_review"
    case = f"#{application.id} {SPACE}"
    with app.app_context():  # the first organisation of a jurisdiction has its plain login
        applicant_login = applicant_account(_spec(SPACE))[0]

    applicant = Person(browser, base).login(applicant_login)
    page = applicant.go("/portal/")
    applicant_before = unread(page)
    assert applicant_before == unread_in_db(app, applicant_login)

    recommender = Person(browser, base).login(demo_login("recommender", "kunming"))
    page = recommender.go("/admin/")
    assert case in step_todos(page)
    recommender.shot("19-01-recommender-todo")

    officer = Person(browser, base).login(demo_login("officer", "kunming"))
    page = officer.go("/admin/")
    officer_before = unread(page)
    assert case not in step_todos(page)

    # 县区初审, then 推荐 (two steps of the recommender), each with its opinion
    for opinion in ("材料齐全，实地查验属实", "择优推荐"):
        page = recommender.go(f"/admin/case/{application.id}")
        page.fill("#opinion", opinion)
        with page.expect_navigation():
            page.click('button[name="action"][value="approve"]')
    page = recommender.go("/admin/")
    assert case not in step_todos(page)

    page = officer.go("/admin/")
    assert case in step_todos(page)
    assert unread(page) == officer_before + 1
    officer.shot("19-02-officer-todo-and-count")

    page = applicant.go("/portal/")
    assert unread(page) == applicant_before + 2
    applicant.shot("19-03-applicant-count")
    page.click("#inbox-link")
    page.wait_for_load_state()
    assert "/inbox" in page.url
    newest = page.locator("#notifications tbody tr").first
    assert "zc-unread" in newest.get_attribute("class")
    assert SPACE in newest.inner_text() or str(application.id) in newest.inner_text(), newest.inner_text()
    with page.expect_navigation():
        newest.locator("a").click()
    assert page.url.endswith(f"/portal/applications/{application.id}")
    assert unread(page) == applicant_before + 1 == unread_in_db(app, applicant_login)
    applicant.shot("19-04-applicant-read-one")

    # the officer's own pages are in the menu under his name: 站内消息, 我的下载, the mail preference
    page = officer.go("/admin/")
    page.click("#user-menu")
    page.locator("#downloads-link").wait_for(state="visible")
    with page.expect_navigation():
        page.click("#downloads-link")
    assert page.url.endswith("/downloads")
    page = officer.go("/admin/")
    page.click("#user-menu")
    with page.expect_navigation():
        page.click("#inbox-link")
    assert "/inbox" in page.url and page.locator("#notifications").count() == 1

    assert not unexpected_violations(), CSP_VIOLATIONS
