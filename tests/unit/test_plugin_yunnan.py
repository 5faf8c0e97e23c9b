"""云南省 plugin: 云科规〔2021〕1号 encoded as data, checked against the text.

Every auto criterion is tested at its boundary (the value that just passes and the
nearest that fails), the test name naming the condition of "申报省级众创空间的认定条件"
(cond1 … cond10) or the row of "服务对象及入驻时限要求".  Pure tests: criteria are
called directly, the registry is asked through the installed plugins.
"""
from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from core.facts import parse_facts
from core.policy import STEP_KINDS, CheckContext, PolicyVersion
from plugins.yunnan import assessment, criteria, materials, steps, subsidies
from plugins.yunnan.policy import CONDITIONS, DOC, MANAGEMENT, POLICY_2021, RESIDENT_RULES
from tests.conftest import installed_registry

BASE = json.loads((Path(__file__).parent.parent / "data" / "kunming-comprehensive-service.json").read_text("utf-8"))
AS_OF = date(2025, 12, 1)  # inside 2021-04-04 … 2026-04-03
PARAMS = {p.key: p.value for p in POLICY_2021.parameters}
BY_ID = {c.id: c for c in criteria.CRITERIA}


def facts(**changes):
    data = json.loads(json.dumps(BASE))
    data.update(changes)
    return parse_facts(data)


def resident(name="云岭智造", kind="enterprise", entered_on="2025-03-01", established_on="2025-01-15",
             registered_in_space=True):
    return {"name": name, "kind": kind, "qualifying_field": True, "entered_on": entered_on,
            "established_on": established_on, "registered_in_space": registered_in_space}


def check(criterion_id, f, as_of=AS_OF, **param_overrides):
    ctx = CheckContext(as_of=as_of, params={**PARAMS, **param_overrides})
    return BY_ID[criterion_id].check(f, ctx)


def passes(criterion_id, f, as_of=AS_OF):
    return check(criterion_id, f, as_of)[0]


@pytest.fixture(scope="module")
def registry():
    return installed_registry("yunnan")


# --- the sample space meets every auto condition --------------------------------------


def test_sample_space_passes_every_auto_criterion():
    f = facts()
    for c in criteria.CRITERIA:
        if c.kind == "auto":
            ok, message = c.check(f, CheckContext(AS_OF, PARAMS))
            assert ok, (c.id, message)


# --- 1. 运营主体在云南省内注册，具有独立法人资格，已运营满12个月 ----------------------


def test_yunnan_cond1_registered_in_yunnan_53_passes_other_province_fails():
    assert check("yunnan.registered_region", facts(registered_region="532504")) == (True, "注册地 532504 在云南省内")
    ok, message = check("yunnan.registered_region", facts(registered_region="520102"))
    assert not ok and "520102 不在云南省内" in message
    assert not passes("yunnan.registered_region", facts(registered_region="320311"))


def test_yunnan_cond1_independent_legal_person():
    assert passes("yunnan.legal_person", facts(independent_legal_person=True))
    assert check("yunnan.legal_person", facts(independent_legal_person=False)) == (False, "运营主体不具有独立法人资格")


def test_yunnan_cond1_operated_full_12_months_passes_one_day_short_fails():
    f = facts(space_opened_on="2023-03-15")
    ok, message = check("yunnan.operating_months", f, date(2024, 3, 15))
    assert ok and "已运营 12 个月，满 12 个月" in message
    ok, message = check("yunnan.operating_months", f, date(2024, 3, 14))
    assert not ok and "已运营 11 个月，不满 12 个月" in message and "2024-03-15 方满" in message


def test_yunnan_cond1_12_months_from_29_february_end_on_28_february():
    # 民法典 第202条: no 29 February in 2025, so the period ends on the month's last day.
    f = facts(space_opened_on="2024-02-29")
    assert passes("yunnan.operating_months", f, date(2025, 2, 28))
    assert not passes("yunnan.operating_months", f, date(2025, 2, 27))


# --- 2. 不低于500平方米的使用总面积，不少于20个创业工位 -----------------------------------


