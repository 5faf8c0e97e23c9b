"""A facts file as the commands read it (``evaluate``, ``render application``): a path or
``-`` for standard input, UTF-8 JSON within our limits (docs/limits.md), parsed into facts.
Every problem is :class:`~core.platform.cli_input.BadInput` naming the file, or
:class:`~core.facts.FactsError` naming the key."""
from __future__ import annotations

import json
import re
import sys

from core.facts import FactsError, TooManyDigits, parse_facts
from core.platform.cli_input import BadInput

# Limits of a facts file (ours, docs/limits.md): far above a real application.
MAX_FACTS_BYTES = 8 * 1024 * 1024
MAX_JSON_DEPTH = 32
MAX_INT_DIGITS = 15
_JSON_TOKEN = re.compile(r'"(?:[^"\\]|\\.)*"|[\[\]{}]')


def read_facts(path: str):
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
    return facts_from_text(path, text)


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


def facts_from_text(path: str, text: str):
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
