"""Duplicate support across jurisdictions (云政办发〔2016〕65号 四、组织实施 (十五) “避免多头重复支持”):
the rule is data (plugins/yunnan/support.py), flags pairs of the same kind of money for one space from
two jurisdictions of 云南, within the provincial bureau's N years (“内” includes N), and prohibits nothing."""
from __future__ import annotations

from datetime import date

from core.award import overlaps, support
from core.bureau.operations import set_bureau_setting
from core.platform.extensions import db
from core.platform.models import SubsidyEntitlement
from tests.factories import REGIONS, make_org, make_space, make_title

KUNMING_13 = {"document": "昆科发〔2017〕55号", "article": "第十三条", "item": None}
YUNNAN_9 = {"document": "云政办发〔2016〕65号", "article": "三、加大政策支持力度", "item": "（九）"}


def money(title, rule_code: str, kind: str, year: int, amount: int | None = 100_000, status: str = "pending",
          citation: dict | None = None) -> SubsidyEntitlement:
    row = SubsidyEntitlement(recognition_id=title.id, space_id=title.space_id, year=year, jurisdiction=title.jurisdiction,
                             rule_code=rule_code, kind=kind, amount_cny=amount, citation=citation or {}, status=status)
    db.session.add(row)
    db.session.commit()
    return row


def two_titles(space=None):
    space = space or make_space(make_org(region=REGIONS["kunming"]), region=REGIONS["kunming"])
    return make_title("kunming", space, granted_on=date(2024, 6, 1)), make_title("yunnan", space, granted_on=date(2025, 9, 1))


def test_十五_kunming_guidance_fund_and_yunnan_running_subsidy_of_one_space_overlap(app):
    kunming, yunnan = two_titles()
    a = money(kunming, "kunming.guidance_fund", "众创空间建设引导资金", 2024, citation=KUNMING_13)
    b = money(yunnan, "yunnan.operating_subsidy", "房租、宽带网络费用等补助", 2025, amount=None, citation=YUNNAN_9)
    found = overlaps.flags_for(a)
    assert [(o.first_id, o.second_id, o.rule.code) for o in found] == [(a.id, b.id, "yunnan.same_space_funding")]
    assert str(found[0].rule.citation) == "云政办发〔2016〕65号 四、组织实施（十五）"
    assert "昆明市2024年“众创空间建设引导资金”" in found[0].message and "不限年份" in found[0].message
    assert [(o.first_id, o.second_id) for o in overlaps.flags_for(b)] == [(a.id, b.id)]  # either side, one pair


def test_十五_support_that_is_not_money_for_the_space_is_not_compared(app):
    kunming, yunnan = two_titles()
    money(kunming, "kunming.listing_financing", "鼓励挂牌和融资", 2024, amount=None)
    b = money(yunnan, "yunnan.operating_subsidy", "房租补助", 2025, amount=None)
    assert overlaps.flags_for(b) == []


def test_十五_a_cancelled_entitlement_overlaps_nothing(app):
    kunming, yunnan = two_titles()
    money(kunming, "kunming.guidance_fund", "众创空间建设引导资金", 2024, status="cancelled")
    b = money(yunnan, "yunnan.operating_subsidy", "房租补助", 2025, amount=None)
    assert overlaps.flags_for(b) == []


def test_十五_two_spaces_of_one_organisation_are_not_the_same_space(app):
    org = make_org(region=REGIONS["kunming"])
    kunming = make_title("kunming", make_space(org, region=REGIONS["kunming"]))
    yunnan = make_title("yunnan", make_space(org, region=REGIONS["kunming"]))
    money(kunming, "kunming.guidance_fund", "众创空间建设引导资金", 2024)
    b = money(yunnan, "yunnan.operating_subsidy", "房租补助", 2025, amount=None)
    assert overlaps.flags_for(b) == []
    # … but the organisation's other support is what the officer is shown
    assert [r.rule_code for r in support.other_support(b)] == ["kunming.guidance_fund"]


def test_十五_xuzhou_is_not_governed_by_the_yunnan_opinion(app):
    space = make_space(make_org(region=REGIONS["xuzhou"]), region=REGIONS["xuzhou"])
    xuzhou = make_title("xuzhou", space)
    yunnan = make_title("yunnan", space)
    money(xuzhou, "xuzhou.operating_subsidy", "运行补助", 2024, amount=None)
    b = money(yunnan, "yunnan.operating_subsidy", "房租补助", 2024, amount=None)
    assert overlaps.flags_for(b) == []


def test_十五_years_within_the_bureaus_n_include_n_and_not_n_plus_one(app):
    """No document sets the years: the provincial bureau's overlap_years; 2022 and 2025 are within 3, 2021 is not."""
    set_bureau_setting("yunnan", "overlap_years", 3)
    kunming, yunnan = two_titles()
    b = money(yunnan, "yunnan.operating_subsidy", "房租补助", 2025, amount=None)
    inside = money(kunming, "kunming.guidance_fund", "众创空间建设引导资金", 2022)
    outside = money(kunming, "kunming.guidance_fund", "众创空间建设引导资金（旧）", 2021)
    flagged = {o.first_id if o.second_id == b.id else o.second_id for o in overlaps.flags_for(b)}
    assert flagged == {inside.id}
    assert outside.id not in flagged
    assert "（3年内）" in overlaps.flags_for(b)[0].message
    assert overlaps.years_within(2022, 2025, 3) and not overlaps.years_within(2021, 2025, 3)


def test_十五_one_jurisdiction_twice_is_not_two_levels(app):
    kunming, _yunnan = two_titles()
    money(kunming, "kunming.guidance_fund", "众创空间建设引导资金", 2024)
    b = money(kunming, "kunming.guidance_fund", "众创空间建设引导资金", 2025)
    assert overlaps.flags_for(b) == []


def test_十五_the_justification_recorded_on_approval_is_read_back_for_the_pair(app):
    kunming, yunnan = two_titles()
    a = money(kunming, "kunming.guidance_fund", "众创空间建设引导资金", 2024)
    b = money(yunnan, "yunnan.operating_subsidy", "房租补助", 2025, amount=None)
    flag = overlaps.flags_for(b)[0]
    b.overlap_flags = [flag.as_flag(b.id)]
    b.overlap_justification = "省级补助用于新建路演厅，与市级引导资金用途不同"
    b.status = "approved"
    db.session.commit()
    answer = support.support_answer(kunming.space.organisation.uscc)
    assert answer["overlaps"] == [{"entitlements": [0, 1], "rule": "yunnan.same_space_funding",
                                   "message": flag.message, "justification": "省级补助用于新建路演厅，与市级引导资金用途不同"}]
    assert flag.as_flag(b.id)["with"] == a.id
