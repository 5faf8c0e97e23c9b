"""Policy commands of CONTRACTS §2–§4: evaluate, notice-period, subsidies.

Each prints one JSON object (``ensure_ascii=False``) on standard output and exits 0.
Any bad input — the facts file, an option, an unknown or disabled jurisdiction, a
category the policy lacks — is ONE line on standard error naming the offending key
or option, exit 2, nothing on standard output and no traceback.  Click's own usage
errors (a missing or unknown option) are folded into the same one line.
"""
from __future__ import annotations

import json
import re
import sys
from datetime import date

import click
from flask.cli import with_appcontext

from core.eligibility.engine import EvaluationError, prepare
from core.facts import FactsError, TooManyDigits, parse_facts
from core.notice.periods import notice_period_for
from core.bureau.settings import SettingsError
from core.award.entitlements import EVENTS, GRADES, LEVELS, entitlements

BAD_INPUT = 2
_DATE_RE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


class BadInput(Exception):
    """One line for standard error (already naming the key or option)."""


class OneLineCommand(click.Command):
    """A command whose usage errors are one line on standard error, exit 2."""

    def make_context(self, info_name, args, parent=None, **extra):
        try:
            return super().make_context(info_name, args, parent=parent, **extra)
        except click.UsageError as exc:
            _fail(" ".join(exc.format_message().split()))


def _fail(line: str):
    # One line that any terminal can take: a lone surrogate from the input is shown escaped.
    line = " ".join(line.split()).encode("utf-8", "backslashreplace").decode("utf-8")
    click.echo(line, err=True)
    raise click.exceptions.Exit(BAD_INPUT)


def _print(answer: dict) -> None:
    click.echo(json.dumps(answer, ensure_ascii=False, indent=2))


def _date(option: str, text: str | None) -> date:
    if text is None:
        return date.today()
    try:
        if not _DATE_RE.fullmatch(text):
            raise ValueError
        return date.fromisoformat(text)
    except ValueError:
        raise BadInput(f"{option}: 日期应为存在的 YYYY-MM-DD，实为 {text!r}") from None


def _read_facts(path: str):
    try:
        if path == "-":
            text = sys.stdin.read()
        else:
            with open(path, encoding="utf-8-sig") as f:
                text = f.read()
    except FileNotFoundError:
        raise BadInput(f"{path}: 文件不存在") from None
    except IsADirectoryError:
        raise BadInput(f"{path}: 是目录，不是文件") from None
    except PermissionError:
        raise BadInput(f"{path}: 无权读取") from None
    except UnicodeDecodeError:
        raise BadInput(f"{path}: 不是 UTF-8 编码的文本") from None
    except OSError as exc:
        raise BadInput(f"{path}: 无法读取（{exc.strerror}）") from None
    return _facts_from_text(path, text)


# Limits of a facts file (ours, docs/limits.md): far above a real application.
MAX_FACTS_BYTES = 8 * 1024 * 1024
MAX_JSON_DEPTH = 32
MAX_INT_DIGITS = 15
_JSON_TOKEN = re.compile(r'"(?:[^"\\]|\\.)*"|[\[\]{}]')


def _parse_int(text: str):
    # Python refuses to read 4300+ digits at all: keep a marker so that parse_facts names the key.
    return int(text) if len(text) <= MAX_INT_DIGITS + 1 else TooManyDigits(len(text.lstrip("-")))


def _too_deep(text: str) -> tuple[str, int] | None:
    """(the top-level key, depth) where the JSON nests deeper than MAX_JSON_DEPTH."""
    depth, key, last_string = 0, "", ""
    for match in _JSON_TOKEN.finditer(text):
        token = match.group()
        if token[0] == '"':
            if depth == 1:
                last_string = token
            continue
        if token in "[{":
            if depth == 1:
                key = last_string
            depth += 1
            if depth > MAX_JSON_DEPTH:
                try:
                    name = json.loads(key) if key else ""
                except ValueError:
                    name = ""
                return name, depth
        else:
            depth -= 1
    return None


