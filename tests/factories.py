"""Small helpers that put real rows in the test database (no mocks).

Each returns the committed object.  Names and codes are unique per call, so tests
may call them freely.
"""
from __future__ import annotations

import itertools
import re
from datetime import date

from core.extensions import db
from core.facts import make_uscc
from core.models import Application, Organisation, Space, User, UserScope

PASSWORD = "Passw0rd-测试"
_counter = itertools.count(1)

# Region codes of the four built-in jurisdictions (GB/T 2260).
REGIONS = {"mile": "532504", "kunming": "530102", "yunnan": "530302", "xuzhou": "320302"}


def make_org(name: str | None = None, region: str = "532504", **fields) -> Organisation:
    n = next(_counter)
    org = Organisation(
        name=name or f"测试申报单位{n}",
        uscc=make_uscc(region, f"MA{n:06d}"[:8]),
        registered_region=region,
        **fields,
    )
    db.session.add(org)
    db.session.commit()
    return org


def make_space(org: Organisation | None = None, name: str | None = None, region: str | None = None,
               **fields) -> Space:
    org = org or make_org()
    space = Space(
        organisation=org,
        name=name or f"测试众创空间{next(_counter)}",
        region=region or org.registered_region,
        opened_on=fields.pop("opened_on", date(2020, 1, 1)),
        **fields,
    )
    db.session.add(space)
    db.session.commit()
    return space


def make_application(jurisdiction: str = "mile", category: str = "comprehensive", space: Space | None = None,
                     status: str = "submitted", **fields) -> Application:
    space = space or make_space(region=REGIONS.get(jurisdiction, "532504"))
    application = Application(
        jurisdiction=jurisdiction,
        category=category,
        space=space,
        organisation=space.organisation,
        status=status,
        submitted_on=fields.pop("submitted_on", date(2026, 3, 2) if status != "draft" else None),
        **fields,
    )
    db.session.add(application)
    db.session.commit()
    return application


def make_user(role: str = "officer", jurisdictions: tuple[str, ...] | list[str] = (), login: str | None = None,
              password: str = PASSWORD, name: str | None = None, **fields) -> User:
    n = next(_counter)
    user = User(
        login=login or f"user{n}@example.cn",
        name=name or f"测试用户{n}",
        role=role,
        scopes=[UserScope(jurisdiction=code) for code in jurisdictions],
        **fields,
    )
    user.set_password(password)
    db.session.add(user)
    db.session.commit()
    return user


CSRF_RE = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


def login(client, user_or_login, password: str = PASSWORD, next_url: str | None = None):
    """Log in through the real form (CSRF token taken from the page); returns the response."""
    login_name = user_or_login if isinstance(user_or_login, str) else user_or_login.login
    html = client.get("/login").get_data(as_text=True)
    match = CSRF_RE.search(html)
    token = match.group(1) if match else ""
    url = "/login" + (f"?next={next_url}" if next_url else "")
    return client.post(url, data={"login": login_name, "password": password, "csrf_token": token})
