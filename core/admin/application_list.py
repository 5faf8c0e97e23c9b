"""The admin's list of applications at work (issue 20): its filters beyond jurisdiction, category
and status — step, district, batch, call, submitted date — and its bulk actions on the rows ticked:
assign to a review batch, export the selection as a workbook, remind the applicants.

Every bulk action reads the ticked ids through the list's own scoped query (``get_query``): an id
the user may not see is dropped, never acted on.  Each application acted on is audited on its own
row (the batch's ``batch.application_added``, ``application.exported``, ``application.reminded``).
The work itself is the domain's: ``core.review.batches.add_application`` (one commit per
application, so one refusal costs the others nothing), ``core.notify.nudges.remind_applicants``.
"""
from __future__ import annotations

from flask import flash, has_request_context, redirect, request, stream_with_context
from flask_admin import expose
from flask_admin.actions import action
from flask_admin.contrib.sqla.filters import (DateBetweenFilter, DateGreaterFilter, DateSmallerFilter,
                                              FilterEqual, IntEqualFilter)
from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import false, or_, select

from core.accounts import roles
from core.accounts.scoping import application_criteria, codes_as, holds, jurisdiction_criteria, role_of, visible_codes
from core.bureau import data as bureau_data
from core.notify import nudges, todos
from core.platform import audit, clock, exports, labels
from core.platform.extensions import db
from core.platform.models import Application, Batch, Call, Space
from core.platform.row_ids import row_id, row_ids
from core.review import batches

#: filter names the dashboard's links name (core.admin.dashboard finds each one's index by name)
STEP, DISTRICT, BATCH, CALL, SUBMITTED, OVERDUE = (
    _l("Current step"), _l("District (region code)"), _l("Review batch"), _l("Call for applications"),
    _l("Submitted on"), _l("Past the time limit of its step"))


def _user_or_none():
    # Filter options are asked for at start-up too (no request, no user): none then.
    return current_user if has_request_context() and current_user.is_authenticated else None


def step_options():
    user = _user_or_none()
    return labels.step_choices(visible_codes(user)) if user else []


def district_options():
    """The regions of the spaces of the applications the user sees (one statement)."""
    user = _user_or_none()
    if user is None:
        return []
    regions = db.session.scalars(select(Space.region).where(
        Space.id.in_(select(Application.space_id).where(application_criteria(user)))).distinct().order_by(Space.region))
    return [(r, r) for r in regions if r]


def batch_options():
    user = _user_or_none()
    if user is None:
        return []
    # the batches holding applications he sees: a district's recommender is not shown the names of
    # batches of other districts' spaces
    held = select(Application.batch_id).where(application_criteria(user), Application.batch_id.is_not(None))
    return [(str(b.id), f"#{b.id} {b.name}") for b in db.session.scalars(
        batches.visible_batches(user).where(Batch.id.in_(held)).order_by(Batch.id.desc()))]


def call_options():
    user = _user_or_none()
    if user is None:
        return []
    query = select(Call).where(jurisdiction_criteria(user, Call.jurisdiction))
    if role_of(user) != roles.ADMIN:  # a draft is the officers' until published (where he is one)
        query = query.where(Call.published.is_(True) | Call.jurisdiction.in_(codes_as(user, roles.OFFICER)))
    calls = db.session.scalars(query.order_by(Call.opens_on.desc(), Call.id.desc()))
    return [(str(c.id), f"{c.title}（{c.opens_on}—{c.closes_on}）") for c in calls]


class RowIdFilter(IntEqualFilter):
    """Equal to a row's id: a value that is no id (²; beyond the column's range) filters nothing."""

    def validate(self, value):
        return row_id(value) is not None


class OverdueFilter(FilterEqual):
    """超期: the active applications past the bureau's time limit for their step, by the to-do list's
    rule (core.notify.todos.late_condition) in each of the user's jurisdictions that sets a limit —
    exactly the dashboard's overdue figure, which links here."""

    def __init__(self):
        super().__init__(column=Application.id, name=OVERDUE, options=lambda: [("1", gettext("Yes"))])
        self.key_name = "overdue"

    def validate(self, value):
        return value == "1"

    def apply(self, query, value, alias=None):
        user = _user_or_none()
        today, calendar = clock.today(), bureau_data.calendar()
        cutoffs = {code: todos.late_cutoff(code, today, calendar) for code in (visible_codes(user) if user else [])}
        late = [todos.late_condition(code, day) for code, day in cutoffs.items() if day is not None]
        return query.filter(or_(*late) if late else false())


class DistrictFilter(FilterEqual):
    """A space's region, asked through the indexed ``spaces.region`` in a subquery, not a join."""

    def apply(self, query, value, alias=None):
        return query.filter(Application.space_id.in_(select(Space.id).where(Space.region == value)))


