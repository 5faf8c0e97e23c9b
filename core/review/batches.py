"""Review batches: the officer groups applications waiting at an expert-review step into
a batch (弥政办发〔2017〕5号 附件1 第七条 "分批组织专家实地查验和集中评审") and assigns expert users
to it.  The experts' declarations, scores and the conclusion are ``core.review.experts``'s,
the leader's decision ``core.review.decisions``'s, the score sheet
``core.review.score_sheet``'s, and calls for applications ``core.intake.calls``'s.

Every operation here checks the actor, writes audit events and commits once, or
raises :class:`BatchError` having written nothing.  Applications move only through
``core.review.workflow.act``.

The checklist of the eligibility package (below review) asks who of a batch is
awaited and whether the expert review has ended through the panel registered here
(``checklist.register_expert_panel``).
"""
from __future__ import annotations

from typing import Any

from sqlalchemy import false, or_, select

from core.platform import audit, events

from core.accounts import roles

from core.accounts import scoping

from core.eligibility import checklist

from core.review import moves, steps
from core.platform.errors import Refused
from core.platform.extensions import db
from core.platform.row_ids import row_id
from core.platform.models import (Application, Batch, ConflictDeclaration, ExpertAssignment, ExpertProfile,
                                  ReviewRecord, User, UserScope)
from core.accounts.scoping import (
    application_criteria, codes_as, held_role_column, role_in, role_of, visible_codes,
)

SCORE = "score"


class BatchError(Refused):
    """A refused operation: ``key`` names the field, ``message`` says why in Chinese;
    ``errors`` maps each wrong field of a form to its message."""

    key_in_text = False

    def __init__(self, key: str, message: str, errors: dict[str, str] | None = None) -> None:
        super().__init__(key, message)
        self.errors = errors or {}


# --- batches ------------------------------------------------------------------------------


def visible_batches(user):
    """Batches ``user`` may open, by the role he holds in their jurisdiction: the admin, officer and
    leader all of it; an expert only those he is assigned to; a recommender none (he recommends, the
    batches' scores are not his to read)."""
    keeping = codes_as(user, roles.ADMIN, roles.OFFICER, roles.LEADER)
    as_expert = codes_as(user, roles.EXPERT)
    assigned = Batch.id.in_(select(ExpertAssignment.batch_id).where(ExpertAssignment.expert_id == user.id))
    return select(Batch).where(or_(Batch.jurisdiction.in_(keeping) if keeping else false(),
                                   (Batch.jurisdiction.in_(as_expert) & assigned) if as_expert else false()))


def visible_batch(batch_id: int, user) -> Batch | None:
    return db.session.scalars(visible_batches(user).where(Batch.id == batch_id)).one_or_none()


def require_role(user, *allowed: str, code: str | None) -> None:
    """BatchError unless ``user`` holds one of the ``allowed`` roles in jurisdiction ``code``, the
    batch's (every batch operation asks; issue 22: roles per jurisdiction).  ``code`` must be given
    (keyword-only, no default: a call forgetting it would judge his home role); ``None``: his own
    role (``User.role``), for a caller with no batch at hand."""
    if (role_in(user, code) if code is not None else role_of(user)) not in allowed:
        raise BatchError("role", f"该操作由{'、'.join(str(roles.ROLE_LABELS[r]) for r in allowed)}办理")


def create_batch(code: str, name: str, actor) -> Batch:
    # the role held in ``code``; a jurisdiction not his is refused below, by name
    require_role(actor, roles.OFFICER, code=code if code in visible_codes(actor) else None)
    name = (name or "").strip()
    if not name:
        raise BatchError("name", "请填写批次名称")
    if len(name) > 200:
        raise BatchError("name", f"批次名称不能超过 200 字，实为 {len(name)} 字")
    if code not in visible_codes(actor):
        raise BatchError("jurisdiction", f"无权为辖区 {code or '（未选择）'} 建立批次")
    batch = Batch(jurisdiction=code, name=name, status="open")
    db.session.add(batch)
    db.session.flush()
    audit.record("batch.created", batch, actor=actor, to_state="open", name=name)
    db.session.commit()
    return batch


def is_expert_step(application: Application) -> bool:
    step = steps.step_of(application)
    return step is not None and step.kind == "expert_review" and application.status in moves.ACTIVE


def expert_step_code(application: Application) -> str | None:
    """The code of the plugin's expert-review step for ``application`` (the scores stay
    readable after the application has moved on)."""
    return next((s.code for s in steps.steps_of(application) if s.kind == "expert_review"), None)


def expert_review_ended(application: Application) -> bool:
    """The expert review of ``application`` is over: it is in a batch and has left its
    expert step, or its batch is concluded.  Until then each expert sees only his own
    scores and checklist judgements (independent review)."""
    batch = application.batch
    return batch is not None and (batch.status != "open" or not is_expert_step(application))


def able_experts(batch: Batch) -> list[ExpertAssignment]:
    """The experts of ``batch`` who have not declared a conflict of interest: those
    whose review is awaited."""
    return [a for a in batch.experts if a.conflict_declared_at is None]


def scored(application: Application) -> list[ReviewRecord]:
    """The score records of ``application`` at its expert step, oldest first."""
    return db.session.scalars(
        select(ReviewRecord).where(ReviewRecord.application_id == application.id, ReviewRecord.action == SCORE,
                                   ReviewRecord.step == expert_step_code(application))
        .order_by(ReviewRecord.created_at, ReviewRecord.id)
    ).all()


