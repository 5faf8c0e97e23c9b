"""Dates as the Civil Code counts them, and the Chinese working-day calendar.

Two things the policies need and that are easy to get subtly wrong:

* "满 N 个月" counted from a date (民法典 第201、202条): the period ends on the
  corresponding day of the month N months later, or on that month's last day
  where there is no corresponding day.  ``add_months`` / ``full_months_between``.
* The public-notice period (公示期) of a recognition: N calendar days counted
  from the day after publication (第201条); when the last day falls on a rest day
  (a weekend or statutory holiday) the period ends on the next working day
  (第203条).  The State Council moves rest days around every year (调休), so
  "working day" needs the official arrangement: the ``chinesecalendar`` package
  knows the years it was released for; a bureau enters later years (or
  corrections) as overrides.  ``WorkdayCalendar`` / ``notice_period``.

Pure Python, no Flask and no database: the CLI, the web app and the tests all
share these functions.
"""

from __future__ import annotations

import calendar as _calendar
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta

import chinese_calendar as _cc

__all__ = [
    "add_months",
    "full_months_between",
    "WorkdayCalendar",
    "NoticePeriod",
    "notice_period",
    "unknown_year_warning",
]

_ONE_DAY = timedelta(days=1)

# The package's own tables (public names of chinese_calendar).  We read them
# directly rather than calling chinese_calendar.is_workday(), which recomputes
# the supported year range over the whole table on every call and raises
# NotImplementedError outside it; the notice period and the web calendar call
# is_workday in loops.
_PKG_HOLIDAYS = _cc.holidays  # date -> holiday name: statutory rest days (incl. 调休 rest)
_PKG_WORKDAYS = _cc.workdays  # date -> holiday name: make-up working days (调休上班)
_PKG_FIRST_YEAR = min(_PKG_HOLIDAYS).year
_PKG_LAST_YEAR = max(_PKG_HOLIDAYS).year


# ---------------------------------------------------------------------------
# Calendar months (民法典 第201、202条)
# ---------------------------------------------------------------------------


def add_months(d: date, n: int) -> date:
    """The day ``n`` calendar months after ``d`` (``n`` may be negative).

    民法典 第202条: a period counted in months ends on the corresponding day
    of the final month, or on that month's last day where there is no
    corresponding day — so 2026-01-31 + 1 month is 2026-02-28, not March 3rd.
    """
    months = d.month - 1 + n
    year = d.year + months // 12
    month = months % 12 + 1
    last = _calendar.monthrange(year, month)[1]
    return date(year, month, d.day if d.day <= last else last)


def full_months_between(start: date, end: date) -> int:
    """How many full calendar months ("满 N 个月") have elapsed from ``start`` to ``end``.

    The largest ``n`` with ``add_months(start, n) <= end``, so that it agrees
    with ``add_months`` at month ends (2026-01-31 → 2026-02-28 is one full
    month, because the period's last day is the month's last day, 第202条).
    Nothing has elapsed when ``end`` is before ``start``: the answer is then 0,
    never negative, so "满 N 个月" criteria simply fail.
    """
    if end < start:
        return 0
    n = (end.year - start.year) * 12 + (end.month - start.month)
    if add_months(start, n) > end:
        n -= 1
    return n


# ---------------------------------------------------------------------------
# Working days
# ---------------------------------------------------------------------------


def unknown_year_warning(year: int) -> str:
    """The warning given when a period touches a year whose arrangement is unknown."""
    return f"{year}年节假日安排未知，仅按周末计算休息日；请在日历设置中录入该年安排"