def test_yunnan_cond2_area_500_passes_below_fails():
    assert check("yunnan.area", facts(total_area_m2=500, public_area_m2=50)) == (True, "使用总面积 500㎡，不低于 500㎡")
    assert passes("yunnan.area", facts(total_area_m2=500.0, public_area_m2=50))
    assert check("yunnan.area", facts(total_area_m2=499.9, public_area_m2=50)) == (False, "使用总面积 499.9㎡，低于 500㎡")
    assert not passes("yunnan.area", facts(total_area_m2=499, public_area_m2=50))


def test_yunnan_cond2_workstations_20_passes_19_fails():
    assert check("yunnan.workstations", facts(workstations=20)) == (True, "创业工位 20 个，不少于 20 个")
    assert check("yunnan.workstations", facts(workstations=19)) == (False, "创业工位 19 个，少于 20 个")


# --- 4. 有完善的运营管理制度 ---------------------------------------------------------------


def test_yunnan_cond4_management_rules_one_passes_none_fails():
    ok, message = check("yunnan.management_rules", facts(management_rules=["admission"]))
    assert ok and "入驻评估准入制度" in message
    ok, message = check("yunnan.management_rules", facts(management_rules=["财务报销制度"]))
    assert ok and "财务报销制度" in message
    assert check("yunnan.management_rules", facts(management_rules=[])) == (False, "未建立运营管理制度")


# --- 5. 每年协议入驻创业团队和企业保持在15家以上 ------------------------------------------


def test_yunnan_cond5_contracted_residents_15_passes_14_fails():
    ok, message = check("yunnan.contracted_residents", facts(contracted_residents_last_year=15))
    assert ok and "15 家，在 15 家以上" in message
    ok, message = check("yunnan.contracted_residents", facts(contracted_residents_last_year=14))
    assert not ok and "14 家，不足 15 家" in message


# --- 6. 新企业不低于3家，或不低于1家团队获得投融资 ----------------------------------------


@pytest.mark.parametrize(
    ("new", "financed", "expected"),
    [
        (3, 0, True),   # first branch at its boundary
        (2, 1, True),   # second branch at its boundary
        (0, 1, True),
        (2, 0, False),  # both just short
        (0, 0, False),
        (3, 1, True),
    ],
)
def test_yunnan_cond6_new_enterprises_3_or_financed_teams_1(new, financed, expected):
    f = facts(new_enterprises_last_year=new, financed_teams_last_year=financed)
    ok, message = check("yunnan.new_enterprises_or_financing", f)
    assert ok is expected
    assert f"新企业 {new} 家" in message and f"投融资的团队 {financed} 家" in message
    assert ("两项均未达到" in message) is (not expected)


# --- 7. 每年有不少于2个典型孵化案例 ---------------------------------------------------------


def test_yunnan_cond7_typical_cases_2_passes_1_fails():
    assert passes("yunnan.typical_cases", facts(typical_cases_last_year=2))
    ok, message = check("yunnan.typical_cases", facts(typical_cases_last_year=1))
    assert not ok and "1 个，少于 2 个" in message


# --- 8. 至少3名专职人员；至少3名专兼职创业导师 --------------------------------------------


def test_yunnan_cond8_full_time_staff_3_passes_2_fails():
    assert passes("yunnan.full_time_staff", facts(full_time_staff=3))
    ok, message = check("yunnan.full_time_staff", facts(full_time_staff=2))
    assert not ok and "专职人员 2 名，少于 3 名" in message


def test_yunnan_cond8_mentors_3_passes_2_fails():
    assert passes("yunnan.mentors", facts(mentors=3))
    assert check("yunnan.mentors", facts(mentors=2)) == (False, "专兼职创业导师 2 名，少于 3 名")


# --- 9. 种子基金；与金融机构、投融资机构有合作；实际投资项目1个以上 --------------------------


def test_yunnan_cond9_seed_fund_required():
    assert check("yunnan.seed_fund", facts(seed_fund=True)) == (True, "已设立种子基金")
    assert check("yunnan.seed_fund", facts(seed_fund=False)) == (False, "未设立种子基金")


def test_yunnan_cond9_investor_partner_1_passes_0_fails():
    assert check("yunnan.investor_partners", facts(investor_partners=1)) == (True, "与 1 家金融机构、投融资机构有合作")
    assert not passes("yunnan.investor_partners", facts(investor_partners=0))


