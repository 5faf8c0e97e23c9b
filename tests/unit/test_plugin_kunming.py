"""昆明市 plugin (昆科发〔2017〕55号): every auto criterion at its boundary on both sides,
and the plugin's data through the registry.  Pure tests: no database."""
from __future__ import annotations

import copy
import json
from datetime import date
from pathlib import Path

import pytest

from core.facts import parse_facts
from core.policy import Citation, STEP_KINDS, CheckContext
from plugins.kunming import assessment, criteria, materials, steps, subsidies
from plugins.kunming.criteria import CRITERIA
from plugins.kunming.policy import DOC, POLICY_2017
from tests.conftest import installed_registry
from tests.factories import team_residents

BASE = json.loads((Path(__file__).parent.parent / "data" / "kunming-comprehensive-service.json").read_text("utf-8"))
AS_OF = date(2026, 11, 23)
PARAMS = {p.key: p.value for p in POLICY_2017.parameters}
BY_ID = {c.id: c for c in CRITERIA}


def make_facts(**changes):
    data = copy.deepcopy(BASE)
    data.update(changes)
    return parse_facts(data)


def check(criterion_id, as_of=AS_OF, params=None, **changes):
    return BY_ID[criterion_id].check(make_facts(**changes), CheckContext(as_of, params or PARAMS))


@pytest.fixture(scope="module")
def registry():
    return installed_registry("kunming")


# --- 第五条 (all categories) --------------------------------------------------------


@pytest.mark.parametrize("region", ["530112", "530102", "530181"])
def test_kunming_art5_1_registered_in_kunming_5301_passes(region):
    passed, message = check("kunming.legal_entity", registered_region=region)
    assert passed, message
    assert region in message and "企业" in message


@pytest.mark.parametrize("region", ["530301", "532504", "320302", "510112"])
def test_kunming_art5_1_registered_outside_kunming_fails(region):
    passed, message = check("kunming.legal_entity", registered_region=region)
    assert not passed
    assert f"注册地 {region} 不在昆明市" in message


@pytest.mark.parametrize("region", ["530112", "530102", "530181"])
def test_kunming_art5_space_in_kunming_5301_passes(region):
    """第五条（申请认定昆明市众创空间）: the space itself lies in 昆明 (5301xx)."""
    passed, message = check("kunming.space_location", space_region=region)
    assert passed and f"众创空间所在地 {region} 在昆明市内" in message


@pytest.mark.parametrize("region", ["530301", "532504", "320302"])
def test_kunming_art5_space_outside_kunming_fails_even_when_registered_there(region):
    """第五条: registered in 昆明 (530112) but the space elsewhere fails."""
    passed, message = check("kunming.space_location", space_region=region, registered_region="530112")
    assert not passed and f"众创空间所在地 {region} 不在昆明市" in message
    assert BY_ID["kunming.space_location"].citation.article == "第五条"
    assert check("kunming.legal_entity", space_region=region)[0]  # 第五条（一） reads the registration only


def test_kunming_art5_1_independent_legal_person_required():
    passed, message = check("kunming.legal_entity", independent_legal_person=False)
    assert not passed and "不具有独立法人资格" in message


@pytest.mark.parametrize("entity_type,ok", [("enterprise", True), ("institution", True), ("other", False)])
def test_kunming_art5_1_enterprise_or_institution_only(entity_type, ok):
    passed, message = check("kunming.legal_entity", entity_type=entity_type)
    assert passed is ok, message
    if not ok:
        assert "不是企事业单位" in message


def test_kunming_art5_3_six_full_months_passes_one_day_less_fails():
    """第五条（三）成立时间在半年以上: 满6个月 (calendar months, 6 included)."""
    passed, message = check("kunming.operating_time", space_opened_on="2026-05-23")
    assert passed, message
    assert "满 6 个月，不少于 6 个月" in message
    passed, message = check("kunming.operating_time", space_opened_on="2026-05-24")
    assert not passed
    assert "满 5 个月，不满 6 个月" in message


def test_kunming_art5_3_six_months_at_month_end():
    """第五条（三）: from 03-31, six months end on 09-30 (民法典 第202条: the month's last day)."""
    assert check("kunming.operating_time", as_of=date(2026, 9, 30), space_opened_on="2026-03-31")[0]
    assert not check("kunming.operating_time", as_of=date(2026, 9, 29), space_opened_on="2026-03-31")[0]


def test_kunming_art5_3_opened_after_as_of_fails():
    passed, message = check("kunming.operating_time", space_opened_on="2026-12-01")
    assert not passed and "满 0 个月" in message


