"""The criteria checklist of one application, and the experts' judgements on it.

``compute`` judges the application's facts (``Application.facts``, CONTRACTS §1)
under the policy version in force on its submission date — today for a draft — with
``core.eligibility.engine``: every criterion with its result, message and citation, the
verdict, and the manual judgements recorded on it.  Facts that do not parse are
reported (the ``FactsError``, in Chinese), never a crash.

**One judgement per judge.**  Each officer and each expert has his own judgement per
criterion: his later record replaces his earlier one, never another judge's.  Who sees
which (``visible_judges``): officers, leaders and the admin see every judgement side by
side; an expert sees only his own until the expert review ends
(the expert panel's ``review_ended``), then all; a recommender sees none.  An expert records
only while the review of his batch is open and after declaring no conflict of interest
(``judging_refusal``), so he cannot revise his judgement once he sees the others'.

**Findings.**  A criterion's finding (``Row.finding``) is given only to a viewer who
sees every judgement, so it reveals nothing hidden: it is settled when every expert awaited
(the expert panel's ``awaited`` of the application's batch) has judged — or, before any
expert is assigned, when an officer has — and is the judges' common result when they
all agree, ``SPLIT`` (意见不一, shown side by side) when they do not.

A criterion the text states 原则上 (``Criterion.as_a_rule``: 弥勒's 200㎡, 昆明's 300㎡)
stays automatic, but when it fails the experts may record an exception
(例外（原则上条款）) with a reason; the checklist's ``verdict`` counts it once settled as
above (every expert awaited recorded it, or the officer before experts are assigned), while
``automatic_verdict`` keeps what ``zhongchuang evaluate`` answers (it has no experts).

``record_judgements`` stores what an officer or expert decided on manual criteria (and
the exceptions) as one ``ReviewRecord`` (step ``criteria``, action ``manual_judgement``) with an audit
event, in one transaction.  Which roles record is the web layer's decision
(``core.eligibility.admin_checklist``); this module checks what is recorded and, for an expert,
when (``judging_refusal``).  The findings decide nothing by themselves: the
leader decides at his step — but a viewer who sees every judgement sees the
``verdict`` follow the settled findings (``_fold_findings``): all 符合 → ``ELIGIBLE``,
one 不符合 → ineligible; ``automatic_verdict`` stays what ``zhongchuang evaluate`` says.

**The expert panel.**  Batches and experts belong to review, above eligibility: review
registers what the checklist asks of them (:func:`register_expert_panel`, done by
``core.review.batches`` at import; importing ``core.review`` loads it).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, Callable

from sqlalchemy import select

from core.platform import audit

from core.eligibility import engine as eligibility

from core.accounts import roles

from core.bureau import bureau_criteria, versions
from core.bureau import data as bureau_data
from core.platform.errors import Refused
from core.platform.extensions import db
from core.facts import FactsError, parse_facts
from core.platform.models import Application, ReviewRecord, User
from core.policy import Citation, PolicyVersion
from core.accounts.scoping import AUDIT_ROLES, role_in

__all__ = ["ExpertPanel", "register_expert_panel", "hides_applicant", "STEP", "ACTION", "RESULTS", "EXCEPTION", "SPLIT", "ELIGIBLE", "MAX_NOTE", "JudgementError", "Judgement", "Row",
           "Checklist", "compute", "judgements_by_judge", "visible_judges", "judging_refusal", "record_judgements"]

STEP = "criteria"
ACTION = "manual_judgement"
RESULTS = ("pass", "fail")
EXCEPTION = "exception"  # 例外（原则上条款）: only on a failed criterion stated 原则上
SPLIT = "split"  # a finding: the judges do not agree (意见不一)
ELIGIBLE = "eligible"  # a verdict: every automatic criterion met, every manual one found met
MAX_NOTE = 2000  # our choice: long enough for an expert's paragraph


@dataclass(frozen=True)
class ExpertPanel:
    """What the checklist asks of the expert review (registered by core.review.batches)."""

    review_ended: Callable[[Application], bool]  # each expert may now see every judgement
    awaited: Callable[[Any], list]  # a batch's expert assignments without a conflict of interest
    assignment_of: Callable[[Any, Any], Any]  # (batch, user) → his ExpertAssignment, or None
    # (assignment, application) → he declared no conflict for that application (issue 22)
    declared_free: Callable[[Any, Application], bool] = lambda assignment, application: True
    # (batch, user) → the user's pages of the batch hide who applied (a blind batch's expert, issue 22)
    hides_applicant: Callable[[Any, Any], bool] = lambda batch, user: False


_panel: ExpertPanel | None = None


def hides_applicant(application: Application, user) -> bool:
    """Whether ``user``'s checklist of ``application`` names no applicant (its batch is blind to him)."""
    return application.batch is not None and _panel is not None and _panel.hides_applicant(application.batch, user)


