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
    statutory_holidays,
    unknown_year_warning,
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
    """CONTRACTS §3: a year is known from the package, or once the bureau marks its arrangement complete."""
    cal = WorkdayCalendar()
    assert cal.knows_year(2004) and cal.knows_year(2026)
    assert not cal.knows_year(2003) and not cal.knows_year(2027)
    complete = WorkdayCalendar({D("2027-02-11"): False}, complete_years=[2027])
    assert complete.knows_year(2027) and not complete.knows_year(2028)


def test_a_single_bureau_day_never_makes_its_year_known():
    """CONTRACTS §3: "A bureau's entry of a single day never makes a year known"."""
    bureau = WorkdayCalendar({D("2027-02-11"): False})
    assert not bureau.knows_year(2027)
    assert not bureau.is_workday(D("2027-02-11"))  # the entry still applies


# --- 《全国年节及纪念日放假办法》第二条 (2024 amendment, in force 2025-01-01) -----------------

HOLIDAYS_2027 = {
    "2027-01-01": "元旦",
    "2027-02-05": "春节（除夕）", "2027-02-06": "春节", "2027-02-07": "春节", "2027-02-08": "春节",
    "2027-04-05": "清明节",
    "2027-05-01": "劳动节", "2027-05-02": "劳动节",
    "2027-06-09": "端午节",
    "2027-09-15": "中秋节",
    "2027-10-01": "国庆节", "2027-10-02": "国庆节", "2027-10-03": "国庆节",
}


def test_statutory_holidays_2027_holiday_law_article_2():
    """放假办法 第二条: 元旦 1月1日; 春节 除夕、初一至初三; 清明当日; 5月1日、2日; 端午; 中秋; 10月1日至3日.

    2027: 正月初一 is 02-06 (除夕 02-05), 清明 04-05, 端午 (五月初五) 06-09, 中秋 (八月十五) 09-15."""
    assert {d.isoformat(): n for d, n in statutory_holidays(2027).items()} == HOLIDAYS_2027


@pytest.mark.parametrize(("year", "new_year", "qingming", "duanwu", "zhongqiu"), [
    (2029, "2029-02-13", "2029-04-04", "2029-06-16", "2029-09-22"),
    (2030, "2030-02-03", "2030-04-05", "2030-06-05", "2030-09-12"),
])
def test_statutory_holidays_follow_the_lunar_calendar_in_later_years(year, new_year, qingming, duanwu, zhongqiu):
    """放假办法 第二条 in other years: lunar dates move, and 除夕 is the day before 正月初一 (2028: 01-25)."""
    days = statutory_holidays(year)
    first = D(new_year)
    assert days[first - timedelta(days=1)] == "春节（除夕）"
    assert [days[first + timedelta(days=i)] for i in range(3)] == ["春节"] * 3
    assert (days[D(qingming)], days[D(duanwu)], days[D(zhongqiu)]) == ("清明节", "端午节", "中秋节")
    assert len(days) == 13


def test_mid_autumn_on_national_day_is_one_rest_day_with_both_names():
    """2028: 中秋 (八月十五) falls on 10月3日 — the law's days overlap, 12 rest days in all."""
    days = statutory_holidays(2028)
    assert days[D("2028-10-03")] == "中秋节、国庆节"
    assert days[D("2028-01-25")] == "春节（除夕）"
    assert len(days) == 12


@pytest.mark.parametrize("year", [2025, 2026])
def test_statutory_holidays_agree_with_the_state_council_arrangements(year):
    """Every day the law names is a rest day in the package's 2025 and 2026 arrangements (国办发明电)."""
    for day in statutory_holidays(year):
        assert not chinese_calendar.is_workday(day), day


def test_no_statutory_days_are_invented_before_the_2024_amendment():
    """Years before 2025 followed the earlier text: they come from the package, none from this rule."""
    assert statutory_holidays(2024) == {}


def test_unknown_year_rests_on_weekends_and_statutory_holidays():
    """CONTRACTS §3: in a year whose arrangement is unknown, weekends and the statutory holidays rest."""
    cal = WorkdayCalendar()
    assert not cal.is_workday(D("2027-01-01"))  # a Friday: 元旦
    assert not cal.is_workday(D("2027-01-02"))  # Saturday
    assert not cal.is_workday(D("2027-01-03"))  # Sunday
    assert cal.is_workday(D("2027-01-04"))  # Monday
    assert not cal.is_workday(D("2027-02-05"))  # Friday: 除夕
    assert not cal.is_workday(D("2027-02-08"))  # Monday: 初三
    assert cal.is_workday(D("2027-02-09"))  # Tuesday: 初四 is no statutory holiday
    assert not cal.is_workday(D("2027-04-05"))  # Monday: 清明
    assert cal.is_workday(D("2027-04-06"))
    assert not cal.is_workday(D("2027-10-01"))  # Friday: 国庆节
    assert cal.is_workday(D("2027-10-04"))  # Monday: 10-04 is no statutory holiday


