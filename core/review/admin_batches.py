"""Calls for applications, review batches, expert score sheets and the leader's
decision in the admin.

``CallView``: the bureau's calls (open and close dates, categories from the plugin, the text
the public reads and whether it is published yet), scoped to the officer's jurisdictions and
audited by :class:`ScopedModelView`; a call made public or taken back to draft is audited too
(``core.intake.calls.publication_change``).  Its preview and documents are the site's
(``core.admin.calls``: they print the public page, which sits above this package).

``BatchView`` (``/admin/batches``): the officer creates a batch, adds the
applications waiting at an expert-review step, assigns experts, sees their scores
side by side and concludes the expert review; the leader records the meeting's
decision; an expert sees only his batches, declares (no) conflict of interest and
fills in a score sheet per application.  Every operation is review's (``batches``,
``experts``, ``decisions``; calls ``core.intake.calls``), which checks the actor and writes
nothing on refusal; a refused form keeps what was typed.
Experts do not see one another's scores (our choice: independent review).
"""
from __future__ import annotations

from flask import abort, flash, redirect, request, url_for
from flask_admin import BaseView, expose
from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import select
from wtforms import BooleanField, DateField, SelectField, SelectMultipleField, StringField, TextAreaField
from wtforms.validators import Length, ValidationError

from core.accounts import roles

from core.intake import calls
from core.review import batches, decisions, experts, steps
from core.review.score_sheet import review_dimensions
from core.eligibility import admin_checklist as checklist_view
from core.platform import clock
from core.platform import labels
from core.accounts.admin_access import AdminForm, ScopedModelView, StaffAccessMixin
from core.bureau.admin_settings import BAD_DATE, REQUIRED, fmt_jurisdiction, jurisdiction_choices, replace_parse_errors, required
from core.platform.extensions import db
from core.platform.models import Application, Batch
from core.accounts.scoping import application_criteria, holds, role_in, visible_codes

# --- calls --------------------------------------------------------------------------------


class CallForm(AdminForm):
    jurisdiction = SelectField(_l("Jurisdiction"), choices=[], validate_choice=False)
    title = StringField(_l("Title"), validators=[REQUIRED, Length(max=300)])
    opens_on = DateField(_l("Opens on"), validators=[required(BAD_DATE)])
    closes_on = DateField(_l("Closes on"), validators=[required(BAD_DATE)],
                          description=_l("Applications are accepted on the opening and the closing day."))
    categories = SelectMultipleField(_l("Categories"), choices=[], validate_choice=False)
    body = TextAreaField(_l("Text of the call"), render_kw={"rows": 16},
                         description=_l("Plain text as the public page shows it; a blank line starts a new "
                                        "paragraph."))
    published = BooleanField(_l("Published"), default=True,
                             description=_l("Unticked: kept unpublished, seen only here and in the preview."))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        replace_parse_errors(self.opens_on, BAD_DATE)
        replace_parse_errors(self.closes_on, BAD_DATE)


def call_category_choices() -> list[tuple[str, str]]:
    return labels.category_choices(visible_codes(current_user))


class CallView(ScopedModelView):
    allowed_roles = (roles.ADMIN, roles.OFFICER)
    create_roles = (roles.OFFICER,)
    edit_roles = (roles.OFFICER,)
    delete_roles = None  # an application may name the call: keep it
    form = CallForm
    can_view_details = False
    column_list = ("jurisdiction", "title", "opens_on", "closes_on", "categories", "published", "created_at")
    column_default_sort = ("opens_on", True)
    column_labels = {"jurisdiction": _l("Jurisdiction"), "title": _l("Title"), "opens_on": _l("Opens on"),
                     "closes_on": _l("Closes on"), "categories": _l("Categories"), "created_at": _l("Created at"),
                     "published": _l("Published")}
    column_formatters = {
        "jurisdiction": fmt_jurisdiction,
        "categories": lambda v, c, m, n: "、".join(labels.category_label(m.jurisdiction, x) for x in m.categories or []),
    }

    def _choices(self, form):
        form.jurisdiction.choices = jurisdiction_choices()
        form.categories.choices = call_category_choices()
        return form

    def create_form(self, obj=None):
        return self._choices(super().create_form(obj))

    def edit_form(self, obj=None):
        return self._choices(super().edit_form(obj))

    def on_model_change(self, form, model, is_created):
        try:
            # the checks read the database, which would flush what was typed (a NUL: a database error) first
            with db.session.no_autoflush:
                publication = calls.publication_change(model)
                model.title = calls.clean_title(model.title)
                model.body = calls.clean_body(model.body)
                if model.jurisdiction not in visible_codes(current_user):
                    raise calls.CallError("jurisdiction", f"无权为辖区“{labels.jurisdiction_label(model.jurisdiction)}”"
                                                          "发布申报通知" if model.jurisdiction else "请选择辖区")
                calls.check_call(model.jurisdiction, model.opens_on, model.closes_on, list(model.categories or []))
        except calls.CallError as exc:
            field = getattr(form, exc.key, None)
            if field is not None:
                field.errors = list(field.errors or []) + [exc.message]
            raise ValidationError(exc.message) from None
        super().on_model_change(form, model, is_created)
        calls.record_publication(model, publication)


