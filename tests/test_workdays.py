"""core.workdays: calendar months (民法典 第201、202条) and notice periods (第201、203条)."""

from __future__ import annotations

from datetime import date, timedelta

import chinese_calendar
import pytest

from core.workdays import (
    NoticePeriod,
    WorkdayCalendar,
    add_months,
    full_months_between,
    notice_period,
)

D = date.fromisoformat


# --- add_months: 民法典 第202条 (corresponding day, else the month's last day) ---


@pytest.mark.parametrize(
    ("start", "months", "expected"),
    [
        ("2026-01-15", 1, "2026-02-15"),  # corresponding day exists
        ("2026-01-31", 1, "2026-02-28"),  # no 31 February: month's last day
        ("2024-01-31", 1, "2024-02-29"),  # leap year
        ("2026-03-31", 1, "2026-04-30"),
        ("2025-08-31", 6, "2026-02-28"),  # across the year end
        ("2024-02-29", 12, "2025-02-28"),  # from a leap day
        ("2024-02-29", 48, "2028-02-29"),
        ("2026-12-15", 1, "2027-01-15"),
        ("2026-11-30", 3, "2027-02-28"),
        ("2026-05-31", 0, "2026-05-31"),
        ("2026-03-31", -1, "2026-02-28"),  # backwards too
        ("2026-01-15", -13, "2024-12-15"),
    ],
)
def test_add_months_civil_code_article_202(start, months, expected):
    """民法典 第202条: the period ends on the corresponding day, or the month's last day."""
    assert add_months(D(start), months) == D(expected)


# --- full_months_between: "满 N 个月", consistent with add_months ---------


@pytest.mark.parametrize(
    ("start", "end", "expected"),
    [
        ("2026-01-15", "2026-01-15", 0),
        ("2026-01-15", "2026-02-14", 0),  # one day short
        ("2026-01-15", "2026-02-15", 1),  # on the corresponding day: 满 1 个月
        ("2026-01-15", "2027-01-14", 11),
        ("2026-01-15", "2027-01-15", 12),
        ("2026-01-31", "2026-02-27", 0),
        ("2026-01-31", "2026-02-28", 1),  # month's last day (第202条)
        ("2026-01-31", "2026-03-30", 1),
        ("2026-01-31", "2026-03-31", 2),
        ("2024-01-31", "2024-02-28", 0),  # leap year: 29 February is the last day
        ("2024-01-31", "2024-02-29", 1),
        ("2024-02-29", "2025-02-27", 11),
        ("2024-02-29", "2025-02-28", 12),
        ("2023-03-15", "2026-03-14", 35),
        ("2023-03-15", "2026-03-15", 36),
        ("2026-05-01", "2026-04-30", 0),  # end before start: nothing has elapsed
    ],
)
def test_full_months_between_on_both_sides_of_the_boundary(start, end, expected):
    assert full_months_between(D(start), D(end)) == expected


def test_full_months_between_agrees_with_add_months():
    """The largest n with add_months(start, n) <= end, for every pair over two leap-year spans."""
    starts = [D("2023-12-28") + timedelta(days=i) for i in range(70)]  # covers 29–31 Jan/Feb 2024
    for start in starts:
        for offset in range(0, 800, 7):
            end = start + timedelta(days=offset)
            n = full_months_between(start, end)
            assert add_months(start, n) <= end < add_months(start, n + 1), (start, end, n)


# --- the calendar ----------------------------------------------------------


def test_package_knows_national_day_2026():
    """The facts asserted below, as the chinesecalendar package records them."""
    for day in range(1, 8):
        assert not chinese_calendar.is_workday(date(2026, 10, day))  # 国庆节、中秋节 10月1日至7日
    assert chinese_calendar.is_workday(D("2026-09-20"))  # Sunday, 调休上班
    assert chinese_calendar.is_workday(D("2026-10-10"))  # Saturday, 调休上班
    assert D("2026-09-20").weekday() == 6 and D("2026-10-10").weekday() == 5


def test_calendar_agrees_with_the_package_for_known_years():
    cal = WorkdayCalendar()
    day = D("2025-01-01")
    while day <= D("2026-12-31"):
        assert cal.is_workday(day) == chinese_calendar.is_workday(day), day
        day += timedelta(days=1)


def test_knows_year():
    cal = WorkdayCalendar()
    assert cal.knows_year(2004) and cal.knows_year(2026)
    assert not cal.knows_year(2003) and not cal.knows_year(2027)
    bureau = WorkdayCalendar({D("2027-02-11"): False})
    assert bureau.knows_year(2027) and not bureau.knows_year(2028)


def test_unknown_year_has_only_weekends_as_rest_days():
    cal = WorkdayCalendar()
    assert cal.is_workday(D("2027-01-01"))  # a Friday; 元旦 unknown without the arrangement
    assert not cal.is_workday(D("2027-01-02"))  # Saturday
    assert not cal.is_workday(D("2027-01-03"))  # Sunday