def test_a_complete_bureau_year_still_rests_on_statutory_holidays():
    """The law's holidays rest whatever the entered arrangement; the bureau adds 调休 on top."""
    cal = WorkdayCalendar({D("2027-02-09"): False, D("2027-02-20"): True}, complete_years=[2027])
    assert not cal.is_workday(D("2027-02-05"))  # 除夕, not listed by the bureau
    assert not cal.is_workday(D("2027-02-09"))  # 调休 rest day entered
    assert cal.is_workday(D("2027-02-20"))  # Saturday, make-up working day entered


def test_overrides_win_over_the_package_weekends_and_holidays():
    cal = WorkdayCalendar({D("2026-10-08"): False, D("2027-01-09"): True, D("2027-01-01"): True})
    assert not cal.is_workday(D("2026-10-08"))  # a correction of a known year
    assert cal.is_workday(D("2027-01-09"))  # a make-up Saturday the bureau entered
    assert cal.is_workday(D("2026-10-09"))  # untouched dates still follow the package
    assert cal.is_workday(D("2027-01-01"))  # an entry wins even over the law's holiday (a correction is the bureau's)


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


def test_period_into_an_unknown_year_rests_on_statutory_holidays_and_warns():
    """民法典 第203条 with no 2027 arrangement: 2027-01-01 (Fri, 元旦) rests by law, then the weekend."""
    period = notice_period(D("2026-12-25"), 7, WorkdayCalendar())
    assert period.last_day == D("2027-01-04")
    assert period.warnings == (unknown_year_warning(2027),)
    assert "2027" in period.warnings[0] and "调休" in period.warnings[0] and "更长" in period.warnings[0]


@pytest.mark.parametrize(("published_on", "days", "nominal", "last_day"), [
    ("2027-01-29", 7, "2027-02-05", "2027-02-09"),  # 除夕 Fri, 初一/初二 weekend, 初三 Mon → Tue
    ("2027-03-29", 7, "2027-04-05", "2027-04-06"),  # 清明 Mon → Tue
    ("2027-09-16", 15, "2027-10-01", "2027-10-04"),  # 国庆节 Fri–Sun → Mon
    ("2027-06-02", 7, "2027-06-09", "2027-06-10"),  # 端午 Wed → Thu
    ("2027-09-08", 7, "2027-09-15", "2027-09-16"),  # 中秋 Wed → Thu
    ("2027-04-24", 7, "2027-05-01", "2027-05-03"),  # 劳动节 Sat/Sun (5月1日、2日) → Mon
    ("2027-01-28", 7, "2027-02-04", "2027-02-04"),  # the Thursday before 除夕 is a working day
    ("2027-03-28", 7, "2027-04-04", "2027-04-06"),  # Sunday before 清明 → Mon 清明 → Tue
])
def test_civil_code_203_on_each_statutory_holiday_of_2027(published_on, days, nominal, last_day):
    """民法典 第201、203条 on both sides of each 2027 statutory holiday (放假办法 第二条), with the warning."""
    period = notice_period(D(published_on), days, WorkdayCalendar())
    assert D(published_on) + timedelta(days=days) == D(nominal)
    assert period.last_day == D(last_day)
    assert period.warnings == (unknown_year_warning(2027),)


def test_bureau_entry_for_the_unknown_year_applies_but_keeps_the_warning():
    """第203条: an entered 2027 rest day moves the end; the year stays unknown (CONTRACTS §3)."""
    cal = WorkdayCalendar({D("2027-01-04"): False})
    period = notice_period(D("2026-12-25"), 7, cal)
    assert period.last_day == D("2027-01-05")
    assert period.warnings == (unknown_year_warning(2027),)


def test_a_year_marked_complete_drops_the_warning():
    period = notice_period(D("2026-12-25"), 7, WorkdayCalendar(complete_years=[2027]))
    assert period.last_day == D("2027-01-04")
    assert period.warnings == ()


def test_extension_into_an_unknown_year_warns():
    """The nominal end is in a known year, but the moved end is not: that year is touched too."""
    cal = WorkdayCalendar({D("2026-12-31"): False})  # pretend 12-31 is a holiday
    period = notice_period(D("2026-12-24"), 7, cal)
    assert period.last_day == D("2027-01-04")  # 01-01 元旦, then the weekend
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


def test_without_the_package_every_year_falls_back_to_the_statutory_holidays():
    """CONTRACTS §3, as a policy case states it (calendar: fallback): 2026's make-up working day
    Sunday 2026-09-20 (known to the package) rests, 国庆 10-01..03 rest and 10-04..07 (the
    package's moved rest days) work; every year is unknown unless marked complete."""
    with_package = WorkdayCalendar()
    fallback = WorkdayCalendar(package=False)
    assert with_package.knows_year(2026) and not fallback.knows_year(2026)
    assert with_package.is_workday(D("2026-09-20")) and not fallback.is_workday(D("2026-09-20"))
    assert not fallback.is_workday(D("2026-10-03")) and fallback.is_workday(D("2026-10-05"))
    assert not with_package.is_workday(D("2026-10-05"))
    complete = WorkdayCalendar({D("2026-10-05"): False}, complete_years=[2026], package=False)
    assert complete.knows_year(2026) and not complete.is_workday(D("2026-10-05"))
    assert fallback.unknown_years(range(2025, 2028)) == (2025, 2026, 2027)