# --- batches ------------------------------------------------------------------------------


def decision_label(action: str | None) -> str:
    return gettext("Mixed") if action == "mixed" else labels.audit_action_label(action)


class BatchView(StaffAccessMixin, BaseView):
    allowed_roles = (roles.ADMIN, roles.OFFICER, roles.EXPERT, roles.LEADER)

    def _batch(self, batch_id: int):
        batch = batches.visible_batch(batch_id, current_user)
        if batch is None:
            abort(404)
        return batch

    def _render_list(self, *, error=None, typed=None, status=200):
        found = db.session.scalars(batches.visible_batches(current_user).order_by(Batch.id.desc())).all()
        # The ineligible applications of each batch, flagged in the list (issue 13).
        flagged = {b.id: [v for v in (checklist_view.verdict_summary(a, current_user)
                                      for a in sorted(b.applications, key=lambda a: a.id)) if v.flagged]
                   for b in found}
        return self.render("admin/batch_list.html", batches=found, labels=labels, error=error, typed=typed or {},
                           flagged=flagged,
                           may_create=holds(current_user, roles.OFFICER), jurisdictions=jurisdiction_choices(),
                           decision_label=decision_label), status

    @expose("/")
    def index(self):
        return self._render_list()

    @expose("/create", methods=["POST"])
    def create(self):
        typed = {"name": request.form.get("name", ""), "jurisdiction": request.form.get("jurisdiction", "")}
        try:
            batch = batches.create_batch(typed["jurisdiction"], typed["name"], current_user)
        except batches.BatchError as exc:
            db.session.rollback()
            return self._render_list(error=exc, typed=typed, status=400)
        flash(gettext("Batch created."), "success")
        return redirect(url_for(".show", batch_id=batch.id))

    def _render(self, batch, *, error=None, typed=None, status=200):
        user = current_user
        role = role_in(user, batch.jurisdiction)  # the role held in the batch's jurisdiction (issue 22)
        sheet, from_bureau = review_dimensions(batch.jurisdiction)
        context = dict(
            batch=batch, labels=labels, error=error, typed=typed or {}, role=role, sheet=sheet,
            sheet_from_bureau=from_bureau, decision_label=decision_label, steps=steps.step_of,
            errors=error.errors if error else {},
            verdicts={a.id: checklist_view.verdict_summary(a, user) for a in batch.applications},
        )
        if role == roles.EXPERT:
            assignment = batches.assignment_of(batch, user)
            mine = {a.id: experts.latest_scores(a).get(user.id) for a in batch.applications}
            context.update(assignment=assignment, mine=mine)
            return self.render("admin/expert_batch.html", **context), status
        context.update(
            table=experts.score_table(batch),
            candidates=batches.candidates(batch, user) if role == roles.OFFICER else [],
            expert_candidates=batches.expert_candidates(batch) if role == roles.OFFICER else [],
            awaiting=decisions.awaiting_decision(batch) if role == roles.LEADER else [],
            meeting_requirement=decisions.meeting_requirement(batch) if role == roles.LEADER else None,
            may_conclude=role == roles.OFFICER and any(batches.is_expert_step(a) for a in batch.applications),
            today=clock.today(),
        )
        return self.render("admin/batch.html", **context), status

    @expose("/<int:batch_id>")
    def show(self, batch_id: int):
        return self._render(self._batch(batch_id))

    def _do(self, batch, operation, done_message: str, typed=None):
        """Run an operation of review (batches, experts, decisions); on refusal roll back and re-render with
        what was typed."""
        try:
            operation()
        except batches.BatchError as exc:
            db.session.rollback()
            return self._render(batch, error=exc, typed=typed, status=400)
        flash(done_message, "success")
        return redirect(url_for(".show", batch_id=batch.id))

    @expose("/<int:batch_id>/add", methods=["POST"])
    def add(self, batch_id: int):
        batch = self._batch(batch_id)
        return self._do(batch, lambda: batches.add_application(batch, request.form.get("application_id"),
                                                               current_user), gettext("Application added."))

    @expose("/<int:batch_id>/remove", methods=["POST"])
    def remove(self, batch_id: int):
        batch = self._batch(batch_id)
        return self._do(batch, lambda: batches.remove_application(batch, request.form.get("application_id"),
                                                                  current_user), gettext("Application removed."))

    @expose("/<int:batch_id>/assign", methods=["POST"])
    def assign(self, batch_id: int):
        batch = self._batch(batch_id)
        return self._do(batch, lambda: batches.assign_expert(batch, request.form.get("expert_id"), current_user),
                        gettext("Expert assigned."))

    @expose("/<int:batch_id>/declare", methods=["POST"])
    def declare(self, batch_id: int):
        batch = self._batch(batch_id)
        choice = request.form.get("conflict", "")
        note = request.form.get("note", "")
        typed = {"note": note, "conflict": choice}
        if choice not in ("yes", "no"):
            # An explicit choice: nothing is pre-selected, and no answer is no declaration.
            error = batches.BatchError("conflict", "请选择是否存在利益冲突",
                                       {"conflict": "请选择“本人不存在利益冲突”或“本人存在利益冲突”"})
            return self._render(batch, error=error, typed=typed, status=400)
        try:
            experts.declare(batch, current_user, conflict=choice == "yes", note=note)
        except batches.BatchError as exc:
            db.session.rollback()
            if exc.key in ("note", "conflict") and not exc.errors:
                exc.errors = {exc.key: exc.message}  # shown next to its field
            return self._render(batch, error=exc, typed=typed, status=400)
        flash(gettext("Declaration recorded."), "success")
        return redirect(url_for(".show", batch_id=batch.id))

    @expose("/<int:batch_id>/conclude", methods=["POST"])
    def conclude(self, batch_id: int):
        batch = self._batch(batch_id)
        if role_in(current_user, batch.jurisdiction) == roles.OFFICER and request.form.get("confirm") != "yes":
            # 结束专家评审 is asked twice: a static JS confirm() and this box (issue 13)
            message = "请勾选确认后再结束专家评审"
            return self._render(batch, error=batches.BatchError("confirm", message, {"confirm": message}), status=400)
        return self._do(batch, lambda: experts.conclude(batch, current_user, today=clock.today()),
                        gettext("Expert review concluded for the batch."))

    @expose("/<int:batch_id>/decide", methods=["POST"])
    def decide(self, batch_id: int):
        batch = self._batch(batch_id)
        form = request.form
        choices = {}
        for key, value in form.items():
            if key.startswith("decision-") and key[len("decision-"):].isdigit():
                app_id = int(key[len("decision-"):])
                choices[app_id] = (value, form.get(f"opinion-{app_id}", ""))
        typed = dict(form)
        return self._do(batch, lambda: decisions.decide(batch, current_user, meeting_on=form.get("meeting_on"),
                                                      minutes_ref=form.get("minutes_ref"), choices=choices,
                                                      today=clock.today()),
                        gettext("The meeting's decision is recorded."), typed=typed)

    # --- the expert's score sheet ---

    def _scored_application(self, batch, application_id: int) -> Application:
        found = db.session.scalars(select(Application).where(
            Application.id == application_id, Application.batch_id == batch.id, application_criteria(current_user))
        ).one_or_none()
        if found is None:
            abort(404)
        return found

    def _render_sheet(self, batch, application, *, error=None, typed=None, status=200):
        sheet, from_bureau = review_dimensions(batch.jurisdiction)
        mine = experts.latest_scores(application).get(current_user.id)
        if typed is None and mine is not None:
            typed = {**{d: str(v) for d, v in mine.scores.items()}, "notes": mine.opinion or ""}
        return self.render("admin/expert_score.html", batch=batch, app=application, sheet=sheet,
                           sheet_from_bureau=from_bureau, assignment=batches.assignment_of(batch, current_user),
                           mine=mine, error=error, errors=error.errors if error else {},
                           typed=typed or {}, labels=labels,
                           may_score=batches.is_expert_step(application)), status

    @expose("/<int:batch_id>/score/<int:application_id>", methods=["GET", "POST"])
    def score(self, batch_id: int, application_id: int):
        if not holds(current_user, roles.EXPERT):  # batches.score: an expert of this batch's jurisdiction
            abort(403)
        batch = self._batch(batch_id)
        application = self._scored_application(batch, application_id)
        if request.method == "GET":
            return self._render_sheet(batch, application)
        sheet, _ = review_dimensions(batch.jurisdiction)
        typed = {d.name: request.form.get(f"score-{i}", "") for i, d in enumerate(sheet)}
        typed["notes"] = request.form.get("notes", "")
        try:
            experts.score(batch, application.id, current_user, typed, typed["notes"])
        except batches.BatchError as exc:
            db.session.rollback()
            return self._render_sheet(batch, application, error=exc, typed=typed, status=400)
        flash(gettext("Scores recorded."), "success")
        return redirect(url_for(".show", batch_id=batch.id))
