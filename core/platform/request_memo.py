"""A per-request memo: rows every part of a page asks for (the bureau's data, the
jurisdiction switches) read once per request instead of once per caller.

The memo lives in the request's WSGI environ, not in ``flask.g``: ``g`` belongs to the
application context, which a request reuses when one is already pushed (the tests, a
command serving requests), so it could carry a value into the next request.  Outside a
request there is no memo and every call reads the database (commands, tests calling
functions directly): nothing can go stale there.

It is emptied whenever its data may have changed within the request: by the operations
that write it (:func:`forget`), by any flush of a row of a watched table (:func:`watch`),
and by a rollback (a value read from rows that were then rolled back).
"""
from __future__ import annotations

from collections.abc import Callable, Hashable
from typing import Any, TypeVar

from flask import has_request_context, request
from sqlalchemy import event
from sqlalchemy.orm import Session

T = TypeVar("T")
_ENVIRON_KEY = "zhongchuang.request_memo"
_watched: set[str] = set()


def _store() -> dict[Hashable, Any] | None:
    if not has_request_context():
        return None
    return request.environ.setdefault(_ENVIRON_KEY, {})


def remember(key: Hashable, compute: Callable[[], T]) -> T:
    """``compute()`` once per request for ``key``; outside a request, every time."""
    store = _store()
    if store is None:
        return compute()
    if key not in store:
        store[key] = compute()
    return store[key]


def active() -> bool:
    """Whether there is a memo here (inside a request)."""
    return has_request_context()


def holds(key: Hashable) -> bool:
    store = _store()
    return store is not None and key in store


def forget() -> None:
    """Empty this request's memo (after a write to what it holds)."""
    if has_request_context():
        request.environ.pop(_ENVIRON_KEY, None)


def watch(*tables: str) -> None:
    """Empty the memo whenever a row of one of ``tables`` is flushed."""
    _watched.update(tables)


@event.listens_for(Session, "before_flush")
def _forget_on_write(session, flush_context, instances) -> None:
    if not has_request_context() or _ENVIRON_KEY not in request.environ:
        return
    for obj in (*session.new, *session.dirty, *session.deleted):
        if getattr(obj, "__tablename__", None) in _watched:
            forget()
            return


@event.listens_for(Session, "after_soft_rollback")
def _forget_on_rollback(session, previous_transaction) -> None:
    forget()
