"""Policies as versioned data, with the bureau's own data applied.

A plugin declares its policy versions, parameters and criteria; a bureau adds, in
the database, what the encoded policy leaves open or what it decides later:

* ``BureauSetting`` — a value the policy leaves to the bureau (Yunnan's 公示期
  ``notice_days``, Xuzhou's evaluation award) or the bureau's override of a
  parameter, cited to the document the bureau names;
* ``BureauPolicyVersion`` — a version the bureau registers (a successor to a lapsed
  one), reusing the categories, parameters and criteria of the version it is
  ``based_on``;
* ``BureauCriterion`` — an auto criterion built from data (a fact key, a comparison,
  a threshold) where the encoded policy has none;
* ``CalendarDay`` / ``CalendarYear`` — the bureau's working-day calendar for years the
  holiday package does not know: single days, and a year's whole arrangement marked
  complete (only then is the year known, CONTRACTS §3).

The engines (eligibility, notice, subsidies) read everything through this module, so
the plugin's data and the bureau's are one mechanism.  The bureau rows of a
jurisdiction are read once into a :class:`BureauData` snapshot (plain values, no
session), which a command passes around instead of querying per criterion.

The write operations (``set_bureau_setting`` …) validate, write an audit event and
commit; the admin and the CLI share them.
"""
from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from sqlalchemy import inspect as sa_inspect
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError, OperationalError, ProgrammingError

from core.platform import audit
from core.platform.errors import Refused
from core.platform.extensions import db
from core.platform.jurisdictions import registry
from core.platform.models import BureauCriterion, BureauPolicyVersion, BureauSetting, CalendarDay, CalendarYear
from core.numbers import number_text
from core.policy import Citation, Criterion, PolicyVersion
from core.workdays import WorkdayCalendar

__all__ = [
    "SettingsError",
    "SettingValue",
    "BureauData",
    "load_bureau_data",
    "policies",
    "policy_in_force",
    "nearest_policy",
    "base_policy",
    "parameters",
    "parameter_rows",
    "criteria",
    "bureau_setting",
    "known_setting_keys",
    "calendar",
    "NUMERIC_FACTS",
    "BOOL_FACTS",
    "OPERATORS",
    "set_bureau_setting",
    "SettingBound",
    "setting_bound",
    "out_of_bound",
    "NOTICE_DAYS_MAX",
    "add_bureau_policy_version",
    "add_bureau_criterion",
    "set_calendar_day",
    "set_calendar_year",
    "parse_calendar_lines",
    "CALENDAR_YEARS",
]

NOTICE_DAYS = "notice_days"
# The format of certificate numbers: set by no policy, so a bureau setting (core.award.titles).
CERTIFICATE_FORMAT = "certificate_format"
# The expert review's score sheet: no policy names dimensions, so a bureau setting (core.review.batches).
REVIEW_DIMENSIONS = "review_dimensions"
# Whether a leader's decision records its meeting (date, minutes number) where the policy
# names no meeting: the bureau's own requirement (本局要求), off by default (core.review.workflow).
DECISION_MEETING = "decision_meeting_record"
# Whether the bureau's staff (other than the admin, who always must) sign in with a second
# factor: the bureau's own requirement (本局要求), off by default (core.accounts.two_factor).
STAFF_TWO_FACTOR = "staff_two_factor"


class SettingsError(Refused):
    """A bureau value the system refuses: ``key`` names the field, ``message`` says why
    in Chinese; ``str()`` is one line."""


# --- the facts a bureau criterion may read (CONTRACTS §1) --------------------------

