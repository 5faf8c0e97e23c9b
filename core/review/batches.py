"""Intake, review batches, expert review and the leadership's decision.

**Intake.** A jurisdiction takes applications either in answer to a call of the
bureau (``PolicyVersion.intake == "call"``: 昆科发〔2017〕55号 第八条 "市科技局发布申报
通知") or all year round (弥政办发〔2017〕5号 附件1 第七条 "常年受理"). For a call
jurisdiction the workflow's ``submit`` asks :func:`submission_refusal`.

**Batches.** The officer groups applications that sit at an expert-review step into a
batch (第七条 "分批组织专家实地查验和集中评审"), assigns expert users to it, and
concludes the expert review of the whole batch once every expert without a conflict
of interest has scored every application.  The leader records the meeting's decision
for the batch's applications at a leader's decision step: the meeting's date and minutes
number are required where the policy names the meeting (弥勒 附件1 第七条 局务会) or the
bureau requires them (本局要求, ``workflow.meeting_requirement``), optional elsewhere.

**Scores.** No policy names review dimensions for recognition (昆科发〔2017〕55号
第十一条 and 弥政办发〔2017〕5号 第七条 say only 专家实地审核 / 实地查验和集中评审):
the score sheet is a bureau setting (``review_dimensions``) with our default.

Every operation here checks the actor, writes audit events and commits once, or
raises :class:`BatchError` having written nothing.  Applications move only through
``core.review.workflow.act``.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import select

from core.platform import audit

from core.accounts import roles

from core.accounts import scoping

from core.bureau import settings
from core.bureau.data import REVIEW_DIMENSIONS
from core.bureau.setting_checks import check_review_dimensions  # noqa: F401 - bureau's

from core.review import workflow
from core.platform.errors import Refused
from core.platform.extensions import db
from core.platform.models import Application, Batch, Call, ExpertAssignment, ReviewRecord, User, utcnow
from core.accounts.scoping import application_criteria, jurisdiction_criteria, role_of, visible_codes

SCORE = "score"


class BatchError(Refused):
    """A refused operation: ``key`` names the field, ``message`` says why in Chinese;
    ``errors`` maps each wrong field of a form to its message."""

    key_in_text = False

    def __init__(self, key: str, message: str, errors: dict[str, str] | None = None) -> None:
        super().__init__(key, message)
        self.errors = errors or {}


# --- intake ---------------------------------------------------------------------------


def open_call(code: str, category: str, day: date) -> Call | None:
    """The call of ``code`` open on ``day`` (both end days included) for ``category``."""
    calls = db.session.scalars(
        select(Call).where(Call.jurisdiction == code, Call.opens_on <= day, Call.closes_on >= day)
        .order_by(Call.opens_on, Call.id)
    ).all()
    return next((c for c in calls if category in (c.categories or [])), None)


def submission_refusal(application: Application, day: date) -> str | None:
    """Why ``application`` may not be submitted on ``day`` for want of an open call."""
    policy = settings.policy_in_force(application.jurisdiction, day)
    if policy is None or policy.intake != "call":
        return None
    if open_call(application.jurisdiction, application.category, day) is not None:
        return None
    category = policy.category(application.category)
    name = category.name if category else application.category
    source = f"（{policy.intake_citation}）" if policy.intake_citation else ""
    return (f"本辖区按申报通知受理申报{source}：{day.isoformat()} 没有受理“{name}”申报的通知，"
            f"请在申报通知规定的受理期内提交")


def check_call(code: str, opens_on: date | None, closes_on: date | None, categories: list[str]) -> None:
    """The dates and categories of a call, checked before it is saved."""
    if opens_on is None:
        raise BatchError("opens_on", "请填写受理开始日期")
    if closes_on is None:
        raise BatchError("closes_on", "请填写受理截止日期")
    if closes_on < opens_on:
        raise BatchError("closes_on", f"受理截止日期 {closes_on} 早于开始日期 {opens_on}")
    known = {c.code for v in settings.policies(code) for c in v.categories}
    if not categories:
        raise BatchError("categories", "请至少选择一个受理的类别")
    unknown = [c for c in categories if c not in known]
    if unknown:
        raise BatchError("categories", f"本辖区政策没有这些类别：{'、'.join(unknown)}")


# --- the score sheet ----------------------------------------------------------------------


@dataclass(frozen=True)
class Dimension:
    name: str
    max: float = 100


# Our default score sheet (our choice, not policy): the themes of the recognition
# conditions (场地、团队、服务、孵化成效), weighted to a total of 100.
DEFAULT_DIMENSIONS = (
    Dimension("场地与设施", 20),
    Dimension("运营管理团队", 20),
    Dimension("创业服务能力", 30),
    Dimension("孵化成效", 30),
)


def review_dimensions(code: str) -> tuple[list[Dimension], bool]:
    """The score sheet of ``code`` and whether it is the bureau's (False: our default)."""
    setting = settings.bureau_setting(code, REVIEW_DIMENSIONS)
    if setting is None or not setting.value:
        return list(DEFAULT_DIMENSIONS), False
    sheet = [Dimension(i.strip(), 100) if isinstance(i, str) else Dimension(i["name"].strip(), i.get("max", 100))
             for i in setting.value]
    return sheet, True


