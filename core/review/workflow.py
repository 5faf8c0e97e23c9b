"""The review workflow: one state machine for every jurisdiction, driven by the review
steps its plugin declares (``zc_review_steps``).

An application is ``draft`` until submitted; then it sits at one step after another
(``Application.current_step``) until it is recognised, returned for revision,
rejected or withdrawn.  :func:`act` is the only code that changes an application's
status or step: it checks who may do what (the step's role, within the actor's
jurisdiction scope as ``core.accounts.scoping`` decides), refuses anything else whatever the
request says, writes a ``ReviewRecord`` and an append-only audit event, and commits —
or raises :class:`WorkflowError` having written nothing.

Statuses: ``submitted`` (at the first step, untouched), ``in_review``, ``returned``,
``under_notice`` (公示), ``recognised``, ``rejected``, ``withdrawn``.

Two officers acting at once: ``Application.version`` is SQLAlchemy's optimistic
version column, so the second UPDATE matches no row; that, and a stale
``expected_version`` sent by a form, become :class:`StaleError`.

The other jobs live beside it: the steps of an application in :mod:`core.review.steps`,
a step nobody can act on in :mod:`core.review.attendance`, and what all three share
(``WorkflowError``, ``StaleError``, ``ACTIVE``) in :mod:`core.review.moves`.
"""
from __future__ import annotations

import functools
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from typing import Any, Callable

from sqlalchemy.orm.exc import StaleDataError

from core.accounts import roles
from core.accounts.scoping import role_in
from core.bureau import versions
from core.facts import fact_value
from core.intake import bans, calls
from core.platform import events
from core.platform import audit, clock, labels
from core.platform.extensions import db
from core.platform.models import Application, ReviewRecord
from core.review.attendance import MAX_SUBSTITUTE_REASON, substitute_refusal
from core.review.meetings import meeting_record, meeting_requirement
from core.review.moves import ACTIVE, StaleError, WorkflowError, state_of, visible
from core.review.steps import DECIDING_KINDS, decision_passed, last_decision_before, next_step, step_of, steps_of

__all__ = ["SYSTEM", "ACTIONS", "ACTION_LABELS", "STATUS_OF_ACTION", "allowed_actions", "refusal", "act", "edit_facts",
           "register_guard"]

APPLICANT_ACTIONS = ("submit", "withdraw", "resubmit")
ACTIONS = APPLICANT_ACTIONS + ("approve", "return", "reject", "conclude_expert_review", "publish",
                               "objection_upheld", "close_notice", "award")
# What the officer sees on buttons and in the timeline (Chinese: the bureau's words): the catalogue's.
ACTION_LABELS = labels.WORKFLOW_ACTION_WORDS
STATUS_OF_ACTION = {"withdraw": "withdrawn", "return": "returned", "reject": "rejected",
                    "publish": "under_notice", "award": "recognised"}
NEEDS_OPINION = ("return", "reject", "objection_upheld")


@dataclass(frozen=True)
class _System:
    """The actor of ``zhongchuang tick``: no user, no scope."""

    id: None = None
    role: str = "system"
    is_authenticated: bool = False

    def __str__(self) -> str:
        return "system"


SYSTEM = _System()


# --- guards registered from above -----------------------------------------------------
#
# The workflow knows the steps, not who was assigned to them: a module above it registers
# a guard for an action (core.review.experts: every expert awaited has scored before
# ``conclude_expert_review``), and :func:`refusal` asks the action's guards after its own
# checks.  core/review/__init__.py imports the registering modules, so importing the
# workflow loads them.  An action listed in GUARDED_ACTIONS with no guard registered is a
# programming error (LookupError), never a silent pass.

Guard = Callable[[Application], "str | None"]
GUARDED_ACTIONS = ("conclude_expert_review",)
_GUARDS: dict[str, list[Guard]] = {}


def register_guard(action: str, guard: Guard) -> Guard:
    """Ask ``guard(application)`` (a refusal in Chinese, or None) before ``action``."""
    if action not in ACTIONS:
        raise ValueError(f"unknown workflow action {action!r}")
    guards = _GUARDS.setdefault(action, [])
    key = (guard.__module__, guard.__qualname__)
    guards[:] = [g for g in guards if (g.__module__, g.__qualname__) != key] + [guard]  # a reload replaces
    return guard


