"""弥勒市 plugin (弥政办发〔2017〕5号 附件1): every auto criterion at its boundary on both
sides, and the plugin's data through the registry.  Pure tests: no database."""
from __future__ import annotations

import copy
import json
from datetime import date
from pathlib import Path

import pytest

from core.facts import make_uscc, parse_facts
from core.policy import STEP_KINDS, CheckContext
from plugins.mile import assessment, criteria, materials, steps, subsidies
from plugins.mile.criteria import CRITERIA
from plugins.mile.policy import DOC, POLICY_2017
from tests.conftest import installed_registry
from tests.factories import team_residents

# The Kunming example moved to 弥勒市 (532504): every auto criterion of 第五条 passes.
BASE = json.loads((Path(__file__).parent.parent / "data" / "kunming-comprehensive-service.json").read_text("utf-8"))
BASE.update(applicant_name="弥勒湖泉创新科技有限公司", uscc=make_uscc("532504"), registered_region="532504",
            space_name="湖泉创客空间", space_region="532504")
AS_OF = date(2026, 11, 23)
PARAMS = {p.key: p.value for p in POLICY_2017.parameters}
BY_ID = {c.id: c for c in CRITERIA}


def make_facts(**changes):
    data = copy.deepcopy(BASE)
    data.update(changes)
    return parse_facts(data)


def check(criterion_id, params=None, **changes):
    return BY_ID[criterion_id].check(make_facts(**changes), CheckContext(AS_OF, params or PARAMS))


@pytest.fixture(scope="module")
def registry():
    return installed_registry("mile")


# --- 第五条（一） --------------------------------------------------------------------


def test_mile_art5_1_registered_in_mile_532504_passes():
    passed, message = check("mile.legal_entity")
    assert passed and message == "注册地 532504 在弥勒市境内，具有独立法人资格的企业"


@pytest.mark.parametrize("region", ["532501", "532503", "530112", "532527"])
def test_mile_art5_1_registered_outside_mile_fails(region):
    passed, message = check("mile.legal_entity", registered_region=region)
    assert not passed and f"注册地 {region} 不在弥勒市（532504）境内" in message


def test_mile_art2_space_in_mile_532504_passes():
    """附件1 第二条（在弥勒市境内…提供创业场所）: the space itself lies in 弥勒 (532504)."""
    passed, message = check("mile.space_location", space_region="532504")
    assert passed and message == "众创空间所在地 532504 在弥勒市内"
    crit = BY_ID["mile.space_location"]
    assert (crit.kind, crit.citation.article, crit.citation.item) == ("auto", "第二条", None)


@pytest.mark.parametrize("region", ["532501", "532503", "530112", "532527"])
def test_mile_art2_space_outside_mile_fails_even_when_registered_there(region):
    """附件1 第二条: registered in 弥勒 but the space in 个旧/开远/昆明/泸西 fails."""
    passed, message = check("mile.space_location", space_region=region)
    assert not passed and f"众创空间所在地 {region} 不在弥勒市（行政区划代码 532504）内" in message
    assert check("mile.legal_entity", space_region=region)[0]  # 第五条（一） reads the registration only


def test_mile_art5_1_independent_legal_person_required():
    passed, message = check("mile.legal_entity", independent_legal_person=False)
    assert not passed and "不具有独立法人资格" in message


@pytest.mark.parametrize("entity_type,ok", [("enterprise", True), ("institution", True), ("other", False)])
def test_mile_art5_1_enterprise_or_institution_only(entity_type, ok):
    passed, message = check("mile.legal_entity", entity_type=entity_type)
    assert passed is ok, message


# --- 第五条（二） --------------------------------------------------------------------


def test_mile_art5_2_area_200_passes_below_fails():
    passed, message = check("mile.area", total_area_m2=200, public_area_m2=20)
    assert passed and message == "众创空间面积 200㎡，不低于 200㎡（原则上）"
    passed, message = check("mile.area", total_area_m2=199.9, public_area_m2=20)
    assert not passed and message == "众创空间面积 199.9㎡，低于 200㎡（原则上；专家可记录例外及理由）"
    assert not check("mile.area", total_area_m2=199, public_area_m2=20)[0]


def test_mile_art5_2_ten_qualifying_residents_pass_nine_fail():
    passed, message = check("mile.residents", residents=team_residents(10))
    assert passed and message == "入驻小微企业或创业团队 10 个，其中经营项目符合要求的 10 个，不少于 10 个"
    # Residents outside 高新技术领域 / 现代服务业 do not count towards the ten.
    passed, message = check("mile.residents", residents=team_residents(9, other=5))
    assert not passed and "14 个，其中经营项目符合要求的 9 个，少于 10 个" in message


