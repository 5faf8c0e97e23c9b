"""The bureau's own data: the keys it may set and a jurisdiction's rows read once.

A bureau adds, in the database, what the encoded policy leaves open or decides later
(``BureauSetting``, ``BureauPolicyVersion``, ``BureauCriterion``, ``CalendarDay`` /
``CalendarYear``).  The rows of a jurisdiction are read once into a :class:`BureauData`
snapshot (plain values, no session), which a command passes around instead of querying
per criterion.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import inspect as sa_inspect
from sqlalchemy import select
from sqlalchemy.exc import OperationalError, ProgrammingError

from core.accounts.two_factor import STAFF_TWO_FACTOR
from core.platform import request_memo
from core.platform.extensions import db
from core.platform.jurisdictions import registry
from core.platform.models import BureauCriterion, BureauPolicyVersion, BureauSetting, CalendarDay, CalendarYear
from core.workdays import WorkdayCalendar

NOTICE_DAYS = "notice_days"
# The format of certificate numbers: set by no policy, so a bureau setting (core.award.titles).
CERTIFICATE_FORMAT = "certificate_format"
# The expert review's score sheet: no policy names dimensions, so a bureau setting (core.review.score_sheet).
REVIEW_DIMENSIONS = "review_dimensions"
# Whether a leader's decision records its meeting (date, minutes number) where the policy
# names no meeting: the bureau's own requirement (本局要求), off by default (core.review.meetings).
DECISION_MEETING = "decision_meeting_record"
# The period for reporting a change of the conditions of recognition (core.monitoring.changes):
# 云南's is a cited parameter; a jurisdiction whose documents set none may have its bureau set it.
CHANGE_REPORT_MONTHS = "change_report_months"
# The length of a rectification (限期整改) where the document sets none (弥勒 第十五条, 昆明 第十八条):
# the default deadline of one the bureau orders (core.monitoring.standing; 云南's is its parameter).
RECTIFICATION_MONTHS = "rectification_months"
# --- issue 17, annual assessment rounds (core.monitoring.assessments) -------------------
# No document weighs the dimensions of its assessment scheme nor sets the totals of the
# grades: both are the bureau's.  Only for a jurisdiction whose scheme is scored.
ASSESSMENT_WEIGHTS = "assessment_weights"   # {dimension code: weight > 0}
ASSESSMENT_BANDS = "assessment_bands"       # [{"grade": "excellent|good|qualified", "min_total": 0..100}]
ASSESSMENT_KEYS = (ASSESSMENT_WEIGHTS, ASSESSMENT_BANDS)
# --- end issue 17 assessment ------------------------------------------------------------
# --- issue 18, money after the award (core.money) -----------------------------------------
# Who approves an entitlement: the leader (局领导), or also the officers where the bureau says so
# (yes/no; no document says who approves).
SUPPORT_APPROVER = "support_officer_approves"
# --- end issue 18 money -------------------------------------------------------------------
# --- issue 19, to-do lists (core.notify.todos) ----------------------------------------------
# The working days one review step may take before its to-do is late: none of the five documents
# sets a time limit per step (no "X个工作日内" for a step), so it is 本局设定; unset: no limit.
STEP_TIME_LIMIT = "step_time_limit_days"
# --- end issue 19 ---------------------------------------------------------------------------
# --- issue 22, the expert pool's draw (core.review.draws) -------------------------------------
# No document sets how many experts review an application or when an expert stands aside (弥政办发
# 〔2017〕5号 第七条 "组织专家", 昆科发〔2017〕55号 第十一条 "组织相关专家" name none): the bureau's.
EXPERT_MINIMUM = "expert_min_per_application"      # whole number ≥ 1; unset: no minimum
EXPERT_SAME_DISTRICT = "expert_avoid_same_district"  # yes/no: an expert of the space's county stands aside
EXPERT_REVIEW_YEARS = "expert_avoid_review_years"    # whole years ≥ 1: who scored the same space within them
EXPERT_KEYS = (EXPERT_MINIMUM, EXPERT_SAME_DISTRICT, EXPERT_REVIEW_YEARS)
# --- end issue 22 -----------------------------------------------------------------------------
# Whether the bureau's staff (other than the admin, who always must) sign in with a second
# factor: STAFF_TWO_FACTOR, defined where it is read (core.accounts.two_factor).
__all__ = ["NOTICE_DAYS", "CERTIFICATE_FORMAT", "REVIEW_DIMENSIONS", "DECISION_MEETING", "STAFF_TWO_FACTOR",
           "CHANGE_REPORT_MONTHS", "RECTIFICATION_MONTHS", "ASSESSMENT_WEIGHTS", "ASSESSMENT_BANDS", "ASSESSMENT_KEYS", "scored_scheme",
           "SUPPORT_APPROVER", "STEP_TIME_LIMIT", "EXPERT_MINIMUM", "EXPERT_SAME_DISTRICT", "EXPERT_REVIEW_YEARS",
           "EXPERT_KEYS",
           "SettingValue", "BureauData", "load_bureau_data", "prefetch_bureau_data", "bureau_setting", "known_setting_keys", "calendar"]


# --- the snapshot of a jurisdiction's bureau data -----------------------------------


@dataclass(frozen=True, slots=True)
class SettingValue:
    """A bureau setting as read: the value and the document the bureau names for it."""

    key: str
    value: Any
    document: str | None = None
    article: str | None = None
    note: str | None = None

    def source(self) -> dict[str, Any]:
        return {"kind": "bureau_setting", "key": self.key, "document": self.document,
                "article": self.article, "note": self.note}


@dataclass(frozen=True, slots=True)
class _VersionRow:
    document: str
    title: str
    effective_from: date
    effective_to: date | None
    based_on: str | None
    notice_days: int | None
    note: str | None


@dataclass(frozen=True, slots=True)
class _CriterionRow:
    category: str | None
    code: str
    title: str
    fact_key: str
    operator: str
    threshold: Any
    document: str
    article: str | None
    item: str | None


@dataclass(frozen=True, slots=True)
class BureauData:
    """What the bureau of one jurisdiction has entered, read once."""

    code: str
    settings: dict[str, SettingValue]
    versions: tuple[_VersionRow, ...]
    criteria: tuple[_CriterionRow, ...]


def _read(statement):
    """Rows of a bureau table.  Before ``zhongchuang db upgrade`` there are none: the
    read-only commands (evaluate, notice-period, subsidies) then answer from the
    plugins alone, as on a deployment whose bureau has entered nothing."""
    try:
        return db.session.execute(statement).scalars().all()
    except (OperationalError, ProgrammingError):
        db.session.rollback()
        if not sa_inspect(db.engine).has_table(BureauSetting.__tablename__):
            return []
        raise


request_memo.watch(BureauSetting.__tablename__, BureauPolicyVersion.__tablename__, BureauCriterion.__tablename__)


def load_bureau_data(code: str) -> BureauData:
    """The bureau rows of ``code``, read once per request (core.platform.request_memo;
    the operations that write them empty the memo)."""
    return request_memo.remember(("bureau_data", code), lambda: _load_bureau_data([code])[code])


def prefetch_bureau_data(codes) -> None:
    """Read the bureau rows of every jurisdiction in ``codes`` at once (three queries, not
    three per jurisdiction) into this request's memo, for a page that shows them all;
    outside a request it reads nothing."""
    if not request_memo.active():
        return
    missing = [c for c in codes if not request_memo.holds(("bureau_data", c))]
    if missing:
        for code, data in _load_bureau_data(missing).items():
            request_memo.remember(("bureau_data", code), lambda data=data: data)


def _load_bureau_data(codes: list[str]) -> dict[str, BureauData]:
    """Read the bureau rows of ``codes`` (three queries), detached from the session."""
    settings: dict[str, dict[str, SettingValue]] = {c: {} for c in codes}
    for r in _read(select(BureauSetting).where(BureauSetting.jurisdiction.in_(codes))):
        settings[r.jurisdiction][r.key] = SettingValue(r.key, r.value, r.document, r.article, r.note)
    versions: dict[str, list[_VersionRow]] = {c: [] for c in codes}
    for r in _read(select(BureauPolicyVersion).where(BureauPolicyVersion.jurisdiction.in_(codes))
                   .order_by(BureauPolicyVersion.effective_from)):
        versions[r.jurisdiction].append(_VersionRow(r.document, r.title, r.effective_from, r.effective_to,
                                                    r.based_on, r.notice_days, r.note))
    crits: dict[str, list[_CriterionRow]] = {c: [] for c in codes}
    for r in _read(select(BureauCriterion).where(BureauCriterion.jurisdiction.in_(codes),
                                                 BureauCriterion.active.is_(True))
                   .order_by(BureauCriterion.id)):
        crits[r.jurisdiction].append(_CriterionRow(r.category, r.code, r.title, r.fact_key, r.operator, r.threshold,
                                                   r.document, r.article, r.item))
    return {c: BureauData(c, settings[c], tuple(versions[c]), tuple(crits[c])) for c in codes}


def _data(code: str, data: BureauData | None) -> BureauData:
    return data if data is not None and data.code == code else load_bureau_data(code)


def bureau_setting(code: str, key: str, data: BureauData | None = None) -> SettingValue | None:
    return _data(code, data).settings.get(key)


def known_setting_keys(code: str) -> dict[str, str]:
    """The keys a bureau may set for ``code`` → label: every parameter of any of its
    versions, the public-notice period, and the subsidy amounts a rule lets it adjust."""
    reg = registry()
    keys: dict[str, str] = {NOTICE_DAYS: "公示期（天）", CERTIFICATE_FORMAT: "证书编号格式",
                            REVIEW_DIMENSIONS: "专家评审打分维度",
                            DECISION_MEETING: "本局要求：局领导审定时记录会议日期和纪要编号（是/否）",
                            STAFF_TWO_FACTOR: "本局要求：本辖区工作人员登录须使用双因素认证（是/否）"}
    for version in reg.policies(code):
        for p in version.parameters:
            keys.setdefault(p.key, p.label)
        for rule in reg.subsidy_rules(code, version):
            if rule.setting_key:
                keys.setdefault(rule.setting_key, f"{rule.name}（金额，元{'；政策约数' if rule.approximate else ''}）")
    keys.setdefault(CHANGE_REPORT_MONTHS, "本局设定：认定条件变化后报告的期限（个月）")  # a policy's label first
    keys.setdefault(RECTIFICATION_MONTHS, "本局设定：限期整改的期限（个月）")
    keys[SUPPORT_APPROVER] = "本局设定：补助可由业务经办人员审批（是/否；否则由局领导审批）"
    keys[STEP_TIME_LIMIT] = "本局设定：每个审核步骤的办理时限（工作日；不设则不限）"
    keys[EXPERT_MINIMUM] = "本局设定：每件申报至少由几位专家评审（人；不设则不限）"
    keys[EXPERT_SAME_DISTRICT] = "本局设定：专家所在县（市、区）与众创空间相同时回避（是/否）"
    keys[EXPERT_REVIEW_YEARS] = "本局设定：近几年内评审过同一众创空间的专家回避（年；不设则不适用）"
    for rule in reg.overlap_rules(code):
        if rule.years_setting:
            keys.setdefault(rule.years_setting, "本局设定：重复支持比对年限（年）")
    if scored_scheme(code) is not None:
        keys[ASSESSMENT_WEIGHTS] = "本局设定：年度考核各维度权重（{维度代码: 权重}）"
        keys[ASSESSMENT_BANDS] = "本局设定：年度考核等次分数线（[{\"grade\": 等次, \"min_total\": 最低总分}]）"
    return keys


def scored_scheme(code: str):
    """The newest scored assessment scheme (with dimensions) of ``code``'s versions, or None:
    the dimensions the weights are set for."""
    reg = registry()
    found = None
    for version in reg.policies(code):
        scheme = reg.assessment_scheme(code, version)
        if scheme is not None and scheme.scored and scheme.dimensions:
            found = scheme
    return found


# --- the working-day calendar -----------------------------------------------------------


def calendar() -> WorkdayCalendar:
    """The Chinese working-day calendar with the bureau's entries applied: its days,
    and the years whose arrangement it has marked complete."""
    rows = _read(select(CalendarDay))
    complete = _read(select(CalendarYear.year).where(CalendarYear.complete.is_(True)))
    return WorkdayCalendar({r.day: r.is_workday for r in rows}, complete_years=complete)
