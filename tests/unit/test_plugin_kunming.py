"""昆明市 plugin (昆科发〔2017〕55号): the plugin's data and code through the registry.

The policy's boundaries — every auto criterion on both sides, the notice period, the support and
the standing after recognition — are policy cases: plugins/kunming/cases/*.yaml, run by
``zhongchuang policy-test --jurisdiction kunming``.  Pure tests: no database."""
from __future__ import annotations

import pytest

from core.policy import Citation, STEP_KINDS
from plugins.kunming import assessment, criteria, materials, steps, subsidies
from plugins.kunming.criteria import CRITERIA
from plugins.kunming.policy import DOC, POLICY_2017
from tests.conftest import installed_registry

BY_ID = {c.id: c for c in CRITERIA}


@pytest.fixture(scope="module")
def registry():
    return installed_registry("kunming")


# --- the plugin's data ---------------------------------------------------------------


def test_kunming_art5_6_finance_management_is_for_the_experts():
    """第五条（六）财务管理规范: a manual criterion of the same item."""
    crit = BY_ID["kunming.finance_management"]
    assert crit.kind == "manual" and crit.check is None
    assert (crit.citation.article, crit.citation.item) == ("第五条", "（六）")
    assert BY_ID["kunming.separate_accounting"].citation == crit.citation


def test_every_parameter_cites_the_document_and_has_a_value():
    for p in POLICY_2017.parameters:
        if p.key in ("change_report_months", "rectification_months"):
            continue  # the bureau's own periods (below): no article sets one
        assert p.citation.document == DOC and p.citation.article
        assert p.value is not None and not p.bureau_setting


def test_the_change_report_period_is_the_bureaus_setting_never_cited_as_policy():
    """55号 sets no period for reporting a change of the conditions of recognition."""
    period = next(p for p in POLICY_2017.parameters if p.key == "change_report_months")
    assert period.value is None and period.bureau_setting and period.citation is None


def test_art18_rectification_has_no_length_so_the_bureau_sets_it():
    """第十八条: 考核不合格的提出限期整改 — no length: a bureau setting, cited to the article that orders it."""
    period = next(p for p in POLICY_2017.parameters if p.key == "rectification_months")
    assert period.value is None and period.bureau_setting and period.citation == Citation(DOC, "第十八条")
    assert "未规定期限" in period.reading


# --- through the registry -----------------------------------------------------------


def test_kunming_art6_art7_criteria_by_category(registry):
    art5 = ["kunming.legal_entity", "kunming.space_location", "kunming.service_theme", "kunming.operating_time", "kunming.service_team",
            "kunming.mentors", "kunming.mentor_team", "kunming.separate_accounting",
            "kunming.finance_management"]
    art6 = ["kunming.rd_conditions", "kunming.rd_facilities", "kunming.custom_services",
            "kunming.online_platform", "kunming.platform_sharing"]
    art7 = ["kunming.area", "kunming.lease", "kunming.not_commercial", "kunming.public_area",
            "kunming.public_facilities", "kunming.residents", "kunming.residents_lawful", "kunming.services",
            "kunming.events", "kunming.events_regular", "kunming.investors", "kunming.investors_stable"]
    ids = {cat: [c.id for c in registry.criteria("kunming", cat, POLICY_2017)]
           for cat in ("tech_support", "comprehensive_service")}
    assert ids["tech_support"] == art5 + art6
    assert ids["comprehensive_service"] == art5 + art7
    for cat, article in (("tech_support", "第六条"), ("comprehensive_service", "第七条")):
        extra = [c for c in registry.criteria("kunming", cat, POLICY_2017) if c.id not in art5]
        assert {c.citation.article for c in extra} == {article}