def test_mile_art5_2_public_area_10_percent_passes_below_fails():
    passed, message = check("mile.public_area", total_area_m2=200, public_area_m2=20)
    assert passed and message == "公共办公场所 20㎡，占众创空间面积 10%，不低于 10%"
    passed, message = check("mile.public_area", total_area_m2=200, public_area_m2=19.9)
    assert not passed and message == "公共办公场所 19.9㎡，占众创空间面积 9.9%，低于 10%"
    # 300 * 0.1 is 30.000000000000004 in floating point: 30 of 300 is still 10 %.
    assert check("mile.public_area", total_area_m2=300, public_area_m2=30)[0]
    passed, message = check("mile.public_area", total_area_m2=1000, public_area_m2=99.9)
    assert not passed and message == "公共办公场所 99.9㎡，占众创空间面积 9.99%，低于 10%"


# --- 第五条（三） --------------------------------------------------------------------


def test_mile_art5_3_infrastructure_ready_to_move_in():
    assert check("mile.infrastructure", infrastructure_complete=True)[0]
    passed, message = check("mile.infrastructure", infrastructure_complete=False)
    assert not passed and "即入即开" in message


def test_mile_art5_3_rent_year1_free_passes_any_rent_fails():
    assert check("mile.rent", rent_ratio_year1=0)[0]
    passed, message = check("mile.rent", rent_ratio_year1=0.01)
    assert not passed and "第一年收取租金（市价的 1%），未免租金" in message


def test_mile_art5_3_rent_year2_30_percent_passes_above_fails():
    assert check("mile.rent", rent_ratio_year2=0.3)[0]
    assert check("mile.rent", rent_ratio_year2=0.1)[0]  # charging less than 30 % is allowed
    passed, message = check("mile.rent", rent_ratio_year2=0.31)
    assert not passed and message == "第二年租金为市价的 31%，高于 30%"
    passed, message = check("mile.rent", rent_ratio_year2=0.3004)  # just above: not printed as "30%"
    assert not passed and message == "第二年租金为市价的 30.04%，高于 30%"


def test_mile_art5_3_rent_year3_50_percent_passes_above_fails():
    assert check("mile.rent", rent_ratio_year3=0.5)[0]
    passed, message = check("mile.rent", rent_ratio_year3=0.51)
    assert not passed and message == "第三年租金为市价的 51%，高于 50%"


# --- 第五条（四）–（七） ----------------------------------------------------------------


def test_mile_art5_4_management_staff_5_passes_4_fails():
    passed, message = check("mile.management_staff", management_staff=5)
    assert passed and message == "管理服务人员 5 名，不少于 5 名"
    passed, message = check("mile.management_staff", management_staff=4)
    assert not passed and message == "管理服务人员 4 名，少于 5 名"


@pytest.mark.parametrize("missing,label", [("admission", "入驻评估准入"), ("finance", "财务管理"),
                                           ("operations", "日常管理服务")])
def test_mile_art5_5_each_management_rule_required(missing, label):
    rules = [r for r in ("admission", "finance", "operations") if r != missing] + ["safety"]
    passed, message = check("mile.management_rules", management_rules=rules)
    assert not passed and label in message
    assert check("mile.management_rules", management_rules=["admission", "finance", "operations"])[0]


def test_mile_art5_6_registration_service_required():
    assert check("mile.registration_service", services=["registration"])[0]
    passed, message = check("mile.registration_service", services=["legal", "roadshow"])
    assert not passed and message == "未提供工商注册服务"


def test_mile_art5_7_investor_partner_1_passes_0_fails():
    passed, message = check("mile.investors", investor_partners=1)
    assert passed and "1 家" in message
    assert not check("mile.investors", investor_partners=0)[0]


def test_mile_thresholds_come_from_parameters():
    params = {**PARAMS, "min_management_staff": 3}
    assert check("mile.management_staff", params=params, management_staff=3)[0]


def test_mile_art15_assessment_subsidy_is_a_bureau_setting_not_a_number():
    by_key = {p.key: p for p in POLICY_2017.parameters}
    subsidy = by_key["assessment_subsidy_cny"]
    assert subsidy.value is None and subsidy.bureau_setting and subsidy.citation.article == "第十五条"
    # 5号 sets no period for reporting a change of the conditions: the bureau's, never cited
    change = by_key["change_report_months"]
    assert change.value is None and change.bureau_setting and change.citation is None
    # 第十五条 "限期整改" names no length: the bureau's, cited to the article that orders it
    rectification = by_key["rectification_months"]
    assert rectification.value is None and rectification.bureau_setting and rectification.citation.article == "第十五条"
    others = [p for p in POLICY_2017.parameters if p not in (subsidy, change, rectification)]
    assert all(p.value is not None and not p.bureau_setting for p in others)
    assert all(p.citation.document == DOC and p.citation.article == "第五条" for p in others)


