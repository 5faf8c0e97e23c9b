"""Change reports (变更报告): a change of the conditions of recognition reported by the space.

云科规〔2021〕1号 认定与管理 “管理”: "通过认定的省级众创空间在运营过程中如发生运营主体、面积范围、场地位置等
认定条件变化的，在变更后3个月内向所在州（市）科技局报告，经州（市）科技局核查后，向省科技厅提出变更申请."

- **Due date**: ``changed_on`` plus the jurisdiction's ``change_report_months`` counted as 民法典
  第201、202条 count months (``core.workdays.add_months``: the day of the change is not counted, the
  period ends on the corresponding day of the last month, or that month's last day).  "内" includes
  the last day: a report on ``due_on`` is on time, the next day is late.  云南 cites its article;
  the other jurisdictions' documents set no period, so theirs is the bureau's setting (本局设定),
  and where the bureau set none a change is still reported but has no due date.
- **Who checks** (``core.monitoring.forms.form_for(...).checked_by``): ``"region"`` (云南) — the
  州（市）bureau, a recommender of the jurisdiction whose area covers the space (an officer when
  none does), checks and forwards it or returns it to the space; the province (an officer) then
  accepts it or asks for a re-check of the criteria (要求复核认定条件).  ``"officer"`` — the
  jurisdiction's own officer accepts, asks for a re-check or returns, in one step.
- **Found changes**: an officer may record a change the bureau found that was never reported
  (发现未报告的变更); it is an open duty — overdue once its due date passed — until the space reports it.

States: found → reported → forwarded (region only) → accepted | recheck; reported → returned →
reported.  Every operation is scoped (:func:`change_criteria`), audited in its transaction and
committed; a refusal (:class:`ChangeRefused`) writes nothing.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import ColumnElement, false, or_, select
from sqlalchemy.orm.exc import StaleDataError

from core.accounts import roles
from core.accounts.scoping import codes_as, held_prefix_column, held_role_column, region_prefix_in, role_in, role_of, visible_codes
from core.bureau import data as bureau_data
from core.bureau import versions as policy_versions
from core.bureau.setting_checks import out_of_bound
from core.monitoring.forms import form_for
from core.monitoring.title_scope import is_officer_of
from core.monitoring.titles import live_titles
from core.platform import audit, clock, uploads
from core.platform.labels import CHANGE_KIND_LABELS
from core.platform.errors import Refused
from core.platform.extensions import db
from core.platform.models import ChangeReport, Recognition, Space, User, UserScope
from core.workdays import add_months

__all__ = ["KINDS", "PARAMETER", "ReportPeriod", "ChangeRefused", "report_period", "due_on_for", "change_criteria",
           "visible_change", "reportable_titles", "checker_mode", "allowed_actions", "file_change", "record_found",
           "resubmit", "act", "listing", "found_titles", "is_overdue", "is_late", "history"]

KINDS = tuple(CHANGE_KIND_LABELS)  # operator, area, location: 运营主体、面积范围、场地位置
PARAMETER = bureau_data.CHANGE_REPORT_MONTHS
MAX_TEXT = 2000


class ChangeRefused(Refused):
    """A change report refused: ``key`` names the field or action, ``message`` says why."""

    key_in_text = False


@dataclass(frozen=True)
class ReportPeriod:
    """The period for reporting a change in one jurisdiction: ``months`` (None: none set),
    ``source`` "policy" (cited), "bureau" (本局设定), "none", or "no_policy" (no version in force
    on the day of the change), ``citation`` as a dict."""

    months: int | None
    source: str
    citation: dict | None

    def text(self) -> str:
        if self.source == "policy":
            c = self.citation or {}
            item = f"“{c['item']}”" if c.get("item") else ""
            return f"变更后 {self.months} 个月内报告（{c.get('document', '')} {c.get('article') or ''}{item}）"
        if self.source == "bureau":
            return f"变更后 {self.months} 个月内报告（本局设定，非政策规定）"
        if self.source == "no_policy":
            return "变更之日没有有效的政策版本：变更可随时报告，无报告期限"
        return "政策未规定报告期限，本局亦未设定：变更可随时报告，无报告期限"


def report_period(code: str, day: date) -> ReportPeriod:
    """The reporting period of ``code`` for a change made on ``day``: ``change_report_months``
    of the policy version in force that day with the bureau's setting applied; for a jurisdiction
    whose versions do not declare it, the bureau's setting alone.  On a day no version is in force
    (云科规〔2021〕1号 after 2026-04-03, until its successor is registered) there is none: a lapsed
    policy is never applied, as the standing (core.monitoring.standing) reads it too."""
    data = bureau_data.load_bureau_data(code)
    policy = policy_versions.policy_in_force(code, day, data)
    if policy is None:
        return ReportPeriod(None, "no_policy", None)
    declared = next((p for p in policy.parameters if p.key == PARAMETER), None)
    setting = data.settings.get(PARAMETER)
    usable = setting is not None and out_of_bound(code, PARAMETER, setting.value) is None
    if declared is not None and declared.value is not None and not (usable and setting.value != declared.value):
        return ReportPeriod(declared.value, "policy", declared.citation.to_dict() if declared.citation else None)
    if usable:
        return ReportPeriod(setting.value, "bureau", setting.source())
    return ReportPeriod(None, "none", None)


def due_on_for(code: str, changed_on: date) -> date | None:
    """The last day to report a change made on ``changed_on`` (None: no period set)."""
    period = report_period(code, changed_on)
    return add_months(changed_on, period.months) if period.months else None


def is_late(change: ChangeReport) -> bool:
    """Reported after its due date."""
    return change.due_on is not None and change.reported_on is not None and change.reported_on > change.due_on


def is_overdue(change: ChangeReport, as_of: date | None = None) -> bool:
    """Not reported and its due date has passed (the due date itself is still in time)."""
    as_of = as_of or clock.today()
    return change.reported_on is None and change.due_on is not None and as_of > change.due_on


# --- who sees, who acts ------------------------------------------------------------------


def change_criteria(user) -> ColumnElement[bool]:
    """The change reports ``user`` may see: the applicant his organisation's; a recommender
    with an area the reports of spaces in it; other staff (not experts) their jurisdictions'."""
    role = role_of(user)
    codes = visible_codes(user)
    if role is None or not codes:
        return false()
    in_jurisdiction = ChangeReport.jurisdiction.in_(codes)
    if role == roles.APPLICANT:
        if user.organisation_id is None:
            return false()
        own = select(Recognition.id).join(Space, Space.id == Recognition.space_id).where(
            Space.organisation_id == user.organisation_id)
        return in_jurisdiction & ChangeReport.recognition_id.in_(own)
    if role == roles.ADMIN:
        return in_jurisdiction
    # Staff: per jurisdiction, the role held there (issue 22); an expert sees none.
    terms = []
    for code in codes:
        held, prefix = role_in(user, code), region_prefix_in(user, code)
        if held == roles.EXPERT:
            continue
        term = ChangeReport.jurisdiction == code
        if prefix:
            in_area = select(Recognition.id).join(Space, Space.id == Recognition.space_id).where(
                Space.region.startswith(prefix, autoescape=True))
            term = term & ChangeReport.recognition_id.in_(in_area)
        terms.append(term)
    return or_(*terms) if terms else false()


