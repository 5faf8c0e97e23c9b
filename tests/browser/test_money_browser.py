"""Issue 18 in a browser: the money after the award, every step a click of a demo user (docs/money.md).

- 徐州 (徐政发〔2016〕12号 五（一）): the leader amends the year's 市众创空间奖补资金 (2000 万元) with a reason — below
  what is committed and paid refused beside the field, the reason kept — so that its remaining amount is below
  泉山创客空间's 评价考核优秀或良好奖补 (200,000 元); approving it is refused naming the fund; the leader goes beyond it
  with a written reason, which the entitlement's audit trail and the title's page show.  The officer records the
  payment at 190,000 元 (五（一） “20万元左右” is approximate): without a reason refused beside the field, what was
  typed kept; with the reason it is paid.
- 昆明: the officer cancels a pending 众创空间建设引导资金 (第十三条): a missing reason refused beside the field first.
- 云南 (云政办发〔2016〕65号 (十五) “避免多头重复支持”): 金碧创想空间's pending (九) subsidy is flagged against 昆明's
  approved 10 万元, highlighted among the other support; approving it without a written justification is refused,
  with one (and the bureau's amount: (九) fixes none) it is approved.
- 上网公示 (十五): the public page of 徐州, reached from the public home without signing in, lists the support approved
  and paid — not the pending nor the cancelled — and nothing about a person nor the bureau's internal file; the
  applicant of 泉山创客空间 reads each state on 我的称号.
- 弥勒 (弥政办发〔2017〕5号 第十五条): bulk approval and payment from the filtered list.

A refused bulk form keeps its ticks, and no setting key reaches what an applicant reads.
"""
from __future__ import annotations

import pytest
from sqlalchemy import select

from core.accounts.roles import APPLICANT, LEADER, OFFICER
from core.demo import demo_login
from core.platform import clock
from core.platform.extensions import db
from core.platform.models import (AuditEvent, ExternalTitle, Organisation, Recognition, Space, SubsidyEntitlement,
                                  SupportFund, User)
from tests.browser.people import Person, read, unexpected_violations

pytestmark = pytest.mark.browser

# the states as the Chinese pages word them (core/platform/labels.py SUBSIDY_STATUS_LABELS)
PENDING, APPROVED, PAID, CANCELLED = "待审批", "已审批待拨付", "已发放", "已取消"

OVERRIDE = "评价考核结果优秀，年度资金追加预算已报市财政局，先行审批（浏览器测试）"
FUND_REASON = "年度预算调整：部分资金调剂用于科技企业孵化器（浏览器测试）"
DIFFERENCE = "五（一）“20万元左右”：按评价得分核定 19 万元（浏览器测试）"
VOUCHER = "徐财拨〔测试〕0039号"
CANCEL_REASON = "该空间已申请市级创新平台资金，本项引导资金不再安排（浏览器测试）"
JUSTIFICATION = "省级补助用于房租和宽带网络运行，市级引导资金用于路演厅建设，用途不同，不属于重复支持（浏览器测试）"


def entitlement(app, space: str, code: str, rule: str) -> SubsidyEntitlement:
    """The entitlement of ``rule`` owed by ``code`` to ``space`` (under a title granted here or recorded)."""
    space_id = read(app, select(Space).where(Space.name == space)).id
    titles = select(Recognition.id).where(Recognition.space_id == space_id)
    recorded = select(ExternalTitle.id).where(ExternalTitle.space_id == space_id)
    return read(app, select(SubsidyEntitlement).where(
        SubsidyEntitlement.jurisdiction == code, SubsidyEntitlement.rule_code == rule,
        (SubsidyEntitlement.recognition_id.in_(titles)) | (SubsidyEntitlement.external_title_id.in_(recorded))
        | (SubsidyEntitlement.space_id == space_id)))


def status_of(app, e: SubsidyEntitlement) -> str:
    return read(app, select(SubsidyEntitlement).where(SubsidyEntitlement.id == e.id)).status


def click(person: Person, selector: str):
    with person.page.expect_navigation():
        person.page.click(selector)
    return person.page