# --- through the registry -----------------------------------------------------------


def auto_results(registry, category, facts):
    policy = registry.policy_in_force("mile", AS_OF)
    ctx = CheckContext(AS_OF, {p.key: p.value for p in policy.parameters})
    return {c.id: c.check(facts, ctx) for c in registry.criteria("mile", category, policy) if c.kind == "auto"}


@pytest.mark.parametrize("category", ["comprehensive", "specialized"])
def test_mile_art5_base_facts_pass_every_auto_criterion(registry, category):
    results = auto_results(registry, category, make_facts())
    assert len(results) == 11 and all(ok for ok, _ in results.values()), results


def test_mile_art5_criteria_by_category(registry):
    common = ["mile.legal_entity", "mile.space_location", "mile.fixed_premises", "mile.area", "mile.residents",
              "mile.public_area", "mile.residents_fields", "mile.infrastructure", "mile.rent",
              "mile.free_services_year1", "mile.management_staff", "mile.staff_competence",
              "mile.management_rules", "mile.registration_service", "mile.service_plan", "mile.investors",
              "mile.investors_quality"]
    assert [c.id for c in registry.criteria("mile", "comprehensive", POLICY_2017)] == common
    # 专业型 is held to （一）–（七） as well, plus the closing sentence of 第五条.
    specialized = registry.criteria("mile", "specialized", POLICY_2017)
    assert [c.id for c in specialized] == common + ["mile.specialized_features"]
    extra = specialized[-1]
    assert extra.kind == "manual" and extra.citation.article == "第五条" and "突出特色和效果" in extra.title
    # the space's location is 附件1 第二条; every condition else is 第五条
    assert all(c.citation.article == "第五条" for c in specialized if c.id != "mile.space_location")


@pytest.mark.parametrize(("criterion_id", "item", "words"), [
    ("mile.fixed_premises", "（二）", "固定的办公场所"),
    ("mile.free_services_year1", "（三）", "免互联网费用"),
])
def test_mile_art5_2_fixed_premises_and_art5_3_free_internet_are_for_the_experts(registry, criterion_id, item,
                                                                                   words):
    """第五条（二）有固定的办公场所 and 第五条（三）第一年…免互联网费用: manual, cited to their items."""
    for category in ("comprehensive", "specialized"):
        crit = next(c for c in registry.criteria("mile", category, POLICY_2017) if c.id == criterion_id)
        assert (crit.kind, crit.check) == ("manual", None)
        assert (crit.citation.document, crit.citation.article, crit.citation.item) == (DOC, "第五条", item)
        assert words in crit.title


def test_mile_art4_art7_review_steps(registry):
    found = registry.review_steps("mile", "comprehensive", POLICY_2017)
    assert [(s.code, s.role, s.kind) for s in found] == [
        ("recommend", "recommender", "recommendation"),
        ("expert_review", "expert", "expert_review"),
        ("bureau_decision", "leader", "decision"),
        ("public_notice", "officer", "public_notice"),
        ("government_recognition", "officer", "decision"),
        ("award", "officer", "award"),
    ]
    assert [str(s.citation) for s in found] == [
        "弥政办发〔2017〕5号 第四条", "弥政办发〔2017〕5号 第七条", "弥政办发〔2017〕5号 第七条",
        "弥政办发〔2017〕5号 第七条", "弥政办发〔2017〕5号 附件2 填报须知六", "弥政办发〔2017〕5号 第七条"]
    assert all(s.kind in STEP_KINDS for s in found)
    assert found[3].days == 15 == POLICY_2017.notice_days
    assert [s.days for i, s in enumerate(found) if i != 3] == [None] * 5
    assert "弥科xxx众创空间" in found[5].name
    assert registry.review_steps("mile", "specialized", POLICY_2017) == found


def test_mile_art15_assessment_subsidy_without_amount(registry):
    rules = registry.subsidy_rules("mile", POLICY_2017)
    for grade in ("excellent", "good", "qualified"):
        [rule] = [r for r in rules if r.matches("evaluated", grade=grade)]
        assert rule.code == "mile.assessment_subsidy" and rule.amount_cny is None
        assert rule.setting_key == "assessment_subsidy_cny" and rule.citation.article == "第十五条"
    assert not [r for r in rules if r.matches("evaluated", grade="unqualified")]


def test_mile_art9_to_13_support_measures_carry_no_amount(registry):
    rules = registry.subsidy_rules("mile", POLICY_2017)
    municipal = [r for r in rules if r.matches("recognized", level="municipal")]
    # 州级 titles count as municipal: 实施意见 二（四） (省州级认定) is listed for them too
    assert [r.citation.article for r in municipal] == ["第九条", "第十条", "第十一条", "第十二条", "第十三条", "二"]
    provincial = [r for r in rules if r.matches("recognized", level="provincial")]
    assert [r.code for r in provincial] == ["mile.financial_support", "mile.service_improvement",
                                           "mile.resource_sharing", "mile.talent_support", "mile.project_funds"]
    assert all(r.amount_cny is None and r.note for r in rules)
    assert not [r for r in rules if r.matches("recognized", level="national")]


