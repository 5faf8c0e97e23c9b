"""An entitlement's life: pending → approved → paid, or cancelled (issue 18, docs/money.md).

- **Approve** (``subsidy.approve``): the leader (局领导) of the entitlement's jurisdiction, unless the
  bureau's yes/no setting ``support_officer_approves`` says yes — no document says who approves, so it
  is 本局设定, by default the leader; with ``officer`` the officers approve and the leader still may.
  The admin manages the system, not the money: never.  The amount is the entitlement's; where the
  policy fixes none (云政办发〔2016〕65号 (九), 弥勒 第十五条 without the bureau's amount) the approver enters
  本局确定的金额, or leaves it empty for support in kind, which is never paid.
- **Budget**: the fund of (jurisdiction, year of the approval) (core.money.funds): an approval beyond
  its remaining amount is refused, naming the fund and its numbers, unless a leader records a reason
  (``budget_override_reason``, audited with the fund's numbers).  No fund registered: no limit.
- **Overlaps** (云政办发〔2016〕65号 (十五) “避免多头重复支持”): the flags of ``core.award.overlaps.flags_for``
  ask a written justification; with it the approval goes through (nothing is prohibited).  Flags and
  justification are kept on the entitlement and audited.
- **Pay** (``subsidy.pay``): an officer or leader records voucher number, date, amount paid and the
  paying body.  An amount different from the approved one needs a recorded reason (徐州 评价考核 “20万元左右”
  is approximate; 弥勒's are bureau amounts).
- **Cancel** (``subsidy.cancel_by_officer``): pending or approved, with a reason; a paid one is not.
- **Bulk**: each entitlement in its own transaction; one that needs a justification, an override or
  an amount typed is skipped with the reason: bulk writes none of them.

Every operation is validated before anything is written and commits once; someone acting first
(``version_id_col``) gets 已被他人办理，请刷新 with nothing written.
"""
from __future__ import annotations

from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import String, and_, case, cast, exists, func, or_, select
from sqlalchemy.orm.exc import StaleDataError

from core.accounts import roles
from core.accounts.scoping import role_in, role_of, visible_codes
from core.award import overlaps
from core.bureau import data as bureau_data
from core.policy import citation_text as cite
from core.monitoring import title_scope
from core.monitoring.title_scope import criteria, is_leader_of, is_officer_of
from core.money import funds
from core.platform import audit, clock, events
from core.platform.errors import Refused, typed_text
from core.platform.extensions import db
from core.platform.models import ExternalTitle, Recognition, Space, SubsidyEntitlement, SupportFund
from core.policy import SUPPORT_CATEGORIES

__all__ = ["MoneyRefused", "RACE", "MIN_JUSTIFICATION", "approver_role", "may_approve", "may_pay", "may_cancel",
           "allowed_actions", "approve", "pay", "cancel", "bulk_approve", "bulk_pay", "visible", "scope",
           "flags", "BudgetCheck", "budget_check", "Filters", "STATUSES", "categories_of", "current_flags", "listing",
           "kinds", "totals", "current_flags_many", "export_rows", "Page", "page_of", "PAGE_SIZE", "page_number",
           "sql_totals"]

RACE = "已被他人办理，请刷新"
MIN_JUSTIFICATION = 5
MAX_TEXT = 2000
ACTIVE = ("pending", "approved")
OVERLAP_ARTICLE = "云政办发〔2016〕65号 （十五）“避免多头重复支持”"


class MoneyRefused(Refused):
    key_in_text = False


# --- who ------------------------------------------------------------------------------------

def approver_role(code: str) -> str:
    """``leader`` (default) or ``officer`` (the officers too): the bureau's yes/no setting
    ``support_officer_approves``; no document says who approves."""
    setting = bureau_data.bureau_setting(code, bureau_data.SUPPORT_APPROVER)
    return "officer" if setting is not None and setting.value is True else "leader"


def _may_approve_role(user, code: str) -> bool:
    if is_leader_of(user, code):
        return True
    return approver_role(code) == "officer" and is_officer_of(user, code)


def _staff_of(user, code: str) -> bool:
    return is_officer_of(user, code) or is_leader_of(user, code)


def may_approve(user, e: SubsidyEntitlement) -> bool:
    return e.status == "pending" and _may_approve_role(user, e.jurisdiction)


