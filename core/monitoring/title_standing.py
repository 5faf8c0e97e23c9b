"""A title's standing read from the database, and the titles that need the bureau.

The standing is the one function of CONTRACTS §6 (core.monitoring.standing) applied to
the title's record (core.monitoring.record), so a title's page, the officer's list and
`zhongchuang standing` with the same record give the same answer.  Who may read a title:
the officers, leaders and the admin of its jurisdiction, and the organisation that holds it.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import ColumnElement, false, select

from core.accounts import roles
from core.accounts.scoping import codes_as, role_of, visible_codes
from core.award import overlaps, related
from core.award.overlaps import Overlap
from core.monitoring import record, standing_policy
from core.monitoring.title_scope import STAFF_READERS, own_titles_criteria
from core.monitoring.titles import live_criteria
from core.platform.extensions import db
from core.platform.models import ExternalTitle, Recognition, Space, SubsidyEntitlement, SupportFund
from core.policy import citation_text

#: most serious first, for the officer's list
SEVERITY = ("revocation_due", "rectification", "no_policy_in_force", "good")


def title_criteria(user) -> ColumnElement[bool]:
    """The titles ``user`` may read: as for their rectifications and revocations
    (core.monitoring.title_scope) — the bureau's staff their jurisdictions', the applicant his own."""
    codes = visible_codes(user)
    if not codes:
        return false()
    if role_of(user) in roles.STAFF_ROLES:  # where he holds a reader's role (issue 22)
        held = codes_as(user, *STAFF_READERS)
        return Recognition.jurisdiction.in_(held) if held else false()
    return Recognition.jurisdiction.in_(codes) & own_titles_criteria(user)


def visible_title(title_id: Any, user) -> Recognition | None:
    try:
        title_id = int(title_id)
    except (TypeError, ValueError):
        return None
    return db.session.scalars(select(Recognition).where(Recognition.id == title_id, title_criteria(user))).one_or_none()


def standing_of(title: Recognition, as_of: date, history: dict | None = None) -> dict:
    """The §6 answer for ``title`` on ``as_of``; ``history``: its record, when the caller has
    read it already (a title's page shows both)."""
    return standing_policy.standing_of(title.jurisdiction, record.history_of(title) if history is None else history,
                                       as_of)


def entitlements_of(title: Recognition) -> list[SubsidyEntitlement]:
    return list(db.session.scalars(select(SubsidyEntitlement).where(SubsidyEntitlement.recognition_id == title.id)
                                   .order_by(SubsidyEntitlement.id)))


cite = citation_text  # a stored citation in words (the money's pages and the disclosure)


@dataclass(frozen=True)
class Support:
    """A title's money as the bureau reads it: its own entitlements, the other support the same
    space or organisation received anywhere in the deployment (云政办发〔2016〕65号 (十五): every
    jurisdiction, titles won elsewhere too, cancelled included), the overlaps the duplicate-support
    rules flag among them (core.award.overlaps), and the funds and spaces the rows name."""

    own: list[SubsidyEntitlement]
    others: list[SubsidyEntitlement]
    overlaps: list[Overlap]
    funds: dict[int, SupportFund]
    spaces: dict[int, str]

    def overlaps_of(self, entitlement_id: int) -> list[Overlap]:
        return [o for o in self.overlaps if entitlement_id in (o.first_id, o.second_id)]


def support_of(title: Recognition) -> Support:
    own = entitlements_of(title)
    mine = {e.id for e in own}
    organisation = title.space.organisation
    others = [e for e in related.related_entitlements(uscc=organisation.uscc) if e.id not in mine]
    fund_ids = {e.fund_id for e in own if e.fund_id is not None}
    funds = {f.id: f for f in db.session.scalars(select(SupportFund).where(SupportFund.id.in_(fund_ids)))} \
        if fund_ids else {}
    spaces = dict(db.session.execute(select(Space.id, Space.name).where(Space.organisation_id == organisation.id)).all())
    return Support(own, others, overlaps.overlaps_among([*own, *others]), funds, spaces)


def applicant_support(user) -> tuple[list[SubsidyEntitlement], dict[int, ExternalTitle]]:
    """The entitlements hanging on the titles won elsewhere (ExternalTitle) of ``user``'s
    organisation's spaces, and those titles by id: what 我的称号 adds to the titles of this deployment."""
    if getattr(user, "organisation_id", None) is None:
        return [], {}
    titles = {t.id: t for t in db.session.scalars(
        select(ExternalTitle).join(Space, Space.id == ExternalTitle.space_id)
        .where(Space.organisation_id == user.organisation_id).order_by(ExternalTitle.granted_on, ExternalTitle.id))}
    if not titles:
        return [], {}
    rows = list(db.session.scalars(select(SubsidyEntitlement).where(
        SubsidyEntitlement.external_title_id.in_(list(titles))).order_by(SubsidyEntitlement.id)))
    return rows, titles


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