def test_mile_art15_assessment(registry):
    scheme = registry.assessment_scheme("mile", POLICY_2017)
    assert scheme.citation.article == "第十五条"
    assert [d.name for d in scheme.dimensions] == ["创业承载能力", "支撑服务能力", "社会协作能力"]
    assert scheme.removal_after_failed_years == 2 and scheme.ranking
    assert any("限期整改" in c for c in scheme.consequences)
    assert [c.article for _, c in scheme.duties] == ["第八条", "第十五条"]


def test_mile_art6_materials(registry):
    found = registry.required_materials("mile", "comprehensive")
    required = [(m.code, m.citation.item) for m in found if m.required]
    assert required == [("application_form", "（一）"), ("legal_person_proof", "（二）"),
                        ("operation_plan", "（三）"), ("annual_plan", "（四）")]
    assert all(m.citation.article == "第六条" for m in found if m.required)
    assert found[-1].code == "other" and found[-1].citation.item == "（五）" and not found[-1].required
    assert registry.required_materials("mile", "specialized") == found
    assert materials.required_materials() == found


def test_everything_cites_the_document(registry):
    policy = POLICY_2017
    items = [c.citation for cat in ("comprehensive", "specialized") for c in registry.criteria("mile", cat, policy)]
    items += [s.citation for s in registry.review_steps("mile", "comprehensive", policy)]
    items += [r.citation for r in registry.subsidy_rules("mile", policy)]
    items += [m.citation for m in registry.required_materials("mile", "comprehensive")]
    items += [registry.assessment_scheme("mile", policy).citation]
    assert items and all(c.document == "弥政办发〔2017〕5号" and c.article for c in items)
    for c in CRITERIA:
        assert c.id.startswith("mile.") and (c.kind == "auto") == (c.check is not None)


def test_mile_hooks_answer_only_for_mile():
    for hook in (lambda j: criteria.zc_criteria(jurisdiction=j, category="comprehensive", policy=POLICY_2017),
                 lambda j: steps.zc_review_steps(jurisdiction=j, category="comprehensive", policy=POLICY_2017),
                 lambda j: subsidies.zc_subsidy_rules(jurisdiction=j, policy=POLICY_2017),
                 lambda j: assessment.zc_assessment_scheme(jurisdiction=j, policy=POLICY_2017),
                 lambda j: materials.zc_required_materials(jurisdiction=j, category="comprehensive")):
        assert hook("kunming") is None
        assert hook("mile")


def test_form_sections_cite_only_what_annex_1_article_5_or_annex_2_asks():
    """弥政办发〔2017〕5号 附件1 第五条 asks area/public area (二), infrastructure and rent (三), 5
    management staff (四), services (六), investors (七); 附件2's 编写提纲 二 asks activity and
    financing counts.  Lease, workstations, seed fund, 单独核算 and last-year counts are asked by
    neither: one section 本局补充采集 without a citation."""
    from plugins.mile.forms import MileApplicationForm

    by_title = {s.title: s for s in MileApplicationForm.sections}
    cited = {s.title: (str(s.citation), s.fields) for s in MileApplicationForm.sections
             if s.citation and s.citation.article == "第五条"}
    assert cited == {
        "场地情况": ("弥政办发〔2017〕5号 第五条（二）", ("space_region", "public_area_m2")),
        "基础设施和入驻收费": ("弥政办发〔2017〕5号 第五条（三）", ("infrastructure_complete", "rent_ratio_year1",
                                                         "rent_ratio_year2", "rent_ratio_year3")),
        "管理服务人员": ("弥政办发〔2017〕5号 第五条（四）", ("management_staff",)),
        "创业服务功能": ("弥政办发〔2017〕5号 第五条（六）", ("services", "services_other")),
        "投资机构合作": ("弥政办发〔2017〕5号 第五条（七）", ("investor_partners",)),
    }
    assert by_title["具备的基础条件"].citation.article == "附件2"
    extra = by_title["本局补充采集"]
    assert extra.citation is None and "本局补充采集" in extra.note
    for name in ("lease_years", "workstations", "seed_fund", "separate_accounting",
                 "contracted_residents_last_year", "new_enterprises_last_year", "typical_cases_last_year"):
        assert name in extra.fields
    # every field still asked exactly once
    fields = [f for s in MileApplicationForm.sections for f in s.fields]
    assert len(fields) == len(set(fields))
