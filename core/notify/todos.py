"""待办: what this user can act on now, computed from the database (not from notifications).

Staff (docs/todos.md lists each role's kinds):

- **review steps** waiting for the user's role and scope: the active applications he may see
  (``core.accounts.scoping.application_criteria``: his jurisdictions, a recommender's area and
  the steps assigned to him) whose current step is acted on by his role
  (``core.review.attendance.acting_role``: the step's role where it decides, else the officer);
  judged once per step group as the 无人可办理 list does, never once per application;
- **objections** to resolve (officers): open objections of the notices of their jurisdictions;
- **statistics returns** to check (``core.monitoring.returns.may_check``);
- **change reports** to check or decide (``core.monitoring.changes.allowed_actions``);
- **rectifications** to judge (``core.monitoring.rectifications.may_judge``);
- **revocation proposals** awaiting the leader;
- **entitlements** to approve (``core.money.lifecycle.may_approve``: the leader, or the officers
  too where the bureau's ``support_officer_approves`` says yes);
- **experts**: the applications of their batches still to score, due on the batch's deadline
  (``Batch.review_due_on``, the officer's), else the expert step's time limit.

Each kind is one :class:`TodoGroup`: its total and at most :data:`SHOWN` items, oldest first,
with the link to the full list where the admin has one.  Each item has its age (the day it
started waiting) and, for a review step under the bureau's ``step_time_limit_days`` (本局设定:
no document sets a time limit per step), its deadline — that many working days after the day
the application reached the step (``core.bureau.data.calendar``) — late the day after it.

The applicant's own to-dos (answer a return, report a change) are registered with the portal's
``PORTAL_TASKS`` beside the statistics and rectification tasks core.monitoring registers.
"""
from __future__ import annotations

import functools
from dataclasses import dataclass, field
from datetime import date, timedelta, timezone
from types import SimpleNamespace

from flask import url_for
from flask_babel import gettext, lazy_gettext as _l
from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import joinedload

from core.accounts import roles
from core.accounts.scoping import application_criteria, codes_as, holds, region_prefix_in, role_in, role_of, visible_codes
from core.bureau import data as bureau_data
from core.monitoring import changes, rectifications, returns
from core.monitoring.forms import form_for
from core.monitoring.title_scope import criteria, is_leader_of, is_officer_of
from core.money import lifecycle
from core.platform import clock
from core.platform.labels import CHANGE_KIND_LABELS
from core.platform.extensions import db
from core.platform.models import (Application, Batch, ChangeReport, ExpertAssignment, Objection, PublicNotice,
                                  Recognition, Rectification, ReviewRecord, Revocation, Space, StatisticsReturn,
                                  SubsidyEntitlement)
from core.review import applicant_pages, workflow
from core.review.attendance import acting_role, step_groups
from core.review.batches import SCORE
from core.review.moves import ACTIVE
from core.review.steps import step_of
from core.workdays import WorkdayCalendar

__all__ = ["SHOWN", "KIND_LABELS", "Todo", "TodoGroup", "staff_todos", "step_deadline",
           "step_entered", "late_cutoff", "applicant_todos"]

#: the items of one kind shown on the dashboard (our choice; the total is always given)
SHOWN = 50
#: change reports and rectifications are judged row by row by their modules' own rules: at most
#: this many candidates are read (a jurisdiction has tens waiting, never thousands)
CANDIDATES = 500

KIND_LABELS = {
    "step": _l("Review step"),
    "objection": _l("Objection to resolve"),
    "statistics": _l("Statistics return to check"),
    "change": _l("Change report to check"),
    "rectification": _l("Rectification to judge"),
    "revocation": _l("Revocation to decide"),
    "entitlement": _l("Subsidy to approve"),
    "scoring": _l("Application to score"),
}


@dataclass
class Todo:
    name: str
    endpoint: str
    args: dict
    since: date | None           # the day it started waiting
    deadline: date | None = None
    late: bool = False
    what: str = ""               # the step's name, the kind of change…: words, never a code
    jurisdiction: str | None = None

    @property
    def url(self) -> str:
        return url_for(self.endpoint, **self.args)

    def age(self, today: date) -> int | None:
        return (today - self.since).days if self.since else None