def register_expert_panel(panel: ExpertPanel) -> None:
    global _panel
    _panel = panel


def _experts() -> ExpertPanel:
    if _panel is None:
        raise LookupError("no expert panel registered: import core.review")
    return _panel


class JudgementError(Refused):
    """A judgement refused: ``key`` names the field (``result-<criterion id>`` …),
    ``message`` says why in Chinese."""


@dataclass(frozen=True)
class Judgement:
    result: str  # pass | fail | exception
    note: str
    actor_id: int | None
    actor_name: str
    actor_role: str | None
    at: datetime


@dataclass
class Row:
    id: str
    title: str
    kind: str  # auto | manual
    citation: Citation
    is_bureau: bool
    result: str | None = None  # pass | fail | manual; None when the facts do not parse
    message: str = ""
    judgements: list[Judgement] = field(default_factory=list)  # those the viewer sees, one per judge
    awaiting: list[str] = field(default_factory=list)  # experts yet to judge (shown to those who see all)
    finding: str | None = None  # pass | fail | exception | split once settled (module docstring)
    as_a_rule: bool = False  # the text says 原则上: an exception may be recorded when it fails

    @property
    def may_take_exception(self) -> bool:
        return self.as_a_rule and self.kind == "auto" and self.result == "fail"

    @property
    def excepted(self) -> bool:
        return self.may_take_exception and self.finding == EXCEPTION


@dataclass
class Checklist:
    application: Application
    as_of: date
    policy: PolicyVersion | None  # the version applied; None when none is in force
    nearest: PolicyVersion | None = None  # named when none is in force
    is_bureau_version: bool = False
    verdict: str | None = None  # with the experts' exceptions (原则上) counted
    automatic_verdict: str | None = None  # as zhongchuang evaluate answers
    rows: list[Row] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    facts_error: FactsError | None = None
    error: str | None = None  # an evaluation the engine refused (category unknown…)
    sees_all: bool = True  # False: the viewer sees only his own judgements, or none
    verdict_by_judges: bool = False  # the verdict follows the judges' findings (_fold_findings)

    @property
    def manual_rows(self) -> list[Row]:
        return [r for r in self.rows if r.kind == "manual"]

    @property
    def exception_rows(self) -> list[Row]:
        """The failed criteria stated 原则上, on which an exception may be recorded."""
        return [r for r in self.rows if r.may_take_exception]


def as_of_date(application: Application, today: date) -> date:
    """The day whose policy applies: the submission date, or today for a draft."""
    return application.submitted_on or today


def judgements_by_judge(application_id: int) -> dict[str, dict[int | None, Judgement]]:
    """criterion id → {judge's user id → his latest judgement on it}: a judge's later
    record replaces only his own earlier judgement, never another judge's."""
    rows = db.session.execute(
        select(ReviewRecord, User.name, User.role).outerjoin(User, User.id == ReviewRecord.actor_id)
        .where(ReviewRecord.application_id == application_id, ReviewRecord.step == STEP,
               ReviewRecord.action == ACTION)
        .order_by(ReviewRecord.created_at, ReviewRecord.id)
    ).all()
    found: dict[str, dict[int | None, Judgement]] = {}
    for record, name, role in rows:
        for cid, j in (record.judgements or {}).items():
            found.setdefault(cid, {})[record.actor_id] = Judgement(
                j.get("result", ""), j.get("note") or "", record.actor_id, name or "system", role, record.created_at)
    return found


def visible_judges(application: Application, viewer) -> set[int] | None:
    """Whose judgements ``viewer`` sees: None for everyone's (officers, leaders, the
    admin; an expert once the expert review has ended), else the set of judges — an
    expert's own during the review, nobody's for a recommender."""
    role = role_in(viewer, application.jurisdiction)  # the role held there (issue 22)
    if role in AUDIT_ROLES:
        return None
    if role == roles.EXPERT:
        return None if _experts().review_ended(application) else {viewer.id}
    return set()


