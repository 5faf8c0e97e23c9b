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
from functools import lru_cache

import chinese_calendar as _cc

__all__ = [
    "add_months",
    "full_months_between",
    "WorkdayCalendar",
    "NoticePeriod",
    "notice_period",
    "statutory_holidays",
    "unknown_year_warning",
    "HOLIDAY_LAW",
    "PACKAGE_YEARS",
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
#: the years whose arrangement the installed ``chinesecalendar`` carries
PACKAGE_YEARS = range(_PKG_FIRST_YEAR, _PKG_LAST_YEAR + 1)


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


# 《全国年节及纪念日放假办法》 as amended by the State Council on 2024-11-10, in force
# 2025-01-01 (第二条: the holidays every citizen has).  CONTRACTS §3.
HOLIDAY_LAW = "《全国年节及纪念日放假办法》第二条（2024年修订，2025年1月1日起施行）"
_HOLIDAY_LAW_FROM_YEAR = 2025


@lru_cache(maxsize=64)
def statutory_holidays(year: int) -> dict[date, str]:
    """The statutory holidays of ``year`` (date → name) under 《全国年节及纪念日放假办法》
    第二条 as in force since 2025-01-01: 元旦 1月1日; 春节 农历除夕、正月初一至初三;
    清明节 清明当日; 劳动节 5月1日、2日; 端午节 农历五月初五; 中秋节 农历八月十五;
    国庆节 10月1日至3日.

    Lunar dates and the 清明 solar term come from ``lunar_python``.  These days rest
    whatever the State Council's yearly arrangement moves around them; the
    arrangement (调休) only adds rest days and make-up working days.  Years before
    2025 followed the earlier text and are all in the ``chinesecalendar`` package:
    none is given here.
    """
    if year < _HOLIDAY_LAW_FROM_YEAR:
        return {}
    from lunar_python import Lunar  # here: a command that counts no days does not load the lunar tables

    days: dict[date, str] = {}

    def rest(day: date, name: str) -> None:
        # Two festivals may fall on one day (中秋 on 10月3日 in 2028): one rest day, both names.
        days[day] = f"{days[day]}、{name}" if day in days else name

    rest(date(year, 1, 1), "元旦")
    new_year = _solar(Lunar.fromYmd(year, 1, 1))  # 正月初一 of the lunar year beginning in ``year``
    rest(new_year - _ONE_DAY, "春节（除夕）")
    for i in range(3):
        rest(new_year + timedelta(days=i), "春节")
    rest(_solar(Lunar.fromYmd(year, 3, 1).getJieQiTable()["清明"]), "清明节")
    rest(date(year, 5, 1), "劳动节")
    rest(date(year, 5, 2), "劳动节")
    rest(_solar(Lunar.fromYmd(year, 5, 5)), "端午节")
    rest(_solar(Lunar.fromYmd(year, 8, 15)), "中秋节")
    for day in (1, 2, 3):
        rest(date(year, 10, day), "国庆节")
    return days


def _solar(value) -> date:
    """A ``lunar_python`` Lunar or Solar as a ``date``."""
    solar = value.getSolar() if hasattr(value, "getSolar") else value
    return date(solar.getYear(), solar.getMonth(), solar.getDay())


def unknown_year_warning(year: int) -> str:
    """The warning given when a period touches a year whose arrangement is unknown."""
    return (f"{year}年节假日调休安排未知：休息日按周末和《全国年节及纪念日放假办法》规定的法定节假日计算，"
            f"实际公示期可能更长；请在日历设置中录入该年安排并标记为完整")


class WorkdayCalendar:
    """Which days are working days in mainland China.

    Sources, most specific first:

    1. ``overrides`` — the bureau's own calendar table (date → is working day),
       for years the ``chinesecalendar`` package does not know yet, or to
       correct it;
    2. the ``chinesecalendar`` package (the State Council's annual holiday
       notices, 2004 up to the package's release year);
    3. otherwise: weekends and the statutory holidays of the year
       (:func:`statutory_holidays`) rest, every other day works.

    A year is *known* when the package knows it or the bureau has marked its
    arrangement complete (``complete_years``).  Entering single dates of a year
    never makes it known: an officer who corrects one day has not entered the
    whole 调休 arrangement, so periods touching that year keep their warning.

    ``package=False`` leaves the package out: every year not marked complete is then unknown,
    the rule of CONTRACTS §3 for a year whose arrangement nobody has published yet (a policy
    case states it so, and keeps its answer when a new package release learns that year).
    """

    __slots__ = ("_overrides", "_complete_years", "_package")

    def __init__(self, overrides: Mapping[date, bool] | None = None,
                 complete_years: Iterable[int] = (), *, package: bool = True) -> None:
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
        self._complete_years = frozenset(complete_years)
        self._package = package

    @property
    def overrides(self) -> Mapping[date, bool]:
        """A copy of the bureau's entries (date → is working day)."""
        return dict(self._overrides)

    @staticmethod
    def package_knows_year(year: int) -> bool:
        """Whether the ``chinesecalendar`` package carries the arrangement of ``year``."""
        return _PKG_FIRST_YEAR <= year <= _PKG_LAST_YEAR

    def knows_year(self, year: int) -> bool:
        """Whether the holiday arrangement of ``year`` is known (package, or marked complete by the bureau)."""
        return (self._package and self.package_knows_year(year)) or year in self._complete_years

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
        if self._package and self.package_knows_year(d.year):
            return d in _PKG_WORKDAYS or (d.weekday() < 5 and d not in _PKG_HOLIDAYS)
        return d.weekday() < 5 and d not in statutory_holidays(d.year)

    def next_workday(self, d: date) -> date:
        """``d`` itself if it is a working day, else the first working day after it."""
        while not self.is_workday(d):
            d += _ONE_DAY
        return d

    def add_workdays(self, start: date, days: int) -> date:
        """The ``days``-th working day after ``start`` (the day itself not counted, as 民法典 第201条
        counts a period from the day after): a step's time limit in working days (core.notify.todos)."""
        day = start
        while days > 0:
            day += _ONE_DAY
            if self.is_workday(day):
                days -= 1
        return day

    def unknown_years(self, years: Iterable[int]) -> tuple[int, ...]:
        """The years among ``years`` whose arrangement is unknown, ascending."""
        return tuple(sorted({y for y in years if not self.knows_year(y)}))

    def __repr__(self) -> str:
        return (f"WorkdayCalendar(overrides={len(self._overrides)} dates, "
                f"complete_years={sorted(self._complete_years)})")


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
    has no known holiday arrangement, weekends and that year's statutory
    holidays are taken as rest days and ``warnings`` says which year: its 调休
    may make the true period longer, until a bureau enters that year's calendar.
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
