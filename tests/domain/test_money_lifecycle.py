"""An entitlement's life (core.money.lifecycle) on a real database: pending → approved → paid, or
cancelled; who approves (本局设定, default the leader); the budget of 徐政发〔2016〕12号 五（一）; the
overlap flag of 云政办发〔2016〕65号 (十五); scoping; the race of two approvers.
"""
from __future__ import annotations

import threading
from datetime import date

import pytest
from sqlalchemy import func, select

from core.bureau.data import SUPPORT_APPROVER
from core.bureau.operations import set_bureau_setting
from core.money import funds, lifecycle
from core.money.lifecycle import MoneyRefused
from core.platform import clock
from core.platform.extensions import db
from core.platform.models import AuditEvent, SubsidyEntitlement, User
from tests.after_recognition_helpers import titled
from tests.factories import make_org, make_space, make_title, make_user

TODAY = date(2026, 3, 2)
XUZHOU_AWARD = {"document": "徐政发〔2016〕12号", "article": "五", "item": "（一）"}


def owed(title, amount: int | None = 300_000, rule: str = "xuzhou.award_municipal", kind: str = "市级重点众创空间一次性奖励补助",
         year: int | None = None, citation: dict | None = None) -> SubsidyEntitlement:
    row = SubsidyEntitlement(recognition_id=title.id, space_id=title.space_id, year=year or title.granted_on.year,
                             jurisdiction=title.jurisdiction, rule_code=rule, kind=kind, amount_cny=amount,
                             citation=citation or XUZHOU_AWARD, status="pending")
    db.session.add(row)
    db.session.commit()
    return row


def actions(e) -> list[str]:
    return list(db.session.scalars(select(AuditEvent.action).where(
        AuditEvent.object_type == "SubsidyEntitlement", AuditEvent.object_id == str(e.id)).order_by(AuditEvent.id)))


def refused(call, *args, **kwargs) -> MoneyRefused:
    with pytest.raises(MoneyRefused) as told:
        call(*args, **kwargs)
    db.session.rollback()
    return told.value


@pytest.fixture
def xuzhou():
    clock.freeze(TODAY)
    title, _applicant, officer, leader = titled("xuzhou", granted_on=date(2026, 1, 10))
    return title, officer, leader


def test_xuzhou_五_一_pending_approved_paid_each_step_audited(app, xuzhou):
    title, officer, leader = xuzhou
    e = owed(title)
    lifecycle.approve(e, leader)
    assert (e.status, e.approved_amount_cny, e.approved_on, e.approved_by_id) == ("approved", 300_000, TODAY, leader.id)
    assert e.fund_id is None  # no fund registered: not limited by one
    lifecycle.pay(e, officer, voucher_number="徐财拨〔2026〕18号", paid_on=TODAY, paid_amount=300_000,
                  paying_body="徐州市财政局")
    assert (e.status, e.paid_amount_cny, e.voucher_number, e.paid_by_id) == ("paid", 300_000, "徐财拨〔2026〕18号",
                                                                             officer.id)
    assert e.payment_difference_reason is None
    assert actions(e) == ["subsidy.approve", "subsidy.pay"]
    told = refused(lifecycle.cancel, e, leader, "误发")
    assert "已支付的补助不能取消" in told.message and e.status == "paid"


def test_pending_and_approved_are_cancelled_with_a_reason_paid_is_not(app, xuzhou):
    title, officer, leader = xuzhou
    pending, approved = owed(title), owed(title, rule="xuzhou.award_provincial", amount=400_000)
    assert refused(lifecycle.cancel, pending, officer, "  ").key == "reason"
    lifecycle.cancel(pending, officer, "称号信息有误，重新核定")
    assert (pending.status, pending.cancel_reason, pending.cancelled_by_id) == ("cancelled", "称号信息有误，重新核定",
                                                                               officer.id)
    lifecycle.approve(approved, leader)
    lifecycle.cancel(approved, leader, "空间已停止运营")
    assert approved.status == "cancelled" and actions(approved) == ["subsidy.approve", "subsidy.cancel_by_officer"]
    assert "已取消" in refused(lifecycle.cancel, approved, leader, "again").message
    assert refused(lifecycle.approve, pending, leader).key == "action"
    assert "已审批的补助" in refused(lifecycle.pay, pending, officer, voucher_number="v", paid_on=TODAY,
                                    paid_amount=1, paying_body="b").message