def may_pay(user, e: SubsidyEntitlement) -> bool:
    return e.status == "approved" and e.approved_amount_cny is not None and _staff_of(user, e.jurisdiction)


def may_cancel(user, e: SubsidyEntitlement) -> bool:
    return e.status in ACTIVE and _staff_of(user, e.jurisdiction)


def allowed_actions(user, e: SubsidyEntitlement) -> list[str]:
    return [name for name, check in (("approve", may_approve), ("pay", may_pay), ("cancel", may_cancel))
            if check(user, e)]


def scope(user):
    """The entitlements ``user`` may see on the money desk: officers, leaders, the admin."""
    return criteria(user, SubsidyEntitlement, applicants=False)


def visible(user, entitlement_id: Any) -> SubsidyEntitlement | None:
    return title_scope.visible(SubsidyEntitlement, entitlement_id, user, applicants=False)


def _refuse_actor(user, e: SubsidyEntitlement, what: str) -> None:
    if role_of(user) == roles.ADMIN:
        raise MoneyRefused("action", f"系统管理员负责管理系统，不办理补助资金（不能{what}）")
    if e.jurisdiction not in visible_codes(user) or role_in(user, e.jurisdiction) not in (roles.OFFICER, roles.LEADER):
        raise MoneyRefused("action", f"只有本辖区的主管部门工作人员或局领导可以{what}")


def _text(value: Any, key: str, what: str, *, required: bool = True, limit: int = MAX_TEXT) -> str | None:
    return typed_text(value, key, what, limit=limit, required=required, refused=MoneyRefused)


def _refuse_if_title_gone(e: SubsidyEntitlement) -> None:
    """No money on a revoked title (core.award.cancellation cancels what is unpaid) or on a title won
    elsewhere whose record was withdrawn."""
    if e.recognition_id is not None:
        rec = db.session.get(Recognition, e.recognition_id)
        if rec is not None and rec.status == "revoked":
            raise MoneyRefused("action", "该认定称号已撤销，补助不再审批或拨付")
    if e.external_title_id is not None:
        ext = db.session.get(ExternalTitle, e.external_title_id)
        if ext is not None and ext.status == "withdrawn":
            raise MoneyRefused("action", "该外部称号的登记已撤回，补助不再审批或拨付")


@contextmanager
def _first_wins():
    """Someone acted on the entitlement (or charged the fund) first: nothing of ours is kept."""
    try:
        yield
    except StaleDataError:
        db.session.rollback()
        raise MoneyRefused("action", RACE) from None


# --- the budget -------------------------------------------------------------------------------

@dataclass(frozen=True)
class BudgetCheck:
    """The fund an approval of ``amount`` today is charged to, and what it leaves."""

    fund: Any  # SupportFund | None
    figures: funds.Figures | None
    amount: int | None

    @property
    def exceeds(self) -> bool:
        return self.fund is not None and self.amount is not None and self.amount > self.figures.remaining

    def text(self) -> str:
        if self.fund is None:
            return "本年度未登记扶持资金：审批不受资金余额限制"
        f, n = self.fund, self.figures
        where = f"（{cite(f.citation)}）" if f.citation else "（本局设定）"
        return (f"{f.year}年度{f.name}{where}：资金 {n.amount:,} 元，已承诺 {n.committed:,} 元，"
                f"已支付 {n.paid:,} 元，余额 {n.remaining:,} 元")

    def refusal(self) -> str:
        return f"本次审批 {self.amount:,} 元超出{self.text()}；超出余额须由局领导写明理由后审批"


def budget_check(e: SubsidyEntitlement, amount: int | None, day: date | None = None) -> BudgetCheck:
    year = (day or clock.today()).year
    fund = funds.fund_for(e.jurisdiction, year)
    return BudgetCheck(fund, funds.figures(fund) if fund is not None else None, amount)


def flags(e: SubsidyEntitlement) -> list:
    """The overlaps the duplicate-support rules find today between ``e`` and the other support of
    its space and organisation (core.award.overlaps); once approved, those kept are ``e.overlap_flags``."""
    return overlaps.flags_for(e)


