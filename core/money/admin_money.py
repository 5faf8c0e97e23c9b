"""The bureau's money desk (core.money.lifecycle).

``/admin/money/?jurisdiction=&status=&year=&kind=&category=&flagged=1``  the entitlements the user
                                    may see, filtered, with totals; the bulk approve / pay form
``/admin/money/bulk``               POST ``do=approve|pay`` with the ticked ``ids``
``/admin/money/export.xlsx``        the filtered list for the finance bureau (财政局); beyond
                                    ``core.platform.downloads.INLINE_EXPORT_ROWS`` rows the list shows a
                                    button instead (POST here): the queue makes it for 我的下载
``/admin/money/<id>``               one entitlement: what it hangs on, each step, the other support of
                                    the same space and organisation (overlaps highlighted), the fund,
                                    the forms the user may use, the audit trail
``/admin/money/<id>/approve|pay|cancel``  POST

Officers, leaders and the admin read (others 403); outside the scope 404.  The operations check who
acts.  Bad input: the page again with what was typed and the message beside its field (400);
someone acted first: 409 with the words.
"""
from __future__ import annotations

from flask import Response, abort, flash, redirect, request, stream_with_context, url_for
from flask_admin import BaseView, expose
from flask_babel import gettext
from flask_login import current_user
from sqlalchemy import select

from core.accounts.admin_access import StaffAccessMixin
from core.accounts.scoping import role_in, visible_codes
from core.award.related import other_support
from core.monitoring.admin_findings import parse_day
from core.policy import citation_text as cite
from core.monitoring.title_scope import STAFF_READERS
from core.money import export, funds, lifecycle
from core.platform import audit, clock, downloads, exports, labels
from core.platform.extensions import db
from core.platform.jurisdictions import registry
from core.platform.models import AuditEvent, SubsidyEntitlement, SupportFund, User

APPROVE_FIELDS = ("amount", "justification", "override_reason")
PAY_FIELDS = ("voucher_number", "paid_on", "paid_amount", "paying_body", "difference_reason")
BULK_FIELDS = ("voucher_number", "paid_on", "paying_body")


def authority(code: str) -> str:
    juris = registry().installed().get(code)
    return juris.authority if juris is not None else ""


