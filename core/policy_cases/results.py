"""The shipped cases of a jurisdiction, run once per process for the policy page, each filed
under what it tests: a criterion, the notice period, a subsidy rule, a standing rule.

A case reads no database (core.policy_cases.runner): its result changes only with the
installed code, so it is run once — when the page is first asked for — and kept with the
moment it ran.  Other installed plugins (a test's own) run them again.
A malformed shipped file does not break the page: its one-line error is kept to be shown.
"""
from __future__ import annotations

import json
import re
import threading
from pathlib import Path
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from core.award.entitlements import EVENTS, GRADES, LEVELS
from core.bureau.data import BureauData, known_setting_keys
from core.eligibility.engine import prepare
from core.monitoring.standing_policy import standing_rules
from core.platform import clock
from core.platform.errors import Refused
from core.platform.jurisdictions import registry
from core.facts import MANAGEMENT_RULES, PREMISES_TENURES, SERVICES
from core.platform.labels import (ASSESSMENT_GRADE_LABELS, CHANGE_KIND_LABELS, FINDING_KIND_LABELS,
                                  REVOCATION_GROUND_LABELS, fact_label)
from core.policy_cases.casefile import BASES_FILE, Case, CaseFileError, read_bases
from core.policy_cases.runner import Outcome, citation_words, run_case
from core.policy_cases.sources import shipped_cases

__all__ = ["NOTICE", "STANDING", "OTHER", "CaseRun", "Varied", "Row", "CaseResults", "case_results"]

NOTICE = "notice_period"  # the subject of every notice-period case
STANDING = "standing"  # a standing case naming no rule (only the standing, a ban, a warning)
OTHER = "other"  # a case about none of them: which policy applies on a day, a total of no rule


@dataclass(frozen=True)
class Row:
    """One expected value as the page shows it: ``key`` as the runner names it, ``title`` the
    criterion's title when the key is a criterion id; ids in the words replaced by their names."""

    key: str
    title: str | None
    expected: str
    got: str
    ok: bool


@dataclass(frozen=True)
class Varied:
    """One thing a case sets: ``kind`` base / fact / event / level / grade / fallback_calendar /
    setting; ``name`` the fact's or setting's name (the others are named by the page)."""

    kind: str
    name: str | None
    value: str | None
    detail: tuple[str, ...] = ()  # a list's items (the residents), shown folded under the value


@dataclass(frozen=True)
class CaseRun:
    outcome: Outcome
    name: str  # the case's name and note, an id its author wrote replaced by its name
    note: str | None
    varies: tuple[Varied, ...]  # what the case sets over its base, in words
    record: tuple[str, ...]  # a standing case's record (the part it changes over its base), in words
    rows: tuple[Row, ...]
    anchor: str = ""  # the id of its one full table on the page; elsewhere it is a line linking there

    @property
    def case(self) -> Case:
        return self.outcome.case

    @property
    def passed(self) -> bool:
        return self.outcome.passed


@dataclass(frozen=True)
class CaseResults:
    jurisdiction: str
    ran_at: datetime
    runs: tuple[CaseRun, ...] = ()
    by_subject: dict[str, tuple[CaseRun, ...]] = field(default_factory=dict)
    error: str | None = None  # a malformed shipped file: its one line

    @property
    def outcomes(self) -> tuple[Outcome, ...]:
        return tuple(r.outcome for r in self.runs)

    def of(self, subject: str) -> tuple[CaseRun, ...]:
        return self.by_subject.get(subject, ())


_lock = threading.Lock()
# code → (the plugins they ran with, results).  The plugins are held, not their ids: a module
# kept alive cannot be mistaken for a later one at the same address.
_cache: dict[str, tuple[frozenset, CaseResults]] = {}


def case_results(code: str) -> CaseResults:
    """The shipped cases of ``code``, run the first time they are asked for with these plugins
    (every app of a process shares the installed modules; a test's own plugin runs them again)."""
    plugins = frozenset(registry().pm.get_plugins())
    with _lock:  # two first requests at once run them once
        held = _cache.get(code)
        if held is None or held[0] != plugins:
            held = (plugins, _run(code))
            _cache[code] = held
        return held[1]


def _run(code: str) -> CaseResults:
    ran_at = clock.now()
    try:
        cases = shipped_cases(code)
        bases = _shipped_bases(code)
    except CaseFileError as exc:
        return CaseResults(code, ran_at, error=" ".join(str(exc).split()))
    names = _names(code)
    settings = known_setting_keys(code)
    subjects = _Subjects(code)
    runs: list[CaseRun] = []
    by_subject: dict[str, list[CaseRun]] = {}
    for number, case in enumerate(cases, start=1):
        outcome = run_case(case)
        run = CaseRun(outcome, _named(case.name, names), case.note and _named(case.note, names),
                      _varies(case, bases, settings), _record(case, bases),
                      tuple(_row(c, names) for c in outcome.comparisons), anchor=f"policy-case-{number}")
        runs.append(run)
        for subject in subjects.of(case) or [OTHER]:
            by_subject.setdefault(subject, []).append(run)
    return CaseResults(code, ran_at, tuple(runs), {k: tuple(v) for k, v in by_subject.items()})