# key -> (label, unit); the numeric keys of CONTRACTS §1.
NUMERIC_FACTS: dict[str, tuple[str, str]] = {
    "total_area_m2": ("众创空间总面积", "㎡"),
    "public_area_m2": ("公共办公场所面积", "㎡"),
    "workstations": ("创业工位数", "个"),
    "lease_years": ("租赁期", "年"),
    "rent_ratio_year1": ("第一年租金占市价比例", ""),
    "rent_ratio_year2": ("第二年租金占市价比例", ""),
    "rent_ratio_year3": ("第三年租金占市价比例", ""),
    "management_staff": ("管理服务人员数", "名"),
    "full_time_staff": ("具备专业服务能力的专职人员数", "名"),
    "mentors": ("专兼职创业导师数", "名"),
    "investor_partners": ("合作投资机构数", "家"),
    "investment_projects": ("实际投资项目数", "个"),
    "contracted_residents_last_year": ("近一年协议入驻的创业团队和企业数", "家"),
    "new_enterprises_last_year": ("近一年入驻团队注册成为新企业数", "家"),
    "financed_teams_last_year": ("近一年获得投融资的团队数", "家"),
    "typical_cases_last_year": ("近一年典型孵化案例数", "个"),
    "events_last_year": ("近一年举办活动次数", "次"),
}
# key -> label; the yes/no keys of CONTRACTS §1.
BOOL_FACTS: dict[str, str] = {
    "independent_legal_person": "具有独立法人资格",
    "commercial_premises": "商业经营性场所",
    "infrastructure_complete": "配套设施齐备",
    "separate_accounting": "财务单独核算",
    "hosted_by_operating_unit": "依托运营单位建设",
    "seed_fund": "设立种子基金",
    "online_platform": "开放式互联网线上平台",
    "rd_facilities": "专业化研发设计等设备设施",
}
OPERATORS = {">=": "不低于", "<=": "不高于", "==": "等于", "true": "须为“是”"}


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


def load_bureau_data(code: str) -> BureauData:
    """Read the bureau rows of ``code`` (three queries), detached from the session."""
    settings = {
        r.key: SettingValue(r.key, r.value, r.document, r.article, r.note)
        for r in _read(select(BureauSetting).where(BureauSetting.jurisdiction == code))
    }
    versions = tuple(
        _VersionRow(r.document, r.title, r.effective_from, r.effective_to, r.based_on, r.notice_days, r.note)
        for r in _read(select(BureauPolicyVersion).where(BureauPolicyVersion.jurisdiction == code)
                       .order_by(BureauPolicyVersion.effective_from))
    )
    crits = tuple(
        _CriterionRow(r.category, r.code, r.title, r.fact_key, r.operator, r.threshold,
                      r.document, r.article, r.item)
        for r in _read(select(BureauCriterion).where(BureauCriterion.jurisdiction == code,
                                                     BureauCriterion.active.is_(True))
                       .order_by(BureauCriterion.id))
    )
    return BureauData(code, settings, versions, crits)


def _data(code: str, data: BureauData | None) -> BureauData:
    return data if data is not None and data.code == code else load_bureau_data(code)


# --- policy versions ------------------------------------------------------------------


def _bureau_version(base: PolicyVersion, row: _VersionRow) -> PolicyVersion:
    """A bureau-registered version: the base version's categories and parameters under
    the bureau's document, dates and (when given) notice period."""
    changes: dict[str, Any] = dict(
        document=row.document,
        title=row.title,
        effective_from=row.effective_from,
        effective_to=row.effective_to,
        replaces=base.document,
        note=row.note or f"由主管部门登记，沿用 {base.document} 的认定类别、参数和条件",
    )
    if row.notice_days is not None:
        changes.update(notice_days=row.notice_days, notice_citation=Citation(row.document))
    return dataclasses.replace(base, **changes)


def _bases(code: str, data: BureauData) -> dict[str, str]:
    """document of each bureau version → document of the plugin version it reuses."""
    plugin_docs = {v.document for v in registry().policies(code)}
    bases: dict[str, str] = {}
    for row in data.versions:
        base = row.based_on
        # A version based on another bureau version reuses what that one reuses.
        while base is not None and base not in plugin_docs:
            base = bases.get(base)
        if base is not None:
            bases[row.document] = base
    return bases


def policies(code: str, data: BureauData | None = None) -> list[PolicyVersion]:
    """The versions of ``code``'s policy, the plugin's and the bureau's, by start date."""
    data = _data(code, data)
    plugin_versions = registry().policies(code)
    if not data.versions:
        return plugin_versions
    by_doc = {v.document: v for v in plugin_versions}
    bases = _bases(code, data)
    versions = list(plugin_versions)
    for row in data.versions:
        base_doc = bases.get(row.document)
        if base_doc is None:
            continue  # based on nothing known (plugin removed): cannot be applied
        versions.append(_bureau_version(by_doc[base_doc], row))
    versions.sort(key=lambda v: v.effective_from)
    # A version registered after an open-ended one ends it: the day before the new
    # one starts is the old one's last day.
    for i, (old, new) in enumerate(zip(versions, versions[1:])):
        if old.effective_to is None:
            versions[i] = dataclasses.replace(old, effective_to=new.effective_from - timedelta(days=1))
    return versions


