"""Annual assessment rounds (年度考核, issue 17; docs/assessment.md).

A round is opened by an officer for year Y over the live titles of his jurisdiction
granted by the end of Y: one ``Assessment`` per title.  What a round is depends on the
jurisdiction's ``AssessmentScheme`` (hook zc_assessment_scheme) under the policy version in
force at the end of Y (else the nearest):

* **scored** (弥勒 第十五条, 昆明 第十八条): assigned scorers (officers or experts of the
  jurisdiction) declare no conflict of interest, then score every dimension 0–100; the
  totals weigh the averages with the bureau's ``assessment_weights`` and grade them with its
  ``assessment_bands`` (core.bureau.data) — no document sets either, so until both are set a
  round can be scored and not totalled.  Ranked where the scheme ranks (弥勒 排序).
* **agency** (徐政发〔2016〕12号 五（一）: 由社会机构…评价考核): a scheme with no dimension; the
  officer uploads the agency's report and enters each title's grade.
* **none**: no scheme, or one of grounds (云南 动态考核评价, ``scored=False``): no round.

open → submitted (officer) → approved (leader, with opinion; the ``evaluated`` entitlements
of zc_subsidy_rules are created once per title, rule and year) → published (officer: the
space sees its result).  The leader may instead send a round back to open.

Every operation checks the actor, writes its audit event and commits once, or raises
:class:`AssessmentRefused` having written nothing.  ``AssessmentRound`` carries a version
(``version_id_col``): a change made meanwhile by someone else is refused in Chinese.
"""
from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from sqlalchemy import ColumnElement, false, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError

from core.accounts import roles
from core.accounts.scoping import codes_as, visible_codes
from core.award.entitlements import GRADES, entitlements
from core.bureau import data as bureau_data
from core.bureau import versions
from core.bureau.setting_checks import (BAND_GRADES, SCORE_SCALE, SettingsError, check_assessment_bands,
                                        check_assessment_weights)
from core.monitoring import forms, titles
from core.monitoring.title_scope import is_leader_of, is_officer_of
from core.platform import audit, clock, uploads
from core.platform.errors import Refused
from core.platform.extensions import db
from core.platform.jurisdictions import registry
from core.platform.models import (Assessment, AssessmentRound, AssessmentScore, AssessmentScorer, Recognition, Space,
                                  StatisticsReturn, SubsidyEntitlement, User)
from core.policy import AssessmentScheme

__all__ = ["STATUSES", "GRADES", "AssessmentRefused", "Setup", "scheme_for", "mode_of", "setup", "round_criteria",
           "visible_round", "rounds_for_space", "scorer_of", "may_score", "open_round", "assign_scorer", "declare",
           "score", "record_agency", "submit", "send_back", "approve", "publish", "statistics_of", "totals",
           "rank", "grade_for", "TEXT_LIMIT", "scorer_candidates", "parse_score", "KEY_FIGURES", "key_figures"]

STATUSES = ("open", "submitted", "approved", "published")
TEXT_LIMIT = 2000  # our choice, as the other opinions
STALE = "该考核已被他人处理，请刷新页面后重试"
CENT = Decimal("0.01")


class AssessmentRefused(Refused):
    """A refusal: ``key`` the field or action, ``message`` in Chinese; ``errors`` field → message."""

    key_in_text = False

    def __init__(self, key: str, message: str, errors: dict[str, str] | None = None):
        super().__init__(key, message)
        self.errors = errors or {key: message}


# --- the scheme, the bureau's settings ------------------------------------------------------


def scheme_for(code: str, year: int) -> AssessmentScheme | None:
    """The scheme of the version in force at the end of ``year`` (else the nearest)."""
    day = titles.year_end(year)
    policy = versions.policy_in_force(code, day) or versions.nearest_policy(code, day)
    return registry().assessment_scheme(code, policy) if policy is not None else None


def mode_of(scheme: AssessmentScheme | None) -> str:
    if scheme is None or not scheme.scored:
        return "none"
    return "scored" if scheme.dimensions else "agency"


@dataclass(frozen=True)
class Setup:
    """What a round of ``code`` applies: its scheme, mode, and the bureau's weights and bands
    (with their sources) or why they cannot be used."""

    scheme: AssessmentScheme | None
    mode: str
    weights: dict | None
    bands: list | None
    weights_source: bureau_data.SettingValue | None
    bands_source: bureau_data.SettingValue | None
    problems: tuple[str, ...]