def _empty(code: str) -> BureauData:
    """No bureau rows: what the plugins alone declare, as the cases are run."""
    return BureauData(code, {}, (), ())


def _shipped_bases(code: str) -> dict[str, dict[str, Any]]:
    """The bases the plugins of ``code`` ship (the bases.yaml of each folder they name), for
    telling what a case changes over its base."""
    merged: dict[str, dict[str, Any]] = {}
    for root in registry().policy_case_sources(code):
        root = Path(root) if isinstance(root, str) else root
        if root.is_dir() and (root / BASES_FILE).is_file():
            path = root / BASES_FILE
            merged.update(read_bases(str(path), path.read_text(encoding="utf-8")))
    return merged


# --- names: no id is shown bare --------------------------------------------------------------


def _names(code: str) -> dict[str, str]:
    """Every id a comparison may print → its name: criteria, subsidy rules, standing rules and
    the duties and grounds of CONTRACTS §6 that are not a rule."""
    reg = registry()
    names = {f"{code}.rectification": "限期整改", f"{code}.change_report": "报告变更事项"}
    names.update({f"revocation.{k}": v for k, v in REVOCATION_GROUND_LABELS.items()})
    for version in reg.policies(code):
        for category in version.categories:
            names.update({c.id: c.title for c in reg.criteria(code, category.code, version)})
        names.update({r.code: r.name for r in reg.subsidy_rules(code, version)})
        rules = standing_rules(code, version, _empty(code))
        if rules is not None:
            names.update({r.id: r.title for r in rules.rules})
    return names


def _named(words: str, names: dict[str, str]) -> str:
    for known in sorted(names, key=len, reverse=True):
        if known in words:
            words = re.sub(rf"(?<![\w.]){re.escape(known)}(?![\w.])", names[known], words)
    return words


def _row(c, names: dict[str, str]) -> Row:
    return Row(c.key, names.get(c.key) if "." in c.key else None,
               _named(c.expected, names), _named(c.got, names), c.ok)


# --- what a case varies ------------------------------------------------------------------------


def _value(value: Any) -> str:
    if isinstance(value, bool):
        return "是" if value else "否"
    if value is None:
        return "无"
    if isinstance(value, (dict, list)):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


# The words of CONTRACTS §1 (单位性质：企业 / 事业 / 其他): fixed text, as the results are kept per process.
_ENTITY_TYPES = {"enterprise": "企业", "institution": "事业单位", "other": "其他"}
_CODED_FACTS = {"entity_type": _ENTITY_TYPES, "premises_tenure": PREMISES_TENURES,
                "management_rules": MANAGEMENT_RULES, "services": SERVICES}


def _resident(r: dict[str, Any]) -> str:
    kind = "团队" if r.get("kind") == "team" else "企业"
    parts = [kind, "属重点支持领域" if r.get("qualifying_field") else "不属重点支持领域",
             f"入驻 {r.get('entered_on')}", f"成立 {r.get('established_on') or '未注册'}",
             "在空间注册" if r.get("registered_in_space") else "不在空间注册"]
    return f"{r.get('name')}（{'，'.join(parts)}）"


def _fact(key: str, value: Any) -> Varied:
    """A fact in words: its codes by their names (企业, 租赁, 工商注册…), the residents counted with
    each one listed beside, never a code or raw JSON."""
    name = fact_label(key)
    words = _CODED_FACTS.get(key)
    if words is not None:
        if isinstance(value, list):
            return Varied("fact", name, "、".join(str(words.get(v, v)) for v in value) or "无")
        return Varied("fact", name, str(words.get(value, value)))
    if key == "residents" and isinstance(value, list):
        teams = sum(1 for r in value if r.get("kind") == "team")
        qualifying = sum(1 for r in value if r.get("qualifying_field"))
        summary = f"{len(value)} 个（团队 {teams}、企业 {len(value) - teams}；属重点支持领域 {qualifying} 个）"
        return Varied("fact", name, summary, tuple(_resident(r) for r in value))
    return Varied("fact", name, _value(value))


def _changed(own: dict[str, Any], base: dict[str, Any] | None) -> dict[str, Any]:
    if base is None:
        return own
    return {k: v for k, v in own.items() if base.get(k) != v}


def _varies(case: Case, bases: dict[str, dict[str, Any]], settings: dict[str, str]) -> tuple[Varied, ...]:
    shown: list[Varied] = []
    if case.base is not None:
        shown.append(Varied("base", None, case.base))
    if case.check == "eligibility":
        base = bases.get(case.base, {}).get("facts") if case.base else None
        shown += [_fact(k, v) for k, v in _changed(case.given["facts"], base).items()]
    elif case.check == "subsidies":
        g = case.given
        shown.append(Varied("event", None, EVENTS[g["event"]]))
        if g["level"]:
            shown.append(Varied("level", None, LEVELS[g["level"]]))
        if g["grade"]:
            shown.append(Varied("grade", None, GRADES[g["grade"]]))
    elif case.check == "notice_period" and case.calendar == "fallback":
        shown.append(Varied("fallback_calendar", None, None))
    shown += [Varied("setting", settings.get(k, k), _value(v)) for k, v in case.settings.items()]
    return tuple(shown)


