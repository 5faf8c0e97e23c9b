"""The eligibility engine: the answer of CONTRACTS §2 for a jurisdiction, a category,
the facts and a date.

Knows no city: it asks ``core.bureau`` (``versions``, ``bureau_criteria``) for the policy version in force on the as-of
date, its parameters (after the bureau's overrides) and its criteria (the plugins'
and the bureau's), and runs each auto criterion's pure check.  An expired policy is
never applied: when no version is in force the verdict says so and names the nearest.

Two ways in: ``evaluate(...)`` for one application, and ``prepare(...)`` once then
``Prepared.evaluate(facts)`` for many (the benchmark, batch re-checks).
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from core.bureau import bureau_criteria, versions
from core.bureau import data as bureau_data
from core.platform.errors import Refused
from core.facts import Facts
from core.platform.jurisdictions import enabled_codes, registry
from core.policy import CheckContext, Criterion, PolicyVersion

__all__ = ["EvaluationError", "Prepared", "prepare", "evaluate", "check_jurisdiction",
           "INELIGIBLE", "PENDING_REVIEW", "NO_POLICY"]

INELIGIBLE = "ineligible"
PENDING_REVIEW = "eligible_pending_review"
NO_POLICY = "no_policy_in_force"


class EvaluationError(Refused):
    """A request the engine cannot answer (unknown jurisdiction or category): ``key``
    names the offending option, ``str()`` is one line."""


def check_jurisdiction(code: str) -> None:
    """Raise unless ``code`` is an installed and enabled jurisdiction."""
    installed = registry().installed()
    if code not in installed:
        known = "、".join(enabled_codes()) or "无"
        raise EvaluationError("jurisdiction", f"未知的辖区代码 {code}（可用：{known}）")
    if code not in enabled_codes():
        raise EvaluationError("jurisdiction", f"辖区 {code}（{installed[code].name}）在本系统中未启用")


@dataclass(frozen=True, slots=True)
class _Compiled:
    """A criterion reduced to what the hot loop needs."""

    id: str
    auto: bool
    citation: dict[str, Any]
    check: Any
    manual_message: str


@dataclass(frozen=True, slots=True)
class Prepared:
    """Policy, parameters and criteria resolved once for (jurisdiction, category, as_of)."""

    jurisdiction: str
    category: str
    as_of: date
    policy: PolicyVersion | None  # the version in force, or None
    nearest: PolicyVersion | None  # named when none is in force
    criteria: tuple[_Compiled, ...]
    context: CheckContext | None
    auto_checks: tuple = ()  # the auto criteria's checks alone, for ``verdict``
    rows: tuple = ()  # (id, check or None for manual, citation dict, manual message) per criterion
    policy_dict: dict | None = None
    warnings: tuple[str, ...] = ()  # about the criteria themselves (none entered yet…)

    def evaluate(self, facts: Facts) -> dict[str, Any]:
        """The CONTRACTS §2 answer for ``facts`` (already parsed)."""
        answer: dict[str, Any] = {
            "jurisdiction": self.jurisdiction,
            "category": self.category,
            "as_of": self.as_of.isoformat(),
        }
        if self.policy is None:
            answer["policy"] = self.nearest.to_dict() if self.nearest else None
            answer["verdict"] = NO_POLICY
            answer["criteria"] = []
            answer["warnings"] = list(facts.warnings) + [self._lapsed_warning()]
            return answer
        ctx = self.context
        results = []
        append = results.append
        failed = False
        # Plain tuples and local names: this loop runs once per criterion per application.
        for cid, check, citation, manual_message in self.rows:
            if check is None:
                append({"id": cid, "kind": "manual", "result": "manual", "citation": citation.copy(),
                        "message": manual_message})
                continue
            try:
                passed, message = check(facts, ctx)
            except (TypeError, KeyError) as exc:
                raise self._unset_parameters(cid, exc) from exc
            if not passed:
                failed = True
            append({"id": cid, "kind": "auto", "result": "pass" if passed else "fail",
                    "citation": citation.copy(), "message": message})
        answer["policy"] = self.policy_dict.copy()
        answer["verdict"] = INELIGIBLE if failed else PENDING_REVIEW
        answer["criteria"] = results
        answer["warnings"] = list(facts.warnings) + list(self.warnings)
        return answer

    def verdict(self, facts: Facts) -> str:
        """Only the verdict (no messages kept): for counting many applications."""
        if self.policy is None:
            return NO_POLICY
        ctx = self.context
        for check in self.auto_checks:
            if not check(facts, ctx)[0]:
                return INELIGIBLE
        return PENDING_REVIEW

    def _unset_parameters(self, criterion_id: str, exc: Exception) -> Exception:
        # A check that trips over a missing number reads a parameter the policy
        # leaves to the bureau and the bureau has not set: say which.
        unset = [k for k, v in self.context.params.items() if v is None]
        if not unset:
            return exc
        return EvaluationError("setting", f"条件 {criterion_id} 所需的局设置尚未录入：{'、'.join(unset)}")

    def _lapsed_warning(self) -> str:
        if self.nearest is None:
            return f"{self.jurisdiction} 没有任何政策版本，未适用任何条件"
        n = self.nearest
        window = f"{n.effective_from.isoformat()}至{n.effective_to.isoformat() if n.effective_to else '长期'}"
        return (f"{self.as_of.isoformat()} 无有效政策：最近的版本 {n.document}《{n.title}》"
                f"有效期为 {window}，未适用任何条件")


def _compile(c: Criterion) -> _Compiled:
    return _Compiled(
        id=c.id,
        auto=c.kind == "auto",
        citation=c.citation.to_dict(),
        check=c.check,
        manual_message=f"由评审专家判断：{c.title}",
    )


def _criteria_warnings(code: str, category: str, policy: PolicyVersion,
                       data: bureau_data.BureauData) -> tuple[str, ...]:
    """A policy whose criteria are in a document the platform does not have checks nothing
    of them until the bureau enters criteria of its own: say so, never a silent "pass"."""
    if policy.criteria_document is None or any(r.category in (None, category) for r in data.criteria):
        return ()
    name = registry().installed()[code].name
    return (f"{name}：{policy.document} 规定认定按{policy.criteria_document}执行，平台未收录该文件，"
            f"主管部门也尚未录入认定条件，因此除众创空间所在地外没有自动判断的条件；"
            f"“待评审”不表示符合认定条件，全部条件由评审专家判断",)


def _check_category(code: str, category: str, policy: PolicyVersion) -> None:
    if policy.category(category) is None:
        known = "、".join(f"{c.code}（{c.name}）" for c in policy.categories)
        raise EvaluationError("category", f"{policy.document} 没有认定类别 {category}（可用：{known}）")


def prepare(code: str, category: str, as_of: date, *, policy: PolicyVersion | None = None,
            params: dict[str, Any] | None = None, criteria: list[Criterion] | None = None,
            data: bureau_data.BureauData | None = None) -> Prepared:
    """Resolve once what every evaluation of (``code``, ``category``, ``as_of``) needs.

    ``policy`` / ``params`` / ``criteria`` may be given (an application judged under
    the version of its submission date, a test); otherwise they come from the plugins
    and the bureau's data, which is read once here.
    """
    check_jurisdiction(code)
    if data is None:
        data = bureau_data.load_bureau_data(code)
    if policy is None:
        policy = versions.policy_in_force(code, as_of, data)
    if policy is None:
        nearest = versions.nearest_policy(code, as_of, data)
        if nearest is not None:
            _check_category(code, category, nearest)
        return Prepared(code, category, as_of, None, nearest, (), None)
    _check_category(code, category, policy)
    if params is None:
        params = versions.parameters(code, policy, data)
    if criteria is None:
        criteria = bureau_criteria.criteria(code, category, policy, data)
    compiled = tuple(_compile(c) for c in criteria)
    return Prepared(
        code, category, as_of, policy, None, compiled, CheckContext(as_of=as_of, params=params),
        auto_checks=tuple(c.check for c in compiled if c.auto),
        rows=tuple((c.id, c.check if c.auto else None, c.citation, c.manual_message) for c in compiled),
        policy_dict=policy.to_dict(),
        warnings=_criteria_warnings(code, category, policy, data),
    )


def evaluate(code: str, category: str, facts: Facts, as_of: date, *, policy: PolicyVersion | None = None,
             params: dict[str, Any] | None = None, criteria: list[Criterion] | None = None) -> dict[str, Any]:
    """The CONTRACTS §2 object for one application.

    Raises :class:`EvaluationError` for an unknown or disabled jurisdiction or a
    category the policy does not have."""
    return prepare(code, category, as_of, policy=policy, params=params, criteria=criteria).evaluate(facts)
