"""A title's money as the bureau and the holder read it (issue 18).

The bureau's title page (/admin/titles/<id>) shows each entitlement's life — state, amounts, approval,
payment with its voucher, cancellation with its reason, overlap flags with the justification — linked to
the money desk, and the other support the same space or organisation received in the deployment with the
overlaps of 云政办发〔2016〕65号 四、组织实施 (十五) "避免多头重复支持" highlighted.  The holder's 我的称号
(/portal/titles) shows the states and the steps meant for him, not the bureau's internal file.  Reads are
scoped: another jurisdiction's officer or another applicant gets a 404.  Real HTTP, real database.
"""
from __future__ import annotations

from datetime import date

import pytest

from core.platform.extensions import db
from core.platform.models import ExternalTitle, SubsidyEntitlement, SupportFund
from tests.factories import REGIONS, login, make_org, make_space, make_title, make_user

CITE_13 = {"document": "昆科发〔2017〕55号", "article": "第十三条", "item": None}
CITE_9 = {"document": "云政办发〔2016〕65号", "article": "三、政策措施", "item": "（九）"}
INTERNAL = ("PZ-2026-0099", "重叠说明仅内部", "超预算理由仅内部")


def client_as(app, user):
    client = app.test_client()
    assert login(client, user).status_code == 302
    return client


def _entitlement(title=None, external=None, *, code, rule, kind, year, status, citation=CITE_13, **fields):
    space_id = title.space_id if title is not None else external.space_id
    row = SubsidyEntitlement(recognition_id=title.id if title is not None else None,
                             external_title_id=external.id if external is not None else None, space_id=space_id,
                             year=year, jurisdiction=code, rule_code=rule, kind=kind, amount_cny=100000,
                             citation=citation, status=status, **fields)
    db.session.add(row)
    db.session.commit()
    return row


@pytest.fixture
def money(app):
    """One space with a 昆明 title and a 云南 title, each with 建设引导资金-type money (the overlap of (十五)),
    a payment, a cancellation and a title won elsewhere; another organisation's 弥勒 money beside it."""
    org = make_org("两级支持运营单位", region=REGIONS["kunming"])
    space = make_space(org, "两级支持众创空间", region=REGIONS["kunming"])
    km = make_title("kunming", space, granted_on=date(2025, 6, 1), title="昆明市众创空间")
    yn = make_title("yunnan", space, granted_on=date(2026, 3, 1), title="云南省众创空间")
    officer = make_user("officer", ["kunming"])
    fund = SupportFund(jurisdiction="kunming", year=2026, name="昆明众创空间专项资金", amount_cny=1_000_000,
                       source="bureau", citation={})
    db.session.add(fund)
    db.session.commit()
    approved = _entitlement(km, code="kunming", rule="kunming.guidance_fund", kind="众创空间建设引导资金", year=2025,
                            status="approved", approved_amount_cny=90000, approved_on=date(2026, 4, 1),
                            approved_by_id=officer.id, fund_id=fund.id, budget_override_reason="超预算理由仅内部",
                            overlap_justification="重叠说明仅内部",
                            overlap_flags=[{"with": 0, "rule": "yunnan.same_space_funding", "message": "同类建设运营资金",
                                            "citation": {"document": "云政办发〔2016〕65号", "article": "四、组织实施",
                                                         "item": "（十五）"}}])
    paid = _entitlement(km, code="kunming", rule="kunming.listing_financing", kind="鼓励挂牌和融资", year=2025,
                        status="paid", approved_amount_cny=50000, approved_on=date(2026, 4, 2), paid_amount_cny=45000,
                        paid_on=date(2026, 5, 6), voucher_number="PZ-2026-0099", paying_body="昆明市财政局",
                        payment_difference_reason="按实际发生额拨付")
    cancelled = _entitlement(km, code="kunming", rule="kunming.resource_sharing", kind="科技资源开放共享", year=2025,
                             status="cancelled", cancelled_on=date(2026, 4, 3), cancel_reason="空间已停止运营")
    provincial = _entitlement(yn, code="yunnan", rule="yunnan.operating_subsidy", kind="房租、宽带网络费用补助",
                              year=2026, status="pending", citation=CITE_9)
    external = ExternalTitle(space_id=space.id, jurisdiction="kunming", level="national", awarding_body="科学技术部",
                             title="国家级众创空间", document_number="国科火字〔2025〕1号", granted_on=date(2025, 9, 1))
    db.session.add(external)
    db.session.commit()
    national = _entitlement(external=external, code="kunming", rule="kunming.national", kind="国家级众创空间奖励",
                            year=2025, status="approved", approved_amount_cny=300000, approved_on=date(2026, 1, 8))
    other_org = make_org("无关运营单位", region=REGIONS["mile"])
    foreign = make_title("mile", make_space(other_org, "无关众创空间"), title="弥勒无关称号")
    unrelated = _entitlement(foreign, code="mile", rule="mile.x", kind="无关补助", year=2025, status="approved",
                             approved_amount_cny=1, approved_on=date(2026, 1, 1))
    return {"km": km, "yn": yn, "officer": officer, "applicant": make_user("applicant", organisation=org),
            "approved": approved, "paid": paid, "cancelled": cancelled, "provincial": provincial,
            "national": national, "external": external, "foreign": foreign, "unrelated": unrelated,
            "other_applicant": make_user("applicant", organisation=other_org)}


