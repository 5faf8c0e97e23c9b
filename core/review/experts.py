"""The expert review of a batch: each expert declares (no) conflict of interest for each
application (``declare_each``; issue 22), fills in
a score sheet per application, and the officer concludes the expert review of the whole
batch once every expert without a conflict of interest has scored every application.
Until then each expert sees only his own scores (our choice: independent review).

The workflow (below) asks :func:`expert_review_incomplete` before its
``conclude_expert_review`` through the guard registered here
(``workflow.register_guard``); core/review/__init__.py imports this module, so the
guard is in place whenever the workflow is loaded.

Every operation checks the actor, writes audit events and commits once, or raises
``BatchError`` having written nothing.
"""
from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import select

from core.platform import audit

from core.accounts import roles

from core.review import draws, moves, workflow
from core.review.batches import (BatchError, require_role, require_application, able_experts, assignment_of, declared_free,
                                 is_expert_step, scored, SCORE)
from core.review.score_sheet import parse_scores, review_dimensions
from core.platform.extensions import db
from core.platform.models import Application, Batch, ConflictDeclaration, ExpertAssignment, ReviewRecord, utcnow


def declarations_of(assignment: ExpertAssignment) -> dict[int, ConflictDeclaration]:
    """The expert's declaration per application of his batch (application id → declaration)."""
    return {d.application_id: d for d in db.session.scalars(
        select(ConflictDeclaration).where(ConflictDeclaration.assignment_id == assignment.id))}


def undeclared(batch: Batch, assignment: ExpertAssignment) -> list[Application]:
    """The applications of ``batch`` the expert has not declared for yet: all of them at first,
    then those added to the batch after he declared."""
    done = declarations_of(assignment)
    return [a for a in sorted(batch.applications, key=lambda a: a.id) if a.id not in done]


def declaration_refusal(assignment: ExpertAssignment, application: Application) -> str | None:
    """Why the expert may not score (or judge) ``application`` for want of a declaration, or None:
    he needs his own declaration of no conflict for that very application."""
    if assignment.conflict_declared_at:
        return "您已申明与本批次存在利益冲突，不能评分"
    if declared_free(assignment, application):
        return None
    if assignment.no_conflict_declared_at:
        return f"申报 #{application.id} 是您声明之后编入本批次的，请先在批次页就该申报声明是否存在利益冲突，再评分"
    return "请先声明与本批次申报单位不存在利益冲突，再评分"


NO_ANSWER = "请选择“无利益冲突”或“存在利益冲突”"


def declare_each(batch: Batch, actor, answers: dict[int, tuple[bool | None, str | None]]) -> ExpertAssignment:
    """The expert's declaration for each application of his batch not yet declared: ``answers``
    maps application id → (conflict: True / False, or None when not chosen; note).  Every such
    application must be answered, a conflict with a note; else ``BatchError`` with ``errors``
    keyed ``application-<id>`` and nothing written.  A conflict on any application sets his
    assignment's conflict (naming the applications) and, in a drawn batch, draws his replacement;
    no conflict on every application of the batch sets his no-conflict."""
    require_role(actor, roles.EXPERT, code=batch.jurisdiction)
    assignment = assignment_of(batch, actor)
    if assignment is None:
        raise BatchError("batch", "您不是本批次的评审专家")
    if assignment.conflict_declared_at:
        raise BatchError("declaration", "您已申明与本批次存在利益冲突，不再就本批次作出声明")
    if batch.status != "open":
        raise BatchError("declaration", "该批次的专家评审已结束，不能再作出声明")
    pending = undeclared(batch, assignment)
    if not pending:
        raise BatchError("declaration", "您已就本批次的每件申报作出声明" if assignment.no_conflict_declared_at
                         else "本批次尚无申报，无需声明")
    if set(answers) - {a.id for a in pending}:
        raise BatchError("application", "所答申报不在本批次中，或您已就其作出声明")
    errors, chosen = {}, []
    for application in pending:
        conflict, note = answers.get(application.id, (None, None))
        note = (note or "").strip() or None
        if conflict is None:
            errors[f"application-{application.id}"] = NO_ANSWER
        elif conflict and not note:
            errors[f"application-{application.id}"] = "申明利益冲突须说明情况"
        elif note and len(note) > 2000:
            errors[f"application-{application.id}"] = f"说明不能超过 2000 字，实为 {len(note)} 字"
        else:
            chosen.append((application, bool(conflict), note))
    if errors:
        raise BatchError("declaration", "声明有误，请按每件申报旁的提示修改", errors)
    now = utcnow()
    for application, conflict, note in chosen:
        db.session.add(ConflictDeclaration(assignment_id=assignment.id, application_id=application.id,
                                           conflict=conflict, note=note, declared_at=now))
        audit.record("expert.conflict_declared" if conflict else "expert.no_conflict_declared", batch,
                     actor=actor, opinion=note, application=application.id)
    conflicts = [(a, note) for a, conflict, note in chosen if conflict]
    if conflicts:
        assignment.conflict_declared_at = now
        assignment.conflict_note = "；".join(f"申报 #{a.id}：{note}" for a, note in conflicts)[:2000]
        draws.replace_after_conflict(batch, assignment)  # a drawn batch: the system draws his replacement
    elif assignment.no_conflict_declared_at is None:
        assignment.no_conflict_declared_at = now  # every application of the batch is now declared free
    db.session.commit()
    return assignment