@dataclass
class TodoGroup:
    kind: str
    count: int
    items: list[Todo] = field(default_factory=list)
    list_endpoint: str | None = None
    list_args: dict = field(default_factory=dict)

    @property
    def label(self) -> str:
        return str(KIND_LABELS[self.kind])

    @property
    def list_url(self) -> str | None:
        return url_for(self.list_endpoint, **self.list_args) if self.list_endpoint else None


def _listed(statement) -> tuple[int, list]:
    """The first :data:`SHOWN` rows of ``statement`` and the number of all its rows, in one
    statement (``count(*) OVER ()`` is counted before the LIMIT)."""
    rows = db.session.execute(statement.add_columns(func.count().over()).limit(SHOWN)).all()
    return (rows[0][-1] if rows else 0), [tuple(r)[:-1] for r in rows]


def _day(moment) -> date | None:
    return clock.local(moment).date() if moment is not None else None


# --- the step's time limit (本局设定) ------------------------------------------------------


def step_limit(code: str) -> int | None:
    """The bureau's ``step_time_limit_days`` of ``code``, or None (unset or out of its range)."""
    from core.bureau.setting_checks import out_of_bound

    setting = bureau_data.bureau_setting(code, bureau_data.STEP_TIME_LIMIT)
    if setting is None or out_of_bound(code, bureau_data.STEP_TIME_LIMIT, setting.value) is not None:
        return None
    return setting.value


def step_deadline(code: str, entered: date | None, calendar: WorkdayCalendar | None = None) -> date | None:
    limit = step_limit(code)
    if limit is None or entered is None:
        return None
    return (calendar or bureau_data.calendar()).add_workdays(entered, limit)


def late_cutoff(code: str, today: date, calendar: WorkdayCalendar | None = None) -> date | None:
    """The last day a step may have been entered on for it to be late ``today`` (its
    :func:`step_deadline` before today), or None without a time limit: the same rule, turned into a
    bound a query can count with (the dashboard's overdue figure)."""
    limit = step_limit(code)
    if limit is None:
        return None
    calendar = calendar or bureau_data.calendar()
    day = today - timedelta(days=limit + 1)  # entered a day later, the deadline is today at the earliest
    while calendar.add_workdays(day, limit) >= today:
        day -= timedelta(days=1)
    return day


def late_condition(code: str, cutoff: date):
    """The active applications of ``code`` late at their step, given its :func:`late_cutoff`, as a
    condition on ``applications`` (the dashboard's overdue figure and the list's 超期 filter).

    Asked the other way round, so that it reads the few recent moves rather than every active
    application's last one: an application is late when no move of it is as recent as the day after
    the cutoff (ix_review_records_created_at) and it was submitted (or, never submitted, last changed)
    by then.  A move always follows the submission, so an application with a move before the bound
    was submitted before it too.  The bound is in UTC, as stored (SQLite compares the text)."""
    bound = clock.start_of(cutoff + timedelta(days=1)).astimezone(timezone.utc)
    moved_since = select(ReviewRecord.application_id).where(ReviewRecord.created_at >= bound,
                                                            ReviewRecord.action.in_(workflow.ACTIONS))
    return and_(Application.jurisdiction == code, Application.status.in_(ACTIVE), Application.id.not_in(moved_since),
                or_(Application.submitted_on <= cutoff,
                    and_(Application.submitted_on.is_(None), Application.updated_at < bound)))


def step_entered():
    """The moment an application reached its current step: its last workflow move (a
    ``ReviewRecord`` of one of ``workflow.ACTIONS``; an expert's score is not a move), else — an
    application written without one, e.g. imported — its submission day (``submitted_on``), else
    its ``updated_at``.  A correlated subquery: one statement for the whole list."""
    return (select(func.max(ReviewRecord.created_at))
            .where(ReviewRecord.application_id == Application.id, ReviewRecord.action.in_(workflow.ACTIONS))
            .correlate(Application).scalar_subquery())


# --- staff ---------------------------------------------------------------------------------


