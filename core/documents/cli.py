"""``zhongchuang render application`` (CONTRACTS §5): the jurisdiction's application
form for a facts file, as a PDF.

Bad input exactly as the policy commands (CONTRACTS §2, ``core.platform.cli_input``): one
line on standard error naming the key or option, exit 2, nothing on standard output.
"""
from __future__ import annotations

import click
from flask.cli import with_appcontext

from core.bureau.setting_checks import SettingsError
from core.documents import render as documents
from core.eligibility.engine import EvaluationError, prepare
from core.facts import FactsError
from core.facts.facts_file import read_facts
from core.platform import clock
from core.platform.cli_input import BadInput, OneLineCommand, fail


# The most residents the printed 申报书 lists (ours, docs/limits.md): a real space has
# tens; 300 rows print in well under the renderer's 60 s limit on a loaded machine, while
# 1 000 did not finish in 60 s and 10 000 ran 103 s before a traceback (issue 13).
MAX_RENDER_RESIDENTS = 300


@click.group("render")
def render_group() -> None:
    """把文书生成为 PDF / render documents as PDF."""


@render_group.command("application", cls=OneLineCommand)
@click.option("--jurisdiction", required=True, help="辖区代码，如 mile")
@click.option("--category", required=True, help="认定类别代码，如 comprehensive")
@click.option("--output", "-o", "output", required=True, help="输出的 PDF 文件")
@click.argument("facts_file", metavar="FACTS.json")
@with_appcontext
def render_application_command(jurisdiction: str, category: str, output: str, facts_file: str) -> None:
    """申请表 / 申报书 PDF for the facts of FACTS.json."""
    try:
        facts = read_facts(facts_file)
        if len(facts.residents) > MAX_RENDER_RESIDENTS:
            raise BadInput(f"residents: 入驻企业和创业团队 {len(facts.residents)} 家，超过申报书可打印的上限 "
                           f"{MAX_RENDER_RESIDENTS} 家（本系统的限制，见 docs/limits.md）；"
                           f"evaluate 不受此限")
        # The jurisdiction and category are checked as ``evaluate`` checks them.
        prepare(jurisdiction, category, clock.today())
        pdf = documents.application_pdf(jurisdiction, category, facts.to_json_dict())
    except (BadInput, FactsError, EvaluationError, SettingsError) as exc:
        fail(" ".join(str(exc).split()))
    except documents.DocumentError as exc:  # the renderer failed (e.g. its time limit): one line, exit 1
        click.echo(" ".join(f"render: 申报书未能生成（{exc}）".split()), err=True)
        raise click.exceptions.Exit(1) from None
    try:
        with open(output, "wb") as f:
            f.write(pdf)
    except OSError as exc:
        fail(f"--output: 无法写入 {output}（{exc.strerror}）")


COMMANDS = [render_group]