def test_xuzhou_五_一_paid_amount_equal_needs_no_reason_one_yuan_more_needs_one(app, xuzhou):
    """徐州 “20万元左右” (五（一）) is approximate: the amount paid may differ, only with a reason."""
    title, officer, leader = xuzhou
    equal, more = owed(title, amount=200_000), owed(title, amount=200_000, rule="xuzhou.evaluation_award")
    for e in (equal, more):
        lifecycle.approve(e, leader)
    lifecycle.pay(equal, officer, voucher_number="V-1", paid_on=TODAY, paid_amount="200000", paying_body="市财政局")
    assert equal.status == "paid" and equal.payment_difference_reason is None
    told = refused(lifecycle.pay, more, officer, voucher_number="V-2", paid_on=TODAY, paid_amount=200_001,
                   paying_body="市财政局")
    assert told.key == "difference_reason" and "200,001" in told.message and more.status == "approved"
    # more than approved: the leader records it (an officer may pay less, not more: test_money_guards)
    lifecycle.pay(more, leader, voucher_number="V-2", paid_on=TODAY, paid_amount=200_001, paying_body="市财政局",
                  difference_reason="按市科技局确定的实际金额拨付")
    assert (more.paid_amount_cny, more.payment_difference_reason) == (200_001, "按市科技局确定的实际金额拨付")


@pytest.mark.parametrize("field, value, key", [
    ("voucher_number", " ", "voucher_number"),
    ("paid_on", date(2026, 3, 3), "paid_on"),       # tomorrow
    ("paid_on", date(2026, 3, 1), "paid_on"),       # before the approval
    ("paid_on", "2026-03-02", "paid_on"),           # not a day
    ("paid_amount", "0", "paid_amount"),
    ("paid_amount", "-5", "paid_amount"),
    ("paid_amount", "1.5", "paid_amount"),
    ("paid_amount", 10**12, "paid_amount"),
    ("paying_body", "", "paying_body"),
])
def test_payment_fields_are_checked_and_nothing_is_written(app, xuzhou, field, value, key):
    title, officer, leader = xuzhou
    e = owed(title)
    lifecycle.approve(e, leader)
    data = {"voucher_number": "V-9", "paid_on": TODAY, "paid_amount": 300_000, "paying_body": "徐州市财政局", field: value}
    assert refused(lifecycle.pay, e, officer, **data).key == key
    db.session.expire_all()
    assert e.status == "approved" and e.paid_on is None and actions(e) == ["subsidy.approve"]


def test_paid_on_the_day_of_approval_and_today_both_pass(app, xuzhou):
    title, officer, leader = xuzhou
    e = owed(title)
    lifecycle.approve(e, leader)
    lifecycle.pay(e, officer, voucher_number="V", paid_on=TODAY, paid_amount=300_000, paying_body="财政局")
    assert e.paid_on == TODAY == e.approved_on


def test_approver_is_the_leader_by_default_the_officer_when_the_bureau_sets_it_never_the_admin(app, xuzhou):
    """No document says who approves: 本局设定 ``support_officer_approves``, default the leader."""
    title, officer, leader = xuzhou
    e = owed(title)
    assert lifecycle.approver_role("xuzhou") == "leader"
    assert "局领导审批" in refused(lifecycle.approve, e, officer).message
    assert "系统管理员" in refused(lifecycle.approve, e, make_user("admin")).message
    set_bureau_setting("xuzhou", SUPPORT_APPROVER, True, document="徐科发〔2026〕1号", actor=leader)
    assert lifecycle.approver_role("xuzhou") == "officer" and lifecycle.may_approve(leader, e)
    lifecycle.approve(e, officer)
    assert e.status == "approved" and e.approved_by_id == officer.id
    assert "系统管理员" in refused(lifecycle.pay, e, make_user("admin"), voucher_number="V", paid_on=TODAY,
                                   paid_amount=300_000, paying_body="b").message


