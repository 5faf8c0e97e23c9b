"""Subsidy entitlements (CONTRACTS §4): what money the policy fixes for an event.

The rules are the plugins' (``zc_subsidy_rules``) for the version in force; a rule
that names a ``setting_key`` takes its amount from the bureau's setting when one is
set (Xuzhou's "20 万元左右"), and says so.  Support without a fixed amount is listed
with ``amount_cny`` None and counts 0.  Used by ``zhongchuang subsidies`` and by the
award step, which stores the same entitlements.

A rule bound to its own support document (``SubsidyRule.support``, e.g. 云南's
opinion 云政办发〔2016〕65号, which has no end date) is listed whenever that document
is in force on the day, even when no recognition policy is: the recognition policy's
lapse is still said in ``warnings``.
"""
from __future__ import annotations

from datetime import date
from typing import Any

from core.bureau import versions
from core.bureau import data as bureau_data
from core.platform import clock
from core.eligibility.engine import EvaluationError, check_jurisdiction
from core.platform.jurisdictions import registry
from core.policy import PolicyVersion, SubsidyRule

__all__ = ["EVENTS", "LEVELS", "GRADES", "entitlement", "entitlements", "own_document_rules"]

EVENTS = {"recognized": "认定", "evaluated": "评估"}
LEVELS = {"national": "国家级", "provincial": "省级", "municipal": "市级"}
GRADES = {"excellent": "优秀", "good": "良好", "qualified": "合格", "unqualified": "不合格"}


def _check_choice(key: str, value: str | None, choices: dict[str, str]) -> None:
    if value is not None and value not in choices:
        raise EvaluationError(key, f"无效的取值 {value}（可用：{'、'.join(choices)}）")


def entitlement(rule: SubsidyRule, data: bureau_data.BureauData) -> dict[str, Any]:
    """One rule as an entitlement: its amount (the bureau's where it may set one).
    An approximate figure (左右) is marked ``approximate`` while the bureau has not set
    its own amount."""
    amount = rule.amount_cny
    notes = [rule.note] if rule.note else []
    setting = data.settings.get(rule.setting_key) if rule.setting_key else None
    if setting is not None:
        amount = setting.value
        where = "、".join(p for p in (setting.document, setting.article) if p) or "主管部门设置"
        notes.append(f"金额为主管部门设置（依据：{where}）"
                     + (f"：{setting.note}" if setting.note else ""))
    elif rule.approximate:
        notes.append("政策约数：金额为政策所述约数，主管部门可按实际确定")
    if amount is None:
        notes.append("政策未规定具体金额，不计入合计")
    found = {"kind": rule.name, "amount_cny": amount, "citation": rule.citation.to_dict(),
             "note": "；".join(notes), "rule": rule.code}
    if rule.approximate and setting is None:
        found["approximate"] = True
    return found


def own_document_rules(code: str, data: bureau_data.BureauData) -> list[SubsidyRule]:
    """The rules of ``code`` bound to their own support document, whatever their
    window.  The hook is asked for each recognition version (never with None: a
    plugin's contract is a PolicyVersion); a rule met twice counts once."""
    found: dict[str, SubsidyRule] = {}
    reg = registry()
    for version in versions.policies(code, data):
        for rule in reg.subsidy_rules(code, versions.base_policy(code, version, data)):
            if rule.support is not None:
                found.setdefault(rule.code, rule)
    return list(found.values())


def _answer(rules: list[SubsidyRule], data: bureau_data.BureauData, event: str, level: str | None,
            grade: str | None) -> tuple[list[dict[str, Any]], int]:
    items = [entitlement(r, data) for r in rules if r.matches(event, level, grade)]
    return items, sum(e["amount_cny"] for e in items if e["amount_cny"] is not None)


def entitlements(code: str, event: str, level: str | None = None, grade: str | None = None,
                 as_of: date | None = None, *, policy: PolicyVersion | None = None,
                 data: bureau_data.BureauData | None = None) -> dict[str, Any]:
    """``{"entitlements": [...], "total_cny": N}`` for ``event`` (``recognized`` with a
    ``level``, ``evaluated`` with a ``grade``) under the version in force on ``as_of``
    (default today) or the given ``policy``.  Adds ``policy`` and ``warnings``.

    With no version in force only the rules bound to a support document in force on
    ``as_of`` are listed, and ``warnings`` says that no recognition policy is.
    """
    check_jurisdiction(code)
    _check_choice("event", event, EVENTS)
    _check_choice("level", level, LEVELS)
    _check_choice("grade", grade, GRADES)
    as_of = as_of or clock.today()
    data = data if data is not None else bureau_data.load_bureau_data(code)
    warnings: list[str] = []
    if policy is None:
        policy = versions.policy_in_force(code, as_of, data)
    if policy is None:
        nearest = versions.nearest_policy(code, as_of, data)
        own = [r for r in own_document_rules(code, data) if r.in_force_on(as_of)]
        documents = list(dict.fromkeys(r.support.document for r in own))  # type: ignore[union-attr]
        warnings.append(f"{as_of.isoformat()} {registry().installed()[code].name}无有效政策"
                        + (f"（最近的认定政策版本 {nearest.document} 有效期为 {nearest.effective_from}至"
                           f"{nearest.effective_to or '长期'}）" if nearest else "")
                        + (f"，仅列出独立有效的 {'、'.join(documents)} 规定的支持事项" if documents
                           else "，不列支持事项"))
        items, total = _answer(own, data, event, level, grade)
        return {"entitlements": items, "total_cny": total, "policy": nearest.to_dict() if nearest else None,
                "warnings": warnings}
    rules = registry().subsidy_rules(code, versions.base_policy(code, policy, data))
    items, total = _answer([r for r in rules if r.in_force_on(as_of)], data, event, level, grade)
    return {"entitlements": items, "total_cny": total, "policy": policy.to_dict(), "warnings": warnings}
