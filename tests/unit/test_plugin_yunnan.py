"""云南省 plugin: 云科规〔2021〕1号 encoded as data, checked against the text.

The policy's boundaries — every auto criterion on both sides, the versions, the notice
period, the support of 云政办发〔2016〕65号 and the standing rules — are policy cases in
plugins/yunnan/cases/ (``zhongchuang policy-test --jurisdiction yunnan``).  These tests are
about the code: what the installed plugin declares, and that each provision is cited.
"""
from __future__ import annotations

from datetime import date

import pytest

from core.policy import STEP_KINDS, PolicyVersion
from plugins.yunnan import assessment, criteria, materials, steps, subsidies
from plugins.yunnan.policy import CONDITIONS, DOC, MANAGEMENT, POLICY_2021, RESIDENT_RULES
from tests.conftest import installed_registry

AS_OF = date(2025, 12, 1)  # inside 2021-04-04 … 2026-04-03
PARAMS = {p.key: p.value for p in POLICY_2021.parameters}


@pytest.fixture(scope="module")
def registry():
    return installed_registry("yunnan")


# --- the registry: what the installed plugin declares -------------------------------------

EXPECTED_IDS = [
    "yunnan.registered_region", "yunnan.legal_person", "yunnan.operating_months",
    "yunnan.area", "yunnan.workstations", "yunnan.sustainability",
    "yunnan.management_rules", "yunnan.interaction", "yunnan.contracted_residents",
    "yunnan.new_enterprises_or_financing", "yunnan.typical_cases", "yunnan.full_time_staff",
    "yunnan.mentors", "yunnan.service_process", "yunnan.seed_fund", "yunnan.investor_partners",
    "yunnan.investment_projects", "yunnan.events", "yunnan.resident_age_at_entry",
    "yunnan.residence_period", "yunnan.registered_in_space",
]


def test_registry_provincial_category_gets_all_conditions(registry):
    policy = registry.policy_in_force("yunnan", AS_OF)
    assert policy is POLICY_2021
    found = registry.criteria("yunnan", "provincial", policy)
    assert [c.id for c in found] == EXPECTED_IDS
    manual = {c.id for c in found if c.kind == "manual"}
    assert manual == {"yunnan.sustainability", "yunnan.interaction", "yunnan.service_process"}
    for c in found:
        assert (c.check is not None) is (c.kind == "auto"), c.id


def test_registry_other_category_and_other_jurisdiction_get_nothing(registry):
    assert registry.criteria("yunnan", "comprehensive", POLICY_2021) == []
    assert criteria.zc_criteria(jurisdiction="kunming", category="provincial", policy=POLICY_2021) is None
    assert steps.zc_review_steps(jurisdiction="mile", category="provincial", policy=POLICY_2021) is None
    assert subsidies.zc_subsidy_rules(jurisdiction="xuzhou", policy=POLICY_2021) is None
    assert assessment.zc_assessment_scheme(jurisdiction="kunming", policy=POLICY_2021) is None
    assert materials.zc_required_materials(jurisdiction="kunming", category="provincial") is None


def test_criteria_belong_to_the_2021_measures_only(registry):
    # A successor a bureau registers does not inherit these criteria silently (the lapse
    # after 2026-04-03 itself is a policy case, eligibility.yaml 附则).
    successor = PolicyVersion(jurisdiction="yunnan", document="云科规〔2026〕1号", title="successor",
                              effective_from=date(2026, 4, 4), effective_to=None,
                              categories=POLICY_2021.categories)
    assert registry.criteria("yunnan", "provincial", successor) == []


def test_every_criterion_cites_the_measures_heading_and_item():
    items = set()
    for c in criteria.CRITERIA:
        assert c.citation.document == DOC
        assert c.citation.article in (CONDITIONS, RESIDENT_RULES)
        if c.citation.article == CONDITIONS:
            items.add(c.citation.item)
    assert CONDITIONS == "申报省级众创空间的认定条件"
    # conditions 1–10 are all encoded
    assert items == {str(i) for i in range(1, 11)}
    assert {c.citation.item for c in criteria.CRITERIA if c.citation.article == RESIDENT_RULES} == {
        "申请入驻时企业的成立时间", "入驻时限", "注"}


