"""The day's reminders (issue 19): run once a day from the queue's beat (the daily task
``notify.reminders``, with the day as ISO text) or by ``tick``.

Each reminder is an event (``core.platform.events.emit``) with the users it goes to
(``to_users``); the inbox and mail turn it into notifications.  It is given once per user, kind,
thing and day: a ``ReminderSent`` row is inserted first, ``INSERT … ON CONFLICT DO NOTHING``
on the table's unique constraint (user, kind, thing, day), and only the users whose row was new
are told — so a second run of the same day, even concurrent, tells nobody twice.

What is reminded, and to whom (docs/todos.md):

- **calls** closing within 7 calendar days (the closing day included): the applicant users of
  every organisation holding a draft application to the call's jurisdiction and one of its
  categories (a call listing none takes every category) — the only people a call's end concerns
  who have begun and not yet submitted;
- **statistics**: a filing window still open whose deadline is within 7 days, or passed: the
  applicant users of each title owing the year's return not yet filed (none, a draft, or returned
  for correction; a submitted return waits for the bureau, not the space);
- **change reports** the bureau found and the space has not reported, by their ``due_on``;
- **rectifications** ordered and not reported, by their deadline;
- **experts** of an open batch who have not scored all its applications waiting at the expert
  step (a declared conflict excuses): by the batch's deadline ``review_due_on`` the officer sets
  (issue 22), from :data:`EXPERT_SOON_DAYS` (3) days before it; a batch without one by the expert
  step's deadline under the bureau's ``step_time_limit_days`` (core.notify.todos) — the earliest
  of the batch's waiting applications — as soon as any other duty; neither: no reminder;
- **notices** ending tomorrow (their stored ``last_day`` is the day after): the officers of the
  notice's jurisdiction, who close it.

"Soon" is 0 to 7 calendar days before the deadline, every day of them; "overdue" is the first day
after the deadline and then every seventh day (day 1, 8, 15…), while the duty stays open — our
choice: a weekly reminder, not a daily one, for something already late.
"""
from __future__ import annotations

import functools
from collections import defaultdict
from datetime import date, timedelta

from sqlalchemy import or_, select
from sqlalchemy.dialects import postgresql, sqlite

from core.accounts import roles
from core.bureau import data as bureau_data
from core.monitoring import windows
from core.notify import routes
from core.notify.todos import step_entered, step_limit
from core.platform import events, queue
from core.platform.clock import local
from core.platform.extensions import db
from core.platform.models import (Application, Batch, Call, ChangeReport, ExpertAssignment, PublicNotice,
                                  Recognition, Rectification, ReminderSent, ReviewRecord, Space, StatisticsWindow, User)
from core.review.attendance import step_groups
from core.review.batches import SCORE

__all__ = ["SOON_DAYS", "OVERDUE_EVERY", "EXPERT_SOON_DAYS", "SOON", "OVERDUE", "EXPERT", "NOTICE", "timing", "send"]

SOON_DAYS = 7       # the issue: "deadline in 7 days"
OVERDUE_EVERY = 7   # our choice: an overdue duty is reminded on its first late day, then weekly
SOON = "reminder.deadline_soon"
OVERDUE = "reminder.overdue"
EXPERT = "reminder.expert_scoring"
NOTICE = "reminder.notice_ends_tomorrow"


def timing(deadline: date, day: date) -> str | None:
    """SOON, OVERDUE or None for a duty due on ``deadline``, on ``day``."""
    left = (deadline - day).days
    if 0 <= left <= SOON_DAYS:
        return SOON
    if left < 0 and (-left - 1) % OVERDUE_EVERY == 0:
        return OVERDUE
    return None