def visible_change(change_id: Any, user) -> ChangeReport | None:
    try:
        change_id = int(change_id)
    except (TypeError, ValueError):
        return None
    return db.session.scalars(select(ChangeReport).where(ChangeReport.id == change_id,
                                                         change_criteria(user))).one_or_none()


def checker_mode(code: str, day: date) -> str:
    """"region" (the 州（市）bureau checks, the province decides) or "officer" (one step)."""
    return form_for(code, day.year).checked_by


def _region_recommenders(code: str, region: str) -> list[User]:
    staff = db.session.scalars(select(User).join(UserScope, UserScope.user_id == User.id).where(
        held_role_column() == roles.RECOMMENDER, User.active.is_(True), UserScope.jurisdiction == code,
        held_prefix_column().is_not(None))).unique().all()
    return [u for u in staff if region.startswith(region_prefix_in(u, code) or "\0")]


def _may_check(user, change: ChangeReport) -> bool:
    """The 州（市）bureau of the space: a recommender of the jurisdiction whose area covers
    it, or an officer of the jurisdiction when no recommender's area does."""
    code = change.jurisdiction
    if code not in visible_codes(user):
        return False
    region = change.recognition.space.region or ""
    if role_in(user, code) == roles.RECOMMENDER:
        prefix = region_prefix_in(user, code)
        return bool(prefix) and region.startswith(prefix)
    return is_officer_of(user, code) and not _region_recommenders(code, region)


def allowed_actions(user, change: ChangeReport) -> list[str]:
    """The actions ``user`` may take on ``change`` now, in the order the page shows them."""
    code = change.jurisdiction
    mode = checker_mode(code, change.changed_on)
    if change.status == "reported":
        if mode == "region":
            return ["forward", "return"] if _may_check(user, change) else []
        return ["accept", "recheck", "return"] if is_officer_of(user, code) else []
    if change.status == "forwarded" and mode == "region" and is_officer_of(user, code):
        return ["accept", "recheck"]
    return []


# --- operations --------------------------------------------------------------------------


def _text(key: str, value: Any, *, required: bool, what: str) -> str:
    text = (value or "").strip() if isinstance(value, str) else ""
    if required and not text:
        raise ChangeRefused(key, f"请填写{what}")
    if len(text) > MAX_TEXT:
        raise ChangeRefused(key, f"{what}不能超过 {MAX_TEXT} 字")
    return text


