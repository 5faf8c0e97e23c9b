"""``zhongchuang evaluate`` (CONTRACTS §2): one JSON object on standard output, exit 0;
bad input one line on standard error, exit 2 (core.platform.cli_input)."""
from __future__ import annotations

import click
from flask.cli import with_appcontext

from core.bureau.setting_checks import SettingsError
from core.eligibility.engine import EvaluationError, prepare
from core.facts import FactsError
from core.facts.facts_file import read_facts
from core.platform.cli_input import OneLineCommand, parse_date, run


@click.command("evaluate", cls=OneLineCommand)
@click.option("--jurisdiction", required=True, help="辖区代码，如 kunming")
@click.option("--category", required=True, help="认定类别代码，如 comprehensive_service")
@click.option("--as-of", "as_of", default=None, help="按哪一天判断（YYYY-MM-DD，默认今天）")
@click.argument("facts_file", metavar="FACTS.json")
@with_appcontext
def evaluate_command(jurisdiction: str, category: str, as_of: str | None, facts_file: str) -> None:
    """按申报事实判断是否符合认定条件 / evaluate facts against the policy in force."""

    def produce():
        day = parse_date("--as-of", as_of)
        facts = read_facts(facts_file)
        return prepare(jurisdiction, category, day).evaluate(facts)

    run(produce, FactsError, EvaluationError, SettingsError)


COMMANDS = [evaluate_command]