def test_徐州_五一_fund_override_payment_昆明_cancellation_云南_十五_overlap_and_disclosure(site, browser):
    app, base, _ = site
    today = clock.today()
    evaluation = entitlement(app, "泉山创客空间", "xuzhou", "xuzhou.evaluation_award")
    own_award = entitlement(app, "泉山创客空间", "xuzhou", "xuzhou.award_municipal")
    running = entitlement(app, "泉山创客空间", "xuzhou", "xuzhou.operating_subsidy")
    provincial = entitlement(app, "泉山创客空间", "xuzhou", "xuzhou.award_provincial")
    assert (evaluation.status, evaluation.amount_cny) == ("pending", 200_000)
    assert (own_award.status, running.status, provincial.status) == ("approved", "cancelled", "paid")
    fund = read(app, select(SupportFund).where(SupportFund.jurisdiction == "xuzhou", SupportFund.year == today.year))
    assert (fund.name, fund.amount_cny) == ("市众创空间奖补资金", 20_000_000)  # 五（一）

    leader = Person(browser, base).login(demo_login(LEADER, "xuzhou"))
    officer = Person(browser, base).login(demo_login(OFFICER, "xuzhou"))

    # -- 1. the fund: the leader amends this year's amount, with a reason -------------------------------------
    page = leader.go("/admin/funds/")
    assert "徐政发〔2016〕12号" in page.inner_text(f"#fund-{fund.id}")
    click(leader, f"#fund-{fund.id} a")
    assert page.inner_text("#fund-amount") == "20,000,000"
    assert page.inner_text("#fund-remaining") == "19,300,000"  # − 300,000 committed − 400,000 paid
    page.fill("#amend-amount", "699999")  # one yuan below what is committed and paid
    page.fill("#amend-reason", FUND_REASON)
    click(leader, "#amend")
    assert "700,000" in page.inner_text("#error-amount")
    assert page.input_value("#amend-amount") == "699999" and page.input_value("#amend-reason") == FUND_REASON
    page.fill("#amend-amount", "800000")
    click(leader, "#amend")
    assert page.inner_text("#fund-remaining") == "100,000"
    assert FUND_REASON in page.inner_text("#trail")
    leader.shot("money-1-fund-amended")

    # -- 1. the approval beyond the fund: refused naming it, then the leader's override ------------------------
    page = leader.go("/admin/money/")
    page.select_option("#money-filters select[name=jurisdiction]", "xuzhou")
    page.select_option("#money-filters select[name=status]", "pending")
    click(leader, "#filter")
    assert page.locator(f"#entitlement-{evaluation.id}").count() == 1
    assert page.locator(f"#entitlement-{own_award.id}").count() == 0  # approved: filtered out
    click(leader, f"#entitlement-{evaluation.id} a")
    assert page.inner_text("#entitlement-status") == PENDING
    assert "市众创空间奖补资金" in page.inner_text("#budget-warning")
    click(leader, "#approve")
    refusal = page.inner_text("#error-budget")
    assert "市众创空间奖补资金" in refusal and "徐政发〔2016〕12号" in refusal and "余额 100,000 元" in refusal
    assert status_of(app, evaluation) == "pending"
    assert page.inner_text("#entitlement-status") == PENDING
    leader.shot("money-2-beyond-the-fund-refused")
    page.fill("#approve-override", OVERRIDE)
    click(leader, "#approve")
    assert page.inner_text("#entitlement-status") == APPROVED
    assert page.inner_text("#override") == OVERRIDE
    trail = page.inner_text("#trail")
    assert "补助已审批" in trail and OVERRIDE in trail and "超出资金余额" in trail and "100,000" in trail
    with app.app_context():
        event = db.session.scalars(select(AuditEvent).where(
            AuditEvent.object_type == "SubsidyEntitlement", AuditEvent.object_id == str(evaluation.id),
            AuditEvent.action == "subsidy.approve")).one()
        assert event.detail["budget_override_reason"] == OVERRIDE
        assert (event.detail["fund"], event.detail["remaining"]) == ("市众创空间奖补资金", 100_000)
        assert event.actor_id == db.session.scalar(select(User.id).where(User.login == demo_login(LEADER, "xuzhou")))
    leader.shot("money-3-override-approved")
    # the title's page shows the override too
    page = leader.go(f"/admin/titles/{evaluation.recognition_id}")
    assert OVERRIDE in page.inner_text(f"#entitlement-{evaluation.id}")
    assert page.inner_text(f"#entitlement-{evaluation.id}-status") == APPROVED

    # -- 2. the payment: a different amount needs a reason -----------------------------------------------------
    page = officer.go(f"/admin/money/{evaluation.id}")
    assert page.locator("#approve-form").count() == 0
    assert page.input_value("#pay-amount") == "200000" and page.input_value("#pay-paid-on") == today.isoformat()
    page.fill("#pay-voucher", VOUCHER)
    page.fill("#pay-amount", "190000")
    page.fill("#pay-body", "徐州市财政局")
    click(officer, "#pay")
    assert "须写明理由" in page.inner_text("#error-difference_reason")
    assert (page.input_value("#pay-voucher"), page.input_value("#pay-amount"), page.input_value("#pay-body")) == (
        VOUCHER, "190000", "徐州市财政局")
    assert status_of(app, evaluation) == "approved"
    officer.shot("money-4-difference-refused")
    page.fill("#pay-difference", DIFFERENCE)
    click(officer, "#pay")
    assert page.inner_text("#entitlement-status") == PAID
    payment = page.inner_text("#payment")
    assert "190,000" in payment and VOUCHER in payment and today.isoformat() in payment
    assert DIFFERENCE in page.inner_text("#entitlement")
    assert "补助支付已登记" in page.inner_text("#trail")
    assert page.locator("#cancel-form").count() == 0  # a paid subsidy cannot be cancelled
    officer.shot("money-5-paid")

    # -- 3. 昆明: the officer cancels a pending entitlement, with a reason ------------------------------------
    guidance = entitlement(app, "翠湖云创空间", "kunming", "kunming.guidance_fund")
    assert guidance.status == "pending"
    kunming = Person(browser, base).login(demo_login(OFFICER, "kunming"))
    page = kunming.go("/admin/money/?jurisdiction=kunming&status=pending")
    click(kunming, f"#entitlement-{guidance.id} a")
    assert "第十三条" in page.inner_text("#entitlement")
    click(kunming, "#cancel")
    assert "请填写取消理由" in page.inner_text("#error-reason")
    assert status_of(app, guidance) == "pending"
    page.fill("#cancel-reason", CANCEL_REASON)
    click(kunming, "#cancel")
    assert page.inner_text("#entitlement-status") == CANCELLED
    assert CANCEL_REASON in page.inner_text("#cancellation")
    assert "补助已取消" in page.inner_text("#trail")
    kunming.shot("money-6-cancelled")

    # -- 4. 云南: the flagged (九) subsidy of 金碧创想空间, approved with a justification ---------------------------
    flagged = entitlement(app, "金碧创想空间", "yunnan", "yunnan.operating_subsidy")
    kunming_guidance = entitlement(app, "金碧创想空间", "kunming", "kunming.guidance_fund")
    assert (flagged.status, flagged.amount_cny, kunming_guidance.status) == ("pending", None, "approved")
    yunnan = Person(browser, base).login(demo_login(LEADER, "yunnan"))
    page = yunnan.go("/admin/money/?flagged=1")
    assert "table-warning" in (page.get_attribute(f"#entitlement-{flagged.id}", "class") or "")
    click(yunnan, f"#entitlement-{flagged.id} a")
    other = page.locator(f"#other-{kunming_guidance.id}")
    assert "table-warning" in (other.get_attribute("class") or "")
    assert "100,000" in other.inner_text() and APPROVED in other.inner_text()
    assert "（十五）" in page.inner_text("#flags")
    page.fill("#approve-amount", "30000")
    click(yunnan, "#approve")
    assert "（十五）" in page.inner_text("#error-justification")
    assert page.input_value("#approve-amount") == "30000"
    assert status_of(app, flagged) == "pending"
    yunnan.shot("money-7-justification-refused")
    page.fill("#approve-justification", JUSTIFICATION)
    click(yunnan, "#approve")
    assert page.inner_text("#entitlement-status") == APPROVED
    assert "30,000" in page.inner_text("#approval")
    assert page.inner_text("#justification") == JUSTIFICATION
    assert JUSTIFICATION in page.inner_text("#trail")
    stored = read(app, select(SubsidyEntitlement).where(SubsidyEntitlement.id == flagged.id))
    assert stored.overlap_justification == JUSTIFICATION and stored.approved_amount_cny == 30_000
    assert any(f.get("with") == kunming_guidance.id for f in stored.overlap_flags)
    yunnan.shot("money-8-overlap-justified")

    # -- 5. 上网公示 (十五): the public page, without signing in ----------------------------------------------
    public = Person(browser, base)
    page = public.go("/")
    click(public, "#support-index")
    click(public, "#support-xuzhou")
    assert page.url.endswith("/public/support/xuzhou")
    assert "本局设定" in page.inner_text("#basis")  # (十五) does not govern 徐州
    assert "400,000" in page.inner_text(f"#support-{provincial.id}") and PAID in page.inner_text(f"#support-{provincial.id}")
    assert "300,000" in page.inner_text(f"#support-{own_award.id}")
    assert APPROVED in page.inner_text(f"#support-{own_award.id}")
    paid_row = page.inner_text(f"#support-{evaluation.id}")
    assert "200,000" in paid_row and "190,000" in paid_row and PAID in paid_row
    assert page.locator(f"#support-{running.id}").count() == 0  # cancelled: no longer support
    body = public.text()
    with app.app_context():
        org = db.session.scalar(select(Organisation).join(Space, Space.organisation_id == Organisation.id)
                                .where(Space.name == "泉山创客空间"))
        applicant_name = db.session.scalar(select(User.name).where(User.login == demo_login(APPLICANT, "xuzhou")))
        staff_names = list(db.session.scalars(select(User.name).where(User.login.in_(
            [demo_login(LEADER, "xuzhou"), demo_login(OFFICER, "xuzhou")]))))
        private = [org.contact_phone, org.address, applicant_name, *staff_names]
    assert org.name in body
    for text in (*[p for p in private if p], VOUCHER, "徐财拨〔演示〕0001号", "徐州市财政局", OVERRIDE, DIFFERENCE):
        assert text not in body, text
    public.shot("money-9-disclosure-xuzhou")
    page = public.go("/public/support/kunming")
    assert page.locator(f"#support-{kunming_guidance.id}").count() == 1
    assert page.locator(f"#support-{guidance.id}").count() == 0  # cancelled above
    page = public.go("/public/support/yunnan")
    assert "（十五）" in page.inner_text("#basis")
    assert "30,000" in page.inner_text(f"#support-{flagged.id}")
    assert JUSTIFICATION not in public.text()
    pending = read(app, select(SubsidyEntitlement).where(SubsidyEntitlement.jurisdiction == "yunnan",
                                                         SubsidyEntitlement.status == "pending"))
    assert pending is not None and page.locator(f"#support-{pending.id}").count() == 0

    # -- 5. the applicant of 泉山创客空间 reads the states on 我的称号 ------------------------------------------
    applicant = Person(browser, base).login(demo_login(APPLICANT, "xuzhou"))
    page = applicant.go("/portal/titles")
    assert page.inner_text(f"#money-{evaluation.id}-status") == PAID
    assert page.inner_text(f"#money-{own_award.id}-status") == APPROVED
    assert page.inner_text(f"#money-{running.id}-status") == CANCELLED
    assert page.inner_text(f"#money-{provincial.id}-status") == PAID
    mine = page.inner_text(f"#money-{evaluation.id}")
    assert "190,000" in mine and DIFFERENCE in mine and "徐州市财政局" in mine
    body = applicant.text()
    assert OVERRIDE not in body and VOUCHER not in body  # the bureau's internal file
    applicant.shot("money-10-applicant-sees")

    assert unexpected_violations() == []


