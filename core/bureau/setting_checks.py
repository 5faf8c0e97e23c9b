"""What a bureau setting may be: its kind, its range (issue 13), and the checks of the
settings whose values have a shape of their own (certificate numbers, the score sheet).

These validate bureau settings, so they live with the bureau's data; the award and review
packages import them (``core.award.titles``, ``core.review.batches``)."""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from core.bureau.data import (EXPERT_MINIMUM, EXPERT_SAME_DISTRICT, SUPPORT_APPROVER, ASSESSMENT_BANDS, ASSESSMENT_KEYS, ASSESSMENT_WEIGHTS, CERTIFICATE_FORMAT,
                              DECISION_MEETING, NOTICE_DAYS, REVIEW_DIMENSIONS, STAFF_TWO_FACTOR,
                              known_setting_keys, scored_scheme)
from core.numbers import number_text
from core.platform.errors import Refused
from core.platform.jurisdictions import registry


class SettingsError(Refused):
    """A bureau value the system refuses: ``key`` names the field, ``message`` says why
    in Chinese; ``str()`` is one line."""


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
    if key in (CERTIFICATE_FORMAT, REVIEW_DIMENSIONS, DECISION_MEETING, STAFF_TWO_FACTOR, SUPPORT_APPROVER,
               EXPERT_SAME_DISTRICT) + ASSESSMENT_KEYS:
        return None
    if key == EXPERT_MINIMUM:
        return SettingBound(1, 99, " 人", "本局设定：每件申报的评审专家人数，1 至 99")
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


# Our default, not policy: e.g. 昆明市众创〔2026〕001号.  Fields: {name} (the
# jurisdiction's name), {code}, {year}, {number}.  Read by core.award.titles.
DEFAULT_CERTIFICATE_FORMAT = "{name}众创〔{year}〕{number:03d}号"


def check_certificate_format(value) -> None:
    """Refuse a format that could repeat a number (no ``{year}`` or ``{number}``) or that
    does not format."""
    if not isinstance(value, str) or "{number" not in value or "{year" not in value:
        raise SettingsError("value", "证书编号格式须为文字，并包含 {year} 和 {number}（如 "
                            + DEFAULT_CERTIFICATE_FORMAT + "）")
    try:
        sample = value.format(name="某市", code="x", year=2026, number=1)
    except (KeyError, IndexError, ValueError) as exc:
        raise SettingsError("value", f"证书编号格式无法使用：{exc}；可用 {{name}} {{code}} {{year}} {{number}}") \
            from None
    if len(sample) > 60:
        raise SettingsError("value", "证书编号过长（不超过 60 字）")


def check_review_dimensions(value: Any) -> None:
    """A bureau's ``review_dimensions`` (the score sheet of core.review.batches): a list of
    names (out of 100 each) or of {"name": ..., "max": ...}."""
    if not isinstance(value, list) or not value:
        raise SettingsError("value", f"评审打分维度应为非空列表，如 [\"场地\", {{\"name\": \"服务\", \"max\": 30}}]，实为 {value!r}")
    names = []
    for item in value:
        name, top = (item, 100) if isinstance(item, str) else (
            (item.get("name"), item.get("max", 100)) if isinstance(item, dict) else (None, None))
        if not isinstance(name, str) or not name.strip():
            raise SettingsError("value", f"评审打分维度须有名称，实为 {item!r}")
        if type(top) not in (int, float) or not math.isfinite(top) or top <= 0:
            raise SettingsError("value", f"维度“{name}”的满分应为正数，实为 {top!r}")
        names.append(name.strip())
    if len(set(names)) != len(names):
        raise SettingsError("value", "评审打分维度名称重复")


# --- issue 17, annual assessment rounds: weights and grade bands (bureau settings) -------------
#: the scale of a dimension's score and of the weighted total: our reading, docs/assessment.md
SCORE_SCALE = (0, 100)
#: the grades a band may name, best first (below the lowest band a total is 不合格)
BAND_GRADES = {"excellent": "优秀", "good": "良好", "qualified": "合格"}


