"""弥勒市 plugin (弥政办发〔2017〕5号 附件1): the plugin's code and data through the registry.
Pure tests: no database.

What the policy answers — every auto criterion at its boundary on both sides, the notice
period, the support and the standing after recognition — is in the policy cases
(plugins/mile/cases/*.yaml), run by `zhongchuang policy-test --jurisdiction mile` and by
tests/policy_cases/test_shipped_cases.py."""
from __future__ import annotations

import copy
from datetime import date
from pathlib import Path

import pytest

from core.facts import parse_facts
from core.policy import STEP_KINDS, CheckContext
from core.policy_cases.casefile import read_bases
from plugins.mile import assessment, criteria, materials, steps, subsidies
from plugins.mile.criteria import CRITERIA
from plugins.mile.policy import DOC, POLICY_2017
from tests.conftest import installed_registry

# The cases' complete 综合型 application: every auto criterion of 第五条 passes.
_BASES = Path(criteria.__file__).parent / "cases" / "bases.yaml"
BASE = read_bases(str(_BASES), _BASES.read_text("utf-8"))["综合型达标"]["facts"]
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


def test_mile_thresholds_come_from_parameters():
    """A criterion reads its threshold from the parameters (a bureau override), not a literal."""
    assert not check("mile.management_staff", management_staff=3)[0]
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


def test_mile_support_rules_cite_their_articles(registry):
    """Which support each event grants, and that none has a fixed amount, are policy cases
    (cases/subsidies.yaml); here, what a case does not compare: the article each rule cites,
    and that each says what the support is."""
    rules = registry.subsidy_rules("mile", POLICY_2017)
    assert {r.code: (r.citation.article, r.citation.item) for r in rules} == {
        "mile.assessment_subsidy": ("第十五条", None), "mile.fiscal_guidance": ("第九条", None),
        "mile.financial_support": ("第十条", None), "mile.service_improvement": ("第十一条", None),
        "mile.resource_sharing": ("第十二条", None), "mile.talent_support": ("第十三条", None),
        "mile.project_funds": ("二", "（四）")}
    assert all(r.note for r in rules)


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
