"""限期整改: ordered by an officer, reported by the space, judged by the officer.

Grounds (``core.monitoring.grounds``): ``assessment`` — an unqualified annual assessment, where the
document orders rectification for it (弥政办发〔2017〕5号 第十五条 “对考核不合格的众创空间，限期整改”; 昆科发〔2017〕55号
第十八条 “考核不合格的提出限期整改”); ``cannot_operate`` — a finding that the space cannot operate
(云科规〔2021〕1号 认定与管理 “动态考核评价”: 经营出现问题…经限期一年整改).

The deadline: the policy's parameter ``rectification_years`` where the version declares it (云南 1 year),
counted as 民法典 第201、202条 count months (``core.workdays.add_months``: 2026-02-28 + 1 year → 2027-02-28;
2024-02-29 → 2025-02-28); else the bureau's setting ``rectification_months`` (本局设定, not policy), else the
officer enters it and the page says no period is set.

States: ordered → reported → passed | failed.  The space may file a statement (陈述申辩) before the
judgement.  The officer judges a reported rectification, or one whose deadline passed unreported.
While one runs the title's status is ``rectification``; passed puts it back to ``active`` (unless
another runs); **failed leaves it ``rectification``** until the leader revokes the title or a new
order follows (our choice: a failed rectification is a ground for revocation — 昆明 第十八条, 云南
动态考核评价 — not a return to good standing).
"""
from __future__ import annotations

from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm.exc import StaleDataError

from core.accounts import roles
from core.accounts.scoping import codes_as, role_of
from core.bureau import data as bureau_data
from core.bureau import versions as policy_versions
from core.bureau.setting_checks import out_of_bound
from core.monitoring import grounds
from core.monitoring.findings import cite
from core.monitoring.title_scope import criteria, is_officer_of
from core.monitoring.titles import LIVE
from core.platform import audit, clock, events, uploads
from core.platform.errors import Refused
from core.platform.extensions import db
from core.platform.labels import RECTIFICATION_GROUND_LABELS
from core.platform.models import Assessment, Finding, Recognition, Rectification, Space
from core.workdays import add_months

__all__ = ["GROUNDS", "RUNNING", "RectificationRefused", "Period", "period_for", "order", "file_report",
           "file_statement", "judge", "allowed_actions", "listing", "running", "history", "is_late",
           "unqualified_assessments", "operating_findings", "orderable_titles", "may_judge", "LISTS"]

GROUNDS = tuple(RECTIFICATION_GROUND_LABELS)
RUNNING = ("ordered", "reported")
RESULTS = ("passed", "failed")
MAX_TEXT = 2000
YEARS = "rectification_years"
MONTHS = bureau_data.RECTIFICATION_MONTHS


class RectificationRefused(Refused):
    key_in_text = False


@dataclass(frozen=True)
class Period:
    """The rectification period of a jurisdiction on a day: ``months`` (None: none set),
    ``source`` "policy" (cited), "bureau" (本局设定) or "none"."""

    months: int | None
    source: str
    citation: dict | None

    def deadline(self, ordered_on: date) -> date | None:
        return add_months(ordered_on, self.months) if self.months else None

    def text(self) -> str:
        if self.source == "policy":
            return f"整改期限 {self.months // 12} 年（{cite(self.citation)}）" if self.months % 12 == 0 \
                else f"整改期限 {self.months} 个月（{cite(self.citation)}）"
        if self.source == "bureau":
            return f"整改期限 {self.months} 个月（本局设定，非政策规定）"
        return "政策未规定整改期限，本局亦未设定：请填写整改期限"


