"""The applicant's pages (``/portal/``).

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
404), every move through ``core.review.workflow``, every file through ``core.platform.uploads``.
"""
from __future__ import annotations

import copy
from functools import wraps

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext
from flask_login import current_user, login_required
from sqlalchemy import select
from werkzeug.datastructures import MultiDict
from werkzeug.exceptions import RequestEntityTooLarge

from core.platform import audit

from core.accounts import roles

from core.bureau import settings

from core.platform import uploads

from core.review import workflow
from core.platform import clock
from core.platform import labels
from core.platform.extensions import db
from core.facts import FactsError, parse_facts
from core.platform.jurisdictions import enabled, enabled_codes, enabled_for_space, registry
from core.platform.models import Application, Attachment, NoticeEntry, PublicNotice, Recognition, ReviewRecord, Space
from core.policy import Jurisdiction, Material, PolicyVersion
from core.accounts.scoping import application_criteria, application_or_404, space_criteria

bp = Blueprint("portal", __name__, url_prefix="/portal")

# The actions the detail page offers as buttons (submitting goes through the draft page,
# which checks the materials; resubmitting through the edit page).
PAGE_ACTIONS = ("submit", "withdraw")
# The key of Application.form_data that keeps a draft's invalid input as typed.
TYPED = "_typed"


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


# 提交申报 is asked twice: a tick box beside the button, checked here (so it holds without
# JavaScript), and a confirm dialog from static/forms.js where scripts run.  Our choice:
# after submission nothing can be changed unless the bureau returns the application.
CONFIRM_FIELD = "confirm_submit"


class NotConfirmed(workflow.WorkflowError):
    """提交申报 without the tick: nothing is submitted, what was typed stays on the page."""

    def __init__(self):
        super().__init__(CONFIRM_FIELD, gettext(
            "Tick 'I have checked the form and the materials' first, then press Submit application again: "
            "once submitted, nothing can be changed unless the bureau returns it."))


def _check_confirmed() -> None:
    if request.form.get(CONFIRM_FIELD) != "yes":
        raise NotConfirmed()


@bp.route("/")
@applicant_required
def index():
    applications = db.session.scalars(
        select(Application).where(application_criteria(current_user)).order_by(Application.id.desc())
    ).all()
    return render_template("portal/index.html", applications=applications, labels=labels,
                           step_of=workflow.step_of, dormant=dormant_applications(current_user),
                           recognition_of=recognition_of)


def dormant_applications(user) -> list[Application]:
    """The organisation's own applications in jurisdictions switched off on this platform
    (core.platform.jurisdictions): hidden everywhere else, listed here with a notice so that a
    recognised space's title does not vanish without a word (issue 13)."""
    if user.organisation_id is None:
        return []
    return db.session.scalars(
        select(Application).where(Application.organisation_id == user.organisation_id,
                                  Application.jurisdiction.not_in(enabled_codes()))
        .order_by(Application.id.desc())
    ).all()


def _render_detail(application: Application, *, error: str | None = None, status: int = 200,
                   upload_errors: dict | None = None, confirm_error: str | None = None):
    offered = [a for a in workflow.allowed_actions(application, current_user, today=clock.today())
               if a in PAGE_ACTIONS + ("resubmit",)]
    notice = current_notice(application) if application.status == "under_notice" else None
    active = application.status in ("submitted", "in_review", "under_notice")
    return render_template(
        "portal/application.html", app=application, step=workflow.step_of(application), offered=offered,
        steps=workflow.progress(application), next_step=workflow.next_step(application) if active else None,
        reasons=last_reasons(application), notice=notice, recognition=recognition_of(application),
        materials=materials_of(application), attached=attached(application),
        editable=application.status in MATERIALS_EDITABLE, confirm_error=confirm_error,
        error=error, labels=labels, action_labels={a: labels.audit_action_label(a) for a in workflow.ACTION_LABELS},
        role_label=labels.role_label,
        **_material_notes(application, upload_errors),
        unattended=workflow.unattended(application) is not None,  # issue 13: warn, say what happens next
    ), status


@bp.route("/applications/<int:application_id>")
@applicant_required
def application(application_id: int):
    return _render_detail(application_or_404(application_id))