def _guard_refusal(action: str, application: Application) -> str | None:
    guards = _GUARDS.get(action, [])
    if not guards and action in GUARDED_ACTIONS:
        raise LookupError(f"no guard registered for {action!r}: import core.review")
    return next((reason for reason in (g(application) for g in guards) if reason), None)


# --- who may do what ------------------------------------------------------------------


def refusal(application: Application, action: str, actor, *, today: date | None = None,
            detail: dict[str, Any] | None = None, substitute: bool = False) -> str | None:
    """Why ``actor`` may not do ``action`` now (Chinese), or None when allowed.
    Opinion and expected version are checked by :func:`act`, not here.  ``substitute``:
    an officer acting in the recommender's place (:func:`substitute_refusal`)."""
    return _refusal(application, action, actor, today=today, detail=detail, substitute=substitute,
                    seen=lambda: visible(application, actor))


def _refusal(application: Application, action: str, actor, *, today: date | None,
             detail: dict[str, Any] | None, substitute: bool, seen: Callable[[], bool]) -> str | None:
    """:func:`refusal`, the scope rule asked through ``seen`` (the database, when needed)."""
    today = today or clock.today()
    if action not in ACTIONS:
        return f"未知的办理操作 {action!r}"
    # The role held in the application's jurisdiction (issue 22: 昆明's officer is a recommender in 云南).
    role = actor.role if actor is SYSTEM else role_in(actor, application.jurisdiction)
    status = application.status
    if actor is SYSTEM:
        if action != "close_notice":
            return "系统任务只能结束期满的公示"
    elif role == roles.ADMIN:
        return "系统管理员不办理申报"
    elif not seen():
        return "无权办理该申报"
    if action in APPLICANT_ACTIONS:
        if role != roles.APPLICANT:
            return "只有申报单位本身可以提交、撤回或重新提交申报"
        return _applicant_refusal(application, action, today)
    if role == roles.APPLICANT:
        return "申报单位不能办理审核步骤"
    step = step_of(application)
    if step is None:
        return "该申报当前不在任何审核步骤"
    if action in ("approve", "return", "reject"):
        if status not in ACTIVE:
            from core.platform.labels import status_label  # words, not the stored code

            return f"该申报当前状态为{status_label(status)}，不能{ACTION_LABELS[action]}"
        if step.kind not in DECIDING_KINDS:
            return f"“{step.name}”步骤不能直接{ACTION_LABELS[action]}"
        if substitute:
            return substitute_refusal(application, actor)
        if role != step.role:
            return f"“{step.name}”由{roles.ROLE_LABELS.get(step.role, step.role)}办理"
        return None
    if action == "conclude_expert_review":
        if status not in ACTIVE or step.kind != "expert_review":
            return "该申报不在专家评审步骤"
        if role != roles.OFFICER:
            return "专家评审由业务经办人员组织和结束"
        return _guard_refusal(action, application)
    if action == "publish":
        if status not in ACTIVE or step.kind != "public_notice":
            return "该申报不在公示步骤"
        return None if role == roles.OFFICER else "公示由业务经办人员发布"
    if action in ("objection_upheld", "close_notice"):
        if status != "under_notice":
            return "该申报不在公示中"
        if actor is not SYSTEM and role != roles.OFFICER:
            return "公示由业务经办人员办理"
        if action == "objection_upheld" and not (detail or {}).get("reject") \
                and last_decision_before(steps_of(application), step.code) is None:
            return "公示前没有可退回的审定步骤"
        return None
    if action == "award":
        if status not in ACTIVE or step.kind != "award":
            return "该申报不在授予称号步骤"
        return None if role == roles.OFFICER else "称号由业务经办人员授予"
    return f"不能办理 {action}"


def _applicant_refusal(application: Application, action: str, today: date) -> str | None:
    status = application.status
    if action == "submit":
        if status != "draft":
            return "只有草稿可以提交"
        if versions.policy_in_force(application.jurisdiction, today) is None:
            return "今天没有有效的认定政策，暂不能提交申报"
        banned = bans.ban_refusal(application, today)  # issue 17: 2年内不得再次申报
        if banned:
            return banned
        return calls.submission_refusal(application, today)  # a call window, or all year round
    if action == "resubmit":
        return None if status == "returned" else "只有被退回修改的申报可以重新提交"
    if action == "withdraw":
        if status not in ("submitted", "in_review", "returned"):
            return f"该申报当前状态为 {status}，不能撤回"
        if decision_passed(application, steps_of(application)):
            return "审定之后不能撤回申报"
        return None
    return None