def _finding(judgements: list[Judgement], awaiting: list[str], expected_experts: bool) -> str | None:
    """The common result of ``judgements`` once every judge awaited has judged:
    every expert awaited when experts are assigned, else any officer."""
    if not judgements or awaiting:
        return None
    if not expected_experts and not any(j.actor_role == roles.OFFICER for j in judgements):
        return None
    results = {j.result for j in judgements}
    return results.pop() if len(results) == 1 else SPLIT


def _judge_rows(rows: list[Row], application: Application, viewer) -> bool:
    """Fill each manual and 原则上 row's judgements, awaited experts and finding with
    what ``viewer`` may see; True when he sees everyone's."""
    judges = visible_judges(application, viewer)
    by_criterion = judgements_by_judge(application.id)
    able = _experts().awaited(application.batch) if application.batch is not None else []
    for row in rows:
        if row.kind != "manual" and not row.as_a_rule:
            continue
        mine = by_criterion.get(row.id, {})
        row.judgements = sorted((j for actor, j in mine.items() if judges is None or actor in judges),
                                key=lambda j: j.at)
        if judges is None:
            row.awaiting = [a.expert.name for a in able if a.expert_id not in mine]
            row.finding = _finding(row.judgements, row.awaiting, bool(able))
    return judges is None


def compute(application: Application, today: date, *, viewer) -> Checklist:
    """The checklist of ``application`` as ``viewer`` may see it (see the module docstring)."""
    code, category = application.jurisdiction, application.category
    as_of = as_of_date(application, today)
    checklist = Checklist(application, as_of, None)
    try:
        eligibility.check_jurisdiction(code)
    except eligibility.EvaluationError as exc:
        checklist.error = exc.message
        return checklist
    data = bureau_data.load_bureau_data(code)
    policy = versions.policy_in_force(code, as_of, data)
    checklist.policy = policy
    if policy is None:
        checklist.nearest = versions.nearest_policy(code, as_of, data)
        checklist.verdict = eligibility.NO_POLICY
        return checklist
    checklist.is_bureau_version = any(v.document == policy.document for v in data.versions)
    if policy.category(category) is None:
        known = "、".join(f"{c.name}（{c.code}）" for c in policy.categories)
        checklist.error = f"{policy.document} 没有认定类别 {category}（可用：{known}）"
        return checklist
    criteria = bureau_criteria.criteria(code, category, policy, data)
    bureau_ids = {f"{code}.bureau.{r.code}" for r in data.criteria}
    checklist.rows = [Row(c.id, c.title, c.kind, c.citation, c.id in bureau_ids, as_a_rule=c.as_a_rule)
                      for c in criteria]
    checklist.sees_all = _judge_rows(checklist.rows, application, viewer)
    try:
        facts = parse_facts(application.facts or {})
    except FactsError as exc:
        checklist.facts_error = exc
        return checklist
    try:
        answer = eligibility.prepare(code, category, as_of, policy=policy, criteria=criteria,
                                     data=data).evaluate(facts)
    except eligibility.EvaluationError as exc:
        checklist.error = exc.message
        return checklist
    by_id = {r["id"]: r for r in answer["criteria"]}
    for row in checklist.rows:
        found = by_id.get(row.id)
        if found:
            row.result, row.message = found["result"], found["message"]
    checklist.verdict = checklist.automatic_verdict = answer["verdict"]
    failed = [r for r in checklist.rows if r.result == "fail"]
    if answer["verdict"] == eligibility.INELIGIBLE and failed and all(r.excepted for r in failed):
        checklist.verdict = eligibility.PENDING_REVIEW
    _fold_findings(checklist)
    checklist.warnings = list(answer.get("warnings", []))
    return checklist


def _fold_findings(checklist: Checklist) -> None:
    """The verdict follows the judges' settled findings on the manual criteria, for a
    viewer who sees every judgement (``sees_all``: nothing hidden is revealed): once
    every automatic criterion is met (or excepted) a manual criterion found 不符合 makes
    the application ineligible, and every manual criterion found 符合 makes it eligible.
    While a finding is awaited or split the verdict stays 待人工审核."""
    if not checklist.sees_all or checklist.verdict != eligibility.PENDING_REVIEW:
        return
    findings = [r.finding for r in checklist.manual_rows]
    if "fail" in findings:
        checklist.verdict, checklist.verdict_by_judges = eligibility.INELIGIBLE, True
    elif all(f == "pass" for f in findings):
        checklist.verdict, checklist.verdict_by_judges = ELIGIBLE, True


