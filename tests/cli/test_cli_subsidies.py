"""``zhongchuang subsidies`` (CONTRACTS §4): the amounts the policy fixes for an event,
each cited; support without an amount listed with null and counted 0; a bureau
setting adjusting an amount where the rule allows it."""
from __future__ import annotations

import json
from datetime import date

import pytest

from core import hookimpl

from core.bureau import operations as bureau_operations
from core.policy import Category, Citation, Jurisdiction, PolicyVersion, SubsidyRule
from core.award.entitlements import entitlements
from tests.cli_helpers import assert_bad_input, run
from tests.conftest import app_with_only

XUZHOU = {"document": "徐政发〔2016〕12号", "article": "五、保障措施", "item": "（一）"}


def subsidies(app, *args):
    result = run(app, "subsidies", *args)
    assert result.exit_code == 0, result.stderr
    assert result.stderr == ""
    answer = json.loads(result.stdout)
    assert {"entitlements", "total_cny"} <= set(answer)
    for e in answer["entitlements"]:
        assert {"kind", "amount_cny", "citation", "note"} <= set(e)
    return answer


def fixed(answer):
    return [(e["amount_cny"], e["citation"]) for e in answer["entitlements"] if e["amount_cny"] is not None]


def test_kunming_recognition_100000_article_13(app):
    """昆科发〔2017〕55号 第十三条: 一次性给予10万元引导资金."""
    answer = subsidies(app, "--jurisdiction", "kunming", "--event", "recognized", "--level", "municipal")
    assert fixed(answer) == [(100_000, {"document": "昆科发〔2017〕55号", "article": "第十三条", "item": None})]
    assert answer["total_cny"] == 100_000
    # 第十四–十七条 grant support without an amount: listed, null, counted 0.
    nulls = [e for e in answer["entitlements"] if e["amount_cny"] is None]
    assert nulls and all("不计入合计" in e["note"] for e in nulls)


@pytest.mark.parametrize(("level", "amount"), [("national", 500_000), ("provincial", 400_000),
                                               ("municipal", 300_000)])
def test_xuzhou_recognition_awards(app, level, amount):
    """徐政发〔2016〕12号 五（一）: 50 / 40 / 30 万元 for national / provincial / municipal key spaces."""
    answer = subsidies(app, "--jurisdiction", "xuzhou", "--event", "recognized", "--level", level)
    assert fixed(answer) == [(amount, XUZHOU)]
    assert answer["total_cny"] == amount
    operating = [e for e in answer["entitlements"] if e["amount_cny"] is None]
    assert len(operating) == 1 and operating[0]["citation"] == XUZHOU


@pytest.mark.parametrize("grade", ["excellent", "good"])
def test_xuzhou_evaluation_award_about_200000(app, grade):
    """徐政发〔2016〕12号 五（一）“给予20万元左右的奖补”: 200000 is the policy's stated figure,
    counted in total_cny and marked approximate with a note (政策约数)."""
    answer = subsidies(app, "--jurisdiction", "xuzhou", "--event", "evaluated", "--grade", grade)
    assert fixed(answer) == [(200_000, XUZHOU)] and answer["total_cny"] == 200_000
    (e,) = answer["entitlements"]
    assert e["approximate"] is True and "政策约数" in e["note"]


def test_xuzhou_fixed_recognition_awards_are_not_approximate(app):
    """徐政发〔2016〕12号 五（一）: 50 / 40 / 30 万元 are exact figures (no 左右)."""
    answer = subsidies(app, "--jurisdiction", "xuzhou", "--event", "recognized", "--level", "national")
    assert all("approximate" not in e for e in answer["entitlements"])


def test_xuzhou_evaluation_award_adjusted_by_the_bureau(app):
    bureau_operations.set_bureau_setting("xuzhou", "evaluation_award_cny", 180_000, document="徐科发〔2026〕8号",
                                         note="2026年度评价奖补")
    answer = subsidies(app, "--jurisdiction", "xuzhou", "--event", "evaluated", "--grade", "good")
    (e,) = answer["entitlements"]
    assert e["amount_cny"] == 180_000 and answer["total_cny"] == 180_000
    assert "主管部门设置" in e["note"] and "徐科发〔2026〕8号" in e["note"] and e["citation"] == XUZHOU
    # the bureau's amount is its decision, no longer the policy's approximate figure
    assert "approximate" not in e and "政策约数" not in e["note"]


