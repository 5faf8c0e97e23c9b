"""The applicant's minimal pages (the full portal is a later issue).

``/portal/`` lists the logged-in applicant's applications; ``/portal/applications/<id>``
shows where one stands (status, current step, the reasons of a return or rejection,
the notice period, the title once recognised) with the buttons the workflow allows
now: submit a draft, withdraw, and for a returned application a page to edit the
facts on the jurisdiction's own form and resubmit.  Every query goes through
``core.scoping.application_criteria`` (another organisation's application is a 404),
every move through ``core.workflow``.
"""
from __future__ import annotations

from functools import wraps

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext
from flask_login import current_user, login_required
from sqlalchemy import select

from core import roles, workflow
from core.admin import dashboard, labels
from core.extensions import db
from core.facts import FactsError, parse_facts
from core.jurisdictions import registry
from core.models import Application, NoticeEntry, PublicNotice, Recognition, ReviewRecord
from core.scoping import application_criteria

bp = Blueprint("portal", __name__, url_prefix="/portal")

# The actions the detail page offers as buttons (resubmitting goes through the edit page).
PAGE_ACTIONS = ("submit", "withdraw")


def today():
    """One "today" for the whole site (tests replace ``core.admin.dashboard.today``)."""
    return dashboard.today()


def applicant_required(view):
    @wraps(view)
    @login_required
    def wrapped(*args, **kwargs):
        if current_user.role != roles.APPLICANT:
            if current_user.role in roles.STAFF_ROLES:
                return redirect(url_for("admin.index"))
            abort(403)
        return view(*args, **kwargs)

    return wrapped


def own_application(application_id: int) -> Application:
    found = db.session.scalars(
        select(Application).where(Application.id == application_id, application_criteria(current_user))
    ).one_or_none()
    if found is None:
        abort(404)
    return found


def last_reasons(application: Application) -> ReviewRecord | None:
    """The review record behind a return or a rejection: its opinion is the reasons."""
    wanted = {"returned": ("return",), "rejected": ("reject", "objection_upheld")}.get(application.status)
    if not wanted:
        return None
    return db.session.scalars(
        select(ReviewRecord).where(ReviewRecord.application_id == application.id, ReviewRecord.action.in_(wanted))
        .order_by(ReviewRecord.created_at.desc(), ReviewRecord.id.desc()).limit(1)
    ).first()


def current_notice(application: Application) -> PublicNotice | None:
    return db.session.scalars(
        select(PublicNotice).join(NoticeEntry).where(NoticeEntry.application_id == application.id)
        .order_by(PublicNotice.published_on.desc(), PublicNotice.id.desc()).limit(1)
    ).first()


def recognition_of(application: Application) -> Recognition | None:
    return db.session.scalars(select(Recognition).where(Recognition.application_id == application.id)).first()


def _stale_or_refused(exc: workflow.WorkflowError) -> int:
    return 409 if isinstance(exc, workflow.StaleError) else 400


@bp.route("/")
@applicant_required
def index():
    applications = db.session.scalars(
        select(Application).where(application_criteria(current_user)).order_by(Application.id.desc())
    ).all()
    return render_template("portal/index.html", applications=applications, labels=labels,
                           step_of=workflow.step_of)


def _render_detail(application: Application, *, error: str | None = None, status: int = 200):
    offered = [a for a in workflow.allowed_actions(application, current_user, today=today())
               if a in PAGE_ACTIONS + ("resubmit",)]
    notice = current_notice(application) if application.status == "under_notice" else None
    return render_template(
        "portal/application.html", app=application, step=workflow.step_of(application), offered=offered,
        reasons=last_reasons(application), notice=notice, recognition=recognition_of(application),
        error=error, labels=labels, action_labels=workflow.ACTION_LABELS,
    ), status


@bp.route("/applications/<int:application_id>")
@applicant_required
def application(application_id: int):
    return _render_detail(own_application(application_id))


@bp.route("/applications/<int:application_id>/act", methods=["POST"])
@applicant_required
def act(application_id: int):
    application = own_application(application_id)
    action = request.form.get("action", "")
    try:
        if action not in PAGE_ACTIONS:
            raise workflow.WorkflowError("action", "该操作不能在此页面进行")
        workflow.act(application, action, current_user, expected_version=_int(request.form.get("expected_version")),
                     today=today())
    except workflow.WorkflowError as exc:
        db.session.rollback()
        db.session.refresh(application)
        return _render_detail(application, error=exc.message, status=_stale_or_refused(exc))
    flash(gettext("Done: %(action)s.", action=workflow.ACTION_LABELS[action]), "success")
    return redirect(url_for(".application", application_id=application.id))


def _int(value) -> int:
    """The version a form was drawn from; a missing or forged one can only be stale."""
    try:
        return int(value)
    except (TypeError, ValueError):
        return -1


@bp.route("/applications/<int:application_id>/edit", methods=["GET", "POST"])
@applicant_required
def edit(application_id: int):
    """Edit the facts of a returned application on its jurisdiction's form and resubmit
    (or only save).  Facts and resubmission are one transaction."""
    application = own_application(application_id)
    if application.status != "returned":
        return _render_detail(application, error="只有被退回修改的申报可以修改后重新提交", status=400)
    form_class = registry().application_form(application.jurisdiction, application.category)
    if form_class is None:
        abort(404)
    form = form_class.from_facts(application.facts or {}, application.form_data or {})
    error = None
    status = 200
    if form.validate_on_submit():
        try:
            facts = form.to_facts()
            parse_facts(facts)  # the contract every stored fact obeys
            if _int(request.form.get("expected_version")) != application.version:
                raise workflow.StaleError()
            workflow.edit_facts(application, facts, current_user, form_data=form.extra_data(), commit=False)
            if request.form.get("intent") == "save":
                db.session.commit()
                flash(gettext("Saved. Resubmit when the revision is complete."), "success")
                return redirect(url_for(".edit", application_id=application.id))
            workflow.act(application, "resubmit", current_user, today=today())
        except FactsError as exc:
            db.session.rollback()
            error, status = f"{exc.key}: {exc.message}" if exc.key else exc.message, 400
        except workflow.WorkflowError as exc:
            db.session.rollback()
            db.session.refresh(application)
            error, status = exc.message, _stale_or_refused(exc)
        else:
            flash(gettext("Done: %(action)s.", action=workflow.ACTION_LABELS["resubmit"]), "success")
            return redirect(url_for(".application", application_id=application.id))
    elif form.is_submitted():
        status = 400
    return render_template("portal/edit.html", app=application, form=form, error=error,
                           reasons=last_reasons(application), labels=labels), status