def _overlap_refusal(found: list) -> str:
    first = found[0]
    citation = cite(first.rule.citation.to_dict()) or OVERLAP_ARTICLE
    return (f"{first.message}（{citation}）：审批须写明不属于重复支持的理由（至少 {MIN_JUSTIFICATION} 个字）"
            + (f"；另有 {len(found) - 1} 项标记" if len(found) > 1 else ""))


# --- the operations ------------------------------------------------------------------------

def approve(e: SubsidyEntitlement, actor, *, amount: Any = None, justification: Any = None,
            override_reason: Any = None) -> SubsidyEntitlement:
    """Approve a pending entitlement (see the module's text).  Committed with its audit event."""
    _refuse_actor(actor, e, "审批补助")
    if e.status != "pending":
        raise MoneyRefused("action", "只有待审批的补助可以审批" if e.status != "approved" else "该补助已审批")
    if not _may_approve_role(actor, e.jurisdiction):
        raise MoneyRefused("action", "补助由局领导审批（本局设定的审批角色；文件未规定审批人）")
    _refuse_if_title_gone(e)
    if e.amount_cny is not None:
        typed = funds.whole_yuan(amount, "amount", "审批金额", refused=MoneyRefused)
        if typed is not None and typed != e.amount_cny:
            raise MoneyRefused("amount", f"该补助的金额为 {e.amount_cny:,} 元（{cite(e.citation)}）；"
                                         "实际拨付金额不同的，在登记支付时写明理由")
        approved = e.amount_cny
    else:
        approved = funds.whole_yuan(amount, "amount", "本局确定的金额", refused=MoneyRefused)
    found = flags(e)
    words = None
    if found:
        words = _text(justification, "justification", "理由", required=False)
        if words is None or len(words) < MIN_JUSTIFICATION:
            raise MoneyRefused("justification", _overlap_refusal(found))
    today = clock.today()
    budget = budget_check(e, approved, today)
    override = None
    if budget.exceeds:
        override = _text(override_reason, "override_reason", "超出余额的理由", required=False)
        if override is None:
            raise MoneyRefused("budget", budget.refusal())
        if not is_leader_of(actor, e.jurisdiction):
            raise MoneyRefused("override_reason", "只有局领导可以写明理由超出资金余额审批")
    with _first_wins():
        if budget.fund is not None and approved is not None and not funds.claim(budget.fund, budget.fund.version):
            raise StaleDataError()
        e.status = "approved"
        e.approved_amount_cny, e.approved_on, e.approved_by_id = approved, today, actor.id
        e.fund_id = budget.fund.id if budget.fund is not None and approved is not None else None
        e.budget_override_reason = override
        e.overlap_flags = [f.as_flag(e.id) for f in found]
        e.overlap_justification = words
        numbers = budget.figures
        audit.record("subsidy.approve", e, actor=actor, from_state="pending", to_state="approved",
                     opinion=words or override, amount=approved, amount_source=(
                         "policy" if e.amount_cny is not None else ("bureau" if approved is not None else "in_kind")),
                     fund=budget.fund.name if budget.fund is not None else None,
                     fund_year=budget.fund.year if budget.fund is not None else None,
                     fund_amount=numbers.amount if numbers else None, committed=numbers.committed if numbers else None,
                     paid=numbers.paid if numbers else None, remaining=numbers.remaining if numbers else None,
                     budget_override_reason=override, overlap_flags=e.overlap_flags, overlap_justification=words)
        events.emit("entitlement.approved", e, actor=actor, subsidy=e.kind, amount=approved)
        db.session.commit()
    return e


