"""Notices to a user about his own account: his password changed or was reset, his
two-factor sign-in was enabled, disabled or reset, a recovery code was used.

There is no inbox yet: a notice is a row of ``user_notices``, shown once as a message
after the user's next login (so that a change he did not make does not go unseen) and
listed on his page 账户安全.  Mail follows with the notifications issue; ``kind`` is
what it will dispatch on.
"""
from __future__ import annotations

from datetime import timezone

from flask_babel import format_datetime
from sqlalchemy import select

from core.platform import clock, events
from core.platform.extensions import db
from core.platform.models import User, UserNotice
from core.accounts import user_sessions

PASSWORD_CHANGED = "password_changed"
PASSWORD_RESET = "password_reset"
TWO_FACTOR_ENABLED = "two_factor_enabled"
TWO_FACTOR_DISABLED = "two_factor_disabled"
TWO_FACTOR_RESET = "two_factor_reset"
RECOVERY_CODE_USED = "recovery_code_used"
RECOVERY_CODES_RENEWED = "recovery_codes_renewed"
# The event each notice is (core.platform.events; core.notify.routes says who hears it).
ACCOUNT_EVENTS = {PASSWORD_CHANGED: "account.password_changed", PASSWORD_RESET: "account.password_changed",
                  TWO_FACTOR_ENABLED: "account.two_factor_changed", TWO_FACTOR_DISABLED: "account.two_factor_changed",
                  TWO_FACTOR_RESET: "account.two_factor_changed", RECOVERY_CODE_USED: "account.two_factor_changed",
                  RECOVERY_CODES_RENEWED: "account.two_factor_changed"}


def notify(user: User, kind: str, message: str) -> UserNotice:
    """Add a notice for ``user`` (the caller commits, with the change it reports)."""
    notice = UserNotice(user_id=user.id, kind=kind, created_at=clock.instant(), message=message)
    db.session.add(notice)
    # also to his inbox and mail (core.notify), addressed to him whoever made the change
    events.emit(ACCOUNT_EVENTS[kind], user, to_users=[user], change=kind)
    return notice


def text(notice: UserNotice) -> str:
    """The notice as shown: when (Asia/Shanghai) and what."""
    moment = notice.created_at
    if moment.tzinfo is None:  # SQLite: naive, UTC
        moment = moment.replace(tzinfo=timezone.utc)
    return f"{format_datetime(moment, 'yyyy-MM-dd HH:mm')} {notice.message}"


def take_unshown(user: User) -> list[str]:
    """The notices ``user`` has not seen yet, marked as seen (the caller commits)."""
    rows = db.session.scalars(select(UserNotice).where(UserNotice.user_id == user.id, UserNotice.shown_at.is_(None))
                              .order_by(UserNotice.id)).all()
    moment = clock.instant()
    for row in rows:
        row.shown_at = moment
    return [text(row) for row in rows]


def recent(user: User, limit: int = 20) -> list[UserNotice]:
    return db.session.scalars(select(UserNotice).where(UserNotice.user_id == user.id)
                              .order_by(UserNotice.id.desc()).limit(limit)).all()


def password_reset(user: User, by: str) -> None:
    """Someone else set ``user``'s password (an officer's reset, the admin's user form,
    ``create-user --update``): every session of his ends and he is told by whom.
    The caller audits and commits."""
    user_sessions.end_all(user, user_sessions.PASSWORD_RESET)
    notify(user, PASSWORD_RESET, f"您的密码已由 {by} 重置。")