def first_today(user_ids, kind: str, thing: str, day: date) -> list[int]:
    """The users of ``user_ids`` not yet reminded of ``thing`` as ``kind`` on ``day``, now marked:
    one ``INSERT … ON CONFLICT DO NOTHING RETURNING user_id`` (PostgreSQL and SQLite alike) on the
    table itself, so a row another run wrote first returns nothing."""
    ids = sorted(set(user_ids))
    if not ids:
        return []
    dialect = postgresql if db.engine.dialect.name == "postgresql" else sqlite
    statement = (dialect.insert(ReminderSent.__table__)
                 .values([{"user_id": u, "kind": kind, "thing": thing, "day": day} for u in ids])
                 .on_conflict_do_nothing().returning(ReminderSent.__table__.c.user_id))
    return sorted(db.session.execute(statement).scalars())


def _remind(kind: str, subject, day: date, user_ids, *, deadline: date | None, thing: str, late: bool = False,
            **params) -> int:
    """Emit ``kind`` to the users of ``user_ids`` not yet told today.  The params are plain facts —
    what the thing is (``thing``, a code of core.notify.messages), its own name, the deadline, whether
    it has passed (``late``) — which core.notify.messages words in the reader's language."""
    marker = f"{type(subject).__name__}:{subject.id}"
    to = first_today(user_ids, kind, marker, day)
    if to:
        events.emit(kind, subject, to_users=to, thing=thing, deadline=deadline.isoformat() if deadline else None,
                    late=late, day=day.isoformat(), **params)
    return len(to)


# --- each kind -----------------------------------------------------------------------------


def _calls(day: date) -> int:
    sent = 0
    for call in db.session.scalars(select(Call).where(Call.opens_on <= day, Call.closes_on >= day,
                                                      Call.closes_on <= day + timedelta(days=SOON_DAYS))):
        drafts = select(Application.organisation_id, Application.category).where(
            Application.status == "draft", Application.jurisdiction == call.jurisdiction).distinct()
        orgs = [org for org, category in db.session.execute(drafts)
                if not call.categories or category in call.categories]
        users = [u for us in routes.applicants_by_organisation(orgs).values() for u in us]
        sent += _remind(SOON, call, day, users, deadline=call.closes_on, thing="call", name=call.title)
    return sent


def _statistics(day: date) -> int:
    sent = 0
    for opened in db.session.scalars(select(StatisticsWindow).where(StatisticsWindow.closed_at.is_(None),
                                                                    StatisticsWindow.opens_on <= day)):
        kind = timing(opened.deadline, day)
        if kind is None:
            continue
        unfiled = [row.title.space.organisation_id for row in windows.late_list(opened.jurisdiction, opened.year)
                   if row.status in ("none", "draft", "returned")]
        users = [u for us in routes.applicants_by_organisation(unfiled).values() for u in us]
        sent += _remind(kind, opened, day, users, deadline=opened.deadline, thing="statistics",
                        late=kind == OVERDUE, year=opened.year)
    return sent


def _changes(day: date) -> int:
    rows = db.session.execute(
        select(ChangeReport, Space.organisation_id, Recognition.title)
        .join(Recognition, Recognition.id == ChangeReport.recognition_id).join(Space, Space.id == Recognition.space_id)
        .where(ChangeReport.status == "found", ChangeReport.reported_on.is_(None), ChangeReport.due_on.is_not(None),
               ChangeReport.due_on <= day + timedelta(days=SOON_DAYS))).all()
    return _per_title(rows, day, lambda c: c.due_on, "change_report")


def _rectifications(day: date) -> int:
    rows = db.session.execute(
        select(Rectification, Space.organisation_id, Recognition.title)
        .join(Recognition, Recognition.id == Rectification.recognition_id).join(Space, Space.id == Recognition.space_id)
        .where(Rectification.status == "ordered", Recognition.status != "revoked",
               Rectification.deadline <= day + timedelta(days=SOON_DAYS))).all()
    return _per_title(rows, day, lambda r: r.deadline, "rectification")


def _per_title(rows, day: date, deadline_of, thing: str) -> int:
    users_of = routes.applicants_by_organisation(org for _, org, _ in rows)
    sent = 0
    for row, org, title in rows:
        deadline = deadline_of(row)
        kind = timing(deadline, day)
        if kind is not None:
            sent += _remind(kind, row, day, users_of.get(org, []), deadline=deadline, thing=thing,
                            late=kind == OVERDUE, title=title)
    return sent