def judging_refusal(application: Application, actor) -> str | None:
    """Why ``actor``, an expert, may not record judgements on ``application`` now (in
    Chinese), or None.  As for his scores (``core.review.experts.score``): he must be an expert of
    its batch who declared no conflict of interest, while the batch's review is open
    — once it ends he sees the others' judgements and may no longer change his own."""
    if role_in(actor, application.jurisdiction) != roles.EXPERT:
        return None
    batch = application.batch
    assignment = _experts().assignment_of(batch, actor) if batch is not None else None
    if assignment is None:
        return "您不是该申报所在评审批次的评审专家"
    if assignment.conflict_declared_at:
        return "您已申明与本批次存在利益冲突，不能作出判断"
    if not assignment.no_conflict_declared_at:
        return "请先在评审批次页声明与本批次申报单位不存在利益冲突，再作出判断"
    if not _experts().declared_free(assignment, application):  # issue 22: declared for this application too
        return f"请先在评审批次页就申报 #{application.id} 声明是否存在利益冲突，再作出判断"
    if _experts().review_ended(application):
        return "该申报的专家评审已结束，不能再修改判断"
    return None


def record_judgements(application: Application, wanted: dict[str, dict[str, Any]], *, actor,
                      today: date) -> ReviewRecord:
    """Store ``{criterion id: {"result": "pass"|"fail"|"exception", "note": str}}`` for
    the manual criteria of ``application``'s checklist (and exceptions on its failed
    原则上 criteria), with an audit event, and commit.

    Refuses (``JudgementError``, nothing written) an empty request, a criterion that
    is not a manual criterion of the policy applied, a result other than pass/fail,
    a note over ``MAX_NOTE`` characters, and a "fail" without a note (the applicant
    is owed a reason); an exception on a criterion that is not stated 原则上, on one
    that did not fail, or without a reason; and an expert's judgement outside his open
    review (``judging_refusal``).  The judgements are ``actor``'s own: they replace his
    earlier ones on the same criteria and no one else's."""
    refusal = judging_refusal(application, actor)
    if refusal:
        raise JudgementError("criteria", refusal)
    checklist = compute(application, today, viewer=actor)
    manual = {r.id for r in checklist.manual_rows}
    rows = {r.id: r for r in checklist.rows}
    if not manual and not checklist.exception_rows:
        raise JudgementError("criteria", "该申报适用的政策没有需要人工判断的条件")
    if not wanted:
        raise JudgementError("criteria", "未选择任何条件的判断结果")
    clean: dict[str, dict[str, str]] = {}
    for cid, j in wanted.items():
        result = j.get("result")
        note = (j.get("note") or "").strip()
        row = rows.get(cid)
        if result == EXCEPTION:
            if row is None or not row.as_a_rule:
                raise JudgementError(f"result-{cid}", f"{cid} 不是“原则上”条款，不能记录例外")
            if not row.may_take_exception:
                raise JudgementError(f"result-{cid}", f"{row.title}：自动判断未显示不符合，无需记录例外")
            if not note:
                raise JudgementError(f"note-{cid}", f"{row.title}：记录“例外（原则上条款）”须填写理由")
            if len(note) > MAX_NOTE:
                raise JudgementError(f"note-{cid}", f"说明不能超过 {MAX_NOTE} 字，实为 {len(note)} 字")
            clean[cid] = {"result": EXCEPTION, "note": note}
            continue
        if cid not in manual:
            extra = "；“原则上”条款只能记录“例外（原则上条款）”及理由" if row is not None and row.as_a_rule else ""
            raise JudgementError(f"result-{cid}", f"{cid} 不是本申报适用政策的人工审核条件{extra}")
        if result not in RESULTS:
            raise JudgementError(f"result-{cid}", f"判断结果应为“符合”或“不符合”，实为 {result!r}")
        if len(note) > MAX_NOTE:
            raise JudgementError(f"note-{cid}", f"说明不能超过 {MAX_NOTE} 字，实为 {len(note)} 字")
        if result == "fail" and not note:
            raise JudgementError(f"note-{cid}", "判断为“不符合”时须填写说明")
        clean[cid] = {"result": result, "note": note}
    record = ReviewRecord(application_id=application.id, step=STEP, action=ACTION,
                          actor_id=getattr(actor, "id", None), judgements=clean)
    db.session.add(record)
    db.session.flush()
    audit.record("criteria.manual_judgement", application, actor=actor, review_record=record.id,
                 policy=checklist.policy.document if checklist.policy else None, judgements=clean)
    db.session.commit()
    return record
