"""The leadership's decision on a batch: the leader records the meeting's decision for
the batch's applications at a leader's decision step.  The meeting's date and minutes
reference follow the one meeting rule (``core.review.meetings``): required where the
policy names the meeting (弥勒 附件1 第七条 局务会) or the bureau requires them (本局要求),
optional elsewhere.

:func:`decide` checks the actor, writes audit events and commits once, or raises
``BatchError`` having written nothing.
"""
from __future__ import annotations

from datetime import date

from core.platform import audit

from core.accounts import roles

from core.review import meetings, moves, steps, workflow
from core.review.batches import BatchError, require_role
from core.platform import clock
from core.platform.extensions import db
from core.platform.models import Application, Batch


DECISIONS = ("approve", "return", "reject")


def awaiting_decision(batch: Batch) -> list[Application]:
    """The batch's applications at a decision step that the leader decides."""
    found = []
    for application in sorted(batch.applications, key=lambda a: a.id):
        step = steps.step_of(application)
        if application.status in moves.ACTIVE and step is not None and step.kind == "decision" \
                and step.role == roles.LEADER:
            found.append(application)
    return found


def meeting_requirement(batch: Batch):
    """The policy's article or 本局要求 demanding the meeting record of the batch's
    decision (``meetings.meeting_requirement``), None when nothing demands it."""
    for application in awaiting_decision(batch):
        required = meetings.meeting_requirement(batch.jurisdiction, steps.step_of(application))
        if required is not None:
            return required
    return None


def decide(batch: Batch, actor, *, meeting_on: str | None, minutes_ref: str | None,
           choices: dict[int, tuple[str, str]], today: date | None = None) -> list[Application]:
    """Record the meeting's decision for the batch: ``choices`` maps each application id
    awaiting the decision to (approve | return | reject, opinion).  Raises BatchError
    with ``errors`` ({field: message}) and writes nothing when anything is wrong."""
    require_role(actor, roles.LEADER, code=batch.jurisdiction)
    today = today or clock.today()
    pending = awaiting_decision(batch)
    detail, errors = meetings.meeting_record(meeting_requirement(batch), meeting_on, minutes_ref, today)
    if not pending:
        errors["batch"] = "本批次没有待审定的申报"
    for application in pending:
        action, opinion = choices.get(application.id, ("", ""))
        if action not in DECISIONS:
            errors[f"decision-{application.id}"] = f"请为申报 #{application.id} 选择审定结果"
        elif action in workflow.NEEDS_OPINION and not (opinion or "").strip():
            errors[f"opinion-{application.id}"] = f"申报 #{application.id} {workflow.ACTION_LABELS[action]}须填写理由"
    if errors:
        raise BatchError(next(iter(errors)), "审定未保存，请按提示修改", errors)
    try:
        for application in pending:
            action, opinion = choices[application.id]
            try:
                workflow.act(application, action, actor, opinion=opinion, today=today, commit=False,
                             detail={**detail, "batch": batch.id})
            except moves.WorkflowError as exc:
                raise BatchError(f"decision-{application.id}",
                                 f"申报 #{application.id}：{exc.message}；本批次审定均未保存") from None
        actions = {choices[a.id][0] for a in pending}
        batch.decision = actions.pop() if len(actions) == 1 else "mixed"
        batch.decided_on = date.fromisoformat(detail["meeting_on"]) if "meeting_on" in detail else today
        batch.minutes_ref = detail.get("minutes_ref")
        batch.decided_by_id = actor.id
        batch.status = "decided"
        audit.record("batch.decided", batch, actor=actor, from_state="concluded", to_state="decided",
                     decisions={str(a.id): choices[a.id][0] for a in pending}, **detail)
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise
    return pending
