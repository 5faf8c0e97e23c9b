"""Reading a return's figures and checking them against the form's rules (CONTRACTS §7).

:func:`read_values` turns what was typed or filed into numbers, or raises
:class:`BadReturn` naming the key (a file that is not a return: an unknown key, a wrong
type, a negative figure, more than two decimals); :func:`check` answers the form's rules:
errors block submission, warnings ask for an explanation.  "以上 / 不少于 / 不超过" include
the number itself: a rule "A 不超过 B" passes with A = B.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from core.policy import StatisticsField, StatisticsForm, StatisticsRule

__all__ = ["BadReturn", "Finding", "Result", "read_values", "read_value", "check", "missing_fields", "as_json"]

TWO_PLACES = Decimal("0.01")
TEXT_LIMIT = 2000


class BadReturn(ValueError):
    """A value that is not a figure of the return; ``key`` names it."""

    def __init__(self, key: str, message: str):
        super().__init__(f"{key}: {message}")
        self.key = key
        self.message = message


@dataclass(frozen=True, slots=True)
class Finding:
    rule: str
    field: str
    message: str
    citation: dict | None = None

    def to_dict(self) -> dict[str, Any]:
        return {"rule": self.rule, "field": self.field, "message": self.message, "citation": self.citation}


@dataclass(slots=True)
class Result:
    errors: list[Finding] = field(default_factory=list)
    warnings: list[Finding] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


def read_value(f: StatisticsField, raw: Any) -> int | Decimal | str | None:
    """One figure from a form field (a string) or a JSON file (a number); None when empty."""
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return None
    if f.kind == "text":
        if not isinstance(raw, str):
            raise BadReturn(f.key, "应为文字")
        if len(raw) > TEXT_LIMIT:
            raise BadReturn(f.key, f"不能超过 {TEXT_LIMIT} 字")
        return raw.strip()
    if isinstance(raw, bool) or not isinstance(raw, (int, float, str, Decimal)):
        raise BadReturn(f.key, "应为数字")
    try:
        number = Decimal(str(raw).strip().replace(",", ""))
    except InvalidOperation:
        raise BadReturn(f.key, "应为数字") from None
    if not number.is_finite():
        raise BadReturn(f.key, "应为数字")
    if number < 0:
        raise BadReturn(f.key, "不能为负数")
    if f.kind == "count":
        if number != number.to_integral_value():
            raise BadReturn(f.key, "应为整数")
        return int(number)
    if number != number.quantize(TWO_PLACES):
        raise BadReturn(f.key, "最多保留两位小数")
    return number.quantize(TWO_PLACES) if number != number.to_integral_value() else Decimal(int(number))


def read_values(form: StatisticsForm, raw: dict[str, Any], *, unknown_ok: bool = False) -> dict[str, Any]:
    """Every figure of ``raw`` read by its field; an unknown key is bad input unless
    ``unknown_ok`` (a web form posts other fields too)."""
    if not isinstance(raw, dict):
        raise BadReturn("return", "应为 JSON 对象")
    fields = {f.key: f for s in form.sections for f in s.fields}
    if not unknown_ok:
        for key in raw:
            if key not in fields:
                raise BadReturn(key, "不是本报表的字段")
    return {key: read_value(f, raw.get(key)) for key, f in fields.items() if key in raw}


def as_json(values: dict[str, Any]) -> dict[str, Any]:
    """Figures as stored: whole numbers as int, money and areas with decimals as float."""
    out: dict[str, Any] = {}
    for key, value in values.items():
        if isinstance(value, Decimal):
            out[key] = int(value) if value == value.to_integral_value() else float(value)
        else:
            out[key] = value
    return out


def _number(values: dict[str, Any], key: str) -> Decimal | None:
    value = values.get(key)
    if value is None or isinstance(value, str):
        return None
    return Decimal(str(value))


def missing_fields(form: StatisticsForm, values: dict[str, Any]) -> list[StatisticsField]:
    return [f for s in form.sections for f in s.fields if f.required and values.get(f.key) is None]


def _fails(rule: StatisticsRule, values: dict[str, Any], previous: dict[str, Any] | None) -> bool:
    value = _number(values, rule.field)
    if value is None:
        return False  # a figure not yet entered is reported as missing, not as inconsistent
    if rule.test in ("at_most", "at_least"):
        if rule.parts:
            parts = [_number(values, p) for p in rule.parts]
            if any(p is None for p in parts):
                return False
            bound = sum(parts, Decimal(0))
        else:
            bound = _number(values, rule.other or "")
            if bound is None:
                return False
        return value > bound if rule.test == "at_most" else value < bound
    if rule.test == "sum_at_most":
        parts = [_number(values, p) for p in rule.parts]
        known = [p for p in parts if p is not None]
        return bool(known) and sum(known, Decimal(0)) > value
    if rule.test == "together":
        other = _number(values, rule.other or "")
        if other is None:
            return False
        return (value > 0) != (other > 0)
    if rule.test == "growth":
        before = _number(previous or {}, rule.field)
        if before is None or before <= 0 or not rule.factor:
            return False
        factor = Decimal(str(rule.factor))
        # "相差5倍以上" includes 5×: 100 after 20 is flagged, 99 is not
        return value >= before * factor or value * factor <= before
    raise ValueError(f"unknown rule test {rule.test}")


def check(form: StatisticsForm, values: dict[str, Any], previous: dict[str, Any] | None = None,
          *, require_all: bool = True) -> Result:
    """The form's rules on ``values`` (read by :func:`read_values`); ``previous`` is last
    year's accepted return, for the growth warnings.  A required figure left empty is an
    error of the rule ``required`` when ``require_all``."""
    result = Result()
    if require_all:
        for f in missing_fields(form, values):
            result.errors.append(Finding("required", f.key, f"请填写{f.label}"))
    for rule in form.rules:
        if _fails(rule, values, previous):
            finding = Finding(rule.id, rule.field, rule.message, rule.citation.to_dict() if rule.citation else None)
            (result.errors if rule.severity == "error" else result.warnings).append(finding)
    return result
