"""``zhongchuang notice-period`` (CONTRACTS §3).

Calendar facts (国务院办公厅 2026 holiday arrangement, as in the chinesecalendar
package): National Day holiday 2026-10-01 … 10-07; make-up working days Sunday
2026-09-20 and Saturday 2026-10-10.  The period counts from the day after
publication (民法典 第201条) and a last day that is a rest day moves to the next
working day (第203条).
"""
from __future__ import annotations

import json
from datetime import date

import pytest

from core.bureau import operations as bureau_operations
from core.notice.periods import NoticeError, notice_period_for
from tests.cli_helpers import assert_bad_input, run


def period(app, code, published_on):
    result = run(app, "notice-period", "--jurisdiction", code, "--published-on", published_on)
    assert result.exit_code == 0, result.stderr
    assert result.stderr == ""
    return json.loads(result.stdout)


# --- 昆科发〔2017〕55号 第十一条: 公示 7 天 ----------------------------------------------------


@pytest.mark.parametrize(
    ("published_on", "first_day", "last_day"),
    [
        ("2026-09-30", "2026-10-01", "2026-10-08"),  # 10-07 is a holiday: next working day
        ("2026-09-24", "2026-09-25", "2026-10-08"),  # 10-01 … 10-07 all rest days
        ("2026-10-03", "2026-10-04", "2026-10-10"),  # Saturday 10-10 is a make-up working day
        ("2026-10-04", "2026-10-05", "2026-10-12"),  # Sunday 10-11 rests: Monday
        ("2026-09-13", "2026-09-14", "2026-09-20"),  # Sunday 09-20 is a make-up working day
        ("2026-09-12", "2026-09-13", "2026-09-20"),  # Saturday 09-19 rests: the make-up Sunday
        ("2026-11-16", "2026-11-17", "2026-11-23"),  # an ordinary Monday
    ],
)
def test_kunming_seven_days_across_national_day(app, published_on, first_day, last_day):
    answer = period(app, "kunming", published_on)
    assert {k: answer[k] for k in ("jurisdiction", "days", "first_day", "last_day", "warnings")} == {
        "jurisdiction": "kunming", "days": 7, "first_day": first_day, "last_day": last_day, "warnings": []}
    assert answer["source"] == {"kind": "policy",
                                "citation": {"document": "昆科发〔2017〕55号", "article": "第十一条", "item": None}}


# --- 弥政办发〔2017〕5号 第七条: 公示 15 日 ----------------------------------------------------


@pytest.mark.parametrize(
    ("published_on", "last_day"),
    [
        ("2026-09-30", "2026-10-15"),
        ("2026-09-16", "2026-10-08"),  # 10-01 is a holiday
        ("2026-09-22", "2026-10-08"),  # 10-07 is a holiday
        ("2026-09-25", "2026-10-10"),  # make-up Saturday
        ("2026-09-26", "2026-10-12"),  # Sunday 10-11 rests
    ],
)
def test_mile_fifteen_days_across_national_day(app, published_on, last_day):
    answer = period(app, "mile", published_on)
    assert (answer["days"], answer["last_day"], answer["warnings"]) == (15, last_day, [])
    assert answer["source"]["citation"] == {"document": "弥政办发〔2017〕5号", "article": "第七条", "item": None}


# --- into 2027, a year the holiday package does not know (CONTRACTS §3) ---------------------
# 2027's statutory holidays (《全国年节及纪念日放假办法》第二条): 元旦 01-01 (Fri); 除夕 02-05 (Fri) and
# 正月初一至初三 02-06 … 02-08; 清明 04-05 (Mon); 国庆节 10-01 … 10-03 (Fri–Sun).


@pytest.mark.parametrize(
    ("code", "published_on", "first_day", "last_day"),
    [
        ("kunming", "2026-12-25", "2026-12-26", "2027-01-04"),  # 第十一条 7 天: 元旦, then the weekend
        ("kunming", "2027-01-29", "2027-01-30", "2027-02-09"),  # 除夕 … 初三 (Mon) rest: Tuesday
        ("kunming", "2027-03-29", "2027-03-30", "2027-04-06"),  # 清明 (Mon): Tuesday
        ("mile", "2027-09-16", "2027-09-17", "2027-10-04"),  # 第七条 15 日: 国庆节 Fri–Sun: Monday
        ("kunming", "2027-01-28", "2027-01-29", "2027-02-04"),  # the Thursday before 除夕 works
        ("mile", "2027-09-15", "2027-09-16", "2027-09-30"),  # the Thursday before 国庆节 works
    ],
)
def test_2027_counts_statutory_holidays_and_warns(app, code, published_on, first_day, last_day):
    """CONTRACTS §3 / 民法典 第203条 with 2027's arrangement unknown: the law's holidays rest, and the
    answer warns that the 调休 is not known, so the true period may be longer."""
    answer = period(app, code, published_on)
    assert (answer["first_day"], answer["last_day"]) == (first_day, last_day)
    assert len(answer["warnings"]) == 1
    assert "2027" in answer["warnings"][0] and "调休" in answer["warnings"][0] and "更长" in answer["warnings"][0]