def test_another_jurisdictions_staff_can_neither_see_nor_act(app, xuzhou):
    title, _officer, _leader = xuzhou
    e = owed(title)
    stranger, other_leader = make_user("officer", ["kunming"]), make_user("leader", ["mile"])
    assert lifecycle.visible(stranger, e.id) is None and lifecycle.visible(other_leader, e.id) is None
    for user in (stranger, other_leader):
        assert refused(lifecycle.approve, e, user).key == "action"
        assert refused(lifecycle.cancel, e, user, "x").key == "action"
    assert lifecycle.visible(make_user("admin"), e.id) is not None
    assert lifecycle.visible(make_user("applicant", organisation=make_org()), e.id) is None
    assert e.status == "pending"


def test_no_amount_fixed_the_approver_enters_the_bureaus_or_approves_support_in_kind(app):
    """云政办发〔2016〕65号 (九) fixes no amount: 本局确定的金额, or support in kind that is never paid."""
    clock.freeze(TODAY)
    title, _a, officer, leader = titled("yunnan", granted_on=date(2026, 1, 5))
    cite_nine = {"document": "云政办发〔2016〕65号", "article": "三、", "item": "（九）"}
    money = owed(title, amount=None, rule="yunnan.tax_incentives", kind="补助", citation=cite_nine)
    in_kind = owed(title, amount=None, rule="yunnan.financial_support", kind="金融支持", citation=cite_nine)
    assert refused(lifecycle.approve, money, leader, amount="12.5").key == "amount"
    lifecycle.approve(money, leader, amount="80,000")
    assert money.approved_amount_cny == 80_000
    lifecycle.approve(in_kind, leader)
    assert in_kind.status == "approved" and in_kind.approved_amount_cny is None
    assert not lifecycle.may_pay(officer, in_kind)
    assert "非资金支持" in refused(lifecycle.pay, in_kind, officer, voucher_number="V", paid_on=TODAY,
                                   paid_amount=1, paying_body="b").message


def test_an_amount_fixed_by_the_document_is_not_changed_at_approval(app, xuzhou):
    title, _officer, leader = xuzhou
    e = owed(title)
    told = refused(lifecycle.approve, e, leader, amount=299_999)
    assert told.key == "amount" and "300,000" in told.message and e.status == "pending"
    lifecycle.approve(e, leader, amount="300000")
    assert e.approved_amount_cny == 300_000


# --- the budget: 徐政发〔2016〕12号 五（一） 2000 万元 市众创空间奖补资金 ----------------------------------

def test_xuzhou_五_一_exactly_the_remaining_amount_passes_one_yuan_more_is_refused_naming_the_fund(app, xuzhou):
    title, officer, leader = xuzhou
    fund = funds.open_fund("xuzhou", 2026, officer, amount=700_000)
    first = owed(title, amount=400_000, rule="xuzhou.award_provincial")
    lifecycle.approve(first, leader)
    assert first.fund_id == fund.id and funds.figures(fund).remaining == 300_000
    exact = owed(title, amount=300_000)
    over = owed(title, amount=300_001, rule="xuzhou.evaluation_award")
    told = refused(lifecycle.approve, over, leader)
    assert told.key == "budget" and "市众创空间奖补资金" in told.message and "徐政发〔2016〕12号 五、保障措施（一）" in told.message
    assert "余额 300,000 元" in told.message and "300,001" in told.message and over.status == "pending"
    lifecycle.approve(exact, leader)
    assert funds.figures(fund).remaining == 0 and (exact.status, exact.fund_id) == ("approved", fund.id)