def test_parameters_carry_citations_and_policy_numbers():
    for p in POLICY_2021.parameters:
        assert p.citation is not None and p.citation.document == DOC, p.key
    assert PARAMS["min_total_area_m2"] == 500 and PARAMS["min_workstations"] == 20
    assert PARAMS["min_operating_months"] == 12 and PARAMS["min_contracted_residents"] == 15
    assert PARAMS["min_new_enterprises"] == 3 and PARAMS["min_financed_teams"] == 1
    assert PARAMS["min_typical_cases"] == 2 and PARAMS["min_events"] == 8
    assert PARAMS["min_full_time_staff"] == 3 and PARAMS["min_mentors"] == 3
    assert PARAMS["min_investment_projects"] == 1
    assert PARAMS["max_resident_age_months"] == 12 and PARAMS["max_residence_months"] == 24
    # 认定与管理: change report within 3 months, 2-year ban after fraud.
    by_key = {p.key: p for p in POLICY_2021.parameters}
    assert by_key["change_report_months"].value == 3
    assert by_key["change_report_months"].citation.article == MANAGEMENT
    assert by_key["fraud_ban_years"].value == 2
    # No 公示 period in the measures: a bureau setting, no number.
    notice = by_key["notice_days"]
    assert notice.value is None and notice.bureau_setting
    assert POLICY_2021.notice_days is None


def test_review_steps_order_roles_and_citations(registry):
    found = registry.review_steps("yunnan", "provincial", POLICY_2021)
    assert [(s.code, s.role, s.kind) for s in found] == [
        ("recommend", "recommender", "recommendation"),
        ("expert_review", "expert", "expert_review"),
        ("decide", "leader", "decision"),
        ("public_notice", "officer", "public_notice"),
        ("award", "officer", "award"),
    ]
    for s in found:
        assert s.kind in STEP_KINDS
        assert s.citation.document == DOC
    notice = next(s for s in found if s.kind == "public_notice")
    assert notice.days is None and "未规定公示期" in notice.note
    assert found[0].citation.article == "总则"  # 州（市）科技局负责…认定推荐工作


def test_subsidy_rules_of_the_provincial_opinion_have_no_fixed_amounts(registry):
    rules = registry.subsidy_rules("yunnan", POLICY_2021)
    assert [(r.code, r.citation.item) for r in rules] == [
        ("yunnan.operating_subsidy", "（九）"),
        ("yunnan.tax_incentives", "（十）"),
        ("yunnan.financial_support", "（十一）"),
    ]
    for r in rules:
        assert r.citation.document == "云政办发〔2016〕65号"
        assert r.citation.article == "三、加大政策支持力度"
        assert r.amount_cny is None and r.note
        assert r.matches("recognized", level="provincial")
        assert not r.matches("evaluated", grade="excellent")
    operating = rules[0].name
    for word in ("房租", "宽带网络", "公共软件", "开发工具", "导师培训", "宣传推广"):
        assert word in operating


def test_assessment_scheme_removal_grounds_and_duties(registry):
    scheme = registry.assessment_scheme("yunnan", POLICY_2021)
    assert scheme.citation == assessment.ASSESSMENT
    assert scheme.citation.document == DOC and scheme.citation.item == "动态考核评价"
    assert [d.code for d in scheme.dimensions] == [
        "operator_changed", "not_operating", "statistics_missing", "misconduct"]
    assert "连续2年未填报统计数据" in scheme.dimensions[2].name
    assert "限期一年整改" in scheme.dimensions[1].name
    assert any("取消省级认定资格" in c for c in scheme.consequences)
    texts = " ".join(text for text, _ in scheme.duties)
    assert "统计数据" in texts and "3个月内" in texts and "2年内不得再次申报" in texts
    for _, citation in scheme.duties:
        assert citation.document == DOC and citation.article == MANAGEMENT


def test_required_materials_name_the_conditions_they_prove(registry):
    found = registry.required_materials("yunnan", "provincial")
    assert [m.code for m in found] == ["conditions_proof", "residents_proof"]
    for m in found:
        assert m.citation.document == DOC and m.note  # the measures list no materials: say so
    assert found[0].citation.article == CONDITIONS
    assert found[1].citation.article == RESIDENT_RULES
    assert registry.required_materials("yunnan", "other") == []