def parse_scores(sheet: list[Dimension], typed: dict[str, str]) -> tuple[dict[str, float], dict[str, str]]:
    """What an expert typed → ({dimension: number}, {dimension: Chinese error})."""
    scores, errors = {}, {}
    for dim in sheet:
        raw = (typed.get(dim.name) or "").strip()
        if not raw:
            errors[dim.name] = f"请填写“{dim.name}”的得分"
            continue
        try:
            number = float(raw)
        except ValueError:
            errors[dim.name] = f"“{dim.name}”的得分应为数字，实为“{raw}”"
            continue
        if not math.isfinite(number) or not 0 <= number <= dim.max:
            errors[dim.name] = f"“{dim.name}”的得分应在 0 至 {dim.max:g} 之间，实为 {raw}"
            continue
        scores[dim.name] = int(number) if number.is_integer() else round(number, 2)
    return scores, errors


# --- batches ------------------------------------------------------------------------------


def visible_batches(user):
    """Batches ``user`` may open: an expert only those he is assigned to."""
    query = select(Batch).where(jurisdiction_criteria(user, Batch.jurisdiction))
    if role_of(user) == roles.EXPERT:
        query = query.where(Batch.id.in_(select(ExpertAssignment.batch_id).where(ExpertAssignment.expert_id == user.id)))
    return query


def visible_batch(batch_id: int, user) -> Batch | None:
    return db.session.scalars(visible_batches(user).where(Batch.id == batch_id)).one_or_none()


def _require(user, *allowed: str) -> None:
    if role_of(user) not in allowed:
        raise BatchError("role", f"该操作由{'、'.join(str(roles.ROLE_LABELS[r]) for r in allowed)}办理")


def create_batch(code: str, name: str, actor) -> Batch:
    _require(actor, roles.OFFICER)
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
    step = workflow.step_of(application)
    return step is not None and step.kind == "expert_review" and application.status in workflow.ACTIVE


def expert_step_code(application: Application) -> str | None:
    """The code of the plugin's expert-review step for ``application`` (the scores stay
    readable after the application has moved on)."""
    return next((s.code for s in workflow.steps_of(application) if s.kind == "expert_review"), None)


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
                                  Application.status.in_(workflow.ACTIVE)).order_by(Application.id)
    ).all()
    return [a for a in found if is_expert_step(a)]


def _visible_application(application_id: Any, user) -> Application:
    try:
        key = int(application_id)
    except (TypeError, ValueError):
        raise BatchError("application", "请选择申报") from None
    found = scoping.visible_application(key, user)
    if found is None:
        raise BatchError("application", f"没有可办理的申报 #{key}")
    return found