def declare(batch: Batch, actor, *, conflict: bool, note: str | None = None) -> ExpertAssignment:
    """The same declaration for every application of the batch not yet declared (the demo and
    callers that declare in one go; the expert's page uses :func:`declare_each`)."""
    assignment = assignment_of(batch, actor)
    pending = undeclared(batch, assignment) if assignment is not None else []
    return declare_each(batch, actor, {a.id: (conflict, note) for a in pending})


def sheet_application(batch: Batch, application_id: Any, actor) -> Application:
    """The application of ``batch`` whose score sheet ``actor`` may fill in now — submit or keep as a
    draft (core.review.score_drafts): his batch, still open, his declaration of no conflict for it,
    the application at its expert step; else BatchError."""
    require_role(actor, roles.EXPERT, code=batch.jurisdiction)
    assignment = assignment_of(batch, actor)
    if assignment is None:
        raise BatchError("batch", "您不是本批次的评审专家")
    application = require_application(application_id, actor)
    if application.batch_id != batch.id:
        raise BatchError("application", "该申报不在本批次中")
    refusal = declaration_refusal(assignment, application)
    if refusal:
        raise BatchError("declaration", refusal)
    if batch.status != "open" or not is_expert_step(application):
        raise BatchError("application", "该申报不在专家评审步骤，不能评分")
    return application


def score(batch: Batch, application_id: Any, actor, typed: dict[str, str], notes: str | None, *,
          commit: bool = True) -> ReviewRecord:
    """An expert's score sheet for one application of his batch: raises BatchError with
    ``errors`` (dimension → message) when any dimension is wrong.  ``commit=False``: the caller
    (a revision answering a query, core.review.score_queries) commits."""
    application = sheet_application(batch, application_id, actor)
    sheet, _ = review_dimensions(batch.jurisdiction)
    scores, errors = parse_scores(sheet, typed)
    notes = (notes or "").strip()
    if not notes:
        errors["notes"] = "请填写实地查验情况"
    elif len(notes) > 5000:  # our choice: a page of text, as workflow opinions
        errors["notes"] = f"实地查验情况不能超过 5000 字，实为 {len(notes)} 字"
    if errors:
        raise BatchError("scores", "评分表有误，请按提示修改", errors)
    record = ReviewRecord(application_id=application.id, step=application.current_step, action=SCORE,
                          actor_id=actor.id, scores=scores, opinion=notes)
    db.session.add(record)
    db.session.flush()
    audit.record("expert.scored", application, actor=actor, opinion=notes, scores=scores, batch=batch.id,
                 review_record=record.id, step=application.current_step)
    if commit:
        db.session.commit()
    return record


# --- the officer's view of the scores -------------------------------------------------------


def latest_scores(application: Application) -> dict[int, ReviewRecord]:
    """Each expert's latest score sheet of ``application`` (a revision replaces the earlier)."""
    latest: dict[int, ReviewRecord] = {}
    for record in scored(application):
        latest[record.actor_id] = record
    return latest


def _mean(values: list[float]) -> float | None:
    return round(sum(values) / len(values), 2) if values else None


def score_table(batch: Batch) -> list[dict[str, Any]]:
    """Per application: each expert's scores side by side, the mean per dimension and
    the mean of the experts' totals."""
    sheet, _ = review_dimensions(batch.jurisdiction)
    rows = []
    for application in sorted(batch.applications, key=lambda a: a.id):
        latest = latest_scores(application)
        columns = []
        for assignment in batch.experts:
            record = latest.get(assignment.expert_id)
            total = round(sum(record.scores.get(d.name, 0) for d in sheet), 2) if record else None
            columns.append({"assignment": assignment, "record": record, "total": total})
        done = [c for c in columns if c["record"]]
        rows.append({
            "application": application,
            "columns": columns,
            "means": {d.name: _mean([c["record"].scores[d.name] for c in done if d.name in c["record"].scores])
                      for d in sheet},
            "total_mean": _mean([c["total"] for c in done]),
            "incomplete": expert_review_incomplete(application) if is_expert_step(application) else None,
        })
    return rows


def expert_review_incomplete(application: Application) -> str | None:
    """Why the expert review of ``application`` cannot be concluded yet, or None."""
    if application.batch_id is None:
        return "该申报尚未编入评审批次"
    batch = db.session.get(Batch, application.batch_id)
    if not batch.experts:
        return "该批次尚未指派评审专家"
    able = able_experts(batch)
    if not able:
        return "该批次的专家均已申明利益冲突，请另行指派专家"
    latest = latest_scores(application)
    missing = [a.expert.name for a in able if a.expert_id not in latest]
    if missing:
        return f"申报 #{application.id} 尚有专家未评分：{'、'.join(missing)}"
    return None


def conclude(batch: Batch, actor, today: date | None = None) -> list[Application]:
    """Conclude the expert review of every application of the batch at its expert step,
    in one transaction: refused as a whole when any is incomplete."""
    require_role(actor, roles.OFFICER, code=batch.jurisdiction)
    pending = [a for a in sorted(batch.applications, key=lambda a: a.id) if is_expert_step(a)]
    if not pending:
        raise BatchError("batch", "本批次没有处于专家评审步骤的申报")
    try:
        for application in pending:
            try:
                workflow.act(application, "conclude_expert_review", actor, today=today, commit=False,
                             detail={"batch": batch.id})
            except moves.WorkflowError as exc:
                raise BatchError("batch", f"申报 #{application.id}：{exc.message}；本批次均未结束评审") from None
        batch.status = "concluded"
        audit.record("batch.expert_review_concluded", batch, actor=actor, from_state="open", to_state="concluded",
                     applications=[a.id for a in pending])
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise
    return pending


workflow.register_guard("conclude_expert_review", expert_review_incomplete)