def test_overrides_win_over_the_package_and_weekends():
    cal = WorkdayCalendar({D("2026-10-08"): False, D("2027-01-09"): True})
    assert not cal.is_workday(D("2026-10-08"))  # a correction of a known year
    assert cal.is_workday(D("2027-01-09"))  # a make-up Saturday the bureau entered
    assert cal.is_workday(D("2026-10-09"))  # untouched dates still follow the package


def test_overrides_are_checked():
    with pytest.raises(TypeError):
        WorkdayCalendar({"2027-01-01": False})  # type: ignore[dict-item]
    with pytest.raises(TypeError):
        WorkdayCalendar({D("2027-01-01"): 0})  # type: ignore[dict-item]


# --- notice periods: 民法典 第201条 (start the next day), 第203条 (rest day → next working day) ---


def test_article_201_the_day_of_publication_is_not_counted():
    """民法典 第201条: a 7-day period published on 2026-06-01 runs 06-02 through 06-08."""
    period = notice_period(D("2026-06-01"), 7, WorkdayCalendar())
    assert period == NoticePeriod(days=7, first_day=D("2026-06-02"), last_day=D("2026-06-08"), warnings=())


def test_article_203_holiday_moves_the_end_to_the_next_working_day():
    """第203条: 15 days from 2026-09-20 end nominally on 10-05 (National Day) → 10-08."""
    period = notice_period(D("2026-09-20"), 15, WorkdayCalendar())
    assert period.first_day == D("2026-09-21")
    assert period.last_day == D("2026-10-08")
    assert period.warnings == ()


def test_article_203_make_up_working_day_counts_as_a_working_day():
    """第203条: 7 days from 2026-10-03 end on Saturday 10-10, a make-up working day (调休上班)."""
    period = notice_period(D("2026-10-03"), 7, WorkdayCalendar())
    assert (period.first_day, period.last_day) == (D("2026-10-04"), D("2026-10-10"))


def test_article_203_plain_saturday_moves_to_monday():
    """第203条: a period ending on an ordinary Saturday ends on the Monday."""
    period = notice_period(D("2026-06-27"), 7, WorkdayCalendar())  # nominal end Sat 2026-07-04
    assert period.last_day == D("2026-07-06")


def test_article_203_ending_on_a_plain_sunday_moves_to_monday():
    period = notice_period(D("2026-06-28"), 7, WorkdayCalendar())  # nominal end Sun 2026-07-05
    assert period.last_day == D("2026-07-06")


def test_correction_by_the_bureau_moves_the_end():
    cal = WorkdayCalendar({D("2026-10-08"): False})
    assert notice_period(D("2026-09-20"), 15, cal).last_day == D("2026-10-09")


def test_period_into_an_unknown_year_counts_weekends_only_and_warns():
    """民法典 第201、203条 with no 2027 arrangement: 2027-01-01 (Fri) is taken as a working day."""
    period = notice_period(D("2026-12-25"), 7, WorkdayCalendar())
    assert period.last_day == D("2027-01-01")
    assert period.warnings == ("2027年节假日安排未知，仅按周末计算休息日；请在日历设置中录入该年安排",)


def test_bureau_entry_for_the_unknown_year_moves_the_end_and_drops_the_warning():
    """第203条: with 2027-01-01 entered as 元旦, the period runs over the weekend to Monday 01-04."""
    cal = WorkdayCalendar({D("2027-01-01"): False})
    period = notice_period(D("2026-12-25"), 7, cal)
    assert period.last_day == D("2027-01-04")
    assert period.warnings == ()


def test_extension_into_an_unknown_year_warns():
    """The nominal end is in a known year, but the moved end is not: that year is touched too."""
    cal = WorkdayCalendar({D("2026-12-31"): False})  # pretend 12-31 is a holiday
    period = notice_period(D("2026-12-24"), 7, cal)
    assert period.last_day == D("2027-01-01")
    assert len(period.warnings) == 1 and period.warnings[0].startswith("2027年")


def test_one_warning_per_unknown_year():
    period = notice_period(D("2027-12-01"), 60, WorkdayCalendar())
    assert [w[:5] for w in period.warnings] == ["2027年", "2028年"]


def test_period_wholly_in_a_known_year_does_not_warn():
    assert notice_period(D("2026-03-01"), 30, WorkdayCalendar()).warnings == ()


def test_notice_period_to_json_dict():
    period = notice_period(D("2026-09-20"), 15, WorkdayCalendar())
    assert period.to_json_dict() == {
        "days": 15,
        "first_day": "2026-09-21",
        "last_day": "2026-10-08",
        "warnings": [],
    }


@pytest.mark.parametrize("days", [0, -5])
def test_notice_period_needs_at_least_one_day(days):
    with pytest.raises(ValueError):
        notice_period(D("2026-09-20"), days, WorkdayCalendar())


def test_notice_period_days_must_be_an_int():
    with pytest.raises(TypeError):
        notice_period(D("2026-09-20"), 7.0, WorkdayCalendar())  # type: ignore[arg-type]