def test_one_bureau_day_for_2027_is_applied_but_keeps_the_warning(app):
    """CONTRACTS §3: "A bureau's entry of a single day never makes a year known"."""
    bureau_operations.set_calendar_day(date(2027, 1, 4), False, note="假设的调休")
    answer = period(app, "kunming", "2026-12-25")
    assert answer["last_day"] == "2027-01-05"  # the entered rest day applies
    assert len(answer["warnings"]) == 1 and "2027" in answer["warnings"][0]


def test_marking_2027_complete_removes_the_warning(app):
    """CONTRACTS §3: a year whose arrangement the bureau has marked complete is known."""
    bureau_operations.set_calendar_year(2027, rest_days=[(date(2027, 2, 9), "春节调休")],
                                        workdays=[(date(2027, 2, 20), "春节调休上班")], complete=True,
                                        document="国务院办公厅关于2027年部分节假日安排的通知")
    assert period(app, "kunming", "2026-12-25")["warnings"] == []
    answer = period(app, "kunming", "2027-01-29")
    assert (answer["last_day"], answer["warnings"]) == ("2027-02-10", [])  # 02-09 entered as a rest day
    # a notice ending on the make-up Saturday ends there
    assert period(app, "kunming", "2027-02-13")["last_day"] == "2027-02-20"


def test_a_2027_arrangement_saved_incomplete_keeps_the_warning(app):
    bureau_operations.set_calendar_year(2027, rest_days=[(date(2027, 2, 9), None)], workdays=[], complete=False)
    answer = period(app, "kunming", "2027-01-29")
    assert answer["last_day"] == "2027-02-10"
    assert len(answer["warnings"]) == 1


def test_within_2026_no_warning_even_near_year_end(app):
    assert period(app, "kunming", "2026-12-20")["warnings"] == []


# --- a policy that sets no period: the bureau's setting ------------------------------------


def test_yunnan_without_bureau_setting_is_an_error(app):
    """云科规〔2021〕1号 sets no 公示 period and the bureau has not set notice_days."""
    result = run(app, "notice-period", "--jurisdiction", "yunnan", "--published-on", "2026-03-02")
    assert_bad_input(result, "notice_days", "云科规〔2021〕1号")
    with pytest.raises(NoticeError) as err:
        notice_period_for("yunnan", date(2026, 3, 2))
    assert err.value.key == "notice_days"


def test_yunnan_with_bureau_setting_says_where_it_comes_from(app):
    bureau_operations.set_bureau_setting("yunnan", "notice_days", 7, document="云科办发〔2026〕12号",
                                         article="三", note="省级众创空间认定结果公示期")
    answer = period(app, "yunnan", "2026-03-02")
    assert (answer["days"], answer["first_day"], answer["last_day"]) == (7, "2026-03-03", "2026-03-09")
    assert answer["source"] == {"kind": "bureau_setting", "key": "notice_days", "document": "云科办发〔2026〕12号",
                                "article": "三", "note": "省级众创空间认定结果公示期"}
    assert answer["policy"]["document"] == "云科规〔2021〕1号"


def test_yunnan_after_the_policy_lapsed_says_so(app):
    bureau_operations.set_bureau_setting("yunnan", "notice_days", 7, document="云科办发〔2026〕12号")
    answer = period(app, "yunnan", "2026-09-30")
    assert answer["last_day"] == "2026-10-08"
    assert any("无有效政策" in w and "云科规〔2021〕1号" in w for w in answer["warnings"])


def test_bureau_setting_does_not_override_a_policy_period(app):
    """Where the policy fixes the period (昆明 7 天), it is the policy's number."""
    bureau_operations.set_bureau_setting("kunming", "notice_days", 10, document="昆科局内部通知")
    answer = period(app, "kunming", "2026-11-16")
    assert answer["days"] == 7 and answer["source"]["kind"] == "policy"


def test_xuzhou_uses_its_bureau_setting(app):
    bureau_operations.set_bureau_setting("xuzhou", "notice_days", 5, document="徐科发〔2026〕1号")
    answer = period(app, "xuzhou", "2026-09-30")
    assert (answer["days"], answer["last_day"]) == (5, "2026-10-08")
    assert answer["source"]["kind"] == "bureau_setting"


# --- bad input --------------------------------------------------------------------------


@pytest.mark.parametrize("published_on", ["2026-02-29", "2026/09/30", "", "30-09-2026"])
def test_bad_date(app, published_on):
    assert_bad_input(run(app, "notice-period", "--jurisdiction", "kunming", "--published-on", published_on),
                     "--published-on")


def test_unknown_and_disabled_jurisdiction(app, app_factory):
    assert_bad_input(run(app, "notice-period", "--jurisdiction", "atlantis", "--published-on", "2026-09-30"),
                     "atlantis")
    other = app_factory({"ZHONGCHUANG_JURISDICTIONS": "mile"})
    with other.app_context():
        assert_bad_input(run(other, "notice-period", "--jurisdiction", "kunming", "--published-on", "2026-09-30"),
                         "kunming")


def test_missing_option(app):
    assert_bad_input(run(app, "notice-period", "--jurisdiction", "kunming"), "--published-on")