def add_application(batch: Batch, application_id: Any, actor) -> Application:
    _require(actor, roles.OFFICER)
    application = _visible_application(application_id, actor)
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
    _require(actor, roles.OFFICER)
    application = _visible_application(application_id, actor)
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
    assigned = {a.expert_id for a in batch.experts}
    experts = db.session.scalars(select(User).where(User.role == roles.EXPERT, User.active.is_(True))
                                 .order_by(User.name)).all()
    return [u for u in experts if batch.jurisdiction in u.jurisdiction_codes and u.id not in assigned]


def assign_expert(batch: Batch, expert_id: Any, actor) -> ExpertAssignment:
    _require(actor, roles.OFFICER)
    try:
        expert = db.session.get(User, int(expert_id))
    except (TypeError, ValueError):
        expert = None
    if expert is None or expert.role != roles.EXPERT or not expert.active \
            or batch.jurisdiction not in expert.jurisdiction_codes:
        raise BatchError("expert", "请选择本辖区的评审专家")
    if any(a.expert_id == expert.id for a in batch.experts):
        raise BatchError("expert", f"{expert.name} 已是本批次的评审专家")
    if batch.status != "open":
        raise BatchError("expert", "该批次的专家评审已结束，不能再指派专家")
    assignment = ExpertAssignment(batch=batch, expert_id=expert.id, assigned_by_id=actor.id)
    db.session.add(assignment)
    db.session.flush()
    audit.record("batch.expert_assigned", batch, actor=actor, expert=expert.id, expert_name=expert.name)
    db.session.commit()
    return assignment


def assignment_of(batch: Batch, user) -> ExpertAssignment | None:
    return next((a for a in batch.experts if a.expert_id == getattr(user, "id", None)), None)


def declare(batch: Batch, actor, *, conflict: bool, note: str | None = None) -> ExpertAssignment:
    """The expert's declaration: no conflict of interest (he may then score), or a
    conflict (he may not; the officer sees it).  Made once."""
    _require(actor, roles.EXPERT)
    assignment = assignment_of(batch, actor)
    if assignment is None:
        raise BatchError("batch", "您不是本批次的评审专家")
    if assignment.no_conflict_declared_at or assignment.conflict_declared_at:
        raise BatchError("declaration", "您已就本批次作出声明")
    note = (note or "").strip() or None
    if conflict:
        if not note:
            raise BatchError("note", "申明利益冲突须说明情况")
        assignment.conflict_declared_at = utcnow()
        assignment.conflict_note = note[:2000]
    else:
        assignment.no_conflict_declared_at = utcnow()
    audit.record("expert.conflict_declared" if conflict else "expert.no_conflict_declared", batch, actor=actor,
                 opinion=note)
    db.session.commit()
    return assignment


def score(batch: Batch, application_id: Any, actor, typed: dict[str, str], notes: str | None) -> ReviewRecord:
    """An expert's score sheet for one application of his batch: raises BatchError with
    ``errors`` (dimension → message) when any dimension is wrong."""
    _require(actor, roles.EXPERT)
    assignment = assignment_of(batch, actor)
    if assignment is None:
        raise BatchError("batch", "您不是本批次的评审专家")
    application = _visible_application(application_id, actor)
    if application.batch_id != batch.id:
        raise BatchError("application", "该申报不在本批次中")
    if assignment.conflict_declared_at:
        raise BatchError("declaration", "您已申明与本批次存在利益冲突，不能评分")
    if not assignment.no_conflict_declared_at:
        raise BatchError("declaration", "请先声明与本批次申报单位不存在利益冲突，再评分")
    if not is_expert_step(application):
        raise BatchError("application", "该申报不在专家评审步骤，不能评分")
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
    _require(actor, roles.OFFICER)
    pending = [a for a in sorted(batch.applications, key=lambda a: a.id) if is_expert_step(a)]
    if not pending:
        raise BatchError("batch", "本批次没有处于专家评审步骤的申报")
    try:
        for application in pending:
            try:
                workflow.act(application, "conclude_expert_review", actor, today=today, commit=False,
                             detail={"batch": batch.id})
            except workflow.WorkflowError as exc:
                raise BatchError("batch", f"申报 #{application.id}：{exc.message}；本批次均未结束评审") from None
        batch.status = "concluded"
        audit.record("batch.expert_review_concluded", batch, actor=actor, from_state="open", to_state="concluded",
                     applications=[a.id for a in pending])
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise
    return pending