def setup(code: str, year: int) -> Setup:
    scheme = scheme_for(code, year)
    mode = mode_of(scheme)
    problems: list[str] = []
    weights = bands = None
    w_source = b_source = None
    if mode == "scored":
        w_source = bureau_data.bureau_setting(code, bureau_data.ASSESSMENT_WEIGHTS)
        b_source = bureau_data.bureau_setting(code, bureau_data.ASSESSMENT_BANDS)
        weights = _usable(w_source, lambda v: check_assessment_weights(code, v), "各维度权重", problems)
        bands = _usable(b_source, check_assessment_bands, "等次分数线", problems)
    return Setup(scheme, mode, weights, bands, w_source, b_source, tuple(problems))


def _usable(source, check, what: str, problems: list[str]):
    """The setting's value when set and valid; else None with the reason in ``problems``."""
    if source is None:
        problems.append(f"本局尚未设定年度考核{what}（政策未规定）：可以评分，不能计算总分和等次")
        return None
    try:
        check(source.value)
    except SettingsError as bad:
        problems.append(f"本局设定的年度考核{what}不能使用：{bad.message}")
        return None
    return source.value


# --- who sees what ------------------------------------------------------------------------


def round_criteria(user) -> ColumnElement[bool]:
    """Rounds ``user`` may open: officers, leaders and the admin those of their jurisdictions;
    an expert only those he is assigned to; nobody else any."""
    # per jurisdiction, the role held there (issue 22)
    bureau = codes_as(user, roles.OFFICER, roles.LEADER, roles.ADMIN)
    as_expert = codes_as(user, roles.EXPERT)
    mine = select(AssessmentScorer.round_id).where(AssessmentScorer.user_id == getattr(user, "id", None))
    terms = ([AssessmentRound.jurisdiction.in_(bureau)] if bureau else []) + (
        [AssessmentRound.jurisdiction.in_(as_expert) & AssessmentRound.id.in_(mine)] if as_expert else [])
    return or_(*terms) if terms else false()


def visible_round(round_id: int, user) -> AssessmentRound | None:
    return db.session.scalars(select(AssessmentRound).where(AssessmentRound.id == round_id,
                                                            round_criteria(user))).one_or_none()


def rounds_for_space(organisation_id: int) -> list[Assessment]:
    """The published results of the organisation's spaces, newest first (the portal)."""
    return db.session.scalars(
        select(Assessment).join(AssessmentRound).join(Recognition, Assessment.recognition_id == Recognition.id)
        .join(Space, Recognition.space_id == Space.id)
        .where(Space.organisation_id == organisation_id, AssessmentRound.status == "published")
        .order_by(Assessment.year.desc(), Assessment.id)).all()


def scorer_of(rnd: AssessmentRound, user) -> AssessmentScorer | None:
    return next((s for s in rnd.scorers if s.user_id == getattr(user, "id", None)), None)


def may_score(rnd: AssessmentRound, user) -> bool:
    scorer = scorer_of(rnd, user)
    return rnd.status == "open" and scorer is not None and scorer.no_conflict_declared_at is not None \
        and scorer.conflict_declared_at is None


def _officer(user, code: str) -> None:
    if not is_officer_of(user, code):
        raise AssessmentRefused("action", "只有本辖区的主管部门工作人员可以办理")


def _status(rnd: AssessmentRound, *expected: str) -> None:
    if rnd.status not in expected:
        raise AssessmentRefused("action", "该考核当前状态下不能办理此事项")


def _version(rnd: AssessmentRound, expected: int | None) -> None:
    if expected is not None and rnd.version != expected:
        raise AssessmentRefused("action", STALE)


def _text(key: str, value: Any, what: str, *, required: bool) -> str | None:
    text = (value or "").strip() if isinstance(value, str) else ""
    if required and not text:
        raise AssessmentRefused(key, f"请填写{what}")
    if len(text) > TEXT_LIMIT:
        raise AssessmentRefused(key, f"{what}不能超过 {TEXT_LIMIT} 字，实为 {len(text)} 字")
    return text or None


def _commit() -> None:
    """Commit, or refuse the loser of a race (the round's version moved on) with nothing written."""
    try:
        db.session.commit()
    except (StaleDataError, IntegrityError):
        db.session.rollback()
        raise AssessmentRefused("action", STALE) from None


