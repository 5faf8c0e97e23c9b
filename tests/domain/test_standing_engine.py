"""The standing engine (CONTRACTS §6, core.monitoring.standing): the plugins' rules applied to a
title's record, each on both sides of its boundary, named after the article.  The engine is
pure: the policy versions and rules come from the installed plugins, the parameter values are
given as the bureau would leave them, no database."""
from __future__ import annotations

from datetime import date

import pytest

from core.monitoring.standing import BadHistory, Regime, judge, parse_history
from core.plugins import Registry, make_plugin_manager

REGISTRY = Registry(make_plugin_manager()[0])


def regime(code: str, day: date, **bureau) -> Regime:
    """The version of ``code`` in force on ``day`` with its rules, its parameters and the
    bureau's settings ``bureau`` (each then shown as the bureau's)."""
    policy = REGISTRY.policy_in_force(code, day)
    values = {p.key: p.value for p in policy.parameters} | bureau
    rules = REGISTRY.pm.hook.zc_standing_rules(jurisdiction=code, policy=policy)
    return Regime(policy, rules, values, frozenset(bureau))


def standing(code: str, as_of: str, record: dict, **bureau) -> dict:
    day = date.fromisoformat(as_of)
    history = parse_history({"recognized_on": "2022-05-10", **record})
    return judge(code, history, day, regime(code, day, **bureau), None)


def ids(answer) -> list[str]:
    return [g["id"] for g in answer["grounds"]]


def grades(**by_year) -> list[dict]:
    return [{"year": int(y[1:]), "grade": g} for y, g in by_year.items()]


# --- 弥勒 弥政办发〔2017〕5号 第十五条 ---------------------------------------------------------------


def test_mile_article_15_one_failed_year_is_rectification_not_revocation():
    answer = standing("mile", "2026-12-01", {"assessments": grades(y2024="good", y2025="unqualified")})
    assert answer["standing"] == "rectification"
    assert answer["grounds"] == [{
        "id": "mile.failed_assessment",
        "citation": {"document": "弥政办发〔2017〕5号", "article": "第十五条", "item": None},
        "message": "2025 年度考核不合格，限期整改；尚未责令整改（整改期限政策未规定，本局亦未设定）"}]


def test_mile_article_15_two_consecutive_failed_years_is_revocation_due():
    answer = standing("mile", "2026-12-01", {"assessments": grades(y2024="unqualified", y2025="unqualified")})
    assert answer == {
        "jurisdiction": "mile", "as_of": "2026-12-01",
        "policy": {"document": "弥政办发〔2017〕5号", "title": "弥勒市众创空间认定管理办法（试行）",
                   "effective_from": "2017-01-12", "effective_to": None},
        "standing": "revocation_due",
        "grounds": [{"id": "mile.two_failed_years",
                     "citation": {"document": "弥政办发〔2017〕5号", "article": "第十五条", "item": None},
                     "message": "2024、2025 年度连续两年考核不合格"}],
        "duties": [], "ban_until": None, "warnings": []}


def test_mile_article_15_two_failed_years_with_a_year_between_are_not_consecutive():
    answer = standing("mile", "2026-12-01", {"assessments": grades(y2023="unqualified", y2024="qualified",
                                                                   y2025="unqualified")})
    assert answer["standing"] == "rectification" and ids(answer) == ["mile.failed_assessment"]
    # a missing year breaks the run too
    answer = standing("mile", "2026-12-01", {"assessments": grades(y2023="unqualified", y2025="unqualified")})
    assert answer["standing"] == "rectification"


def test_mile_article_15_rectification_period_is_the_bureaus_setting():
    answer = standing("mile", "2026-12-01", {"assessments": grades(y2025="unqualified")}, rectification_months=6)
    assert answer["grounds"][0]["message"].endswith("尚未责令整改（整改期限 6 个月，本局设定，非政策规定）")


def test_mile_article_15_a_passed_rectification_ends_the_ground_a_running_one_is_a_duty():
    failed = {"assessments": grades(y2025="unqualified")}
    passed = standing("mile", "2026-12-01", {**failed, "rectifications": [
        {"ordered_on": "2026-02-01", "deadline": "2026-08-01", "result": "passed"}]})
    assert passed["standing"] == "good" and passed["grounds"] == [] and passed["duties"] == []
    running = standing("mile", "2026-08-01", {**failed, "rectifications": [
        {"ordered_on": "2026-02-01", "deadline": "2026-08-01", "result": None}]})
    assert running["standing"] == "rectification"
    assert running["duties"] == [{"id": "mile.failed_assessment", "due_on": "2026-08-01", "overdue": False,
                                  "citation": {"document": "弥政办发〔2017〕5号", "article": "第十五条", "item": None},
                                  "message": "2026-02-01 责令整改，整改期限至 2026-08-01"}]
    late = standing("mile", "2026-08-02", {**failed, "rectifications": [
        {"ordered_on": "2026-02-01", "deadline": "2026-08-01", "result": None}]})
    # overdue, but 第十五条 attaches nothing to a late rectification: still rectification
    assert late["duties"][0]["overdue"] is True and late["standing"] == "rectification"


