"""Logins the server knows about, so that it can end them (OWASP ASVS 4.0 V3.3).

Flask's session is a signed cookie: on its own, a copy of it stays valid after logout.
So every login gets a row in ``user_sessions`` and the cookie carries a random token
whose SHA-256 is that row's ``token_hash``.  On every request (``core.accounts.auth``) the
token must name a row of the same user that is neither ended nor expired:

* logout, and "end this session" on the page 我的登录会话, end the row;
* a password change ends every other session of the user, an officer's reset or a
  change of the two-factor sign-in all of them;
* an idle timeout (``SESSION_IDLE_MINUTES_STAFF``, 30 min;
  ``SESSION_IDLE_MINUTES_APPLICANT``, our default 8 h) and an absolute lifetime
  (``SESSION_ABSOLUTE_HOURS``, 12 h) end it at the first request after.

Sign-in's time is ``core.platform.clock.instant()``: real elapsed time (a frozen site day
does not end sessions).
"""
from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta

from flask import current_app, has_request_context, request, session
from sqlalchemy import select, update

from core.platform import audit

from core.accounts import roles
from core.platform import clock
from core.platform.extensions import db
from core.platform.models import User, UserSession

SESSION_KEY = "_zc_session"  # the token, in the signed Flask session cookie
# last_seen_at is written at most this often: one write per minute, not per request.
TOUCH_EVERY = timedelta(seconds=60)

# Why a session ended (UserSession.end_reason).
LOGOUT = "logout"
ENDED_BY_USER = "ended_by_user"
PASSWORD_CHANGED = "password_changed"
PASSWORD_RESET = "password_reset"
TWO_FACTOR_CHANGED = "two_factor_changed"
IDLE = "idle_timeout"
ABSOLUTE = "absolute_timeout"



def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def idle_limit(user: User) -> timedelta:
    key = "SESSION_IDLE_MINUTES_APPLICANT" if user.role == roles.APPLICANT else "SESSION_IDLE_MINUTES_STAFF"
    return timedelta(minutes=current_app.config[key])


def absolute_limit() -> timedelta:
    return timedelta(hours=current_app.config["SESSION_ABSOLUTE_HOURS"])


def start(user: User) -> UserSession:
    """A new session for ``user`` (just logged in): its token goes into the cookie."""
    token = secrets.token_urlsafe(32)
    moment = clock.instant()
    row = UserSession(token_hash=_hash(token), user_id=user.id, created_at=moment, last_seen_at=moment,
                      client_address=audit.client_address(),
                      user_agent=(request.user_agent.string or "")[:300] if has_request_context() else None)
    db.session.add(row)
    db.session.commit()
    session[SESSION_KEY] = token
    return row


def current_row() -> UserSession | None:
    token = session.get(SESSION_KEY)
    if not isinstance(token, str) or not token:
        return None
    return db.session.scalar(select(UserSession).where(UserSession.token_hash == _hash(token)))


def expiry_reason(row: UserSession, user: User, moment: datetime) -> str | None:
    """IDLE or ABSOLUTE when ``row`` has timed out at ``moment``, else None."""
    if moment - clock.as_utc(row.created_at) >= absolute_limit():
        return ABSOLUTE
    if moment - clock.as_utc(row.last_seen_at) >= idle_limit(user):
        return IDLE
    return None


def check_current(user: User) -> str | None:
    """Whether this request's session of ``user`` is alive: None when it is (and its
    last activity is recorded), else why not (a reason above, or "unknown")."""
    row = current_row()
    if row is None or row.user_id != user.id:
        return "unknown"
    if row.ended_at is not None:
        return row.end_reason or "ended"
    moment = clock.instant()
    reason = expiry_reason(row, user, moment)
    if reason:
        end(row, reason, moment)
        db.session.commit()
        return reason
    if moment - clock.as_utc(row.last_seen_at) >= TOUCH_EVERY:
        row.last_seen_at = moment
        db.session.commit()
    return None


def end(row: UserSession, reason: str, moment: datetime | None = None) -> None:
    if row.ended_at is None:
        row.ended_at = moment or clock.instant()
        row.end_reason = reason


def end_current(reason: str = LOGOUT) -> None:
    """End this request's session (logout); the caller commits."""
    row = current_row()
    if row is not None:
        end(row, reason)


def end_all(user: User, reason: str, *, keep_current: bool = False) -> int:
    """End every open session of ``user`` (but this request's one when ``keep_current``);
    the caller commits.  Returns how many were ended."""
    statement = (update(UserSession)
                 .where(UserSession.user_id == user.id, UserSession.ended_at.is_(None))
                 .values(ended_at=clock.instant(), end_reason=reason))
    current = current_row() if keep_current and has_request_context() else None
    if current is not None:
        statement = statement.where(UserSession.id != current.id)
    return db.session.execute(statement.execution_options(synchronize_session=False)).rowcount


def active_sessions(user: User) -> list[UserSession]:
    """The sessions of ``user`` still open and not timed out, newest activity first."""
    moment = clock.instant()
    rows = db.session.scalars(select(UserSession).where(UserSession.user_id == user.id,
                                                        UserSession.ended_at.is_(None))
                              .order_by(UserSession.last_seen_at.desc(), UserSession.id.desc())).all()
    return [r for r in rows if expiry_reason(r, user, moment) is None]


def end_own(user: User, session_id: int) -> bool:
    """The user ends one of his sessions from 我的登录会话; False when it is not his or not open."""
    row = db.session.get(UserSession, session_id)
    if row is None or row.user_id != user.id or row.ended_at is not None:
        return False
    end(row, ENDED_BY_USER)
    audit.record("session.ended", user, actor=user, session=row.id)
    db.session.commit()
    return True
