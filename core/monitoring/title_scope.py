"""Who sees and who acts on a title's findings, rectifications and revocations.

Officers act for their jurisdictions; leaders decide there; the admin reads everything; an
applicant sees only his organisation's titles' rectifications and revocations (never the
findings, which are the bureau's working record).  Experts and recommenders see none: the
documents give them no part after recognition.
"""
from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, false, select

from core.accounts import roles
from core.accounts.scoping import codes_as, role_in, role_of, visible_codes
from core.platform.extensions import db
from core.platform.models import Recognition, Space

__all__ = ["STAFF_READERS", "criteria", "visible", "is_officer_of", "is_leader_of", "own_titles_criteria"]

STAFF_READERS = (roles.OFFICER, roles.LEADER, roles.ADMIN)


def own_titles_criteria(user) -> ColumnElement[bool]:
    """Recognition rows of the applicant's organisation's spaces."""
    if role_of(user) != roles.APPLICANT or user.organisation_id is None:
        return false()
    return Recognition.space_id.in_(select(Space.id).where(Space.organisation_id == user.organisation_id))


def criteria(user, model, *, applicants: bool = True) -> ColumnElement[bool]:
    """The rows of ``model`` (jurisdiction and recognition_id columns) ``user`` may see."""
    role = role_of(user)
    codes = visible_codes(user)
    if not codes:
        return false()
    if role not in (roles.APPLICANT, None):  # staff: where the role held is a reader's (issue 22)
        held = codes_as(user, *STAFF_READERS)
        return model.jurisdiction.in_(held) if held else false()
    if role == roles.APPLICANT and applicants and user.organisation_id is not None:
        own = select(Recognition.id).join(Space, Space.id == Recognition.space_id).where(
            Space.organisation_id == user.organisation_id)
        return model.jurisdiction.in_(codes) & model.recognition_id.in_(own)
    return false()


def visible(model, row_id: Any, user, *, applicants: bool = True):
    """The row ``row_id`` of ``model`` if ``user`` may see it, else None (a 404)."""
    try:
        row_id = int(row_id)
    except (TypeError, ValueError):
        return None
    if not 0 < row_id < 2**31:  # beyond PostgreSQL's integer, as the URLs' RowId converter
        return None
    return db.session.scalars(select(model).where(model.id == row_id,
                                                  criteria(user, model, applicants=applicants))).one_or_none()


def is_officer_of(user, code: str) -> bool:
    return role_in(user, code) == roles.OFFICER and code in visible_codes(user)


def is_leader_of(user, code: str) -> bool:
    return role_in(user, code) == roles.LEADER and code in visible_codes(user)
