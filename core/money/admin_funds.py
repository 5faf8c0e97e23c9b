"""Support funds desk (core.money.funds).

``/admin/funds/``                  the funds of the user's jurisdictions: amount and its source (文件规定 with
                                   the article / 本局设定), committed, paid, remaining; the form to register a fund
``/admin/funds/open``              POST register a fund for a year (the document's amount by default)
``/admin/funds/<id>``              one fund: its figures, the entitlements charged to it, its audit trail, amend
``/admin/funds/<id>/amend``        POST a new amount with the reason

Officers, leaders and the admin read (others 403); outside the scope 404; officers and leaders of
the jurisdiction register and amend (the operation checks).
"""
from __future__ import annotations

from flask import abort, flash, redirect, request, url_for
from flask_admin import BaseView, expose
from flask_babel import gettext
from flask_login import current_user
from sqlalchemy import select

from core.accounts.admin_access import StaffAccessMixin
from core.accounts.scoping import visible_codes
from core.policy import citation_text as cite
from core.monitoring.title_scope import STAFF_READERS
from core.money import export, funds
from core.platform import clock, labels
from core.platform.extensions import db
from core.platform.models import AuditEvent, SubsidyEntitlement

OPEN_FIELDS = ("jurisdiction", "year", "amount", "name", "note")
AMEND_FIELDS = ("amount", "reason")


class FundsView(StaffAccessMixin, BaseView):
    allowed_roles = STAFF_READERS

    def _index(self, *, typed: dict | None = None, errors: dict | None = None, status: int = 200):
        rows = funds.listing(current_user)
        today = clock.today()
        manageable = [c for c in visible_codes(current_user) if funds.may_manage(current_user, c)]
        documents = {}
        for code in manageable:
            for year in (today.year, today.year + 1):
                rule = funds.document_fund(code, year)
                documents[(code, year)] = rule
        return self.render("admin/funds.html", rows=rows, figures=funds.figures_of(rows), labels=labels, cite=cite,
                           source_text=funds.source_text, manageable=manageable, documents=documents,
                           years=(today.year, today.year + 1),
                           typed=typed or {"year": str(today.year)}, errors=errors or {}), status

    @expose("/")
    def index(self):
        return self._index()

    @expose("/open", methods=["POST"])
    def open(self):
        typed = {k: request.form.get(k, "") for k in OPEN_FIELDS}
        code = typed["jurisdiction"]
        if code not in visible_codes(current_user) or not funds.may_manage(current_user, code):
            return self._index(typed=typed, errors={"jurisdiction": "请选择您所在辖区"}, status=400)
        try:
            fund = funds.open_fund(code, typed["year"], current_user, amount=typed["amount"], name=typed["name"],
                                   note=typed["note"])
        except funds.FundRefused as exc:
            db.session.rollback()
            return self._index(typed=typed, errors={exc.key: exc.message}, status=409 if exc.key == "action" else 400)
        flash(gettext("The fund has been registered."), "success")
        return redirect(url_for(".show", fund_id=fund.id))

    def _fund(self, fund_id: int):
        fund = funds.visible_fund(current_user, fund_id)
        if fund is None:
            abort(404)
        return fund

    def _show(self, fund, *, typed: dict | None = None, errors: dict | None = None, status: int = 200):
        charged = list(db.session.scalars(select(SubsidyEntitlement).where(SubsidyEntitlement.fund_id == fund.id)
                                          .order_by(SubsidyEntitlement.id)))
        events = db.session.scalars(select(AuditEvent).where(
            AuditEvent.object_type == "SupportFund", AuditEvent.object_id == str(fund.id)).order_by(AuditEvent.id)).all()
        rule = funds.document_fund(fund.jurisdiction, fund.year)
        return self.render("admin/funds_fund.html", fund=fund, figures=funds.figures(fund), charged=charged,
                           facts=export.holders(charged), events=events, labels=labels, cite=cite,
                           source=funds.source_text(fund), rule=rule,
                           may_manage=funds.may_manage(current_user, fund.jurisdiction),
                           typed=typed or {}, errors=errors or {}), status

    @expose("/<int:fund_id>")
    def show(self, fund_id: int):
        return self._show(self._fund(fund_id))

    @expose("/<int:fund_id>/amend", methods=["POST"])
    def amend(self, fund_id: int):
        fund = self._fund(fund_id)
        typed = {k: request.form.get(k, "") for k in AMEND_FIELDS}
        try:
            funds.amend_fund(fund, current_user, typed["amount"], typed["reason"])
        except funds.FundRefused as exc:
            db.session.rollback()
            return self._show(self._fund(fund_id), typed=typed, errors={exc.key: exc.message},
                              status=409 if exc.key == "action" else 400)
        flash(gettext("The fund has been amended."), "success")
        return redirect(url_for(".show", fund_id=fund_id))