class WorkdayCalendar:
    """Which days are working days in mainland China.

    Sources, most specific first:

    1. ``overrides`` — the bureau's own calendar table (date → is working day),
       for years the ``chinesecalendar`` package does not know yet, or to
       correct it;
    2. the ``chinesecalendar`` package (the State Council's annual holiday
       notices, 2004 up to the package's release year);
    3. otherwise: Monday–Friday work, weekends rest.

    A year is *known* when the package knows it or the bureau has entered any
    date of it: a bureau that enters a year's arrangement is taken to have
    entered all its holidays and make-up working days (weekends stay rest days
    unless overridden).
    """

    __slots__ = ("_overrides", "_override_years")

    def __init__(self, overrides: Mapping[date, bool] | None = None) -> None:
        table: dict[date, bool] = {}
        for d, working in (overrides or {}).items():
            if isinstance(d, datetime):
                d = d.date()
            if not isinstance(d, date):
                raise TypeError(f"日历设置的日期应为 date，实为 {type(d).__name__}: {d!r}")
            if not isinstance(working, bool):
                raise TypeError(f"日历设置 {d.isoformat()} 的取值应为 bool（是否工作日），实为 {working!r}")
            table[d] = working
        self._overrides = table
        self._override_years = frozenset(d.year for d in table)

    @property
    def overrides(self) -> Mapping[date, bool]:
        """A copy of the bureau's entries (date → is working day)."""
        return dict(self._overrides)

    def knows_year(self, year: int) -> bool:
        """Whether the holiday arrangement of ``year`` is known (package or bureau)."""
        return _PKG_FIRST_YEAR <= year <= _PKG_LAST_YEAR or year in self._override_years

    def is_workday(self, d: date) -> bool:
        """Whether ``d`` is a working day.

        Make-up working days (调休上班, e.g. Sunday 2026-09-20) are working
        days; statutory holidays and the rest days moved next to them are not.
        """
        if isinstance(d, datetime):
            d = d.date()
        working = self._overrides.get(d)
        if working is not None:
            return working
        if _PKG_FIRST_YEAR <= d.year <= _PKG_LAST_YEAR:
            return d in _PKG_WORKDAYS or (d.weekday() < 5 and d not in _PKG_HOLIDAYS)
        return d.weekday() < 5

    def next_workday(self, d: date) -> date:
        """``d`` itself if it is a working day, else the first working day after it."""
        while not self.is_workday(d):
            d += _ONE_DAY
        return d

    def unknown_years(self, years: Iterable[int]) -> tuple[int, ...]:
        """The years among ``years`` whose arrangement is unknown, ascending."""
        return tuple(sorted({y for y in years if not self.knows_year(y)}))

    def __repr__(self) -> str:
        return f"WorkdayCalendar(overrides={len(self._overrides)} dates)"


# ---------------------------------------------------------------------------
# Public-notice period (公示期)
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class NoticePeriod:
    """A public-notice period: its length, first and last day, and warnings (Chinese)."""

    days: int
    first_day: date
    last_day: date
    warnings: tuple[str, ...] = ()

    def to_json_dict(self) -> dict:
        """The period as in the ``notice-period`` command's answer (CONTRACTS §3)."""
        return {
            "days": self.days,
            "first_day": self.first_day.isoformat(),
            "last_day": self.last_day.isoformat(),
            "warnings": list(self.warnings),
        }


def notice_period(published_on: date, days: int, calendar: WorkdayCalendar) -> NoticePeriod:
    """The notice period of ``days`` calendar days for a notice published on ``published_on``.

    民法典 第201条: the day of publication is not counted; the period starts
    the next day, so a 7-day period published on the 1st runs from the 2nd to
    the 8th.  第203条: when the last day is a statutory rest day (weekend or
    holiday), the period ends on the first working day after it — make-up
    working days count as working days.

    When any year touched by the period (first day through the final last day)
    has no known holiday arrangement, weekends alone are taken as rest days and
    ``warnings`` says which year, so a bureau can enter that year's calendar.
    """
    if isinstance(days, bool) or not isinstance(days, int):
        raise TypeError(f"公示期天数应为整数，实为 {days!r}")
    if days < 1:
        raise ValueError(f"公示期天数应至少为 1 天，实为 {days}")
    first_day = published_on + _ONE_DAY  # 第201条：开始的当日不计入
    last_day = calendar.next_workday(published_on + timedelta(days=days))  # 第203条
    unknown = calendar.unknown_years(range(first_day.year, last_day.year + 1))
    return NoticePeriod(
        days=days,
        first_day=first_day,
        last_day=last_day,
        warnings=tuple(unknown_year_warning(y) for y in unknown),
    )
