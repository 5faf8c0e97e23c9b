"""What the money desk shows of each entitlement (the title it hangs on, the space, the
organisation), and the workbook for the finance bureau (财政局): the filtered list with Chinese
headers, amounts, voucher, dates and article, every cell formula-safe (core.platform.exports).
"""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from core.policy import citation_text as cite
from core.platform import exports, labels
from core.platform.extensions import db
from core.platform.models import ExternalTitle, Organisation, Recognition, Space, SubsidyEntitlement, SupportFund

__all__ = ["Holder", "holders", "HEADERS", "workbook_rows", "write_workbook", "DOWNLOAD_KIND"]

# The workbook as a 我的下载 kind (core.platform.downloads; its exporter: core.admin.downloads).
DOWNLOAD_KIND = "money.subsidies"


@dataclass(frozen=True)
class Holder:
    """What an entitlement hangs on: the title (of this deployment, or won elsewhere), the space,
    the organisation."""

    title: str
    certificate: str
    elsewhere: bool
    space: str
    organisation: str
    uscc: str


def holders(rows: list[SubsidyEntitlement]) -> dict[int, Holder]:
    """Each entitlement's holder, a few queries for all of ``rows``."""
    rec_ids = {e.recognition_id for e in rows if e.recognition_id}
    ext_ids = {e.external_title_id for e in rows if e.external_title_id}
    recs = {r.id: r for r in db.session.scalars(select(Recognition).where(Recognition.id.in_(rec_ids)))} \
        if rec_ids else {}
    exts = {t.id: t for t in db.session.scalars(select(ExternalTitle).where(ExternalTitle.id.in_(ext_ids)))} \
        if ext_ids else {}
    space_ids = {e.space_id for e in rows if e.space_id} | {r.space_id for r in recs.values()} | \
        {t.space_id for t in exts.values()}
    spaces = dict(db.session.execute(select(Space.id, Space.name).where(Space.id.in_(space_ids))).all()) \
        if space_ids else {}
    orgs = {sid: (name, uscc) for sid, name, uscc in db.session.execute(
        select(Space.id, Organisation.name, Organisation.uscc).join(Organisation, Organisation.id == Space.organisation_id)
        .where(Space.id.in_(space_ids))).all()} if space_ids else {}
    found = {}
    for e in rows:
        rec, ext = recs.get(e.recognition_id), exts.get(e.external_title_id)
        if rec is not None:
            title, number, elsewhere, sid = rec.title, rec.certificate_number, False, e.space_id or rec.space_id
        elif ext is not None:
            title, number, elsewhere, sid = f"{ext.title}（{ext.awarding_body}）", ext.document_number, True, \
                e.space_id or ext.space_id
        else:
            title, number, elsewhere, sid = "", "", False, e.space_id
        org = orgs.get(sid, ("", ""))
        found[e.id] = Holder(title, number, elsewhere, spaces.get(sid, ""), org[0], org[1])
    return found


def amount_text(value: int | None) -> str:
    return "" if value is None else str(value)


HEADERS = ["编号", "辖区", "众创空间", "运营单位", "统一社会信用代码", "称号", "证书编号/文号", "补助项目", "政策依据",
           "年度", "应享金额（元）", "状态", "审批金额（元）", "审批日期", "资金", "实际支付金额（元）", "支付日期",
           "支付凭证号", "拨付单位", "金额不同的理由", "取消日期", "取消理由", "备注"]


def fund_names(rows) -> dict[int, str]:
    """fund id → its name with its year, for the funds ``rows`` were approved from."""
    ids = {e.fund_id for e in rows if e.fund_id}
    if not ids:
        return {}
    return {f.id: f"{f.year}年度{f.name}" for f in db.session.scalars(select(SupportFund).where(SupportFund.id.in_(ids)))}


def workbook_rows(rows: list[SubsidyEntitlement], fund_names: dict[int, str]):
    facts = holders(rows)
    for e in rows:
        h = facts[e.id]
        yield [e.id, labels.jurisdiction_label(e.jurisdiction), h.space, h.organisation, h.uscc, h.title,
               h.certificate, e.kind, cite(e.citation), e.year or "",
               "未定金额" if e.amount_cny is None else e.amount_cny, labels.subsidy_status_label(e.status),
               amount_text(e.approved_amount_cny) if e.status in ("approved", "paid") else "",
               e.approved_on.isoformat() if e.approved_on else "", fund_names.get(e.fund_id, ""),
               amount_text(e.paid_amount_cny), e.paid_on.isoformat() if e.paid_on else "", e.voucher_number or "",
               e.paying_body or "", e.payment_difference_reason or "",
               e.cancelled_on.isoformat() if e.cancelled_on else "", e.cancel_reason or "", e.note or ""]


def write_workbook(out, rows: list[SubsidyEntitlement], fund_names: dict[int, str]) -> None:
    exports.write_xlsx(out, "补助资金", HEADERS, workbook_rows(rows, fund_names))
