"""Issue 20's browser test: the public side — the home, the directory of titles, a title's page and
the certificate check — in Debian's chromium on the demo site, at 1366 px and on a 375 px phone.

No page scrolls the document sideways (``document.documentElement.scrollWidth <= window.innerWidth``).
The demo's 碧鸡关科创空间 (云南) was revoked for fraud (core.demo, issue 17): the directory finds it by a
search and shows it 已撤销, and the certificate check, given its number as a visitor might type it
(lower case, spaces around), answers that it is genuine but REVOKED, with the day.  The language
switch turns the pages to English and back.
"""
from __future__ import annotations

import pytest
from sqlalchemy import select

from core.platform.models import Recognition, Space
from tests.browser.people import CSP_VIOLATIONS, Person, read, unexpected_violations

pytestmark = pytest.mark.browser

REVOKED_SPACE = "碧鸡关科创空间"


def fits(page) -> bool:
    return page.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth")


@pytest.mark.parametrize("width", [1366, 375])
def test_public_pages_fit_and_the_check_answers_for_the_revoked_title(site, browser, width):
    app, base, _clock = site
    revoked = read(app, select(Recognition).join(Space, Space.id == Recognition.space_id)
                   .where(Space.name == REVOKED_SPACE, Recognition.jurisdiction == "yunnan"))
    assert revoked is not None and revoked.status == "revoked" and revoked.revoked_on is not None

    visitor = Person(browser, base, width=width)
    for path in ("/", "/directory/", "/directory/verify", f"/directory/{revoked.id}"):
        page = visitor.go(path)
        visitor.shot(f"20-public-{width}{path.replace('/', '-')}")
        assert fits(page), (width, path)
    page = visitor.go("/")
    assert page.locator("#login-link").count() == 1 and page.locator("#home-yunnan").count() == 1

    # the directory: a search finds the revoked title, shown 已撤销 with its day
    page = visitor.go("/directory/")
    page.fill("#q", REVOKED_SPACE[:3])
    visitor.submit("#directory-filters")
    row = page.locator(f"#title-{revoked.id}")
    assert "已撤销" in row.inner_text() and revoked.revoked_on.isoformat() in row.inner_text()
    assert fits(page), width

    # the certificate check, the number typed as a visitor might
    page = visitor.go("/directory/verify")
    page.fill("#number", f"  {revoked.certificate_number.lower()} ")
    visitor.submit("#verify-form")
    answer = page.locator(f"#answer-{revoked.id}")
    assert answer.get_attribute("data-answer") == "revoked"
    assert revoked.revoked_on.isoformat() in answer.inner_text()
    visitor.shot(f"20-verify-revoked-{width}")
    assert fits(page), width

    # the language switch: English, then back to Chinese
    page = visitor.go("/directory/")
    with page.expect_navigation():
        page.locator(".zc-lang a", has_text="English").click()
    assert page.locator("html").get_attribute("lang") == "en"
    assert "Directory" in page.inner_text("h1")
    assert fits(page), width
    page = visitor.go("/")
    assert page.locator("html").get_attribute("lang") == "en" and "Public notices" in visitor.text()
    visitor.shot(f"20-home-en-{width}")
    assert fits(page), width
    with page.expect_navigation():
        page.locator(".zc-lang a", has_text="中文").click()
    assert page.locator("html").get_attribute("lang") == "zh-CN"

    assert not unexpected_violations(), CSP_VIOLATIONS