def test_the_title_page_shows_each_entitlements_life(app, money):
    html = client_as(app, money["officer"]).get(f"/admin/titles/{money['km'].id}").get_data(as_text=True)
    approved, paid, cancelled = money["approved"], money["paid"], money["cancelled"]
    for row in (approved, paid, cancelled):
        assert f'id="entitlement-{row.id}"' in html and f'href="/admin/money/{row.id}"' in html
    assert "90,000" in html and "2026-04-01" in html and "昆明众创空间专项资金" in html
    assert "45,000" in html and "2026-05-06" in html and "PZ-2026-0099" in html and "昆明市财政局" in html
    assert "按实际发生额拨付" in html
    assert "2026-04-03" in html and "空间已停止运营" in html
    assert "重叠说明仅内部" in html and "超预算理由仅内部" in html and "同类建设运营资金" in html


def test_the_title_page_shows_the_other_support_with_the_overlap_of_article_15(app, money):
    """云政办发〔2016〕65号 (十五) 避免多头重复支持: the 云南 money of the same space is listed beside the 昆明 title's,
    the pair of 建设运营资金 flagged with its article; the title won elsewhere's money is listed too;
    another organisation's is not."""
    html = client_as(app, money["officer"]).get(f"/admin/titles/{money['km'].id}").get_data(as_text=True)
    provincial, national = money["provincial"], money["national"]
    assert f'<tr id="other-{provincial.id}" class="table-warning">' in html
    assert f'<tr id="entitlement-{money["approved"].id}" class="table-warning">' in html
    assert 'id="overlaps"' in html and "（十五）" in html
    assert "房租、宽带网络费用补助" in html and f'id="other-{national.id}"' in html and "国家级众创空间奖励" in html
    assert f'<tr id="other-{national.id}" class="table-warning">' not in html  # not the same kind of support
    assert "无关补助" not in html and f'other-{money["unrelated"].id}' not in html


def test_the_title_page_without_other_support_says_none(app):
    title = make_title("mile", title="独家称号")
    html = client_as(app, make_user("officer", ["mile"])).get(f"/admin/titles/{title.id}").get_data(as_text=True)
    assert 'id="no-other-support"' in html and 'id="overlaps"' not in html


def test_the_title_page_is_scoped(app, money):
    assert client_as(app, make_user("officer", ["mile"])).get(f"/admin/titles/{money['km'].id}").status_code == 404
    assert client_as(app, make_user("expert", ["kunming"])).get(f"/admin/titles/{money['km'].id}").status_code == 403
    assert client_as(app, money["applicant"]).get(f"/admin/titles/{money['km'].id}").status_code in (302, 403, 404)


def test_the_holder_reads_the_states_and_the_steps_meant_for_him(app, money):
    client = client_as(app, money["applicant"])
    for url in ("/portal/titles/", f"/portal/titles/{money['km'].id}"):
        html = client.get(url).get_data(as_text=True)
        approved, paid, cancelled = money["approved"], money["paid"], money["cancelled"]
        for row in (approved, paid, cancelled):
            assert f'id="money-{row.id}"' in html, url
        assert "90,000" in html and "2026-04-01" in html
        assert "45,000" in html and "2026-05-06" in html and "昆明市财政局" in html and "按实际发生额拨付" in html
        assert "2026-04-03" in html and "空间已停止运营" in html
        for secret in INTERNAL:
            assert secret not in html, (url, secret)
        assert "同类建设运营资金" not in html and "/admin/money/" not in html


def test_the_holder_sees_the_money_of_his_titles_won_elsewhere(app, money):
    html = client_as(app, money["applicant"]).get("/portal/titles/").get_data(as_text=True)
    assert f'id="external-{money["external"].id}"' in html and "国家级众创空间" in html and "国科火字〔2025〕1号" in html
    assert f'id="money-{money["national"].id}"' in html and "300,000" in html
    assert f'id="money-{money["provincial"].id}"' in html  # the 云南 title's pending money


def test_another_applicant_sees_none_of_it(app, money):
    client = client_as(app, money["other_applicant"])
    assert client.get(f"/portal/titles/{money['km'].id}").status_code == 404
    html = client.get("/portal/titles/").get_data(as_text=True)
    assert "众创空间建设引导资金" not in html and "国家级众创空间" not in html and 'id="external-titles"' not in html
    assert f'id="money-{money["unrelated"].id}"' in html  # his own


def test_english_mode_shows_the_labels_not_the_codes(app, money):
    for user, url in ((money["officer"], f"/admin/titles/{money['km'].id}"), (money["applicant"], "/portal/titles/")):
        client = client_as(app, user)
        client.get("/lang/en")
        html = client.get(url).get_data(as_text=True)
        assert "Approved, to be paid" in html and "Paid" in html and "Cancelled" in html and "Pending approval" in html
        for code in (">approved<", ">paid<", ">cancelled<", ">pending<", "status\">approved", "national<"):
            assert code not in html, (url, code)
