"""The bureau's own criteria: an auto criterion built from data (a fact key, a comparison,
a threshold) where the encoded policy has none, after the plugin's criteria."""
from __future__ import annotations

from typing import Any

from core.bureau.data import BureauData, _CriterionRow, _data
from core.bureau.fact_catalogue import BOOL_FACTS, NUMERIC_FACTS, OPERATORS
from core.bureau.versions import base_policy
from core.numbers import number_text
from core.platform.jurisdictions import registry
from core.policy import Citation, Criterion, PolicyVersion


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