def pay(e: SubsidyEntitlement, actor, *, voucher_number: Any, paid_on: Any, paid_amount: Any, paying_body: Any,
        difference_reason: Any = None) -> SubsidyEntitlement:
    """Record the payment of an approved entitlement.  Committed with its audit event."""
    _refuse_actor(actor, e, "登记支付")
    if e.status != "approved":
        raise MoneyRefused("action", "该补助已支付" if e.status == "paid" else "只有已审批的补助可以登记支付")
    if e.approved_amount_cny is None:
        raise MoneyRefused("action", "该补助审批为非资金支持（未确定金额），不登记支付")
    _refuse_if_title_gone(e)
    voucher = _text(voucher_number, "voucher_number", "支付凭证号", limit=64)
    if not isinstance(paid_on, date):
        raise MoneyRefused("paid_on", "请填写支付日期（YYYY-MM-DD）")
    today = clock.today()
    if paid_on > today:
        raise MoneyRefused("paid_on", f"支付日期不能晚于今天（{today.isoformat()}）")
    if e.approved_on is not None and paid_on < e.approved_on:
        raise MoneyRefused("paid_on", f"支付日期不能早于审批日期（{e.approved_on.isoformat()}）")
    amount = funds.whole_yuan(paid_amount, "paid_amount", "实际支付金额", refused=MoneyRefused)
    if amount is None:
        raise MoneyRefused("paid_amount", "请填写实际支付金额（元）")
    body = _text(paying_body, "paying_body", "拨付单位", limit=200)
    reason = _text(difference_reason, "difference_reason", "金额不同的理由", required=False)
    if amount != e.approved_amount_cny and reason is None:
        raise MoneyRefused("difference_reason", f"实际支付 {amount:,} 元与审批金额 {e.approved_amount_cny:,} 元不同："
                                                "须写明理由")
    if amount == e.approved_amount_cny:
        reason = None
    # Paying more than was approved spends the fund beyond the approval: as for an approval
    # beyond the fund, only a leader may, and never beyond what the fund has left.
    excess = amount - e.approved_amount_cny
    fund = db.session.get(SupportFund, e.fund_id) if excess > 0 and e.fund_id is not None else None
    if excess > 0 and not is_leader_of(actor, e.jurisdiction):
        raise MoneyRefused("paid_amount", f"实际支付金额超出审批金额 {e.approved_amount_cny:,} 元：超出部分须由局领导登记"
                                          "并写明理由")
    if fund is not None and excess > funds.figures(fund).remaining:
        raise MoneyRefused("paid_amount", f"超出审批金额的 {excess:,} 元超出{BudgetCheck(fund, funds.figures(fund), excess).text()}")
    with _first_wins():
        if fund is not None and not funds.claim(fund, fund.version):
            raise StaleDataError()
        e.status = "paid"
        e.paid_on, e.paid_amount_cny, e.voucher_number, e.paying_body = paid_on, amount, voucher, body
        e.payment_difference_reason, e.paid_by_id = reason, actor.id
        audit.record("subsidy.pay", e, actor=actor, from_state="approved", to_state="paid", opinion=reason,
                     paid_on=paid_on.isoformat(), paid_amount=amount, approved_amount=e.approved_amount_cny,
                     voucher_number=voucher, paying_body=body)
        events.emit("entitlement.paid", e, actor=actor, subsidy=e.kind, amount=amount, paid_on=paid_on.isoformat())
        db.session.commit()
    return e


def cancel(e: SubsidyEntitlement, actor, reason: Any) -> SubsidyEntitlement:
    """Cancel a pending or approved entitlement with a reason (its fund's commitment is released)."""
    _refuse_actor(actor, e, "取消补助")
    if e.status == "paid":
        raise MoneyRefused("action", "已支付的补助不能取消（支付已登记，只能在记录中查看）")
    if e.status not in ACTIVE:
        raise MoneyRefused("action", "该补助已取消")
    why = _text(reason, "reason", "取消理由")
    before = e.status
    with _first_wins():
        e.status = "cancelled"
        e.cancelled_on, e.cancel_reason, e.cancelled_by_id = clock.today(), why, actor.id
        audit.record("subsidy.cancel_by_officer", e, actor=actor, from_state=before, to_state="cancelled",
                     opinion=why, released=e.approved_amount_cny if before == "approved" else None)
        db.session.commit()
    return e


# --- in bulk --------------------------------------------------------------------------------

def _rows(user, ids) -> tuple[list[SubsidyEntitlement], list[tuple[Any, str]]]:
    wanted: list[int] = []
    skipped: list[tuple[Any, str]] = []
    for raw in ids:
        try:
            number = int(raw)
        except (TypeError, ValueError):
            continue
        if 0 < number < 2**31 and number not in wanted:
            wanted.append(number)
    if not wanted:
        return [], skipped
    found = {e.id: e for e in db.session.scalars(select(SubsidyEntitlement).where(
        SubsidyEntitlement.id.in_(wanted), scope(user)))}
    rows = []
    for number in wanted:
        if number in found:
            rows.append(found[number])
        else:
            skipped.append((number, "无此补助或无权办理"))
    return rows, skipped


