"""Which titles owe a return, and which jurisdictions read a space's return.

A title is *live* while it is not revoked.  A title owes the return of year Y when it was
granted on or before 31 December of Y and was not revoked before that year's window
closed (a title revoked during the year owed nothing for it): our reading, docs/statistics.md.
"""
from __future__ import annotations

from datetime import date

from sqlalchemy import ColumnElement, and_, or_, select

from core.platform.extensions import db
from core.platform.jurisdictions import enabled, enabled_codes
from core.platform.models import Recognition

__all__ = ["LIVE", "live_criteria", "due_criteria", "live_titles", "titled_codes", "year_end"]

LIVE = ("active", "rectification")
_LEVEL_ORDER = {"county": 0, "city": 1, "province": 2}


def year_end(year: int) -> date:
    return date(year, 12, 31)


def live_criteria() -> ColumnElement[bool]:
    return Recognition.status.in_(LIVE)


def due_criteria(year: int, *, by: date | None = None) -> ColumnElement[bool]:
    """Titles that owe the return of ``year``: granted by its end, and live — or revoked
    only after ``by`` (the day the window closed, for a year already closed)."""
    granted = Recognition.granted_on <= year_end(year)
    if by is None:
        return and_(granted, live_criteria())
    return and_(granted, or_(live_criteria(), Recognition.revoked_on > by))


def live_titles(space_id: int) -> list[Recognition]:
    """The space's live titles in enabled jurisdictions, the lowest level first."""
    codes = enabled_codes()
    titles = db.session.scalars(select(Recognition).where(
        Recognition.space_id == space_id, live_criteria(), Recognition.jurisdiction.in_(codes))).all()
    installed = enabled()
    return sorted(titles, key=lambda t: (_LEVEL_ORDER.get(installed[t.jurisdiction].level, 9), t.granted_on, t.id))


def titled_codes(space_id: int) -> list[str]:
    """The jurisdictions that read the space's return, the lowest level first."""
    seen: list[str] = []
    for title in live_titles(space_id):
        if title.jurisdiction not in seen:
            seen.append(title.jurisdiction)
    return seen