# --- the leadership's decision ----------------------------------------------------------------


DECISIONS = ("approve", "return", "reject")


def awaiting_decision(batch: Batch) -> list[Application]:
    """The batch's applications at a decision step that the leader decides."""
    found = []
    for application in sorted(batch.applications, key=lambda a: a.id):
        step = workflow.step_of(application)
        if application.status in workflow.ACTIVE and step is not None and step.kind == "decision" \
                and step.role == roles.LEADER:
            found.append(application)
    return found


def meeting_requirement(batch: Batch):
    """The policy's article or 本局要求 demanding the meeting record of the batch's
    decision (``workflow.meeting_requirement``), None when nothing demands it."""
    for application in awaiting_decision(batch):
        required = workflow.meeting_requirement(batch.jurisdiction, workflow.step_of(application))
        if required is not None:
            return required
    return None


def decide(batch: Batch, actor, *, meeting_on: str | None, minutes_ref: str | None,
           choices: dict[int, tuple[str, str]], today: date | None = None) -> list[Application]:
    """Record the meeting's decision for the batch: ``choices`` maps each application id
    awaiting the decision to (approve | return | reject, opinion).  Raises BatchError
    with ``errors`` ({field: message}) and writes nothing when anything is wrong."""
    _require(actor, roles.LEADER)
    today = today or date.today()
    pending = awaiting_decision(batch)
    errors: dict[str, str] = {}
    required = meeting_requirement(batch)
    meeting = None
    meeting_on, minutes_ref = (meeting_on or "").strip(), (minutes_ref or "").strip()
    if meeting_on or required is not None:
        try:
            meeting = date.fromisoformat(meeting_on)
            if meeting > today:
                errors["meeting_on"] = f"会议日期 {meeting} 晚于今天"
        except ValueError:
            errors["meeting_on"] = "请按 YYYY-MM-DD 填写会议日期"
    if not minutes_ref and required is not None:
        errors["minutes_ref"] = f"请填写会议纪要编号（依据：{required}）"
    elif len(minutes_ref) > 200:
        errors["minutes_ref"] = "会议纪要编号不能超过 200 字"
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
    detail = {k: v for k, v in (("meeting_on", meeting.isoformat() if meeting else None),
                                 ("minutes_ref", minutes_ref)) if v}
    try:
        for application in pending:
            action, opinion = choices[application.id]
            try:
                workflow.act(application, action, actor, opinion=opinion, today=today, commit=False,
                             detail={**detail, "batch": batch.id})
            except workflow.WorkflowError as exc:
                raise BatchError(f"decision-{application.id}",
                                 f"申报 #{application.id}：{exc.message}；本批次审定均未保存") from None
        actions = {choices[a.id][0] for a in pending}
        batch.decision = actions.pop() if len(actions) == 1 else "mixed"
        batch.decided_on = meeting or today
        batch.minutes_ref = minutes_ref or None
        batch.decided_by_id = actor.id
        batch.status = "decided"
        audit.record("batch.decided", batch, actor=actor, from_state="concluded", to_state="decided",
                     decisions={str(a.id): choices[a.id][0] for a in pending}, **detail)
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise
    return pending