def policy_in_force(code: str, day: date, data: BureauData | None = None) -> PolicyVersion | None:
    return next((v for v in policies(code, data) if v.in_force_on(day)), None)


def nearest_policy(code: str, day: date, data: BureauData | None = None) -> PolicyVersion | None:
    """The version in force on ``day``, else the one whose window is closest to it
    (to say which one has lapsed or is still to come)."""

    def distance(v: PolicyVersion) -> int:
        if v.in_force_on(day):
            return 0
        if day < v.effective_from:
            return (v.effective_from - day).days
        return (day - v.effective_to).days  # type: ignore[operator]

    return min(policies(code, data), key=distance, default=None)


def base_policy(code: str, policy: PolicyVersion, data: BureauData | None = None) -> PolicyVersion:
    """The plugin version whose criteria ``policy`` applies (itself for a plugin version)."""
    data = _data(code, data)
    base_doc = _bases(code, data).get(policy.document)
    if base_doc is None:
        return policy
    return next(v for v in registry().policies(code) if v.document == base_doc)


# --- parameters -----------------------------------------------------------------------


def parameters(code: str, policy: PolicyVersion, data: BureauData | None = None) -> dict[str, Any]:
    """``key → value``: the policy's parameters, overridden by the bureau's settings of
    the same key.  A parameter the policy leaves to the bureau and the bureau has not
    set is None."""
    data = _data(code, data)
    values = {p.key: p.value for p in policy.parameters}
    for key, setting in data.settings.items():
        if key in values and out_of_bound(code, key, setting.value) is None:
            values[key] = setting.value  # a value stored before the ranges and outside them is not used
    return values


def parameter_rows(code: str, policy: PolicyVersion, data: BureauData | None = None) -> list[dict[str, Any]]:
    """The parameters for display, each saying where its value comes from:
    ``source`` "政策规定" with the citation, or "局设置" with the bureau's document and
    note (``policy_value`` keeps what the policy says); "待局设置" when the policy
    leaves it to the bureau and nothing is set yet."""
    data = _data(code, data)
    rows = []
    for p in policy.parameters:
        setting = data.settings.get(p.key)
        row = {
            "key": p.key, "label": p.label, "unit": p.unit, "policy_value": p.value,
            "citation": p.citation.to_dict() if p.citation else None, "reading": p.reading,
        }
        refused = out_of_bound(code, p.key, setting.value) if setting is not None else None
        if refused:
            row.update(value=p.value, source="政策规定" if p.value is not None else "待局设置", document=None,
                       article=None, note=refused)
        elif setting is not None:
            row.update(value=setting.value, source="局设置", document=setting.document,
                       article=setting.article, note=setting.note)
        elif p.bureau_setting and p.value is None:
            row.update(value=None, source="待局设置", document=None, article=None, note=None)
        else:
            row.update(value=p.value, source="政策规定", document=None, article=None, note=None)
        rows.append(row)
    return rows


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
    return keys


# --- criteria -------------------------------------------------------------------------


def _fmt(x: Any) -> str:
    if isinstance(x, bool):
        return "是" if x else "否"
    if isinstance(x, (int, float)):
        return number_text(x)
    return str(x)