# --- 昆明 昆科发〔2017〕55号 第十八条 ---------------------------------------------------------------


def _kunming(result):
    return standing("kunming", "2026-12-01", {"assessments": grades(y2025="unqualified"), "rectifications": [
        {"ordered_on": "2026-02-01", "deadline": "2026-08-01", "result": result}]})


def test_kunming_article_18_failed_rectification_is_revocation_due():
    answer = _kunming("failed")
    assert answer["standing"] == "revocation_due"
    assert answer["grounds"] == [{"id": "kunming.failed_rectification",
                                  "citation": {"document": "昆科发〔2017〕55号", "article": "第十八条", "item": None},
                                  "message": "整改不合格（2026-02-01 责令整改，期限至 2026-08-01）"}]


def test_kunming_article_18_passed_rectification_stands_good():
    answer = _kunming("passed")
    assert answer["standing"] == "good" and answer["grounds"] == []


def test_kunming_article_18_failed_year_is_rectification_and_two_failed_years_are_not_revocation():
    answer = standing("kunming", "2026-12-01", {"assessments": grades(y2024="unqualified", y2025="unqualified")})
    assert answer["standing"] == "rectification"
    assert ids(answer) == ["kunming.failed_assessment", "kunming.failed_assessment"]


def test_kunming_article_18_each_failed_year_needs_its_own_rectification():
    # 2024 failed, rectified in 2025 (passed); 2025 failed again: the 2025 failure stands
    answer = standing("kunming", "2026-12-01", {
        "assessments": grades(y2024="unqualified", y2025="unqualified"),
        "rectifications": [{"ordered_on": "2025-03-01", "deadline": "2025-09-01", "result": "passed"}]})
    assert answer["standing"] == "rectification"
    assert [g["message"][:4] for g in answer["grounds"]] == ["2025"]


# --- 云南 云科规〔2021〕1号 认定与管理 动态考核评价 ---------------------------------------------------

DYNAMIC = {"document": "云科规〔2021〕1号", "article": "认定与管理", "item": "动态考核评价"}
MANAGEMENT = {"document": "云科规〔2021〕1号", "article": "认定与管理", "item": "管理"}


def stats(*entries) -> list[dict]:
    return [{"year": y, "filed": f, "excused": e} for y, f, e in entries]


def test_yunnan_dynamic_assessment_two_unexcused_unfiled_years_is_revocation_due():
    answer = standing("yunnan", "2026-03-01", {"statistics": stats((2023, True, False), (2024, False, False),
                                                                    (2025, False, False))})
    assert answer["standing"] == "revocation_due"
    assert answer["grounds"] == [{"id": "yunnan.unfiled_statistics", "citation": DYNAMIC,
                                  "message": "2024、2025 年度无特殊原因，连续 2 年未填报统计数据"}]


def test_yunnan_dynamic_assessment_one_unfiled_year_is_good():
    answer = standing("yunnan", "2026-03-01", {"statistics": stats((2024, True, False), (2025, False, False))})
    assert answer["standing"] == "good" and answer["grounds"] == []


def test_yunnan_dynamic_assessment_an_excused_year_breaks_the_run():
    answer = standing("yunnan", "2026-03-01", {"statistics": stats((2023, False, False), (2024, False, True),
                                                                    (2025, False, False))})
    assert answer["standing"] == "good"


def test_yunnan_dynamic_assessment_the_count_is_the_parameter_a_bureau_may_change():
    record = {"statistics": stats((2024, False, False), (2025, False, False))}
    answer = standing("yunnan", "2026-03-01", record, unreported_years_for_removal=3)
    assert answer["standing"] == "good"


