"""限期整改 desk (core.monitoring.rectifications).

``/admin/rectifications/?list=running|to_judge|judged|all``   the rectifications the user may see;
                                                              officers: the form to order one
``/admin/rectifications/order``                               POST an order
``/admin/rectifications/<id>``                                one order: ground and article, deadline,
                                                              the space's report and statement, the judgement
``/admin/rectifications/<id>/judge``                          POST passed / failed with the opinion
``/admin/rectifications/<id>/evidence``                       the report's evidence file

Officers, leaders and the admin of the jurisdiction read (others 403); outside the scope 404; only
officers order and judge (403).  Bad input: the page again, what was typed kept, the message
beside its field (400); someone judged first: 409 with the refusal.
"""
from __future__ import annotations

from flask import abort, flash, redirect, request, url_for
from flask_admin import BaseView, expose
from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import select

from core.accounts import roles
from core.accounts import scoping
from core.accounts.admin_access import StaffAccessMixin
from core.monitoring import findings, rectifications
from core.monitoring.admin_findings import parse_day
from core.monitoring.title_scope import STAFF_READERS, visible
from core.platform import clock, labels, uploads
from core.platform.extensions import db
from core.platform.models import Attachment, AuditEvent, Recognition, Rectification

LIST_LABELS = {
    "running": _l("Running"),
    "to_judge": _l("Awaiting my judgement"),
    "judged": _l("Judged"),
    "all": _l("All"),
}
ORDER_FIELDS = ("recognition_id", "ground", "assessment_id", "finding_id", "requirements", "deadline")


class RectificationsView(StaffAccessMixin, BaseView):
    allowed_roles = STAFF_READERS

    def _index(self, *, typed: dict | None = None, errors: dict | None = None, status: int = 200):
        which = request.args.get("list", "running")
        if which not in rectifications.LISTS:
            which = "running"
        titles = rectifications.orderable_titles(current_user)
        today = clock.today()
        options = {t.id: {"assessments": rectifications.unqualified_assessments(t),
                          "findings": rectifications.operating_findings(t)} for t in titles}
        periods = {code: rectifications.period_for(code, today).text()
                   for code in dict.fromkeys(t.jurisdiction for t in titles)}
        return self.render("admin/rectifications.html", rows=rectifications.listing(current_user, which), which=which,
                           lists=LIST_LABELS, titles=titles, options=options, periods=periods, labels=labels,
                           typed=typed or {}, errors=errors or {}, today=today, module=rectifications), status

    @expose("/")
    def index(self):
        return self._index()

    @expose("/order", methods=["POST"])
    def order(self):
        if not scoping.holds(current_user, roles.OFFICER):  # the operation checks the title's jurisdiction
            abort(403)
        typed = {k: request.form.get(k, "") for k in ORDER_FIELDS}
        chosen = typed["recognition_id"]
        recognition = db.session.get(Recognition, int(chosen)) if chosen.isascii() and chosen.isdigit() and len(chosen) < 10 else None
        if recognition is None or recognition not in rectifications.orderable_titles(current_user):
            return self._index(typed=typed, errors={"recognition_id": "请选择本辖区有效且无进行中整改的认定称号"}, status=400)
        deadline = None
        if typed["deadline"].strip():
            deadline = parse_day(typed["deadline"])
            if deadline is None:
                return self._index(typed=typed, errors={"deadline": "整改期限格式应为 YYYY-MM-DD"}, status=400)
        try:
            rect = rectifications.order(current_user, recognition, typed["ground"], typed["requirements"],
                                        deadline=deadline, assessment_id=typed["assessment_id"],
                                        finding_id=typed["finding_id"])
        except rectifications.RectificationRefused as exc:
            return self._index(typed=typed, errors={exc.key: exc.message}, status=400)
        flash(gettext("The rectification has been ordered."), "success")
        return redirect(url_for(".show", rect_id=rect.id))

    def _rect(self, rect_id: int) -> Rectification:
        rect = visible(Rectification, rect_id, current_user)
        if rect is None:
            abort(404)
        return rect

    def _show(self, rect: Rectification, *, typed: dict | None = None, errors: dict | None = None, status: int = 200):
        events = db.session.scalars(select(AuditEvent).where(
            AuditEvent.object_type == "Rectification", AuditEvent.object_id == str(rect.id))
            .order_by(AuditEvent.id)).all()
        return self.render("admin/rectification.html", rect=rect, events=events, labels=labels, cite=findings.cite,
                           actions=rectifications.allowed_actions(current_user, rect), module=rectifications,
                           typed=typed or {}, errors=errors or {}, today=clock.today()), status

    @expose("/<int:rect_id>")
    def show(self, rect_id: int):
        return self._show(self._rect(rect_id))

    @expose("/<int:rect_id>/judge", methods=["POST"])
    def judge(self, rect_id: int):
        rect = self._rect(rect_id)
        if not rectifications.allowed_actions(current_user, rect):
            abort(403)
        typed = {"result": request.form.get("result", ""), "judgement": request.form.get("judgement", "")}
        try:
            rectifications.judge(current_user, rect, typed["result"], typed["judgement"])
        except rectifications.RectificationRefused as exc:
            db.session.rollback()
            status = 409 if exc.key == "action" else 400
            return self._show(self._rect(rect_id), typed=typed, errors={exc.key: exc.message}, status=status)
        flash(gettext("The rectification has been judged."), "success")
        return redirect(url_for(".show", rect_id=rect.id))

    @expose("/<int:rect_id>/evidence")
    def evidence(self, rect_id: int):
        rect = self._rect(rect_id)
        attachment = db.session.get(Attachment, rect.report_attachment_id) if rect.report_attachment_id else None
        if attachment is None:
            abort(404)
        return uploads.send(attachment)
