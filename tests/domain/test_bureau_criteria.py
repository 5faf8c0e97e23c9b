"""Criteria a bureau enters as data (``BureauCriterion``), evaluated like the plugins'.

徐州's recognition criteria are in 徐政发〔2015〕73号, which the project does not have:
the plugin encodes none, and the bureau enters the thresholds it applies, each cited
to the document it names.  The articles below are the bureau's citations (test data).
"""
from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from core.bureau import operations as bureau_operations
from core.cli import cli
from core.eligibility.engine import evaluate
from core.facts import parse_facts

EXAMPLE = Path(__file__).parent.parent / "data" / "kunming-comprehensive-service.json"
DOC73 = "徐政发〔2015〕73号"
AS_OF = date(2026, 11, 23)


def facts(**changes):
    """The 昆明 example moved to 徐州 (鼓楼区 320302): 徐州 checks where the space is (五（五）)."""
    data = json.loads(EXAMPLE.read_text(encoding="utf-8"))
    data.update({"space_region": "320302", **changes})
    return parse_facts(data)


def result_of(answer, crit_id):
    return next(c for c in answer["criteria"] if c["id"] == crit_id)


@pytest.fixture
def xuzhou_thresholds(app):
    bureau_operations.add_bureau_criterion("xuzhou", category="key", crit_code="area", title="众创空间面积",
                                           fact_key="total_area_m2", operator=">=", threshold=500,
                                           document=DOC73, article="第五条", item="（一）")
    bureau_operations.add_bureau_criterion("xuzhou", category=None, crit_code="online", title="线上服务平台",
                                           fact_key="online_platform", operator="true",
                                           document=DOC73, article="第五条", item="（三）")
    bureau_operations.add_bureau_criterion("xuzhou", category="key", crit_code="rent2", title="第二年租金",
                                           fact_key="rent_ratio_year2", operator="<=", threshold=0.3,
                                           document=DOC73, article="第五条", item="（二）")
    return app


@pytest.mark.parametrize(("area", "expected"), [(500, "pass"), (499.9, "fail"), (499, "fail"), (1000, "pass")])
def test_area_threshold_includes_the_number(xuzhou_thresholds, area, expected):
    """“不低于500平方米” as the bureau entered it: 500 passes, anything below fails."""
    answer = evaluate("xuzhou", "key", facts(total_area_m2=area, public_area_m2=0), AS_OF)
    crit = result_of(answer, "xuzhou.bureau.area")
    assert crit["result"] == expected
    assert crit["kind"] == "auto"
    assert crit["citation"] == {"document": DOC73, "article": "第五条", "item": "（一）"}
    assert "㎡" in crit["message"] and "500" in crit["message"]
    assert answer["verdict"] == ("ineligible" if expected == "fail" else "eligible_pending_review")


@pytest.mark.parametrize(("ratio", "expected"), [(0.3, "pass"), (0.31, "fail"), (0, "pass")])
def test_ratio_ceiling_includes_the_number(xuzhou_thresholds, ratio, expected):
    answer = evaluate("xuzhou", "key", facts(rent_ratio_year2=ratio), AS_OF)
    assert result_of(answer, "xuzhou.bureau.rent2")["result"] == expected


@pytest.mark.parametrize(("value", "expected"), [(True, "pass"), (False, "fail")])
def test_yes_no_criterion(xuzhou_thresholds, value, expected):
    answer = evaluate("xuzhou", "key", facts(online_platform=value), AS_OF)
    crit = result_of(answer, "xuzhou.bureau.online")
    assert crit["result"] == expected and "线上平台" in crit["message"]


def test_plugin_manual_criterion_is_kept_alongside(xuzhou_thresholds):
    answer = evaluate("xuzhou", "key", facts(), AS_OF)
    ids = [c["id"] for c in answer["criteria"]]
    # the plugin's two (where the space is, and 73号's conditions), then the bureau's
    assert ids[:2] == ["xuzhou.space_location", "xuzhou.recognition_conditions"]
    assert answer["criteria"][1]["result"] == "manual"
    assert ids[2:] == ["xuzhou.bureau.area", "xuzhou.bureau.online", "xuzhou.bureau.rent2"]


def test_equality_on_a_yes_no_fact(app):
    bureau_operations.add_bureau_criterion("xuzhou", category="key", crit_code="not_commercial", title="非商业经营性场所",
                                           fact_key="commercial_premises", operator="==", threshold=False,
                                           document=DOC73, article="第五条", item="（四）")
    assert result_of(evaluate("xuzhou", "key", facts(commercial_premises=False), AS_OF),
                     "xuzhou.bureau.not_commercial")["result"] == "pass"
    assert result_of(evaluate("xuzhou", "key", facts(commercial_premises=True), AS_OF),
                     "xuzhou.bureau.not_commercial")["result"] == "fail"