def _record(case: Case, bases: dict[str, dict[str, Any]]) -> tuple[str, ...]:
    """What a standing case's record holds over its base, one line per entry, in words (CONTRACTS §6)."""
    if case.check != "standing":
        return ()
    base = bases.get(case.base, {}).get("history") if case.base else None
    return _record_lines_of(_changed(case.given["history"], base))


def _record_lines_of(history: dict[str, Any]) -> tuple[str, ...]:
    lines: list[str] = []
    for key, value in history.items():
        lines += _RECORD_LINES[key](value) if value not in (None, []) else [_RECORD_EMPTY[key]]
    return tuple(lines)


def _rectification(r: dict) -> str:
    result = {"passed": "整改合格", "failed": "整改不合格", None: "整改进行中"}[r.get("result")]
    return f"{r['ordered_on']} 责令整改，期限至 {r['deadline']}，{result}"


def _change(c: dict) -> str:
    reported = f"{c['reported_on']} 报告" if c.get("reported_on") else "尚未报告"
    return f"{CHANGE_KIND_LABELS.get(c['kind'], c['kind'])}变化 {c['changed_on']}，{reported}"


_RECORD_LINES = {
    "recognized_on": lambda v: [f"认定于 {v}"],
    "assessments": lambda v: [f"{a['year']} 年度考核：{ASSESSMENT_GRADE_LABELS.get(a['grade'], a['grade'])}" for a in v],
    "rectifications": lambda v: [_rectification(r) for r in v],
    "statistics": lambda v: [f"{s['year']} 年度统计："
                             + ("已填报" if s.get("filed") else "未填报" + ("（特殊原因）" if s.get("excused") else ""))
                             for s in v],
    "changes": lambda v: [_change(c) for c in v],
    "findings": lambda v: [f"{f['found_on']} 查实：{FINDING_KIND_LABELS.get(f['kind'], f['kind'])}" for f in v],
    "revoked_on": lambda v: [f"撤销于 {v}"],
    "revocation_grounds": lambda v: ["撤销理由：" + "、".join(REVOCATION_GROUND_LABELS.get(g, g) for g in v)],
}
_RECORD_EMPTY = {"recognized_on": "无认定日期", "assessments": "无考核记录", "rectifications": "无整改记录",
                 "statistics": "无统计记录", "changes": "无变更记录", "findings": "无查实事项", "revoked_on": "未撤销",
                 "revocation_grounds": "无撤销理由"}


# --- subjects --------------------------------------------------------------------------------


class _Subjects:
    """What a case tests, as the policy page files it."""

    def __init__(self, code: str) -> None:
        reg = registry()
        self.code = code
        self.rules = {r.code: r for v in reg.policies(code) for r in reg.subsidy_rules(code, v)}
        self.standing = {r.id for v in reg.policies(code)
                         for r in getattr(standing_rules(code, v, _empty(code)), "rules", ())}

    def of(self, case: Case) -> list[str]:
        return getattr(self, f"_{case.check}")(case)

    def _eligibility(self, case: Case) -> list[str]:
        found = list(case.expect.get("criteria") or {})
        if case.expect.get("fails"):
            found += [cid for cid in self._cited(case) if cid not in found]
        return found

    def _cited(self, case: Case) -> list[str]:
        """The auto criteria of the case's category whose citation is one the case expects to fail."""
        wanted = {"".join(f.split()) for f in case.expect["fails"]}
        try:
            prepared = prepare(self.code, case.given["category"], case.as_of, data=_empty(self.code))
        except Refused:
            return []
        if prepared.policy is None:
            return []
        document = prepared.policy.document
        return [cid for cid, check, citation, _ in prepared.rows if check is not None and citation is not None
                and "".join(citation_words(citation, document).split()) in wanted]

    def _notice_period(self, case: Case) -> list[str]:
        return [NOTICE]

    def _subsidies(self, case: Case) -> list[str]:
        named = case.expect.get("entitlements")
        if named:
            return list(named)
        g = case.given
        of_event = [r for r in self.rules.values() if r.event == g["event"]]
        exact = [r for r in of_event if (not r.levels or g["level"] in r.levels)
                 and (not r.grades or g["grade"] in r.grades)]
        return [r.code for r in (exact or of_event)]

    def _standing(self, case: Case) -> list[str]:
        ids = [*(case.expect.get("grounds") or ()), *(case.expect.get("duties") or {})]
        found = [i for i in dict.fromkeys(ids) if i in self.standing]
        return found or [STANDING]