def _facts_from_text(path: str, text: str):
    if len(text) > MAX_FACTS_BYTES:
        raise BadInput(f"{path}: 文件过大（{len(text):,} 字符，上限 {MAX_FACTS_BYTES:,}）")
    deep = _too_deep(text)
    if deep is not None:
        name, _ = deep
        raise BadInput(f"{name or path}: JSON 嵌套超过 {MAX_JSON_DEPTH} 层，申报事实不会这样深，请检查文件")
    try:
        data = json.loads(text, parse_int=_parse_int)
    except json.JSONDecodeError as exc:
        raise BadInput(f"{path}: 不是有效的 JSON（第 {exc.lineno} 行第 {exc.colno} 列：{exc.msg}）") from None
    except (ValueError, RecursionError) as exc:  # belt and braces: nothing escapes as a traceback
        raise BadInput(f"{path}: 无法读取的 JSON（{type(exc).__name__}）") from None
    try:
        return parse_facts(data)
    except FactsError as exc:
        if not exc.key:  # the whole document is wrong (not an object): name the file
            raise BadInput(f"{path}: {exc.message}") from None
        raise


def _run(produce) -> None:
    """Run ``produce()`` and print its answer, or one line and exit 2."""
    try:
        answer = produce()
    except (BadInput, FactsError, EvaluationError, SettingsError) as exc:
        _fail(" ".join(str(exc).split()))
    _print(answer)


# --- evaluate ---------------------------------------------------------------------------


@click.command("evaluate", cls=OneLineCommand)
@click.option("--jurisdiction", required=True, help="辖区代码，如 kunming")
@click.option("--category", required=True, help="认定类别代码，如 comprehensive_service")
@click.option("--as-of", "as_of", default=None, help="按哪一天判断（YYYY-MM-DD，默认今天）")
@click.argument("facts_file", metavar="FACTS.json")
@with_appcontext
def evaluate_command(jurisdiction: str, category: str, as_of: str | None, facts_file: str) -> None:
    """按申报事实判断是否符合认定条件 / evaluate facts against the policy in force."""

    def produce():
        day = _date("--as-of", as_of)
        facts = _read_facts(facts_file)
        return prepare(jurisdiction, category, day).evaluate(facts)

    _run(produce)


# --- notice-period ---------------------------------------------------------------------


@click.command("notice-period", cls=OneLineCommand)
@click.option("--jurisdiction", required=True, help="辖区代码")
@click.option("--published-on", "published_on", required=True, help="公示发布日期（YYYY-MM-DD）")
@with_appcontext
def notice_period_command(jurisdiction: str, published_on: str) -> None:
    """计算公示期的起止日 / the public-notice period for a publication date."""
    _run(lambda: notice_period_for(jurisdiction, _date("--published-on", published_on)))


# --- subsidies ----------------------------------------------------------------------------


def _choice(option: str, value: str | None, choices: dict[str, str]) -> None:
    if value is not None and value not in choices:
        raise BadInput(f"{option}: 无效的取值 {value!r}（可用：{' / '.join(choices)}）")


@click.command("subsidies", cls=OneLineCommand)
@click.option("--jurisdiction", required=True, help="辖区代码")
@click.option("--event", required=True, help="recognized（认定）/ evaluated（评估）")
@click.option("--level", default=None, help="认定级别：national / provincial / municipal")
@click.option("--grade", default=None, help="评估等次：excellent / good / qualified / unqualified")
@click.option("--as-of", "as_of", default=None, help="按哪一天的政策（YYYY-MM-DD，默认今天）")
@with_appcontext
def subsidies_command(jurisdiction: str, event: str, level: str | None, grade: str | None,
                      as_of: str | None) -> None:
    """政策规定的奖补 / the subsidies the policy fixes for an event."""

    def produce():
        _choice("--event", event, EVENTS)
        _choice("--level", level, LEVELS)
        _choice("--grade", grade, GRADES)
        if event == "recognized":
            if level is None:
                raise BadInput("--level: 认定（recognized）须指明级别 national / provincial / municipal")
            if grade is not None:
                raise BadInput("--grade: 认定（recognized）不用评估等次")
        if event == "evaluated":
            if grade is None:
                raise BadInput("--grade: 评估（evaluated）须指明等次 excellent / good / qualified / unqualified")
            if level is not None:
                raise BadInput("--level: 评估（evaluated）不用认定级别")
        return entitlements(jurisdiction, event, level=level, grade=grade, as_of=_date("--as-of", as_of))

    _run(produce)


COMMANDS = [evaluate_command, notice_period_command, subsidies_command]
