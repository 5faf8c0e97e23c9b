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

from flask import Response, abort, flash, redirect, request, url_for
from flask_admin import BaseView, expose
from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import select
from wtforms import BooleanField, DateField, SelectField, SelectMultipleField, StringField, TextAreaField
from wtforms.validators import Length, ValidationError

from core.accounts import roles

from core.intake import calls
from core.review import batches, decisions, draws, experts, steps
from core.review import aggregates, blind, meeting_paper, score_queries
from core.review import expert_desk, score_drafts
from core.review.score_sheet import review_dimensions
from core.eligibility import admin_checklist as checklist_view
from core.platform import clock
from core.platform import exports, labels
from core.accounts.admin_access import AdminForm, ScopedModelView, StaffAccessMixin
from core.bureau.admin_settings import BAD_DATE, REQUIRED, fmt_jurisdiction, jurisdiction_choices, replace_parse_errors, required
from core.platform.extensions import db
from core.platform.models import Application, Batch, User
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
        context.update(self._ranking_context(batch, user))  # issue 22 rank
        if role == roles.EXPERT:
            assignment = batches.assignment_of(batch, user)
            mine = {a.id: experts.latest_scores(a).get(user.id) for a in batch.applications}
            context.update(assignment=assignment, mine=mine)
            # issue 22 coi: the applications awaiting his declaration, and his declarations
            context.update(undeclared=experts.undeclared(batch, assignment),
                           my_declarations=experts.declarations_of(assignment))
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
        context.update(self._draw_context(batch, role))  # issue 22 draw
        context.update(declarations={a.id: experts.declarations_of(a) for a in batch.experts})  # issue 22 coi
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

    # --- issue 22 draw: the random draw of experts with 回避 (core.review.draws) ---

    def _draw_context(self, batch, role) -> dict:
        """The draw form (officer), the bureau's minimum and the batch's draws, each kept-away expert by name."""
        history = draws.draws_of(batch)
        ids = {int(i) for d in history for i in (*d.pool, *d.excluded, *d.drawn)}
        ids |= {d.replaces_id for d in history if d.replaces_id} | {d.drawn_by_id for d in history if d.drawn_by_id}
        names = {u.id: u.name for u in db.session.scalars(select(User).where(User.id.in_(ids)))} if ids else {}
        may_draw = role == roles.OFFICER and batch.status == "open"
        return dict(draw_history=history, draw_names=names, may_draw=may_draw,
                    draw_fields=draws.eligibility(batch).fields_present if may_draw else [],
                    draw_minimum=draws.minimum_of(batch.jurisdiction), unreplaced=draws.unreplaced(batch))

    @expose("/<int:batch_id>/draw", methods=["POST"])
    def draw(self, batch_id: int):
        batch = self._batch(batch_id)
        typed = {"count": request.form.get("count", ""), "fields": request.form.getlist("fields")}
        return self._do(batch, lambda: draws.draw(batch, typed["count"], typed["fields"], current_user,
                                                  today=clock.today(), seen=request.form.get("draws_seen")),
                        gettext("Experts drawn at random."), typed=typed)

    # --- end issue 22 draw ---

    # --- issue 22 coi: the expert declares (no) conflict of interest per application (experts.declare_each) ---

    @expose("/<int:batch_id>/declare", methods=["POST"])
    def declare(self, batch_id: int):
        batch = self._batch(batch_id)
        form = request.form
        # every application answered on the form, and every one awaiting his answer (unanswered: None)
        ids = {int(k.split("-", 1)[1]) for k in form if k.startswith("conflict-") and k[len("conflict-"):].isdigit()}
        assignment = batches.assignment_of(batch, current_user)
        ids |= {a.id for a in experts.undeclared(batch, assignment)} if assignment is not None else set()
        choice = {"yes": True, "no": False}
        answers = {i: (choice.get(form.get(f"conflict-{i}", "")), form.get(f"note-{i}", "")) for i in ids}
        typed = {k: v for k, v in form.items() if k.startswith(("conflict-", "note-"))}
        return self._do(batch, lambda: experts.declare_each(batch, current_user, answers),
                        gettext("Declaration recorded."), typed=typed)

    # --- end issue 22 coi ---

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
        # his own draft only (score_drafts: never another's): newer work than a submitted sheet
        draft = score_drafts.draft_of(batch, application.id, current_user)
        if typed is None and draft is not None:
            typed = {**dict(draft.scores or {}), "notes": draft.notes or ""}
        if typed is None and mine is not None:
            typed = {**{d: str(v) for d, v in mine.scores.items()}, "notes": mine.opinion or ""}
        return self.render("admin/expert_score.html", batch=batch, app=application, sheet=sheet,
                           sheet_from_bureau=from_bureau, assignment=batches.assignment_of(batch, current_user),
                           mine=mine, draft=draft, error=error, errors=error.errors if error else {},
                           typed=typed or {}, labels=labels,
                           may_score=batches.is_expert_step(application) and batch.status == "open",
                           hidden=blind.hides_applicant(batch, current_user),  # issue 22 rank
                           open_query=score_queries.open_query_on(application, current_user)), status

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
        if request.form.get("action") == "draft":  # 保存草稿: kept as typed, checked only at submission
            try:
                score_drafts.save(batch, application.id, current_user, typed, typed["notes"])
            except batches.BatchError as exc:
                db.session.rollback()
                return self._render_sheet(batch, application, error=exc, typed=typed, status=400)
            flash(gettext("Draft saved. It is checked only when you submit it; nobody else sees it."), "success")
            return redirect(url_for(".score", batch_id=batch.id, application_id=application.id))
        try:
            score_drafts.submit(batch, application.id, current_user, typed, typed["notes"])
        except batches.BatchError as exc:
            return self._render_sheet(batch, application, error=exc, typed=typed, status=400)
        flash(gettext("Scores recorded."), "success")
        return redirect(url_for(".show", batch_id=batch.id))

    # --- issue 22 rank: aggregates, ranking, queries to a flagged expert, blind batches, the meeting paper ---

    def _ranking_context(self, batch, user) -> dict:
        """What the batch page shows of the aggregates: the officer sees them (and their flags) while the
        review is open, to query a flagged expert; the ranking is shown to the officer and the leader
        once the expert review is concluded; an expert sees only the queries put to him (the role he
        holds in the batch's jurisdiction decides: issue 22)."""
        role = role_in(user, batch.jurisdiction)
        if role == roles.EXPERT:
            return {"hidden": blind.hides_applicant(batch, user), "my_queries": score_queries.queries_to(batch, user)}
        found = aggregates.batch_aggregates(batch)
        concluded = batch.status != "open"
        return {
            "aggregates": found if role in (roles.OFFICER, roles.LEADER, roles.ADMIN) else None,
            "ranking": found["ranking"] if concluded else None,
            "score_queries": score_queries.queries_of(batch),
            "may_query": role == roles.OFFICER and not concluded,
            "may_set_blind": role == roles.OFFICER and not concluded
            and not any(batches.scored(a) for a in batch.applications),
            "may_export_paper": concluded and role in (roles.OFFICER, roles.LEADER),
            "expert_names": {a.expert_id: a.expert.name for a in batch.experts},
        }

    @expose("/<int:batch_id>/blind", methods=["POST"])
    def set_blind(self, batch_id: int):
        batch = self._batch(batch_id)
        wanted = request.form.get("blind") == "yes"
        return self._do(batch, lambda: blind.set_blind(batch, wanted, current_user),
                        gettext("Blind review set.") if wanted else gettext("Blind review removed."))

    @expose("/<int:batch_id>/query", methods=["POST"])
    def ask_query(self, batch_id: int):
        batch = self._batch(batch_id)
        return self._do(batch, lambda: score_queries.ask(batch, request.form.get("record_id"), current_user,
                                                         request.form.get("note")),
                        gettext("The expert is asked to confirm or revise his scores."))

    @expose("/<int:batch_id>/query/<int:query_id>/confirm", methods=["POST"])
    def confirm_query(self, batch_id: int, query_id: int):
        batch = self._batch(batch_id)
        return self._do(batch, lambda: score_queries.confirm(batch, query_id, current_user),
                        gettext("Your scores are confirmed."))

    @expose("/<int:batch_id>/query/<int:query_id>/revise/<int:application_id>", methods=["POST"])
    def revise_query(self, batch_id: int, query_id: int, application_id: int):
        batch = self._batch(batch_id)
        if role_in(current_user, batch.jurisdiction) != roles.EXPERT:
            abort(403)
        application = self._scored_application(batch, application_id)
        sheet, _ = review_dimensions(batch.jurisdiction)
        typed = {d.name: request.form.get(f"score-{i}", "") for i, d in enumerate(sheet)}
        typed["notes"] = request.form.get("notes", "")
        try:
            score_queries.revise(batch, query_id, current_user, typed, typed["notes"])
        except batches.BatchError as exc:
            db.session.rollback()
            return self._render_sheet(batch, application, error=exc, typed=typed, status=400)
        flash(gettext("Scores revised."), "success")
        return redirect(url_for(".show", batch_id=batch.id))

    @expose("/<int:batch_id>/meeting-paper.xlsx")
    def meeting_paper_xlsx(self, batch_id: int):
        batch = self._batch(batch_id)
        try:
            paper = meeting_paper.paper(batch, current_user)
        except batches.BatchError:
            abort(403)
        name = meeting_paper.filename(batch, "xlsx")
        body = meeting_paper.xlsx(paper)
        meeting_paper.record_export(batch, current_user, "xlsx", name)
        response = Response(body, mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
        response.headers["Content-Disposition"] = exports.content_disposition(name, f"meeting-paper-{batch.id}.xlsx")
        response.headers["Cache-Control"] = "private, no-store"
        return response

    # --- issue 22 expert: the expert's to-do page and the batch's deadline ---

    @expose("/mine")
    def mine(self):
        """What the expert must do: his batches, their deadlines, his declaration and each sheet's state."""
        if not holds(current_user, roles.EXPERT):  # an expert in any of his jurisdictions
            abort(403)
        today = clock.today()
        return self.render("admin/expert_desk.html", desks=expert_desk.desk(current_user, today), today=today,
                           labels=labels, states=expert_desk)

    @expose("/<int:batch_id>/due", methods=["POST"])
    def due(self, batch_id: int):
        batch = self._batch(batch_id)
        typed = {"review_due_on": request.form.get("review_due_on", "")}
        return self._do(batch, lambda: expert_desk.set_review_due(batch, typed["review_due_on"], current_user,
                                                                  clock.today()),
                        gettext("Review deadline saved."), typed=typed)