@pytest.mark.parametrize("grade", ["qualified", "unqualified"])
def test_xuzhou_qualified_gets_nothing(app, grade):
    answer = subsidies(app, "--jurisdiction", "xuzhou", "--event", "evaluated", "--grade", grade)
    assert answer["entitlements"] == [] and answer["total_cny"] == 0


def test_mile_assessment_subsidy_amount_is_the_bureaus(app):
    """弥政办发〔2017〕5号 第十五条 names no amount: null until the bureau sets one."""
    answer = subsidies(app, "--jurisdiction", "mile", "--event", "evaluated", "--grade", "excellent")
    (e,) = answer["entitlements"]
    assert e["amount_cny"] is None and answer["total_cny"] == 0
    assert e["citation"] == {"document": "弥政办发〔2017〕5号", "article": "第十五条", "item": None}
    bureau_operations.set_bureau_setting("mile", "assessment_subsidy_cny", 30_000, document="弥科发〔2026〕2号")
    answer = subsidies(app, "--jurisdiction", "mile", "--event", "evaluated", "--grade", "excellent")
    assert answer["entitlements"][0]["amount_cny"] == 30_000 and answer["total_cny"] == 30_000


@pytest.mark.parametrize("level", ["provincial", "municipal"])
def test_mile_er_4_project_funds_for_provincial_and_prefecture_titles(app, level):
    """弥政办发〔2017〕5号 正文 二（四）"对通过省州级认定的众创空间，积极争取项目资金给予扶持": a 省级
    or 州级 (counted as municipal) title; no amount, so null with a note and 0 in the total."""
    answer = subsidies(app, "--jurisdiction", "mile", "--event", "recognized", "--level", level)
    [funds] = [e for e in answer["entitlements"] if e["rule"] == "mile.project_funds"]
    assert funds["citation"] == {"document": "弥政办发〔2017〕5号", "article": "二", "item": "（四）"}
    assert funds["amount_cny"] is None and "省州级认定" in funds["note"] and "不计入合计" in funds["note"]
    assert "仅获弥勒市认定的不在此列" in funds["note"]
    assert answer["total_cny"] == 0


def test_mile_er_4_project_funds_not_for_national_titles(app):
    """二（四） speaks of 省州级 only: nothing for a national title."""
    answer = subsidies(app, "--jurisdiction", "mile", "--event", "recognized", "--level", "national")
    assert "mile.project_funds" not in [e.get("rule") for e in answer["entitlements"]]


def test_yunnan_support_without_amounts_while_in_force(app):
    answer = subsidies(app, "--jurisdiction", "yunnan", "--event", "recognized", "--level", "provincial",
                       "--as-of", "2026-01-05")
    assert answer["entitlements"] and all(e["amount_cny"] is None for e in answer["entitlements"])
    assert answer["total_cny"] == 0


OPINION = "云政办发〔2016〕65号"
EVALUATE_EXAMPLE = str(__import__("pathlib").Path(__file__).parent.parent / "data" / "kunming-comprehensive-service.json")


def opinion_support(answer):
    return [e for e in answer["entitlements"] if e["citation"]["document"] == OPINION]


@pytest.mark.parametrize("day", ["2026-04-03", "2026-04-04", "2031-01-01"])
def test_yunnan_opinion_65_support_outlives_yunkegui_2021_1(app, day):
    """云政办发〔2016〕65号 三、加大政策支持力度（九）（十）（十一） has no end date: its support is
    listed on 云科规〔2021〕1号's last day (2026-04-03) and after it lapsed, citing the opinion."""
    answer = subsidies(app, "--jurisdiction", "yunnan", "--event", "recognized", "--level", "provincial",
                       "--as-of", day)
    assert [e["citation"]["item"] for e in opinion_support(answer)] == ["（九）", "（十）", "（十一）"]
    assert opinion_support(answer) == answer["entitlements"]
    assert all(e["amount_cny"] is None for e in answer["entitlements"]) and answer["total_cny"] == 0
    lapsed = day > "2026-04-03"
    # The recognition policy's lapse is still said, honestly.
    assert any("无有效政策" in w and "云科规〔2021〕1号" in w and OPINION in w for w in answer["warnings"]) is lapsed
    assert answer["policy"]["document"] == "云科规〔2021〕1号"