def _changed_on(value: Any, granted_on: date, today: date) -> date:
    if not isinstance(value, date):
        raise ChangeRefused("changed_on", "请填写变更日期，格式为 YYYY-MM-DD")
    if value > today:
        raise ChangeRefused("changed_on", "变更日期不能晚于今天：变更发生后再报告")
    if value < granted_on:
        raise ChangeRefused("changed_on", f"变更日期不能早于认定日期 {granted_on.isoformat()}")
    return value


def reportable_titles(user) -> list[Recognition]:
    """The live titles of the applicant's organisation's spaces: what a change is reported for."""
    if role_of(user) != roles.APPLICANT or user.organisation_id is None:
        return []
    spaces = db.session.scalars(select(Space.id).where(Space.organisation_id == user.organisation_id)
                                .order_by(Space.id)).all()
    return [t for space_id in spaces for t in live_titles(space_id)]


def file_change(user, recognition_id: Any, kind: Any, changed_on: Any, description: Any, evidence, *,
                found: ChangeReport | None = None) -> ChangeReport:
    """The applicant reports a change for one live title of his organisation's spaces, with
    the evidence file; ``found``: the bureau's record of this change, now reported.
    Committed with its audit event; refused with nothing written."""
    today = clock.today()
    if role_of(user) != roles.APPLICANT:
        raise ChangeRefused("action", "只有众创空间的运营单位可以报告变更")
    if found is not None:
        if found.status != "found" or found.recognition.space.organisation_id != user.organisation_id:
            raise ChangeRefused("action", "该变更已报告")
        title, kind, changed_on = found.recognition, found.kind, found.changed_on
    else:
        title = next((t for t in reportable_titles(user) if str(t.id) == str(recognition_id)), None)
        if title is None:
            raise ChangeRefused("recognition_id", "请选择本单位众创空间有效的认定称号")
        if kind not in KINDS:
            raise ChangeRefused("kind", "请选择变更事项：运营主体、面积范围或场地位置")
        changed_on = _changed_on(changed_on, title.granted_on, today)
    text = _text("description", description, required=True, what="变更情况说明")
    if evidence is None or not getattr(evidence, "filename", ""):
        raise ChangeRefused("evidence", "请上传变更的证明材料")
    with uploads.transaction("evidence") as stored:
        saved = stored.file(evidence, key="evidence", actor=user)
        change = found or ChangeReport(recognition_id=title.id, jurisdiction=title.jurisdiction, kind=kind,
                                       changed_on=changed_on, due_on=due_on_for(title.jurisdiction, changed_on))
        before = found.status if found else None
        change.description, change.attachment_id = text, saved.id
        change.status, change.reported_on, change.reported_by_id = "reported", today, user.id
        db.session.add(change)
        db.session.flush()
        audit.record("change_report.file", change, actor=user, from_state=before, to_state="reported",
                     kind=CHANGE_KIND_LABELS[kind], changed_on=changed_on.isoformat(),
                     due_on=change.due_on.isoformat() if change.due_on else None, late=is_late(change),
                     file=saved.original_name, sha256=saved.sha256)
        db.session.commit()
    return change


def resubmit(user, change: ChangeReport, description: Any, evidence=None) -> ChangeReport:
    """The applicant corrects a change returned to him: a new description, a new file if
    given; it is checked again.  The day it was first reported stays its report date."""
    if role_of(user) != roles.APPLICANT or change.recognition.space.organisation_id != user.organisation_id:
        raise ChangeRefused("action", "只有该众创空间的运营单位可以修改变更报告")
    if change.status != "returned":
        raise ChangeRefused("action", "只有退回的变更报告可以修改后重新报告")
    text = _text("description", description, required=True, what="变更情况说明")
    with uploads.transaction("evidence") as stored:
        saved = None
        if evidence is not None and getattr(evidence, "filename", ""):
            saved = stored.file(evidence, key="evidence", actor=user)
            change.attachment_id = saved.id
        change.description, change.status = text, "reported"
        audit.record("change_report.resubmit", change, actor=user, from_state="returned", to_state="reported",
                     file=saved.original_name if saved else None)
        db.session.commit()
    return change