def period_for(code: str, day: date) -> Period:
    """``rectification_years`` of the version in force on ``day`` where it
    declares one, else the bureau's ``rectification_months``, else none."""
    policy = grounds.policy_on(code, day)
    declared = next((p for p in policy.parameters if p.key == YEARS), None) if policy else None
    if declared is not None:
        years = policy_versions.parameters(code, policy).get(YEARS)
        if isinstance(years, int) and years > 0:
            return Period(12 * years, "policy", declared.citation.to_dict() if declared.citation else None)
    setting = bureau_data.bureau_setting(code, MONTHS)
    if setting is not None and isinstance(setting.value, int) and out_of_bound(code, MONTHS, setting.value) is None:
        return Period(setting.value, "bureau", setting.source())
    return Period(None, "none", None)


def is_late(rect: Rectification) -> bool:
    return rect.reported_on is not None and rect.reported_on > rect.deadline


def running(recognition_id: int) -> Rectification | None:
    return db.session.scalars(select(Rectification).where(Rectification.recognition_id == recognition_id,
                                                          Rectification.status.in_(RUNNING))).first()


def _text(key: str, value: Any, what: str, required: bool = True) -> str:
    text = value.strip() if isinstance(value, str) else ""
    if required and not text:
        raise RectificationRefused(key, f"请填写{what}")
    if len(text) > MAX_TEXT:
        raise RectificationRefused(key, f"{what}不能超过 {MAX_TEXT} 字")
    return text


def unqualified_assessments(recognition: Recognition) -> list[Assessment]:
    return list(db.session.scalars(select(Assessment).where(
        Assessment.recognition_id == recognition.id, Assessment.grade == "unqualified").order_by(Assessment.year)))


def operating_findings(recognition: Recognition) -> list[Finding]:
    return list(db.session.scalars(select(Finding).where(
        Finding.recognition_id == recognition.id, Finding.kind == "cannot_operate").order_by(Finding.found_on)))


def order(user, recognition: Recognition, ground: Any, requirements: Any, *, deadline: Any = None,
          assessment_id: Any = None, finding_id: Any = None) -> Rectification:
    """The officer orders a rectification of a live title.  Committed with its audit events."""
    today = clock.today()
    code = recognition.jurisdiction
    if not is_officer_of(user, code):
        raise RectificationRefused("action", "只有本辖区的主管部门工作人员可以责令整改")
    if recognition.status not in LIVE:
        raise RectificationRefused("recognition_id", "该认定称号已撤销")
    if running(recognition.id) is not None:
        raise RectificationRefused("recognition_id", "该称号已有进行中的整改，须先评定其结果")
    if ground not in GROUNDS:
        raise RectificationRefused("ground", "请选择整改依据")
    basis = grounds.rectification_ground(code, ground, today)
    if basis is None:
        raise RectificationRefused("ground", grounds.no_ground_text(code, today))
    citation, _words = basis
    assessment = finding = None
    if ground == "assessment":
        assessment = next((a for a in unqualified_assessments(recognition) if str(a.id) == str(assessment_id)), None)
        if assessment is None:
            raise RectificationRefused("assessment_id", "请选择该称号考核不合格的年度考核")
    else:
        finding = next((f for f in operating_findings(recognition) if str(f.id) == str(finding_id)), None)
        if finding is None:
            raise RectificationRefused("finding_id", "请先登记“无法正常运营”的问题，再据此责令整改")
    text = _text("requirements", requirements, "整改要求")
    period = period_for(code, today)
    default = period.deadline(today)
    if deadline is not None and not isinstance(deadline, date):
        raise RectificationRefused("deadline", "整改期限格式应为 YYYY-MM-DD")
    if period.source == "policy":
        if deadline is not None and deadline != default:
            raise RectificationRefused("deadline", f"整改期限由政策规定：{period.text()}，应为 {default.isoformat()}")
        deadline = default
    elif deadline is None:
        if default is None:
            raise RectificationRefused("deadline", "政策未规定整改期限，本局亦未设定：请填写整改期限")
        deadline = default
    if deadline <= today:
        raise RectificationRefused("deadline", "整改期限应晚于今天")
    rect = Rectification(recognition_id=recognition.id, jurisdiction=code, ground=ground,
                         assessment_id=assessment.id if assessment else None,
                         finding_id=finding.id if finding else None, citation=citation.to_dict(),
                         requirements=text, ordered_on=today, deadline=deadline, ordered_by_id=user.id,
                         status="ordered")
    db.session.add(rect)
    db.session.flush()
    before = recognition.status
    recognition.status = "rectification"
    audit.record("rectification.order", rect, actor=user, to_state="ordered", opinion=text,
                 ground=RECTIFICATION_GROUND_LABELS[ground], citation=cite(citation.to_dict()),
                 deadline=deadline.isoformat(), period=period.text(), certificate=recognition.certificate_number)
    if before != "rectification":
        audit.record("recognition.status", recognition, actor=user, from_state=before, to_state="rectification",
                     rectification=rect.id)
    events.emit("rectification.ordered", rect, actor=user, deadline=deadline.isoformat(),
                certificate=recognition.certificate_number)
    db.session.commit()
    return rect


