"""``zhongchuang subsidies`` (CONTRACTS §4): the subsidies the policy fixes for an event, as
one JSON object; bad input one line on standard error, exit 2 (core.platform.cli_input)."""
from __future__ import annotations

import click
from flask.cli import with_appcontext

from core.award.entitlements import EVENTS, GRADES, LEVELS, entitlements
from core.award.support import support_answer
from core.facts import is_valid_uscc
from core.bureau.setting_checks import SettingsError
from core.eligibility.engine import EvaluationError
from core.facts import FactsError
from core.platform.cli_input import BadInput, OneLineCommand, parse_date, run


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
        return entitlements(jurisdiction, event, level=level, grade=grade, as_of=parse_date("--as-of", as_of))

    run(produce, FactsError, EvaluationError, SettingsError)


@click.command("support", cls=OneLineCommand)
@click.option("--uscc", required=True, help="统一社会信用代码（18 位）")
@click.option("--space-id", "space_id", default=None, help="只看该众创空间（编号）")
@with_appcontext
def support_command(uscc: str, space_id: str | None) -> None:
    """本平台记录的某单位（或众创空间）获得的全部扶持及可能的重复支持 / every support of an
    organisation across jurisdictions, and the overlaps the duplicate-support rules flag (CONTRACTS §8)."""

    def produce():
        code = uscc.strip().upper()
        if not is_valid_uscc(code):
            raise BadInput(f"--uscc: 不是有效的统一社会信用代码 {uscc!r}（18 位，校验位须符合 GB 32100-2015）")
        space = None
        if space_id is not None:
            if not (space_id.isascii() and space_id.isdigit()) or not 0 < int(space_id) < 2**31:
                raise BadInput(f"--space-id: 应为众创空间编号（正整数），实为 {space_id!r}")
            space = int(space_id)
        return support_answer(code, space)

    run(produce, FactsError, EvaluationError, SettingsError)


COMMANDS = [subsidies_command, support_command]