def candidates(batch: Batch, user) -> list[Application]:
    """Applications the officer may add: visible, of the batch's jurisdiction, in no
    batch, at an expert-review step."""
    found = db.session.scalars(
        select(Application).where(application_criteria(user), Application.jurisdiction == batch.jurisdiction,
                                  Application.batch_id.is_(None),
                                  Application.status.in_(moves.ACTIVE)).order_by(Application.id)
    ).all()
    return [a for a in found if is_expert_step(a)]


def require_application(application_id: Any, user) -> Application:
    """The application ``user`` may handle, from a form's id, or BatchError."""
    key = row_id(application_id)  # a form's odd id is no id, never a 500
    if key is None:
        raise BatchError("application", "请选择申报")
    found = scoping.visible_application(key, user)
    if found is None:
        raise BatchError("application", f"没有可办理的申报 #{key}")
    return found


def add_application(batch: Batch, application_id: Any, actor) -> Application:
    require_role(actor, roles.OFFICER, code=batch.jurisdiction)
    application = require_application(application_id, actor)
    if batch.status != "open":
        raise BatchError("application", "该批次的专家评审已结束，不能再加入申报")
    if application.jurisdiction != batch.jurisdiction:
        raise BatchError("application", "申报与批次不属于同一辖区")
    if application.batch_id is not None:
        raise BatchError("application", f"申报 #{application.id} 已在批次 #{application.batch_id} 中")
    if not is_expert_step(application):
        raise BatchError("application", f"申报 #{application.id} 不在专家评审步骤，不能编入评审批次")
    application.batch_id = batch.id
    audit.record("batch.application_added", batch, actor=actor, application=application.id)
    db.session.commit()
    return application


def remove_application(batch: Batch, application_id: Any, actor) -> None:
    require_role(actor, roles.OFFICER, code=batch.jurisdiction)
    application = require_application(application_id, actor)
    if application.batch_id != batch.id:
        raise BatchError("application", f"申报 #{application.id} 不在本批次中")
    if scored(application):
        raise BatchError("application", f"申报 #{application.id} 已有专家评分，不能移出批次")
    if not is_expert_step(application):
        raise BatchError("application", f"申报 #{application.id} 已结束专家评审，不能移出批次")
    application.batch_id = None
    audit.record("batch.application_removed", batch, actor=actor, application=application.id)
    db.session.commit()


def expert_candidates(batch: Batch) -> list[User]:
    """The experts the officer may assign by hand: of the batch's jurisdiction (the role held there),
    not yet assigned, and not paused in the pool (a paused expert is drawn by nobody, issue 22)."""
    assigned = {a.expert_id for a in batch.experts}
    paused = select(ExpertProfile.user_id).where(ExpertProfile.status == "paused")
    experts = db.session.scalars(select(User).join(UserScope, UserScope.user_id == User.id).where(
        held_role_column() == roles.EXPERT, UserScope.jurisdiction == batch.jurisdiction, User.active.is_(True),
        User.id.not_in(paused)).order_by(User.name)).all()
    return [u for u in experts if u.id not in assigned]


def assign_expert(batch: Batch, expert_id: Any, actor) -> ExpertAssignment:
    require_role(actor, roles.OFFICER, code=batch.jurisdiction)
    key = row_id(expert_id)
    expert = db.session.get(User, key) if key is not None else None
    if expert is None or role_in(expert, batch.jurisdiction) != roles.EXPERT or not expert.active:
        raise BatchError("expert", "请选择本辖区的评审专家")
    profile = db.session.get(ExpertProfile, expert.id)
    if profile is not None and profile.status == "paused":
        raise BatchError("expert", f"{expert.name} 在专家库中已暂停，不能指派")
    if any(a.expert_id == expert.id for a in batch.experts):
        raise BatchError("expert", f"{expert.name} 已是本批次的评审专家")
    if batch.status != "open":
        raise BatchError("expert", "该批次的专家评审已结束，不能再指派专家")
    assignment = ExpertAssignment(batch=batch, expert_id=expert.id, assigned_by_id=actor.id)
    db.session.add(assignment)
    db.session.flush()
    audit.record("batch.expert_assigned", batch, actor=actor, expert=expert.id, expert_name=expert.name)
    tell_assigned(batch, expert, actor)
    db.session.commit()
    return assignment


def tell_assigned(batch: Batch, expert, actor) -> None:
    """The expert's inbox hears of his assignment (issue 22; core.notify.routes "expert.assigned"),
    in the transaction that assigns him — whoever assigns him: by hand or by a draw."""
    events.emit("expert.assigned", batch, actor=actor, to_users=[expert],
                due_on=batch.review_due_on.isoformat() if batch.review_due_on else None)


def assignment_of(batch: Batch, user) -> ExpertAssignment | None:
    return next((a for a in batch.experts if a.expert_id == getattr(user, "id", None)), None)


def declared_free(assignment: ExpertAssignment, application: Application) -> bool:
    """The expert declared no conflict of interest for ``application`` itself (issue 22: per
    application; one added to the batch after his declaration awaits his declaration for it)."""
    return db.session.scalar(select(ConflictDeclaration.id).where(
        ConflictDeclaration.assignment_id == assignment.id, ConflictDeclaration.application_id == application.id,
        ConflictDeclaration.conflict.is_(False))) is not None


# What the eligibility checklist (below review) asks of the experts of a batch.
def hides_applicant(batch: Batch, user) -> bool:
    """Whether ``user``'s pages of ``batch`` hide who applied: an expert's (the role he holds in the
    batch's jurisdiction), in a blind batch (issue 22; core.review.blind sets it)."""
    return bool(batch.blind) and role_in(user, batch.jurisdiction) == roles.EXPERT


checklist.register_expert_panel(checklist.ExpertPanel(
    review_ended=expert_review_ended, awaited=able_experts, assignment_of=assignment_of,
    declared_free=declared_free, hides_applicant=hides_applicant))