def _refuse_if_revoked(rect: Rectification) -> None:
    """A title revoked meanwhile ends its rectification: nothing more is reported or judged."""
    if rect.recognition.status == "revoked":
        raise RectificationRefused("action", "该认定称号已撤销，整改不再进行")


def _own(user, rect: Rectification) -> bool:
    return role_of(user) == roles.APPLICANT and user.organisation_id is not None and \
        db.session.get(Space, rect.recognition.space_id).organisation_id == user.organisation_id


@contextmanager
def _first_wins():
    """Someone acted on the rectification first (version_id_col, found at any flush):
    nothing of ours is kept and the user is told so."""
    try:
        yield
    except StaleDataError:
        db.session.rollback()
        raise RectificationRefused("action", "该整改已由他人处理，请刷新页面后查看") from None


def _commit_or_refuse() -> None:
    with _first_wins():
        db.session.commit()


def file_report(user, rect: Rectification, report: Any, evidence) -> Rectification:
    """The space files its rectification report with evidence (a new file replaces the last;
    the first report needs one).  Possible until the judgement; after the deadline it is late."""
    if not _own(user, rect):
        raise RectificationRefused("action", "只有该众创空间的运营单位可以提交整改报告")
    if rect.status not in RUNNING:
        raise RectificationRefused("action", "该整改已评定，不能再提交整改报告")
    _refuse_if_revoked(rect)
    text = _text("report", report, "整改情况报告")
    has_file = evidence is not None and getattr(evidence, "filename", "")
    if not has_file and rect.report_attachment_id is None:
        raise RectificationRefused("evidence", "请上传整改的证明材料")
    with uploads.transaction("evidence") as stored:
        saved = None
        if has_file:
            saved = stored.file(evidence, key="evidence", actor=user)
            rect.report_attachment_id = saved.id
        before = rect.status
        rect.report, rect.status = text, "reported"
        rect.reported_on, rect.reported_by_id = clock.today(), user.id
        audit.record("rectification.report", rect, actor=user, from_state=before, to_state="reported",
                     late=is_late(rect), file=saved.original_name if saved else None,
                     sha256=saved.sha256 if saved else None)
        events.emit("rectification.reported", rect, actor=user, certificate=rect.recognition.certificate_number)
        _commit_or_refuse()
    return rect


def file_statement(user, rect: Rectification, statement: Any) -> Rectification:
    """陈述申辩: what the space says before the judgement (replaces an earlier one)."""
    if not _own(user, rect):
        raise RectificationRefused("action", "只有该众创空间的运营单位可以陈述申辩")
    if rect.status not in RUNNING:
        raise RectificationRefused("action", "该整改已评定，不能再陈述申辩")
    _refuse_if_revoked(rect)
    rect.statement = _text("statement", statement, "陈述申辩意见")
    audit.record("rectification.statement", rect, actor=user, opinion=rect.statement)
    _commit_or_refuse()
    return rect


