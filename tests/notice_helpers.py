"""Helpers shared by the public-notice, objection, tick and award tests: real rows at
the right workflow step, staff users logged in through the real form, a fixed
"today" for the pages."""
from __future__ import annotations

import re
from datetime import date

from core.notice import publication as public_notice
from core.platform import clock
from tests.factories import login, make_application, make_user

DOCS = {"kunming": "昆科发〔2017〕55号", "mile": "弥政办发〔2017〕5号", "xuzhou": "徐政发〔2016〕12号"}
CATEGORIES = {"kunming": "comprehensive_service", "mile": "comprehensive", "xuzhou": "key"}
CSRF_RE = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


def at_step(jurisdiction: str = "kunming", step: str = "public_notice", status: str = "in_review", **fields):
    """An application of ``jurisdiction`` sitting at ``step`` (as the workflow leaves it)."""
    return make_application(jurisdiction, CATEGORIES[jurisdiction], status=status, current_step=step,
                            policy_document=DOCS[jurisdiction], submitted_on=date(2026, 3, 2), **fields)


def officer(jurisdiction: str = "kunming", role: str = "officer"):
    return make_user(role, (jurisdiction,))


def logged_in(app, user):
    client = app.test_client()
    assert login(client, user).status_code == 302
    return client


def token_of(client, url: str) -> str:
    match = CSRF_RE.search(client.get(url).get_data(as_text=True))
    assert match, url
    return match.group(1)


def set_today(monkeypatch, day: date) -> None:
    """The day the pages believe it is (the admin and the public pages read it here)."""
    clock.freeze(day)


def published(jurisdiction: str = "kunming", day: date = date(2026, 9, 24), n: int = 1, user=None):
    """A notice of ``n`` new applications published on ``day`` by an officer."""
    user = user or officer(jurisdiction)
    applications = [at_step(jurisdiction) for _ in range(n)]
    notice = public_notice.publish(applications, user, day, "众创空间认定结果公示", "市科技局 0871-12345678")
    return notice, applications, user


def plain(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))
