"""The case page of one application: ``/admin/case/<id>``.

What the application is, the steps its plugin declares (the current one marked,
the ones passed ticked), the buttons for what the logged-in user may do now — and
nothing else: the buttons come from ``workflow.allowed_actions`` and every post goes
through ``workflow.act``, which refuses whatever the request says if the user may
not.  Each form carries the version and step the page was drawn from, so a double
click or a second officer acting first gets the "已被他人办理" message instead of a
second transition.

The timeline (every audit event of the application, and its review records) and
its CSV export follow the audit log's scope (``core.accounts.scoping.audit_criteria``):
officers and leaders of the jurisdiction, and the admin.  Recommenders and experts
see the application, the steps and their buttons.  (Our choice: the audit log
carries client addresses, and experts score without seeing one another's records.)
"""
from __future__ import annotations

import csv
import io
from datetime import date

from flask import Response, abort, flash, redirect, request, url_for
from flask_admin import BaseView, expose
from flask_babel import gettext
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import joinedload, lazyload

from core.review import attendance, award_desk, meetings, moves, steps, workflow
from core.eligibility import admin_checklist as checklist_view
from core.platform import clock
from core.platform import labels
from core.accounts.admin_access import StaffAccessMixin
from core.platform.exports import spreadsheet_safe
from core.platform.extensions import db
from core.platform.models import Application, AuditEvent, Batch, ExpertAssignment, ReviewRecord, User
from core.accounts.scoping import AUDIT_ROLES, application_or_404, audit_criteria, role_in

# What the case page offers; publishing and the notice's outcomes are done on the
# notice pages, which also create or close the notice itself.
CASE_ACTIONS = ("approve", "return", "reject", "conclude_expert_review", "award")
BUTTON_CLASSES = {"approve": "btn-success", "return": "btn-warning", "reject": "btn-danger",
                  "conclude_expert_review": "btn-primary", "award": "btn-primary"}
# Grave steps asked twice: a static JS confirm() and a required "confirm" checkbox the
# server checks (so it holds without JavaScript, and for a forged post).
CONFIRMED_ACTIONS = ("conclude_expert_review", "award")
CONFIRM_REQUIRED = "请勾选确认后再办理"
# The actions an officer may take in the recommender's place (attendance.substitute_refusal).
SUBSTITUTE_ACTIONS = ("approve", "return", "reject")
# Saving the reviewed certificate title without awarding yet (the award desk: core.award.titles).
TITLE_ACTION = "certificate_title"
# What the page shows of the application, read with it in one statement: its space and
# organisation, and its batch's experts (the checklist's awaited judges).  The experts'
# scopes are not shown: left lazy rather than selected for nothing.
CASE_LOADS = (joinedload(Application.space), joinedload(Application.organisation),
              joinedload(Application.batch).joinedload(Batch.experts).joinedload(ExpertAssignment.expert)
              .options(lazyload(User.scopes)))


def offered_actions(application: Application, user, today: date) -> list[str]:
    """The buttons: ``workflow.allowed_actions`` narrowed to this page (whose application
    was read under the user's scope: ``application_or_404``)."""
    offered = set(workflow.allowed_actions(application, user, today=today, loaded_in_scope=True))
    return [a for a in CASE_ACTIONS if a in offered]


def action_label(action: str) -> str:
    return labels.audit_action_label(action)


def timeline_events(application: Application, user) -> list[AuditEvent]:
    return db.session.scalars(
        select(AuditEvent)
        .where(AuditEvent.object_type == "Application", AuditEvent.object_id == str(application.id),
               audit_criteria(user))
        .order_by(AuditEvent.occurred_at, AuditEvent.id)
    ).all()


def review_records(application: Application) -> list[tuple[ReviewRecord, str]]:
    rows = db.session.execute(
        select(ReviewRecord, User.name).outerjoin(User, User.id == ReviewRecord.actor_id)
        .where(ReviewRecord.application_id == application.id)
        .order_by(ReviewRecord.created_at, ReviewRecord.id)
    ).all()
    return [(record, name or "system") for record, name in rows]


def _meeting_detail(application: Application, step, form, today: date) -> tuple[dict, dict]:
    """(detail for act, field errors) from the meeting fields of a decision, by the one
    meeting rule (core.review.meetings)."""
    required = meetings.meeting_requirement(application.jurisdiction, step)
    return meetings.meeting_record(required, form.get("meeting_on"), form.get("minutes_ref"), today)


