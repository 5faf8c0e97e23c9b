"""The facts of an application (CONTRACTS §1), parsed and validated in one place.

Every way facts come in — ``zhongchuang evaluate FACTS.json``, the web forms of
each jurisdiction, demo data — goes through ``parse_facts``, so criteria can
rely on typed, checked values (dates are ``datetime.date``, areas are numbers,
``public_area_m2 <= total_area_m2``…) and never re-validate.  Bad input raises
``FactsError``, whose ``str()`` is one line naming the offending key, as the
command line must print it (CONTRACTS §2).

The 统一社会信用代码 is checked as issued: the check character of
GB 32100-2015 over the whole code, and the check character of GB 11714-1997
over the organisation code embedded in characters 9–17.

Pure Python and deliberately plain (no pydantic): a benchmark parses 100 000
applications.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache

__all__ = [
    "FactsError",
    "TooManyDigits",
    "MAX_QUANTITY",
    "Resident",
    "Facts",
    "parse_facts",
    "FACT_KEYS",
    "OPTIONAL_FACT_KEYS",
    "fact_value",
    "RESIDENT_KEYS",
    "ENTITY_TYPES",
    "PREMISES_TENURES",
    "RESIDENT_KINDS",
    "MANAGEMENT_RULES",
    "SERVICES",
    "PROVINCE_CODES",
    "USCC_ALPHABET",
    "uscc_check_char",
    "is_valid_uscc",
    "org_code_check_char",
    "is_valid_org_code",
    "make_uscc",
]
from core.platform.errors import Refused
from core.platform.labels import ENTITY_TYPE_LABELS, FACT_LABELS
from core.numbers import number_text


# ---------------------------------------------------------------------------
# Errors
# ---------------------------------------------------------------------------


class FactsError(Refused):
    """Bad application facts: ``key`` names the offending key, ``message`` says why (Chinese).

    ``key`` is a dotted path for nested values (``residents[3].entered_on``);
    ``str(err)`` is a single line ``key: message`` fit for standard error.
    """


# ---------------------------------------------------------------------------
# Code lists
# ---------------------------------------------------------------------------

ENTITY_TYPES: Mapping[str, object] = ENTITY_TYPE_LABELS  # the codes allowed; their words: the catalogue
PREMISES_TENURES: Mapping[str, str] = {"owned": "自有", "leased": "租赁"}
RESIDENT_KINDS: Mapping[str, str] = {"team": "创业团队", "enterprise": "企业"}

# Known codes of the open-ended lists (other strings are allowed and kept).
MANAGEMENT_RULES: Mapping[str, str] = {
    "admission": "入驻评估准入制度",
    "finance": "财务管理制度",
    "operations": "日常管理服务制度",
}
SERVICES: Mapping[str, str] = {
    "registration": "工商注册",
    "legal": "法律法务",
    "finance": "金融服务",
    "policy": "政策咨询",
    "roadshow": "项目路演",
    "training": "创业培训",
    "tech_transfer": "技术转移",
    "ip": "知识产权",
    "investment_matching": "投融资对接",
    "international": "国际合作",
    "translation": "翻译服务",
    "testing": "检验检测",
}

# GB/T 2260 province-level codes (first two digits of a division code).
PROVINCE_CODES = frozenset(
    [f"{n:02d}" for n in (*range(11, 16), *range(21, 24), *range(31, 38),
                          *range(41, 47), *range(50, 55), *range(61, 66))]
    + ["71", "81", "82"]
)


# ---------------------------------------------------------------------------
# 统一社会信用代码 (GB 32100-2015) and 组织机构代码 (GB 11714-1997)
# ---------------------------------------------------------------------------

# GB 32100-2015 §4: the code's alphabet — digits and capital letters except
# I, O, S, V, Z (easily confused with 1, 0, 5, U, 2) — valued 0..30.
USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_USCC_VALUE = {c: i for i, c in enumerate(USCC_ALPHABET)}
# GB 32100-2015 §5 / 附录A: weight of position i is 3**i mod 31.
_USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
_USCC_RE = re.compile(f"[{USCC_ALPHABET}]{{18}}")

# GB 11714-1997 §5: body characters 0-9 → 0-9, A-Z → 10-35; weights 3,7,9,10,5,8,4,2.
_ORG_VALUE = {c: i for i, c in enumerate("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ")}
_ORG_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)


def uscc_check_char(first17: str) -> str:
    """The GB 32100-2015 check character (18th) for the first 17 characters.

    C18 = 31 - (Σ value(Ci) × Wi mod 31), where 31 becomes 0; raises
    ``ValueError`` for a wrong length or a character outside the alphabet.
    """
    if len(first17) != 17:
        raise ValueError(f"需要 17 位，实为 {len(first17)} 位")
    try:
        total = sum(_USCC_VALUE[c] * w for c, w in zip(first17, _USCC_WEIGHTS))
    except KeyError as exc:
        raise ValueError(f"字符 {exc.args[0]!r} 不属于统一社会信用代码字符集") from None
    return USCC_ALPHABET[(31 - total % 31) % 31]


def org_code_check_char(first8: str) -> str:
    """The GB 11714-1997 check character (9th) of an organisation code's 8-character body.

    C9 = 11 - (Σ value(Ci) × Wi mod 11); 10 is written "X", 11 is "0".
    """
    if len(first8) != 8:
        raise ValueError(f"需要 8 位，实为 {len(first8)} 位")
    try:
        total = sum(_ORG_VALUE[c] * w for c, w in zip(first8, _ORG_WEIGHTS))
    except KeyError as exc:
        raise ValueError(f"字符 {exc.args[0]!r} 不属于组织机构代码字符集") from None
    check = 11 - total % 11
    return "X" if check == 10 else "0" if check == 11 else str(check)


def is_valid_org_code(s: str) -> bool:
    """Whether ``s`` is a 9-character organisation code with a correct GB 11714-1997 check."""
    if not isinstance(s, str) or len(s) != 9:
        return False
    try:
        return org_code_check_char(s[:8]) == s[8]
    except ValueError:
        return False


def _uscc_problem(s: str) -> str | None:
    """Why ``s`` is not a valid 统一社会信用代码, or None when it is."""
    if len(s) != 18:
        return f"统一社会信用代码应为 18 位，实为 {len(s)} 位"
    if not _USCC_RE.fullmatch(s):
        bad = next(c for c in s if c not in _USCC_VALUE)
        return (f"统一社会信用代码含非法字符 {_show(bad)}"
                "（只能是数字和除 I、O、S、V、Z 外的大写字母，GB 32100-2015）")
    expected = uscc_check_char(s[:17])
    if s[17] != expected:
        return f"统一社会信用代码校验码错误：第 18 位为 {s[17]}，按 GB 32100-2015 应为 {expected}"
    org = s[8:17]
    expected = org_code_check_char(org[:8])
    if org[8] != expected:
        return (f"统一社会信用代码第 9–17 位的组织机构代码 {org[:8]}-{org[8]} 校验码错误，"
                f"按 GB 11714-1997 应为 {expected}")
    return None


def is_valid_uscc(s: str) -> bool:
    """Whether ``s`` is an 18-character 统一社会信用代码 passing both check characters."""
    return isinstance(s, str) and _uscc_problem(s) is None


def make_uscc(region6: str, org_code_first8: str = "MA6X0001", prefix: str = "91") -> str:
    """Build a valid 统一社会信用代码 (for tests and demo data).

    ``prefix`` is the registering authority and entity category (91 = 工商 /
    企业), ``region6`` the registering authority's division code, and
    ``org_code_first8`` the body of the organisation code; both check
    characters are computed.
    """
    if len(prefix) != 2 or len(region6) != 6:
        raise ValueError("prefix 应为 2 位，region6 应为 6 位")
    first17 = prefix + region6 + org_code_first8 + org_code_check_char(org_code_first8)
    return first17 + uscc_check_char(first17)


# ---------------------------------------------------------------------------
# The facts
# ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Resident:
    """An enterprise or start-up team in the space (入驻企业或创业团队)."""

    name: str
    kind: str  # "team" | "enterprise"
    qualifying_field: bool  # 高新技术领域、创意设计或当地重点产业
    entered_on: date
    established_on: date | None
    registered_in_space: bool

    def to_json_dict(self) -> dict:
        return {
            "name": self.name,
            "kind": self.kind,
            "qualifying_field": self.qualifying_field,
            "entered_on": self.entered_on.isoformat(),
            "established_on": self.established_on.isoformat() if self.established_on else None,
            "registered_in_space": self.registered_in_space,
        }


@dataclass(frozen=True, slots=True)
class Facts:
    """The checked facts of one application; attribute names are the keys of CONTRACTS §1.

    ``warnings`` holds remarks that do not make the input bad (Chinese), e.g.
    a USCC registered in another region than ``registered_region``.
    """

    applicant_name: str
    uscc: str
    entity_type: str
    independent_legal_person: bool
    registered_region: str
    space_name: str
    space_region: str
    space_opened_on: date
    total_area_m2: float
    public_area_m2: float
    workstations: int
    premises_tenure: str
    lease_years: float
    commercial_premises: bool
    infrastructure_complete: bool
    rent_ratio_year1: float
    rent_ratio_year2: float
    rent_ratio_year3: float
    management_staff: int
    full_time_staff: int
    mentors: int
    management_rules: tuple[str, ...]
    separate_accounting: bool
    services: tuple[str, ...]
    investor_partners: int
    seed_fund: bool
    investment_projects: int
    online_platform: bool
    rd_facilities: bool
    residents: tuple[Resident, ...]
    contracted_residents_last_year: int
    new_enterprises_last_year: int
    financed_teams_last_year: int
    typical_cases_last_year: int
    events_last_year: int
    # Optional keys (absent = their default), after the required ones.
    hosted_by_operating_unit: bool = False
    warnings: tuple[str, ...] = field(default=())

    def to_json_dict(self) -> dict:
        """The facts as a JSON-ready dict with the CONTRACTS keys (``warnings`` is not one).

        ``parse_facts(f.to_json_dict()) == f``.
        """
        out = {}
        for key in FACT_KEYS + OPTIONAL_FACT_KEYS:
            value = getattr(self, key)
            if isinstance(value, date):
                value = value.isoformat()
            elif key == "residents":
                value = [r.to_json_dict() for r in value]
            elif isinstance(value, tuple):
                value = list(value)
            out[key] = value
        return out


# ---------------------------------------------------------------------------
# Parsing
# ---------------------------------------------------------------------------

# Chinese labels, used in error messages (the terms of the policies): the label catalogue's.
_LABELS = FACT_LABELS

_DATE_RE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_REGION_RE = re.compile(r"[0-9]{6}")


def _show(value: object) -> str:
    """A value as in JSON, on one line and short (error messages are one line).

    Never fails: an int of more digits than Python prints (4300) is described, a lone
    surrogate (``"\\ud800"``) is shown escaped — the message must reach a terminal or
    a page encoded as UTF-8."""
    if type(value) is int and value.bit_length() > 200:
        return f"{_digits(value)} 位的整数"
    try:
        text = json.dumps(value, ensure_ascii=False)
    except (TypeError, ValueError, RecursionError):
        try:
            text = repr(value).replace("\n", " ")
        except (ValueError, RecursionError):
            text = type(value).__name__
    text = text if len(text) <= 40 else text[:37] + "…"
    return text.encode("utf-8", "backslashreplace").decode("utf-8")


def _digits(value: int) -> int:
    """The number of decimal digits of ``value`` without printing it (str() refuses 4300+)."""
    n = abs(value)
    digits = max(1, int(n.bit_length() * 0.30102999566398114))
    while 10 ** digits <= n:
        digits += 1
    while digits > 1 and 10 ** (digits - 1) > n:
        digits -= 1
    return digits


# The largest quantity a fact may hold (areas in ㎡, counts, years): our limit, far above
# any real space (a billion), so that sums, ratios and the printed form never overflow.
MAX_QUANTITY = 10**9


def _too_large(v: object) -> _Invalid:
    return _Invalid(lambda label: f"{label}数值过大（{_show(v)}），不能超过 {MAX_QUANTITY:,}，请核实")


def _bad_text(v: str) -> str | None:
    """Why a string cannot be stored or printed (a lone UTF-16 surrogate such as
    ``\\ud800``, which no UTF-8 text can hold), or None."""
    try:
        v.encode("utf-8")
    except UnicodeEncodeError as exc:
        return f"含无效字符 U+{ord(v[exc.start]):04X}（孤立的代理项，不是合法的 Unicode 文字），请检查来源文本"
    return None


class TooManyDigits:
    """A JSON integer written with more digits than any fact has (a reader's
    ``parse_int`` gives this instead of reading it): refused naming its key."""

    __slots__ = ("digits",)

    def __init__(self, digits: int) -> None:
        self.digits = digits

    def __repr__(self) -> str:
        return f"{self.digits} 位的整数"


def _describe(value: object) -> str:
    """What a wrongly typed value is, in Chinese (JSON terms)."""
    if isinstance(value, TooManyDigits):
        return f"{value.digits} 位的整数（位数过多）"
    if value is None:
        return "null"
    if isinstance(value, bool):
        return f"布尔值 {_show(value)}"
    if isinstance(value, (int, float)):
        return f"数值 {_show(value)}"
    if isinstance(value, str):
        return f"字符串 {_show(value)}"
    if isinstance(value, (list, tuple)):
        return "列表"
    if isinstance(value, Mapping):
        return "对象"
    return type(value).__name__


class _Invalid(Exception):
    """Raised by the value parsers; the caller adds the key and the Chinese label.

    Labels and key paths (``residents[3].entered_on``) are built only when a
    value is bad, which keeps the common path fast.
    """

    __slots__ = ("render", "subkey")

    def __init__(self, render, subkey: str = "") -> None:
        self.render = render  # label -> message
        self.subkey = subkey  # appended to the key, e.g. "[2]" for a list item


def _wrong_type(expected: str, value: object) -> _Invalid:
    return _Invalid(lambda label: f"{label}应为{expected}，实为{_describe(value)}")


# Each parser takes the raw value and returns the typed value or raises _Invalid.

def _p_str(v: object) -> str:
    if type(v) is not str:
        raise _wrong_type("字符串", v)
    if not v.strip():
        raise _Invalid(lambda label: f"{label}不能为空")
    problem = _bad_text(v)
    if problem:
        raise _Invalid(lambda label: f"{label}{problem}")
    return v


def _p_bool(v: object) -> bool:
    # JSON true/false only: 0/1 or "是" are not accepted, a form must say what it means.
    if type(v) is not bool:
        raise _wrong_type("布尔值（true / false）", v)
    return v


def _p_number(v: object) -> float:
    """A number ≥ 0, kept as given (int stays int: messages print 620, not 620.0)."""
    t = type(v)
    # bool is a subclass of int in Python but never a number here: type() is exact.
    if t is not int and t is not float:
        raise _wrong_type("数值", v)
    if v >= 0:  # false for nan
        if t is float and v == math.inf:
            raise _Invalid(lambda label: f"{label}应为有限数值，实为 {v}")
        if v > MAX_QUANTITY:
            raise _too_large(v)
        return v
    if v != v:
        raise _Invalid(lambda label: f"{label}应为有限数值，实为 {v}")
    raise _Invalid(lambda label: f"{label}不能为负数，实为 {_show(v)}")


def _p_int(v: object) -> int:
    """A count ≥ 0; a float without fractional part (48.0) is taken as that int."""
    t = type(v)
    if t is int:
        if 0 <= v <= MAX_QUANTITY:
            return v
    elif t is float:
        if not v.is_integer():  # also true for inf / nan
            raise _Invalid(lambda label: f"{label}应为整数，实为 {v}")
        if 0 <= v <= MAX_QUANTITY:
            return int(v)
    else:
        raise _wrong_type("整数", v)
    if v > MAX_QUANTITY:
        raise _too_large(v)
    raise _Invalid(lambda label: f"{label}不能为负数，实为 {_show(v)}")


def _p_ratio(v: object) -> float:
    t = type(v)
    if t is not int and t is not float:
        raise _wrong_type("0 到 1 之间的数值", v)
    if not 0 <= v <= 1:  # also refuses nan
        raise _Invalid(
            lambda label: f"{label}应在 0 到 1 之间（按小数填写，0.3 表示 30%），实为 {_show(v)}"
        )
    return v


@lru_cache(maxsize=8192)
def _date_from_text(v: str) -> date | None:
    """The date written ``YYYY-MM-DD`` (ASCII digits only), or None when it does not exist.

    Cached: the dates of one space's residents repeat a lot.
    """
    try:
        return date(int(v[:4]), int(v[5:7]), int(v[8:]))
    except ValueError:
        return None


def _p_date(v: object) -> date:
    t = type(v)
    if t is str:
        if _DATE_RE.fullmatch(v):
            d = _date_from_text(v)
            if d is not None:
                return d
            raise _Invalid(lambda label: f"{label} {v} 不是存在的日期")
        raise _Invalid(lambda label: f"{label}应为 YYYY-MM-DD 格式的日期，实为 {_show(v)}")
    # A Python caller (the web form) may hand over a date; JSON has strings.
    if t is date:
        return v
    raise _wrong_type("YYYY-MM-DD 格式的日期字符串", v)


def _p_optional_date(v: object) -> date | None:
    return None if v is None else _p_date(v)


def _p_region(v: object) -> str:
    if type(v) is not str:
        raise _wrong_type("六位数字的字符串", v)
    if not _REGION_RE.fullmatch(v):
        raise _Invalid(lambda label: f"{label}应为六位数字（GB/T 2260），实为 {_show(v)}")
    if v[:2] not in PROVINCE_CODES:
        raise _Invalid(lambda label: f"{label} {v} 的前两位 {v[:2]} 不是 GB/T 2260 的省级行政区划代码")
    return v


def _p_uscc(v: object) -> str:
    if type(v) is not str:
        raise _wrong_type("18 位字符串", v)
    problem = _uscc_problem(v)
    if problem:
        raise _Invalid(lambda label: f"{problem}（{_show(v)}）")
    return v


def _enum(allowed: Mapping[str, str]):
    choices = " / ".join(allowed)

    def parse(v: object) -> str:
        if type(v) is not str:
            raise _wrong_type(f"{choices} 之一", v)
        if v not in allowed:
            raise _Invalid(lambda label: f"{label}应为 {choices} 之一，实为 {_show(v)}")
        return v

    return parse


def _p_str_list(v: object) -> tuple[str, ...]:
    if type(v) is not list and type(v) is not tuple:
        raise _wrong_type("字符串列表", v)
    for i, item in enumerate(v):
        if type(item) is not str:
            raise _Invalid(
                lambda label: f"{label}第 {i + 1} 项应为字符串，实为{_describe(item)}", f"[{i}]"
            )
        problem = _bad_text(item)
        if problem:
            raise _Invalid(lambda label: f"{label}第 {i + 1} 项{problem}", f"[{i}]")
    return tuple(v)


_RESIDENT_FIELDS = (
    ("name", _p_str),
    ("kind", _enum(RESIDENT_KINDS)),
    ("qualifying_field", _p_bool),
    ("entered_on", _p_date),
    ("established_on", _p_optional_date),
    ("registered_in_space", _p_bool),
)


def _resident_error(i: int, name: str | None, err: _Invalid | None) -> FactsError:
    """The FactsError for resident ``i`` (0-based): its key path and a Chinese label."""
    who = f"第 {i + 1} 个入驻企业或团队"
    if name is None:
        return FactsError(f"residents[{i}]", err.render(who))
    label = f"{who}的{_LABELS[name]}"
    if err is None:
        return FactsError(f"residents[{i}].{name}", f"缺少必填项（{label}）")
    return FactsError(f"residents[{i}].{name}", err.render(label))


def _resident_slow(i: int, item: object) -> Resident:
    """Parse resident ``i`` field by field, in order; raises the FactsError of the first bad field."""
    if not isinstance(item, Mapping):
        raise _resident_error(i, None, _wrong_type("对象", item))
    values = []
    for name, parse in _RESIDENT_FIELDS:
        try:
            values.append(parse(item[name]))
        except KeyError:
            if name in item:
                raise
            raise _resident_error(i, name, None) from None
        except _Invalid as err:
            raise _resident_error(i, name, err) from None
    return Resident(*values)


def _fast_resident(item: dict) -> Resident | None:
    """The usual, well-formed resident without a call per field, or None to take the slow path.

    A space lists dozens of residents and a benchmark parses 100 000
    applications, so this accepts exactly what ``_RESIDENT_FIELDS`` accepts
    for plain JSON values, and leaves anything else — including every error —
    to ``_resident_slow``, which is authoritative.
    """
    name = item.get("name")
    kind = item.get("kind")
    qualifying = item.get("qualifying_field")
    registered = item.get("registered_in_space")
    entered = item.get("entered_on")
    established = item.get("established_on", _MISSING)
    if not (
        type(name) is str and type(kind) is str and kind in RESIDENT_KINDS
        and type(qualifying) is bool and type(registered) is bool
        and type(entered) is str and _DATE_RE.fullmatch(entered)
        and name.strip() and name.isprintable()  # not printable (a lone surrogate…): the slow path says why
    ):
        return None
    entered = _date_from_text(entered)
    if entered is None:
        return None
    if established is not None:
        if type(established) is not str or not _DATE_RE.fullmatch(established):
            return None
        established = _date_from_text(established)
        if established is None:
            return None
    return Resident(name, kind, qualifying, entered, established, registered)


_MISSING = object()


def _p_residents(v: object) -> tuple[Resident, ...]:
    # Errors come out as FactsError directly: only here is the index known.
    if type(v) is not list and type(v) is not tuple:
        raise _wrong_type("列表", v)
    out = []
    for i, item in enumerate(v):
        resident = _fast_resident(item) if type(item) is dict else None
        out.append(resident or _resident_slow(i, item))
    return tuple(out)


# CONTRACTS §1, in its order (the first bad key in this order is the one reported).
_FIELDS = (
    ("applicant_name", _p_str),
    ("uscc", _p_uscc),
    ("entity_type", _enum(ENTITY_TYPES)),
    ("independent_legal_person", _p_bool),
    ("registered_region", _p_region),
    ("space_name", _p_str),
    ("space_region", _p_region),
    ("space_opened_on", _p_date),
    ("total_area_m2", _p_number),
    ("public_area_m2", _p_number),
    ("workstations", _p_int),
    ("premises_tenure", _enum(PREMISES_TENURES)),
    ("lease_years", _p_number),  # required even for owned premises (criteria just don't read it)
    ("commercial_premises", _p_bool),
    ("infrastructure_complete", _p_bool),
    ("rent_ratio_year1", _p_ratio),
    ("rent_ratio_year2", _p_ratio),
    ("rent_ratio_year3", _p_ratio),
    ("management_staff", _p_int),
    ("full_time_staff", _p_int),
    ("mentors", _p_int),
    ("management_rules", _p_str_list),
    ("separate_accounting", _p_bool),
    ("services", _p_str_list),
    ("investor_partners", _p_int),
    ("seed_fund", _p_bool),
    ("investment_projects", _p_int),
    ("online_platform", _p_bool),
    ("rd_facilities", _p_bool),
    ("residents", _p_residents),
    ("contracted_residents_last_year", _p_int),
    ("new_enterprises_last_year", _p_int),
    ("financed_teams_last_year", _p_int),
    ("typical_cases_last_year", _p_int),
    ("events_last_year", _p_int),
)

# Keys a file may leave out, with the value their absence means (CONTRACTS §1).
_OPTIONAL_FIELDS = (
    ("hosted_by_operating_unit", _p_bool, False),
)

FACT_KEYS: tuple[str, ...] = tuple(key for key, _ in _FIELDS)
OPTIONAL_FACT_KEYS: tuple[str, ...] = tuple(key for key, _, _ in _OPTIONAL_FIELDS)
_ABSENT = {key: absent for key, _, absent in _OPTIONAL_FIELDS}


def fact_value(facts: Mapping, key: str):
    """``facts[key]`` as the contract reads it: an optional key left out is its default
    (so an old application without it and a new one with false do not differ)."""
    return facts.get(key, _ABSENT.get(key))
RESIDENT_KEYS: tuple[str, ...] = tuple(name for name, _ in _RESIDENT_FIELDS)


def parse_facts(data: Mapping) -> Facts:
    """Check the facts of an application (CONTRACTS §1) and return them typed.

    Raises ``FactsError`` naming the first offending key (in CONTRACTS order):
    a missing key, a wrong type (true is not a number, 1 is not a boolean),
    a negative number, a ratio outside 0..1, a public area above the total, a
    date that is not YYYY-MM-DD or does not exist, a region code that is not
    six digits of a GB/T 2260 province, a value outside an enumeration, or a
    统一社会信用代码 failing GB 32100-2015 / GB 11714-1997.  The optional keys
    (``OPTIONAL_FACT_KEYS``) may be absent — their absence has a meaning, e.g.
    ``hosted_by_operating_unit`` false — and are checked after the required ones.
    Keys the contract does not name are ignored: forms collect more than criteria read.
    """
    if not isinstance(data, Mapping):
        raise FactsError("", f"申报事实应为 JSON 对象，实为{_describe(data)}")
    values = {}
    for key, parse in _FIELDS:
        try:
            values[key] = parse(data[key])
        except KeyError:
            if key in data:  # a KeyError from inside a parser is a bug, not bad input
                raise
            raise FactsError(key, f"缺少必填项（{_LABELS[key]}）") from None
        except _Invalid as err:
            raise FactsError(key + err.subkey, err.render(_LABELS[key])) from None
    for key, parse, absent in _OPTIONAL_FIELDS:
        try:
            values[key] = parse(data[key]) if key in data else absent
        except _Invalid as err:
            raise FactsError(key + err.subkey, err.render(_LABELS[key])) from None

    total, public = values["total_area_m2"], values["public_area_m2"]
    if public > total:
        raise FactsError(
            "public_area_m2",
            f"公共办公场所面积 {number_text(public)} 大于总面积 {number_text(total)}",
        )

    warnings = []
    # GB 32100-2015: characters 3–8 are the registering authority's division code.
    uscc_region = values["uscc"][2:8]
    if uscc_region != values["registered_region"]:
        warnings.append(
            f"统一社会信用代码中的登记管理机关行政区划码 {uscc_region} "
            f"与注册地行政区划代码 {values['registered_region']} 不一致，请核实注册地"
        )
    return Facts(**values, warnings=tuple(warnings))