def test_弥勒_第十五条_bulk_approval_and_payment_from_the_filtered_list(site, browser):
    """弥政办发〔2017〕5号 第十五条's 年度考核政策性补助 (a bureau amount, 5 万元): the leader approves two from the
    filtered list in bulk — one ticked without a fixed amount is skipped with its reason — and the officer records
    them paid with one voucher (a missing voucher refused beside the field, the other fields kept)."""
    app, base, _ = site
    today = clock.today()
    first = entitlement(app, "可邑青创空间", "mile", "mile.assessment_subsidy")
    second = entitlement(app, "湖泉众创空间", "mile", "mile.assessment_subsidy")
    in_kind = entitlement(app, "湖泉众创空间", "mile", "mile.fiscal_guidance")
    assert [(e.status, e.amount_cny) for e in (first, second, in_kind)] == [
        ("pending", 50_000), ("pending", 50_000), ("pending", None)]

    leader = Person(browser, base).login(demo_login(LEADER, "mile"))
    page = leader.go("/admin/money/")
    page.select_option("#money-filters select[name=jurisdiction]", "mile")
    page.select_option("#money-filters select[name=status]", "pending")
    click(leader, "#filter")
    for e in (first, second, in_kind):
        page.check(f"#entitlement-{e.id} input[name=ids]")
    click(leader, "#bulk-approve")
    text = leader.text()
    assert "已办理 2 笔" in text
    assert f"第 {in_kind.id} 号已跳过：未定金额：须逐笔审批并确定金额" in text
    assert [status_of(app, e) for e in (first, second, in_kind)] == ["approved", "approved", "pending"]
    assert page.locator(f"#entitlement-{first.id}").count() == 0  # the list keeps its filter: pending only
    leader.shot("money-11-bulk-approved")

    officer = Person(browser, base).login(demo_login(OFFICER, "mile"))
    page = officer.go("/admin/money/?jurisdiction=mile&status=approved")
    for e in (first, second):
        page.check(f"#entitlement-{e.id} input[name=ids]")
    page.fill("#bulk-paying-body", "弥勒市财政局")
    click(officer, "#bulk-pay")
    assert "请填写支付凭证号" in page.inner_text("#error-voucher_number")
    assert page.input_value("#bulk-paying-body") == "弥勒市财政局"
    assert page.input_value("#bulk-paid-on") == today.isoformat()
    assert [status_of(app, e) for e in (first, second)] == ["approved", "approved"]
    for e in (first, second):  # the ticks are not kept: tick again (see test_bulk_refusal_keeps_the_ticks)
        page.check(f"#entitlement-{e.id} input[name=ids]")
    page.fill("#bulk-voucher", "弥财拨〔测试〕0015号")
    click(officer, "#bulk-pay")
    assert "已办理 2 笔" in officer.text()
    page = officer.go(f"/admin/money/{first.id}")
    assert page.inner_text("#entitlement-status") == PAID
    assert "50,000" in page.inner_text("#payment") and "弥财拨〔测试〕0015号" in page.inner_text("#payment")
    officer.shot("money-12-bulk-paid")
    assert unexpected_violations() == []


