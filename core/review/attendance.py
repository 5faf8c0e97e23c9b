"""A step nobody can act on: who acts at a step, who is able to now, why nobody is, and
what an officer may do then (assign the step, or act in the recommender's place).
"""
from __future__ import annotations

import functools
from types import SimpleNamespace
from typing import Any, NamedTuple

from sqlalchemy import and_, case, exists, func, not_, or_, select
from sqlalchemy.orm import defer, joinedload, lazyload

from core.accounts import roles
from core.accounts.scoping import application_criteria, held_prefix_column, held_role_column, role_in
from core.bureau.data import prefetch_bureau_data
from core.platform import audit
from core.platform.extensions import db
from core.platform.models import Application, Space, StepAssignment
from core.policy import ReviewStep
from core.review.moves import ACTIVE, WorkflowError, state_of, visible
from core.review.steps import DECIDING_KINDS, step_of

__all__ = ["MAX_SUBSTITUTE_REASON", "SHOWN_UNATTENDED", "Unattended", "acting_role", "able_users", "unattended",
           "unattended_applications",
           "substitute_refusal", "assignable_recommenders", "assign_step"]

# --- a step nobody can act on: warn, list, assign or act in the recommender's place ----------
#
# Issue 13: a 昆明 space in 530102 was submitted while the only recommender's area was
# 530112 — nobody could act and the officer saw no buttons.  :func:`unattended` says so
# (the applicant's page warns, the officer's dashboard lists it as 无人可办理); an officer of
# the jurisdiction either assigns the step to a named recommender (:func:`assign_step`, a
# ``StepAssignment`` that widens that recommender's scope to this application) or acts in
# the recommender's place with a recorded reason (``act(..., substitute_reason=...)``).

MAX_SUBSTITUTE_REASON = 2000  # our choice: as a judgement's note


def acting_role(step: ReviewStep) -> str:
    """Who acts at ``step``: its role where it decides, else the officer (who concludes
    the expert review, publishes the notice and awards the title)."""
    return step.role if step.kind in DECIDING_KINDS else roles.OFFICER


class Staff(NamedTuple):
    """A user holding the role in the jurisdiction, and the area he holds there (a recommender's
    region prefix, issue 22; None: the whole jurisdiction)."""

    user: Any
    prefix: str | None


def _covers(staff: Staff, application: Application, assigned: set[int]) -> bool:
    if staff.prefix:
        region = application.space.region if application.space is not None else ""
        return region.startswith(staff.prefix) or staff.user.id in assigned
    return True


def _staff_of(code: str, role: str) -> list[Staff]:
    from core.platform.models import User, UserScope

    # the role held in ``code`` and the area held there, read with the user in one statement (his
    # other scopes are not needed here, so not loaded)
    rows = db.session.execute(
        select(User, held_prefix_column()).join(UserScope, UserScope.user_id == User.id)
        .options(lazyload(User.scopes))
        .where(held_role_column() == role, User.active.is_(True), UserScope.jurisdiction == code)
        .order_by(User.name, User.id)
    ).all()
    return [Staff(user, prefix if role == roles.RECOMMENDER else None) for user, prefix in rows]


def _assigned_to(application: Application) -> set[int]:
    return set(db.session.scalars(select(StepAssignment.assignee_id)
                                  .where(StepAssignment.application_id == application.id)))


def able_users(application: Application, step: ReviewStep | None = None) -> list:
    """The active users who can act at the application's current step: the acting role,
    scoped to its jurisdiction, and — for a recommender with an area — whose area
    covers the space or to whom the step was assigned."""
    step = step or step_of(application)
    if step is None:
        return []
    role = acting_role(step)
    assigned = _assigned_to(application)
    return [s.user for s in _staff_of(application.jurisdiction, role) if _covers(s, application, assigned)]