# --- opening and scorers ------------------------------------------------------------------


def open_round(code: Any, year: Any, actor, note: Any = None) -> AssessmentRound:
    """Open the round of ``year`` over the jurisdiction's live titles granted by its end."""
    if not isinstance(code, str) or code not in visible_codes(actor):
        raise AssessmentRefused("jurisdiction", "请选择本辖区")
    _officer(actor, code)
    try:
        year = int(str(year).strip())
    except (TypeError, ValueError):
        raise AssessmentRefused("year", "请填写考核年度（如 2025）") from None
    today = clock.today()
    if not 2000 <= year <= today.year:
        raise AssessmentRefused("year", f"考核年度应在 2000 至 {today.year} 年之间")
    scheme = scheme_for(code, year)
    if mode_of(scheme) == "none":
        where = f"（{scheme.citation}）" if scheme else ""
        raise AssessmentRefused("jurisdiction", f"该辖区的政策{where}未规定打分考核：其考核为取消认定的情形，"
                                                "由主管部门登记核查事实，不开启年度考核")
    note = _text("note", note, "说明", required=False)
    if db.session.scalar(select(AssessmentRound.id).where(AssessmentRound.jurisdiction == code,
                                                          AssessmentRound.year == year)) is not None:
        raise AssessmentRefused("year", f"{year} 年度考核已开启")
    live = db.session.scalars(select(Recognition).where(
        Recognition.jurisdiction == code, titles.live_criteria(),
        Recognition.granted_on <= titles.year_end(year)).order_by(Recognition.granted_on, Recognition.id)).all()
    if not live:
        raise AssessmentRefused("year", f"本辖区没有 {year} 年底前认定且有效的称号，无需考核")
    rnd = AssessmentRound(jurisdiction=code, year=year, status="open", note=note, opened_by_id=actor.id,
                          weights={}, bands=[])
    db.session.add(rnd)
    db.session.flush()
    for title in live:
        db.session.add(Assessment(round_id=rnd.id, recognition_id=title.id, year=year, scores={}))
    audit.record("assessment_round.open", rnd, actor=actor, to_state="open", year=year, titles=len(live),
                 citation=str(scheme.citation))
    _commit()
    return rnd


def scorer_candidates(rnd: AssessmentRound) -> list[User]:
    """Active experts and officers of the round's jurisdiction not yet assigned."""
    assigned = {s.user_id for s in rnd.scorers}
    found = db.session.scalars(select(User).where(User.role.in_((roles.EXPERT, roles.OFFICER)),
                                                  User.active.is_(True)).order_by(User.name)).all()
    return [u for u in found if rnd.jurisdiction in u.jurisdiction_codes and u.id not in assigned]


def assign_scorer(rnd: AssessmentRound, user_id: Any, actor, expected_version: int | None = None) -> AssessmentScorer:
    _officer(actor, rnd.jurisdiction)
    _version(rnd, expected_version)
    if mode_of(scheme_for(rnd.jurisdiction, rnd.year)) != "scored":
        raise AssessmentRefused("user_id", "该考核由社会机构评价，不指派评分人")
    _status(rnd, "open")
    try:
        chosen = int(user_id)
    except (TypeError, ValueError):
        chosen = None
    scorer = next((u for u in scorer_candidates(rnd) if u.id == chosen), None)
    if scorer is None:
        raise AssessmentRefused("user_id", "请选择本辖区尚未指派的专家或工作人员")
    assigned = AssessmentScorer(round_id=rnd.id, user_id=scorer.id, assigned_by_id=actor.id)
    db.session.add(assigned)
    db.session.flush()
    audit.record("assessment_round.scorer_assigned", rnd, actor=actor, user=scorer.id, user_name=scorer.name)
    _commit()
    return assigned


def declare(rnd: AssessmentRound, actor, *, conflict: bool, note: Any = None) -> AssessmentScorer:
    """The scorer's declaration, before he sees any score sheet: no conflict of interest (he
    may then score) or a conflict (he may not score this round).  Made once, as for the review."""
    scorer = scorer_of(rnd, actor)
    if scorer is None:
        raise AssessmentRefused("action", "您不是本次考核的评分人")
    if scorer.no_conflict_declared_at or scorer.conflict_declared_at:
        raise AssessmentRefused("declaration", "您已就本次考核作出声明")
    _status(rnd, "open")
    text = _text("note", note, "利益冲突情况", required=conflict)
    if conflict:
        scorer.conflict_declared_at, scorer.conflict_note = clock.utcnow(), text
    else:
        scorer.no_conflict_declared_at = clock.utcnow()
    audit.record("assessment_round.conflict_declared" if conflict else "assessment_round.no_conflict_declared",
                 rnd, actor=actor, opinion=text)
    _commit()
    return scorer


