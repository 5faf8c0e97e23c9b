"""Support funds: one per jurisdiction per year, charged by the approvals of that jurisdiction's
entitlements approved in that year (docs/money.md).

徐政发〔2016〕12号 五（一） “设立 2000 万元的市众创空间奖补资金”: the plugin declares the fund
(hook ``zc_support_funds``, :class:`core.policy.SupportFundRule`) with its amount and article; the
bureau registers it for a year with that amount by default (``source`` ``policy``).  An amount
entered that differs from the document's is the bureau's (``source`` ``bureau``, shown as 本局设定),
the document still cited as where the fund comes from.  Where no document sets up a fund
(云南, 昆明, 弥勒) the bureau registers one with its own amount, or none: an approval with no fund
registered is not limited by one, and the page says so.

committed = the approved amounts of the entitlements charged to the fund and still ``approved``;
paid = the paid amounts of those ``paid``; remaining = amount − committed − paid (SQL sums).
A cancelled entitlement releases its commitment.
"""
from __future__ import annotations

from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import case, func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError

from core.accounts.scoping import visible_codes
from core.bureau import versions
from core.policy import citation_text as cite
from core.monitoring.title_scope import is_leader_of, is_officer_of
from core.platform import audit, clock
from core.platform.errors import Refused, typed_text
from core.platform.extensions import db
from core.platform.jurisdictions import registry
from core.platform.models import SubsidyEntitlement, SupportFund
from core.policy import SupportFundRule

__all__ = ["FundRefused", "Figures", "MAX_AMOUNT", "MAX_TEXT", "whole_yuan", "document_fund", "fund_for",
           "figures", "figures_of", "open_fund", "amend_fund", "listing", "visible_fund", "may_manage",
           "source_text", "claim", "committed_and_paid"]

#: the largest amount a column holds (PostgreSQL integer): 20 亿元
MAX_AMOUNT = 2_000_000_000
MAX_TEXT = 2000
DEFAULT_NAME = "众创空间扶持资金"


class FundRefused(Refused):
    key_in_text = False


@dataclass(frozen=True)
class Figures:
    amount: int
    committed: int
    paid: int

    @property
    def remaining(self) -> int:
        return self.amount - self.committed - self.paid


