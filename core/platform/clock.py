"""The platform's one clock: today and now where the bureaus are (Asia/Shanghai).

Every "today" and "now" of the web, the CLI, ``tick`` and the engines comes from here, so that
the server's own time zone (often UTC: eight hours of every day a different date) never decides
a deadline.  Tests freeze it in one place (``freeze``; the ``clock`` fixture of tests/conftest.py).
"""
from __future__ import annotations

from contextlib import contextmanager
from datetime import date, datetime, time, timezone
from zoneinfo import ZoneInfo

ZONE = ZoneInfo("Asia/Shanghai")

# A frozen day (the time of day still runs) or a frozen moment; None: the real clock.
_frozen: date | datetime | None = None
_instant: datetime | None = None  # a moved instant() (tests of sign-in), None: real time


def now() -> datetime:
    """This moment, aware, in Asia/Shanghai."""
    real = datetime.now(ZONE)
    if isinstance(_frozen, datetime):
        return _frozen.astimezone(ZONE) if _frozen.tzinfo else _frozen.replace(tzinfo=ZONE)
    if isinstance(_frozen, date):
        return datetime.combine(_frozen, real.timetz())
    return real


def today() -> date:
    """The date in Asia/Shanghai."""
    return now().date()


def utcnow() -> datetime:
    """This moment in UTC, as the database stores timestamps."""
    return now().astimezone(timezone.utc)


def as_utc(moment: datetime | None) -> datetime | None:
    """A stored timestamp, aware: SQLite hands back naive datetimes for timezone-aware
    columns, and they are UTC."""
    if moment is not None and moment.tzinfo is None:
        return moment.replace(tzinfo=timezone.utc)
    return moment


def local(moment: datetime) -> datetime:
    """A stored timestamp in Asia/Shanghai."""
    return as_utc(moment).astimezone(ZONE)


def start_of(day: date) -> datetime:
    """Midnight at the start of ``day`` in Asia/Shanghai."""
    return datetime.combine(day, time.min, tzinfo=ZONE)


def instant() -> datetime:
    """Real elapsed time, in UTC, for security durations: session lifetimes, the login
    throttle, two-factor code steps.  It is not the bureau's day: a test or demo that freezes
    or moves the day (``freeze``) must not end everyone's sessions.  Tests move it with
    ``freeze_instant``."""
    return _instant if _instant is not None else datetime.now(timezone.utc)


def freeze_instant(moment: datetime | None) -> None:
    """Tests only: the moment ``instant()`` answers (aware); ``None``: real time again."""
    global _instant
    _instant = moment


def freeze(when: date | datetime | None) -> None:
    """Tests and demos only: a fixed day (``date``) or moment (``datetime``); ``None`` unfreezes."""
    global _frozen
    _frozen = when


@contextmanager
def on(when: date | datetime):
    """Demos only: run a block as on ``when`` (the operations read today from here), then
    give the clock back as it was — real, or frozen by a test."""
    global _frozen
    before = _frozen
    _frozen = when
    try:
        yield
    finally:
        _frozen = before
