"""The admin's public-notice pages.

* ``NoticeView`` (``/admin/publicnotice/``) — the list of notices, scoped to the
  user's jurisdictions (read-only: notices change only through the actions below).
* ``NoticeDeskView`` (``/admin/notices/``) — the officer's desk: the applications
  ready to be published (at a public-notice step) with the publish form, those
  awaiting the award with the award button; a notice's page with its entries, the
  objections (with the objector's contact and attachment, for officers), the resolve
  form of each open objection and the close button.

Every read is scoped (``core.accounts.scoping``); every write goes through
``core.notice.publication`` / ``core.award.titles`` (through the award desk, ``core.review.award_desk``), which check the role and scope again and
refuse with a Chinese message shown on the page with what was typed.
Leaders and the admin may read these pages; only officers act.
"""
from __future__ import annotations

from flask import abort, flash, redirect, request, url_for
from flask_admin import BaseView, expose
from flask_admin.contrib.sqla.filters import FilterEqual
from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from markupsafe import Markup, escape
from sqlalchemy import select

from core.notice import publication as public_notice

from core.accounts import roles

from core.accounts import scoping

from core.platform import uploads

from core.review import award_desk, moves, steps, workflow
from core.platform import clock
from core.platform import labels
from core.accounts.admin_access import ScopedModelView, StaffAccessMixin
from core.accounts.auth import safe_next
from core.platform.extensions import db
from core.platform.models import Application, Attachment, Objection, PublicNotice
from core.platform.row_ids import row_id
from core.notice.periods import NoticeError, notice_period_for

READ_ROLES = (roles.OFFICER, roles.LEADER, roles.ADMIN)
CONTACT_ROLES = (roles.OFFICER, roles.ADMIN)  # who sees an objector's contact and attachment

STATUS_LABELS = labels.NOTICE_STATUS_LABELS  # one place for labels: core.platform.labels
OBJECTION_LABELS = labels.OBJECTION_STATUS_LABELS


def _title_link(view, context, model, name):
    return Markup('<a href="{}">{}</a>').format(url_for("notices.show", notice_id=model.id), escape(model.title))


class NoticeView(ScopedModelView):
    allowed_roles = READ_ROLES
    create_roles = edit_roles = delete_roles = None  # notices change through the desk only
    column_list = ("title", "jurisdiction", "published_on", "first_day", "last_day", "days", "status")
    column_default_sort = ("published_on", True)
    column_filters = (FilterEqual(column="status", name=_l("Status"), options=lambda: [
        (code, str(label)) for code, label in labels.NOTICE_STATUS_LABELS.items()]), "published_on")
    column_labels = {"title": _l("Title"), "jurisdiction": _l("Jurisdiction"), "published_on": _l("Published on"),
                     "first_day": _l("First day"), "last_day": _l("Last day"), "days": _l("Days"),
                     "status": _l("Status")}
    column_formatters = {
        "title": _title_link,
        "jurisdiction": lambda v, c, m, n: labels.jurisdiction_label(m.jurisdiction),
        "status": lambda v, c, m, n: str(STATUS_LABELS.get(m.status, m.status)),
    }


def _today():
    return clock.today()


def _scoped_notice(notice_id: int) -> PublicNotice:
    notice = db.session.scalars(
        select(PublicNotice).where(PublicNotice.id == notice_id,
                                   scoping.criteria_for(PublicNotice, current_user))
    ).one_or_none()
    if notice is None:
        abort(404)
    return notice


def _at_step_kind(kind: str, statuses: tuple[str, ...]) -> list[Application]:
    """Visible applications whose current step is of ``kind``."""
    rows = db.session.scalars(
        select(Application).where(Application.status.in_(statuses), scoping.application_criteria(current_user))
        .order_by(Application.jurisdiction, Application.id)
    ).all()
    return [a for a in rows if (step := steps.step_of(a)) is not None and step.kind == kind]


def _upcoming_periods(ready: list[Application], today) -> list[dict]:
    """The period a notice published today would have, per jurisdiction with applications
    ready, where it carries a warning — above all a period running into a year whose
    holiday arrangement is not known, which may in truth be longer (CONTRACTS §3)."""
    found = []
    for code in sorted({a.jurisdiction for a in ready}):
        try:
            period = notice_period_for(code, today)
        except NoticeError:
            continue  # no period at all: publishing says so, with the reason
        if period["warnings"]:
            found.append({"code": code, **period})
    return found


def award_url(application: Application) -> str:
    """Where the case page's award button posts (with ``csrf_token`` and
    ``expected_version``; ``next`` says where to come back)."""
    return url_for("notices.award", application_id=application.id)