def may_judge(user, rect: Rectification, today: date | None = None) -> bool:
    today = today or clock.today()
    return is_officer_of(user, rect.jurisdiction) and rect.recognition.status != "revoked" and (
        rect.status == "reported" or (rect.status == "ordered" and today > rect.deadline))


def allowed_actions(user, rect: Rectification) -> list[str]:
    if may_judge(user, rect):
        return ["passed", "failed"]
    return []


def judge(user, rect: Rectification, result: Any, judgement: Any) -> Rectification:
    """The officer judges the rectification passed or failed, with an opinion; the result
    enters the title's record.  A running one not yet reported is judged only after its deadline."""
    if not is_officer_of(user, rect.jurisdiction):
        raise RectificationRefused("action", "只有本辖区的主管部门工作人员可以评定整改结果")
    if rect.status not in RUNNING:
        raise RectificationRefused("action", "该整改已评定")
    _refuse_if_revoked(rect)
    if not may_judge(user, rect):
        raise RectificationRefused("action", f"整改期限 {rect.deadline.isoformat()} 届满前，须待众创空间提交整改报告后评定")
    if result not in RESULTS:
        raise RectificationRefused("result", "请选择整改结果：合格或不合格")
    text = _text("judgement", judgement, "评定意见")
    with _first_wins():
        _judge(user, rect, result, text)
    return rect


def _judge(user, rect: Rectification, result: str, text: str) -> None:
    before = rect.status
    rect.status, rect.result, rect.judgement = result, result, text
    rect.judged_on, rect.judged_by_id = clock.today(), user.id
    recognition = rect.recognition
    audit.record("rectification.judge", rect, actor=user, from_state=before, to_state=result, opinion=text,
                 statement=rect.statement, certificate=recognition.certificate_number)
    if result == "passed" and recognition.status == "rectification":
        others = db.session.scalars(select(Rectification.id).where(
            Rectification.recognition_id == recognition.id, Rectification.id != rect.id,
            Rectification.status.in_(RUNNING))).first()
        if others is None:
            recognition.status = "active"
            audit.record("recognition.status", recognition, actor=user, from_state="rectification",
                         to_state="active", rectification=rect.id)
    events.emit("rectification.judged", rect, actor=user, result=result, certificate=recognition.certificate_number)
    db.session.commit()


LISTS = ("running", "to_judge", "judged", "all")


def listing(user, which: str = "running") -> list[Rectification]:
    query = select(Rectification).where(criteria(user, Rectification)).order_by(
        Rectification.ordered_on.desc(), Rectification.id.desc())
    if which == "running":
        query = query.where(Rectification.status.in_(RUNNING))
    elif which == "judged":
        query = query.where(Rectification.status.in_(RESULTS))
    rows = list(db.session.scalars(query))
    if which == "to_judge":
        rows = [r for r in rows if may_judge(user, r)]
    return rows


def history(recognition_id: int) -> list[dict]:
    """The CONTRACTS §6 ``rectifications`` entries of a title, oldest first."""
    rows = db.session.scalars(select(Rectification).where(Rectification.recognition_id == recognition_id)
                              .order_by(Rectification.ordered_on, Rectification.id))
    return [{"ordered_on": r.ordered_on.isoformat(), "deadline": r.deadline.isoformat(), "result": r.result}
            for r in rows]


def orderable_titles(user) -> list[Recognition]:
    """Live titles an officer may order a rectification of (none running)."""
    as_officer = codes_as(user, roles.OFFICER)  # where he is the officer (issue 22)
    if not as_officer:
        return []
    busy = select(Rectification.recognition_id).where(Rectification.status.in_(RUNNING))
    return list(db.session.scalars(select(Recognition).where(
        Recognition.jurisdiction.in_(as_officer), Recognition.status.in_(LIVE),
        Recognition.id.not_in(busy)).order_by(Recognition.jurisdiction, Recognition.certificate_number)))
