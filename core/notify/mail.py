"""Mail: every notification a user's preference asks for, composed when it is written (so the
outbox shows what goes out) and sent through the queue (``notify.send_mail``) by SMTP.

- **Preference** (``User.mail_preference``): ``all`` every notification, ``todos`` only those
  that are a to-do of his (``core.notify.routes``), ``none`` no mail.  The inbox gets all.
- **Address**: ``User.email``, else his login when it is an address.
- **Words**: ``core/notify/templates/notify/mail/<event>.txt`` (``generic.txt`` for an event
  without its own), in the site's language (Chinese; English where a text is not translated).
  Plain text only: what a user typed is never HTML in a mail.
- **Held**: no mail server configured (``ZHONGCHUANG_SMTP_HOST``) or no address: the mail stays
  in the outbox, 未发送, with the reason; the admin may send it again (``resend``).
- **Failing**: an SMTP error is raised so that the queue tries again (1, 2, 4… minutes); each
  try's error is kept on the mail, which is ``failed`` after :data:`MAX_ATTEMPTS`.
"""
from __future__ import annotations

import smtplib
import ssl
from email.message import EmailMessage
from email.utils import formatdate, make_msgid

from flask import current_app, render_template
from flask_babel import force_locale
from sqlalchemy import select

from core.notify import messages
from core.platform import clock, queue
from core.platform.errors import failure_text
from core.platform.extensions import db
from core.platform.models import Notification, OutboundMail, User

QUEUED, SENT, FAILED, HELD = "queued", "sent", "failed", "held"
STATUSES = (QUEUED, SENT, FAILED, HELD)
ALL, TODOS, NONE = "all", "todos", "none"
PREFERENCES = (ALL, TODOS, NONE)
MAX_ATTEMPTS = 5
MAIL_LOCALE = "zh_Hans_CN"  # the site's language: a mail is read outside any session
NO_SERVER, NO_ADDRESS = "no_server", "no_address"  # why a mail is held (the outbox words them)
MAX_ERROR_CHARS = 2000


class HeaderError(ValueError):
    """A header value with a line break: refused, never sent (header injection)."""


def address_of(user: User) -> str | None:
    address = (user.email or "").strip() or login_address(user)
    return address or None


def login_address(user: User) -> str | None:
    """The login, where it is a mail address: where mail goes when the user gives none."""
    return user.login if "@" in (user.login or "") else None


def wants(user: User, is_todo: bool) -> bool:
    preference = user.mail_preference or ALL
    return preference == ALL or (preference == TODOS and is_todo)


def _header(value: str) -> str:
    if "\r" in value or "\n" in value:
        raise HeaderError("a header value may not contain a line break")
    return value


def compose(notification: Notification) -> tuple[str, str]:
    """(subject, body) of the mail of ``notification``, in the site's language."""
    site = (current_app.config.get("SITE_URL") or "").rstrip("/")
    link = f"{site}{notification.link}" if notification.link and notification.link.startswith("/") else None
    with force_locale(MAIL_LOCALE):
        headline = messages.text(notification.event, notification.params)
        names = [f"notify/mail/{notification.event}.txt", "notify/mail/generic.txt"]
        body = render_template(names, headline=headline, params=notification.params or {}, link=link,
                               inbox=f"{site}/inbox", is_todo=notification.is_todo)
    subject = " ".join(headline.split())[:200]  # one line: a headline never breaks a header
    return subject, body.strip() + "\n"


def enqueue_for(notifications: list[Notification]) -> list[OutboundMail]:
    """The mail of each notification its user wants, queued (or held) in the caller's transaction."""
    if not notifications:
        return []
    users = {u.id: u for u in db.session.scalars(select(User).where(
        User.id.in_({n.user_id for n in notifications})))}
    made = []
    for notification in notifications:
        user = users.get(notification.user_id)
        if user is None or not wants(user, notification.is_todo):
            continue
        subject, body = compose(notification)
        row = OutboundMail(user_id=user.id, notification_id=notification.id, recipient=address_of(user) or "",
                           subject=subject, body=body, status=QUEUED, attempts=0, created_at=clock.instant())
        db.session.add(row)
        made.append(row)
    if made:
        db.session.flush()
        for row in made:
            _queue_or_hold(row)
    return made


def _held_reason(row: OutboundMail) -> str | None:
    if not current_app.config.get("SMTP_HOST"):
        return NO_SERVER
    if not row.recipient:
        return NO_ADDRESS
    return None


def _queue_or_hold(row: OutboundMail) -> None:
    reason = _held_reason(row)
    if reason:
        row.status, row.last_error = HELD, reason
    else:
        row.status = QUEUED
        queue.enqueue("notify.send_mail", mail_id=row.id)


def resend(row: OutboundMail) -> bool:
    """The admin's 重发 of a failed or held mail: to the user's address of now, with a fresh count
    of tries (the caller audits and commits).  False when the mail is neither."""
    if row.status not in (FAILED, HELD):
        return False
    user = db.session.get(User, row.user_id) if row.user_id else None
    if user is not None:
        row.recipient = address_of(user) or ""
    row.attempts, row.last_error = 0, None
    _queue_or_hold(row)
    return True


def message_of(row: OutboundMail) -> EmailMessage:
    config = current_app.config
    sender = _header(config.get("SMTP_FROM") or "noreply@localhost")
    message = EmailMessage()
    message["Subject"] = _header(row.subject)
    message["From"] = sender
    message["To"] = _header(row.recipient)
    message["Date"] = formatdate(localtime=False)
    message["Message-ID"] = make_msgid(idstring=f"zc{row.id}", domain=sender.rpartition("@")[2] or "localhost")
    message.set_content(row.body, charset="utf-8")
    return message


def deliver(message: EmailMessage) -> None:
    """Hand ``message`` to the configured SMTP server (raises on any failure)."""
    config = current_app.config
    host, port, timeout = config["SMTP_HOST"], int(config.get("SMTP_PORT") or 25), config.get("SMTP_TIMEOUT") or 30
    security = (config.get("SMTP_SECURITY") or "none").lower()
    if security == "ssl":
        client = smtplib.SMTP_SSL(host, port, timeout=timeout, context=ssl.create_default_context())
    else:
        client = smtplib.SMTP(host, port, timeout=timeout)
    with client:
        if security == "starttls":
            client.starttls(context=ssl.create_default_context())
        if config.get("SMTP_USER"):
            client.login(config["SMTP_USER"], config.get("SMTP_PASSWORD") or "")
        client.send_message(message)


@queue.task("notify.send_mail", max_attempts=MAX_ATTEMPTS)
def send_mail(mail_id: int) -> None:
    row = db.session.get(OutboundMail, mail_id)
    if row is None or row.status == SENT:
        return  # sent already: never twice
    if row.status in (FAILED, HELD):  # the admin's 重试 of this task on 后台任务: a fresh count of tries
        row.status, row.attempts = QUEUED, 0
    reason = _held_reason(row)
    if reason:
        row.status, row.last_error = HELD, reason
        return
    row.attempts = (row.attempts or 0) + 1
    try:
        deliver(message_of(row))
    except HeaderError as exc:  # never becomes sendable: failed at once
        row.status, row.last_error = FAILED, str(exc)
        return
    except (OSError, smtplib.SMTPException) as exc:
        row.last_error = failure_text(exc, MAX_ERROR_CHARS)
        row.status = FAILED if row.attempts >= MAX_ATTEMPTS else QUEUED
        db.session.commit()  # kept although the queue rolls back what the task did
        raise
    row.status, row.sent_at, row.last_error = SENT, clock.instant(), None