# --- scoring ------------------------------------------------------------------------------


def _assessment(rnd: AssessmentRound, assessment_id: Any) -> Assessment:
    found = next((a for a in rnd.assessments if str(a.id) == str(assessment_id)), None)
    if found is None:
        raise AssessmentRefused("assessment", "该众创空间不在本次考核中")
    return found


def parse_score(raw: Any) -> tuple[float | None, str | None]:
    """A typed score: a number of the scale with at most two decimals."""
    text = str(raw if raw is not None else "").strip()
    low, high = SCORE_SCALE
    if not text:
        return None, "请填写分数"
    try:
        value = Decimal(text)
    except InvalidOperation:
        return None, f"请填写 {low} 至 {high} 之间的数"
    if not value.is_finite() or not low <= value <= high:
        return None, f"分数应在 {low} 至 {high} 之间"
    if value != value.quantize(CENT):
        return None, "分数最多保留两位小数"
    return float(value), None


def score(rnd: AssessmentRound, assessment_id: Any, actor, typed: dict[str, Any], opinion: Any) -> AssessmentScore:
    """One scorer's sheet for one title: every dimension scored (a second sheet replaces the first)."""
    scorer = scorer_of(rnd, actor)
    if scorer is None:
        raise AssessmentRefused("action", "您不是本次考核的评分人")
    if scorer.conflict_declared_at:
        raise AssessmentRefused("declaration", "您已申明与本次考核存在利益冲突，不能评分")
    if not scorer.no_conflict_declared_at:
        raise AssessmentRefused("declaration", "请先声明与本次考核的众创空间不存在利益冲突，再评分")
    _status(rnd, "open")
    found = _assessment(rnd, assessment_id)
    scheme = scheme_for(rnd.jurisdiction, rnd.year)
    scores, errors = {}, {}
    for dim in scheme.dimensions:
        value, error = parse_score(typed.get(dim.code))
        if error:
            errors[dim.code] = error
        else:
            scores[dim.code] = value
    try:
        text = _text("opinion", opinion, "评分意见", required=False)
    except AssessmentRefused as bad:
        errors.update(bad.errors)
    if errors:
        raise AssessmentRefused("scores", "评分表有误，请按提示修改", errors)
    sheet = next((s for s in found.sheets if s.scorer_id == actor.id), None)
    if sheet is None:
        sheet = AssessmentScore(assessment_id=found.id, scorer_id=actor.id)
        db.session.add(sheet)
    sheet.scores, sheet.opinion, sheet.scored_at = scores, text, clock.utcnow()
    db.session.flush()
    audit.record("assessment.scored", found, actor=actor, scores=scores, opinion=text, year=rnd.year,
                 round=rnd.id)
    _commit()
    return sheet


def record_agency(rnd: AssessmentRound, actor, agency: Any, grades: dict[str, Any], report=None,
                  expected_version: int | None = None) -> AssessmentRound:
    """徐政发〔2016〕12号 五（一）: the agency's name, its report (a file checked by content, kept
    outside the web root) and each title's grade as the report gives it."""
    _officer(actor, rnd.jurisdiction)
    _version(rnd, expected_version)
    _status(rnd, "open")
    if mode_of(scheme_for(rnd.jurisdiction, rnd.year)) != "agency":
        raise AssessmentRefused("action", "该考核由评分人打分，不录入社会机构的评价")
    errors: dict[str, str] = {}
    try:
        name = _text("agency", agency, "评价机构名称", required=True)
        if len(name) > 200:
            raise AssessmentRefused("agency", "评价机构名称不能超过 200 字")
    except AssessmentRefused as bad:
        errors.update(bad.errors)
    chosen = {}
    for found in rnd.assessments:
        grade = (grades.get(f"grade-{found.id}") or "").strip()
        if grade not in GRADES:
            errors[f"grade-{found.id}"] = "请选择评价等次"
        chosen[found.id] = grade
    has_file = report is not None and getattr(report, "filename", "")
    if not has_file and rnd.report_attachment_id is None:
        errors["report"] = "请上传社会机构的评价报告"
    if errors:
        raise AssessmentRefused("agency", "请更正标出的栏目", errors)
    with uploads.transaction("report") as stored:
        saved = None
        if has_file:
            saved = stored.file(report, key="report", actor=actor)
            rnd.report_attachment_id = saved.id
        rnd.agency = name
        for found in rnd.assessments:
            found.grade = chosen[found.id]
        db.session.flush()
        audit.record("assessment_round.agency_report", rnd, actor=actor, agency=name,
                     file=saved.original_name if saved else None, sha256=saved.sha256 if saved else None,
                     grades={str(a.recognition_id): a.grade for a in rnd.assessments})
        _commit()
    return rnd


