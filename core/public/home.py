"""The public home ``/`` (served as ``main.index`` by core.views): for anyone, without signing in,
per enabled jurisdiction — the notices under 公示 (core.notice.publication.public_notices), the newest
titles of the directory (core.public.directory) with the way to the whole list, the open calls for
applications (published, not yet closed; each linked to its page ``/calls/<id>``), and the way to the
bureau's disclosure of support (``/public/support/<code>``, core.money).  A link to sign in; a
signed-in user also finds the way to their own pages.

Statements: the admin's switches, the notices, the newest titles of every jurisdiction (one
statement: a window per jurisdiction), the open calls — four, whatever the data (a bound per
jurisdiction on the titles and the calls shown).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from flask import render_template
from flask_login import current_user
from sqlalchemy import func, select

from core.accounts.scoping import is_staff
from core.notice import publication as public_notice
from core.notice.public_pages import revalidated
from core.platform import clock, labels
from core.platform.extensions import db
from core.platform.jurisdictions import enabled
from core.platform.models import Call, PublicNotice
from core.policy import Jurisdiction
from core.public import directory
from core.public.directory import Entry

RECENT_TITLES = 5  # our choice: the newest few; the directory has the rest
OPEN_CALLS = 10  # our choice: more open at once than any bureau has had; /calls/ lists them all


@dataclass(frozen=True)
class OpenCall:
    id: int
    title: str
    opens_on: date
    closes_on: date


@dataclass
class Section:
    """One jurisdiction's part of the home."""

    juris: Jurisdiction
    notices: list[PublicNotice] = field(default_factory=list)
    titles: list[Entry] = field(default_factory=list)
    calls: list[OpenCall] = field(default_factory=list)


def open_calls(codes: list[str], today: date, per_jurisdiction: int = OPEN_CALLS) -> dict[str, list[OpenCall]]:
    """The published calls of ``codes`` not yet closed on ``today`` (those still to open included),
    the soonest to close first, at most ``per_jurisdiction`` each; one statement."""
    if not codes:
        return {}
    rank = func.row_number().over(partition_by=Call.jurisdiction, order_by=(Call.closes_on, Call.id)).label("rank")
    ranked = (select(Call.id, Call.jurisdiction, Call.title, Call.opens_on, Call.closes_on, rank)
              .where(Call.jurisdiction.in_(codes), Call.published.is_(True), Call.closes_on >= today).subquery())
    found = db.session.execute(select(ranked.c.id, ranked.c.jurisdiction, ranked.c.title, ranked.c.opens_on,
                                      ranked.c.closes_on).where(ranked.c.rank <= per_jurisdiction)
                               .order_by(ranked.c.jurisdiction, ranked.c.rank))
    by_code: dict[str, list[OpenCall]] = {code: [] for code in codes}
    for id_, code, title, opens_on, closes_on in found:
        by_code[code].append(OpenCall(id_, title, opens_on, closes_on))
    return by_code


def sections(today: date) -> list[Section]:
    jurisdictions = enabled()
    codes = list(jurisdictions)
    found = {code: Section(juris) for code, juris in jurisdictions.items()}
    for notice in public_notice.public_notices(today):
        if notice.jurisdiction in found:
            found[notice.jurisdiction].notices.append(notice)
    for code, titles in directory.recent(codes, RECENT_TITLES).items():
        found[code].titles = titles
    for code, calls in open_calls(codes, today).items():
        found[code].calls = calls
    return list(found.values())


def home():
    """``/``: the public home (see the module's docstring)."""
    today = clock.today()
    return revalidated(render_template("public/home.html", sections=sections(today), today=today,
                                       labels=labels,
                                       staff=current_user.is_authenticated and is_staff(current_user)),
                       alike_for_all=True)