def test_kunming_art5_5_mentors_1_passes_0_fails():
    passed, message = check("kunming.mentors", mentors=1)
    assert passed and "1 名" in message
    passed, message = check("kunming.mentors", mentors=0)
    assert not passed and "没有创业导师" in message


@pytest.mark.parametrize(
    ("hosted", "separate", "passes", "said"),
    [
        (True, True, True, "依托运营单位建设，建设运营财务单独核算"),
        (True, False, False, "依托运营单位建设，建设运营财务未单独核算"),
        (False, True, True, "不依托运营单位建设，不适用"),
        (False, False, True, "不依托运营单位建设，不适用"),
    ],
)
def test_kunming_art5_6_separate_accounting_asked_of_hosted_spaces_only(hosted, separate, passes, said):
    """第五条（六）"依托运营单位的，建设运营财务应单独核算": hosted × separate accounting."""
    passed, message = check("kunming.separate_accounting", hosted_by_operating_unit=hosted,
                            separate_accounting=separate)
    assert passed is passes
    assert said in message


def test_kunming_art5_6_absent_hosted_key_means_not_hosted():
    """第五条（六）: CONTRACTS §1 hosted_by_operating_unit absent = false, so no separate accounting is asked."""
    assert "hosted_by_operating_unit" not in BASE
    passed, message = check("kunming.separate_accounting", separate_accounting=False)
    assert passed and "不依托运营单位建设" in message


def test_kunming_art5_6_finance_management_is_for_the_experts():
    """第五条（六）财务管理规范: a manual criterion of the same item."""
    crit = BY_ID["kunming.finance_management"]
    assert crit.kind == "manual" and crit.check is None
    assert (crit.citation.article, crit.citation.item) == ("第五条", "（六）")
    assert BY_ID["kunming.separate_accounting"].citation == crit.citation


# --- 第六条 (技术支撑类) --------------------------------------------------------------


def test_kunming_art6_2_rd_facilities_required():
    assert check("kunming.rd_facilities", rd_facilities=True)[0]
    passed, message = check("kunming.rd_facilities", rd_facilities=False)
    assert not passed and message.startswith("不具有")


def test_kunming_art6_3_online_platform_required():
    assert check("kunming.online_platform", online_platform=True)[0]
    passed, message = check("kunming.online_platform", online_platform=False)
    assert not passed and "互联网线上平台" in message


# --- 第七条 (综合服务类) --------------------------------------------------------------


def test_kunming_art7_1_area_300_passes_299_fails():
    passed, message = check("kunming.area", total_area_m2=300, public_area_m2=30)
    assert passed and message == "场地面积 300㎡，不低于 300㎡（原则上）"
    passed, message = check("kunming.area", total_area_m2=299.9, public_area_m2=30)
    assert not passed and message == "场地面积 299.9㎡，低于 300㎡（原则上；专家可记录例外及理由）"
    passed, message = check("kunming.area", total_area_m2=299, public_area_m2=30)
    assert not passed and message == "场地面积 299㎡，低于 300㎡（原则上；专家可记录例外及理由）"


def test_kunming_art7_1_lease_3_years_passes_less_fails():
    passed, message = check("kunming.lease", premises_tenure="leased", lease_years=3)
    assert passed and "租赁期 3 年，不少于 3 年" in message
    passed, message = check("kunming.lease", premises_tenure="leased", lease_years=2.9)
    assert not passed and "租赁期 2.9 年，少于 3 年" in message


def test_kunming_art7_1_owned_premises_need_no_lease():
    passed, message = check("kunming.lease", premises_tenure="owned", lease_years=0)
    assert passed and message == "场地自有"


def test_kunming_art7_1_commercial_premises_excluded():
    assert check("kunming.not_commercial", commercial_premises=False)[0]
    passed, message = check("kunming.not_commercial", commercial_premises=True)
    assert not passed and "商业经营性场所" in message


def test_kunming_art7_1_public_area_10_percent_passes_below_fails():
    # 30 of 300 is exactly 10 % although 300 * 0.1 != 30.0 in floating point.
    passed, message = check("kunming.public_area", total_area_m2=300, public_area_m2=30)
    assert passed and "占众创空间面积 10%，不低于 10%" in message
    passed, message = check("kunming.public_area", total_area_m2=300, public_area_m2=29.9)
    # 9.967 % is not printed as "10%" next to "低于 10%": as many decimals as it takes
    assert not passed and message == "公共办公场所 29.9㎡，占众创空间面积 9.97%，低于 10%"
    assert check("kunming.public_area", total_area_m2=620, public_area_m2=62)[0]
    assert not check("kunming.public_area", total_area_m2=620, public_area_m2=61.9)[0]