@bp.route("/applications/<int:application_id>/act", methods=["POST"])
@applicant_required
def act(application_id: int):
    application = application_or_404(application_id)
    action = request.form.get("action", "")
    try:
        if action not in PAGE_ACTIONS:
            raise workflow.WorkflowError("action", "该操作不能在此页面进行")
        if posted_version() != application.version:
            raise workflow.StaleError()
        if action == "submit":
            _check_confirmed()
            submit(application)
        else:
            workflow.act(application, action, current_user, today=clock.today())
    except NotConfirmed as exc:
        db.session.rollback()
        return _render_detail(application, confirm_error=exc.message, status=400)
    except workflow.WorkflowError as exc:
        db.session.rollback()
        db.session.refresh(application)
        return _render_detail(application, error=exc.message, status=_stale_or_refused(exc))
    flash(gettext("Done: %(action)s.", action=workflow.ACTION_LABELS[action]), "success")
    return redirect(url_for(".application", application_id=application.id))


def posted_version() -> int:
    """The version the posted form was drawn from (``expected_version``); a missing or
    forged one can only be stale."""
    try:
        return int(request.form.get("expected_version"))
    except (TypeError, ValueError):
        return -1


@bp.route("/applications/<int:application_id>/edit", methods=["GET", "POST"])
@applicant_required
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
                raise workflow.StaleError()
            workflow.edit_facts(application, facts, current_user, form_data=form.extra_data(), commit=False)
            if request.form.get("intent") == "save":
                db.session.commit()
                flash(gettext("Saved. Resubmit when the revision is complete."), "success")
                return redirect(url_for(".edit", application_id=application.id))
            workflow.act(application, "resubmit", current_user, today=clock.today())
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

# --- a new application: choose, fill, save as draft ------------------------------------

# An application still open for the same space, jurisdiction and category: no second one
# (our choice — the bureau would otherwise receive duplicates).
OPEN_STATUSES = ("draft", "submitted", "in_review", "returned", "under_notice", "recognised")
# Materials may be replaced or removed while the applicant may still change the file
# (a draft; our choice: also a returned application, whose revision may need a new proof).
MATERIALS_EDITABLE = ("draft", "returned")
# What the form posts besides its fields: not kept as typed input.
NOT_TYPED = ("csrf_token", "intent", "expected_version", "confirm_submit")


def own_space(space_id) -> Space:
    try:
        space_id = int(space_id)
    except (TypeError, ValueError):
        abort(404)
    found = db.session.scalars(select(Space).where(Space.id == space_id, space_criteria(current_user))).one_or_none()
    if found is None:
        abort(404)
    return found


def choices_for(space: Space) -> list[tuple[Jurisdiction, PolicyVersion, list]]:
    """The enabled jurisdictions the space lies in, each with the policy in force today
    and its categories (those the space may apply for)."""
    found = []
    for code, jurisdiction in enabled_for_space(space.region).items():
        policy = settings.policy_in_force(code, clock.today())
        if policy is not None:
            found.append((jurisdiction, policy, list(policy.categories)))
    return found


def space_facts(space: Space) -> dict:
    """The facts an application starts from: the space's stored facts (CONTRACTS §1),
    with the organisation's and the space's own columns and the residents' table over
    them, so an application shows what the applicant keeps under "my space"."""
    facts = copy.deepcopy(dict(space.facts or {}))
    org = space.organisation
    facts.update(applicant_name=org.name, uscc=org.uscc, registered_region=org.registered_region,
                 space_name=space.name, space_region=space.region)
    facts.setdefault("entity_type", org.entity_type)
    if space.opened_on:
        facts["space_opened_on"] = space.opened_on.isoformat()
    if space.residents:
        facts["residents"] = [{
            "name": r.name, "kind": r.kind, "qualifying_field": bool(r.qualifying_field),
            "entered_on": r.entered_on.isoformat(),
            "established_on": r.established_on.isoformat() if r.established_on else None,
            "registered_in_space": bool(r.registered_in_space),
        } for r in space.residents]
    return facts


