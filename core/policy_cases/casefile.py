"""Reading a policy case file: YAML text → :class:`Case` objects, or :class:`CaseFileError`
naming the file, the case and the key (docs/plugins.md, "Policy cases").

A file is a list of cases; a file named ``bases.yaml`` is instead a mapping of named bases
(complete facts, or a complete record), which a case in that folder — or any case of that
jurisdiction — varies by stating only what it changes.  Everything is checked here, before a
case runs: the keys, the dates, the command, the jurisdiction and category, the settings (only
keys the bureau may set, within their range), and the facts or record the case ends up with (the
checks of CONTRACTS §1 and §6).  A malformed file is never half run.
"""
from __future__ import annotations

import copy
import re
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Callable

import yaml

from core.award.entitlements import EVENTS, GRADES, LEVELS
from core.bureau import setting_checks
from core.bureau.data import known_setting_keys
from core.facts import FACT_KEYS, OPTIONAL_FACT_KEYS, FactsError, parse_facts
from core.monitoring.standing import BadHistory, parse_history
from core.platform.errors import Refused
from core.platform.jurisdictions import registry

__all__ = ["CHECKS", "BASES_FILE", "Case", "CaseFileError", "read_cases", "read_bases", "VERDICTS", "STANDINGS"]

BASES_FILE = "bases.yaml"

# The command a case checks → its name in the table.
CHECKS = {"eligibility": "认定条件", "notice_period": "公示期", "subsidies": "奖补", "standing": "认定后状态"}
VERDICTS = ("ineligible", "eligible_pending_review", "no_policy_in_force")
STANDINGS = ("good", "rectification", "revocation_due", "revoked", "no_policy_in_force")
RESULTS = ("pass", "fail", "manual")
CALENDARS = ("package", "fallback")
_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
# The days a case may be judged on: our bounds (no policy is older than 1990, and a period counted
# from 9999-12-31 would run past the calendar).
FIRST_DAY, LAST_DAY = date(1990, 1, 1), date(2200, 12, 31)

_FACT_KEYS = frozenset(FACT_KEYS + OPTIONAL_FACT_KEYS)
_TOP = {"name", "article", "check", "jurisdiction", "as_of", "settings", "calendar", "given", "expect", "note"}
_GIVEN = {
    "eligibility": {"category", "base", "facts"},
    "notice_period": set(),
    "subsidies": {"event", "level", "grade"},
    "standing": {"base", "history"},
}
_EXPECT = {
    "eligibility": {"verdict", "criteria", "fails", "warnings", "policy"},
    "notice_period": {"days", "first_day", "last_day", "warnings", "policy"},
    "subsidies": {"total_cny", "entitlements", "warnings", "policy"},
    "standing": {"standing", "grounds", "duties", "ban_until", "warnings", "policy"},
}


class CaseFileError(Refused):
    """A case file that cannot be run: ``str()`` is one line naming the file, the case and the key."""

    def __init__(self, source: str, case: str | None, key: str, message: str) -> None:
        where = f"{source}" + (f" 用例「{case}」" if case else "")
        super().__init__(f"{where} {key}", message)
        self.source, self.case = source, case


@dataclass(frozen=True)
class Case:
    """One case, checked and resolved (its base applied)."""

    source: str
    index: int  # its place in the file, from 1
    name: str
    article: str
    check: str
    jurisdiction: str
    as_of: date
    given: dict[str, Any]  # eligibility: category, facts; subsidies: event, level, grade; standing: history
    expect: dict[str, Any]
    settings: dict[str, Any] = field(default_factory=dict)
    calendar: str = "package"
    base: str | None = None
    note: str | None = None


class _UniqueKeyLoader(yaml.SafeLoader):
    """YAML's own loader, refusing a key given twice in one mapping (PyYAML keeps the last one
    silently, and a case whose expectation was overwritten would pass for the wrong reason) and
    aliases (*name: a few nested ones make a file of a hundred bytes mean millions of values;
    a case varies a base instead)."""

    def compose_node(self, parent, index):
        if self.check_event(yaml.events.AliasEvent):
            event = self.peek_event()
            raise yaml.composer.ComposerError(None, None, "不支持锚点引用（*别名）：请用 base: 引用基准",
                                              event.start_mark)
        return super().compose_node(parent, index)