def _bureau_check(row: _CriterionRow):
    """The pure check of a bureau criterion: compare one fact with the threshold."""
    key, op, threshold = row.fact_key, row.operator, row.threshold
    if key in BOOL_FACTS:
        label, unit = BOOL_FACTS[key], ""
        want = True if op == "true" else threshold

        def check(facts, ctx):
            have = getattr(facts, key)
            text = f"{label}：{_fmt(have)}"
            return (True, text) if have == want else (False, f"{text}，应为“{_fmt(want)}”")

        return check

    label, unit = NUMERIC_FACTS[key]
    word = OPERATORS[op]
    compare = {">=": lambda a: a >= threshold, "<=": lambda a: a <= threshold,
               "==": lambda a: a == threshold}[op]

    def check(facts, ctx):
        have = getattr(facts, key)
        text = f"{label} {_fmt(have)}{unit}"
        if compare(have):
            return True, f"{text}，{word} {_fmt(threshold)}{unit}"
        return False, f"{text}，未达到“{word} {_fmt(threshold)}{unit}”"

    return check


def _bureau_criterion(code: str, row: _CriterionRow) -> Criterion:
    return Criterion(
        id=f"{code}.bureau.{row.code}",
        title=row.title,
        citation=Citation(row.document, row.article, row.item),
        kind="auto",
        check=_bureau_check(row),
        categories=None if row.category is None else (row.category,),
    )


def criteria(code: str, category: str, policy: PolicyVersion, data: BureauData | None = None) -> list[Criterion]:
    """The criteria of ``category`` under ``policy``: the plugins' (for a bureau version,
    those of the version it is based on) followed by the bureau's own."""
    data = _data(code, data)
    found = registry().criteria(code, category, base_policy(code, policy, data))
    found += [_bureau_criterion(code, r) for r in data.criteria if r.category in (None, category)]
    return found


# --- the working-day calendar -----------------------------------------------------------


def calendar() -> WorkdayCalendar:
    """The Chinese working-day calendar with the bureau's entries applied: its days,
    and the years whose arrangement it has marked complete."""
    rows = _read(select(CalendarDay))
    complete = _read(select(CalendarYear.year).where(CalendarYear.complete.is_(True)))
    return WorkdayCalendar({r.day: r.is_workday for r in rows}, complete_years=complete)


# --- writing: validated, audited, shared by the admin and the CLI ------------------------


def _require_installed(code: str) -> None:
    if code not in registry().installed():
        raise SettingsError("jurisdiction", f"未知的辖区代码 {code}")


def _is_number(v: Any) -> bool:
    # math.isfinite(10**400) raises OverflowError: an int is always finite.
    return type(v) is int or (type(v) is float and math.isfinite(v))


# --- the range of every numeric setting (issue 13) ------------------------------------------
#
# A number a bureau enters is used in date arithmetic and sums: 99999999999999999999 days
# once made the notice engine crash (OverflowError).  Where a policy gives a bound it is
# cited; none of the encoded policies bounds the numbers a bureau may set, so the other
# ranges are the platform's (局设置范围), wide enough for any real decision and each with
# its reason.  docs/bureau-settings.md lists them.

NOTICE_DAYS_MAX = 60
MONTHS_MAX = 120
YEARS_MAX = 20
DAYS_MAX = 365
CNY_MAX = 10_000_000
COUNT_MAX = 100_000
AREA_MAX = 1_000_000


@dataclass(frozen=True, slots=True)
class SettingBound:
    """The range a numeric setting must lie in, both ends included, and why (Chinese)."""

    low: float
    high: float
    unit: str
    reason: str

    def text(self) -> str:
        return f"{number_text(self.low)} 至 {number_text(self.high)}{self.unit}"

    def contains(self, value: Any) -> bool:
        return _is_number(value) and self.low <= value <= self.high


def _policy_notice_periods() -> str:
    """The 公示期 the installed policies set, cited: the yardstick of the bureau's range."""
    found = []
    reg = registry()
    for code in sorted(reg.installed()):
        for v in reg.policies(code):
            if v.notice_days is not None:
                where = str(v.notice_citation) if v.notice_citation else v.document
                found.append(f"{where} {v.notice_days} 天")
    return "、".join(dict.fromkeys(found))