def test_xuzhou_五_一_a_leaders_override_with_a_reason_passes_and_is_audited_an_officers_is_refused(app, xuzhou):
    title, officer, leader = xuzhou
    set_bureau_setting("xuzhou", SUPPORT_APPROVER, True, actor=leader)
    fund = funds.open_fund("xuzhou", 2026, leader, amount=100_000)
    e = owed(title, amount=300_000)
    told = refused(lifecycle.approve, e, officer, override_reason="追加预算已批")
    assert told.key == "override_reason" and "只有局领导" in told.message and e.status == "pending"
    lifecycle.approve(e, leader, override_reason="市财政已追加预算（徐财预〔2026〕3号）")
    assert (e.status, e.budget_override_reason) == ("approved", "市财政已追加预算（徐财预〔2026〕3号）")
    event = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "subsidy.approve")).one()
    assert event.detail["budget_override_reason"] == "市财政已追加预算（徐财预〔2026〕3号）"
    assert (event.detail["fund_amount"], event.detail["remaining"], event.detail["fund"]) == (100_000, 100_000,
                                                                                            "市众创空间奖补资金")
    assert funds.figures(fund).remaining == -200_000


def test_cancelling_an_approved_entitlement_releases_the_funds_commitment(app, xuzhou):
    title, officer, leader = xuzhou
    fund = funds.open_fund("xuzhou", 2026, officer)
    e, paid = owed(title), owed(title, amount=400_000, rule="xuzhou.award_provincial")
    lifecycle.approve(e, leader)
    lifecycle.approve(paid, leader)
    lifecycle.pay(paid, officer, voucher_number="V", paid_on=TODAY, paid_amount=400_000, paying_body="财政局")
    assert funds.figures(fund) == funds.Figures(20_000_000, 300_000, 400_000)
    lifecycle.cancel(e, officer, "重复登记")
    assert funds.figures(fund).remaining == 20_000_000 - 400_000


# --- overlaps: 云政办发〔2016〕65号 (十五) “避免多头重复支持” ------------------------------------------------

def overlapping():
    """One space, 昆明 第十三条 建设引导资金 and 云南 (九) 运行补助: the same kind from two levels."""
    org = make_org(region="530102")
    space = make_space(org, region="530102")
    km = make_title("kunming", space, granted_on=date(2026, 1, 5))
    yn = make_title("yunnan", space, granted_on=date(2025, 6, 5), level="provincial")
    first = owed(km, amount=100_000, rule="kunming.guidance_fund", kind="众创空间建设引导资金",
                 citation={"document": "昆科发〔2017〕55号", "article": "第十三条", "item": None})
    second = owed(yn, amount=None, rule="yunnan.operating_subsidy", kind="房租、宽带网络费用补助",
                  citation={"document": "云政办发〔2016〕65号", "article": "三、", "item": "（九）"})
    return first, second


def test_yunnan_十五_a_flagged_entitlement_needs_a_written_justification_then_goes_through(app):
    clock.freeze(TODAY)
    first, second = overlapping()
    leader = make_user("leader", ["kunming"])
    assert [f.rule.code for f in lifecycle.flags(first)] == ["yunnan.same_space_funding"]
    told = refused(lifecycle.approve, first, leader, justification="不重复")  # fewer than 5 characters
    assert told.key == "justification" and "（十五）" in told.message and "云政办发〔2016〕65号" in told.message
    assert first.status == "pending"
    lifecycle.approve(first, leader, justification="省级补助用于房租，本项用于设备购置，用途不同")
    assert first.overlap_justification == "省级补助用于房租，本项用于设备购置，用途不同"
    assert first.overlap_flags[0]["with"] == second.id and first.overlap_flags[0]["rule"] == "yunnan.same_space_funding"
    event = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "subsidy.approve")).one()
    assert event.detail["overlap_flags"][0]["with"] == second.id and "用途不同" in event.detail["overlap_justification"]