class NoticeDeskView(StaffAccessMixin, BaseView):
    allowed_roles = READ_ROLES

    def _index(self, *, typed: dict | None = None, error: str | None = None, status: int = 200):
        may_act = scoping.holds(current_user, roles.OFFICER)  # the desk lists his jurisdictions; each act checks
        ready = _at_step_kind("public_notice", ("in_review", "submitted"))
        return self.render(
            "admin/notices.html", ready=ready, upcoming=_upcoming_periods(ready, _today()),
            awaiting=_at_step_kind("award", ("in_review",)), may_act=may_act, typed=typed or {}, error=error,
            labels=labels, steps=steps, award_url=award_url, authority_of=public_notice.authority_of,
        ), status

    @expose("/")
    def index(self):
        return self._index()

    @expose("/publish", methods=["POST"])
    def publish(self):
        ids = [key for key in map(row_id, request.form.getlist("application_id")) if key is not None]
        typed = {"title": request.form.get("title", ""), "contact": request.form.get("contact", ""), "ids": ids}
        applications = [scoping.application_or_404(i) for i in ids]
        try:
            notice = public_notice.publish(applications, current_user, _today(), typed["title"], typed["contact"])
        except moves.WorkflowError as exc:
            return self._index(typed=typed, error=exc.message, status=400)
        flash(gettext("The notice has been published."), "success")
        return redirect(url_for(".show", notice_id=notice.id))

    def _show(self, notice: PublicNotice, *, typed: dict | None = None, error: dict | None = None, status: int = 200):
        objections = db.session.scalars(
            select(Objection).where(Objection.notice_id == notice.id).order_by(Objection.id)
        ).all()
        today = _today()
        return self.render(
            "admin/notice.html", notice=notice, objections=objections, today=today,
            close_refusal=public_notice.close_refusal(notice, today),
            may_act=scoping.role_in(current_user, notice.jurisdiction) == roles.OFFICER,  # held there (issue 22)
            sees_contact=scoping.role_in(current_user, notice.jurisdiction) in CONTACT_ROLES, typed=typed or {}, error=error or {},
            labels=labels, objection_labels=OBJECTION_LABELS, status_labels=STATUS_LABELS,
            authority=public_notice.authority_of(notice.jurisdiction),
        ), status

    @expose("/<int:notice_id>")
    def show(self, notice_id: int):
        return self._show(_scoped_notice(notice_id))

    @expose("/<int:notice_id>/objections/<int:objection_id>/resolve", methods=["POST"])
    def resolve(self, notice_id: int, objection_id: int):
        notice = _scoped_notice(notice_id)
        objection = db.session.scalars(
            select(Objection).where(Objection.id == objection_id, Objection.notice_id == notice.id)
        ).one_or_none()
        if objection is None:
            abort(404)
        form = request.form
        typed = {"outcome": form.get("outcome", ""), "reasons": form.get("reasons", ""),
                 "application_id": form.get("application_id", ""), "reject": form.get("reject") == "1"}
        chosen = typed["application_id"]
        try:
            public_notice.resolve_objection(
                objection, typed["outcome"], typed["reasons"], current_user, today=_today(),
                application_id=row_id(chosen), reject=typed["reject"])
        except moves.WorkflowError as exc:
            return self._show(notice, typed={objection.id: typed},
                              error={"objection": objection.id, "message": exc.message}, status=400)
        flash(gettext("The objection has been resolved."), "success")
        return redirect(url_for(".show", notice_id=notice.id))

    @expose("/<int:notice_id>/close", methods=["POST"])
    def close(self, notice_id: int):
        notice = _scoped_notice(notice_id)
        try:
            moved = public_notice.close(notice, current_user, _today())
        except moves.WorkflowError as exc:
            return self._show(notice, error={"close": exc.message}, status=400)
        flash(gettext("The notice has been closed; %(n)s application(s) moved to the award step.", n=len(moved)),
              "success")
        return redirect(url_for(".show", notice_id=notice.id))

    @expose("/objections/<int:objection_id>/attachment")
    def attachment(self, objection_id: int):
        if not scoping.holds(current_user, *CONTACT_ROLES):  # and below: of a notice where he holds one
            abort(403)
        row = db.session.execute(
            select(Objection, Attachment).join(PublicNotice, PublicNotice.id == Objection.notice_id)
            .join(Attachment, Attachment.id == Objection.attachment_id)
            .where(Objection.id == objection_id, scoping.criteria_for(PublicNotice, current_user))
        ).one_or_none()
        if row is None:
            abort(404)
        return uploads.send(row[1])

    @expose("/award/<int:application_id>", methods=["POST"])
    def award(self, application_id: int):
        application = scoping.application_or_404(application_id)
        back = safe_next(request.form.get("next"), url_for(".index"))
        expected = request.form.get("expected_version", "")
        try:
            if expected.isdigit() and int(expected) != application.version:
                raise moves.StaleError()
            if request.form.get("confirm") != "yes":
                # 授予称号 is asked twice: a static JS confirm() and this box (issue 13);
                # a move not allowed at all is refused as such
                refused = workflow.refusal(application, "award", current_user, today=_today())
                if refused:
                    raise moves.WorkflowError("award", refused)
                return self._index(typed={"award_unconfirmed": application.id}, status=400)
            recognition = award_desk.required().grant(application, current_user, _today())
        except moves.StaleError as exc:  # another officer awarded first: the same 409 as the case page
            db.session.rollback()
            return self._index(error=exc.message, status=409)
        except moves.WorkflowError as exc:
            db.session.rollback()
            flash(exc.message, "error")
            return redirect(back)
        flash(gettext("Title awarded: %(title)s, certificate %(number)s.", title=recognition.title,
                      number=recognition.certificate_number), "success")
        return redirect(back)
