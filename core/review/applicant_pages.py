"""The applicant's application pages (``/portal/``): the applicant's face of the review.

* ``/portal/`` — the own applications; ``/portal/applications/new`` — choose a space, an
  enabled jurisdiction covering it and a category of the policy in force, then fill the
  jurisdiction's form pre-filled from the space and save it as a draft;
* ``/portal/applications/<id>/draft`` — save at any time (invalid input is kept as typed
  in ``form_data`` and shown again with its errors), upload the materials the plugin
  asks for, submit (``workflow.act(..., "submit")``: the facts stay as submitted — a
  later change to the space changes no submitted application);
* ``/portal/applications/<id>`` — where it stands: the steps, the next one, the reasons
  of a return or rejection, the public notice, the title and certificate number;
  withdraw; a returned application is edited on ``/edit`` and resubmitted;
* ``/portal/attachments/<id>`` — a material's file for whoever may see its application.

Every query goes through ``core.accounts.scoping`` (another organisation's application is a
404), every move through ``core.review.workflow``; drafts, new applications and materials are
written by intake's operations (``core.intake.applications``, ``core.intake.materials``).
The pages are thin: parse the request, call an operation, render.  The spaces and the
pre-check are intake's own pages (``core.intake.portal_space``).
"""
from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext
from flask_login import current_user, login_required
from sqlalchemy import select
from werkzeug.datastructures import MultiDict
from werkzeug.exceptions import RequestEntityTooLarge

from core.accounts import roles

from core.platform import uploads

from core.review import attendance, moves, steps, workflow
from core.platform import clock
from core.platform import labels
from core.platform.extensions import db
from core.facts import FactsError, parse_facts
from core.platform.jurisdictions import enabled, registry
from core.platform.models import Application, Attachment, NoticeEntry, PublicNotice, Recognition, ReviewRecord
from core.policy import Material
from core.accounts.scoping import application_criteria, application_or_404
from core.intake import applications as drafts, materials as files
from core.intake.access import applicant_only, posted_version
from core.intake.applications import TYPED, choices_for, dormant_applications
from core.intake.portal_space import own_space, own_spaces
from core.intake.materials import MATERIALS_EDITABLE, attached, materials_of
from core.intake.spaces import space_extra, space_facts

bp = Blueprint("portal", __name__, url_prefix="/portal")

# What a recognised space still owes, shown as tasks on the portal's first page: each
# registered callable (core.monitoring registers the annual return) takes the user and
# returns a list of ``{"id", "text", "url", "overdue": bool}``, optionally with ``"deadline"`` (a date,
# shown) and ``"rank"`` (listed after the tasks of a lower rank; 0 when absent).
PORTAL_TASKS: list = []
# Staff who reach an application page are sent to the admin (core.intake.access).
applicant_page = applicant_only(staff_to_admin=True)

# The actions the detail page offers as buttons (submitting goes through the draft page,
# which checks the materials; resubmitting through the edit page).
PAGE_ACTIONS = ("submit", "withdraw")


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


def _stale_or_refused(exc: moves.WorkflowError) -> int:
    return 409 if isinstance(exc, moves.StaleError) else 400


# 提交申报 is asked twice: a tick box beside the button, checked here (so it holds without
# JavaScript), and a confirm dialog from static/forms.js where scripts run.  Our choice:
# after submission nothing can be changed unless the bureau returns the application.
CONFIRM_FIELD = "confirm_submit"


class NotConfirmed(moves.WorkflowError):
    """提交申报 without the tick: nothing is submitted, what was typed stays on the page."""

    def __init__(self):
        super().__init__(CONFIRM_FIELD, gettext(
            "Tick 'I have checked the form and the materials' first, then press Submit application again: "
            "once submitted, nothing can be changed unless the bureau returns it."))


def _check_confirmed() -> None:
    if request.form.get(CONFIRM_FIELD) != "yes":
        raise NotConfirmed()


@bp.route("/")
@applicant_page
def index():
    applications = db.session.scalars(
        select(Application).where(application_criteria(current_user)).order_by(Application.id.desc())
    ).all()
    # by the optional "rank", in the order registered within a rank: the order does not hang on
    # which package the app happened to import first
    tasks = sorted((task for tasks_of in PORTAL_TASKS for task in tasks_of(current_user)),
                   key=lambda task: task.get("rank", 0))
    return render_template("portal/index.html", applications=applications, labels=labels,
                           step_of=steps.step_of, dormant=dormant_applications(current_user),
                           recognition_of=recognition_of, tasks=tasks)