def _mapping(loader: _UniqueKeyLoader, node: yaml.MappingNode) -> dict:
    seen: set = set()
    for key_node, _ in node.value:
        key = loader.construct_object(key_node, deep=True)
        if not isinstance(key, (str, int, float, bool)) or isinstance(key, bool):
            raise yaml.constructor.ConstructorError(None, None, "键应为文字", key_node.start_mark)
        key = str(key)
        if key in seen:
            raise yaml.constructor.ConstructorError(None, None, f"键 {key!r} 出现两次", key_node.start_mark)
        seen.add(key)
    return {str(k): v for k, v in loader.construct_mapping(node, deep=True).items()}


_UniqueKeyLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _mapping)
# Dates stay text, read by this module as CONTRACTS reads them: YAML's own timestamps would turn
# 2026-02-30 into a crash and 2026-5-1 into a date the contracts refuse.
_UniqueKeyLoader.yaml_implicit_resolvers = {
    first: [(tag, pattern) for tag, pattern in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def _load(source: str, text: str) -> Any:
    try:
        return yaml.load(text, Loader=_UniqueKeyLoader)  # noqa: S506 — a SafeLoader subclass
    except RecursionError:
        raise CaseFileError(source, None, "YAML", "嵌套层次过深，不是用例文件") from None
    except (yaml.YAMLError, ValueError) as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"第 {mark.line + 1} 行" if mark is not None else "YAML"
        problem = getattr(exc, "problem", None) or str(exc)
        if "could not determine a constructor" in str(problem):
            problem = "不支持的 YAML 标签（用例只用文字、数字、日期、列表和映射）"
        raise CaseFileError(source, None, where, f"不是有效的 YAML：{' '.join(str(problem).split())}") from None


def _iso(value: Any) -> Any:
    """Dates as the ISO text CONTRACTS §1 and §6 read (YAML turns 2026-05-10 into a date)."""
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, dict):
        return {k: _iso(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_iso(v) for v in value]
    return value


def _day(value: Any) -> date | None:
    if isinstance(value, date):
        return value
    if isinstance(value, str) and _DATE.fullmatch(value):
        try:
            return date.fromisoformat(value)
        except ValueError:
            return None
    return None


# --- bases ---------------------------------------------------------------------------------


def read_bases(source: str, text: str) -> dict[str, dict[str, Any]]:
    """A bases file: name → {"facts": {...}} or {"history": {...}} (dates as ISO text)."""
    raw = _load(source, text)
    if raw is None:
        return {}
    if not isinstance(raw, dict):
        raise CaseFileError(source, None, "bases", "基准文件应为“名称: 内容”的映射")
    bases: dict[str, dict[str, Any]] = {}
    for name, body in raw.items():
        if not isinstance(name, str) or not name.strip():
            raise CaseFileError(source, None, f"bases.{name}", "基准的名称应为文字")
        if not isinstance(body, dict) or len(body) != 1 or next(iter(body)) not in ("facts", "history") \
                or not isinstance(next(iter(body.values())), dict):
            raise CaseFileError(source, None, f"{name}", "基准应只含 facts:（申报事实）或 history:（认定后记录）之一，且为映射")
        bases[name] = _iso(body)
    return bases


# --- cases ---------------------------------------------------------------------------------


class _Reader:
    """Checks one case's keys, naming the file and the case in every complaint."""

    def __init__(self, source: str, name: str | None) -> None:
        self.source, self.name = source, name

    def error(self, key: str, message: str) -> CaseFileError:
        return CaseFileError(self.source, self.name, key, message)

    def mapping(self, key: str, value: Any, allowed: set[str] | None = None) -> dict:
        if value is None:
            return {}
        if not isinstance(value, dict):
            raise self.error(key, f"应为映射（键: 值），实为 {_shown(value)}")
        if allowed is not None:
            unknown = sorted((str(k) for k in value if k not in allowed))
            if unknown:
                raise self.error(f"{key}.{unknown[0]}", f"不是此处可用的键（可用：{'、'.join(sorted(allowed)) or '无'}）")
        return value

    def text(self, key: str, value: Any) -> str:
        if not isinstance(value, str) or not value.strip():
            raise self.error(key, f"应为非空文字，实为 {_shown(value)}")
        return value.strip()

    def day(self, key: str, value: Any, *, none: bool = False) -> date | None:
        if value is None and none:
            return None
        found = _day(value)
        if found is None:
            raise self.error(key, f"应为存在的日期 YYYY-MM-DD，实为 {_shown(value)}")
        if not FIRST_DAY <= found <= LAST_DAY:
            raise self.error(key, f"日期应在 {FIRST_DAY.isoformat()} 至 {LAST_DAY.isoformat()} 之间，实为 {found.isoformat()}")
        return found

    def choice(self, key: str, value: Any, choices) -> str:
        if value not in choices:
            raise self.error(key, f"无效的取值 {_shown(value)}（可用：{' / '.join(choices)}）")
        return value

    def texts(self, key: str, value: Any) -> list[str]:
        if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
            raise self.error(key, f"应为文字的列表，实为 {_shown(value)}")
        return [v.strip() for v in value]

    def whole(self, key: str, value: Any, *, none: bool = False) -> int | None:
        if value is None and none:
            return None
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            raise self.error(key, f"应为不小于 0 的整数{'或 null' if none else ''}，实为 {_shown(value)}")
        return value


def _shown(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "…"


def read_cases(source: str, text: str, *, jurisdiction: str | None,
               bases: Callable[[str, str], dict[str, Any] | None]) -> list[Case]:
    """The cases of one file.  ``jurisdiction`` is the default for cases naming none (the
    plugin that ships the file, or ``--jurisdiction``); ``bases(code, name)`` finds a named base."""
    raw = _load(source, text)
    if raw is None:
        return []
    if not isinstance(raw, list):
        raise CaseFileError(source, None, "cases", "用例文件应为用例的列表（每个用例以“- name:”开头）")
    cases: list[Case] = []
    names: set[str] = set()
    for index, entry in enumerate(raw, start=1):
        label = entry.get("name") if isinstance(entry, dict) and isinstance(entry.get("name"), str) else f"第 {index} 个"
        case = _read_case(_Reader(source, label), index, entry, jurisdiction, bases)
        if case.name in names:
            raise CaseFileError(source, case.name, "name", "同一文件中用例名称重复")
        names.add(case.name)
        cases.append(case)
    return cases


def _read_case(r: _Reader, index: int, entry: Any, default_jurisdiction: str | None,
               bases: Callable[[str, str], dict[str, Any] | None]) -> Case:
    entry = r.mapping("case", entry, _TOP)
    for key in ("name", "article", "check", "as_of", "expect"):
        if key not in entry:
            raise r.error(key, "缺少此键")
    name = r.text("name", entry["name"])
    article = r.text("article", entry["article"])
    check = r.choice("check", entry["check"], tuple(CHECKS))
    as_of = r.day("as_of", entry["as_of"])
    code = entry.get("jurisdiction", default_jurisdiction)
    if code is None:
        raise r.error("jurisdiction", "缺少辖区代码（在用例中写 jurisdiction:，或运行时用 --jurisdiction 指定）")
    code = r.text("jurisdiction", code)
    installed = registry().installed()
    if code not in installed:
        raise r.error("jurisdiction", f"未安装的辖区代码 {_shown(code)}（已安装：{'、'.join(installed) or '无'}）")
    note = entry.get("note")
    if note is not None:
        note = r.text("note", note)
    calendar = r.choice("calendar", entry.get("calendar", "package"), CALENDARS)
    if calendar != "package" and check != "notice_period":
        raise r.error("calendar", "只有公示期（notice_period）用例使用工作日历")
    settings = _settings(r, code, r.mapping("settings", entry.get("settings")))
    given = r.mapping("given", entry.get("given"), _GIVEN[check])
    expect = r.mapping("expect", entry["expect"], _EXPECT[check])
    if not expect:
        raise r.error("expect", "至少写明一项预期结果")
    base = given.get("base")
    resolved = _GIVEN_READERS[check](r, code, given, lambda: _base(r, base, lambda n: bases(code, n)))
    _EXPECT_READERS[check](r, expect)
    return Case(source=r.source, index=index, name=name, article=article, check=check, jurisdiction=code,
                as_of=as_of, given=resolved, expect=expect, settings=settings, calendar=calendar,
                base=base, note=note)


def _settings(r: _Reader, code: str, settings: dict) -> dict[str, Any]:
    keys = known_setting_keys(code)
    for key, value in settings.items():
        if key not in keys:
            raise r.error(f"settings.{key}", f"不是 {code} 的局设置（可设：{'、'.join(sorted(keys))}）")
        try:  # the checks of the admin's setting form: the value's kind, then its range
            setting_checks.check_setting_value(code, key, value)
            refused = setting_checks.out_of_bound(code, key, value)
        except setting_checks.SettingsError as exc:
            refused = exc.message
        except (TypeError, ValueError):
            refused = f"取值 {_shown(value)} 的类型不对"
        if refused is not None:
            raise r.error(f"settings.{key}", refused)
    return dict(settings)


def _base(r: _Reader, name: Any, bases: Callable[[str], dict[str, Any] | None]) -> dict[str, Any] | None:
    if name is None:
        return None
    if not isinstance(name, str):
        raise r.error("given.base", f"应为基准的名称，实为 {_shown(name)}")
    found = bases(name)
    if found is None:
        raise r.error("given.base", f"找不到名为「{name}」的基准（同一文件夹的 {BASES_FILE} 或该辖区随插件提供的基准）")
    return found


def _over(r: _Reader, kind: str, base: dict[str, Any] | None, changes: Any, key: str) -> dict[str, Any]:
    """The base's facts (or record) with the case's keys replacing the base's, key by key."""
    if base is not None and kind not in base:
        raise r.error("given.base", f"该基准不是{'申报事实（facts）' if kind == 'facts' else '认定后记录（history）'}")
    merged = copy.deepcopy(base[kind]) if base is not None else {}
    merged.update(_iso(r.mapping(key, changes)))
    return merged


def _given_eligibility(r: _Reader, code: str, given: dict, base) -> dict[str, Any]:
    if "category" not in given:
        raise r.error("given.category", "缺少认定类别代码")
    category = r.text("given.category", given["category"])
    known = {c.code for v in registry().policies(code) for c in v.categories}
    if category not in known:
        raise r.error("given.category", f"{code} 没有认定类别 {_shown(category)}（可用：{'、'.join(sorted(known))}）")
    if "base" not in given and "facts" not in given:
        raise r.error("given.facts", "缺少申报事实（写 facts:，或用 base: 指定基准后只写改变的键）")
    unknown = sorted(set(r.mapping("given.facts", given.get("facts"))) - _FACT_KEYS)
    if unknown:
        raise r.error(f"given.facts.{unknown[0]}", "不是申报事实的键（CONTRACTS §1）：拼写有误时用例只会检验基准")
    facts = _over(r, "facts", base(), given.get("facts"), "given.facts")
    try:
        parse_facts(facts)
    except FactsError as exc:
        raise r.error(f"given.facts.{exc.key}", exc.message) from None
    return {"category": category, "facts": facts}


def _given_notice(r: _Reader, code: str, given: dict, base) -> dict[str, Any]:
    return {}


def _given_subsidies(r: _Reader, code: str, given: dict, base) -> dict[str, Any]:
    event = r.choice("given.event", given.get("event"), tuple(EVENTS))
    level = given.get("level")
    grade = given.get("grade")
    if event == "recognized":
        r.choice("given.level", level, tuple(LEVELS))
        if grade is not None:
            raise r.error("given.grade", "认定（recognized）不用评估等次")
    else:
        r.choice("given.grade", grade, tuple(GRADES))
        if level is not None:
            raise r.error("given.level", "评估（evaluated）不用认定级别")
    return {"event": event, "level": level, "grade": grade}


def _given_standing(r: _Reader, code: str, given: dict, base) -> dict[str, Any]:
    if "base" not in given and "history" not in given:
        raise r.error("given.history", "缺少认定后记录（写 history:，或用 base: 指定基准后只写改变的键）")
    history = _over(r, "history", base(), given.get("history"), "given.history")
    try:
        parse_history(history)
    except BadHistory as exc:
        raise r.error(f"given.history.{exc.key}", exc.message) from None
    return {"history": history}


_GIVEN_READERS = {"eligibility": _given_eligibility, "notice_period": _given_notice,
                  "subsidies": _given_subsidies, "standing": _given_standing}


def _expect_policy(r: _Reader, expect: dict) -> None:
    if "policy" in expect and expect["policy"] is not None:
        r.text("expect.policy", expect["policy"])


def _expect_eligibility(r: _Reader, expect: dict) -> None:
    _expect_policy(r, expect)
    if "verdict" in expect:
        r.choice("expect.verdict", expect["verdict"], VERDICTS)
    if "criteria" in expect and not (isinstance(expect["criteria"], dict) and expect["criteria"]):
        raise r.error("expect.criteria", "应列出至少一个条件及其预期结果（否则什么也不比较）")
    for cid, want in r.mapping("expect.criteria", expect.get("criteria")).items():
        key = f"expect.criteria.{cid}"
        if isinstance(want, dict):
            r.mapping(key, want, {"result", "message"})
            r.choice(f"{key}.result", want.get("result"), RESULTS)
            if "message" in want:
                r.text(f"{key}.message", want["message"])
        else:
            r.choice(key, want, RESULTS)
    if "fails" in expect:
        r.texts("expect.fails", expect["fails"])
    if "warnings" in expect:
        r.texts("expect.warnings", expect["warnings"])


def _expect_notice(r: _Reader, expect: dict) -> None:
    _expect_policy(r, expect)
    if "days" in expect:
        r.whole("expect.days", expect["days"])
    for key in ("first_day", "last_day"):
        if key in expect:
            expect[key] = r.day(f"expect.{key}", expect[key])
    if "warnings" in expect:
        r.texts("expect.warnings", expect["warnings"])


def _expect_subsidies(r: _Reader, expect: dict) -> None:
    _expect_policy(r, expect)
    if "total_cny" in expect:
        r.whole("expect.total_cny", expect["total_cny"])
    for code, amount in r.mapping("expect.entitlements", expect.get("entitlements")).items():
        r.whole(f"expect.entitlements.{code}", amount, none=True)
    if "warnings" in expect:
        r.texts("expect.warnings", expect["warnings"])


def _expect_standing(r: _Reader, expect: dict) -> None:
    _expect_policy(r, expect)
    if "standing" in expect:
        r.choice("expect.standing", expect["standing"], STANDINGS)
    if "grounds" in expect:
        r.texts("expect.grounds", expect["grounds"])
    for duty, want in r.mapping("expect.duties", expect.get("duties")).items():
        want = r.mapping(f"expect.duties.{duty}", want, {"due_on", "overdue"})
        if "due_on" in want:
            want["due_on"] = r.day(f"expect.duties.{duty}.due_on", want["due_on"])
        if "overdue" in want and not isinstance(want["overdue"], bool):
            raise r.error(f"expect.duties.{duty}.overdue", f"应为 true 或 false，实为 {_shown(want['overdue'])}")
    if "ban_until" in expect:
        expect["ban_until"] = r.day("expect.ban_until", expect["ban_until"], none=True)
    if "warnings" in expect:
        r.texts("expect.warnings", expect["warnings"])


_EXPECT_READERS = {"eligibility": _expect_eligibility, "notice_period": _expect_notice,
                   "subsidies": _expect_subsidies, "standing": _expect_standing}