def _steps(user, today: date) -> TodoGroup:
    """Applications waiting at a step the user's role acts on, in his scope."""
    group = TodoGroup("step", 0)
    mine = [criterion for group, step, criterion in step_groups(application_criteria(user))
            if acting_role(step) == role_in(user, group[0])]  # the role he holds in its jurisdiction
    if not mine:
        return group
    where = and_(application_criteria(user), Application.status.in_(ACTIVE), or_(*mine))
    entered = step_entered().label("entered")
    group.count, rows = _listed(
        select(Application, entered).options(joinedload(Application.space).load_only(Space.name))
        .where(where).order_by(func.coalesce(entered, Application.updated_at), Application.id))
    calendar, limit = functools.cache(bureau_data.calendar), functools.cache(step_limit)  # once per list
    for application, moved_at in rows:
        since = _day(moved_at) or application.submitted_on or _day(application.updated_at)
        step = step_of(application)
        days = limit(application.jurisdiction)
        deadline = calendar().add_workdays(since, days) if days and since else None
        group.items.append(Todo(f"#{application.id} {application.space.name}", "case.show",
                                {"application_id": application.id}, since, deadline,
                                deadline is not None and today > deadline, step.name if step else "",
                                application.jurisdiction))
    return group


def _objections(user, today: date) -> TodoGroup:
    group = TodoGroup("objection", 0, list_endpoint="notices.index")
    codes = [c for c in visible_codes(user) if is_officer_of(user, c)]
    if not codes:
        return group
    where = and_(Objection.status == "open", PublicNotice.jurisdiction.in_(codes))
    group.count, rows = _listed(select(Objection, PublicNotice.title, PublicNotice.jurisdiction)
                                .join(PublicNotice, PublicNotice.id == Objection.notice_id)
                                .where(where).order_by(Objection.created_at, Objection.id))
    for o, notice_title, code in rows:
        group.items.append(Todo(o.receipt_number or f"#{o.id}", "notices.show", {"notice_id": o.notice_id},
                                _day(o.created_at), what=notice_title, jurisdiction=code))
    return group


def _statistics(user, today: date) -> TodoGroup:
    """Submitted returns whose checking jurisdiction is the user's: an officer's all, a
    recommender's with an area those of his area where the form is checked by the region
    (``returns.may_check``; the form read once per jurisdiction and year)."""
    group = TodoGroup("statistics", 0, list_endpoint="statistics.index")
    # Per jurisdiction, the role he holds there (issue 22).
    as_officer = codes_as(user, roles.OFFICER)
    as_recommender = [c for c in codes_as(user, roles.RECOMMENDER) if region_prefix_in(user, c)]
    if not as_officer and not as_recommender:
        return group
    submitted = and_(StatisticsReturn.status == "submitted", returns.return_criteria(user))
    region = []
    if as_recommender:
        pairs = db.session.execute(select(StatisticsReturn.checking_jurisdiction, StatisticsReturn.year)
                                   .where(submitted, StatisticsReturn.checking_jurisdiction.in_(as_recommender))
                                   .distinct()).all()
        region = [and_(StatisticsReturn.checking_jurisdiction == c, StatisticsReturn.year == y)
                  for c, y in pairs if form_for(c, y).checked_by == "region"]  # return_criteria: his area
    if not as_officer and not region:
        return group
    submitted = and_(submitted, or_(StatisticsReturn.checking_jurisdiction.in_(as_officer), *region))
    group.count, rows = _listed(select(StatisticsReturn).options(joinedload(StatisticsReturn.space))
                                .where(submitted).order_by(StatisticsReturn.submitted_at, StatisticsReturn.id))
    for (r,) in rows:
        group.items.append(Todo(f"{r.space.name} {r.year}", "statistics.statistics_return", {"return_id": r.id},
                                _day(r.submitted_at), jurisdiction=r.checking_jurisdiction))
    return group


