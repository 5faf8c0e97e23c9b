"""The expert pool (专家库) of each jurisdiction: the expert users serving it (their scopes),
with what the pool knows of each (``ExpertProfile``: fields, organisation, region, active or
paused) and the relationships each declared (``ExpertRelationship``, for 回避).

The random draw (``core.review.draws``) reads the pool through :func:`pool_of` and
:func:`profile_of`.  Every change checks the actor, is audited and committed once, or raises
:class:`PoolError` having written nothing.
"""
from __future__ import annotations

from sqlalchemy import select

from core.accounts import roles
from core.platform.errors import Refused
from core.platform.extensions import db
from core.platform.models import ExpertProfile, User, UserScope

ACTIVE = "active"
PAUSED = "paused"
STATUSES = (ACTIVE, PAUSED)


class PoolError(Refused):
    """A refused change to the pool: ``key`` names the field, ``message`` says why in Chinese;
    ``errors`` maps each wrong field of a form to its message."""

    key_in_text = False

    def __init__(self, key: str, message: str, errors: dict[str, str] | None = None) -> None:
        super().__init__(key, message)
        self.errors = errors or {key: message}


def profile_of(user: User) -> ExpertProfile:
    """``user``'s profile; an expert with none yet gets an empty active one (not added to the
    session: reading the pool writes nothing)."""
    profile = db.session.get(ExpertProfile, user.id)
    return profile if profile is not None else ExpertProfile(user_id=user.id, fields=[], status=ACTIVE)


def experts_serving(code: str):
    """The query of the expert users (active accounts) serving jurisdiction ``code``, by name."""
    serving = select(UserScope.user_id).where(UserScope.jurisdiction == code)
    return (select(User).where(User.role == roles.EXPERT, User.active.is_(True), User.id.in_(serving))
            .order_by(User.name, User.id))


def pool_of(code: str) -> list[tuple[User, ExpertProfile]]:
    """The experts who may be drawn for ``code``: active accounts of role expert serving it whose
    profile is not paused, each with his profile, by name (then id: a stable order to draw from)."""
    experts = db.session.scalars(experts_serving(code)).all()
    pairs = [(user, profile_of(user)) for user in experts]
    return [(user, profile) for user, profile in pairs if profile.status != PAUSED]