# --- in bulk ----------------------------------------------------------------------------------

def test_bulk_approve_skips_what_needs_a_word_and_approves_the_rest_each_on_its_own(app):
    clock.freeze(TODAY)
    flagged, _yunnan = overlapping()
    km_leader = make_user("leader", ["kunming"])
    title, _a, officer, leader = titled("xuzhou", granted_on=date(2026, 1, 10))
    funds.open_fund("xuzhou", 2026, officer, amount=500_000)
    plain = owed(title, amount=300_000)
    too_much = owed(title, amount=400_000, rule="xuzhou.award_provincial")
    no_amount = owed(title, amount=None, rule="xuzhou.operating_subsidy", kind="运行补助")
    done, skipped = lifecycle.bulk_approve([plain.id, too_much.id, no_amount.id, flagged.id, "x", 99999], leader)
    assert [e.id for e in done] == [plain.id]
    reasons = {getattr(e, "id", e): why for e, why in skipped}
    assert "超出" in reasons[too_much.id] and "未定金额" in reasons[no_amount.id]
    assert reasons[flagged.id] == "无此补助或无权办理" and reasons[99999] == "无此补助或无权办理"
    done, skipped = lifecycle.bulk_approve([flagged.id], km_leader)
    assert done == [] and "重复支持" in skipped[0][1] and flagged.status == "pending"
    assert too_much.status == "pending" and too_much.budget_override_reason is None

    done, skipped = lifecycle.bulk_pay([plain.id, too_much.id], officer, "徐财拨〔2026〕20号", TODAY, "徐州市财政局")
    assert [e.id for e in done] == [plain.id] and plain.paid_amount_cny == 300_000
    assert skipped[0][0].id == too_much.id
    done, skipped = lifecycle.bulk_pay([plain.id], officer, "", TODAY, "徐州市财政局")
    assert done == [] and len(skipped) == 1


# --- races ------------------------------------------------------------------------------------

def test_a_stale_copy_approved_after_another_leader_is_told_already_handled(app, xuzhou):
    title, _officer, leader = xuzhou
    e = owed(title)
    other = make_user("leader", ["xuzhou"])
    late_ctx = app.app_context()
    late_ctx.push()
    try:
        late = db.session.get(SubsidyEntitlement, e.id)
        late_actor = db.session.get(User, other.id)
        assert late.status == "pending"
        first_ctx = app.app_context()
        first_ctx.push()
        lifecycle.approve(db.session.get(SubsidyEntitlement, e.id), db.session.get(User, leader.id))
        db.session.remove()
        first_ctx.pop()
        told = refused(lifecycle.approve, late, late_actor)
        assert told.message == lifecycle.RACE
    finally:
        db.session.remove()
        late_ctx.pop()
    db.session.expire_all()
    assert db.session.scalar(select(func.count()).select_from(AuditEvent)
                             .where(AuditEvent.action == "subsidy.approve")) == 1


def test_two_leaders_approving_at_once_on_postgresql_one_wins_the_other_gets_words(app, database_url, xuzhou):
    if database_url.startswith("sqlite"):
        pytest.skip("SQLite serialises writers: the race is proven on PostgreSQL, the stale copy above on both")
    title, officer, leader = xuzhou
    funds.open_fund("xuzhou", 2026, officer)
    e_id = owed(title).id
    users = [leader.id, make_user("leader", ["xuzhou"]).id]
    barrier = threading.Barrier(2, timeout=30)
    outcome: list[str] = []

    def run(user_id: int) -> None:
        with app.app_context():
            try:
                row = db.session.get(SubsidyEntitlement, e_id)
                actor = db.session.get(User, user_id)
                lifecycle.flags(row)
                barrier.wait()
                lifecycle.approve(row, actor)
                outcome.append("stored")
            except MoneyRefused as exc:
                outcome.append(exc.message)
            except Exception as exc:  # noqa: BLE001 - a 500 in production: the test fails on it
                outcome.append(f"{type(exc).__name__}: {exc}")
            finally:
                db.session.remove()

    threads = [threading.Thread(target=run, args=(u,)) for u in users]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert sorted(outcome) == sorted(["stored", lifecycle.RACE])
    db.session.expire_all()
    assert db.session.scalar(select(func.count()).select_from(AuditEvent)
                             .where(AuditEvent.action == "subsidy.approve")) == 1


