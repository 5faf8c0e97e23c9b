"""``zhongchuang statistics check`` and ``statistics export`` (CONTRACTS §7).

``check`` answers the jurisdiction's consistency rules for one return file, as JSON, exit 0:
a file has no last year, so the growth warnings never fire and a figure left out is the
error ``required``.  ``export`` writes the year's roll-up of the jurisdiction
(core.monitoring.rollup) as a workbook (core.monitoring.export), also when empty.  Bad input
(an unknown jurisdiction, a bad year, an unreadable file, a file that is not a return) is one
line on standard error naming the key, exit 2 (core.platform.cli_input).
"""
from __future__ import annotations

import json
import os
import re

import click
from flask.cli import with_appcontext

from core.eligibility.engine import EvaluationError, check_jurisdiction
from core.monitoring import forms, rules
from core.platform.cli_input import BadInput, OneLineCommand, fail, print_answer

_YEAR_RE = re.compile(r"[0-9]{4}")
FIRST_YEAR = 2000  # no return predates the platform's policies (the oldest is of 2016)


def parse_year(text: str) -> int:
    if not _YEAR_RE.fullmatch(text or "") or int(text) < FIRST_YEAR:
        raise BadInput(f"--year: 年度应为 {FIRST_YEAR} 年以后的四位数字，实为 {text!r}")
    return int(text)


def read_return_file(path: str) -> object:
    try:
        with open(path, encoding="utf-8") as f:
            return json.load(f)
    except OSError as exc:
        raise BadInput(f"RETURN.json: 无法读取 {path}（{exc.strerror}）") from None
    except (ValueError, RecursionError) as exc:  # not JSON, not UTF-8, absurd nesting or digits
        raise BadInput(f"RETURN.json: 不是有效的 JSON 文件（{str(exc)[:80]}）") from None


@click.group("statistics")
def statistics_group() -> None:
    """年度统计报表 / the annual statistics returns."""


@statistics_group.command("check", cls=OneLineCommand)
@click.option("--jurisdiction", required=True, help="辖区代码，如 yunnan")
@click.option("--year", required=True, help="统计年度，如 2025")
@click.argument("return_file", metavar="RETURN.json")
@with_appcontext
def check_command(jurisdiction: str, year: str, return_file: str) -> None:
    """按辖区的校验规则检查一份年度统计报表 / check one return against the jurisdiction's rules."""
    try:
        check_jurisdiction(jurisdiction)
        the_year = parse_year(year)
        raw = read_return_file(return_file)
        form = forms.form_for(jurisdiction, the_year)
        values = rules.read_values(form, raw)
    except (BadInput, EvaluationError) as exc:
        fail(" ".join(str(exc).split()))
    except rules.BadReturn as exc:
        fail(f"{exc.key}: {exc.message}")
    result = rules.check(form, values, previous=None)
    print_answer({"jurisdiction": jurisdiction, "year": the_year,
                  "errors": [f.to_dict() for f in result.errors],
                  "warnings": [f.to_dict() for f in result.warnings]})


@statistics_group.command("export", cls=OneLineCommand)
@click.option("--jurisdiction", required=True, help="辖区代码，如 yunnan")
@click.option("--year", required=True, help="统计年度，如 2025")
@click.option("--output", "-o", "output", required=True, help="输出的 .xlsx 文件")
@with_appcontext
def export_command(jurisdiction: str, year: str, output: str) -> None:
    """把该辖区该年度已受理的统计报表汇总为 Excel / the year's roll-up as a workbook."""
    # the workbook's modules (openpyxl) only for this command: ``check`` starts light
    from core.monitoring.export import write_workbook
    from core.monitoring.rollup import rollup
    from core.platform import clock

    try:
        check_jurisdiction(jurisdiction)
        the_year = parse_year(year)
    except (BadInput, EvaluationError) as exc:
        fail(" ".join(str(exc).split()))
    roll = rollup([jurisdiction], the_year)
    # written beside the target and renamed over it: a failure leaves no half-written workbook
    partial = f"{output}.partial"
    try:
        with open(partial, "wb") as f:
            write_workbook(f, roll, clock.now())
        os.replace(partial, output)
    except OSError as exc:
        if os.path.exists(partial):
            os.remove(partial)
        fail(f"--output: 无法写入 {output}（{exc.strerror}）")
    print_answer({"jurisdiction": jurisdiction, "year": the_year, "spaces": roll.count, "output": output})


COMMANDS = [statistics_group]