def _one(e: SubsidyEntitlement, do) -> str | None:
    """``do()`` in its own transaction: None when done, else the reason it was skipped."""
    try:
        do()
    except MoneyRefused as exc:
        db.session.rollback()
        return exc.message
    return None


def bulk_approve(ids, actor) -> tuple[list[SubsidyEntitlement], list[tuple[Any, str]]]:
    """Approve each entitlement of ``ids`` the actor may approve at its own amount; those that
    need an amount typed, a justification of overlaps or a budget override are skipped with why."""
    rows, skipped = _rows(actor, ids)
    done = []
    for e in rows:
        if not may_approve(actor, e):
            skipped.append((e, "当前状态或您的角色不能审批"))
            continue
        if e.amount_cny is None:
            skipped.append((e, "未定金额：须逐笔审批并确定金额"))
            continue
        if flags(e):
            skipped.append((e, "有重复支持标记：须逐笔写明理由后审批（" + OVERLAP_ARTICLE + "）"))
            continue
        budget = budget_check(e, e.amount_cny)
        if budget.exceeds:
            skipped.append((e, budget.refusal()))
            continue
        reason = _one(e, lambda e=e: approve(e, actor))
        if reason is None:
            done.append(e)
        else:
            skipped.append((e, reason))
    return done, skipped


def bulk_pay(ids, actor, voucher_number: Any, paid_on: Any, paying_body: Any
             ) -> tuple[list[SubsidyEntitlement], list[tuple[Any, str]]]:
    """Record each approved entitlement of ``ids`` as paid at its approved amount, with one
    voucher, day and paying body; a different amount is recorded one by one (skipped here)."""
    rows, skipped = _rows(actor, ids)
    done = []
    for e in rows:
        if not may_pay(actor, e):
            in_kind = e.status == "approved" and e.approved_amount_cny is None
            skipped.append((e, "非资金支持（未确定金额），不登记支付" if in_kind else "当前状态或您的角色不能登记支付"))
            continue
        reason = _one(e, lambda e=e: pay(e, actor, voucher_number=voucher_number, paid_on=paid_on,
                                         paid_amount=e.approved_amount_cny, paying_body=paying_body))
        if reason is None:
            done.append(e)
        else:
            skipped.append((e, reason))
    return done, skipped


# --- the desk's list --------------------------------------------------------------------------

PAGE_SIZE = 100


def page_number(text: Any) -> int:
    """The ``page`` argument: a whole number from 1; anything else is page 1."""
    text = (str(text) if text is not None else "").strip()
    if not (text.isascii() and text.isdigit()) or len(text) > 6:
        return 1
    return max(int(text), 1)


@dataclass(frozen=True)
class Filters:
    """The money desk's filters, each None when not chosen (unknown values are ignored), and the page."""

    jurisdiction: str | None = None
    status: str | None = None
    year: int | None = None
    kind: str | None = None
    category: str | None = None
    flagged: bool = False
    page: int = 1

    @classmethod
    def parse(cls, args, user) -> "Filters":
        code = args.get("jurisdiction") or None
        status = args.get("status") or None
        year_text = (args.get("year") or "").strip()
        year = int(year_text) if year_text.isascii() and year_text.isdigit() and len(year_text) == 4 else None
        category = args.get("category") or None
        # a kind is matched as typed; a control character (a NUL no PostgreSQL text takes) matches none
        kind = "".join(ch for ch in (args.get("kind") or "") if ord(ch) >= 32).strip()[:200] or None
        return cls(jurisdiction=code if code in visible_codes(user) else None,
                   status=status if status in STATUSES else None, year=year, kind=kind,
                   category=category if category in SUPPORT_CATEGORIES else None,
                   flagged=args.get("flagged") == "1", page=page_number(args.get("page")))

    def query_args(self) -> dict[str, str]:
        """The filters as arguments (not the page: a new filter starts at page 1)."""
        found = {"jurisdiction": self.jurisdiction, "status": self.status, "year": self.year, "kind": self.kind,
                 "category": self.category, "flagged": "1" if self.flagged else None}
        return {k: str(v) for k, v in found.items() if v is not None}

    def page_args(self, page: int | None = None) -> dict[str, str]:
        """The filters and a page (this one by default; page 1 is left out)."""
        page = self.page if page is None else page
        return {**self.query_args(), **({"page": str(page)} if page > 1 else {})}


