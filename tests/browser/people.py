"""The people of the browser tests: a user in a browser context (``Person``), and what
chromium refused under the Content-Security-Policy.  Importing this module skips the
importing test module, saying why, when chromium or the playwright package is missing
(``scripts/setup_browser.sh`` installs chromium with apt-get where it can)."""
from __future__ import annotations

from pathlib import Path

import pytest

from core.demo import DEMO_PASSWORD
from core.platform.extensions import db

CHROMIUM = Path("/usr/bin/chromium")

if not CHROMIUM.exists():
    pytest.skip("chromium is not installed at /usr/bin/chromium (scripts/setup_browser.sh installs it "
                "with apt-get as root)", allow_module_level=True)
sync_api = pytest.importorskip("playwright.sync_api", reason="the playwright package is not installed "
                               "(pip install -e '.[test]')")


# What chromium refused under the Content-Security-Policy, on any page of any person.
CSP_VIOLATIONS: list[str] = []
FLASK_ADMIN_HANDLER = "Executing inline event handler violates"


def unexpected_violations() -> list[str]:
    """All but one kind: Flask-Admin 2.2's list templates still print onclick attributes,
    which chromium reports as it parses them; core/static/zc-admin.js binds their
    behaviour instead (test_flask_admin_lists_work_...). Our own templates have none
    (tests/web/test_security.py checks them)."""
    return [v for v in CSP_VIOLATIONS if not ("/admin/" in v.split(": ")[0] and FLASK_ADMIN_HANDLER in v)]


class Person:
    """One user in one browser context."""

    shots: Path  # set by the ``browser`` fixture

    def __init__(self, browser, base: str, width: int = 1280):
        self.context = browser.new_context(viewport={"width": width, "height": 900}, locale="zh-CN")
        self.page = self.context.new_page()
        self.page.on("console", lambda message: CSP_VIOLATIONS.append(f"{self.page.url}: {message.text}")
                     if "Content Security Policy" in message.text else None)
        self.base = base

    def go(self, path: str):
        response = self.page.goto(self.base + path)
        assert response.status == 200, (path, response.status)
        return self.page

    def login(self, login: str, password: str = DEMO_PASSWORD) -> Person:
        page = self.go("/login")
        page.fill('[name="login"]', login)
        page.fill('[name="password"]', password)
        page.locator('form [type="submit"]').last.click()
        page.wait_for_load_state()
        assert "/login" not in page.url, page.inner_text("body")[:500]
        return self

    def shot(self, name: str) -> None:
        self.page.screenshot(path=str(self.shots / f"{name}.png"), full_page=True)

    def submit(self, form: str) -> None:
        """Press the submit button of ``form`` (a CSS selector) and wait for the next page."""
        with self.page.expect_navigation():
            self.page.locator(form).locator('[type="submit"]').first.click()

    def text(self) -> str:
        return self.page.inner_text("body")


def read(app, query):
    """The one row ``query`` finds, read in ``app``'s context and detached (or None)."""
    with app.app_context():
        found = db.session.scalar(query)
        if found is not None:
            db.session.expunge(found)
        return found