def _render_detail(application: Application, *, error: str | None = None, status: int = 200,
                   upload_errors: dict | None = None, confirm_error: str | None = None):
    offered = [a for a in workflow.allowed_actions(application, current_user, today=clock.today())
               if a in PAGE_ACTIONS + ("resubmit",)]
    notice = current_notice(application) if application.status == "under_notice" else None
    active = application.status in ("submitted", "in_review", "under_notice")
    return render_template(
        "portal/application.html", app=application, step=steps.step_of(application), offered=offered,
        steps=steps.progress(application), next_step=steps.next_step(application) if active else None,
        reasons=last_reasons(application), notice=notice, recognition=recognition_of(application),
        materials=materials_of(application), attached=attached(application),
        editable=application.status in MATERIALS_EDITABLE, confirm_error=confirm_error,
        error=error, labels=labels, action_labels={a: labels.audit_action_label(a) for a in workflow.ACTION_LABELS},
        role_label=labels.role_label,
        **_material_notes(application, upload_errors),
        unattended=attendance.unattended(application) is not None,  # issue 13: warn, say what happens next
    ), status


@bp.route("/applications/<int:application_id>")
@applicant_page
def application(application_id: int):
    return _render_detail(application_or_404(application_id))


@bp.route("/applications/<int:application_id>/act", methods=["POST"])
@applicant_page
def act(application_id: int):
    application = application_or_404(application_id)
    action = request.form.get("action", "")
    try:
        if action not in PAGE_ACTIONS:
            raise moves.WorkflowError("action", "该操作不能在此页面进行")
        if posted_version() != application.version:
            raise moves.StaleError()
        if action == "submit":
            _check_confirmed()
            submit(application)
        else:
            workflow.act(application, action, current_user, today=clock.today())
    except NotConfirmed as exc:
        db.session.rollback()
        return _render_detail(application, confirm_error=exc.message, status=400)
    except moves.WorkflowError as exc:
        db.session.rollback()
        db.session.refresh(application)
        return _render_detail(application, error=exc.message, status=_stale_or_refused(exc))
    flash(gettext("Done: %(action)s.", action=workflow.ACTION_LABELS[action]), "success")
    return redirect(url_for(".application", application_id=application.id))


@bp.route("/applications/<int:application_id>/edit", methods=["GET", "POST"])
@applicant_page
def edit(application_id: int):
    """Edit the facts of a returned application on its jurisdiction's form and resubmit
    (or only save).  Facts and resubmission are one transaction."""
    application = application_or_404(application_id)
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
            if posted_version() != application.version:
                raise moves.StaleError()
            workflow.edit_facts(application, facts, current_user, form_data=form.extra_data(), commit=False)
            if request.form.get("intent") == "save":
                db.session.commit()
                flash(gettext("Saved. Resubmit when the revision is complete."), "success")
                return redirect(url_for(".edit", application_id=application.id))
            workflow.act(application, "resubmit", current_user, today=clock.today())
        except FactsError as exc:
            db.session.rollback()
            error, status = f"{exc.key}: {exc.message}" if exc.key else exc.message, 400
        except moves.WorkflowError as exc:
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

# --- a new application: choose, fill, save as draft ------------------------------------

# What the form posts besides its fields: not kept as typed input.
NOT_TYPED = ("csrf_token", "intent", "expected_version", "confirm_submit")


def _form_class(code: str, category: str):
    form_class = registry().application_form(code, category)
    if form_class is None:
        abort(404)
    return form_class


def _typed_input() -> dict:
    """What the applicant typed, as posted (lists of strings), to show again as typed."""
    return {k: v for k, v in request.form.to_dict(flat=False).items() if k not in NOT_TYPED}


def _form_for_draft(application: Application, *, posted: bool = False):
    """The draft's form: as ``posted`` in this request; else what was typed last (with its
    errors) if that was not valid; else the stored facts and form data."""
    form_class = _form_class(application.jurisdiction, application.category)
    typed = (application.form_data or {}).get(TYPED)
    if posted:
        return form_class.from_facts(application.facts or {}, _extra(application))
    if typed is not None:
        form = form_class(formdata=MultiDict([(k, v) for k, values in typed.items() for v in values]))
        form.validate()
        form.csrf_token.errors = []  # the stored input carries no token; the page gets a fresh one
        return form
    return form_class.from_facts(application.facts or {}, _extra(application), formdata=None)


_extra = drafts.extra_of


