"""The applicant's pre-check: which titles a space may apply for today, and what is
missing.

For every *enabled* jurisdiction the space lies in (``core.location.space_within``,
the rule the criteria on the space's location apply too), under the policy version in force today (``core.bureau``,
with the bureau's versions, parameters and criteria): each category of that policy
judged by the eligibility engine — the verdict and every criterion with its result,
message and citation; manual criteria are for the experts.  A jurisdiction with no
policy in force says so and names the nearest version (an expired policy is never
applied).  Facts that do not parse are reported once, as ``FactsError``.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from core.eligibility import engine as eligibility

from core.bureau import bureau_criteria, versions
from core.bureau import data as bureau_data
from core.facts import Facts, FactsError, parse_facts
from core.platform.jurisdictions import enabled_for_space
from core.policy import Citation, PolicyVersion


@dataclass
class CriterionResult:
    id: str
    title: str
    kind: str  # auto | manual
    result: str  # pass | fail | manual
    message: str
    citation: Citation


@dataclass
class CategoryResult:
    code: str
    name: str
    verdict: str | None = None
    criteria: list[CriterionResult] = field(default_factory=list)
    error: str | None = None  # the engine refused (e.g. a bureau setting not entered yet)
    warnings: list[str] = field(default_factory=list)  # about the criteria (none entered yet…)

    @property
    def missing(self) -> list[CriterionResult]:
        return [c for c in self.criteria if c.result == "fail"]


@dataclass
class JurisdictionResult:
    code: str
    name: str
    policy: PolicyVersion | None
    nearest: PolicyVersion | None = None
    categories: list[CategoryResult] = field(default_factory=list)


@dataclass
class Precheck:
    today: date
    jurisdictions: list[JurisdictionResult]
    facts_error: FactsError | None = None
    warnings: list[str] = field(default_factory=list)


def _judge(code: str, category, policy: PolicyVersion, facts: Facts, today: date,
           data: bureau_data.BureauData) -> CategoryResult:
    result = CategoryResult(category.code, category.name)
    criteria = bureau_criteria.criteria(code, category.code, policy, data)
    titles = {c.id: c.title for c in criteria}
    citations = {c.id: c.citation for c in criteria}
    try:
        prepared = eligibility.prepare(code, category.code, today, policy=policy, criteria=criteria, data=data)
        answer = prepared.evaluate(facts)
    except eligibility.EvaluationError as exc:
        result.error = exc.message
        return result
    result.warnings = list(prepared.warnings)
    result.verdict = answer["verdict"]
    result.criteria = [
        CriterionResult(row["id"], titles.get(row["id"], row["id"]), row["kind"], row["result"],
                        row["message"], citations[row["id"]])
        for row in answer["criteria"]
    ]
    return result


def compute(facts_data: dict, region: str, today: date) -> Precheck:
    """The pre-check of a space whose facts (CONTRACTS §1) are ``facts_data``."""
    covering = enabled_for_space(region).items()
    check = Precheck(today, [])
    facts = None
    try:
        facts = parse_facts(facts_data)
        check.warnings = list(facts.warnings)
    except FactsError as exc:
        check.facts_error = exc
    for code, jurisdiction in covering:
        data = bureau_data.load_bureau_data(code)
        policy = versions.policy_in_force(code, today, data)
        entry = JurisdictionResult(code, jurisdiction.name, policy)
        if policy is None:
            entry.nearest = versions.nearest_policy(code, today, data)
        else:
            for category in policy.categories:
                if facts is None:
                    entry.categories.append(CategoryResult(category.code, category.name))
                else:
                    entry.categories.append(_judge(code, category, policy, facts, today, data))
        check.jurisdictions.append(entry)
    return check