def unattended(application: Application) -> str | None:
    """Why nobody can act on ``application`` now (Chinese), or None: it waits at a step
    and no active user can act there (:func:`able_users`)."""
    if application.status not in ACTIVE:
        return None
    step = step_of(application)
    if step is None:
        return None
    if able_users(application, step):
        return None
    region = application.space.region if application.space is not None else ""
    return _reason(acting_role(step), step, region)


#: how many of them the dashboard lists, oldest first (our choice; the count shows them all)
SHOWN_UNATTENDED = 50


class Unattended(NamedTuple):
    count: int
    oldest: list[tuple[Application, str]]  # (application, why), oldest first


def unattended_applications(user, limit: int | None = SHOWN_UNATTENDED) -> Unattended:
    """The applications ``user`` may see on which nobody can act, with the reason (the
    officer's dashboard lists them as 无人可办理): how many, and the ``limit`` oldest.

    Who can act depends on an application's step (jurisdiction, category, policy, current
    step), and for a recommender with an area on the space's region and the step's
    assignments; so the active applications are grouped by step in one statement, each
    step is judged once, and only a step whose recommenders all have areas asks the
    database which of its applications none of them covers.  Nothing is loaded whole but
    the applications listed (a province has tens of thousands active)."""
    staff_of = functools.cache(_staff_of)  # one read per jurisdiction and role, not one per step
    acting = {}  # group → (step, role)
    uncovered = []  # conditions on Application: the groups (or parts) nobody covers
    for group, step, same in step_groups(application_criteria(user)):
        jurisdiction = group[0]
        role = acting_role(step)
        acting[group] = (step, role)
        staff = staff_of(jurisdiction, role)
        if not staff:
            uncovered.append(same)
        elif role == roles.RECOMMENDER and all(s.prefix for s in staff):
            covered = or_(*(Space.region.startswith(s.prefix, autoescape=True) for s in staff),
                          exists().where(StepAssignment.application_id == Application.id,
                                         StepAssignment.assignee_id.in_([s.user.id for s in staff])))
            uncovered.append(and_(same, not_(covered)))
    if not uncovered:
        return Unattended(0, [])
    stuck = (select(Application.id).outerjoin(Space, Space.id == Application.space_id)
             .where(application_criteria(user), Application.status.in_(ACTIVE), or_(*uncovered)))
    count = db.session.scalar(select(func.count()).select_from(stuck.subquery()))
    shown = db.session.scalars(
        select(Application).options(defer(Application.facts), defer(Application.form_data),
                                    joinedload(Application.space).defer(Space.facts))
        .where(Application.id.in_(stuck)).order_by(Application.submitted_on, Application.id).limit(limit)
    ).all()
    oldest = []
    for a in shown:
        step, role = acting[(a.jurisdiction, a.category, a.policy_document,
                             a.submitted_on if a.policy_document is None else None, a.current_step, a.status)]
        oldest.append((a, _reason(role, step, a.space.region if a.space is not None else "")))
    return Unattended(count, oldest)


def _same(column, value):
    return column.is_(None) if value is None else column == value


def step_groups(*where) -> list[tuple[tuple, ReviewStep, Any]]:
    """The active applications matching ``where`` grouped by what fixes their step (jurisdiction,
    category, policy version, current step, status) in one statement: (the group, its step, the
    group's criterion on Application) for each group at a step — the step judged once per group,
    never once per application (the 无人可办理 list, the to-do lists, the reminders)."""
    version = case((Application.policy_document.is_(None), Application.submitted_on))
    groups = db.session.execute(
        select(Application.jurisdiction, Application.category, Application.policy_document, version,
               Application.current_step, Application.status)
        .where(Application.status.in_(ACTIVE), *where)
        .group_by(Application.jurisdiction, Application.category, Application.policy_document, version,
                  Application.current_step, Application.status)
    ).all()
    prefetch_bureau_data({g.jurisdiction for g in groups})  # their policies: three statements for all, not three each
    found = []
    for group in groups:
        jurisdiction, category, document, submitted_on, current_step, status = group
        step = step_of(SimpleNamespace(jurisdiction=jurisdiction, category=category, policy_document=document,
                                       submitted_on=submitted_on, current_step=current_step))
        if step is not None:
            found.append((tuple(group), step, and_(
                Application.jurisdiction == jurisdiction, Application.category == category,
                _same(Application.policy_document, document), _same(version, submitted_on),
                _same(Application.current_step, current_step), Application.status == status)))
    return found


