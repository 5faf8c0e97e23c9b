"""The inbox: each event that concerns a user becomes a row of his (``Notification``), written in
the event's own transaction by the listener registered here (``core.platform.events``), with the
mail his preference asks for (``core.notify.mail``).  The words are made when shown
(``core.notify.messages``), in the reader's language.
"""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, insert, select, update

from core.notify import mail, routes
from core.platform import clock, events
from core.platform.events import Event
from core.platform.extensions import db
from core.platform.models import Notification

PAGE_SIZE = 20


def deliver(event: Event) -> list[Notification]:
    """The listener: one notification per user the route table names, then their mail."""
    found, subject = routes.deliveries(event)
    if not found:
        return []
    params = {**event.params, **subject.extra, "about": subject.about}
    moment = event.occurred_at
    rows = [{"user_id": d.user_id, "event": d.route.wording, "subject_type": event.subject_type,
             "subject_id": event.subject_id, "jurisdiction": event.jurisdiction, "params": params,
             "link": d.link, "is_todo": d.route.is_todo, "created_at": moment} for d in found]
    # one INSERT … RETURNING for all recipients (a notice of 30 spaces reaches a hundred users)
    notifications = list(db.session.scalars(insert(Notification).returning(Notification), rows))
    mail.enqueue_for(notifications)
    return notifications


events.LISTENERS.append(deliver)


def unread_count(user) -> int:
    """His unread notifications (the index on user_id, read_at); 0 for nobody."""
    if user is None or not getattr(user, "is_authenticated", False):
        return 0
    return db.session.scalar(select(func.count(Notification.id)).where(
        Notification.user_id == user.id, Notification.read_at.is_(None))) or 0


@dataclass(frozen=True)
class Page:
    rows: list[Notification]
    number: int
    pages: int
    total: int


def page(user, number: int = 1, size: int = PAGE_SIZE) -> Page:
    """His notifications, the newest first, ``size`` a page."""
    total = db.session.scalar(select(func.count(Notification.id)).where(Notification.user_id == user.id)) or 0
    pages = max(1, -(-total // size))
    number = min(max(1, number), pages)
    rows = db.session.scalars(select(Notification).where(Notification.user_id == user.id)
                              .order_by(Notification.created_at.desc(), Notification.id.desc())
                              .offset((number - 1) * size).limit(size)).all()
    return Page(list(rows), number, pages, total)


def own(user, notification_id: int) -> Notification | None:
    """His notification ``notification_id``, or None (another's is as absent as a missing one)."""
    return db.session.scalars(select(Notification).where(
        Notification.id == notification_id, Notification.user_id == user.id)).one_or_none()


def mark_read(user, notification_id: int) -> Notification | None:
    """Mark one of his notifications read (the caller commits); None when it is not his."""
    row = own(user, notification_id)
    if row is not None and row.read_at is None:
        row.read_at = clock.instant()
    return row


def mark_all_read(user) -> int:
    """Mark all his unread notifications read (the caller commits); how many were."""
    return db.session.execute(update(Notification).where(
        Notification.user_id == user.id, Notification.read_at.is_(None)).values(read_at=clock.instant())).rowcount
