"""The ban on applying again after a revocation (issue 17): while a title of the same USCC in
the same jurisdiction carries ``ban_until`` on or after the day, a submission is refused citing
the article (云科规〔2021〕1号 认定与管理 “管理”: 一经查实…2年内不得再次申报).  ``ban_until`` is the last
banned day (CONTRACTS §6): it is still refused; the next day is allowed.  Set only by the leader's
revocation decision (core.monitoring.revocations); read here by the submission's check
(core.review.workflow), which is below monitoring and so reads the title's columns directly.
"""
from __future__ import annotations

from datetime import date

from sqlalchemy import select

from core.platform.extensions import db
from core.platform.models import Application, Organisation, Recognition, Space

__all__ = ["ban_of", "ban_refusal"]


def ban_of(uscc: str, jurisdiction: str, day: date) -> Recognition | None:
    """The revoked title of ``uscc`` in ``jurisdiction`` whose ban still runs on ``day``."""
    return db.session.scalars(
        select(Recognition).join(Space, Space.id == Recognition.space_id)
        .join(Organisation, Organisation.id == Space.organisation_id)
        .where(Organisation.uscc == uscc, Recognition.jurisdiction == jurisdiction,
               Recognition.ban_until.is_not(None), Recognition.ban_until >= day)
        .order_by(Recognition.ban_until.desc())).first()


def _cited(title: Recognition) -> str:
    ban = next((c for c in title.revocation_citations or [] if c.get("ground") == "ban"), None) or {}
    item = f"“{ban['item']}”" if ban.get("item") else ""
    return f"{ban.get('document', '')} {ban.get('article') or ''}{item}".strip()


def ban_refusal(application: Application, day: date) -> str | None:
    """Why ``application`` may not be submitted on ``day`` because of a ban, or None."""
    organisation = db.session.get(Organisation, application.organisation_id)
    if organisation is None:
        return None
    title = ban_of(organisation.uscc, application.jurisdiction, day)
    if title is None:
        return None
    return (f"统一社会信用代码 {organisation.uscc} 的认定称号已于 {title.revoked_on.isoformat()} 撤销，"
            f"依据 {_cited(title)}，{title.ban_until.isoformat()}（含当日）前不得再次申报")
