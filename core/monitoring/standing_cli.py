"""``zhongchuang standing`` (CONTRACTS §6): a title's standing from a HISTORY.json file, one JSON
object on standard output, exit 0; bad input one line on standard error naming the key, exit 2
(core.platform.cli_input).  Reads the bureau's settings and versions, writes nothing."""
from __future__ import annotations

import json

import click
from flask.cli import with_appcontext

from core.eligibility.engine import EvaluationError, check_jurisdiction
from core.monitoring.standing import BadHistory
from core.monitoring.standing_policy import standing_of
from core.platform.cli_input import BadInput, OneLineCommand, parse_date, run

MAX_HISTORY_BYTES = 8 * 1024 * 1024  # as a facts file (docs/limits.md): far above any title's record


def read_history(path: str) -> object:
    try:
        with open(path, encoding="utf-8-sig") as f:
            text = f.read(MAX_HISTORY_BYTES + 1)
    except OSError as exc:
        raise BadInput(f"HISTORY.json: 无法读取 {path}（{exc.strerror}）") from None
    except UnicodeDecodeError:
        raise BadInput(f"HISTORY.json: {path} 不是 UTF-8 编码的文本") from None
    if len(text) > MAX_HISTORY_BYTES:
        raise BadInput(f"HISTORY.json: {path} 过大（上限 {MAX_HISTORY_BYTES:,} 字符）")
    try:
        return json.loads(text)
    except (ValueError, RecursionError) as exc:  # not JSON, absurd nesting or digits
        raise BadInput(f"HISTORY.json: 不是有效的 JSON 文件（{str(exc)[:80]}）") from None


@click.command("standing", cls=OneLineCommand)
@click.option("--jurisdiction", required=True, help="辖区代码，如 yunnan")
@click.option("--history", "history_file", required=True, help="认定后记录 HISTORY.json（CONTRACTS §6）")
@click.option("--as-of", "as_of", default=None, help="按哪一天判断（YYYY-MM-DD，默认今天）")
@with_appcontext
def standing_command(jurisdiction: str, history_file: str, as_of: str | None) -> None:
    """按认定后记录判断称号状态 / a recognised space's standing under its jurisdiction's policy."""

    def produce():
        check_jurisdiction(jurisdiction)
        day = parse_date("--as-of", as_of)
        return standing_of(jurisdiction, read_history(history_file), day)

    run(produce, EvaluationError, BadHistory)


COMMANDS = [standing_command]