def _award(application: Application, actor, today: date):
    """The title, the certificate and the subsidies (the award desk, core.award.titles) once
    that package is loaded; until then the bare transition."""
    desk = award_desk.desk()
    if desk is None:
        return workflow.act(application, "award", actor, today=today)
    return desk.grant(application, actor, today)


def _page_still_current(application: Application, form) -> int:
    """The page the user acted on must still be the application as it is now (its version
    and step); otherwise someone else has dealt with it (StaleError, 409)."""
    try:
        expected_version = int(form.get("expected_version", ""))
    except ValueError:
        raise moves.StaleError() from None
    if expected_version != application.version or (form.get("expected_step") or None) != application.current_step:
        raise moves.StaleError()
    return expected_version


class CaseView(StaffAccessMixin, BaseView):
    def is_visible(self) -> bool:
        return False  # reached from an application, not from the menu

    def _render(self, application: Application, *, typed: dict | None = None, error: str | None = None,
                errors: dict | None = None, status: int = 200):
        today = clock.today()
        step = steps.step_of(application)
        offered = offered_actions(application, current_user, today)
        policy = steps.policy_of(application)
        show_timeline = role_in(current_user, application.jurisdiction) in AUDIT_ROLES  # held there
        stuck = attendance.unattended(application) if show_timeline else None
        may_substitute = stuck is not None and attendance.substitute_refusal(application, current_user) is None
        award_title = proposed = None
        desk = award_desk.desk()
        if "award" in offered and desk is not None:
            award_title, proposed = desk.certificate_title(application), desk.proposed_title(application)
        return self.render(
            "admin/case.html", app=application, step=step, steps=steps.progress(application), offered=offered,
            meeting_requirement=meetings.meeting_requirement(application.jurisdiction, step)
            if "approve" in offered else None, policy=policy,
            policy_document=application.policy_document or (policy.document if policy else None),
            events=timeline_events(application, current_user) if show_timeline else None,
            records=review_records(application) if show_timeline else None,
            typed=typed or {}, error=error, errors=errors or {}, labels=labels, kinds=steps.STEP_KIND_LABELS,
            action_label=action_label, button_classes=BUTTON_CLASSES,
            step_names={s.code: s.name for s in steps.steps_of(application)},
            verdict=checklist_view.verdict_summary(application, current_user),
            stuck=stuck, may_substitute=may_substitute, substitute_actions=SUBSTITUTE_ACTIONS,
            assignable=attendance.assignable_recommenders(application) if may_substitute else [],
            confirmed_actions=CONFIRMED_ACTIONS,
            award_title=award_title, proposed_title=proposed, title_max=desk.title_max if desk is not None else None,
            other_titles=desk.other_titles(application) if desk is not None and desk.other_titles else None,
        ), status

    @expose("/")
    def index(self):
        return redirect(url_for("application.index_view"))

    @expose("/<int:application_id>")
    def show(self, application_id: int):
        return self._render(application_or_404(application_id, CASE_LOADS))

    def _refused(self, application: Application, exc: moves.WorkflowError, typed: dict, fields: dict):
        """The case page again after a refused move, nothing written: 409 when someone else
        dealt with the application first (StaleError), else 400 with the message next to its
        field (``fields``: the refusal's key -> the form field that shows it)."""
        db.session.rollback()
        if isinstance(exc, moves.StaleError):
            db.session.refresh(application)
            return self._render(application, error=exc.message, status=409)
        errors = {fields[exc.key]: exc.message} if exc.key in fields else {}
        return self._render(application, typed=typed, errors=errors, error=exc.message, status=400)

    @expose("/<int:application_id>/act", methods=["POST"])
    def act(self, application_id: int):
        application = application_or_404(application_id)
        form = request.form
        action = form.get("action", "")
        typed = {k: form.get(k, "") for k in ("opinion", "meeting_on", "minutes_ref", "substitute_reason")}
        in_place = form.get("in_place") == "1"
        if in_place:
            typed["in_place"] = "1"
        if "certificate_title" in form:
            typed["certificate_title"] = form.get("certificate_title", "")
        today = clock.today()
        try:
            if action not in (*CASE_ACTIONS, TITLE_ACTION):
                raise moves.WorkflowError("action", "该操作不能在申报办理页面进行")
            expected_version = _page_still_current(application, form)
            step = steps.step_of(application)
            detail, errors = ({}, {})
            if action == "approve":
                detail, errors = _meeting_detail(application, step, form, today)
            if action in CONFIRMED_ACTIONS and form.get("confirm") != "yes":
                refused = workflow.refusal(application, action, current_user, today=today)
                if refused:  # a move not allowed at all is refused as such, not asked to confirm
                    raise moves.WorkflowError(action, refused)
                errors[f"confirm-{action}"] = CONFIRM_REQUIRED
            if errors:
                return self._render(application, typed=typed, errors=errors,
                                    error="请按提示修改后重新提交", status=400)
            if action == TITLE_ACTION:
                award_desk.required().set_certificate_title(application, form.get("certificate_title"),
                                                            current_user, today)
                flash(gettext("The title on the certificate is saved."), "success")
                return redirect(url_for(".show", application_id=application.id))
            if in_place:
                workflow.act(application, action, current_user, opinion=form.get("opinion"),
                             expected_version=expected_version, expected_step=application.current_step,
                             today=today, substitute_reason=form.get("substitute_reason", ""))
            elif action == "award":
                if "certificate_title" in form:  # the title as reviewed on the award form
                    award_desk.required().set_certificate_title(application, form.get("certificate_title"),
                                                                current_user, today, commit=False)
                _award(application, current_user, today)
            else:
                workflow.act(application, action, current_user, opinion=form.get("opinion"),
                             expected_version=expected_version, expected_step=application.current_step,
                             today=today, detail=detail)
        except moves.WorkflowError as exc:
            fields = {"opinion": "substitute_opinion" if in_place else "opinion",
                      "substitute_reason": "substitute_reason", "certificate_title": "certificate_title"}
            return self._refused(application, exc, typed, fields)
        flash(gettext("Done: %(action)s.", action=action_label(action)), "success")
        return redirect(url_for(".show", application_id=application.id))

    @expose("/<int:application_id>/assign", methods=["POST"])
    def assign(self, application_id: int):
        """Assign a step nobody can act on to a named recommender (attendance.assign_step)."""
        application = application_or_404(application_id)
        form = request.form
        typed = {"assignee": form.get("assignee", ""), "assign_reason": form.get("assign_reason", "")}
        try:
            _page_still_current(application, form)
            assignment = attendance.assign_step(application, typed["assignee"], current_user,
                                                reason=typed["assign_reason"])
        except moves.WorkflowError as exc:
            return self._refused(application, exc, typed, {"assignee": "assignee", "assign_reason": "assign_reason"})
        flash(gettext("Step assigned to %(name)s.", name=assignment.assignee.name), "success")
        return redirect(url_for(".show", application_id=application.id))

    @expose("/<int:application_id>/timeline.csv")
    def timeline_csv(self, application_id: int):
        application = application_or_404(application_id)
        if role_in(current_user, application.jurisdiction) not in AUDIT_ROLES:
            abort(403)
        out = io.StringIO()
        writer = csv.writer(out)
        writer.writerow([gettext("Time"), gettext("Who"), gettext("Action"), gettext("Step"), gettext("From"),
                         gettext("To"), gettext("Opinion"), gettext("Client address"), gettext("Detail")])
        for event in timeline_events(application, current_user):
            detail = dict(event.detail or {})
            step_name = detail.get("step_name") or labels.step_name(application.jurisdiction, application.category,
                                                                  detail.get("step"))
            writer.writerow([spreadsheet_safe(v) for v in (
                labels.local_datetime(event.occurred_at), event.actor_name, action_label(event.action),
                step_name, labels.state_label(event.from_state, application.jurisdiction, application.category),
                labels.state_label(event.to_state, application.jurisdiction, application.category), event.opinion,
                event.client_address, "; ".join(f"{k}: {v}" for k, v in labels.detail_text(detail, application.jurisdiction,
                                                                         application.category)),
            )])
        # UTF-8 with a byte-order mark: Excel then reads the Chinese correctly.
        return Response("\ufeff" + out.getvalue(), mimetype="text/csv", headers={
            "Content-Disposition": f"attachment; filename=application-{application.id}-timeline.csv"})
