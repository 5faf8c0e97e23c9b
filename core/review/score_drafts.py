"""An expert's score sheet saved as a draft before he submits it (issue 22, "Opinions can be
drafted and saved before submitting").

A draft keeps exactly what he typed — incomplete, out of range, not a number — because it is
checked only when he submits (``core.review.experts.score``).  It is his alone: every lookup
here is by his own id, and no page of the officer, the leader or another expert reads this
table (independent review).  Submitting deletes the draft in the same transaction as the
submitted sheet.

Saving a draft is not audited (our choice, docs/experts.md "专家的待办与草稿"): it changes no
record anyone else sees, and an audit event carrying the draft would show the officer what the
independent review keeps from him until the expert submits.  The submission is audited
(``expert.scored``).

Every operation checks the actor and commits once, or raises ``BatchError`` having written
nothing.
"""
from __future__ import annotations

from typing import Any

from sqlalchemy import select

from core.platform.extensions import db
from core.platform.row_ids import row_id
from core.platform.models import Application, Batch, ReviewRecord, ScoreDraft, utcnow
from core.review import experts
from core.review.batches import BatchError
from core.review.score_sheet import review_dimensions

# Bounds of what a draft stores (our choice): far above any real sheet, low enough that a draft
# cannot be used to store anything else.  Above them the save is refused and the page keeps
# what was typed.
MAX_SCORE_TEXT = 50
MAX_NOTES = 20000


def draft_of(batch: Batch, application_id: int, expert) -> ScoreDraft | None:
    """``expert``'s own draft of the sheet of ``application_id`` in ``batch``."""
    return db.session.scalars(select(ScoreDraft).where(
        ScoreDraft.batch_id == batch.id, ScoreDraft.application_id == application_id,
        ScoreDraft.expert_id == expert.id)).one_or_none()


def drafted_applications(batch_ids, expert) -> set[tuple[int, int]]:
    """(batch id, application id) of ``expert``'s drafts in ``batch_ids``: the to-do page's marks."""
    ids = list(batch_ids)
    if not ids:
        return set()
    return {tuple(row) for row in db.session.execute(select(ScoreDraft.batch_id, ScoreDraft.application_id).where(
        ScoreDraft.expert_id == expert.id, ScoreDraft.batch_id.in_(ids)))}


def _sheet_application(batch: Batch, application_id: Any, actor) -> Application:
    """The same conditions as submitting the sheet, bar the sheet's own checks."""
    return experts.sheet_application(batch, application_id, actor)


def save(batch: Batch, application_id: Any, actor, typed: dict[str, str], notes: str | None) -> ScoreDraft:
    """Keep what ``actor`` typed on the sheet (``typed``: dimension → text), replacing his
    earlier draft; nothing of it is checked but its length."""
    application = _sheet_application(batch, application_id, actor)
    sheet, _ = review_dimensions(batch.jurisdiction)
    scores = {d.name: str(typed.get(d.name) or "") for d in sheet}
    errors = {name: f"草稿中的得分不能超过 {MAX_SCORE_TEXT} 字，实为 {len(text)} 字"
              for name, text in scores.items() if len(text) > MAX_SCORE_TEXT}
    notes = notes or ""
    if len(notes) > MAX_NOTES:
        errors["notes"] = f"草稿中的实地查验情况不能超过 {MAX_NOTES} 字，实为 {len(notes)} 字"
    if errors:
        raise BatchError("scores", "草稿未保存，请按提示修改", errors)
    draft = draft_of(batch, application.id, actor)
    if draft is None:
        draft = ScoreDraft(batch_id=batch.id, application_id=application.id, expert_id=actor.id)
        db.session.add(draft)
    draft.scores = scores
    draft.notes = notes
    draft.saved_at = utcnow()
    db.session.commit()
    return draft


def submit(batch: Batch, application_id: Any, actor, typed: dict[str, str], notes: str | None) -> ReviewRecord:
    """Submit the sheet (``experts.score``, which checks it and commits) and delete the draft in
    the same transaction; refused, the draft stays as it was."""
    key = row_id(application_id)
    draft = draft_of(batch, key, actor) if key is not None and getattr(actor, "id", None) else None
    try:
        if draft is not None:
            db.session.delete(draft)
        return experts.score(batch, application_id, actor, typed, notes)
    except Exception:
        db.session.rollback()
        raise