def setting_bound(code: str, key: str) -> SettingBound | None:
    """The range of the numeric setting ``key`` of ``code`` (None: not a number)."""
    if key in (CERTIFICATE_FORMAT, REVIEW_DIMENSIONS, DECISION_MEETING, STAFF_TWO_FACTOR):
        return None
    declared = {p.key: p.value for v in registry().policies(code) for p in v.parameters}
    current = declared.get(key)
    house = "局设置范围（本系统设定，政策未规定上限；防止误输入）"
    if key == NOTICE_DAYS:
        known = _policy_notice_periods()
        yardstick = f"；已知政策的公示期：{known}" if known else ""
        return SettingBound(1, NOTICE_DAYS_MAX, " 天", f"公示期由主管部门设定，{house}{yardstick}")
    if key.endswith("_days"):
        return SettingBound(1, DAYS_MAX, " 天", f"{house}：不超过一年")
    if key.endswith("_months"):
        return SettingBound(1, MONTHS_MAX, " 个月", f"{house}：不超过十年")
    if key.endswith("_years"):
        return SettingBound(1, YEARS_MAX, " 年", f"{house}：不超过二十年")
    if key.endswith("_cny"):
        return SettingBound(0, CNY_MAX, " 元", f"{house}：单项金额不超过 1000 万元")
    if isinstance(current, (bool, tuple, list)):
        return None
    if "ratio" in key:
        return SettingBound(0, 1, "", "比例：0 至 1（0.3 即 30%）")
    if key.endswith("_percent"):
        return SettingBound(0, 100, " %", "百分比：0 至 100")
    if key.endswith("_m2"):
        return SettingBound(0, AREA_MAX, " ㎡", f"{house}：不超过 100 万平方米")
    return SettingBound(0, COUNT_MAX, "", f"{house}：不超过 10 万")


def out_of_bound(code: str, key: str, value: Any) -> str | None:
    """Why a stored ``value`` of ``key`` cannot be used (outside its range), or None.
    The engines ask this of values already in the database, written before the ranges."""
    bound = setting_bound(code, key)
    if bound is None or bound.contains(value):
        return None
    return (f"{known_setting_keys(code).get(key, key)}（{key}）的局设置 {_short(value)} 超出允许范围 "
            f"{bound.text()}（{bound.reason}），未采用；请在“局设置”中修改")


def _check_setting_value(code: str, key: str, value: Any) -> None:
    """Refuse a value of the wrong kind for ``key``: the kind is that of the policy's
    own value (a count stays a whole number, a list of codes stays a list…)."""
    keys = known_setting_keys(code)
    if key not in keys:
        raise SettingsError("key", f"{code} 没有名为 {key} 的可设置项；可设置：{'、'.join(keys)}")
    label = keys[key]
    if key == CERTIFICATE_FORMAT:
        from core.award.titles import check_certificate_format

        return check_certificate_format(value)
    if key == REVIEW_DIMENSIONS:
        from core.review.batches import check_review_dimensions

        return check_review_dimensions(value)
    if key in (DECISION_MEETING, STAFF_TWO_FACTOR):
        if type(value) is not bool:
            raise SettingsError("value", f"{label}应为是/否（true / false），实为 {value!r}")
        return None
    declared = {p.key: p.value for v in registry().policies(code) for p in v.parameters}
    current = declared.get(key)
    if key.endswith(("_days", "_months", "_years")):
        if type(value) is not int or value < 1:
            raise SettingsError("value", f"{label}应为正整数，实为 {value!r}")
    elif key.endswith("_cny"):
        if type(value) is not int or value < 0:
            raise SettingsError("value", f"{label}应为非负整数（元），实为 {value!r}")
    elif isinstance(current, bool):
        if type(value) is not bool:
            raise SettingsError("value", f"{label}应为是/否（true / false），实为 {value!r}")
    elif isinstance(current, (tuple, list)):
        if not (isinstance(value, list) and all(isinstance(x, str) and x.strip() for x in value)):
            raise SettingsError("value", f"{label}应为代码列表（如 [\"a\", \"b\"]），实为 {value!r}")
    elif "ratio" in key:
        if not (_is_number(value) and 0 <= value <= 1):
            raise SettingsError("value", f"{label}应为 0 至 1 之间的小数（0.3 即 30%），实为 {value!r}")
    elif type(current) is int:
        if type(value) is not int or value < 0:
            raise SettingsError("value", f"{label}应为非负整数，实为 {value!r}")
    elif not (_is_number(value) and value >= 0):
        raise SettingsError("value", f"{label}应为非负数值，实为 {value!r}")
    bound = setting_bound(code, key)
    if bound is not None and not bound.contains(value):
        raise SettingsError("value", f"{label}应在 {bound.text()} 之间（{bound.reason}），实为 {_short(value)}")


