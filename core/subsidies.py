"""Subsidy entitlements (CONTRACTS §4): what money the policy fixes for an event.

The rules are the plugins' (``zc_subsidy_rules``) for the version in force; a rule
that names a ``setting_key`` takes its amount from the bureau's setting when one is
set (Xuzhou's "20 万元左右"), and says so.  Support without a fixed amount is listed
with ``amount_cny`` None and counts 0.  Used by ``zhongchuang subsidies`` and by the
award step, which stores the same entitlements.
"""
from __future__ import annotations

from datetime import date
from typing import Any

from core import settings
from core.eligibility import EvaluationError, check_jurisdiction
from core.jurisdictions import registry
from core.policy import PolicyVersion, SubsidyRule

__all__ = ["EVENTS", "LEVELS", "GRADES", "entitlement", "entitlements"]

EVENTS = {"recognized": "认定", "evaluated": "评估"}
LEVELS = {"national": "国家级", "provincial": "省级", "municipal": "市级"}
GRADES = {"excellent": "优秀", "good": "良好", "qualified": "合格", "unqualified": "不合格"}


def _check_choice(key: str, value: str | None, choices: dict[str, str]) -> None:
    if value is not None and value not in choices:
        raise EvaluationError(key, f"无效的取值 {value}（可用：{'、'.join(choices)}）")


def entitlement(rule: SubsidyRule, data: settings.BureauData) -> dict[str, Any]:
    """One rule as an entitlement: its amount (the bureau's where it may set one)."""
    amount = rule.amount_cny
    notes = [rule.note] if rule.note else []
    setting = data.settings.get(rule.setting_key) if rule.setting_key else None
    if setting is not None:
        amount = setting.value
        where = "、".join(p for p in (setting.document, setting.article) if p) or "主管部门设置"
        notes.append(f"金额为主管部门设置（{rule.setting_key}，依据：{where}）"
                     + (f"：{setting.note}" if setting.note else ""))
    if amount is None:
        notes.append("政策未规定具体金额，不计入合计")
    return {"kind": rule.name, "amount_cny": amount, "citation": rule.citation.to_dict(),
            "note": "；".join(notes), "rule": rule.code}


def entitlements(code: str, event: str, level: str | None = None, grade: str | None = None,
                 as_of: date | None = None, *, policy: PolicyVersion | None = None) -> dict[str, Any]:
    """``{"entitlements": [...], "total_cny": N}`` for ``event`` (``recognized`` with a
    ``level``, ``evaluated`` with a ``grade``) under the version in force on ``as_of``
    (default today) or the given ``policy``.  Adds ``policy`` and ``warnings``.

    With no version in force nothing is granted and ``warnings`` says so.
    """
    check_jurisdiction(code)
    _check_choice("event", event, EVENTS)
    _check_choice("level", level, LEVELS)
    _check_choice("grade", grade, GRADES)
    as_of = as_of or date.today()
    data = settings.load_bureau_data(code)
    warnings: list[str] = []
    if policy is None:
        policy = settings.policy_in_force(code, as_of, data)
    if policy is None:
        nearest = settings.nearest_policy(code, as_of, data)
        warnings.append(f"{as_of.isoformat()} {code} 无有效政策"
                        + (f"（最近的版本 {nearest.document} 有效期至 {nearest.effective_to}）" if nearest else "")
                        + "，不列支持事项")
        return {"entitlements": [], "total_cny": 0, "policy": nearest.to_dict() if nearest else None,
                "warnings": warnings}
    rules = registry().subsidy_rules(code, settings.base_policy(code, policy, data))
    items = [entitlement(r, data) for r in rules if r.matches(event, level, grade)]
    total = sum(e["amount_cny"] for e in items if e["amount_cny"] is not None)
    return {"entitlements": items, "total_cny": total, "policy": policy.to_dict(), "warnings": warnings}
