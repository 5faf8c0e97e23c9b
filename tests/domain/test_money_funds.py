"""Support funds (core.money.funds): 徐政发〔2016〕12号 五（一） “设立 2000 万元的市众创空间奖补资金” — the
document's amount by default, cited; another amount is the bureau's (本局设定) with the document
still cited; where no document sets up a fund (昆明, 弥勒) the bureau's own amount.
"""
from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from core.money import funds, lifecycle
from core.money.funds import FundRefused
from core.platform import clock
from core.platform.extensions import db
from core.platform.models import AuditEvent, SubsidyEntitlement, SupportFund
from tests.after_recognition_helpers import titled
from tests.factories import make_user

TODAY = date(2026, 3, 2)


def refused(call, *args, **kwargs) -> FundRefused:
    with pytest.raises(FundRefused) as told:
        call(*args, **kwargs)
    db.session.rollback()
    return told.value


@pytest.fixture(autouse=True)
def _today():
    clock.freeze(TODAY)


def test_xuzhou_五_一_the_documents_2000_wan_by_default_cited(app):
    officer = make_user("officer", ["xuzhou"])
    fund = funds.open_fund("xuzhou", 2026, officer)
    assert (fund.amount_cny, fund.source, fund.name) == (20_000_000, "policy", "市众创空间奖补资金")
    assert fund.citation["document"] == "徐政发〔2016〕12号" and fund.citation["item"] == "（一）"
    assert funds.source_text(fund).startswith("文件规定（徐政发〔2016〕12号")
    assert funds.figures(fund) == funds.Figures(20_000_000, 0, 0) and funds.figures(fund).remaining == 20_000_000
    event = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "fund.open")).one()
    assert event.detail["amount"] == 20_000_000 and event.jurisdiction == "xuzhou"


def test_xuzhou_五_一_another_amount_is_the_bureaus_the_document_still_cited(app):
    leader = make_user("leader", ["xuzhou"])
    fund = funds.open_fund("xuzhou", 2026, leader, amount="8,000,000", note="2026 年预算")
    assert (fund.amount_cny, fund.source) == (8_000_000, "bureau") and fund.citation["document"] == "徐政发〔2016〕12号"
    assert "本局设定" in funds.source_text(fund) and "徐政发〔2016〕12号" in funds.source_text(fund)
    funds.amend_fund(fund, leader, 20_000_000, "按文件金额")
    assert fund.source == "policy"


def test_where_no_document_sets_up_a_fund_the_bureau_enters_its_amount(app):
    officer = make_user("officer", ["kunming"])
    told = refused(funds.open_fund, "kunming", 2026, officer)
    assert told.key == "amount" and "文件未规定资金金额" in told.message
    fund = funds.open_fund("kunming", 2026, officer, amount=1_500_000, name="众创空间建设引导资金")
    assert (fund.source, fund.citation, funds.source_text(fund)) == ("bureau", {}, "本局设定（无文件规定资金金额）")


@pytest.mark.parametrize("year", ["1999", "2028", "abc", "", "２０２６"])
def test_the_year_is_a_year_from_2000_to_next_year(app, year):
    assert refused(funds.open_fund, "xuzhou", year, make_user("officer", ["xuzhou"])).key == "year"


def test_next_year_may_be_registered_in_advance_and_a_year_only_once(app):
    officer = make_user("officer", ["xuzhou"])
    funds.open_fund("xuzhou", "2027", officer)
    assert "已登记" in refused(funds.open_fund, "xuzhou", 2027, officer).message


@pytest.mark.parametrize("role, codes", [("admin", ()), ("officer", ("kunming",)), ("expert", ("xuzhou",)),
                                         ("recommender", ("xuzhou",))])
def test_only_the_jurisdictions_officers_and_leaders_register_funds(app, role, codes):
    assert refused(funds.open_fund, "xuzhou", 2026, make_user(role, codes)).key == "action"
    assert db.session.scalar(select(SupportFund.id)) is None


@pytest.mark.parametrize("amount", ["0", "-1", "3.5", "abc", 2_000_000_001])
def test_the_amount_is_a_positive_whole_number_of_yuan(app, amount):
    assert refused(funds.open_fund, "xuzhou", 2026, make_user("officer", ["xuzhou"]), amount=amount).key == "amount"


def test_amend_is_audited_needs_a_reason_and_never_goes_below_committed_and_paid(app):
    title, _a, officer, leader = titled("xuzhou", granted_on=date(2026, 1, 10))
    fund = funds.open_fund("xuzhou", 2026, officer, amount=1_000_000)
    for amount, rule in ((300_000, "a"), (400_000, "b")):
        db.session.add(SubsidyEntitlement(recognition_id=title.id, space_id=title.space_id, year=2026,
                                          jurisdiction="xuzhou", rule_code=rule, kind="奖励", amount_cny=amount,
                                          citation={}, status="pending"))
    db.session.commit()
    first, second = db.session.scalars(select(SubsidyEntitlement).order_by(SubsidyEntitlement.id)).all()
    lifecycle.approve(first, leader)
    lifecycle.approve(second, leader)
    lifecycle.pay(second, officer, voucher_number="V", paid_on=TODAY, paid_amount=400_000, paying_body="财政局")
    assert funds.figures(fund) == funds.Figures(1_000_000, 300_000, 400_000)
    assert refused(funds.amend_fund, fund, officer, 700_000, "").key == "reason"
    told = refused(funds.amend_fund, fund, officer, 699_999, "预算调减")
    assert told.key == "amount" and "700,000" in told.message
    funds.amend_fund(fund, officer, 700_000, "预算调减")
    assert funds.figures(fund).remaining == 0 and fund.source == "bureau"
    event = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "fund.amend")).one()
    assert (event.detail["amount_before"], event.detail["amount"], event.opinion) == (1_000_000, 700_000, "预算调减")
    assert refused(funds.amend_fund, fund, make_user("officer", ["kunming"]), 800_000, "x").key == "action"
    assert funds.visible_fund(make_user("officer", ["kunming"]), fund.id) is None
    assert funds.visible_fund(make_user("leader", ["xuzhou"]), fund.id) is fund
