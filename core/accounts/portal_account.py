"""Applicant and staff accounts after registration: changing one's password, the
temporary password an officer gives, and the per-address lock of the public forms.

* ``change_password``: the user's other sessions end (``core.accounts.user_sessions``) and he is
  notified (``core.accounts.account_notices``); the page is ``core.intake.account_pages``.
* A user whose password an officer reset (``User.must_change_password``, see
  ``core.accounts.admin_applicant_users``) is sent to that page before any other
  (``insist_on_new_password``); the page says who last reset it and when
  (``last_password_reset``, read from the audit log).
* ``one_address_at_a_time``: registrations (``core.intake.registration``) and objections
  (``core.notice.publication``) from one client address are counted one at a time.
"""
from __future__ import annotations

from flask import redirect, request, url_for
from flask_login import current_user
from sqlalchemy import select, text

from core.accounts import account_notices, user_sessions
from core.platform import audit
from core.platform.extensions import db
from core.platform.models import AuditEvent, User


def change_password(user: User, password: str) -> int:
    """Set ``user``'s new password (a temporary one no longer forces a change), with the
    audit event ``user.password_changed``; end his other sessions and notify him;
    committed.  Returns how many other sessions ended."""
    user.set_password(password)
    forced = user.must_change_password
    user.must_change_password = False
    audit.record("user.password_changed", user, after_reset=forced)
    # Whoever else holds a session of this account (another browser) is logged out.
    ended = user_sessions.end_all(user, user_sessions.PASSWORD_CHANGED, keep_current=True)
    account_notices.notify(user, account_notices.PASSWORD_CHANGED,
                           f"您的密码已修改，其他 {ended} 个登录会话已结束。如非本人操作，请立即联系主管部门或系统管理员。")
    db.session.commit()
    return ended


def one_address_at_a_time(client_address: str | None, purpose: str = "objection") -> None:
    """Objections (or registrations) from one address are counted and stored one at a
    time, so that two posted at the same instant cannot both slip under the limit.
    PostgreSQL: a lock on the address held until this transaction ends.  SQLite has one
    writer at a time: the row is written before it is counted again (see
    ``core.notice.publication.file_objection``)."""
    if db.session.get_bind().dialect.name == "postgresql":
        db.session.execute(text("SELECT pg_advisory_xact_lock(hashtext(:key))"),
                           {"key": f"{purpose}:{client_address or '-'}"})


def last_password_reset(user) -> dict | None:
    """Who reset ``user``'s password last and when (``user.password_reset``), as shown
    to the user: the role and name of the officer or admin, the time in Shanghai."""
    from core.platform.labels import local_datetime, role_label

    event = db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "user.password_reset", AuditEvent.object_type == "User",
                                 AuditEvent.object_id == str(user.id))
        .order_by(AuditEvent.occurred_at.desc(), AuditEvent.id.desc()).limit(1)).first()
    if event is None:
        return None
    actor = db.session.get(User, event.actor_id) if event.actor_id is not None else None
    who = f"{role_label(actor.role)} {actor.name}" if actor is not None else event.actor_name
    return {"who": who, "when": local_datetime(event.occurred_at)}


# Pages a user with a temporary password may still open.
OPEN_WHILE_RESET = {"account.change_password", "auth.logout", "auth.set_language", "static",
                    "security.sessions", "security.end_session"}


def insist_on_new_password():
    """Before every request (registered by ``core.intake.account_pages``): a user with a
    temporary password is sent to the password page."""
    if (current_user.is_authenticated and getattr(current_user, "must_change_password", False)
            and request.endpoint not in OPEN_WHILE_RESET):
        return redirect(url_for("account.change_password"))
    return None
