"""Running a policy case: the same functions as the commands of CONTRACTS §2 (evaluate), §3
(notice-period), §4 (subsidies) and §6 (standing), with only the bureau settings the case
states — never this deployment's own rows — so a case tests the encoded policy and gives the
same answer on every machine.

Only what a case expects is compared: a case about 第七条（一） names that criterion, and the
others may do as they like.  The outcome keeps, per expected key, the expected and the actual
value in words, for the table of ``policy-test`` and the policy page.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from core.award.entitlements import entitlements
from core.bureau.data import BureauData, SettingValue
from core.eligibility.engine import prepare
from core.facts import parse_facts
from core.monitoring.standing_policy import standing_of
from core.notice.periods import notice_period_for
from core.platform.errors import Refused
from core.policy import Citation
from core.policy_cases.casefile import Case
from core.workdays import WorkdayCalendar

__all__ = ["Comparison", "Outcome", "run_case", "run_cases", "RESULT_WORDS", "VERDICT_WORDS", "KEY_WORDS"]

# What each expected key is called in the table (a criterion is named by its id).
KEY_WORDS = {"policy": "适用政策", "verdict": "结论", "fails": "不符合的条款", "days": "公示天数",
             "first_day": "公示首日", "last_day": "公示期满日", "warnings": "提示", "total_cny": "合计（元）",
             "entitlements": "奖补事项", "standing": "状态", "grounds": "理由", "duties": "待履行义务",
             "ban_until": "禁止再申报至"}

RESULT_WORDS = {"pass": "符合", "fail": "不符合", "manual": "专家评审"}
VERDICT_WORDS = {"ineligible": "不符合认定条件", "eligible_pending_review": "待评审",
                  "no_policy_in_force": "无有效政策"}
_STANDING_WORDS = {"good": "正常", "rectification": "整改", "revocation_due": "应撤销", "revoked": "已撤销",
                   "no_policy_in_force": "无有效政策"}
_MISSING = "（无此项）"


@dataclass(frozen=True)
class Comparison:
    """One expected key: what the case says and what the policy gave, in words."""

    key: str
    expected: str
    got: str
    ok: bool


@dataclass(frozen=True)
class Outcome:
    case: Case
    comparisons: tuple[Comparison, ...]
    error: str | None = None  # the engine refused (a setting the case does not assume…)

    @property
    def passed(self) -> bool:
        return self.error is None and all(c.ok for c in self.comparisons)


def _assumed(case: Case) -> BureauData:
    settings = {k: SettingValue(k, v, note="用例假定的局设置") for k, v in case.settings.items()}
    return BureauData(case.jurisdiction, settings, (), ())


def _words(value: Any) -> str:
    if value is None:
        return "无"
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, (list, tuple, set, frozenset)):
        return "、".join(sorted(_words(v) for v in value)) or "无"
    return str(value)


def _same(key: str, expected: Any, got: Any, words=_words) -> Comparison:
    return Comparison(key, words(expected), words(got), expected == got)


def _document(answer: dict) -> str | None:
    policy = answer.get("policy")
    return policy.get("document") if policy else None


def _warnings(expected: list[str], got: list[str]) -> Comparison:
    """As many warnings as expected, the n-th containing the n-th expected words."""
    ok = len(expected) == len(got) and all(e in g for e, g in zip(expected, got))
    return Comparison("warnings", " / ".join(expected) or "无", " / ".join(got) or "无", ok)


def citation_words(citation: dict, document: str | None) -> str:
    """A criterion's citation as a case writes it: 第七条（一）, with the document only when it
    is not the policy's own."""
    found = Citation.from_dict(citation)
    if found is None:
        return ""
    inner = "".join(p for p in (found.article, found.item) if p)
    return inner if found.document == document and inner else str(found)


def _normal(text: str) -> str:
    return "".join(text.split())


def _eligibility(case: Case) -> list[Comparison]:
    prepared = prepare(case.jurisdiction, case.given["category"], case.as_of, data=_assumed(case))
    answer = prepared.evaluate(parse_facts(case.given["facts"]))
    want = case.expect
    found: list[Comparison] = []
    if "policy" in want:
        found.append(_same("policy", want["policy"], _document(answer)))
    if "verdict" in want:
        found.append(_same("verdict", want["verdict"], answer["verdict"], lambda v: VERDICT_WORDS.get(v, _words(v))))
    by_id = {c["id"]: c for c in answer["criteria"]}
    for cid, expected in (want.get("criteria") or {}).items():
        result, message = (expected.get("result"), expected.get("message")) if isinstance(expected, dict) \
            else (expected, None)
        row = by_id.get(cid)
        if row is None:
            found.append(Comparison(cid, RESULT_WORDS[result], _MISSING, False))
            continue
        ok = row["result"] == result and (message is None or _normal(message) in _normal(row["message"]))
        expected_words = RESULT_WORDS[result] + (f"（{message}）" if message else "")
        found.append(Comparison(cid, expected_words, f"{RESULT_WORDS[row['result']]}（{row['message']}）"
                                if message or not ok else RESULT_WORDS[row["result"]], ok))
    if "fails" in want:
        document = _document(answer)
        failing = {_normal(citation_words(c["citation"], document)) for c in answer["criteria"]
                   if c["result"] == "fail"}
        found.append(Comparison("fails", _words({_normal(f) for f in want["fails"]}), _words(failing),
                                {_normal(f) for f in want["fails"]} == failing))
    if "warnings" in want:
        found.append(_warnings(want["warnings"], answer["warnings"]))
    return found