STATUSES = ("pending", "approved", "paid", "cancelled")


def categories_of(codes) -> dict[tuple[str, str], str | None]:
    """(jurisdiction, rule code) → the rule's kind of support (SubsidyRule.category)."""
    return overlaps.categories(codes)


def current_flags(e: SubsidyEntitlement) -> list[dict]:
    """The flags of an entitlement as dicts: those kept at approval, or for a pending one
    those the rules raise today (cancelled: none)."""
    return current_flags_many([e])[e.id]


def current_flags_many(rows) -> dict[int, list[dict]]:
    """``current_flags`` of each of ``rows`` (entitlements, or rows with their columns and
    ``overlap_flags``), the pending ones' in one batch (core.award.overlaps.flags_for_many)."""
    rows = list(rows)
    computed = overlaps.flags_for_many([e for e in rows if e.status == "pending"])
    return {e.id: [f.as_flag(e.id) for f in computed[e.id]] if e.status == "pending"
            else (list(e.overlap_flags or []) if e.status != "cancelled" else []) for e in rows}


def _filtered(user, filters: Filters, *columns):
    """The statement choosing what ``filters`` choose of what ``user`` may see (None: nothing)."""
    query = select(*columns) if columns else select(SubsidyEntitlement)
    query = query.where(scope(user))
    if filters.jurisdiction:
        query = query.where(SubsidyEntitlement.jurisdiction == filters.jurisdiction)
    if filters.status:
        query = query.where(SubsidyEntitlement.status == filters.status)
    if filters.year:
        query = query.where(SubsidyEntitlement.year == filters.year)
    if filters.kind:
        query = query.where(SubsidyEntitlement.kind == filters.kind)
    if filters.category:
        pairs = [k for k, v in categories_of(visible_codes(user)).items() if v == filters.category]
        if not pairs:
            return None
        query = query.where(or_(*[and_(SubsidyEntitlement.jurisdiction == c, SubsidyEntitlement.rule_code == r)
                                  for c, r in pairs]))
    return query


# what the flagged filter reads of every row it looks at: enough for the flags and the totals
_FLAG_COLUMNS = (SubsidyEntitlement.id, SubsidyEntitlement.status, SubsidyEntitlement.year,
                 SubsidyEntitlement.jurisdiction, SubsidyEntitlement.rule_code, SubsidyEntitlement.space_id,
                 SubsidyEntitlement.kind, SubsidyEntitlement.overlap_flags, SubsidyEntitlement.amount_cny,
                 SubsidyEntitlement.approved_amount_cny, SubsidyEntitlement.paid_amount_cny)


def _shares_support():
    """A pending row can be flagged only if another live entitlement of its organisation's spaces
    exists (every rule compares two): the rows without one are not computed."""
    other = SubsidyEntitlement.__table__.alias("other_support")
    its_space, own_space = Space.__table__.alias("its_space"), Space.__table__.alias("own_space")
    return exists(select(other.c.id).join(its_space, its_space.c.id == other.c.space_id)
                  .join(own_space, own_space.c.organisation_id == its_space.c.organisation_id)
                  .where(own_space.c.id == SubsidyEntitlement.space_id, other.c.id != SubsidyEntitlement.id,
                         other.c.status != "cancelled"))


def _kept_flags():
    """An approved or paid row is flagged when flags were kept at approval: a JSON list not empty
    (the same text on PostgreSQL's jsonb and SQLite's JSON)."""
    text = cast(SubsidyEntitlement.overlap_flags, String)
    return and_(SubsidyEntitlement.overlap_flags.isnot(None), text.notin_(["[]", "null"]))


def _flagged_rows(user, filters: Filters) -> tuple[list, dict[int, list[dict]]]:
    """Every row ``filters`` choose that carries a flag, newest first, with the flags: the pending
    ones' computed in one batch (those sharing support with another), the approved and paid ones'
    as kept at approval."""
    query = _filtered(user, filters, *_FLAG_COLUMNS)
    if query is None:
        return [], {}
    rows = [*db.session.execute(query.where(SubsidyEntitlement.status == "pending", _shares_support())),
            *db.session.execute(query.where(SubsidyEntitlement.status.in_(("approved", "paid")), _kept_flags()))]
    rows.sort(key=lambda r: -r.id)
    flag_map = current_flags_many(rows)
    return [r for r in rows if flag_map[r.id]], flag_map