def _short(value: Any) -> str:
    """A typed number on one short line (20 digits of days are shown, a thousand are not)."""
    try:
        text = number_text(value) if _is_number(value) else repr(value)
    except ValueError:  # more digits than Python prints (4300)
        return "位数过多的数"
    return text if len(text) <= 30 else f"{text[:12]}…（共 {len(text)} 位）"


def _commit() -> None:
    try:
        db.session.commit()
    except IntegrityError as exc:
        db.session.rollback()
        raise SettingsError("document", "与已有记录重复") from exc


def set_bureau_setting(
    code: str, key: str, value: Any, *, document: str | None = None, article: str | None = None,
    note: str | None = None, actor=None, commit: bool = True,
) -> BureauSetting:
    """Set (or change) a bureau setting of ``code``, recording the old and new value."""
    _require_installed(code)
    _check_setting_value(code, key, value)
    row = db.session.execute(
        select(BureauSetting).where(BureauSetting.jurisdiction == code, BureauSetting.key == key)
    ).scalar_one_or_none()
    old = None if row is None else row.value
    if row is None:
        row = BureauSetting(jurisdiction=code, key=key)
        db.session.add(row)
    row.value, row.document, row.article, row.note = value, document, article, note
    row.updated_by_id = getattr(actor, "id", None)
    db.session.flush()
    audit.record("bureau_setting.set", row, actor=actor, key=key, old=old, new=value,
                 document=document, article=article, note=note)
    if commit:
        _commit()
    return row


def add_bureau_policy_version(
    code: str, *, document: str, title: str, effective_from: date, effective_to: date | None = None,
    based_on: str, notice_days: int | None = None, note: str | None = None, actor=None, commit: bool = True,
) -> BureauPolicyVersion:
    """Register a policy version (e.g. a successor to a lapsed one) that reuses the
    categories, parameters and criteria of the version ``based_on``."""
    _require_installed(code)
    if not document or not document.strip():
        raise SettingsError("document", "文号不能为空")
    if not title or not title.strip():
        raise SettingsError("title", "政策名称不能为空")
    if effective_to is not None and effective_to < effective_from:
        raise SettingsError("effective_to", f"有效期止 {effective_to} 早于起始日 {effective_from}")
    if notice_days is not None and (type(notice_days) is not int or notice_days < 1):
        raise SettingsError("notice_days", f"公示期应为正整数天，实为 {_short(notice_days)}")
    if notice_days is not None and notice_days > NOTICE_DAYS_MAX:
        bound = setting_bound(code, NOTICE_DAYS)
        raise SettingsError("notice_days", f"公示期应为 {bound.text()} 之间的整数（{bound.reason}），实为 "
                                           f"{_short(notice_days)}")
    existing = policies(code)
    if not any(v.document == based_on for v in existing):
        known = "、".join(v.document for v in existing) or "无"
        raise SettingsError("based_on", f"沿用的政策 {based_on} 不是 {code} 的已知版本（已知：{known}）")
    for v in existing:
        if v.document == document:
            raise SettingsError("document", f"{code} 已有文号为 {document} 的政策版本")
        # An open-ended version is ended by a later one (see ``policies``).
        ends = v.effective_to if v.effective_to is not None else (
            None if effective_from <= v.effective_from else effective_from - timedelta(days=1))
        overlaps = (ends is None or effective_from <= ends) and (
            effective_to is None or v.effective_from <= effective_to)
        if overlaps:
            window = f"{v.effective_from}至{v.effective_to or '长期'}"
            raise SettingsError("effective_from", f"有效期与 {v.document}（{window}）重叠")
    row = BureauPolicyVersion(
        jurisdiction=code, document=document.strip(), title=title.strip(), effective_from=effective_from,
        effective_to=effective_to, based_on=based_on, notice_days=notice_days, note=note,
        created_by_id=getattr(actor, "id", None),
    )
    db.session.add(row)
    db.session.flush()
    audit.record("bureau_policy_version.add", row, actor=actor, document=row.document, based_on=based_on,
                 effective_from=effective_from.isoformat(),
                 effective_to=effective_to.isoformat() if effective_to else None, notice_days=notice_days)
    if commit:
        _commit()
    return row