def allowed_actions(application: Application, user, today: date | None = None, *,
                    loaded_in_scope: bool = False) -> list[str]:
    """The actions to offer ``user`` as buttons now (each still re-checked by :func:`act`).
    Notice actions are offered on the notice pages, awards on the case page.
    ``loaded_in_scope``: the caller read ``application`` under ``user``'s scope in this
    request (``scoping.application_or_404``), so the scope is not asked again."""
    offered = [a for a in ACTIONS if a not in ("publish", "objection_upheld", "close_notice")]
    # the scope asked once, not once per button
    seen = (lambda: True) if loaded_in_scope else functools.cache(lambda: visible(application, user))
    return [a for a in offered
            if _refusal(application, a, user, today=today, detail=None, substitute=False, seen=seen) is None]


# --- the one way to move an application ---------------------------------------------------


def _target(application: Application, action: str, today: date, detail: dict[str, Any]) -> tuple[str, str | None]:
    """(status, current step) after ``action``."""
    steps = steps_of(application)
    first = steps[0].code if steps else None
    step = step_of(application)
    if action == "submit":  # the steps of the version in force on the day of submission
        steps = steps_of(application, versions.policy_in_force(application.jurisdiction, today))
        return "submitted", steps[0].code if steps else None
    if action == "resubmit":
        back = (step.return_to if step and step.return_to else application.current_step) or first
        return ("submitted" if back == first else "in_review"), back
    if action in ("approve", "conclude_expert_review", "close_notice"):
        following = next_step(application)
        if following is None:  # the plugin declares no award step: the title comes now
            return "recognised", None
        return "in_review", following.code
    if action == "objection_upheld":
        if detail.get("reject"):
            return "rejected", application.current_step
        return "in_review", last_decision_before(steps, application.current_step).code
    if action == "award":
        return "recognised", None
    return STATUS_OF_ACTION[action], application.current_step


@contextmanager
def _stale_as_refusal():
    """Another session moved the application first (its version check failed): nothing
    of this session is kept, and the user is told so (StaleError)."""
    try:
        yield
    except StaleDataError:
        db.session.rollback()
        raise StaleError() from None


def act(application: Application, action: str, actor, *, opinion: str | None = None,
        expected_version: int | None = None, expected_step: str | None = None, today: date | None = None,
        detail: dict[str, Any] | None = None, commit: bool = True,
        substitute_reason: str | None = None) -> ReviewRecord:
    """Do ``action`` on ``application`` as ``actor`` (see the module docstring).
    ``substitute_reason`` given (even empty): an officer acts in the recommender's
    place at a step nobody can act on (:func:`substitute_refusal`); the reason is
    required and recorded in the review record's audit event.

    Any query below may autoflush a change the caller (or this function) made to a row
    another session has meanwhile moved on: the whole body runs inside
    :func:`_stale_as_refusal`, so a double-clicked 提交申报 or a raced award is told
    "已被他人办理" (409) and never an HTTP 500 (issue 13)."""
    with _stale_as_refusal():
        return _act(application, action, actor, opinion=opinion, expected_version=expected_version,
                    expected_step=expected_step, today=today, detail=detail, commit=commit,
                    substitute_reason=substitute_reason)