class MoneyDeskView(StaffAccessMixin, BaseView):
    allowed_roles = STAFF_READERS

    # --- the list -----------------------------------------------------------------------
    def _index(self, *, typed: dict | None = None, errors: dict | None = None, status: int = 200,
               ticked: set[str] | None = None):
        filters = lifecycle.Filters.parse(request.args if request.method == "GET" else request.form, current_user)
        shown = lifecycle.page_of(current_user, filters)
        rows = shown.rows
        codes = visible_codes(current_user)
        return self.render(
            "admin/money.html", rows=rows, flag_map=shown.flag_map, facts=export.holders(rows), filters=filters,
            totals=shown.totals, page=shown.page, pages=shown.pages, kinds=lifecycle.kinds(current_user),
            codes=codes, labels=labels, cite=cite, statuses=lifecycle.STATUSES, fund_names=export.fund_names(rows),
            export_queued=shown.totals["count"] > downloads.INLINE_EXPORT_ROWS, inline_rows=downloads.INLINE_EXPORT_ROWS,
            approvers={c: lifecycle.approver_role(c) for c in codes},
            may_approve={e.id for e in rows if lifecycle.may_approve(current_user, e)},
            may_pay={e.id for e in rows if lifecycle.may_pay(current_user, e)},
            typed=typed or {"paid_on": clock.today().isoformat()}, errors=errors or {},
            ticked=ticked or set()), status

    @expose("/")
    def index(self):
        return self._index()

    @expose("/bulk", methods=["POST"])
    def bulk(self):
        do = request.form.get("do")
        ids = request.form.getlist("ids")
        typed = {k: request.form.get(k, "") for k in BULK_FIELDS}
        filters = lifecycle.Filters.parse(request.form, current_user)
        if do not in ("approve", "pay"):
            abort(400)
        if not ids:
            return self._index(typed=typed, errors={"ids": gettext("Tick the entitlements first.")}, status=400)
        ticked = set(ids)  # a refused form comes back with the same ticks
        if do == "approve":
            done, skipped = lifecycle.bulk_approve(ids, current_user)
        else:
            errors = {}
            day = parse_day(typed["paid_on"])
            if day is None:
                errors["paid_on"] = "请填写支付日期（YYYY-MM-DD）"
            for key, what, limit in (("voucher_number", "支付凭证号", 64), ("paying_body", "拨付单位", 200)):
                if not typed[key].strip():
                    errors[key] = f"请填写{what}"
                elif len(typed[key].strip()) > limit:
                    errors[key] = f"{what}不能超过 {limit} 字"
            if errors:
                return self._index(typed=typed, errors=errors, status=400, ticked=ticked)
            done, skipped = lifecycle.bulk_pay(ids, current_user, typed["voucher_number"], day, typed["paying_body"])
        flash(gettext("%(count)d done.", count=len(done)), "success" if done else "info")
        for row, why in skipped:
            number = getattr(row, "id", row)
            flash(gettext("No. %(number)s skipped: %(why)s", number=number, why=why), "warning")
        return redirect(url_for(".index", **filters.page_args()))

    @expose("/export.xlsx", methods=["GET", "POST"])
    def export_xlsx(self):
        """The workbook, inline up to ``downloads.INLINE_EXPORT_ROWS`` rows; a longer list is made
        by the queue and delivered to 我的下载 (POST: the button the list shows then)."""
        filters = lifecycle.Filters.parse(request.args if request.method == "GET" else request.form, current_user)
        if request.method == "POST":
            row = downloads.request(current_user, export.DOWNLOAD_KIND, exports.export_filename("补助资金", "xlsx")
                                    .removesuffix(".xlsx"), filters.query_args())
            audit.record("download.requested", row, kind=row.kind, filters=filters.query_args())
            db.session.commit()
            flash(gettext("Added to My downloads."), "success")
            return redirect(url_for(".index", **filters.page_args()))
        if lifecycle.export_count(current_user, filters) > downloads.INLINE_EXPORT_ROWS:
            flash(gettext("This list is longer than %(n)d rows: use the button to have it prepared in My downloads.",
                          n=downloads.INLINE_EXPORT_ROWS), "info")
            return redirect(url_for(".index", **filters.page_args()))
        rows = lifecycle.export_rows(current_user, filters)
        names = export.fund_names(rows)
        name = exports.export_filename("补助资金", "xlsx")
        body = exports.written_chunks(lambda out: export.write_workbook(out, rows, names))
        return Response(stream_with_context(body), mimetype=exports.XLSX_MIMETYPE, headers={
            "Content-Disposition": exports.content_disposition(name, "subsidies.xlsx")})

    # --- one entitlement -----------------------------------------------------------------
    def _entitlement(self, entitlement_id: int) -> SubsidyEntitlement:
        e = lifecycle.visible(current_user, entitlement_id)
        if e is None:
            abort(404)
        return e

    def _show(self, e: SubsidyEntitlement, *, form: str | None = None, typed: dict | None = None,
              errors: dict | None = None, status: int = 200):
        today = clock.today()
        flags = lifecycle.current_flags(e)
        flagged_ids = {f.get("with") for f in flags}
        others = other_support(e)
        fund = db.session.get(SupportFund, e.fund_id) if e.fund_id else None
        if fund is None and e.status == "pending":
            fund = funds.fund_for(e.jurisdiction, today.year)
        events = db.session.scalars(select(AuditEvent).where(
            AuditEvent.object_type == "SubsidyEntitlement", AuditEvent.object_id == str(e.id))
            .order_by(AuditEvent.id)).all()
        people_ids = {e.approved_by_id, e.paid_by_id, e.cancelled_by_id} - {None}
        people = {u.id: u.name for u in db.session.scalars(select(User).where(User.id.in_(people_ids)))} \
            if people_ids else {}
        defaults = {"paid_on": today.isoformat(), "paying_body": authority(e.jurisdiction),
                    "paid_amount": str(e.approved_amount_cny or "")}
        return self.render(
            "admin/money_entitlement.html", e=e, holder=export.holders([e])[e.id], flags=flags,
            others=others, other_facts=export.holders(others), flagged_ids=flagged_ids, fund=fund,
            figures=funds.figures(fund) if fund is not None else None,
            fund_source=funds.source_text(fund) if fund is not None else "",
            budget=lifecycle.budget_check(e, e.amount_cny, today) if e.status == "pending" else None,
            actions=lifecycle.allowed_actions(current_user, e), approver=lifecycle.approver_role(e.jurisdiction),
            is_leader=role_in(current_user, e.jurisdiction) == "leader", people=people, events=events, labels=labels, cite=cite,
            category=lifecycle.categories_of([e.jurisdiction]).get((e.jurisdiction, e.rule_code)),
            form=form, typed={**defaults, **(typed or {})}, errors=errors or {},
            min_justification=lifecycle.MIN_JUSTIFICATION), status

    @expose("/<int:entitlement_id>")
    def show(self, entitlement_id: int):
        return self._show(self._entitlement(entitlement_id))

    def _act(self, entitlement_id: int, form: str, fields: tuple[str, ...], do):
        e = self._entitlement(entitlement_id)
        typed = {k: request.form.get(k, "") for k in fields}
        try:
            do(e, typed)
        except lifecycle.MoneyRefused as exc:
            db.session.rollback()
            status = 409 if exc.key == "action" else 400
            return self._show(self._entitlement(entitlement_id), form=form, typed=typed,
                              errors={exc.key: exc.message}, status=status)
        return None

    @expose("/<int:entitlement_id>/approve", methods=["POST"])
    def approve(self, entitlement_id: int):
        failed = self._act(entitlement_id, "approve", APPROVE_FIELDS, lambda e, t: lifecycle.approve(
            e, current_user, amount=t["amount"], justification=t["justification"],
            override_reason=t["override_reason"]))
        if failed is not None:
            return failed
        flash(gettext("The subsidy has been approved."), "success")
        return redirect(url_for(".show", entitlement_id=entitlement_id))

    @expose("/<int:entitlement_id>/pay", methods=["POST"])
    def pay(self, entitlement_id: int):
        def do(e, t):
            day = parse_day(t["paid_on"])
            if day is None:
                raise lifecycle.MoneyRefused("paid_on", "请填写支付日期（YYYY-MM-DD）")
            lifecycle.pay(e, current_user, voucher_number=t["voucher_number"], paid_on=day,
                          paid_amount=t["paid_amount"], paying_body=t["paying_body"],
                          difference_reason=t["difference_reason"])
        failed = self._act(entitlement_id, "pay", PAY_FIELDS, do)
        if failed is not None:
            return failed
        flash(gettext("The payment has been recorded."), "success")
        return redirect(url_for(".show", entitlement_id=entitlement_id))

    @expose("/<int:entitlement_id>/cancel", methods=["POST"])
    def cancel(self, entitlement_id: int):
        failed = self._act(entitlement_id, "cancel", ("reason",),
                           lambda e, t: lifecycle.cancel(e, current_user, t["reason"]))
        if failed is not None:
            return failed
        flash(gettext("The subsidy has been cancelled."), "success")
        return redirect(url_for(".show", entitlement_id=entitlement_id))
