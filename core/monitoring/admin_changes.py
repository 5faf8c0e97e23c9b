"""The bureaus' change reports (变更报告, core.monitoring.changes).

``/admin/changes/?list=mine|forwarded|overdue|recheck|all``  the reports the user may see
``/admin/changes/<id>``                                      one report: facts, due date, the
                                                             actions the user may take, the audit trail
``/admin/changes/<id>/act``                                  forward / return / accept / ask a re-check
``/admin/changes/found``                                     an officer records a change found unreported
``/admin/changes/<id>/evidence``                             the evidence file

Reads are scoped (``changes.change_criteria``: a report the user may not see is a 404); an
action he may not take is a 403; a missing opinion is refused in Chinese with what was typed.
"""
from __future__ import annotations

from datetime import date, datetime

from flask import abort, flash, redirect, request, url_for
from flask_admin import BaseView, expose
from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import select

from core.accounts import roles
from core.accounts import scoping
from core.accounts.admin_access import StaffAccessMixin
from core.accounts.scoping import visible_codes
from core.monitoring import changes
from core.platform import clock, labels, uploads
from core.platform.extensions import db
from core.platform.models import Attachment, AuditEvent, ChangeReport, Recognition

READ_ROLES = (roles.OFFICER, roles.LEADER, roles.RECOMMENDER, roles.ADMIN)

LIST_LABELS = {
    "mine": _l("Awaiting my check or decision"),
    "forwarded": _l("Forwarded to the province"),
    "overdue": _l("Overdue or reported late"),
    "recheck": _l("Criteria to be re-checked"),
    "all": _l("All"),
}
ACTION_LABELS = {
    "forward": _l("Checked: forward the change application"),
    "return": _l("Return to the applicant"),
    "accept": _l("Accept the change"),
    "recheck": _l("Ask for a re-check of the criteria"),
}


def _day(value: str) -> date | None:
    try:
        return datetime.strptime(value.strip(), "%Y-%m-%d").date()
    except ValueError:
        return None


class ChangeReportsView(StaffAccessMixin, BaseView):
    allowed_roles = READ_ROLES

    def _index(self, *, typed: dict | None = None, errors: dict | None = None, status: int = 200):
        which = request.args.get("list", "mine")
        if which not in changes.LISTS:
            which = "mine"
        today = clock.today()
        return self.render(
            "admin/changes.html", rows=changes.listing(current_user, which, today), which=which,
            lists=LIST_LABELS, today=today, labels=labels, changes_module=changes,
            found_titles=changes.found_titles(current_user), typed=typed or {}, errors=errors or {},
        ), status

    @expose("/")
    def index(self):
        return self._index()

    def _change(self, change_id: int) -> ChangeReport:
        change = changes.visible_change(change_id, current_user)
        if change is None:
            abort(404)
        return change

    def _show(self, change: ChangeReport, *, typed: dict | None = None, error: str | None = None, status: int = 200):
        events = db.session.scalars(select(AuditEvent).where(
            AuditEvent.object_type == "ChangeReport", AuditEvent.object_id == str(change.id))
            .order_by(AuditEvent.id)).all()
        return self.render(
            "admin/change.html", change=change, actions=changes.allowed_actions(current_user, change),
            action_labels=ACTION_LABELS, events=events, labels=labels, changes_module=changes,
            period=changes.report_period(change.jurisdiction, change.changed_on), today=clock.today(),
            typed=typed or {}, error=error,
        ), status

    @expose("/<int:change_id>")
    def show(self, change_id: int):
        return self._show(self._change(change_id))

    @expose("/<int:change_id>/act", methods=["POST"])
    def act(self, change_id: int):
        change = self._change(change_id)
        action, opinion = request.form.get("action", ""), request.form.get("opinion", "")
        if action not in changes.allowed_actions(current_user, change):
            abort(403)
        try:
            changes.act(current_user, change, action, opinion)
        except changes.ChangeRefused as exc:
            db.session.rollback()
            status = 400 if exc.key == "opinion" else 409  # else: someone acted first
            return self._show(self._change(change_id), typed={"action": action, "opinion": opinion},
                              error=exc.message, status=status)
        flash(gettext("Done: %(what)s.", what=ACTION_LABELS[action]), "success")
        return redirect(url_for(".show", change_id=change.id))

    @expose("/found", methods=["POST"])
    def found(self):
        if not scoping.holds(current_user, roles.OFFICER):  # the operation checks the title's jurisdiction
            abort(403)
        form = request.form
        typed = {k: form.get(k, "") for k in ("recognition_id", "kind", "changed_on", "description")}
        chosen = typed["recognition_id"]
        recognition = db.session.get(Recognition, int(chosen)) if chosen.isascii() and chosen.isdigit() and len(chosen) < 10 else None
        if recognition is not None and recognition.jurisdiction not in visible_codes(current_user):
            abort(404)
        if recognition is None:
            return self._index(typed=typed, errors={"recognition_id": "请选择认定称号"}, status=400)
        try:
            change = changes.record_found(current_user, recognition, typed["kind"], _day(typed["changed_on"]),
                                          typed["description"])
        except changes.ChangeRefused as exc:
            return self._index(typed=typed, errors={exc.key: exc.message}, status=400)
        flash(gettext("The change found has been recorded."), "success")
        return redirect(url_for(".show", change_id=change.id))

    @expose("/<int:change_id>/evidence")
    def evidence(self, change_id: int):
        change = self._change(change_id)
        attachment = db.session.get(Attachment, change.attachment_id) if change.attachment_id else None
        if attachment is None:
            abort(404)
        return uploads.send(attachment)