@bp.route("/applications/new", methods=["GET", "POST"])
@applicant_page
def new_application():
    """Choose a space, a jurisdiction covering it and a category of the policy in force;
    then the jurisdiction's form, pre-filled from the space, saved as a draft."""
    spaces = own_spaces()
    space_id, code, category = (request.args.get(k) for k in ("space", "jurisdiction", "category"))
    if not (space_id and code and category):
        return render_template("portal/choose.html", spaces=spaces, choices_for=choices_for), 200
    space = own_space(space_id)
    offered = {(j.code, c.code): (j, p, c) for j, p, cats in choices_for(space) for c in cats}
    if (code, category) not in offered:
        return render_template("portal/choose.html", spaces=spaces, choices_for=choices_for,
                               error="所选辖区或类别不适用于该众创空间（辖区须已启用、覆盖众创空间所在地，类别须属于现行政策）"), 400
    existing = drafts.open_application(space, code, category, current_user)
    if existing is not None:
        flash(gettext("This space already has an application for this title; here it is."), "info")
        return redirect(url_for(".application", application_id=existing.id))
    jurisdiction, policy, chosen = offered[(code, category)]
    form_class = _form_class(code, category)
    facts = space_facts(space)
    form = form_class.from_facts(facts, space_extra(space))
    if request.method == "POST":  # CSRFProtect has checked the token of every POST
        application, valid = drafts.start_draft(space, code, category, facts, form, _typed_input(),
                                                actor=current_user)
        _flash_saved(valid)
        return redirect(url_for(".draft", application_id=application.id))
    return render_template("portal/draft.html", app=None, space=space, form=form, jurisdiction=jurisdiction,
                           category=chosen, materials=[], attached={}, upload_errors={}, upload_done={},
                           error=None, confirm_error=None, labels=labels), 200


def _flash_saved(valid: bool) -> None:
    if valid:
        flash(gettext("Draft saved."), "success")
    else:
        flash(gettext("Draft saved with what you typed; please correct the items marked below before submitting."),
              "warning")


def _render_draft(application: Application, form, *, error: str | None = None,
                  upload_errors: dict | None = None, confirm_error: str | None = None, status: int = 200):
    return render_template(
        "portal/draft.html", app=application, space=application.space, form=form,
        jurisdiction=enabled().get(application.jurisdiction), category=None,
        materials=materials_of(application), attached=attached(application),
        editable=application.status in MATERIALS_EDITABLE, error=error, confirm_error=confirm_error,
        labels=labels, **_material_notes(application, upload_errors),
    ), status


@bp.route("/applications/<int:application_id>/draft", methods=["GET", "POST"])
@applicant_page
def draft(application_id: int):
    """Fill the draft: save at any time (typed input kept), or submit — which freezes
    the facts as submitted (workflow ``submit``: policy version and date)."""
    application = application_or_404(application_id)
    if application.status != "draft":
        if request.method == "GET":
            return redirect(url_for(".application", application_id=application.id))
        return _render_detail(application, error="已提交的申报不能修改；被退回修改时才可修改后重新提交", status=400)
    form = _form_for_draft(application, posted=request.method == "POST")
    if request.method == "GET":
        return _render_draft(application, form)
    try:
        if posted_version() != application.version:
            raise moves.StaleError()
        if request.form.get("intent") != "submit":
            _flash_saved(drafts.save_draft(application, form, _typed_input()))
            return redirect(url_for(".draft", application_id=application.id))
        valid = drafts.fill_draft(application, form, _typed_input())  # submitted with it, in one commit
        if not valid:
            raise moves.WorkflowError("form", "填写有误，请按下方所列各项的提示修改后再提交")
        _check_confirmed()
        submit(application)
    except NotConfirmed as exc:
        db.session.rollback()
        db.session.refresh(application)
        return _render_draft(application, form, confirm_error=exc.message, status=400)
    except moves.WorkflowError as exc:
        db.session.rollback()
        db.session.refresh(application)
        return _render_draft(application, form, error=exc.message, status=_stale_or_refused(exc))
    flash(gettext("Done: %(action)s.", action=workflow.ACTION_LABELS["submit"]), "success")
    return redirect(url_for(".application", application_id=application.id))


def submit(application: Application) -> None:
    """Submit through the workflow (which freezes policy version and date, and checks the
    call window) once every required material has a file (our choice: the portal refuses
    an incomplete submission rather than leaving it to the officer's initial review)."""
    missing = files.missing_materials(application)
    if missing:
        raise moves.WorkflowError("materials", "以下必需的申报材料尚未上传：" + "；".join(
            f"{m.name}（{m.citation}）" for m in missing))
    workflow.act(application, "submit", current_user, today=clock.today())


# --- materials ---------------------------------------------------------------------------


