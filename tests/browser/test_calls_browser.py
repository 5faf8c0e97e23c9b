"""The open calls in Debian's chromium (Playwright), on the demo data (issue 20):

- ``/calls/`` and a call's page at 1366 px and on a 375 px phone: no sideways scroll;
- the 昆明 officer writes a call in the admin, previews what he typed (a new tab; nothing saved),
  then saves it published, and anyone reads it on ``/calls/``.

Screenshots go to the module's screenshot folder (printed)."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from core.demo import demo_login
from core.platform.extensions import db
from core.platform.models import Call
from tests.browser.people import Person, unexpected_violations

pytestmark = pytest.mark.browser

TITLE = "浏览器测试：昆明市众创空间认定申报通知"
BODY = "各县（市）区科技局、各有关单位：\n\n现将有关事项通知如下。<b>不是标记</b>"


def overflow(page) -> int:
    """How many CSS pixels the document is wider than the viewport (0: no sideways scroll)."""
    return page.evaluate("() => Math.max(document.documentElement.scrollWidth, document.body.scrollWidth)"
                         " - document.documentElement.clientWidth")


def calls_titled(app, title: str) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(Call).where(Call.title == title))


def test_the_officer_writes_previews_and_publishes_a_call_and_anyone_reads_it(site, browser, shots):
    app, base, clock = site
    day = clock[0]
    officer = Person(browser, base, 1366).login(demo_login("officer", "kunming"))
    page = officer.go("/admin/call/new/")
    page.select_option("#jurisdiction", "kunming", force=True)
    page.fill("#title", TITLE)
    page.fill("#opens_on", (day - timedelta(days=1)).isoformat())
    page.fill("#closes_on", (day + timedelta(days=30)).isoformat())
    page.select_option("#categories", ["tech_support"], force=True)
    page.fill("#body", BODY)
    page.uncheck("#published")
    with officer.context.expect_page() as opened:
        page.click("#call-preview-button")
    preview = opened.value
    preview.wait_for_load_state()
    preview.screenshot(path=str(shots / "calls-preview.png"), full_page=True)
    assert "现将有关事项通知如下。<b>不是标记</b>" in preview.inner_text("#call-body")  # escaped, shown as typed
    assert preview.locator("#preview-banner").is_visible()
    assert calls_titled(app, TITLE) == 0  # the preview saved nothing
    preview.close()

    page.check("#published")
    with page.expect_navigation():
        page.locator('input[type="submit"].btn-primary').click()  # Flask-Admin's 保存
    assert calls_titled(app, TITLE) == 1, page.inner_text("body")[:800]
    with app.app_context():
        call_id = db.session.scalar(select(Call.id).where(Call.title == TITLE))

    for width in (1366, 375):
        visitor = Person(browser, base, width)
        listing = visitor.go("/calls/")
        assert TITLE in listing.inner_text(f"#calls-open #call-{call_id}")
        listing.screenshot(path=str(shots / f"calls-index-{width}.png"), full_page=True)
        assert overflow(listing) == 0, width
        shown = visitor.go(f"/calls/{call_id}")
        shown.screenshot(path=str(shots / f"calls-show-{width}.png"), full_page=True)
        assert "现将有关事项通知如下。" in shown.inner_text("#call-body")
        assert shown.locator("#blank-form-tech_support").is_visible()
        assert overflow(shown) == 0, width
        visitor.context.close()
    officer.context.close()
    assert unexpected_violations() == []