def test_no_money_is_approved_or_paid_on_a_revoked_title(app, xuzhou):
    """A revocation cancels what is unpaid (core.award.cancellation); a row left pending or approved
    on a revoked title is refused all the same."""
    title, officer, leader = xuzhou
    pending, approved = owed(title), owed(title, amount=400_000, rule="xuzhou.award_provincial")
    lifecycle.approve(approved, leader)
    title.status = "revoked"
    db.session.commit()
    assert "已撤销" in refused(lifecycle.approve, pending, leader).message
    assert "已撤销" in refused(lifecycle.pay, approved, officer, voucher_number="V", paid_on=TODAY,
                               paid_amount=400_000, paying_body="财政局").message
    lifecycle.cancel(pending, officer, "称号已撤销")
    assert pending.status == "cancelled"


# --- the desk's list at a province's scale (issue 18): batched flags, pages, totals in SQL -----------

KUNMING_13 = {"document": "昆科发〔2017〕55号", "article": "第十三条", "item": None}
YUNNAN_9 = {"document": "云政办发〔2016〕65号", "article": "三、", "item": "（九）"}


def money_of(title, rule: str, kind: str, year: int, status: str = "pending", amount: int | None = 100_000,
             flags: list | None = None) -> SubsidyEntitlement:
    row = SubsidyEntitlement(recognition_id=title.id, space_id=title.space_id, year=year, jurisdiction=title.jurisdiction,
                             rule_code=rule, kind=kind, amount_cny=amount, citation=KUNMING_13, status=status,
                             approved_amount_cny=amount if status in ("approved", "paid") else None,
                             paid_amount_cny=amount if status == "paid" else None, overlap_flags=flags)
    db.session.add(row)
    db.session.commit()
    return row


def province_sample():
    """Several organisations: one space with the 昆明 and 云南 kinds of (十五) (overlapping), a second
    space of the same organisation, an organisation whose pair is cancelled, one of 徐州 (not governed)."""
    org = make_org(region="530102")
    one, two = make_space(org, region="530102"), make_space(org, region="530102")
    km1, yn1 = make_title("kunming", one, granted_on=date(2024, 5, 1)), make_title("yunnan", one, granted_on=date(2025, 5, 1))
    km2 = make_title("kunming", two, granted_on=date(2025, 5, 1))
    other = make_space(make_org(region="530102"), region="530102")
    km3, yn3 = make_title("kunming", other, granted_on=date(2024, 5, 1)), make_title("yunnan", other, granted_on=date(2024, 7, 1))
    xz, _a, _o, _l = titled("xuzhou", granted_on=date(2025, 1, 10))
    return [
        money_of(km1, "kunming.guidance_fund", "众创空间建设引导资金", 2024),
        money_of(yn1, "yunnan.operating_subsidy", "房租、宽带网络费用补助", 2025, amount=None),
        money_of(yn1, "yunnan.operating_subsidy", "房租、宽带网络费用补助", 2026, status="approved", amount=50_000,
                 flags=[{"with": 0, "rule": "yunnan.same_space_funding", "message": "kept at approval", "years": None}]),
        money_of(km2, "kunming.guidance_fund", "众创空间建设引导资金", 2025),
        money_of(km3, "kunming.guidance_fund", "众创空间建设引导资金", 2024),
        money_of(yn3, "yunnan.operating_subsidy", "房租、宽带网络费用补助", 2024, status="cancelled"),
        money_of(yn3, "yunnan.operating_subsidy", "房租、宽带网络费用补助", 2023, status="paid", amount=30_000),
        money_of(xz, "xuzhou.award_municipal", "市级重点众创空间一次性奖励补助", 2025, amount=300_000),
    ]