def _check_criterion(code: str, category: str | None, crit_code: str, fact_key: str, operator: str,
                     threshold: Any, document: str) -> None:
    if category is not None:
        known = {c.code for v in policies(code) for c in v.categories}
        if category not in known:
            raise SettingsError("category", f"{code} 没有认定类别 {category}（已知：{'、'.join(sorted(known))}）")
    if not crit_code or not crit_code.replace("_", "").isalnum() or not crit_code.isascii():
        raise SettingsError("code", f"条件代码只能由英文字母、数字和下划线组成，实为 {crit_code!r}")
    if not document or not document.strip():
        raise SettingsError("document", "须注明条件所依据的文件文号")
    if fact_key in BOOL_FACTS:
        if operator == "true":
            return
        if operator == "==" and type(threshold) is bool:
            return
        raise SettingsError("operator", f"{BOOL_FACTS[fact_key]}是是/否项：比较方式应为 true，或 == 加是/否")
    if fact_key not in NUMERIC_FACTS:
        raise SettingsError("fact_key", f"未知的申报事实项 {fact_key}：只能用 CONTRACTS §1 的数值或是/否项")
    if operator not in (">=", "<=", "=="):
        raise SettingsError("operator", f"数值项的比较方式应为 >=、<= 或 ==，实为 {operator!r}")
    if not (_is_number(threshold) and threshold >= 0):
        raise SettingsError("threshold", f"{NUMERIC_FACTS[fact_key][0]}的门槛应为非负数值，实为 {threshold!r}")
    if fact_key.startswith("rent_ratio") and threshold > 1:
        raise SettingsError("threshold", f"租金比例以小数表示（0.3 即 30%），实为 {threshold!r}")


def add_bureau_criterion(
    code: str, *, category: str | None, crit_code: str, title: str, fact_key: str, operator: str,
    threshold: Any = None, document: str, article: str | None = None, item: str | None = None,
    actor=None, commit: bool = True,
) -> BureauCriterion:
    """Add an auto criterion built from data, cited to the document the bureau names.

    ``operator`` is ``>=`` / ``<=`` / ``==`` on a numeric fact, ``true`` (or ``==``
    with true/false) on a yes/no fact; anything else is refused."""
    _require_installed(code)
    if not title or not title.strip():
        raise SettingsError("title", "条件名称不能为空")
    _check_criterion(code, category, crit_code, fact_key, operator, threshold, document)
    duplicate = db.session.execute(
        select(BureauCriterion.id).where(BureauCriterion.jurisdiction == code, BureauCriterion.code == crit_code)
    ).first()
    if duplicate:
        raise SettingsError("code", f"{code} 已有条件代码 {crit_code}")
    row = BureauCriterion(
        jurisdiction=code, category=category, code=crit_code, title=title.strip(), fact_key=fact_key,
        operator=operator, threshold=True if operator == "true" else threshold, document=document.strip(),
        article=article, item=item, active=True, created_by_id=getattr(actor, "id", None),
    )
    db.session.add(row)
    db.session.flush()
    audit.record("bureau_criterion.add", row, actor=actor, code=crit_code, fact_key=fact_key,
                 operator=operator, threshold=row.threshold, document=row.document, article=article, item=item)
    if commit:
        _commit()
    return row


def set_calendar_day(day: date, is_workday: bool, *, note: str | None = None, actor=None,
                     commit: bool = True) -> CalendarDay:
    """Enter (or correct) one day of the bureau's working-day calendar."""
    if type(is_workday) is not bool:
        raise SettingsError("is_workday", f"应为是/否，实为 {is_workday!r}")
    row = db.session.get(CalendarDay, day)
    old = None if row is None else row.is_workday
    if row is None:
        row = CalendarDay(day=day)
        db.session.add(row)
    row.is_workday, row.note = is_workday, note
    db.session.flush()
    audit.record("calendar_day.set", object_type="CalendarDay", object_id=day.isoformat(), actor=actor,
                 old=old, new=is_workday, note=note)
    if commit:
        _commit()
    return row