def test_kunming_art10_to_12_review_steps(registry):
    found = registry.review_steps("kunming", "comprehensive_service", POLICY_2017)
    assert [(s.code, s.role, s.kind) for s in found] == [
        ("district_review", "recommender", "initial_review"),
        ("district_recommend", "recommender", "recommendation"),
        ("expert_review", "expert", "expert_review"),
        ("bureau_decision", "leader", "decision"),
        ("public_notice", "officer", "public_notice"),
        ("award", "officer", "award"),
    ]
    assert [s.citation.article for s in found] == ["第十条", "第十条", "第十一条", "第十一条", "第十一条", "第十二条"]
    assert all(s.kind in STEP_KINDS for s in found)
    notice = found[4]
    assert notice.days == 7 == POLICY_2017.notice_days
    assert [s.days for s in found if s is not notice] == [None] * 5
    assert "昆明市众创空间" in found[5].name
    assert registry.review_steps("kunming", "tech_support", POLICY_2017) == found


def test_kunming_art13_to_17_support_cites_its_article(registry):
    """Amounts, totals and which events grant them are policy cases (cases/subsidies.yaml); here
    each rule's citation and note, which a case does not state."""
    rules = [r for r in registry.subsidy_rules("kunming", POLICY_2017) if r.matches("recognized", level="municipal")]
    assert [(r.code, r.citation.article) for r in rules] == [
        ("kunming.guidance_fund", "第十三条"), ("kunming.listing_financing", "第十四条"),
        ("kunming.resource_sharing", "第十五条"), ("kunming.mentor_support", "第十六条"),
        ("kunming.priority", "第十七条")]
    assert all(r.note for r in rules)


def test_kunming_art18_assessment(registry):
    scheme = registry.assessment_scheme("kunming", POLICY_2017)
    assert scheme.citation.article == "第十八条"
    assert [d.name for d in scheme.dimensions] == ["集聚能力", "服务能力", "融资能力", "孵化成果"]
    assert scheme.removal_after_failed_years is None and not scheme.ranking
    assert any("限期整改" in c for c in scheme.consequences)
    assert any("整改不合格" in c and "取消" in c for c in scheme.consequences)


def test_kunming_art9_materials(registry):
    for cat, article in (("tech_support", "第六条"), ("comprehensive_service", "第七条")):
        found = registry.required_materials("kunming", cat)
        assert [m.code for m in found] == ["application_form", "criteria_proofs", "operation_plan",
                                           "annual_plan", "other"]
        assert [m.citation.item for m in found] == ["（一）", "（二）", "（三）", "（四）", "（五）"]
        assert [m.required for m in found] == [True, True, True, True, False]
        assert article in found[1].name and "第五条" in found[1].name


def test_everything_cites_the_document(registry):
    policy = POLICY_2017
    items = [c.citation for cat in ("tech_support", "comprehensive_service")
             for c in registry.criteria("kunming", cat, policy)]
    items += [s.citation for s in registry.review_steps("kunming", "tech_support", policy)]
    items += [r.citation for r in registry.subsidy_rules("kunming", policy)]
    items += [m.citation for m in registry.required_materials("kunming", "tech_support")]
    items += [registry.assessment_scheme("kunming", policy).citation]
    items += [c for _, c in registry.assessment_scheme("kunming", policy).duties]
    assert items and all(c.document == "昆科发〔2017〕55号" and c.article.startswith("第") for c in items)
    for c in CRITERIA:
        assert c.id.startswith("kunming.") and (c.kind == "auto") == (c.check is not None)


def test_kunming_hooks_answer_only_for_kunming():
    for hook in (lambda j: criteria.zc_criteria(jurisdiction=j, category="tech_support", policy=POLICY_2017),
                 lambda j: steps.zc_review_steps(jurisdiction=j, category="tech_support", policy=POLICY_2017),
                 lambda j: subsidies.zc_subsidy_rules(jurisdiction=j, policy=POLICY_2017),
                 lambda j: assessment.zc_assessment_scheme(jurisdiction=j, policy=POLICY_2017),
                 lambda j: materials.zc_required_materials(jurisdiction=j, category="tech_support")):
        assert hook("mile") is None
        assert hook("kunming")
