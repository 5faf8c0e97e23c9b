"""Where each document makes a finding, a failed assessment or a failed rectification a ground
for 限期整改 or for revoking a title: the articles, read from the documents as printed.

Keyed by the policy document (the version in force on the day, else the nearest), not by the
jurisdiction: a bureau's successor version that keeps the same document number reads the same.
A document absent here, or a ground absent from its entry, sets no such consequence — the pages
say so and nothing is invented (徐政发〔2016〕12号 names none; its 73号 is not encoded).

These are the readings H1's standing rules (``zc_standing_rules``, CONTRACTS §6) also state; when
that hook lands, :func:`revocation_ground` and :func:`finding_ground` should ask it instead.
"""
from __future__ import annotations

from datetime import date

from core.bureau import versions as policy_versions
from core.policy import Citation, PolicyVersion

__all__ = ["policy_on", "revocation_ground", "finding_ground", "rectification_ground", "NO_GROUND"]

_YN = "云科规〔2021〕1号"
_YN_ASSESS = Citation(_YN, "认定与管理", "动态考核评价")
_YN_MANAGE = Citation(_YN, "认定与管理", "管理")

# document → revocation ground (CONTRACTS §6 vocabulary) → (article, the words of the document)
_REVOCATION: dict[str, dict[str, tuple[Citation, str]]] = {
    _YN: {
        "fraud": (_YN_MANAGE, "申报材料存在虚报、瞒报、造假等行为，一经查实，取消认定资格，且2年内不得再次申报"),
        "serious_dishonesty": (_YN_ASSESS, "存在严重失信行为的，取消省级认定资格"),
        "serious_violation": (_YN_ASSESS, "存在严重违法违规行为的，取消省级认定资格"),
        "operator_deregistered": (_YN_ASSESS, "运营主体注销或发生重大变化，已无法达到认定条件的，取消省级认定资格"),
        "cannot_meet_criteria": (_YN_ASSESS, "运营主体注销或发生重大变化，已无法达到认定条件的，取消省级认定资格"),
        "rectification": (_YN_ASSESS, "经营出现问题，无法正常开展业务，经限期一年整改，仍无法正常运营的，取消省级认定资格"),
        "statistics": (_YN_ASSESS, "无特殊原因，连续2年未填报统计数据的，取消省级认定资格"),
    },
    "弥政办发〔2017〕5号": {
        "assessment": (Citation("弥政办发〔2017〕5号", "第十五条"), "连续两年考核不合格的，取消众创空间称号"),
    },
    "昆科发〔2017〕55号": {
        "rectification": (Citation("昆科发〔2017〕55号", "第十八条"), "整改不合格的，取消昆明市众创空间称号"),
    },
}

# a finding's kind → the revocation ground it is (cannot_operate leads to 限期整改 first)
_FINDING_TO_GROUND = {"fraud": "fraud", "serious_dishonesty": "serious_dishonesty",
                      "serious_violation": "serious_violation", "operator_deregistered": "operator_deregistered",
                      "cannot_meet_criteria": "cannot_meet_criteria"}

# document → rectification ground → (article, words); the period is the policy's parameter
# ``rectification_years`` where declared, else the bureau's ``rectification_months``
_RECTIFICATION: dict[str, dict[str, tuple[Citation, str]]] = {
    _YN: {"cannot_operate": (_YN_ASSESS, "经营出现问题，无法正常开展业务，经限期一年整改")},
    "弥政办发〔2017〕5号": {"assessment": (Citation("弥政办发〔2017〕5号", "第十五条"), "对考核不合格的众创空间，限期整改")},
    "昆科发〔2017〕55号": {"assessment": (Citation("昆科发〔2017〕55号", "第十八条"), "考核不合格的提出限期整改")},
}

NO_GROUND = "{document} 未规定此情形的后果（平台不作设定）"


def policy_on(code: str, day: date) -> PolicyVersion | None:
    """The version in force on ``day``, else the nearest (a lapsed version still names its grounds)."""
    return policy_versions.policy_in_force(code, day) or policy_versions.nearest_policy(code, day)


def _document(code: str, day: date) -> str | None:
    policy = policy_on(code, day)
    return policy.document if policy else None


def revocation_ground(code: str, ground: str, day: date) -> tuple[Citation, str] | None:
    """(article, words) making ``ground`` a ground for revoking a title of ``code``, or None."""
    return _REVOCATION.get(_document(code, day) or "", {}).get(ground)


def finding_ground(code: str, kind: str, day: date) -> tuple[Citation, str] | None:
    """(article, words) under which a finding of ``kind`` is a ground (revocation, or for
    ``cannot_operate`` rectification), or None when the document names none."""
    if kind == "cannot_operate":
        return rectification_ground(code, kind, day)
    return revocation_ground(code, _FINDING_TO_GROUND.get(kind, ""), day)


def rectification_ground(code: str, ground: str, day: date) -> tuple[Citation, str] | None:
    return _RECTIFICATION.get(_document(code, day) or "", {}).get(ground)


def document_name(code: str, day: date) -> str:
    return _document(code, day) or "本辖区政策"