def _act(application: Application, action: str, actor, *, opinion: str | None, expected_version: int | None,
         expected_step: str | None, today: date | None, detail: dict[str, Any] | None,
         commit: bool, substitute_reason: str | None) -> ReviewRecord:
    today = today or clock.today()
    detail = dict(detail or {})
    opinion = (opinion or "").strip() or None
    if expected_version is not None and int(expected_version) != application.version:
        raise StaleError()
    if expected_step is not None and (expected_step or None) != application.current_step:
        raise StaleError()
    substitute = substitute_reason is not None
    if substitute:
        if action not in ("approve", "return", "reject"):
            raise WorkflowError(action, "代为办理只能通过、退回修改或不予通过")
        reason_text = substitute_reason.strip()
        if not reason_text:
            raise WorkflowError("substitute_reason", "代为办理须填写代办理由")
        if len(reason_text) > MAX_SUBSTITUTE_REASON:
            raise WorkflowError("substitute_reason",
                                f"代办理由不能超过 {MAX_SUBSTITUTE_REASON} 字，实为 {len(reason_text)} 字")
        step_now = step_of(application)
        detail.update(in_place_of=step_now.role if step_now else None, substitute_reason=reason_text)
    reason = refusal(application, action, actor, today=today, detail=detail, substitute=substitute)
    if reason:
        raise WorkflowError(action, reason)
    step = step_of(application)
    if action in NEEDS_OPINION and not opinion:
        raise WorkflowError("opinion", f"{ACTION_LABELS[action]}须填写理由")
    if action == "approve" and step is not None and step.kind == "recommendation" and not opinion:
        raise WorkflowError("opinion", "推荐须填写推荐意见")
    if action == "approve":  # the one meeting rule (core.review.meetings)
        meeting, wrong = meeting_record(meeting_requirement(application.jurisdiction, step),
                                        detail.get("meeting_on"), detail.get("minutes_ref"), today)
        if wrong:
            raise WorkflowError(next(iter(wrong)), "；".join(wrong.values()))
        detail.update(meeting)
    if opinion and len(opinion) > 5000:  # our choice: a page of text
        raise WorkflowError("opinion", f"意见不能超过 5000 字，实为 {len(opinion)} 字")

    before = state_of(application)
    status, current = _target(application, action, today, detail)
    if action == "submit":
        # Both looked up before the application is changed: no autoflush of a half-made change.
        policy = versions.policy_in_force(application.jurisdiction, today)
        call = calls.open_call(application.jurisdiction, application.category, today)
        application.submitted_on = today
        application.policy_document = policy.document
        application.call_id = call.id if call is not None else None  # the call it answers (第八条)
    application.status = status
    application.current_step = current
    record = ReviewRecord(application_id=application.id, step=step.code if step else (current or "-"),
                          action=action, opinion=opinion, actor_id=getattr(actor, "id", None))
    db.session.add(record)
    db.session.flush()
    audit.record(f"workflow.{action}", application, actor=None if actor is SYSTEM else actor,
                 from_state=before, to_state=state_of(application), opinion=opinion,
                 step=step.code if step else None, step_name=step.name if step else None,
                 citation=str(step.citation) if step else None, review_record=record.id, **detail)
    # "application.submit", "application.return", …: the inbox, mail and the PDF rendered at
    # submission react (core.platform.events; the vocabulary is core.notify.routes).
    events.emit(f"application.{action}", application, actor=None if actor is SYSTEM else actor,
                step=step.code if step else None, step_name=step.name if step else None,
                from_state=before, to_state=state_of(application), status=application.status,
                next_step=application.current_step)
    if commit:
        db.session.commit()
    return record


def edit_facts(application: Application, facts: dict[str, Any], actor, *, form_data: dict | None = None,
               commit: bool = True) -> list[str]:
    """Replace the facts (and form fields) of an application as its applicant, and return
    the keys that changed.  A draft is edited freely; after submission only a returned
    application may be, and each such edit is an audit event naming the keys changed
    with their old and new values — the bureau sees what was revised."""
    if getattr(actor, "role", None) != roles.APPLICANT or not visible(application, actor):
        raise WorkflowError("facts", "只有申报单位本身可以修改申报内容")
    if application.status not in ("draft", "returned"):
        raise WorkflowError("facts", "已提交的申报不能修改；被退回修改时才可修改后重新提交")
    old = dict(application.facts or {})
    changed = sorted(k for k in set(old) | set(facts) if fact_value(old, k) != fact_value(facts, k))
    application.facts = dict(facts)
    if form_data is not None:
        application.form_data = dict(form_data)
    if application.status != "draft" and changed:
        audit.record("application.facts_edited", application, actor=actor, from_state=state_of(application),
                     to_state=state_of(application),
                     changes={k: {"old": old.get(k), "new": facts.get(k)} for k in changed})
    if commit:
        with _stale_as_refusal():
            db.session.commit()
    return changed
