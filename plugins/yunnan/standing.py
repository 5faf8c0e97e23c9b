"""云南省: when the provincial title is withdrawn (云科规〔2021〕1号 认定与管理).

"动态考核评价" lists four grounds (出现以下情形之一的，取消省级认定资格); "管理" adds the
withdrawal for 虚报、瞒报、造假 with a two-year ban, and the report of a change within three
months (a duty with no consequence of its own).  Periods and counts are the parameters of
``plugins/yunnan/policy.py`` (rectification_years, unreported_years_for_removal,
fraud_ban_years, change_report_months), so a bureau's override applies.

Readings (docs/policy-readings.md): ``fraud`` is read as 申报材料虚报、瞒报、造假 of "管理" (the
ground that carries the ban); an excused year (特殊原因) breaks a run of unfiled years.
"""
from core import hookimpl
from core.policy import Citation, StandingBan, StandingPeriod, StandingRule, StandingRules
from plugins.yunnan.policy import DOC, JURISDICTION, MANAGEMENT

DYNAMIC = Citation(DOC, MANAGEMENT, "动态考核评价")
DUTIES = Citation(DOC, MANAGEMENT, "管理")


def _finding(kind: str, title: str, citation: Citation = DYNAMIC) -> StandingRule:
    return StandingRule(id=f"yunnan.{kind}", test="finding", finding_kinds=(kind,), standing="revocation_due",
                        citation=citation, title=title, message=title + "（{on} 查实）", grounds=(kind,))


RULES = StandingRules(
    jurisdiction=JURISDICTION.code,
    citation=DYNAMIC,
    rules=(
        _finding("operator_deregistered", "运营主体注销，已无法达到认定条件"),
        _finding("cannot_meet_criteria", "运营主体发生重大变化，已无法达到认定条件"),
        StandingRule(id="yunnan.cannot_operate", test="finding", finding_kinds=("cannot_operate",),
                     standing="rectification", citation=DYNAMIC, title="经营出现问题，无法正常开展业务，限期一年整改",
                     message="经营出现问题，无法正常开展业务（{on} 查实），限期一年整改"),
        StandingRule(id="yunnan.failed_rectification", test="rectification_failed", standing="revocation_due",
                     citation=DYNAMIC, title="经限期一年整改，仍无法正常运营",
                     message="经限期整改（{on} 责令，期限至 {deadline}），仍无法正常运营", grounds=("rectification",)),
        StandingRule(id="yunnan.unfiled_statistics", test="statistics_unfiled_consecutive",
                     count_parameter="unreported_years_for_removal", standing="revocation_due", citation=DYNAMIC,
                     title="无特殊原因，连续2年未填报统计数据",
                     message="{years} 年度无特殊原因，连续 {count} 年未填报统计数据", grounds=("statistics",)),
        _finding("serious_dishonesty", "存在严重失信行为"),
        _finding("serious_violation", "存在严重违法违规行为"),
        _finding("fraud", "申报材料存在虚报、瞒报、造假等行为", DUTIES),
    ),
    ban=StandingBan(grounds=("fraud",), parameter="fraud_ban_years", citation=DUTIES,
                    message="申报材料存在虚报、瞒报、造假等行为被取消认定资格的，2年内不得再次申报"),
    change_report=StandingPeriod("change_report_months", "months", DUTIES),
    rectification_period=StandingPeriod("rectification_years", "years", DYNAMIC),
)


@hookimpl
def zc_standing_rules(jurisdiction, policy):
    if jurisdiction == JURISDICTION.code:
        return RULES