def filters() -> tuple:
    return (
        FilterEqual(column=Application.current_step, name=STEP, options=step_options),
        DistrictFilter(column=Application.space_id, name=DISTRICT, options=district_options),
        RowIdFilter(column=Application.batch_id, name=BATCH, options=batch_options),
        RowIdFilter(column=Application.call_id, name=CALL, options=call_options),
        DateBetweenFilter(Application.submitted_on, SUBMITTED),
        DateGreaterFilter(Application.submitted_on, SUBMITTED),
        DateSmallerFilter(Application.submitted_on, SUBMITTED),
        OverdueFilter(),
    )


#: who may use each bulk action (the admin, who has no scope of work, only exports)
ACTION_ROLES = {
    "assign_batch": (roles.OFFICER,),
    "remind": (roles.OFFICER,),
    "export_selection": (roles.ADMIN, roles.OFFICER, roles.LEADER, roles.RECOMMENDER),
}


class BulkActions:
    """Mixed into the applications' ModelView (core.admin.views.ApplicationView)."""

    def is_action_allowed(self, name):
        if name in ACTION_ROLES:
            return holds(current_user, *ACTION_ROLES[name])  # each row: write_scope, per jurisdiction
        return super().is_action_allowed(name)

    def selected(self, ids) -> list[Application]:
        """The ticked applications the user sees, in id order."""
        keys = row_ids(ids)
        if not keys:
            return []
        return self.get_query().filter(Application.id.in_(keys)).order_by(Application.id).all()

    # --- assign to a batch: the officer chooses the batch on a page of its own ---
    @action("assign_batch", _l("Assign to a review batch"))
    def action_assign_batch(self, ids):
        chosen = self.selected(ids)
        codes = sorted({a.jurisdiction for a in chosen})
        open_batches = db.session.scalars(batches.visible_batches(current_user).where(
            Batch.status == "open", Batch.jurisdiction.in_(codes)).order_by(Batch.id.desc())).all()
        return self.render("admin/applications_assign_batch.html", chosen=chosen, batches=open_batches,
                           labels=labels, return_url=self.get_url(".index_view"))

    @expose("/assign-batch/", methods=["POST"])
    def assign_batch(self):
        """The choice of the page above (CSRF: the admin's forms' token, checked by Flask-WTF)."""
        if not self.is_action_allowed("assign_batch"):
            return redirect(self.get_url(".index_view"))
        chosen = self.selected(request.form.getlist("rowid"))
        chosen_batch = row_id(request.form.get("batch_id"))
        batch = batches.visible_batch(chosen_batch, current_user) if chosen_batch else None
        if batch is None or not chosen:
            flash(gettext("Choose a batch and at least one application."), "error")
            return redirect(self.get_url(".index_view"))
        added, refused = [], []
        for application in chosen:
            try:
                batches.add_application(batch, application.id, current_user)
                added.append(application.id)
            except batches.BatchError as exc:
                db.session.rollback()
                refused.append(exc.message)
        if added:
            flash(gettext("%(count)d applications added to the batch %(batch)s.", count=len(added),
                          batch=f"#{batch.id} {batch.name}"), "success")
        for message in refused:
            flash(message, "error")
        return redirect(self.get_url(".index_view"))

    # --- export the selection ---
    @action("export_selection", _l("Export the selection (xlsx)"))
    def action_export_selection(self, ids):
        chosen = self.selected(ids)
        for application in chosen:
            audit.record("application.exported", application, actor=current_user)
        db.session.commit()
        cells = [self._export_cell(name) for name, _ in self._export_columns]
        rows = [[cell(a) for cell in cells] for a in chosen]
        body = exports.xlsx_stream(str(self.name), self._export_headers(), rows)
        return self._export_response(stream_with_context(body), "xlsx", exports.XLSX_MIMETYPE)

    # --- remind the applicants ---
    @action("remind", _l("Remind the applicants"),
            _l("Send the applicants of the selected applications a reminder to attend to them?"))
    def action_remind(self, ids):
        outcome = nudges.remind_applicants(self.selected(ids), current_user, clock.today())
        if outcome.reminded:
            flash(gettext("The applicants of %(count)d applications have been reminded.",
                          count=len(outcome.reminded)), "success")
        if outcome.already_today:
            flash(gettext("Already reminded today, not again: %(ids)s.",
                          ids="、".join(f"#{i}" for i in outcome.already_today)), "info")
        if outcome.not_waiting:
            flash(gettext("Not reminded, nothing waits on the applicant (only applications returned for revision "
                          "are): %(ids)s.", ids="、".join(f"#{i}" for i in outcome.not_waiting)), "info")
        if outcome.nobody:
            flash(gettext("No active applicant account to remind: %(ids)s.",
                          ids="、".join(f"#{i}" for i in outcome.nobody)), "warning")