@pytest.mark.parametrize("kind, rule, citation", [
    ("operator_deregistered", "yunnan.operator_deregistered", DYNAMIC),
    ("cannot_meet_criteria", "yunnan.cannot_meet_criteria", DYNAMIC),
    ("serious_dishonesty", "yunnan.serious_dishonesty", DYNAMIC),
    ("serious_violation", "yunnan.serious_violation", DYNAMIC),
    ("fraud", "yunnan.fraud", MANAGEMENT),
])
def test_yunnan_dynamic_assessment_each_finding_is_revocation_due(kind, rule, citation):
    answer = standing("yunnan", "2026-03-01", {"findings": [{"kind": kind, "found_on": "2026-02-01"}]})
    assert answer["standing"] == "revocation_due"
    assert [(g["id"], g["citation"]) for g in answer["grounds"]] == [(rule, citation)]
    assert "2026-02-01 查实" in answer["grounds"][0]["message"]
    # the day before it was found, the record did not know it
    assert standing("yunnan", "2026-01-31", {"findings": [{"kind": kind, "found_on": "2026-02-01"}]})[
        "standing"] == "good"


def test_yunnan_dynamic_assessment_cannot_operate_is_one_year_rectification_then_failed_is_revocation():
    found = {"findings": [{"kind": "cannot_operate", "found_on": "2025-03-01"}]}
    answer = standing("yunnan", "2025-03-02", found)
    assert answer["standing"] == "rectification"
    assert answer["grounds"][0]["id"] == "yunnan.cannot_operate"
    assert answer["grounds"][0]["message"].endswith("（整改期限 1 年，云科规〔2021〕1号 认定与管理 动态考核评价）")
    ordered = {**found, "rectifications": [{"ordered_on": "2025-03-10", "deadline": "2026-03-10", "result": None}]}
    running = standing("yunnan", "2026-03-10", ordered)
    assert running["standing"] == "rectification"
    assert running["duties"][0] | {} == {"id": "yunnan.cannot_operate", "due_on": "2026-03-10", "overdue": False,
                                          "citation": DYNAMIC, "message": "2025-03-10 责令整改，整改期限至 2026-03-10"}
    failed = standing("yunnan", "2026-03-20", {**found, "rectifications": [
        {"ordered_on": "2025-03-10", "deadline": "2026-03-10", "result": "failed"}]})
    assert failed["standing"] == "revocation_due" and ids(failed) == ["yunnan.failed_rectification"]
    passed = standing("yunnan", "2026-03-20", {**found, "rectifications": [
        {"ordered_on": "2025-03-10", "deadline": "2026-03-10", "result": "passed"}]})
    assert passed["standing"] == "good"


# --- 云南 认定与管理 “管理”: the ban after a revocation for fraud ----------------------------------


@pytest.mark.parametrize("revoked_on, ban_until", [
    ("2026-01-05", "2028-01-05"),   # CONTRACTS §6's example
    ("2024-02-29", "2026-02-28"),   # the leap day: no 29 February in 2026, that month's last day (第202条)
])
def test_yunnan_management_fraud_revocation_bans_for_two_years(revoked_on, ban_until):
    answer = standing("yunnan", "2026-03-01", {"revoked_on": revoked_on, "revocation_grounds": ["fraud"]})
    assert answer["standing"] == "revoked"
    assert answer["ban_until"] == ban_until  # given even when the day has passed
    assert answer["grounds"] == [{"id": "yunnan.fraud", "citation": MANAGEMENT,
                                  "message": f"{revoked_on} 以“申报材料存在虚报、瞒报、造假等行为”撤销"}]


def test_yunnan_management_other_revocations_carry_no_ban():
    answer = standing("yunnan", "2026-03-01", {"revoked_on": "2026-01-05", "revocation_grounds": ["statistics"]})
    assert answer["standing"] == "revoked" and answer["ban_until"] is None
    assert ids(answer) == ["yunnan.unfiled_statistics"]


def test_a_revocation_in_a_jurisdiction_with_no_such_ground_is_listed_uncited_with_a_warning():
    answer = standing("mile", "2026-03-01", {"revoked_on": "2026-01-05", "revocation_grounds": ["fraud"]})
    assert answer["standing"] == "revoked" and answer["ban_until"] is None
    assert answer["grounds"] == [{"id": "revocation.fraud", "citation": None, "message": "撤销理由：弄虚作假（虚报、瞒报、造假）"}]
    assert answer["warnings"] == ["撤销理由“弄虚作假（虚报、瞒报、造假）”在所适用的政策中没有对应的撤销规定"]


# --- 云南 认定与管理 “管理”: the change report within 3 months --------------------------------------


@pytest.mark.parametrize("as_of, overdue", [("2026-02-28", False), ("2026-03-01", True)])
def test_yunnan_management_change_report_due_at_month_end_overdue_the_day_after(as_of, overdue):
    answer = standing("yunnan", as_of, {"changes": [{"kind": "area", "changed_on": "2025-11-30",
                                                     "reported_on": None}]})
    assert answer["duties"] == [{
        "id": "yunnan.change_report", "due_on": "2026-02-28", "overdue": overdue, "citation": MANAGEMENT,
        "message": "面积范围变化（2025-11-30）尚未报告，应于 2026-02-28（含）前报告（变更后 3 个月，"
                   "云科规〔2021〕1号 认定与管理 管理）"}]
    assert answer["standing"] == "good"  # a late report has no consequence of its own