# --- totals, rank, grade ---------------------------------------------------------------------


def grade_for(total: Decimal, bands: list[dict]) -> str:
    """The best band whose lowest total ``total`` reaches (a total equal to it gets it); below
    every band 不合格."""
    for grade in BAND_GRADES:
        band = next((b for b in bands if b["grade"] == grade), None)
        if band is not None and total >= Decimal(str(band["min_total"])):
            return grade
    return "unqualified"


def rank(totals_by_id: dict[int, Decimal]) -> dict[int, int]:
    """Competition ranking, highest first: equal totals share a rank, the next is skipped (1, 1, 3)."""
    ordered = sorted(totals_by_id.values(), reverse=True)
    return {key: ordered.index(total) + 1 for key, total in totals_by_id.items()}


def totals(rnd: AssessmentRound, weights: dict, scheme: AssessmentScheme) -> dict[int, tuple[dict, Decimal]]:
    """Per assessment: the mean of the sheets per dimension and the weighted total
    Σ wᵢ·meanᵢ / Σ wᵢ (on the 0–100 scale), rounded half up to cents."""
    found = {}
    weight_sum = sum(Decimal(str(weights[d.code])) for d in scheme.dimensions)
    for a in rnd.assessments:
        means = {}
        for d in scheme.dimensions:
            values = [Decimal(str(s.scores[d.code])) for s in a.sheets if d.code in s.scores]
            means[d.code] = sum(values) / len(values)
        total = sum(Decimal(str(weights[d.code])) * means[d.code] for d in scheme.dimensions) / weight_sum
        found[a.id] = ({k: float(v.quantize(CENT, ROUND_HALF_UP)) for k, v in means.items()},
                       total.quantize(CENT, ROUND_HALF_UP))
    return found


def submit(rnd: AssessmentRound, actor, expected_version: int | None = None) -> AssessmentRound:
    """The officer submits the results to the leader: scored rounds are totalled, ranked and
    graded now with the bureau's settings (copied into the round)."""
    _officer(actor, rnd.jurisdiction)
    _version(rnd, expected_version)
    _status(rnd, "open")
    conf = setup(rnd.jurisdiction, rnd.year)
    if conf.mode == "agency":
        if rnd.report_attachment_id is None or any(a.grade not in GRADES for a in rnd.assessments):
            raise AssessmentRefused("action", "请先上传社会机构的评价报告并录入每个众创空间的等次")
    else:
        if conf.problems:
            raise AssessmentRefused("action", "；".join(conf.problems))
        unscored = [a for a in rnd.assessments if not a.sheets]
        if unscored:
            raise AssessmentRefused("action", f"还有 {len(unscored)} 个众创空间没有评分，不能提交")
        waiting = [s for s in rnd.scorers if s.conflict_declared_at is None and not s.no_conflict_declared_at]
        if waiting:
            raise AssessmentRefused("action", "还有评分人未作利益冲突声明，不能提交")
        computed = totals(rnd, conf.weights, conf.scheme)
        ranks = rank({k: v[1] for k, v in computed.items()}) if conf.scheme.ranking else {}
        for a in rnd.assessments:
            means, total = computed[a.id]
            a.scores, a.total, a.rank = means, total, ranks.get(a.id)
            a.grade = grade_for(total, conf.bands)
        rnd.weights, rnd.bands = conf.weights, conf.bands
    rnd.status, rnd.submitted_at, rnd.submitted_by_id = "submitted", clock.utcnow(), actor.id
    audit.record("assessment_round.submit", rnd, actor=actor, from_state="open", to_state="submitted",
                 weights=rnd.weights or None, bands=rnd.bands or None,
                 grades={str(a.recognition_id): a.grade for a in rnd.assessments})
    _commit()
    return rnd


