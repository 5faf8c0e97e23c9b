"""Queries to a flagged expert (issue 22): the officer asks an expert whose total is far from the
others' (``core.review.aggregates``) to confirm or revise it; the expert answers on his batch
page — confirmed, or revised by a new score sheet, a new ReviewRecord "score" that replaces his
earlier one in the aggregates.

Our rule (docs/experts.md, "评分汇总与排序"): a query is asked and answered only while the
application is at its expert-review step in an open batch — the only time a sheet can still be
revised; the officer sees the aggregates and their flags then (he already sees the scores side
by side, the experts do not see one another's).  One unanswered query per score sheet; the
expert is told that his total is far from the others, never their scores.  A query still
unanswered when the expert review is concluded stays unanswered (the meeting paper says so).

Every operation checks the actor, writes an audit event and commits once, or raises
``BatchError`` having written nothing.
"""
from __future__ import annotations

from typing import Any

from sqlalchemy import select

from core.accounts import roles
from core.platform import audit
from core.platform.extensions import db
from core.platform.row_ids import row_id
from core.platform.models import Application, Batch, ReviewRecord, ScoreQuery, utcnow
from core.review import aggregates, experts
from core.review.batches import SCORE, BatchError, is_expert_step, require_role

NOTE_MAX = 2000  # our choice: a paragraph


def queries_of(batch: Batch) -> list[ScoreQuery]:
    """Every query on the score sheets of ``batch``'s applications, oldest first."""
    ids = [a.id for a in batch.applications]
    if not ids:
        return []
    return db.session.scalars(
        select(ScoreQuery).join(ReviewRecord, ReviewRecord.id == ScoreQuery.record_id)
        .where(ReviewRecord.application_id.in_(ids)).order_by(ScoreQuery.asked_at, ScoreQuery.id)).all()


def queries_to(batch: Batch, user) -> list[ScoreQuery]:
    """The queries put to ``user`` in ``batch`` (his own score sheets only)."""
    return [q for q in queries_of(batch) if _record(q).actor_id == user.id]


def _record(query: ScoreQuery) -> ReviewRecord:
    return db.session.get(ReviewRecord, query.record_id)


def _open_in(batch: Batch, application: Application) -> None:
    if batch.status != "open" or application.batch_id != batch.id or not is_expert_step(application):
        raise BatchError("query", f"申报 #{application.id} 的专家评审已结束，不能再询问或修改评分")


def _clean_note(note: str | None) -> str | None:
    note = (note or "").strip() or None
    if note and len(note) > NOTE_MAX:
        raise BatchError("note", f"说明不能超过 {NOTE_MAX} 字，实为 {len(note)} 字", {"note": "说明过长"})
    return note


def ask(batch: Batch, record_id: Any, actor, note: str | None = None) -> ScoreQuery:
    """The officer asks the author of the score sheet ``record_id`` to confirm or revise it:
    allowed only when that sheet is the expert's latest and its total is flagged now."""
    require_role(actor, roles.OFFICER, code=batch.jurisdiction)
    key = row_id(record_id)  # a forged 2**63 is no id, never a 500
    record = db.session.get(ReviewRecord, key) if key is not None else None
    application = db.session.get(Application, record.application_id) if record is not None else None
    if record is None or record.action != SCORE or application is None or application.batch_id != batch.id:
        raise BatchError("query", "该评分不在本批次中")
    _open_in(batch, application)
    if experts.latest_scores(application).get(record.actor_id) is not record:
        raise BatchError("query", "该专家已修改评分，请就最新评分询问")
    summary = aggregates.batch_aggregates(batch)["per_application"][application.id]["summary"]
    if summary is None or record.actor_id not in summary.flagged:
        raise BatchError("query", "该专家的总分未被标记为偏离其他专家，无需询问")
    if any(q.answer is None for q in db.session.scalars(select(ScoreQuery).where(ScoreQuery.record_id == record.id))):
        raise BatchError("query", "已就该评分询问，尚待专家答复")
    query = ScoreQuery(record_id=record.id, asked_by_id=actor.id, note=_clean_note(note))
    db.session.add(query)
    db.session.flush()
    audit.record("score.query_asked", application, actor=actor, batch=batch.id, score_query=query.id,
                 review_record=record.id, expert=record.actor_id, opinion=query.note,
                 total=summary.totals[record.actor_id], others_median=summary.flagged[record.actor_id])
    db.session.commit()
    return query


def _answerable(batch: Batch, query_id: Any, actor) -> tuple[ScoreQuery, ReviewRecord, Application]:
    require_role(actor, roles.EXPERT, code=batch.jurisdiction)
    key = row_id(query_id)
    query = db.session.get(ScoreQuery, key) if key is not None else None
    record = _record(query) if query is not None else None
    application = db.session.get(Application, record.application_id) if record is not None else None
    if query is None or application is None or application.batch_id != batch.id or record.actor_id != actor.id:
        raise BatchError("query", "没有向您提出的该询问")
    if query.answer is not None:
        raise BatchError("query", "您已答复该询问")
    _open_in(batch, application)
    return query, record, application


def confirm(batch: Batch, query_id: Any, actor) -> ScoreQuery:
    """The expert keeps his score sheet as it is."""
    query, record, application = _answerable(batch, query_id, actor)
    query.answer, query.answered_at = "confirmed", utcnow()
    audit.record("score.query_confirmed", application, actor=actor, batch=batch.id, score_query=query.id,
                 review_record=record.id)
    db.session.commit()
    return query


def revise(batch: Batch, query_id: Any, actor, typed: dict[str, str], notes: str | None) -> ScoreQuery:
    """The expert answers with a new score sheet (checked as any sheet, ``experts.score``): it
    replaces his earlier one in the aggregates; the earlier stays in the record."""
    query, record, application = _answerable(batch, query_id, actor)
    revised = experts.score(batch, application.id, actor, typed, notes, commit=False)
    query.answer, query.answered_at, query.revised_record_id = "revised", utcnow(), revised.id
    audit.record("score.query_revised", application, actor=actor, batch=batch.id, score_query=query.id,
                 review_record=record.id, revised_record=revised.id)
    db.session.commit()
    return query


def open_query_on(application: Application, user) -> ScoreQuery | None:
    """The unanswered query on ``user``'s latest score sheet of ``application``."""
    latest = experts.latest_scores(application).get(user.id)
    if latest is None:
        return None
    return db.session.scalars(select(ScoreQuery).where(ScoreQuery.record_id == latest.id,
                                                       ScoreQuery.answer.is_(None))).first()