def record_found(user, recognition: Recognition, kind: Any, changed_on: Any, note: Any) -> ChangeReport:
    """An officer records a change the bureau found that the space never reported."""
    if not is_officer_of(user, recognition.jurisdiction):
        raise ChangeRefused("action", "只有本辖区的主管部门工作人员可以登记发现的变更")
    if recognition.status not in ("active", "rectification"):
        raise ChangeRefused("recognition_id", "该认定称号已撤销")
    if kind not in KINDS:
        raise ChangeRefused("kind", "请选择变更事项：运营主体、面积范围或场地位置")
    changed_on = _changed_on(changed_on, recognition.granted_on, clock.today())
    text = _text("description", note, required=True, what="发现的变更情况")
    change = ChangeReport(recognition_id=recognition.id, jurisdiction=recognition.jurisdiction, kind=kind,
                          changed_on=changed_on, due_on=due_on_for(recognition.jurisdiction, changed_on),
                          description=text, status="found")
    db.session.add(change)
    db.session.flush()
    audit.record("change_report.found", change, actor=user, to_state="found", kind=CHANGE_KIND_LABELS[kind],
                 changed_on=changed_on.isoformat(), due_on=change.due_on.isoformat() if change.due_on else None)
    db.session.commit()
    return change


# action → (state after it, the opinion's name in the refusal)
_MOVES = {
    "forward": ("forwarded", "核查意见"),
    "return": ("returned", "退回理由"),
    "accept": ("accepted", "审核意见"),
    "recheck": ("recheck", "复核认定条件的意见"),
}


def act(user, change: ChangeReport, action: str, opinion: Any) -> ChangeReport:
    """A checker's or decider's step; the opinion is required (a reason for the record)."""
    if action not in allowed_actions(user, change):
        raise ChangeRefused("action", "您不能对该变更报告执行此操作")
    after, what = _MOVES[action]
    text = _text("opinion", opinion, required=True, what=what)
    before = change.status
    now = clock.utcnow()
    if action in ("forward", "return") or checker_mode(change.jurisdiction, change.changed_on) == "officer":
        change.check_opinion, change.checked_by_id, change.checked_at = text, user.id, now
    if action in ("accept", "recheck"):
        change.decision_opinion, change.decided_by_id, change.decided_at = text, user.id, now
    change.status = after
    detail = dict(actor=user, from_state=before, to_state=after, opinion=text,
                  kind=CHANGE_KIND_LABELS[change.kind], certificate=change.recognition.certificate_number)
    if action == "forward":
        audit.record("change_report.forward", change, **detail)
    elif action == "return":
        audit.record("change_report.return", change, **detail)
    elif action == "accept":
        audit.record("change_report.accept", change, **detail)
    else:
        audit.record("change_report.recheck", change, **detail)
    try:
        db.session.commit()
    except StaleDataError:  # another checker acted on it first (version_id_col)
        db.session.rollback()
        raise ChangeRefused("action", "该变更报告已由他人处理，请刷新页面后查看") from None
    return change


# --- for the standing (CONTRACTS §6) ------------------------------------------------------


def history(recognition_id: int) -> list[dict]:
    """The ``changes`` entries of CONTRACTS §6 for a title: every change known, reported or
    found, oldest first."""
    rows = db.session.scalars(select(ChangeReport).where(ChangeReport.recognition_id == recognition_id)
                              .order_by(ChangeReport.changed_on, ChangeReport.id))
    return [{"kind": c.kind, "changed_on": c.changed_on.isoformat(),
             "reported_on": c.reported_on.isoformat() if c.reported_on else None} for c in rows]


# --- lists ---------------------------------------------------------------------------------

LISTS = ("mine", "forwarded", "overdue", "recheck", "all")


def listing(user, which: str, as_of: date) -> list[ChangeReport]:
    """The change reports ``user`` may see in the admin's list ``which``: ``mine`` awaiting
    his check or decision, ``forwarded`` awaiting the province, ``overdue`` not reported by
    their due date or reported late, ``recheck`` titles whose criteria are to be re-checked."""
    query = select(ChangeReport).where(change_criteria(user)).order_by(ChangeReport.changed_on.desc(),
                                                                       ChangeReport.id.desc())
    if which == "mine":
        query = query.where(ChangeReport.status.in_(("reported", "forwarded")))
        return [c for c in db.session.scalars(query) if allowed_actions(user, c)]
    if which == "forwarded":
        query = query.where(ChangeReport.status == "forwarded")
    elif which == "recheck":
        query = query.where(ChangeReport.status == "recheck")
    elif which == "overdue":
        query = query.where(ChangeReport.due_on.is_not(None), or_(
            ChangeReport.reported_on.is_(None) & (ChangeReport.due_on < as_of),
            ChangeReport.reported_on > ChangeReport.due_on))
    return list(db.session.scalars(query))


def found_titles(user) -> list[Recognition]:
    """The live titles an officer may record a found change for."""
    as_officer = codes_as(user, roles.OFFICER)  # where he is the officer (issue 22)
    if not as_officer:
        return []
    return list(db.session.scalars(select(Recognition).where(
        Recognition.jurisdiction.in_(as_officer), Recognition.status.in_(("active", "rectification")))
        .order_by(Recognition.jurisdiction, Recognition.certificate_number)))
