"""Events: what happened, said once by the operation that made it happen.

An operation (a workflow step, a publication, an objection, an award, a payment…) calls
:func:`emit` inside its own transaction; the packages that react — the inbox and mail
(``core.notify``), the PDF rendered at submission (``core.documents``) — register a
listener in :data:`LISTENERS` when they are imported, so a lower package never imports
the ones above it (docs/architecture.md, "Calling upwards").  A listener adds rows to the
same session: a rolled-back change leaves no notification, a committed one leaves them all.
Slow work a listener needs (mail, a PDF) goes through :mod:`core.platform.queue`, which runs it
after the commit.
"""
from __future__ import annotations

import importlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from core.platform import clock


@dataclass(frozen=True)
class Event:
    kind: str                      # e.g. "application.submitted" (the vocabulary: core.notify.routes)
    subject_type: str | None       # the record's class name: "Application", "Objection", …
    subject_id: int | None
    jurisdiction: str | None
    actor_id: int | None           # who did it (None: the system, a reminder, an anonymous objector)
    to_user_ids: tuple[int, ...]   # users it is addressed to by name (a reminder, an account change)
    params: dict[str, Any] = field(default_factory=dict)  # plain values the message is made from
    occurred_at: datetime = field(default_factory=clock.instant)


LISTENERS: list[Callable[[Event], None]] = []
# The modules whose import appends listeners, named by the app factory and imported on the first
# emit: a command that never emits (``evaluate``, ``notice-period``) never loads the inbox and all
# it reads (issue 15: a command imports what it runs).
LISTENER_MODULES: list[str] = []


def load_listeners() -> None:
    while LISTENER_MODULES:
        importlib.import_module(LISTENER_MODULES.pop(0))


def emit(kind: str, subject: Any = None, *, jurisdiction: str | None = None, actor: Any = None,
         to_users: Iterable[Any] = (), **params: Any) -> Event:
    """Tell every listener that ``kind`` happened to ``subject`` (a mapped row, flushed so it has
    its id).  ``jurisdiction`` defaults to the subject's own; ``to_users`` are users or ids;
    ``params`` must be JSON values (they are stored with the notification)."""
    load_listeners()
    if jurisdiction is None:
        jurisdiction = getattr(subject, "jurisdiction", None)
    event = Event(
        kind=kind,
        subject_type=type(subject).__name__ if subject is not None else None,
        subject_id=getattr(subject, "id", None),
        jurisdiction=jurisdiction,
        actor_id=getattr(actor, "id", None),
        to_user_ids=tuple(getattr(u, "id", u) for u in to_users),
        params=dict(params),
    )
    for listener in list(LISTENERS):
        listener(event)
    return event