def listing(user, filters: Filters) -> tuple[list[SubsidyEntitlement], dict[int, list[dict]]]:
    """Every entitlement ``user`` may see that ``filters`` choose (the page aside), newest first, and
    each one's flags, computed in one batch (the workbook; with ``flagged`` only the flagged)."""
    query = _filtered(user, filters)
    if query is None:
        return [], {}
    rows = list(db.session.scalars(query.order_by(SubsidyEntitlement.id.desc())))
    flag_map = current_flags_many(rows)
    if filters.flagged:
        rows = [e for e in rows if flag_map[e.id]]
    return rows, flag_map


def export_count(user, filters: Filters) -> int:
    """How many rows the workbook of ``filters`` would hold (the desk queues a long one: 我的下载)."""
    if filters.flagged:
        return len(_flagged_rows(user, filters)[0])
    query = _filtered(user, filters)
    return 0 if query is None else db.session.scalar(select(func.count()).select_from(query.subquery()))


def export_rows(user, filters: Filters) -> list[SubsidyEntitlement]:
    """The workbook's rows: the whole filtered list; flags computed only for the ``flagged`` filter."""
    if filters.flagged:
        return listing(user, filters)[0]
    query = _filtered(user, filters)
    return [] if query is None else list(db.session.scalars(query.order_by(SubsidyEntitlement.id.desc())))


@dataclass(frozen=True)
class Page:
    rows: list[SubsidyEntitlement]
    flag_map: dict[int, list[dict]]
    totals: dict[str, int]
    page: int
    pages: int


def page_of(user, filters: Filters, size: int = PAGE_SIZE) -> Page:
    """One page of the list (newest first), the totals of the whole filtered set, the flags of the
    rows shown.  With ``flagged`` the flags of every filtered row decide first, then the page.  A page
    beyond the last shows the last."""
    if filters.flagged:
        flagged, flag_map = _flagged_rows(user, filters)
        count = len(flagged)
        pages = max((count + size - 1) // size, 1)
        page = min(filters.page, pages)
        shown = [r.id for r in flagged[(page - 1) * size:page * size]]
        objects = {e.id: e for e in db.session.scalars(
            select(SubsidyEntitlement).where(SubsidyEntitlement.id.in_(shown)))} if shown else {}
        return Page([objects[i] for i in shown if i in objects], {i: flag_map[i] for i in shown},
                    totals(flagged), page, pages)
    query = _filtered(user, filters)
    if query is None:
        return Page([], {}, totals([]), 1, 1)
    found = sql_totals(query)
    pages = max((found["count"] + size - 1) // size, 1)
    page = min(filters.page, pages)
    rows = list(db.session.scalars(query.order_by(SubsidyEntitlement.id.desc())
                                   .limit(size).offset((page - 1) * size)))
    return Page(rows, current_flags_many(rows), found, page, pages)


def kinds(user) -> list[str]:
    return list(db.session.scalars(select(SubsidyEntitlement.kind).where(scope(user)).distinct()
                                   .order_by(SubsidyEntitlement.kind)))


def totals(rows) -> dict[str, int]:
    """count, amount owed (not cancelled), committed (approved) and paid of ``rows``."""
    return {"count": len(rows),
            "amount": sum(e.amount_cny or 0 for e in rows if e.status != "cancelled"),
            "committed": sum(e.approved_amount_cny or 0 for e in rows if e.status == "approved"),
            "paid": sum(e.paid_amount_cny or 0 for e in rows if e.status == "paid")}


def sql_totals(query) -> dict[str, int]:
    """``totals`` of what ``query`` (a SELECT of entitlements) chooses, summed in the database."""
    chosen = query.subquery()
    row = db.session.execute(select(
        func.count(),
        func.coalesce(func.sum(case((chosen.c.status != "cancelled", chosen.c.amount_cny), else_=0)), 0),
        *funds.committed_and_paid(chosen.c),
    ).select_from(chosen)).one()
    return {"count": int(row[0]), "amount": int(row[1]), "committed": int(row[2]), "paid": int(row[3])}