def test_十五_flags_for_many_gives_flags_fors_answer_for_each_row_in_a_few_statements(app):
    """云政办发〔2016〕65号 (十五): the batch computes, for every row, exactly what the approval's
    flags_for computes (pairs, order, messages), several organisations, cancelled rows included."""
    from core.award import overlaps
    from tests.conftest import sent_statements
    rows = province_sample()
    for years in (None, 1):
        if years is not None:
            set_bureau_setting("yunnan", "overlap_years", years)
        expected = {e.id: overlaps.flags_for(e) for e in rows}
        assert sum(1 for found in expected.values() if found) >= 4  # the sample overlaps, and not everywhere
        with sent_statements() as sent:
            batch = overlaps.flags_for_many(rows)
        assert batch == expected
        # two statements of entitlements and spaces; the rest is the bureaus' data (settings, versions),
        # read once per jurisdiction whatever the rows (a request reads it once: core.platform.request_memo)
        assert len([s for s in sent if "FROM spaces" in s or "FROM subsidy_entitlements" in s]) == 2
        assert not any("FROM subsidy_entitlements" in s and "bureau" in s for s in sent)
        with sent_statements() as again:
            overlaps.flags_for_many(rows * 3)
        assert len(again) == len(sent)
    assert overlaps.flags_for_many([]) == {}


def test_a_page_of_the_desk_totals_the_whole_filtered_set_in_sql_and_flags_only_its_rows(app):
    rows = province_sample()
    officer = make_user("officer", ["kunming", "yunnan"])
    seen = [e for e in rows if e.jurisdiction in ("kunming", "yunnan")]
    whole = lifecycle.page_of(officer, lifecycle.Filters(), size=2)
    assert [e.id for e in whole.rows] == sorted((e.id for e in seen), reverse=True)[:2]
    assert (whole.page, whole.pages) == (1, 4) and whole.totals == lifecycle.totals(seen)
    assert whole.totals == {"count": 7, "amount": 100_000 * 3 + 50_000 + 30_000, "committed": 50_000, "paid": 30_000}
    assert set(whole.flag_map) == {e.id for e in whole.rows}
    last = lifecycle.page_of(officer, lifecycle.Filters(page=999), size=2)  # beyond the last: the last
    assert (last.page, [e.id for e in last.rows]) == (4, [min(e.id for e in seen)])
    flagged = lifecycle.page_of(officer, lifecycle.Filters(flagged=True), size=2)
    expected = [e.id for e in sorted(seen, key=lambda e: -e.id) if lifecycle.current_flags(e)]
    assert flagged.totals["count"] == len(expected) and flagged.pages == (len(expected) + 1) // 2
    assert any(e.status == "approved" for e in seen if e.id in expected)  # the flags kept at approval count too
    assert flagged.totals == lifecycle.totals([e for e in seen if e.id in expected])
    second = lifecycle.page_of(officer, lifecycle.Filters(flagged=True, page=2), size=2)
    assert [e.id for e in flagged.rows + second.rows] == expected[:4]
    assert all(second.flag_map[e.id] for e in second.rows)
    assert lifecycle.listing(officer, lifecycle.Filters(flagged=True))[0] == [db.session.get(SubsidyEntitlement, i)
                                                                             for i in expected]


@pytest.mark.parametrize("text,page", [("2", 2), ("", 1), ("0", 1), ("-3", 1), ("abc", 1), ("1e3", 1),
                                       ("２", 1), ("99999999999", 1), (None, 1), ("1", 1)])
def test_the_page_argument_bad_values_are_page_1(text, page):
    assert lifecycle.page_number(text) == page