def _changes(user, today: date) -> TodoGroup:
    group = TodoGroup("change", 0, list_endpoint="changes.index", list_args={"list": "mine"})
    if not holds(user, roles.OFFICER, roles.RECOMMENDER):
        return group
    rows = db.session.scalars(
        select(ChangeReport).options(joinedload(ChangeReport.recognition).joinedload(Recognition.space))
        .where(changes.change_criteria(user), ChangeReport.status.in_(("reported", "forwarded")))
        .order_by(ChangeReport.reported_on, ChangeReport.id).limit(CANDIDATES)).all()
    mine = [c for c in rows if changes.allowed_actions(user, c)]
    group.count = len(mine)
    for c in mine[:SHOWN]:
        group.items.append(Todo(c.recognition.title, "changes.show", {"change_id": c.id},
                                c.reported_on or _day(c.created_at), jurisdiction=c.jurisdiction,
                                what=str(CHANGE_KIND_LABELS.get(c.kind, ""))))
    return group


def _rectifications(user, today: date) -> TodoGroup:
    """Reported rectifications, and those whose deadline passed unreported (``may_judge``)."""
    group = TodoGroup("rectification", 0, list_endpoint="rectifications.index", list_args={"list": "to_judge"})
    codes = [c for c in visible_codes(user) if is_officer_of(user, c)]
    if not codes:
        return group
    rows = db.session.scalars(
        select(Rectification).options(joinedload(Rectification.recognition))
        .where(criteria(user, Rectification), Rectification.jurisdiction.in_(codes),
               or_(Rectification.status == "reported",
                   and_(Rectification.status == "ordered", Rectification.deadline < today)))
        .order_by(Rectification.deadline, Rectification.id).limit(CANDIDATES)).all()
    mine = [r for r in rows if rectifications.may_judge(user, r, today)]
    group.count = len(mine)
    for r in mine[:SHOWN]:
        group.items.append(Todo(r.recognition.title, "rectifications.show", {"rect_id": r.id},
                                r.reported_on or r.deadline, jurisdiction=r.jurisdiction))
    return group


def _revocations(user, today: date) -> TodoGroup:
    group = TodoGroup("revocation", 0, list_endpoint="revocations.index", list_args={"list": "proposed"})
    codes = [c for c in visible_codes(user) if is_leader_of(user, c)]
    if not codes:
        return group
    where = and_(criteria(user, Revocation), Revocation.jurisdiction.in_(codes), Revocation.status == "proposed")
    group.count, rows = _listed(select(Revocation).options(joinedload(Revocation.recognition)).where(where)
                                .order_by(Revocation.proposed_at, Revocation.id))
    for (r,) in rows:
        group.items.append(Todo(r.recognition.title, "revocations.show", {"revocation_id": r.id},
                                _day(r.proposed_at or r.created_at), jurisdiction=r.jurisdiction))
    return group


def _entitlements(user, today: date) -> TodoGroup:
    """Pending entitlements of the jurisdictions where the user approves (``lifecycle.may_approve``
    asked once per jurisdiction: who approves depends on the jurisdiction, not the row)."""
    group = TodoGroup("entitlement", 0, list_endpoint="money.index", list_args={"status": "pending"})
    codes = [c for c in visible_codes(user)
             if lifecycle.may_approve(user, SimpleNamespace(status="pending", jurisdiction=c))]
    if not codes:
        return group
    where = and_(lifecycle.scope(user), SubsidyEntitlement.jurisdiction.in_(codes),
                 SubsidyEntitlement.status == "pending")
    group.count, rows = _listed(select(SubsidyEntitlement).where(where)
                                .order_by(SubsidyEntitlement.created_at, SubsidyEntitlement.id))
    for (e,) in rows:
        group.items.append(Todo(e.kind, "money.show", {"entitlement_id": e.id}, _day(e.created_at),
                                jurisdiction=e.jurisdiction))
    return group