def test_kunming_art7_2_ten_qualifying_residents_pass_nine_fail():
    passed, message = check("kunming.residents", residents=team_residents(10))
    assert passed and "符合要求的 10 个，不少于 10 个" in message
    # Nine qualifying do not make ten even with more residents that do not qualify.
    passed, message = check("kunming.residents", residents=team_residents(9, other=3))
    assert not passed
    assert message == "入驻小微企业或创业团队 12 个，其中经营项目符合要求的 9 个，少于 10 个"


@pytest.mark.parametrize("missing,label", [("registration", "工商注册"), ("legal", "法律法务"),
                                           ("finance", "金融服务"), ("policy", "政策咨询")])
def test_kunming_art7_3_each_of_the_four_services_required(missing, label):
    services = [s for s in ("registration", "legal", "finance", "policy") if s != missing]
    passed, message = check("kunming.services", services=services)
    assert not passed and label in message
    assert check("kunming.services", services=["registration", "legal", "finance", "policy"])[0]


def test_kunming_art7_3_events_1_passes_0_fails():
    passed, message = check("kunming.events", events_last_year=1)
    assert passed and "1 次" in message
    assert not check("kunming.events", events_last_year=0)[0]


def test_kunming_art7_4_investor_partner_1_passes_0_fails():
    passed, message = check("kunming.investors", investor_partners=1)
    assert passed and "1 家" in message
    assert not check("kunming.investors", investor_partners=0)[0]


def test_kunming_thresholds_come_from_parameters():
    """A bureau override of a 第七条（一） parameter is what the check reads."""
    params = {**PARAMS, "min_area_m2": 250}
    assert check("kunming.area", params=params, total_area_m2=260, public_area_m2=30)[0]
    assert not check("kunming.area", total_area_m2=260, public_area_m2=30)[0]


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


def auto_results(registry, category, facts, as_of=AS_OF):
    policy = registry.policy_in_force("kunming", as_of)
    ctx = CheckContext(as_of, {p.key: p.value for p in policy.parameters})
    return {c.id: c.check(facts, ctx) for c in registry.criteria("kunming", category, policy) if c.kind == "auto"}


def test_kunming_example_is_eligible_pending_review_for_comprehensive_service(registry):
    """The shared example (12 residents, 11 qualifying) passes every auto criterion on 2026-11-23."""
    results = auto_results(registry, "comprehensive_service", make_facts())
    assert results and all(ok for ok, _ in results.values()), results


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


def test_kunming_art7_does_not_bind_tech_support(registry):
    """A 技术支撑类 space with 50㎡, no lease, 2 residents and no events still passes every auto
    criterion: 第七条 binds 综合服务类 only, 第六条 the other way round."""
    small = make_facts(total_area_m2=50, public_area_m2=0, lease_years=1, commercial_premises=True,
                       residents=team_residents(2), services=[], events_last_year=0, investor_partners=0)
    assert all(ok for ok, _ in auto_results(registry, "tech_support", small).values())
    assert not all(ok for ok, _ in auto_results(registry, "comprehensive_service", small).values())
    no_lab = make_facts(rd_facilities=False, online_platform=False)
    assert all(ok for ok, _ in auto_results(registry, "comprehensive_service", no_lab).values())
    assert not all(ok for ok, _ in auto_results(registry, "tech_support", no_lab).values())


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


def test_kunming_art13_guidance_fund_100000_on_recognition(registry):
    rules = registry.subsidy_rules("kunming", POLICY_2017)
    municipal = [r for r in rules if r.matches("recognized", level="municipal")]
    assert [r.code for r in municipal] == ["kunming.guidance_fund", "kunming.listing_financing",
                                          "kunming.resource_sharing", "kunming.mentor_support",
                                          "kunming.priority"]
    fund = municipal[0]
    assert fund.amount_cny == 100_000 and fund.citation.article == "第十三条"
    assert sum(r.amount_cny or 0 for r in municipal) == 100_000
    assert all(r.amount_cny is None and r.note for r in municipal[1:])
    assert [r.citation.article for r in municipal[1:]] == ["第十四条", "第十五条", "第十六条", "第十七条"]
    assert not [r for r in rules if r.matches("recognized", level="provincial")]
    assert not [r for g in ("excellent", "good", "qualified", "unqualified")
                for r in rules if r.matches("evaluated", grade=g)]


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