def check_assessment_weights(code: str, value: Any) -> None:
    """``assessment_weights``: a weight (a number above 0, at most 100) for every dimension
    of the jurisdiction's scheme and for nothing else."""
    scheme = scored_scheme(code)
    dims = {d.code: d.name for d in scheme.dimensions} if scheme else {}
    names = "、".join(f"{c}（{n}）" for c, n in dims.items())
    if not isinstance(value, dict) or not value:
        raise SettingsError("value", f"考核权重应为 {{维度代码: 权重}}，维度：{names}；实为 {_short(value)}")
    unknown = [k for k in value if k not in dims]
    if unknown:
        raise SettingsError("value", f"没有名为 {'、'.join(map(str, unknown))} 的考核维度；维度：{names}")
    missing = [c for c in dims if c not in value]
    if missing:
        raise SettingsError("value", f"缺少维度 {'、'.join(f'{c}（{dims[c]}）' for c in missing)} 的权重")
    for k, w in value.items():
        if not _is_number(w) or not 0 < w <= 100:
            raise SettingsError("value", f"维度“{dims[k]}”的权重应为大于 0、不超过 100 的数，实为 {_short(w)}")


def check_assessment_bands(value: Any) -> None:
    """``assessment_bands``: each grade at most once, its lowest total within 0–100, a better
    grade needing a higher total."""
    low, high = SCORE_SCALE
    example = '[{"grade": "excellent", "min_total": 90}, {"grade": "good", "min_total": 80}, ' \
              '{"grade": "qualified", "min_total": 60}]'
    if not isinstance(value, list) or not value:
        raise SettingsError("value", f"考核等次分数线应为列表，如 {example}；实为 {_short(value)}")
    seen: dict[str, float] = {}
    for item in value:
        grade = item.get("grade") if isinstance(item, dict) else None
        if grade not in BAND_GRADES:
            raise SettingsError("value", f"等次应为 {'、'.join(f'{k}（{v}）' for k, v in BAND_GRADES.items())} 之一"
                                         f"（低于最低分数线即为不合格），实为 {_short(item)}")
        if grade in seen:
            raise SettingsError("value", f"等次“{BAND_GRADES[grade]}”重复")
        floor = item.get("min_total")
        if not _is_number(floor) or not low <= floor <= high or set(item) - {"grade", "min_total"}:
            raise SettingsError("value", f"等次“{BAND_GRADES[grade]}”的最低总分应为 {low} 至 {high} 之间的数，"
                                         f"实为 {_short(floor)}")
        seen[grade] = floor
    ordered = [seen[g] for g in BAND_GRADES if g in seen]
    if any(a <= b for a, b in zip(ordered, ordered[1:])):
        raise SettingsError("value", "较高等次的最低总分应高于较低等次")


def check_setting_value(code: str, key: str, value: Any) -> None:
    """Refuse a value of the wrong kind for ``key``: the kind is that of the policy's
    own value (a count stays a whole number, a list of codes stays a list…)."""
    keys = known_setting_keys(code)
    if key not in keys:
        raise SettingsError("key", f"{code} 没有名为 {key} 的可设置项；可设置：{'、'.join(keys)}")
    label = keys[key]
    if key == CERTIFICATE_FORMAT:
        return check_certificate_format(value)
    if key == REVIEW_DIMENSIONS:
        return check_review_dimensions(value)
    if key == ASSESSMENT_WEIGHTS:
        return check_assessment_weights(code, value)
    if key == ASSESSMENT_BANDS:
        return check_assessment_bands(value)
    if key == EXPERT_MINIMUM:
        if type(value) is not int or not 1 <= value <= 99:
            raise SettingsError("value", f"{label}应为 1 至 99 的整数，实为 {value!r}")
        return None
    if key in (DECISION_MEETING, STAFF_TWO_FACTOR, SUPPORT_APPROVER, EXPERT_SAME_DISTRICT):
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