def _scoring(user, today: date) -> TodoGroup:
    """The applications of the expert's open batches (no conflict declared) at their expert step
    that he has not scored yet."""
    group = TodoGroup("scoring", 0, list_endpoint="batches.mine")  # issue 22 expert: his to-do page
    if not holds(user, roles.EXPERT):  # his assignments narrow it to where he is an expert
        return group
    mine = select(ExpertAssignment.batch_id).where(ExpertAssignment.expert_id == user.id,
                                                   ExpertAssignment.conflict_declared_at.is_(None))
    scored = select(ReviewRecord.application_id).where(ReviewRecord.actor_id == user.id, ReviewRecord.action == SCORE,
                                                       ReviewRecord.step == Application.current_step)
    where = (application_criteria(user), Application.batch_id.in_(mine),
             Application.batch_id.in_(select(Batch.id).where(Batch.status == "open")),
             ~Application.id.in_(scored.correlate(Application)))
    expert_steps = [criterion for _, step, criterion in step_groups(*where) if step.kind == "expert_review"]
    if not expert_steps:
        return group
    where = and_(*where, Application.status.in_(ACTIVE), or_(*expert_steps))
    group.count, waiting = _listed(
        select(Application, step_entered()).options(joinedload(Application.space).load_only(Space.name),
                                                    joinedload(Application.batch))
        .where(where).order_by(Application.submitted_on, Application.id))
    calendar, limit = functools.cache(bureau_data.calendar), functools.cache(step_limit)
    for a, moved_at in waiting:
        since = _day(moved_at) or a.submitted_on
        # issue 22 expert: the batch's own deadline (the officer's review_due_on) comes first; without
        # one, the expert step's time limit where the bureau sets it
        days = limit(a.jurisdiction)
        deadline = a.batch.review_due_on or (calendar().add_workdays(since, days) if days and since else None)
        group.items.append(Todo(f"#{a.id} {a.space.name}", "batches.score",
                                {"batch_id": a.batch_id, "application_id": a.id}, since, deadline,
                                deadline is not None and today > deadline, what=a.batch.name,
                                jurisdiction=a.jurisdiction))
    return group


STAFF_KINDS = (_steps, _objections, _statistics, _changes, _rectifications, _revocations, _entitlements, _scoring)


def staff_todos(user, today: date | None = None) -> list[TodoGroup]:
    """The user's to-do groups with something in them, in the order the dashboard shows them."""
    if role_of(user) not in roles.STAFF_ROLES or role_of(user) == roles.ADMIN:
        return []
    today = today or clock.today()
    return [g for g in (kind(user, today) for kind in STAFF_KINDS) if g.count]


# --- the applicant --------------------------------------------------------------------------


#: the portal lists these after the annual return and the rectification core.monitoring registers
#: (our choice: the same order whatever the import order)
RANK = 1


def applicant_todos(user, today: date | None = None) -> list[dict]:
    """The applicant's own to-dos the monitoring package does not register: applications returned
    for revision (answer the return) and change reports owed (one the bureau found, or one
    returned to correct), with the due day.  In the shape of ``PORTAL_TASKS``."""
    if role_of(user) != roles.APPLICANT:
        return []
    today = today or clock.today()
    tasks = []
    returned = db.session.scalars(
        select(Application).options(joinedload(Application.space).load_only(Space.name))
        .where(application_criteria(user), Application.status == "returned").order_by(Application.id)).all()
    for a in returned:
        tasks.append({"id": f"return-{a.id}", "url": url_for("portal.application", application_id=a.id),
                      "text": gettext("Answer the return of application #%(id)s (%(space)s) and resubmit it",
                                      id=a.id, space=a.space.name),
                      "overdue": False, "deadline": None, "rank": RANK})
    owed = db.session.scalars(
        select(ChangeReport).options(joinedload(ChangeReport.recognition))
        .where(changes.change_criteria(user), ChangeReport.status.in_(("found", "returned")))
        .order_by(ChangeReport.due_on, ChangeReport.id)).all()
    for c in owed:
        text = (gettext("Report the change of %(title)s the bureau found", title=c.recognition.title)
                if c.status == "found" else
                gettext("Correct the change report of %(title)s returned by the bureau", title=c.recognition.title))
        tasks.append({"id": f"change-{c.id}", "url": url_for("portal_changes.change_page", change_id=c.id),
                      "text": text, "overdue": changes.is_overdue(c, today), "deadline": c.due_on, "rank": RANK})
    return tasks


applicant_pages.PORTAL_TASKS.append(applicant_todos)
