"""Where a jurisdiction's policy makes a finding, a failed assessment or a failed rectification a
ground for 限期整改 or for revoking a title: read from the standing rules each plugin states
(hook ``zc_standing_rules``, CONTRACTS §6), so the desks and the standing cite the same article
in the same words.

Only the version in force on the day is read: a lapsed policy is never applied silently (云科规
〔2021〕1号 lapsed after 2026-04-03; until the province registers its successor, nothing is a
ground and the desks say why).  A ground no rule of the version names sets no consequence — the
pages say so and nothing is invented (徐政发〔2016〕12号 names none).
"""
from __future__ import annotations

from datetime import date

from core.bureau import versions as policy_versions
from core.monitoring.standing_policy import standing_rules
from core.policy import Citation, PolicyVersion, StandingRule, StandingRules

__all__ = ["policy_on", "rules_on", "revocation_ground", "finding_ground", "rectification_ground", "NO_GROUND",
           "NO_POLICY", "no_ground_text"]

NO_GROUND = "{document} 未规定此情形的后果（平台不作设定）"
NO_POLICY = "{day} 没有有效的政策版本，无从援引依据：请先登记后续政策版本"


def policy_on(code: str, day: date) -> PolicyVersion | None:
    """The version in force on ``day`` (with the bureau's registered versions), or None."""
    return policy_versions.policy_in_force(code, day)


def rules_on(code: str, day: date) -> StandingRules | None:
    policy = policy_on(code, day)
    return standing_rules(code, policy) if policy is not None else None


def _first(code: str, day: date, wanted) -> tuple[Citation, str] | None:
    rules = rules_on(code, day)
    rule: StandingRule | None = next((r for r in rules.rules if wanted(r)), None) if rules else None
    return (rule.citation, rule.title) if rule else None


def revocation_ground(code: str, ground: str, day: date) -> tuple[Citation, str] | None:
    """(article, words) making ``ground`` (CONTRACTS §6 ``revocation_grounds``) a ground for
    revoking a title of ``code`` under the version in force on ``day``, or None."""
    return _first(code, day, lambda r: r.standing == "revocation_due" and ground in r.grounds)


def finding_ground(code: str, kind: str, day: date) -> tuple[Citation, str] | None:
    """(article, words) under which a finding of ``kind`` is a ground (for revocation, or for
    ``cannot_operate`` a rectification), or None when the version names none."""
    return _first(code, day, lambda r: r.test == "finding" and kind in r.finding_kinds)


def rectification_ground(code: str, ground: str, day: date) -> tuple[Citation, str] | None:
    """``assessment``: the rule ordering 限期整改 after an unqualified year; ``cannot_operate``:
    the finding's rule (云南 限期一年整改)."""
    if ground == "cannot_operate":
        return _first(code, day, lambda r: r.standing == "rectification" and "cannot_operate" in r.finding_kinds)
    return _first(code, day, lambda r: r.standing == "rectification" and r.test == "assessment_failed")


def no_ground_text(code: str, day: date) -> str:
    """Why nothing is a ground: no version in force, or the version names no such consequence."""
    policy = policy_on(code, day)
    if policy is None:
        return NO_POLICY.format(day=day.isoformat())
    return NO_GROUND.format(document=policy.document)