NO_CRITERIA = "主管部门也尚未录入认定条件"


def test_without_bureau_criteria_xuzhou_warns_that_nothing_of_73_is_checked(app):
    """徐政发〔2016〕12号 五（五） refers the criteria to 徐政发〔2015〕73号: with none entered, the
    answer is pending review with a warning, never a silent pass."""
    answer = evaluate("xuzhou", "key", facts(), AS_OF)
    assert answer["verdict"] == "eligible_pending_review"
    assert [(c["id"], c["kind"]) for c in answer["criteria"]] == [("xuzhou.space_location", "auto"),
                                                                   ("xuzhou.recognition_conditions", "manual")]
    [warning] = answer["warnings"]
    assert NO_CRITERIA in warning and "徐政发〔2015〕73号" in warning and "徐州市" in warning


def test_wu_5_a_kunming_space_evaluated_as_xuzhou_is_ineligible(app):
    """五（五）: a 昆明 space (530112) is not in 徐州, whatever else it has; the warning stays."""
    answer = evaluate("xuzhou", "key", facts(space_region="530112"), AS_OF)
    assert answer["verdict"] == "ineligible"
    crit = result_of(answer, "xuzhou.space_location")
    assert crit["result"] == "fail" and "众创空间所在地 530112 不在徐州市" in crit["message"]
    assert crit["citation"] == {"document": "徐政发〔2016〕12号", "article": "五、保障措施", "item": "（五）"}
    assert any(NO_CRITERIA in w for w in answer["warnings"])


def test_once_the_bureau_entered_a_criterion_the_warning_goes(app):
    """徐政发〔2016〕12号 五（五）: one criterion of the bureau for 重点众创空间 and the warning goes."""
    bureau_operations.add_bureau_criterion("kunming", category=None, crit_code="online", title="别的辖区的条件",
                                           fact_key="online_platform", operator="true", document="昆科发〔2026〕1号")
    assert any(NO_CRITERIA in w for w in evaluate("xuzhou", "key", facts(), AS_OF)["warnings"])
    bureau_operations.add_bureau_criterion("xuzhou", category=None, crit_code="online", title="线上服务平台",
                                           fact_key="online_platform", operator="true", document=DOC73)
    answer = evaluate("xuzhou", "key", facts(), AS_OF)
    assert answer["warnings"] == [] and answer["verdict"] == "eligible_pending_review"


def test_other_jurisdictions_get_no_such_warning(app):
    answer = evaluate("kunming", "comprehensive_service", facts(space_region="530112"), AS_OF)
    assert answer["warnings"] == []


def test_bureau_criterion_added_to_an_encoded_jurisdiction(app):
    """A bureau may add a condition to a jurisdiction whose policy is encoded (昆明)."""
    bureau_operations.add_bureau_criterion("kunming", category="comprehensive_service", crit_code="workstations",
                                           title="创业工位", fact_key="workstations", operator=">=", threshold=50,
                                           document="昆科发〔2026〕1号", article="第三条")
    answer = evaluate("kunming", "comprehensive_service", facts(workstations=49, space_region="530112"), AS_OF)
    crit = result_of(answer, "kunming.bureau.workstations")
    assert crit["result"] == "fail" and answer["verdict"] == "ineligible"
    assert crit["citation"] == {"document": "昆科发〔2026〕1号", "article": "第三条", "item": None}
    other = evaluate("kunming", "tech_support", facts(workstations=49), AS_OF)
    assert "kunming.bureau.workstations" not in [c["id"] for c in other["criteria"]]


def test_bureau_criteria_through_the_command(xuzhou_thresholds, tmp_path):
    data = json.loads(EXAMPLE.read_text(encoding="utf-8")) | {"total_area_m2": 499, "public_area_m2": 50}
    path = tmp_path / "f.json"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    result = xuzhou_thresholds.test_cli_runner().invoke(
        cli, ["evaluate", "--jurisdiction", "xuzhou", "--category", "key", "--as-of", "2026-11-23", str(path)])
    assert result.exit_code == 0, result.stderr
    answer = json.loads(result.stdout)
    assert answer["verdict"] == "ineligible"
    assert result_of(answer, "xuzhou.bureau.area")["result"] == "fail"
