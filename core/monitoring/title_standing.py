"""A title's standing read from the database, and the titles that need the bureau.

The standing is the one function of CONTRACTS §6 (core.monitoring.standing) applied to
the title's record (core.monitoring.record), so a title's page, the officer's list and
`zhongchuang standing` with the same record give the same answer.  Who may read a title:
the officers, leaders and the admin of its jurisdiction, a recommender whose area covers
its space, and the organisation that holds it (an expert none).
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import ColumnElement, false, select

from core.accounts import roles
from core.accounts.scoping import role_of, visible_codes
from core.monitoring import record, standing_policy
from core.monitoring.titles import live_criteria
from core.platform.extensions import db
from core.platform.models import Recognition, Space, SubsidyEntitlement

#: most serious first, for the officer's list
SEVERITY = ("revocation_due", "rectification", "no_policy_in_force", "good")


def title_criteria(user) -> ColumnElement[bool]:
    role = role_of(user)
    codes = visible_codes(user)
    if role is None or role == roles.EXPERT or not codes:
        return false()
    in_jurisdiction = Recognition.jurisdiction.in_(codes)
    if role == roles.APPLICANT:
        if user.organisation_id is None:
            return false()
        own = select(Space.id).where(Space.organisation_id == user.organisation_id)
        return in_jurisdiction & Recognition.space_id.in_(own)
    if role == roles.RECOMMENDER and user.region_prefix:
        in_area = select(Space.id).where(Space.region.startswith(user.region_prefix, autoescape=True))
        return in_jurisdiction & Recognition.space_id.in_(in_area)
    return in_jurisdiction


def visible_title(title_id: Any, user) -> Recognition | None:
    try:
        title_id = int(title_id)
    except (TypeError, ValueError):
        return None
    return db.session.scalars(select(Recognition).where(Recognition.id == title_id, title_criteria(user))).one_or_none()


def standing_of(title: Recognition, as_of: date) -> dict:
    """The §6 answer for ``title`` on ``as_of``."""
    return standing_policy.standing_of(title.jurisdiction, record.history_of(title), as_of)


def entitlements_of(title: Recognition) -> list[SubsidyEntitlement]:
    return list(db.session.scalars(select(SubsidyEntitlement).where(SubsidyEntitlement.recognition_id == title.id)
                                   .order_by(SubsidyEntitlement.id)))


@dataclass(frozen=True)
class TitleStanding:
    title: Recognition
    answer: dict

    @property
    def standing(self) -> str:
        return self.answer["standing"]

    @property
    def overdue(self) -> list[dict]:
        return [d for d in self.answer["duties"] if d["overdue"]]


def needing_attention(user, as_of: date, *, only: str | None = None) -> list[TitleStanding]:
    """The live titles ``user`` may see whose standing is not good, or that have an overdue
    duty, the most serious first; ``only`` keeps one standing (e.g. ``revocation_due``)."""
    titles = db.session.scalars(select(Recognition).where(title_criteria(user), live_criteria())
                                .order_by(Recognition.jurisdiction, Recognition.certificate_number))
    rows = []
    for title in titles:
        row = TitleStanding(title, standing_of(title, as_of))
        if only is not None and row.standing != only:
            continue
        if row.standing != "good" or row.overdue:
            rows.append(row)
    return sorted(rows, key=lambda r: SEVERITY.index(r.standing) if r.standing in SEVERITY else len(SEVERITY))