def space_extra(space: Space) -> dict:
    """What "my space" holds beyond the facts of §1, as the ``extra`` of
    ``FactsForm.from_facts``: each resident's further columns (主要产品, 从业人数, 联系电话,
    产值, 销售额; in the order of ``space_facts``' residents), the graduated enterprises,
    the team members (创办负责人 first) and the address.  A form takes the keys it has
    fields for and ignores the others, so every jurisdiction's form is pre-filled with
    everything the space holds that it asks (docs/portal-space.md, "Pre-filled from my space")."""
    extra: dict = {"residents": [{
        "main_product": r.main_product, "employees": r.employees, "phone": r.phone,
        "output_value_wan": r.output_value_wan, "sales_wan": r.sales_wan,
    } for r in space.residents]}
    extra["graduates"] = [{
        "name": g.name, "main_product": g.main_product, "entered_on": g.entered_on,
        "graduated_on": g.graduated_on, "employees": g.employees, "phone": g.phone,
    } for g in space.graduates]
    members = sorted(space.team_members, key=lambda m: m.position != "founder")  # stable: stored order kept
    extra["team_members"] = [{
        "name": m.name, "position": m.position, "phone": m.phone, "speciality": m.speciality,
        "full_time": bool(m.full_time), "services": m.services,
    } for m in members]
    # 昆明's 服务团队及主要负责人 (昆科发〔2017〕55号 第五条（四）): the same people, 职务 in words;
    # the columns the space does not keep (行业背景…) are left for the applicant.
    extra["service_team"] = [{"name": m.name, "position": TEAM_POSITIONS.get(m.position, "")} for m in members]
    if space.address:
        extra["space_address"] = space.address
    return extra


# 职务 of a team member in words (core.intake.portal_space.POSITIONS keeps the same labels for its choice).
TEAM_POSITIONS = {"founder": "创办负责人", "member": "成员"}


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


def _extra(application: Application) -> dict:
    return {k: v for k, v in (application.form_data or {}).items() if k != TYPED}


def _save_form(application: Application, form) -> bool:
    """Store the form in the draft (uncommitted): valid input as facts and form data,
    invalid input as typed.  Returns whether it was valid."""
    if form.validate():
        facts = form.to_facts()
        try:
            parse_facts(facts)
        except FactsError as exc:
            field = form._fields.get(exc.key) if exc.key else None
            if field is None:
                form.form_errors.append(f"{exc.key}: {exc.message}" if exc.key else exc.message)
            else:
                field.errors = list(field.errors) + [exc.message]
        else:
            workflow.edit_facts(application, facts, current_user, form_data=form.extra_data(), commit=False)
            return True
    application.form_data = {**_extra(application), TYPED: _typed_input()}
    return False


@bp.route("/applications/new", methods=["GET", "POST"])
@applicant_required
def new_application():
    """Choose a space, a jurisdiction covering it and a category of the policy in force;
    then the jurisdiction's form, pre-filled from the space, saved as a draft."""
    spaces = db.session.scalars(select(Space).where(space_criteria(current_user)).order_by(Space.id)).all()
    space_id, code, category = (request.args.get(k) for k in ("space", "jurisdiction", "category"))
    if not (space_id and code and category):
        return render_template("portal/choose.html", spaces=spaces, choices_for=choices_for), 200
    space = own_space(space_id)
    offered = {(j.code, c.code): (j, p, c) for j, p, cats in choices_for(space) for c in cats}
    if (code, category) not in offered:
        return render_template("portal/choose.html", spaces=spaces, choices_for=choices_for,
                               error="所选辖区或类别不适用于该众创空间（辖区须已启用、覆盖众创空间所在地，类别须属于现行政策）"), 400
    existing = db.session.scalars(select(Application).where(
        Application.space_id == space.id, Application.jurisdiction == code, Application.category == category,
        Application.status.in_(OPEN_STATUSES), application_criteria(current_user))).first()
    if existing is not None:
        flash(gettext("This space already has an application for this title; here it is."), "info")
        return redirect(url_for(".application", application_id=existing.id))
    jurisdiction, policy, chosen = offered[(code, category)]
    form_class = _form_class(code, category)
    facts = space_facts(space)
    form = form_class.from_facts(facts, space_extra(space))
    if request.method == "POST":  # CSRFProtect has checked the token of every POST
        application = Application(jurisdiction=code, category=category, space=space,
                                  organisation=space.organisation, status="draft", facts=facts, form_data={})
        db.session.add(application)
        db.session.flush()
        valid = _save_form(application, form)
        audit.record("application.created", application, from_state=None, to_state="draft:-")
        db.session.commit()
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
@applicant_required
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
            raise workflow.StaleError()
        valid = _save_form(application, form)
        if request.form.get("intent") != "submit":
            db.session.commit()
            _flash_saved(valid)
            return redirect(url_for(".draft", application_id=application.id))
        if not valid:
            raise workflow.WorkflowError("form", "填写有误，请按下方所列各项的提示修改后再提交")
        _check_confirmed()
        submit(application)
    except NotConfirmed as exc:
        db.session.rollback()
        db.session.refresh(application)
        return _render_draft(application, form, confirm_error=exc.message, status=400)
    except workflow.WorkflowError as exc:
        db.session.rollback()
        db.session.refresh(application)
        return _render_draft(application, form, error=exc.message, status=_stale_or_refused(exc))
    flash(gettext("Done: %(action)s.", action=workflow.ACTION_LABELS["submit"]), "success")
    return redirect(url_for(".application", application_id=application.id))