def _notice(case: Case) -> list[Comparison]:
    calendar = WorkdayCalendar(package=case.calendar == "package")
    answer = notice_period_for(case.jurisdiction, case.as_of, data=_assumed(case), calendar=calendar)
    want = case.expect
    found: list[Comparison] = []
    if "policy" in want:
        found.append(_same("policy", want["policy"], _document(answer)))
    if "days" in want:
        found.append(_same("days", want["days"], answer["days"]))
    for key in ("first_day", "last_day"):
        if key in want:
            found.append(_same(key, want[key], date.fromisoformat(answer[key])))
    if "warnings" in want:
        found.append(_warnings(want["warnings"], answer["warnings"]))
    return found


def _subsidies(case: Case) -> list[Comparison]:
    g = case.given
    answer = entitlements(case.jurisdiction, g["event"], level=g["level"], grade=g["grade"], as_of=case.as_of,
                          data=_assumed(case))
    want = case.expect
    found: list[Comparison] = []
    if "policy" in want:
        found.append(_same("policy", want["policy"], _document(answer)))
    if "total_cny" in want:
        found.append(_same("total_cny", want["total_cny"], answer["total_cny"]))
    if "entitlements" in want:
        got = {e["rule"]: e["amount_cny"] for e in answer["entitlements"]}
        expected = want["entitlements"]

        def words(amounts: dict) -> str:
            return "；".join(f"{code} {'不定额' if a is None else a}" for code, a in sorted(amounts.items())) or "无"
        found.append(Comparison("entitlements", words(expected), words(got), expected == got))
    if "warnings" in want:
        found.append(_warnings(want["warnings"], answer["warnings"]))
    return found


def _standing(case: Case) -> list[Comparison]:
    answer = standing_of(case.jurisdiction, case.given["history"], case.as_of, data=_assumed(case))
    want = case.expect
    found: list[Comparison] = []
    if "policy" in want:
        found.append(_same("policy", want["policy"], _document(answer)))
    if "standing" in want:
        found.append(_same("standing", want["standing"], answer["standing"],
                           lambda v: _STANDING_WORDS.get(v, _words(v))))
    if "grounds" in want:
        found.append(_same("grounds", set(want["grounds"]), {g["id"] for g in answer["grounds"]}))
    if "duties" in want:
        got = {d["id"]: d for d in answer["duties"]}
        expected = want["duties"]
        ok = set(expected) == set(got) and all(
            (w.get("due_on") is None or w["due_on"].isoformat() == got[i]["due_on"])
            and ("overdue" not in w or w["overdue"] == got[i]["overdue"]) for i, w in (expected or {}).items())

        def duty_words(i: str, d: dict) -> str:
            parts = [i]
            if d.get("due_on") is not None:
                parts.append(f"期限 {_words(d['due_on'])}")
            if "overdue" in d:
                parts.append("已逾期" if d["overdue"] else "未逾期")
            return " ".join(parts)
        found.append(Comparison("duties", "；".join(duty_words(i, w) for i, w in sorted((expected or {}).items())) or "无",
                                "；".join(duty_words(i, d) for i, d in sorted(got.items())) or "无", ok))
    if "ban_until" in want:
        got_ban = date.fromisoformat(answer["ban_until"]) if answer.get("ban_until") else None
        found.append(_same("ban_until", want["ban_until"], got_ban))
    if "warnings" in want:
        found.append(_warnings(want["warnings"], answer.get("warnings", [])))
    return found


_RUNNERS = {"eligibility": _eligibility, "notice_period": _notice, "subsidies": _subsidies, "standing": _standing}


def run_case(case: Case) -> Outcome:
    """Run one case; an answer the engine refuses (a setting the policy leaves to the bureau and
    the case does not assume) is a failed case saying why, not a crash."""
    try:
        return Outcome(case, tuple(_RUNNERS[case.check](case)))
    except Refused as exc:
        return Outcome(case, (), error=" ".join(str(exc).split()))


def run_cases(cases) -> list[Outcome]:
    return [run_case(c) for c in cases]