def _leader(user, code: str) -> None:
    if not is_leader_of(user, code):
        raise AssessmentRefused("action", "只有本辖区的领导可以审定考核结果")


def send_back(rnd: AssessmentRound, actor, opinion: Any, expected_version: int | None = None) -> AssessmentRound:
    """The leader returns the results to the officer (scoring reopens), with his reasons."""
    _leader(actor, rnd.jurisdiction)
    text = _text("opinion", opinion, "退回意见", required=True)
    _version(rnd, expected_version)
    _status(rnd, "submitted")
    rnd.status, rnd.submitted_at, rnd.submitted_by_id = "open", None, None
    audit.record("assessment_round.send_back", rnd, actor=actor, from_state="submitted", to_state="open",
                 opinion=text)
    _commit()
    return rnd


def _entitlement_note(year: int, grade: str, note: str | None) -> str:
    return f"{year}年度考核（{GRADES[grade]}）" + (f"；{note}" if note else "")


def approve(rnd: AssessmentRound, actor, opinion: Any, expected_version: int | None = None) -> list[SubsidyEntitlement]:
    """The leader approves the results: the ``evaluated`` entitlements of each grade are
    created, never twice for one title, rule and year."""
    _leader(actor, rnd.jurisdiction)
    text = _text("opinion", opinion, "审定意见", required=True)
    _version(rnd, expected_version)
    _status(rnd, "submitted")
    today = clock.today()
    created = []
    for a in sorted(rnd.assessments, key=lambda a: a.id):
        owed = entitlements(rnd.jurisdiction, "evaluated", grade=a.grade, as_of=today)
        for item in owed["entitlements"]:
            exists = db.session.scalar(select(SubsidyEntitlement.id).where(
                SubsidyEntitlement.assessment_id == a.id, SubsidyEntitlement.rule_code == item["rule"]))
            if exists is not None:  # the table's unique (assessment_id, rule_code) refuses it anyway
                continue
            row = SubsidyEntitlement(recognition_id=a.recognition_id, assessment_id=a.id, jurisdiction=rnd.jurisdiction,
                                     space_id=a.recognition.space_id, year=rnd.year,
                                     rule_code=item["rule"], kind=item["kind"], amount_cny=item["amount_cny"],
                                     citation=item["citation"], status="pending",
                                     note=_entitlement_note(rnd.year, a.grade, item["note"]))
            db.session.add(row)
            created.append(row)
    rnd.status, rnd.approved_at, rnd.approved_by_id, rnd.approval_opinion = \
        "approved", clock.utcnow(), actor.id, text
    db.session.flush()
    audit.record("assessment_round.approve", rnd, actor=actor, from_state="submitted", to_state="approved",
                 opinion=text, entitlements=[e.id for e in created],
                 total_cny=sum(e.amount_cny or 0 for e in created))
    _commit()
    return created


def publish(rnd: AssessmentRound, actor, expected_version: int | None = None) -> AssessmentRound:
    """The officer publishes approved results: each space sees its own on the portal."""
    _officer(actor, rnd.jurisdiction)
    _version(rnd, expected_version)
    _status(rnd, "approved")
    rnd.status, rnd.published_at = "published", clock.utcnow()
    audit.record("assessment_round.publish", rnd, actor=actor, from_state="approved", to_state="published")
    _commit()
    return rnd


# --- beside the score sheet -------------------------------------------------------------------

#: the figures shown beside a score sheet (core.monitoring.default_form keys)
KEY_FIGURES = ("teams_served", "startups_served", "new_enterprises", "financed", "financing_total", "events",
               "income_total", "graduated")


def key_figures(code: str, year: int) -> list[tuple[str, str]]:
    """(key, "label（unit）") of the jurisdiction's return for the figures shown beside a sheet."""
    fields = [f for section in forms.form_for(code, year).sections for f in section.fields]
    return [(f.key, f"{f.label}（{f.unit}）" if f.unit else f.label) for f in fields if f.key in KEY_FIGURES]


def statistics_of(space_id: int, year: int) -> StatisticsReturn | None:
    """The space's return of ``year`` once submitted (a draft is the applicant's)."""
    return db.session.scalars(select(StatisticsReturn).where(
        StatisticsReturn.space_id == space_id, StatisticsReturn.year == year,
        StatisticsReturn.status != "draft")).one_or_none()