def test_yunnan_after_2026_04_03_evaluate_still_no_policy_in_force(app):
    """云科规〔2021〕1号 附则 (有效期至2026年4月3日止): the opinion 云政办发〔2016〕65号 sets no criteria,
    so recognition has no policy in force on 2026-04-04 while the opinion's support is listed."""
    result = run(app, "evaluate", "--jurisdiction", "yunnan", "--category", "provincial",
                 "--as-of", "2026-04-04", EVALUATE_EXAMPLE)
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout)["verdict"] == "no_policy_in_force"
    before = json.loads(run(app, "evaluate", "--jurisdiction", "yunnan", "--category", "provincial",
                            "--as-of", "2026-04-03", EVALUATE_EXAMPLE).stdout)
    assert before["verdict"] != "no_policy_in_force"


def test_yunnan_opinion_65_not_yet_in_force_before_its_chosen_start(app):
    """云政办发〔2016〕65号 carries no date: the platform applies it from 2016-12-31 (its number's
    year); the day before, with no recognition policy either, nothing is listed."""
    answer = subsidies(app, "--jurisdiction", "yunnan", "--event", "recognized", "--level", "provincial",
                       "--as-of", "2016-12-30")
    assert answer["entitlements"] == [] and any("不列支持事项" in w for w in answer["warnings"])
    first_day = subsidies(app, "--jurisdiction", "yunnan", "--event", "recognized", "--level", "provincial",
                          "--as-of", "2016-12-31")
    assert len(opinion_support(first_day)) == 3


def test_yunnan_opinion_65_grants_nothing_for_an_evaluation(app):
    """云政办发〔2016〕65号 三（九）–（十一） attach support to 众创空间, not to an evaluation grade."""
    answer = subsidies(app, "--jurisdiction", "yunnan", "--event", "evaluated", "--grade", "excellent",
                       "--as-of", "2026-11-23")
    assert answer["entitlements"] == [] and answer["total_cny"] == 0


# --- bad input ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("args", "named"),
    [
        (["--event", "recognised", "--level", "national"], "--event"),
        (["--event", "recognized", "--level", "county"], "--level"),
        (["--event", "evaluated", "--grade", "A"], "--grade"),
        (["--event", "recognized"], "--level"),
        (["--event", "evaluated"], "--grade"),
        (["--event", "evaluated", "--grade", "good", "--level", "national"], "--level"),
        (["--event", "recognized", "--level", "national", "--as-of", "2026-13-01"], "--as-of"),
        (["--level", "national"], "--event"),
    ],
)
def test_bad_options(app, args, named):
    assert_bad_input(run(app, "subsidies", "--jurisdiction", "xuzhou", *args), named)


def test_unknown_jurisdiction(app):
    assert_bad_input(run(app, "subsidies", "--jurisdiction", "atlantis", "--event", "recognized",
                         "--level", "national"), "atlantis")


# --- the engine with a plugin registered in a fixture -----------------------------------------


DOC = "测科发〔2020〕1号"


class Testland:
    @hookimpl
    def zc_jurisdiction(self):
        return Jurisdiction("testland", "测试市", "city", ("9901",), "测试市科学技术局")

    @hookimpl
    def zc_policies(self, jurisdiction):
        if jurisdiction == "testland":
            return [PolicyVersion("testland", DOC, "测试办法", date(2020, 1, 1), None, (Category("basic", "基础类"),))]

    @hookimpl
    def zc_subsidy_rules(self, jurisdiction, policy):
        if jurisdiction == "testland":
            return [
                SubsidyRule("t.award", "认定奖励", "recognized", Citation(DOC, "第十条"), amount_cny=100_000),
                SubsidyRule("t.top", "国家级追加", "recognized", Citation(DOC, "第十条", "（二）"), amount_cny=50_000,
                            levels=("national",)),
                SubsidyRule("t.rent", "房租补贴", "recognized", Citation(DOC, "第十一条"), note="按实际"),
            ]


@pytest.fixture
def testland(app_factory):
    with app_with_only(app_factory, Testland(), "testland") as app:
        yield app


def test_engine_sums_fixed_amounts_and_counts_null_as_zero(testland):
    national = entitlements("testland", "recognized", level="national", as_of=date(2026, 11, 23))
    assert [e["amount_cny"] for e in national["entitlements"]] == [100_000, 50_000, None]
    assert national["total_cny"] == 150_000
    assert national["entitlements"][2]["note"].startswith("按实际")
    municipal = entitlements("testland", "recognized", level="municipal", as_of=date(2026, 11, 23))
    assert municipal["total_cny"] == 100_000
    assert entitlements("testland", "evaluated", grade="good", as_of=date(2026, 11, 23))["total_cny"] == 0
