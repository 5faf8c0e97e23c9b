"""Small helpers that put real rows in the test database (no mocks).

Each returns the committed object.  Names and codes are unique per call, so tests
may call them freely.
"""
from __future__ import annotations

import functools
import itertools
import re
from datetime import date, datetime, timedelta, timezone

from core.platform.extensions import db
from core.facts import make_uscc
from core.platform.models import Application, Organisation, Recognition, Space, User, UserScope

PASSWORD = "Passw0rd-测试用例"  # core.accounts.passwords: 12+ characters, not a common one
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


def make_title(jurisdiction: str = "mile", space: Space | None = None, granted_on: date = date(2024, 6, 1),
               status: str = "active", **fields) -> Recognition:
    """A title (Recognition) of ``jurisdiction`` for ``space``, with the recognised
    application it came from: what the award leaves behind (core.award.titles.grant)."""
    space = space or make_space(region=REGIONS.get(jurisdiction, "532504"))
    application = make_application(jurisdiction, space=space, status="recognised",
                                   submitted_on=granted_on - timedelta(days=60))
    n = next(_counter)
    title = Recognition(application_id=application.id, space_id=space.id, jurisdiction=jurisdiction,
                        title=fields.pop("title", f"{space.name}"), certificate_number=f"T{n:06d}",
                        level=fields.pop("level", "provincial" if jurisdiction == "yunnan" else "municipal"),
                        granted_on=granted_on, status=status, **fields)
    db.session.add(title)
    db.session.commit()
    return title


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
    user.password_hash = _password_hash(password)
    db.session.add(user)
    db.session.commit()
    return user


@functools.lru_cache(maxsize=None)
def _password_hash(password: str) -> str:
    """One hash per password, made by ``User.set_password``, shared by every user made here
    (as the demo's users share one): scrypt was the slowest part of a test's setup."""
    holder = User()
    holder.set_password(password)
    return holder.password_hash


CSRF_RE = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


def login(client, user_or_login, password: str = PASSWORD, next_url: str | None = None):
    """Log in through the real form (CSRF token taken from the page); returns the response."""
    login_name = user_or_login if isinstance(user_or_login, str) else user_or_login.login
    html = client.get("/login").get_data(as_text=True)
    match = CSRF_RE.search(html)
    token = match.group(1) if match else ""
    url = "/login" + (f"?next={next_url}" if next_url else "")
    return client.post(url, data={"login": login_name, "password": password, "csrf_token": token})


def pdf_bytes(size: int | None = None, extra_catalog: bytes = b"") -> bytes:
    """A small well-formed PDF of one blank page (core.platform.uploads reads its structure),
    padded by a comment line to exactly ``size`` bytes when given; ``extra_catalog``
    is written into the document catalogue (e.g. an ``/OpenAction``)."""
    def build(padding: bytes) -> bytes:
        objects = [b"<< /Type /Catalog /Pages 2 0 R " + extra_catalog + b" >>",
                   b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
                   b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 100 100] >>"]
        out = b"%PDF-1.4\n" + padding
        offsets = []
        for number, body in enumerate(objects, 1):
            offsets.append(len(out))
            out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
        xref = len(out)
        out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
        out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
        return out + b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)

    plain = build(b"")
    if size is None or size == len(plain):
        return plain
    if size < len(plain) + 2:
        raise ValueError(f"a PDF is at least {len(plain) + 2} bytes here")
    # startxref's digits may grow with the padding: settle on the padding that gives ``size``.
    padding = size - len(plain) - 2
    while len(data := build(b"%" + b"0" * padding + b"\n")) != size:
        padding += size - len(data)
    return data


# The moment the sign-in tests start from (sessions, two-factor codes).
SIGN_IN_T0 = datetime(2026, 12, 7, 1, 0, tzinfo=timezone.utc)


class SignInClock:
    """Sign-in's time (``core.platform.clock.instant``), moved by a test instead of
    sleeping: ``clock.at(moment)``; ``clock.code(secret)`` is the TOTP code of that moment.
    tests/conftest.py lets real time run again after each test."""

    def __init__(self, moment: datetime = SIGN_IN_T0) -> None:
        self.at(moment)

    def at(self, moment: datetime) -> None:
        from core.platform import clock

        self.moment = moment
        clock.freeze_instant(moment)

    def code(self, secret: str, offset_steps: int = 0) -> str:
        import pyotp

        return pyotp.TOTP(secret).at(self.moment + timedelta(seconds=30 * offset_steps))


def team_residents(qualifying: int, other: int = 0) -> list[dict]:
    """Residents as the facts list them (CONTRACTS §1): ``qualifying`` teams in a field the
    policy supports, then ``other`` teams outside it; all entered 2025-03-01, registered in the space."""
    def one(i, q):
        return {"name": f"团队{i}", "kind": "team", "qualifying_field": q, "entered_on": "2025-03-01",
                "established_on": None, "registered_in_space": True}
    return [one(i, True) for i in range(qualifying)] + [one(qualifying + i, False) for i in range(other)]