# The years a bureau may enter: a notice published today runs at most into next year,
# and a calendar of the distant past or future is a typing error.
CALENDAR_YEARS = range(2000, 2101)


def parse_calendar_lines(text: str | None, key: str) -> list[tuple[date, str | None]]:
    """The days an officer lists, one line each: ``2027-02-05 除夕`` or a range
    ``2027-02-05~2027-02-11 春节`` (the note is optional).  Refuses a line it cannot
    read with :class:`SettingsError` naming ``key`` and the line."""
    days: list[tuple[date, str | None]] = []
    for number, raw in enumerate((text or "").splitlines(), start=1):
        line = raw.strip()
        if not line:
            continue
        head, _, note = line.partition(" ")
        first, sep, last = head.replace("～", "~").partition("~")
        try:
            start = date.fromisoformat(first)
            end = date.fromisoformat(last) if sep else start
        except ValueError:
            raise SettingsError(key, f"第 {number} 行“{line[:40]}”不是日期：请写成 2027-02-05，"
                                     f"或 2027-02-05~2027-02-11 表示连续几天") from None
        if end < start or (end - start).days > 31:
            raise SettingsError(key, f"第 {number} 行的日期范围 {start}~{end} 不合理（应先早后晚，且不超过一个月）")
        while start <= end:
            days.append((start, note.strip() or None))
            start += timedelta(days=1)
    return days


def set_calendar_year(
    year: int, *, rest_days: list[tuple[date, str | None]], workdays: list[tuple[date, str | None]],
    complete: bool, document: str | None = None, actor=None, commit: bool = True,
) -> CalendarYear:
    """Enter a year's holiday arrangement in one go: its rest days and make-up working
    days replace every day entered for that year before, and ``complete`` says whether
    this is the whole arrangement (then the year counts as known; CONTRACTS §3).

    Statutory holidays (``core.workdays.statutory_holidays``) rest without being
    listed.  Refuses, writing nothing, a year out of range, a day of another year, a day
    listed both ways, or a year marked complete without the document it follows."""
    if type(year) is not int or year not in CALENDAR_YEARS:
        raise SettingsError("year", f"年份应在 {CALENDAR_YEARS.start} 至 {CALENDAR_YEARS.stop - 1} 之间，实为 {year!r}")
    if type(complete) is not bool:
        raise SettingsError("complete", f"应为是/否，实为 {complete!r}")
    document = (document or "").strip() or None
    if complete and document is None:
        raise SettingsError("document", "标记为完整时须注明所依据的国务院办公厅放假安排通知")
    wanted: dict[date, tuple[bool, str | None]] = {}
    for key, listed, working in (("rest_days", rest_days, False), ("workdays", workdays, True)):
        for day, note in listed:
            if day.year != year:
                raise SettingsError(key, f"{day.isoformat()} 不在 {year} 年")
            if day in wanted and wanted[day][0] != working:
                raise SettingsError("workdays", f"{day.isoformat()} 同时列为休息日和调休上班日")
            wanted[day] = (working, note)
    existing = {r.day: r for r in db.session.scalars(
        select(CalendarDay).where(CalendarDay.day >= date(year, 1, 1), CalendarDay.day <= date(year, 12, 31)))}
    old_days = {d.isoformat(): r.is_workday for d, r in sorted(existing.items())}
    for day, row in existing.items():
        if day not in wanted:
            db.session.delete(row)
    for day, (working, note) in wanted.items():
        row = existing.get(day) or CalendarDay(day=day)
        row.is_workday, row.note = working, note
        db.session.add(row)
    row = db.session.get(CalendarYear, year)
    old_complete = None if row is None else row.complete
    if row is None:
        row = CalendarYear(year=year)
        db.session.add(row)
    row.complete, row.document, row.updated_by_id = complete, document, getattr(actor, "id", None)
    db.session.flush()
    audit.record("calendar_year.set", object_type="CalendarYear", object_id=year, actor=actor,
                 old_complete=old_complete, complete=complete, document=document, old_days=old_days,
                 days={d.isoformat(): w for d, (w, _) in sorted(wanted.items())})
    if commit:
        _commit()
    return row