def test_yunnan_cond9_investment_projects_1_passes_0_fails():
    # "实际投资项目1个以上": 以上 includes the number itself.
    assert check("yunnan.investment_projects", facts(investment_projects=1)) == (True, "实际投资项目 1 个，在 1 个以上")
    assert check("yunnan.investment_projects", facts(investment_projects=0)) == (False, "实际投资项目 0 个，不足 1 个")


# --- 10. 每年举办不少于8次活动 --------------------------------------------------------------


def test_yunnan_cond10_events_8_passes_7_fails():
    assert passes("yunnan.events", facts(events_last_year=8))
    ok, message = check("yunnan.events", facts(events_last_year=7))
    assert not ok and "7 次，少于 8 次" in message


# --- 服务对象及入驻时限要求 ---------------------------------------------------------------


def test_yunnan_resident_rules_founded_12_months_before_entry_passes_one_day_more_fails():
    on_time = facts(residents=[resident(established_on="2024-01-31", entered_on="2025-01-31")])
    assert passes("yunnan.resident_age_at_entry", on_time)
    late = facts(residents=[resident(name="老牌企业", established_on="2024-01-31", entered_on="2025-02-01")])
    ok, message = check("yunnan.resident_age_at_entry", late)
    assert not ok
    assert "1 家申请入驻时成立已超过 12 个月" in message
    assert "老牌企业（2024-01-31 成立，2025-02-01 入驻）" in message


def test_yunnan_resident_rules_age_at_entry_month_end_and_teams():
    # Founded on 29 February: 12 months later ends on 28 February (民法典 第202条).
    assert passes("yunnan.resident_age_at_entry",
                  facts(residents=[resident(established_on="2024-02-29", entered_on="2025-02-28")]))
    assert not passes("yunnan.resident_age_at_entry",
                      facts(residents=[resident(established_on="2024-02-29", entered_on="2025-03-01")]))
    # A team not yet registered has no founding date; one registered after entry is fine.
    team = resident(kind="team", established_on=None, entered_on="2025-06-01")
    registered_later = resident(name="后注册", established_on="2025-08-01", entered_on="2025-06-01")
    assert passes("yunnan.resident_age_at_entry", facts(residents=[team, registered_later]))


def test_yunnan_resident_rules_stay_24_months_passes_one_day_more_fails():
    f = facts(residents=[resident(name="久驻企业", entered_on="2023-12-01", established_on="2023-06-01")])
    assert passes("yunnan.residence_period", f, date(2025, 12, 1))
    ok, message = check("yunnan.residence_period", f, date(2025, 12, 2))
    assert not ok
    assert message == "1 家入驻已超过 24 个月入驻时限：久驻企业（2023-12-01 入驻）"


def test_yunnan_resident_rules_messages_name_the_first_three_offenders():
    many = [resident(name=f"企业{i}", entered_on="2022-01-01", established_on="2021-06-01") for i in range(5)]
    ok, message = check("yunnan.residence_period", facts(residents=many))
    assert not ok
    assert message.startswith("5 家入驻已超过 24 个月入驻时限：企业0（2022-01-01 入驻）")
    assert "企业2" in message and "企业3" not in message and message.endswith("等 5 家")


def test_yunnan_resident_rules_note_enterprises_registered_in_space():
    outside = resident(name="外地注册企业", registered_in_space=False)
    team = resident(name="未注册团队", kind="team", established_on=None, registered_in_space=False)
    assert passes("yunnan.registered_in_space", facts(residents=[team, resident()]))
    ok, message = check("yunnan.registered_in_space", facts(residents=[team, outside]))
    assert not ok and message == "1 家入驻企业注册地址不在众创空间内：外地注册企业"


def test_yunnan_thresholds_come_from_parameters():
    # A bureau override of a parameter moves the boundary: nothing is hard-coded.
    assert not check("yunnan.area", facts(), min_total_area_m2=621)[0]
    assert check("yunnan.area", facts(), min_total_area_m2=620)[0]


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
    # After 2026-04-03 no Yunnan policy is in force; a successor a bureau registers
    # does not inherit these criteria silently.
    assert registry.policy_in_force("yunnan", date(2026, 4, 4)) is None
    assert registry.policy_in_force("yunnan", date(2026, 4, 3)) is POLICY_2021
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