# issue 22 expert: the batch's own deadline (``Batch.review_due_on``, the officer's) and how soon
# before it the experts are reminded — our choice: 3 days, the expert review being short; overdue
# as every other duty (the first late day, then weekly)
EXPERT_SOON_DAYS = 3


def expert_timing(deadline: date, day: date) -> str | None:
    left = (deadline - day).days
    if 0 <= left <= EXPERT_SOON_DAYS:
        return SOON
    return timing(deadline, day) if left < 0 else None


def _experts(day: date) -> int:
    """Experts of open batches who have not scored every application waiting at the expert step,
    by the batch's deadline (``review_due_on``), else — a batch without one, in a jurisdiction with a
    step time limit — the earliest deadline of its waiting applications."""
    in_open_batch = Application.batch_id.in_(select(Batch.id).where(Batch.status == "open"))
    limits = functools.cache(step_limit)
    expert_steps = [criterion for group, step, criterion in step_groups(in_open_batch) if step.kind == "expert_review"]
    calendar = functools.cache(bureau_data.calendar)
    dated = {batch_id: due_on for batch_id, due_on in db.session.execute(
        select(Batch.id, Batch.review_due_on).where(Batch.status == "open", Batch.review_due_on.is_not(None)))}
    due: dict[int, date] = {}
    apps: dict[int, list[int]] = defaultdict(list)
    if expert_steps:
        for app_id, batch_id, code, submitted_on, moved_at in db.session.execute(
                select(Application.id, Application.batch_id, Application.jurisdiction, Application.submitted_on,
                       step_entered()).where(in_open_batch, or_(*expert_steps))):
            if batch_id in dated:
                deadline = dated[batch_id]
            else:
                since = local(moved_at).date() if moved_at else submitted_on
                if since is None or not limits(code):
                    continue
                deadline = calendar().add_workdays(since, limits(code))
            due[batch_id] = min(deadline, due.get(batch_id, deadline))
            apps[batch_id].append(app_id)
    sent = 0
    for batch in db.session.scalars(select(Batch).where(Batch.id.in_(list(due)))):
        kind = expert_timing(due[batch.id], day) if batch.id in dated else timing(due[batch.id], day)
        if kind is None:
            continue
        ids = apps[batch.id]
        scored = defaultdict(set)
        for expert_id, application_id in db.session.execute(select(ReviewRecord.actor_id, ReviewRecord.application_id)
                                                            .where(ReviewRecord.application_id.in_(ids),
                                                                   ReviewRecord.action == SCORE)):
            scored[expert_id].add(application_id)
        experts = db.session.scalars(select(ExpertAssignment.expert_id).join(User, User.id == ExpertAssignment.expert_id)
                                     .where(ExpertAssignment.batch_id == batch.id, User.active.is_(True),
                                            ExpertAssignment.conflict_declared_at.is_(None))).all()
        behind = [e for e in experts if not set(ids) <= scored[e]]
        sent += _remind(EXPERT, batch, day, behind, deadline=due[batch.id], thing="batch", name=batch.name,
                        late=kind == OVERDUE)
    return sent
# end issue 22 expert


def _notices(day: date) -> int:
    sent = 0
    for notice in db.session.scalars(select(PublicNotice).where(PublicNotice.status == "open",
                                                                PublicNotice.last_day == day + timedelta(days=1))):
        sent += _remind(NOTICE, notice, day, [u.id for u in routes.staff_of(roles.OFFICER, notice.jurisdiction)], deadline=notice.last_day,
                        thing="notice", name=notice.title)
    return sent


KINDS = (_calls, _statistics, _changes, _rectifications, _experts, _notices)


def send(day: date) -> int:
    """Give the reminders of ``day`` not given yet; commits.  Returns how many users were told."""
    sent = sum(kind(day) for kind in KINDS)
    db.session.commit()
    return sent


@queue.task("notify.reminders", daily=True)
def reminders_task(day: str) -> None:
    send(date.fromisoformat(day))