def whole_yuan(value: Any, key: str, what: str, refused=FundRefused) -> int | None:
    """A positive whole number of yuan, typed (``"200000"``, ``"200,000"``) or given; None when empty."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, bool):
        raise refused(key, f"{what}应为以元为单位的正整数")
    if isinstance(value, int):
        number = value
    else:
        text = str(value).strip().replace(",", "").replace("，", "")
        if not (text.isascii() and text.isdigit()) or len(text) > 12:
            raise refused(key, f"{what}应为以元为单位的正整数（不含角分）")
        number = int(text)
    if number <= 0:
        raise refused(key, f"{what}应为以元为单位的正整数")
    if number > MAX_AMOUNT:
        raise refused(key, f"{what}不能超过 {MAX_AMOUNT:,} 元")
    return number


def _day_of(year: int) -> date:
    today = clock.today()
    return today if today.year == year else date(year, 1, 1)


def document_fund(code: str, year: int) -> SupportFundRule | None:
    """The fund the policy version in force (today, or on 1 January of another year) sets up."""
    policy = versions.policy_in_force(code, _day_of(year))
    if policy is None:
        return None
    rules = registry().support_funds(code, versions.base_policy(code, policy))
    return rules[0] if rules else None


def fund_for(code: str, year: int) -> SupportFund | None:
    return db.session.scalars(select(SupportFund).where(SupportFund.jurisdiction == code,
                                                        SupportFund.year == year)).one_or_none()


def committed_and_paid(columns) -> tuple:
    """The SQL sums of what ``columns`` (the entitlements' table, or a subquery of it) commit and
    pay: the approved amounts still approved, the amounts paid."""
    committed = func.coalesce(func.sum(case((columns.status == "approved", columns.approved_amount_cny), else_=0)), 0)
    paid = func.coalesce(func.sum(case((columns.status == "paid", columns.paid_amount_cny), else_=0)), 0)
    return committed, paid


def _sums(fund_ids: list[int]) -> dict[int, tuple[int, int]]:
    if not fund_ids:
        return {}
    committed, paid = committed_and_paid(SubsidyEntitlement.__table__.c)
    rows = db.session.execute(select(SubsidyEntitlement.fund_id, committed, paid)
                              .where(SubsidyEntitlement.fund_id.in_(fund_ids))
                              .group_by(SubsidyEntitlement.fund_id)).all()
    return {fid: (int(c), int(p)) for fid, c, p in rows}


def figures(fund: SupportFund) -> Figures:
    committed, paid = _sums([fund.id]).get(fund.id, (0, 0))
    return Figures(fund.amount_cny, committed, paid)


def figures_of(funds: list[SupportFund]) -> dict[int, Figures]:
    sums = _sums([f.id for f in funds])
    return {f.id: Figures(f.amount_cny, *sums.get(f.id, (0, 0))) for f in funds}


def source_text(fund: SupportFund) -> str:
    """文件规定（徐政发〔2016〕12号 五（一）） / 本局设定（资金出处：…） / 本局设定."""
    where = cite(fund.citation) if fund.citation else ""
    if fund.source == "policy":
        return f"文件规定（{where}）"
    return f"本局设定（资金出处：{where}，金额与文件不同）" if where else "本局设定（无文件规定资金金额）"


def may_manage(user, code: str) -> bool:
    """Officers and leaders of the jurisdiction register and amend its funds (not the admin:
    the admin manages the system, not the money)."""
    return is_officer_of(user, code) or is_leader_of(user, code)


def listing(user) -> list[SupportFund]:
    codes = visible_codes(user)
    if not codes:
        return []
    return list(db.session.scalars(select(SupportFund).where(SupportFund.jurisdiction.in_(codes))
                                   .order_by(SupportFund.year.desc(), SupportFund.jurisdiction)))


def visible_fund(user, fund_id: Any) -> SupportFund | None:
    try:
        fund_id = int(fund_id)
    except (TypeError, ValueError):
        return None
    codes = visible_codes(user)
    if not codes:
        return None
    return db.session.scalars(select(SupportFund).where(SupportFund.id == fund_id,
                                                        SupportFund.jurisdiction.in_(codes))).one_or_none()


def _text(value: Any, key: str, what: str, *, required: bool, limit: int = MAX_TEXT) -> str | None:
    return typed_text(value, key, what, limit=limit, required=required, refused=FundRefused)


def _year(value: Any) -> int:
    today = clock.today()
    try:
        year = int(str(value).strip()) if str(value).strip().isascii() else None
    except ValueError:
        year = None
    if year is None or not 2000 <= year <= today.year + 1:
        raise FundRefused("year", f"年度应为 2000 至 {today.year + 1} 之间的年份")
    return year


@contextmanager
def _first_wins(message: str = "已被他人办理，请刷新"):
    try:
        yield
    except (StaleDataError, IntegrityError):
        db.session.rollback()
        raise FundRefused("action", message) from None


def open_fund(code: str, year: Any, actor, amount: Any = None, name: Any = None, note: Any = None) -> SupportFund:
    """Register the fund of ``code`` for ``year``.  Committed with its audit event."""
    if not may_manage(actor, code):
        raise FundRefused("action", "只有本辖区的主管部门工作人员或局领导可以登记资金")
    year = _year(year)
    if fund_for(code, year) is not None:
        raise FundRefused("year", f"{year} 年度的资金已登记，可修改其金额")
    rule = document_fund(code, year)
    typed = whole_yuan(amount, "amount", "资金金额")
    if typed is None:
        if rule is None or rule.amount_cny is None:
            raise FundRefused("amount", "文件未规定资金金额：请填写本局设定的金额（元）")
        typed = rule.amount_cny
    source = "policy" if rule is not None and rule.amount_cny == typed else "bureau"
    fund = SupportFund(jurisdiction=code, year=year, amount_cny=typed, source=source,
                       name=_text(name, "name", "资金名称", required=False, limit=200)
                       or (rule.name if rule else DEFAULT_NAME),
                       citation=rule.citation.to_dict() if rule else {},
                       note=_text(note, "note", "说明", required=False), created_by_id=actor.id)
    with _first_wins(f"{year} 年度的资金已由他人登记，请刷新"):
        db.session.add(fund)
        db.session.flush()
        # approvals of that year made before the fund was registered are charged to it now
        earlier = db.session.execute(
            update(SubsidyEntitlement).where(
                SubsidyEntitlement.jurisdiction == code, SubsidyEntitlement.fund_id.is_(None),
                SubsidyEntitlement.status.in_(("approved", "paid")), SubsidyEntitlement.approved_amount_cny.isnot(None),
                SubsidyEntitlement.approved_on >= date(year, 1, 1), SubsidyEntitlement.approved_on <= date(year, 12, 31))
            .values(fund_id=fund.id).execution_options(synchronize_session=False)).rowcount
        audit.record("fund.open", fund, actor=actor, year=year, amount=typed, name=fund.name,
                     source=source_text(fund), document_amount=rule.amount_cny if rule else None,
                     **({"charged_earlier_approvals": earlier} if earlier else {}),
                     opinion=fund.note)
        db.session.commit()
    return fund


def amend_fund(fund: SupportFund, actor, amount: Any, reason: Any) -> SupportFund:
    """A new amount, with the reason; never below what is committed and paid from it."""
    if not may_manage(actor, fund.jurisdiction):
        raise FundRefused("action", "只有本辖区的主管部门工作人员或局领导可以修改资金")
    new = whole_yuan(amount, "amount", "资金金额")
    if new is None:
        raise FundRefused("amount", "请填写资金金额（元）")
    why = _text(reason, "reason", "修改理由", required=True)
    now = figures(fund)
    if new < now.committed + now.paid:
        raise FundRefused("amount", f"资金金额不能低于已承诺与已支付合计 {now.committed + now.paid:,} 元"
                                    f"（已承诺 {now.committed:,} 元，已支付 {now.paid:,} 元）")
    rule = document_fund(fund.jurisdiction, fund.year)
    before, before_source = fund.amount_cny, fund.source
    with _first_wins():
        fund.amount_cny = new
        fund.source = "policy" if rule is not None and rule.amount_cny == new else "bureau"
        audit.record("fund.amend", fund, actor=actor, opinion=why, amount_before=before, amount=new,
                     source_before=before_source, source=source_text(fund), committed=now.committed, paid=now.paid)
        db.session.commit()
    return fund


def claim(fund: SupportFund, seen_version: int) -> bool:
    """Mark the fund as charged (its version + 1) if nobody changed it since ``seen_version``:
    two approvals charging one fund at once cannot both read the same remaining amount."""
    done = db.session.execute(update(SupportFund).where(SupportFund.id == fund.id,
                                                        SupportFund.version == seen_version)
                              .values(version=SupportFund.version + 1)
                              .execution_options(synchronize_session=False))
    db.session.expire(fund, ["version"])
    return done.rowcount == 1
