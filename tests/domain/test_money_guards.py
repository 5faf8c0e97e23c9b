"""Guards an audit of the money desk asked for (issue 18): paying more than was approved spends the
fund beyond the approval (徐政发〔2016〕12号 五（一）: only a leader, never beyond what the fund has
left); a fund registered after approvals of its year takes them in; a text with a control
character is refused in words (PostgreSQL takes no NUL)."""
from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from core.money import funds, lifecycle
from core.money.lifecycle import MoneyRefused
from core.platform import clock
from core.platform.extensions import db
from core.platform.models import AuditEvent, SubsidyEntitlement
from tests.after_recognition_helpers import titled

TODAY = date(2026, 3, 2)
XUZHOU_AWARD = {"document": "徐政发〔2016〕12号", "article": "五", "item": "（一）"}


@pytest.fixture
def xuzhou():
    clock.freeze(TODAY)
    title, _applicant, officer, leader = titled("xuzhou", granted_on=date(2026, 1, 10))
    return title, officer, leader


def owed(title, amount: int = 300_000) -> SubsidyEntitlement:
    row = SubsidyEntitlement(recognition_id=title.id, space_id=title.space_id, year=2026, jurisdiction="xuzhou",
                             rule_code="xuzhou.award_municipal", kind="市级重点众创空间一次性奖励补助", amount_cny=amount,
                             citation=XUZHOU_AWARD, status="pending")
    db.session.add(row)
    db.session.commit()
    return row


def refused(call, *args, **kwargs) -> MoneyRefused:
    with pytest.raises(MoneyRefused) as told:
        call(*args, **kwargs)
    db.session.rollback()
    return told.value


def pay(e, actor, amount, reason="按实际发生额拨付"):
    return lifecycle.pay(e, actor, voucher_number="徐财拨〔2026〕1号", paid_on=TODAY, paid_amount=amount,
                         paying_body="徐州市财政局", difference_reason=reason)


def test_五_一_an_officer_may_pay_less_than_approved_not_more(app, xuzhou):
    title, officer, leader = xuzhou
    funds.open_fund("xuzhou", 2026, officer, amount=1_000_000)
    e = owed(title)
    lifecycle.approve(e, leader)
    told = refused(pay, e, officer, 300_001)
    assert told.key == "paid_amount" and "局领导" in told.message
    db.session.refresh(e)
    assert e.status == "approved"
    pay(e, officer, 299_999)
    assert (e.status, e.paid_amount_cny) == ("paid", 299_999)


def test_五_一_a_leader_pays_more_only_within_what_the_fund_has_left(app, xuzhou):
    title, officer, leader = xuzhou
    fund = funds.open_fund("xuzhou", 2026, officer, amount=310_000)
    e = owed(title)
    lifecycle.approve(e, leader)  # committed 300 000, remaining 10 000
    told = refused(pay, e, leader, 310_001)
    assert told.key == "paid_amount" and "市众创空间奖补资金" in told.message or "扶持资金" in told.message
    db.session.refresh(e)
    assert e.status == "approved"
    pay(e, leader, 310_000)  # exactly what is left: passes
    assert e.status == "paid" and funds.figures(fund).remaining == 0


def test_五_一_a_fund_registered_later_takes_in_the_approvals_of_its_year(app, xuzhou):
    title, officer, leader = xuzhou
    e = owed(title, 100)
    lifecycle.approve(e, leader)  # no fund yet: no limit
    assert e.fund_id is None
    fund = funds.open_fund("xuzhou", 2026, officer, amount=150)
    db.session.refresh(e)
    assert e.fund_id == fund.id
    figures = funds.figures(fund)
    assert (figures.committed, figures.remaining) == (100, 50)
    event = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "fund.open")).one()
    assert event.detail["charged_earlier_approvals"] == 1
    # … and an approval of another year is not taken in
    other = owed(title, 70)
    with clock.on(date(2025, 12, 31)):
        lifecycle.approve(other, leader)
    assert funds.figures(fund).committed == 100


@pytest.mark.parametrize("bad", ["abc\x00def", "\x00" * 5, "a\x07b"])
def test_a_control_character_is_refused_in_words_and_nothing_is_written(app, xuzhou, bad):
    title, officer, leader = xuzhou
    e = owed(title)
    told = refused(lifecycle.cancel, e, officer, bad)
    assert told.key == "reason" and "控制字符" in told.message
    db.session.refresh(e)
    assert e.status == "pending"
    lifecycle.cancel(e, officer, "第一行\n第二行\t制表")  # a new line and a tab are text
    assert e.status == "cancelled"