def _reason(role: str, step: ReviewStep, region: str) -> str:
    label = roles.ROLE_LABELS.get(role, role)
    if role == roles.RECOMMENDER:
        return f"没有{label}账号的地区范围覆盖众创空间所在地区（{region}），“{step.name}”无人可以办理"
    return f"本辖区没有可用的{label}账号，“{step.name}”无人可以办理"


def _officer_of(application: Application, actor) -> str | None:
    if role_in(actor, application.jurisdiction) != roles.OFFICER:
        return "只有本辖区的业务经办人员可以指派或代为办理"
    if not visible(application, actor):
        return "无权办理该申报"
    return None


def substitute_refusal(application: Application, actor) -> str | None:
    """Why ``actor`` may not act in the recommender's place on ``application`` now, or
    None: an officer of its jurisdiction, at a recommender's step nobody can act on."""
    refused = _officer_of(application, actor)
    if refused:
        return refused
    step = step_of(application)
    if application.status not in ACTIVE or step is None or step.kind not in DECIDING_KINDS \
            or step.role != roles.RECOMMENDER:
        return "该申报当前不在推荐单位办理的步骤，不能代为办理"
    if unattended(application) is None:
        return f"已有{roles.ROLE_LABELS[roles.RECOMMENDER]}可以办理“{step.name}”，业务经办人员不能代为办理"
    return None


def assignable_recommenders(application: Application) -> list:
    """The recommenders an officer may assign the current step to: active, scoped to
    the application's jurisdiction, not already able to act on it."""
    able = {u.id for u in able_users(application)}
    return [s.user for s in _staff_of(application.jurisdiction, roles.RECOMMENDER) if s.user.id not in able]


def assign_step(application: Application, assignee_id: Any, actor, *, reason: str | None = None,
                commit: bool = True):
    """Assign the application's current recommender step to the recommender
    ``assignee_id`` (an officer of its jurisdiction, while nobody can act on it): a
    ``StepAssignment`` and an audit event, committed together, or WorkflowError and
    nothing written."""
    from core.platform.models import User

    refused = _officer_of(application, actor)
    if refused:
        raise WorkflowError("assignee", refused)
    step = step_of(application)
    if application.status not in ACTIVE or step is None or step.role != roles.RECOMMENDER \
            or step.kind not in DECIDING_KINDS:
        raise WorkflowError("assignee", "该申报当前不在推荐单位办理的步骤，无需指派")
    if unattended(application) is None:
        raise WorkflowError("assignee", f"已有{roles.ROLE_LABELS[roles.RECOMMENDER]}可以办理“{step.name}”，无需指派")
    try:
        user = db.session.get(User, int(assignee_id))
    except (TypeError, ValueError):
        user = None
    if user is None or user.id not in {u.id for u in assignable_recommenders(application)}:
        raise WorkflowError("assignee", "请选择本辖区在用的推荐单位账号")
    reason = (reason or "").strip() or None
    if reason and len(reason) > MAX_SUBSTITUTE_REASON:
        raise WorkflowError("assign_reason", f"说明不能超过 {MAX_SUBSTITUTE_REASON} 字，实为 {len(reason)} 字")
    assignment = StepAssignment(application_id=application.id, step=step.code, assignee_id=user.id,
                                assigned_by_id=getattr(actor, "id", None), reason=reason)
    db.session.add(assignment)
    db.session.flush()
    audit.record("workflow.step_assigned", application, actor=actor, from_state=state_of(application),
                 to_state=state_of(application), opinion=reason, step=step.code, step_name=step.name,
                 assignee=user.id, assignee_name=user.name, step_assignment=assignment.id)
    if commit:
        db.session.commit()
    return assignment