def test_a_reported_change_is_no_duty_and_a_bureau_period_is_shown_as_the_bureaus():
    reported = standing("yunnan", "2026-03-01", {"changes": [
        {"kind": "operator", "changed_on": "2025-11-10", "reported_on": "2026-01-15"}]})
    assert reported["duties"] == []
    kunming = standing("kunming", "2026-03-01", {"changes": [
        {"kind": "location", "changed_on": "2025-11-10", "reported_on": None}]}, change_report_months=2)
    assert kunming["duties"][0]["due_on"] == "2026-01-10" and kunming["duties"][0]["citation"] is None
    assert "本局设定，非政策规定" in kunming["duties"][0]["message"]
    unset = standing("kunming", "2026-03-01", {"changes": [
        {"kind": "location", "changed_on": "2025-11-10", "reported_on": None}]})
    assert unset["duties"] == [] and unset["warnings"] == [
        "场地位置变化（2025-11-10）尚未报告：政策未规定报告期限，本局亦未设定"]


# --- 徐州 徐政发〔2016〕12号: no consequence set --------------------------------------------------------


# --- the order of standings; no policy in force -------------------------------------------------


def test_most_serious_wins_and_grounds_are_those_of_the_standing():
    answer = standing("yunnan", "2026-03-01", {
        "findings": [{"kind": "cannot_operate", "found_on": "2025-06-01"},
                     {"kind": "serious_violation", "found_on": "2026-02-01"}]})
    assert answer["standing"] == "revocation_due" and ids(answer) == ["yunnan.serious_violation"]


def test_yunnan_after_2026_04_03_no_policy_in_force_applies_no_rule():
    history = parse_history({"recognized_on": "2022-05-10", "findings": [{"kind": "fraud", "found_on": "2026-02-01"}]})
    nearest = REGISTRY.nearest_policy("yunnan", date(2026, 4, 4))
    answer = judge("yunnan", history, date(2026, 4, 4), None, nearest)
    assert answer["standing"] == "no_policy_in_force" and answer["grounds"] == [] and answer["duties"] == []
    assert answer["policy"]["effective_to"] == "2026-04-03"
    assert "云科规〔2021〕1号" in answer["warnings"][0]
    # on its last day the measures still apply
    assert standing("yunnan", "2026-04-03", {"findings": [{"kind": "fraud", "found_on": "2026-02-01"}]})[
        "standing"] == "revocation_due"


# --- bad records -----------------------------------------------------------------------------------


@pytest.mark.parametrize("record, key", [
    ({}, "recognized_on"),
    ({"recognized_on": "2022-02-30"}, "recognized_on"),
    ({"recognized_on": "2022-05-10", "assessments": [{"year": 2025, "grade": "good"},
                                                      {"year": 2024, "grade": "bad"}]}, "assessments[1].grade"),
    ({"recognized_on": "2022-05-10", "assessments": {"year": 2025}}, "assessments"),
    ({"recognized_on": "2022-05-10", "assessments": [{"year": "2025", "grade": "good"}]}, "assessments[0].year"),
    ({"recognized_on": "2022-05-10", "findings": [{"kind": "arson", "found_on": "2025-01-01"}]}, "findings[0].kind"),
    ({"recognized_on": "2022-05-10", "statistics": [{"year": 2025, "filed": "no"}]}, "statistics[0].filed"),
    ({"recognized_on": "2022-05-10", "changes": [{"kind": "area", "changed_on": "2025-1-1"}]},
     "changes[0].changed_on"),
    ({"recognized_on": "2022-05-10", "rectifications": [{"ordered_on": "2025-03-01", "deadline": "2025-02-01"}]},
     "rectifications[0].deadline"),
    ({"recognized_on": "2022-05-10", "revocation_grounds": ["fraud"]}, "revocation_grounds"),
    ({"recognized_on": "2022-05-10", "revoked_on": "2026-01-05", "revocation_grounds": ["lazy"]},
     "revocation_grounds[0]"),
    ({"recognized_on": "2022-05-10", "grades": []}, "grades"),
    ({"recognized_on": "2022-05-10", "findings": [{"kind": "fraud", "found_on": "2021-01-01"}]},
     "findings[0].found_on"),
])
def test_a_bad_record_names_its_key(record, key):
    with pytest.raises(BadHistory) as caught:
        parse_history(record)
    assert caught.value.key == key
