"""The expert's desk (issue 22, "One page lists what the expert must do, with deadlines"): each
batch he is assigned to, its deadline, his declaration, and per application the state of his
sheet (not started, drafted, submitted) — and the officer's setting of that deadline.

The deadline is ``Batch.review_due_on``: the day the experts' scores are due, set by the officer
on the batch page (our choice; no document sets one).  A sheet not submitted by then is overdue
from the next day on.

``set_review_due`` checks the actor, audits and commits once, or raises ``BatchError`` having
written nothing.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from core.accounts import roles
from core.platform import audit
from core.platform.extensions import db
from core.platform.models import Application, Batch, ExpertAssignment, ReviewRecord
from core.review import experts, score_drafts
from core.review.batches import BatchError, assignment_of, is_expert_step, require_role, visible_batches

NOT_STARTED, DRAFTED, SUBMITTED = "not_started", "drafted", "submitted"


def parse_due(text: str | None) -> date | None:
    """The typed deadline: empty clears it; anything else must be a day (YYYY-MM-DD)."""
    text = (text or "").strip()
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise BatchError("review_due_on", "评审截止日期应为日期，如 2026-12-31",
                         {"review_due_on": f"评审截止日期应为日期（年-月-日），实为“{text[:40]}”"}) from None


def set_review_due(batch: Batch, typed: str | None, actor, today: date) -> Batch:
    """The officer sets (or clears) the day the experts' scores are due.  A new day may not be in
    the past (today itself is allowed: due at the end of today)."""
    require_role(actor, roles.OFFICER, code=batch.jurisdiction)
    if batch.status != "open":
        raise BatchError("review_due_on", "该批次的专家评审已结束，不能再设评审截止日期",
                         {"review_due_on": "该批次的专家评审已结束"})
    due = parse_due(typed)
    if due is not None and due < today:
        raise BatchError("review_due_on", "评审截止日期不能早于今天",
                         {"review_due_on": f"评审截止日期不能早于今天（{today.isoformat()}），实为 {due.isoformat()}"})
    if due == batch.review_due_on:
        return batch  # nothing changed: nothing to record
    before = batch.review_due_on
    batch.review_due_on = due
    audit.record("batch.review_due_set", batch, actor=actor, before=before.isoformat() if before else None,
                 due_on=due.isoformat() if due else None)
    db.session.commit()
    return batch


# --- the expert's page ---------------------------------------------------------------------


@dataclass
class Sheet:
    application: Application
    state: str                       # NOT_STARTED, DRAFTED or SUBMITTED
    revision_drafted: bool = False   # submitted, and a later draft of a revision is kept
    overdue: bool = False
    may_score: bool = False


@dataclass
class Desk:
    batch: Batch
    assignment: ExpertAssignment
    sheets: list[Sheet] = field(default_factory=list)
    overdue: bool = False
    undeclared: list[Application] = field(default_factory=list)  # issue 22: awaiting his declaration

    @property
    def declared(self) -> str:
        if self.assignment.conflict_declared_at:
            return "conflict"
        if self.assignment.no_conflict_declared_at and not self.undeclared:
            return "no_conflict"
        return "none"  # nothing declared yet, or an application added since he declared


def is_overdue(batch: Batch, today: date) -> bool:
    return batch.status == "open" and batch.review_due_on is not None and today > batch.review_due_on


def desk(user, today: date) -> list[Desk]:
    """Every batch ``user`` (an expert) is assigned to, the open ones first by deadline (none
    last), then the ended ones, newest first."""
    found = db.session.scalars(visible_batches(user)).all()
    drafted = score_drafts.drafted_applications((b.id for b in found), user)
    desks = []
    for batch in found:
        assignment = assignment_of(batch, user)
        if assignment is None:
            continue
        one = Desk(batch, assignment)
        late = is_overdue(batch, today) and assignment.conflict_declared_at is None
        one.undeclared = experts.undeclared(batch, assignment)  # issue 22: declared per application
        pending = {a.id for a in one.undeclared}
        for application in sorted(batch.applications, key=lambda a: a.id):
            mine: ReviewRecord | None = experts.latest_scores(application).get(user.id)
            has_draft = (batch.id, application.id) in drafted
            state = SUBMITTED if mine else DRAFTED if has_draft else NOT_STARTED
            open_step = batch.status == "open" and is_expert_step(application)
            one.sheets.append(Sheet(application, state, revision_drafted=bool(mine) and has_draft,
                                    overdue=late and state != SUBMITTED and open_step,
                                    may_score=open_step and assignment.no_conflict_declared_at is not None
                                    and assignment.conflict_declared_at is None
                                    and application.id not in pending))
        one.overdue = late and (any(s.overdue for s in one.sheets) or one.declared == "none")
        desks.append(one)
    desks.sort(key=lambda d: (d.batch.status != "open", d.batch.review_due_on is None,
                              d.batch.review_due_on or date.max, -d.batch.id))
    return desks
