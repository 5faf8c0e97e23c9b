"""徐州市 plugin: 徐政发〔2016〕12号 encoded as data, checked against the text.

The opinion's recognition criteria live in 徐政发〔2015〕73号, which we do not have:
these tests pin down that nothing of it is invented — one manual criterion, no
threshold, no registration check; only where the space is (a city's title) — and that the money of 五（一） and the duties of 五（五）
are as printed.  Pure tests through the installed plugins.

What the policy answers on either side of its boundaries — the space in 3203xx or not, the
days in force, the awards per level and grade, the notice period, the standing — is in the
policy cases, plugins/xuzhou/cases/*.yaml (``zhongchuang policy-test --jurisdiction xuzhou``);
these tests keep what the cases cannot say: which criteria, parameters and citations exist.
"""
from __future__ import annotations

import pytest

from core.policy import STEP_KINDS
from plugins.xuzhou import assessment, criteria, materials, steps, subsidies
from plugins.xuzhou.policy import DOC, POLICY_2016
from tests.conftest import installed_registry

SUPPORT = "五、保障措施"


@pytest.fixture(scope="module")
def registry():
    return installed_registry("xuzhou")


def entitlements(rules, event, level=None, grade=None):
    return [(r.code, r.amount_cny) for r in rules if r.matches(event, level=level, grade=grade)]


def test_wu_5_a_manual_criterion_referring_to_73_and_the_space_in_xuzhou(registry):
    """五（五）: recognition follows 徐政发〔2015〕73号 (manual); the space lies in 徐州 (auto)."""
    found = registry.criteria("xuzhou", "key", POLICY_2016)
    assert [(c.id, c.kind) for c in found] == [("xuzhou.space_location", "auto"),
                                                ("xuzhou.recognition_conditions", "manual")]
    location, conditions = found
    assert conditions.check is None
    assert "徐政发〔2015〕73号" in conditions.title
    for c in found:
        assert (c.citation.document, c.citation.article, c.citation.item) == (DOC, SUPPORT, "（五）")
    assert POLICY_2016.criteria_document == "徐政发〔2015〕73号"


def test_no_invented_thresholds_or_registration_check():
    # 12号 sets no threshold and does not require registration in 徐州 (3203): the one auto
    # criterion reads where the space is, nothing else.
    autos = [c for c in criteria.CRITERIA if c.kind == "auto"]
    assert [c.id for c in autos] == ["xuzhou.space_location"]
    assert not any("registered" in c.id or "legal" in c.id for c in criteria.CRITERIA)
    by_key = {p.key: p for p in POLICY_2016.parameters}
    assert set(by_key) == {"evaluation_award_cny", "notice_days", "change_report_months"}
    change = by_key["change_report_months"]  # 12号 sets no period for change reports: the bureau's
    assert change.value is None and change.bureau_setting and change.citation is None
    notice = by_key["notice_days"]
    assert notice.value is None and notice.bureau_setting
    assert POLICY_2016.notice_days is None


def test_other_category_and_other_jurisdiction_get_nothing(registry):
    assert registry.criteria("xuzhou", "provincial", POLICY_2016) == []
    assert criteria.zc_criteria(jurisdiction="yunnan", category="key", policy=POLICY_2016) is None
    assert steps.zc_review_steps(jurisdiction="kunming", category="key", policy=POLICY_2016) is None
    assert subsidies.zc_subsidy_rules(jurisdiction="mile", policy=POLICY_2016) is None
    assert assessment.zc_assessment_scheme(jurisdiction="yunnan", policy=POLICY_2016) is None
    assert materials.zc_required_materials(jurisdiction="yunnan", category="key") is None


def test_wu_1_a_level_outside_national_provincial_municipal_gets_only_the_operating_subsidy(registry):
    # The 50 / 40 / 30 万元 per level are policy cases (cases/subsidies.yaml); a level the
    # command does not offer (county) must not match any of them.
    rules = registry.subsidy_rules("xuzhou", POLICY_2016)
    assert entitlements(rules, "recognized", level="county") == [("xuzhou.operating_subsidy", None)]


def test_wu_1_evaluation_award_is_approximate_and_the_bureau_may_adjust_it(registry):
    # The amounts per grade, with and without the bureau's setting, are policy cases
    # (cases/subsidies.yaml); here: the 20 万元左右 is the cited parameter the bureau adjusts.
    rules = registry.subsidy_rules("xuzhou", POLICY_2016)
    award = next(r for r in rules if r.code == "xuzhou.evaluation_award")
    assert award.setting_key == "evaluation_award_cny" and award.approximate
    assert "左右" in award.note and "调整" in award.note
    param = next(p for p in POLICY_2016.parameters if p.key == award.setting_key)
    assert param.value == award.amount_cny and param.citation == award.citation


def test_wu_1_operating_subsidies_have_no_fixed_amount(registry):
    rules = registry.subsidy_rules("xuzhou", POLICY_2016)
    operating = next(r for r in rules if r.code == "xuzhou.operating_subsidy")
    assert operating.amount_cny is None and operating.note
    for word in ("运行补助", "房租", "宽带网络", "公共软件", "公共技术服务平台"):
        assert word in operating.name


def test_every_subsidy_rule_cites_wu_1(registry):
    for r in registry.subsidy_rules("xuzhou", POLICY_2016):
        assert (r.citation.document, r.citation.article, r.citation.item) == (DOC, SUPPORT, "（一）")


def test_review_steps_generic_cited_to_wu_5_with_note(registry):
    found = registry.review_steps("xuzhou", "key", POLICY_2016)
    assert [(s.code, s.role, s.kind) for s in found] == [
        ("recommend", "recommender", "recommendation"),
        ("expert_review", "expert", "expert_review"),
        ("decide", "leader", "decision"),
        ("public_notice", "officer", "public_notice"),
        ("award", "officer", "award"),
    ]
    for s in found:
        assert s.kind in STEP_KINDS
        assert (s.citation.document, s.citation.item) == (DOC, "（五）")
        assert "徐政发〔2015〕73号" in s.note
        assert s.days is None


def test_assessment_duties_of_wu_5(registry):
    scheme = registry.assessment_scheme("xuzhou", POLICY_2016)
    assert (scheme.citation.document, scheme.citation.article, scheme.citation.item) == (DOC, SUPPORT, "（五）")
    assert scheme.dimensions == ()  # the indicator system is the bureau's; 12号 sets none
    texts = [t for t, _ in scheme.duties]
    assert any("统计报表制度" in t for t in texts)
    assert any("评价指标体系" in t and "动态管理" in t for t in texts)
    assert any("徐政发〔2015〕73号" in t for t in texts)
    for _, citation in scheme.duties:
        assert citation.document == DOC and citation.article == SUPPORT


def test_no_materials_known(registry):
    assert registry.required_materials("xuzhou", "key") == []