def submit(application: Application) -> None:
    """Submit through the workflow (which freezes policy version and date, and checks the
    call window) once every required material has a file (our choice: the portal refuses
    an incomplete submission rather than leaving it to the officer's initial review)."""
    missing = missing_materials(application)
    if missing:
        raise workflow.WorkflowError("materials", "以下必需的申报材料尚未上传：" + "；".join(
            f"{m.name}（{m.citation}）" for m in missing))
    workflow.act(application, "submit", current_user, today=clock.today())


# --- materials ---------------------------------------------------------------------------


def materials_of(application: Application) -> list[Material]:
    """The materials the jurisdiction's plugin asks for (e.g. 昆科发〔2017〕55号 第九条)."""
    return registry().required_materials(application.jurisdiction, application.category)


def attached(application: Application) -> dict[str, Attachment]:
    """The file of each material slot (one per slot: a new upload replaces it)."""
    rows = db.session.scalars(select(Attachment).where(Attachment.application_id == application.id)
                              .order_by(Attachment.id)).all()
    return {a.material: a for a in rows}


def missing_materials(application: Application) -> list[Material]:
    have = attached(application)
    return [m for m in materials_of(application) if m.required and m.code not in have]


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


def _materials_refusal(application: Application) -> str | None:
    if application.status not in MATERIALS_EDITABLE:
        return "已提交的申报不能更换或删除申报材料"
    return None


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
@applicant_required
def upload(application_id: int, code: str):
    """Upload (or replace) the file of one material; checked by core.platform.uploads."""
    application = application_or_404(application_id)
    material = _material_or_404(application, code)
    refused = _materials_refusal(application)
    if refused:
        return _page_after_materials(application, code, refused)
    file = request.files.get("file")
    if file is None or not file.filename:
        return _page_after_materials(application, code, "请选择要上传的文件")
    saved = None
    try:
        saved = uploads.save(file, key=code, actor=current_user, application_id=application.id, material=code)
        replaced = db.session.scalars(select(Attachment).where(
            Attachment.application_id == application.id, Attachment.material == code,
            Attachment.id != saved.id)).all()
        for previous in replaced:
            db.session.delete(previous)
        audit.record("application.material_uploaded", application, from_state=application.status,
                     to_state=application.status, material=code, material_name=material.name,
                     file=saved.original_name, sha256=saved.sha256, size=saved.size,
                     replaced=[p.sha256 for p in replaced])
        db.session.commit()
    except uploads.UploadError as exc:
        db.session.rollback()
        return _page_after_materials(application, code, exc.message)
    except Exception as exc:
        db.session.rollback()
        uploads.discard(saved)
        if not uploads.is_storage_full(exc):  # e.g. SQLite's "database or disk is full" at commit
            raise
        uploads.log_storage_full(exc, f"upload of material {code} (commit)")
        return _page_after_materials(application, code, uploads.STORAGE_FULL)
    for previous in replaced:
        uploads.discard(previous)
    return _page_after_materials(application, code, gettext("File uploaded: %(name)s.", name=material.name),
                                 ok=True)


@bp.route("/applications/<int:application_id>/materials/<code>/remove", methods=["POST"])
@applicant_required
def remove_material(application_id: int, code: str):
    application = application_or_404(application_id)
    material = _material_or_404(application, code)
    refused = _materials_refusal(application)
    if refused:
        return _page_after_materials(application, code, refused)
    found = attached(application).get(code)
    if found is None:
        return _page_after_materials(application, code, "该材料尚未上传文件")
    db.session.delete(found)
    audit.record("application.material_removed", application, from_state=application.status,
                 to_state=application.status, material=code, material_name=material.name,
                 file=found.original_name, sha256=found.sha256)
    db.session.commit()
    uploads.discard(found)
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