def test_bulk_refusal_keeps_the_ticks(site, browser):
    """A refused bulk payment keeps what was typed — the ticked entitlements too (rules: a form keeps what was
    typed)."""
    app, base, _ = site
    approved = entitlement(app, "泉山创客空间", "xuzhou", "xuzhou.award_municipal")
    assert approved.status == "approved"
    officer = Person(browser, base).login(demo_login(OFFICER, "xuzhou"))
    page = officer.go("/admin/money/?jurisdiction=xuzhou&status=approved")
    page.check(f"#entitlement-{approved.id} input[name=ids]")
    click(officer, "#bulk-pay")  # no voucher: refused
    assert "请填写支付凭证号" in page.inner_text("#error-voucher_number")
    assert status_of(app, approved) == "approved"
    assert page.is_checked(f"#entitlement-{approved.id} input[name=ids]")


def test_no_setting_key_in_what_the_applicant_reads(site, browser):
    """徐州 五（一） 评价考核奖补's note names the bureau's setting in words, never its internal key."""
    applicant = Person(browser, site[1]).login(demo_login(APPLICANT, "xuzhou"))
    page = applicant.go("/portal/titles")
    assert "评价考核优秀或良好奖补" in page.inner_text("#titles-money")
    assert "evaluation_award_cny" not in applicant.text()
