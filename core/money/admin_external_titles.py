"""外部称号登记 desk (core.money.external_titles): the titles a space won outside this deployment.

``/admin/external-titles/?list=active|withdrawn|all``   the records the user may read, with the support
                                                       each created; officers and leaders: the form to
                                                       record one (the evidence file uploaded with it)
``/admin/external-titles/record``                      POST a record
``/admin/external-titles/<id>``                        one record: the title, its evidence, the support it
                                                       created, the audit trail; the form to withdraw it
``/admin/external-titles/<id>/withdraw``               POST the withdrawal with its reason
``/admin/external-titles/<id>/evidence``               the evidence file

Officers and leaders read their jurisdictions' records, the admin all (others 403); outside the
scope 404; only officers and leaders of the recording jurisdiction record and withdraw (403).  Bad
input: the page again, what was typed kept (the file must be chosen again), each message beside its
field (400); someone acted first: 409 with the refusal.
"""
from __future__ import annotations

from flask import abort, flash, redirect, request, url_for
from flask_admin import BaseView, expose
from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import select

from core.accounts.admin_access import StaffAccessMixin
from core.award import ladder
from core.monitoring.admin_findings import parse_day
from core.monitoring.title_scope import STAFF_READERS
from core.money import external_titles as ext
from core.platform import clock, labels, uploads
from core.platform.extensions import db
from core.platform.models import AuditEvent, ExternalTitle, Space, SubsidyEntitlement

LIST_LABELS = {"active": _l("In force"), "withdrawn": _l("Withdrawn"), "all": _l("All")}
RECORD_FIELDS = ("jurisdiction", "space_id", "level", "awarding_body", "title", "document_number", "granted_on")


def _space(value: str) -> Space | None:
    value = (value or "").strip()
    if not (value.isascii() and value.isdigit() and len(value) < 10):
        return None
    return db.session.get(Space, int(value))


class ExternalTitlesView(StaffAccessMixin, BaseView):
    allowed_roles = STAFF_READERS

    def _index(self, *, typed: dict | None = None, errors: dict | None = None, status: int = 200):
        which = request.args.get("list", "active")
        if which not in LIST_LABELS:
            which = "active"
        rows = ext.listing(current_user, which)
        support: dict[int, list[SubsidyEntitlement]] = {r.id: [] for r in rows}
        if rows:
            for ent in db.session.scalars(select(SubsidyEntitlement).where(
                    SubsidyEntitlement.external_title_id.in_(list(support))).order_by(SubsidyEntitlement.id)):
                support[ent.external_title_id].append(ent)
        codes = ext.recording_codes(current_user)
        return self.render("admin/external_titles.html", rows=rows, support=support, which=which, lists=LIST_LABELS,
                           codes=codes, spaces=ext.recordable_spaces(current_user) if codes else [],
                           levels=ext.LEVELS, labels=labels, typed=typed or {}, errors=errors or {},
                           today=clock.today()), status

    @expose("/")
    def index(self):
        return self._index()

    @expose("/record", methods=["POST"])
    def record(self):
        if not ext.recording_codes(current_user):
            abort(403)
        typed = {k: request.form.get(k, "") for k in RECORD_FIELDS}
        errors: dict[str, str] = {}
        granted_on = None
        if typed["granted_on"].strip():
            granted_on = parse_day(typed["granted_on"])
            if granted_on is None:
                errors["granted_on"] = "认定日期格式应为 YYYY-MM-DD"
        upload = request.files.get("evidence")
        try:
            done = ext.record(current_user, _space(typed["space_id"]), typed["jurisdiction"], typed["level"],
                              typed["awarding_body"], typed["title"], typed["document_number"],
                              granted_on, upload)
        except ext.ExternalTitleRefused as exc:
            db.session.rollback()
            merged = {**exc.errors, **errors}
            return self._index(typed=typed, errors=merged, status=400)
        except uploads.UploadError as exc:
            db.session.rollback()
            if errors:
                return self._index(typed=typed, errors=errors, status=400)
            return self._index(typed=typed, errors={"evidence": exc.message}, status=exc.status)
        if done.warning:
            flash(done.warning, "warning")
        flash(gettext("The title won elsewhere has been recorded."), "success")
        return redirect(url_for(".show", record_id=done.title.id))

    def _record(self, record_id: int) -> ExternalTitle:
        row = ext.visible(record_id, current_user)
        if row is None:
            abort(404)
        return row

    def _show(self, row: ExternalTitle, *, typed: dict | None = None, errors: dict | None = None, status: int = 200):
        events = db.session.scalars(select(AuditEvent).where(
            AuditEvent.object_type == "ExternalTitle", AuditEvent.object_id == str(row.id))
            .order_by(AuditEvent.id)).all()
        others = ladder.titles_held(row.space_id, include_ended=True, exclude=(ladder.RECORDED, row.id))
        return self.render("admin/external_title.html", row=row, events=events, labels=labels,
                           entitlements=ext.entitlements_of(row), evidence=ext.evidence_of(row),
                           may_withdraw=ext.may_withdraw(current_user, row), other_titles=others,
                           typed=typed or {}, errors=errors or {}), status

    @expose("/<int:record_id>")
    def show(self, record_id: int):
        return self._show(self._record(record_id))

    @expose("/<int:record_id>/withdraw", methods=["POST"])
    def withdraw(self, record_id: int):
        row = self._record(record_id)
        if not ext.may_record(current_user, row.jurisdiction):
            abort(403)
        typed = {"reason": request.form.get("reason", "")}
        try:
            ext.withdraw(current_user, row, typed["reason"])
        except ext.ExternalTitleRefused as exc:
            db.session.rollback()
            status = 409 if exc.key == "action" else 400
            return self._show(self._record(record_id), typed=typed, errors={exc.key: exc.message}, status=status)
        flash(gettext("The record has been withdrawn."), "success")
        return redirect(url_for(".show", record_id=row.id))

    @expose("/<int:record_id>/evidence")
    def evidence(self, record_id: int):
        attachment = ext.evidence_of(self._record(record_id))
        if attachment is None:
            abort(404)
        return uploads.send(attachment)
