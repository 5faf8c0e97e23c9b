"""The standing of a recognised space's title (CONTRACTS §6): a pure function of its record.

``parse_history`` reads the record (HISTORY.json's shape) and names the offending key of a bad
one (:class:`BadHistory`); ``judge`` applies a jurisdiction's rules (hook ``zc_standing_rules``,
``core.policy.StandingRules``) with the values of their parameters and the bureau's settings,
all passed in: no database, no Flask.  ``core.monitoring.standing_policy.standing_of`` finds
those for a jurisdiction and a day and calls ``judge``; the command and the title pages use it.

The readings applied are in docs/standing.md and docs/policy-readings.md.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from core.platform.errors import Refused
from core.platform.labels import FINDING_KIND_LABELS, REVOCATION_GROUND_LABELS
from core.policy import (ASSESSMENT_GRADES, FINDING_KINDS, REVOCATION_GROUNDS, Citation, PolicyVersion,
                         StandingPeriod, StandingRule, StandingRules)
from core.workdays import add_months

__all__ = ["BadHistory", "History", "Regime", "parse_history", "judge", "period_months", "STANDINGS",
           "NO_POLICY"]

#: least serious first: the answer is the most serious that applies
STANDINGS = ("good", "rectification", "revocation_due", "revoked")
NO_POLICY = "no_policy_in_force"
CHANGE_KINDS = {"operator": "运营主体", "area": "面积范围", "location": "场地位置"}  # the article's words
RECTIFICATION_RESULTS = ("passed", "failed", None)
FIRST_YEAR, LAST_YEAR = 2000, 9999


class BadHistory(Refused):
    """A record that is not one: ``key`` is its path (``assessments[1].grade``)."""


# --- the record --------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Assessment:
    year: int
    grade: str


@dataclass(frozen=True, slots=True)
class Rectification:
    ordered_on: date
    deadline: date
    result: str | None  # None: still running


@dataclass(frozen=True, slots=True)
class StatisticsYear:
    year: int
    filed: bool
    excused: bool


@dataclass(frozen=True, slots=True)
class Change:
    kind: str
    changed_on: date
    reported_on: date | None


@dataclass(frozen=True, slots=True)
class Finding:
    kind: str
    found_on: date


@dataclass(frozen=True, slots=True)
class History:
    recognized_on: date
    assessments: tuple[Assessment, ...] = ()
    rectifications: tuple[Rectification, ...] = ()
    statistics: tuple[StatisticsYear, ...] = ()
    changes: tuple[Change, ...] = ()
    findings: tuple[Finding, ...] = ()
    revoked_on: date | None = None
    revocation_grounds: tuple[str, ...] = ()


_DATE_RE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_FIELDS = {
    "assessments": {"year", "grade"},
    "rectifications": {"ordered_on", "deadline", "result"},
    "statistics": {"year", "filed", "excused"},
    "changes": {"kind", "changed_on", "reported_on"},
    "findings": {"kind", "found_on"},
}
_TOP = {"recognized_on", "revoked_on", "revocation_grounds", *_FIELDS}


def _shown(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


def _date(value: Any, key: str, *, null: bool = False) -> date | None:
    if value is None and null:
        return None
    if isinstance(value, str) and _DATE_RE.fullmatch(value):
        try:
            return date.fromisoformat(value)
        except ValueError:
            pass
    raise BadHistory(key, f"应为存在的日期 YYYY-MM-DD{'，或 null' if null else ''}，实为 {_shown(value)}")


def _year(value: Any, key: str) -> int:
    if type(value) is not int or not FIRST_YEAR <= value <= LAST_YEAR:
        raise BadHistory(key, f"应为 {FIRST_YEAR} 年以后的年度（整数），实为 {_shown(value)}")
    return value


def _bool(value: Any, key: str) -> bool:
    if type(value) is not bool:
        raise BadHistory(key, f"应为 true 或 false，实为 {_shown(value)}")
    return value


def _choice(value: Any, key: str, allowed: tuple) -> Any:
    if value not in allowed or type(value) not in (str, type(None)):
        shown = " / ".join("null" if a is None else a for a in allowed)
        raise BadHistory(key, f"应为 {shown} 之一，实为 {_shown(value)}")
    return value


def _entries(raw: dict, name: str) -> list[tuple[str, dict]]:
    items = raw.get(name, [])
    if not isinstance(items, list):
        raise BadHistory(name, f"应为列表，实为 {_shown(items)}")
    found = []
    for i, item in enumerate(items):
        key = f"{name}[{i}]"
        if not isinstance(item, dict):
            raise BadHistory(key, f"应为对象，实为 {_shown(item)}")
        unknown = sorted(set(item) - _FIELDS[name], key=str)
        if unknown:
            raise BadHistory(f"{key}.{unknown[0]}", "不是认定后记录的字段（CONTRACTS §6）")
        found.append((key, item))
    return found


def _not_before(day: date | None, recognized_on: date, key: str) -> None:
    if day is not None and day < recognized_on:
        raise BadHistory(key, f"{day.isoformat()} 早于认定日期 recognized_on {recognized_on.isoformat()}")


def parse_history(raw: Any) -> History:
    """The record of CONTRACTS §6 ``HISTORY.json`` (every key but ``recognized_on`` may be
    absent = empty), or :class:`BadHistory` naming the first bad key.  Unknown keys, a year
    given twice and a day before recognition are refused: the record would be ambiguous."""
    if not isinstance(raw, dict):
        raise BadHistory("HISTORY.json", f"应为 JSON 对象，实为 {_shown(raw)}")
    unknown = sorted(set(raw) - _TOP, key=str)
    if unknown:
        raise BadHistory(str(unknown[0]), "不是认定后记录的字段（CONTRACTS §6）")
    if "recognized_on" not in raw:
        raise BadHistory("recognized_on", "缺少认定日期")
    recognized = _date(raw["recognized_on"], "recognized_on")

    def year_after_recognition(value, key):
        year = _year(value, key)
        if year < recognized.year:
            raise BadHistory(key, f"{year} 年度早于认定年度 {recognized.year}")
        return year

    assessments, years = [], set()
    for key, e in _entries(raw, "assessments"):
        year = year_after_recognition(e.get("year"), f"{key}.year")
        if year in years:
            raise BadHistory(f"{key}.year", f"{year} 年度的考核结果重复")
        years.add(year)
        assessments.append(Assessment(year, _choice(e.get("grade"), f"{key}.grade", ASSESSMENT_GRADES)))

    rectifications = []
    for key, e in _entries(raw, "rectifications"):
        ordered = _date(e.get("ordered_on"), f"{key}.ordered_on")
        _not_before(ordered, recognized, f"{key}.ordered_on")
        deadline = _date(e.get("deadline"), f"{key}.deadline")
        if deadline < ordered:
            raise BadHistory(f"{key}.deadline", f"整改期限 {deadline.isoformat()} 早于责令整改日 {ordered.isoformat()}")
        rectifications.append(Rectification(ordered, deadline,
                                            _choice(e.get("result"), f"{key}.result", RECTIFICATION_RESULTS)))

    statistics, years = [], set()
    for key, e in _entries(raw, "statistics"):
        year = year_after_recognition(e.get("year"), f"{key}.year")
        if year in years:
            raise BadHistory(f"{key}.year", f"{year} 年度的统计填报记录重复")
        years.add(year)
        filed = _bool(e.get("filed"), f"{key}.filed")
        excused = _bool(e.get("excused", False), f"{key}.excused")
        if filed and excused:
            raise BadHistory(f"{key}.excused", "已填报的年度不会是“特殊原因未填报”")
        statistics.append(StatisticsYear(year, filed, excused))

    changes = []
    for key, e in _entries(raw, "changes"):
        kind = _choice(e.get("kind"), f"{key}.kind", tuple(CHANGE_KINDS))
        changed = _date(e.get("changed_on"), f"{key}.changed_on")
        _not_before(changed, recognized, f"{key}.changed_on")
        reported = _date(e.get("reported_on"), f"{key}.reported_on", null=True)
        if reported is not None and reported < changed:
            raise BadHistory(f"{key}.reported_on", f"报告日 {reported.isoformat()} 早于变化日 {changed.isoformat()}")
        changes.append(Change(kind, changed, reported))

    findings = []
    for key, e in _entries(raw, "findings"):
        kind = _choice(e.get("kind"), f"{key}.kind", FINDING_KINDS)
        found = _date(e.get("found_on"), f"{key}.found_on")
        _not_before(found, recognized, f"{key}.found_on")
        findings.append(Finding(kind, found))

    revoked = _date(raw.get("revoked_on"), "revoked_on", null=True)
    _not_before(revoked, recognized, "revoked_on")
    grounds = raw.get("revocation_grounds", [])
    if not isinstance(grounds, list):
        raise BadHistory("revocation_grounds", f"应为列表，实为 {_shown(grounds)}")
    for i, g in enumerate(grounds):
        _choice(g, f"revocation_grounds[{i}]", REVOCATION_GROUNDS)
    if grounds and revoked is None:
        raise BadHistory("revocation_grounds", "未撤销（revoked_on 为空）的记录不应有撤销理由")
    return History(recognized, tuple(assessments), tuple(rectifications), tuple(statistics), tuple(changes),
                   tuple(findings), revoked, tuple(dict.fromkeys(grounds)))


# --- the rules in force ----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Regime:
    """A policy version with what applies under it: its standing rules (None: the plugin
    declares none), the values of parameters and bureau settings by key, and which of those
    values are the bureau's (``bureau_keys``: shown as 本局设定, never as the policy's)."""

    policy: PolicyVersion
    rules: StandingRules | None
    values: dict[str, Any] = field(default_factory=dict)
    bureau_keys: frozenset[str] = frozenset()


def period_months(period: StandingPeriod | None, regime: Regime) -> int | None:
    """The period in months (None: neither the policy nor the bureau sets one)."""
    if period is None:
        return None
    value = regime.values.get(period.key)
    if type(value) is not int or value < 1:
        return None
    return value * 12 if period.unit == "years" else value


def _period_text(period: StandingPeriod, regime: Regime) -> str:
    value = regime.values.get(period.key)
    unit = "年" if period.unit == "years" else "个月"
    if period.key in regime.bureau_keys or period.citation is None:
        return f"{value} {unit}，本局设定，非政策规定"
    c = period.citation
    return f"{value} {unit}，" + " ".join(p for p in (c.document, c.article, c.item) if p)


# --- the judgement ----------------------------------------------------------------------------


def _cite(c: Citation | None) -> dict | None:
    return c.to_dict() if c is not None else None


def _years(years) -> str:
    return "、".join(str(y) for y in years)


def _consecutive(years: list[int], count: int) -> list[list[int]]:
    """The last ``count`` years of each run of at least ``count`` consecutive years."""
    runs: list[list[int]] = []
    for y in sorted(years):
        if runs and runs[-1][-1] == y - 1:
            runs[-1].append(y)
        else:
            runs.append([y])
    return [run[-count:] for run in runs if len(run) >= count]


@dataclass
class _Trigger:
    """Something a rectification answers: a failed assessment year or a finding."""

    since: date
    rule: StandingRule
    fields: dict
    later_pass: bool = False


def _pair(triggers: list[_Trigger], rectifications: list[Rectification]) -> dict[int, Rectification]:
    """Each trigger (oldest first) with the earliest rectification ordered on or after it
    that no earlier trigger took."""
    free = sorted(rectifications, key=lambda r: r.ordered_on)
    paired: dict[int, Rectification] = {}
    for i, t in sorted(enumerate(triggers), key=lambda it: it[1].since):
        r = next((r for r in free if r.ordered_on >= t.since), None)
        if r is not None:
            free.remove(r)
            paired[i] = r
    return paired


def _ground(rule: StandingRule, suffix: str = "", **fields) -> tuple[str, dict]:
    return rule.standing, {"id": rule.id, "citation": _cite(rule.citation),
                           "message": rule.message.format(**fields) + suffix}


def judge(jurisdiction: str, history: History, as_of: date, regime: Regime | None,
          nearest: PolicyVersion | None, revocation_regime: Regime | None = None) -> dict:
    """The CONTRACTS §6 answer.  ``regime``: the version in force on ``as_of`` (None: none is,
    ``nearest`` is named); ``revocation_regime``: the version in force on the day of the
    revocation, whose rules cite its grounds and set its ban (default ``regime``).  Only what
    the record knew on ``as_of`` is read."""
    policy = regime.policy if regime is not None else nearest
    answer: dict[str, Any] = {"jurisdiction": jurisdiction, "as_of": as_of.isoformat(),
                              "policy": policy.to_dict() if policy is not None else None,
                              "standing": "good", "grounds": [], "duties": [], "ban_until": None, "warnings": []}
    warnings = answer["warnings"]
    if history.revoked_on is not None and history.revoked_on <= as_of:
        _revoked(answer, history, revocation_regime or regime)
        if regime is None:
            warnings.append(_lapsed(jurisdiction, nearest, as_of, "撤销仍有效"))
        return answer
    if regime is None:
        answer["standing"] = NO_POLICY
        warnings.append(_lapsed(jurisdiction, nearest, as_of, "未判定任何后果"))
        return answer
    rules = regime.rules
    if rules is None:
        warnings.append(f"{jurisdiction} 的插件未声明认定后的考核与撤销规则（zc_standing_rules），未判定任何后果")
        rules = StandingRules(jurisdiction, Citation(regime.policy.document))
    elif rules.note:
        warnings.append(rules.note)

    found = _apply(rules, regime, _known_on(history, as_of), as_of, answer["duties"], warnings)
    if found:
        worst = max((s for s, _ in found), key=STANDINGS.index)
        answer["standing"] = worst
        answer["grounds"] = [g for s, g in found if s == worst]
    return answer


def _known_on(h: History, day: date) -> History:
    """The record as it stood on ``day``."""
    return History(
        h.recognized_on,
        tuple(a for a in h.assessments if a.year <= day.year),
        tuple(r for r in h.rectifications if r.ordered_on <= day),
        tuple(s for s in h.statistics if s.year <= day.year),
        tuple(Change(c.kind, c.changed_on, c.reported_on if c.reported_on and c.reported_on <= day else None)
              for c in h.changes if c.changed_on <= day),
        tuple(f for f in h.findings if f.found_on <= day),
    )


def _apply(rules: StandingRules, regime: Regime, h: History, as_of: date,
           duties: list, warnings: list) -> list[tuple[str, dict]]:
    found: list[tuple[str, dict]] = []
    triggers: list[_Trigger] = []
    failed_years = [a.year for a in h.assessments if a.grade == "unqualified"]
    read_kinds: set[str] = set()
    for rule in rules.rules:
        read_kinds.update(rule.finding_kinds)
        if rule.test == "assessment_failed":
            for y in failed_years:
                later_pass = any(a.year > y and a.grade != "unqualified" for a in h.assessments)
                triggers.append(_Trigger(date(y, 1, 1), rule, {"years": str(y)}, later_pass))
        elif rule.test == "finding" and rule.standing == "rectification":
            triggers += [_Trigger(f.found_on, rule, {"on": f.found_on.isoformat()})
                         for f in h.findings if f.kind in rule.finding_kinds]
        elif rule.test == "finding":
            found += [_ground(rule, on=f.found_on.isoformat()) for f in h.findings if f.kind in rule.finding_kinds]
        elif rule.test == "rectification_failed":
            found += [_ground(rule, on=r.ordered_on.isoformat(), deadline=r.deadline.isoformat())
                      for r in h.rectifications if r.result == "failed"]
        elif rule.test in ("assessments_failed_consecutive", "statistics_unfiled_consecutive"):
            count = regime.values.get(rule.count_parameter) if rule.count_parameter else rule.count
            if type(count) is not int or count < 1:
                warnings.append(f"规则 {rule.id} 所需的年数（{rule.count_parameter}）未设定，未据以判定")
                continue
            years = failed_years if rule.test == "assessments_failed_consecutive" else [
                s.year for s in h.statistics if not s.filed and not s.excused]
            found += [_ground(rule, years=_years(run), count=count) for run in _consecutive(years, count)]
        else:
            warnings.append(f"规则 {rule.id} 的检验 {rule.test} 本系统不认识，未据以判定")

    paired = _pair(triggers, list(h.rectifications))
    answered: dict[int, StandingRule] = {}
    for i, t in enumerate(triggers):
        r = paired.get(i)
        if r is not None:
            answered[id(r)] = t.rule
        if t.later_pass or (r is not None and r.result == "passed"):
            continue  # a later year not unqualified, or a rectification passed, ends it
        if r is None:
            months = period_months(rules.rectification_period, regime)
            suffix = ("；尚未责令整改" + (f"（整改期限 {_period_text(rules.rectification_period, regime)}）"
                                          if months else "（整改期限政策未规定，本局亦未设定）"))
        elif r.result is None:
            suffix = f"；{r.ordered_on.isoformat()} 责令整改，期限至 {r.deadline.isoformat()}"
        else:
            suffix = f"；{r.ordered_on.isoformat()} 责令的整改不合格"
        found.append(_ground(t.rule, suffix, **t.fields))

    for r in h.rectifications:
        if r.result is not None:
            continue
        rule = answered.get(id(r))
        duties.append({"id": rule.id if rule else f"{rules.jurisdiction}.rectification",
                       "due_on": r.deadline.isoformat(), "overdue": as_of > r.deadline,
                       "citation": _cite(rule.citation if rule else None),
                       "message": f"{r.ordered_on.isoformat()} 责令整改，整改期限至 {r.deadline.isoformat()}"})
    _change_duties(rules, regime, h, as_of, duties, warnings)

    for f in h.findings:
        if f.kind not in read_kinds:
            warnings.append(f"记录中 {f.found_on.isoformat()} 查实的{FINDING_KIND_LABELS.get(f.kind, f.kind)}："
                            f"本辖区政策未规定其后果，未据以判定")
    return found


def _change_duties(rules: StandingRules, regime: Regime, h: History, as_of: date,
                   duties: list, warnings: list) -> None:
    """A change not yet reported is a duty due N months after it (民法典 第201、202条: the day
    of the change not counted; the corresponding day, or the month's last).  No policy encoded
    attaches a consequence to a late report: it shows as overdue and changes nothing."""
    period = rules.change_report
    for c in h.changes:
        if c.reported_on is not None:
            continue
        what = f"{CHANGE_KINDS[c.kind]}变化（{c.changed_on.isoformat()}）尚未报告"
        months = period_months(period, regime)
        if months is None:
            warnings.append(f"{what}：政策未规定报告期限，本局亦未设定")
            continue
        due = add_months(c.changed_on, months)
        bureau = period.key in regime.bureau_keys or period.citation is None
        duties.append({"id": f"{rules.jurisdiction}.change_report", "due_on": due.isoformat(),
                       "overdue": as_of > due, "citation": None if bureau else _cite(period.citation),
                       "message": f"{what}，应于 {due.isoformat()}（含）前报告（变更后 "
                                  f"{_period_text(period, regime)}）"})


def _revoked(answer: dict, h: History, regime: Regime | None) -> None:
    """A revoked title: its grounds cite the rules they were taken on; the ban, if the policy
    attaches one to such a ground, runs from the day of the revocation."""
    answer["standing"] = "revoked"
    rules = regime.rules if regime is not None and regime.rules is not None else None
    for code in h.revocation_grounds:
        rule = None
        if rules is not None:
            rule = next((r for r in rules.rules if code in r.grounds), None)
        if rule is None:
            words = REVOCATION_GROUND_LABELS.get(code, code)
            answer["grounds"].append({"id": f"revocation.{code}", "citation": None,
                                      "message": f"撤销理由：{words}"})
            answer["warnings"].append(f"撤销理由“{words}”在所适用的政策中没有对应的撤销规定")
        else:
            answer["grounds"].append({"id": rule.id, "citation": _cite(rule.citation),
                                      "message": f"{h.revoked_on.isoformat()} 以“{rule.title}”撤销"})
    ban = rules.ban if rules is not None else None
    if ban is not None and set(ban.grounds) & set(h.revocation_grounds):
        years = regime.values.get(ban.parameter)
        if type(years) is int and years >= 1:
            answer["ban_until"] = add_months(h.revoked_on, 12 * years).isoformat()
        else:
            answer["warnings"].append(f"不得再次申报的年限（{ban.parameter}）未设定，未计算禁止申报期")


def _lapsed(jurisdiction: str, nearest: PolicyVersion | None, as_of: date, outcome: str) -> str:
    if nearest is None:
        return f"{jurisdiction} 没有任何政策版本，{outcome}"
    window = f"{nearest.effective_from.isoformat()}至{nearest.effective_to.isoformat() if nearest.effective_to else '长期'}"
    return (f"{as_of.isoformat()} 无有效政策：最近的版本 {nearest.document}《{nearest.title}》有效期为 {window}，"
            f"本系统不套用不在有效期内的政策，{outcome}")