@bp.app_template_global()
def application_attachments(application: Application) -> list[tuple[str, Attachment]]:
    """(material name, file) of an application the caller may already see (the case page)."""
    names = {m.code: m.name for m in materials_of(application)}
    return [(names.get(code, code or ""), a) for code, a in attached(application).items()]


def _material_or_404(application: Application, code: str) -> Material:
    found = next((m for m in materials_of(application) if m.code == code), None)
    if found is None:
        abort(404)
    return found


# The outcome of the last upload or removal, kept in the session across the redirect so
# the page that follows shows it beside its material (at the material's anchor), not
# at the top of a long page (issue 13, "the rejected-upload error is off-screen").
MATERIAL_NOTE = "material_note"


def _note_material(application: Application, code: str, message: str, *, ok: bool = False) -> None:
    session[MATERIAL_NOTE] = {"application": application.id, "code": code, "message": message, "ok": ok}


def _material_notes(application: Application, upload_errors: dict | None = None) -> dict:
    """``upload_errors`` and ``upload_done`` (material code → message) for the page of
    ``application``: those passed in, and the one noted for it before the redirect."""
    errors, done = dict(upload_errors or {}), {}
    note = session.get(MATERIAL_NOTE)
    if isinstance(note, dict) and note.get("application") == application.id:
        session.pop(MATERIAL_NOTE, None)
        (done if note.get("ok") else errors).setdefault(str(note.get("code")), str(note.get("message")))
    return {"upload_errors": errors, "upload_done": done}


def _page_after_materials(application: Application, code: str, message: str, *, ok: bool = False):
    """Back to the page the material is on, at the material, with ``message`` beside it
    (a redirect: a reload of that page does not post the file again)."""
    _note_material(application, code, message, ok=ok)
    return redirect(_back(application, code))


@bp.route("/applications/<int:application_id>/materials/<code>", methods=["POST"])
@applicant_page
def upload(application_id: int, code: str):
    """Upload (or replace) the file of one material; checked by core.platform.uploads."""
    application = application_or_404(application_id)
    material = _material_or_404(application, code)
    try:
        files.attach(application, material, request.files.get("file"), actor=current_user)
    except (uploads.UploadError, files.MaterialRefused) as exc:
        return _page_after_materials(application, code, exc.message)
    return _page_after_materials(application, code, gettext("File uploaded: %(name)s.", name=material.name),
                                 ok=True)


@bp.route("/applications/<int:application_id>/materials/<code>/remove", methods=["POST"])
@applicant_page
def remove_material(application_id: int, code: str):
    application = application_or_404(application_id)
    material = _material_or_404(application, code)
    try:
        files.detach(application, material, actor=current_user)
    except files.MaterialRefused as exc:
        return _page_after_materials(application, code, exc.message)
    return _page_after_materials(application, code, gettext("File removed: %(name)s.", name=material.name),
                                 ok=True)


def _back(application: Application, code: str | None = None) -> str:
    """The page an application's materials are on, at ``code``'s row (else the list)."""
    endpoint = ".draft" if application.status == "draft" else ".application"
    anchor = f"#material-{code}" if code else "#materials"
    return url_for(endpoint, application_id=application.id) + anchor


@bp.route("/attachments/<int:attachment_id>")
@login_required
def download(attachment_id: int):
    """A material's file, for whoever may see its application (the applicant; staff as
    core.accounts.scoping decides — an expert only in his batches).  Anyone else: 404."""
    found = db.session.scalars(
        select(Attachment).join(Application, Attachment.application_id == Application.id)
        .where(Attachment.id == attachment_id, application_criteria(current_user))
    ).one_or_none()
    if found is None:
        abort(404)
    return uploads.send(found)


@bp.errorhandler(RequestEntityTooLarge)
def too_large(exc):
    """A request over MAX_CONTENT_LENGTH is cut off before any check: say so in Chinese
    beside the material the file was meant for (nothing was stored)."""
    limit = current_app.config.get("MAX_CONTENT_LENGTH") or 0
    message = f"上传的文件过大：一次提交不能超过 {limit // (1024 * 1024)} MB，文件未保存"
    args = request.view_args or {}
    application = None
    if args.get("application_id") is not None and current_user.is_authenticated \
            and current_user.role == roles.APPLICANT:
        application = db.session.scalars(select(Application).where(
            Application.id == args["application_id"], application_criteria(current_user))).one_or_none()
    if application is None:
        flash(message, "warning")
        return redirect(url_for(".index"))
    if args.get("code") and request.endpoint == "portal.upload":
        return _page_after_materials(application, args["code"], message)
    flash(message, "warning")
    return redirect(_back(application))
