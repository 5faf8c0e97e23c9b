"""``zhongchuang policy-test [--jurisdiction CODE] [PATH…]``: run policy cases and print the
table in Chinese.  Without PATH, the cases every installed plugin ships (of the enabled
jurisdictions, or of CODE alone); with PATH, those files and folders (their cases name their
jurisdiction, or take CODE).  Exit 0 when every case passes, 1 when one fails, 2 for a malformed
case file (one line naming the file, the case and the key; nothing is run)."""
from __future__ import annotations

import click
from flask.cli import with_appcontext

from core.platform.cli_input import OneLineCommand, fail
from core.platform.jurisdictions import enabled_codes, registry
from core.policy_cases.casefile import CaseFileError
from core.policy_cases.report import summary, table
from core.policy_cases.runner import run_cases
from core.policy_cases.sources import path_files, read_files, shipped_files


@click.command("policy-test", cls=OneLineCommand)
@click.option("--jurisdiction", default=None, help="只运行该辖区的用例（辖区代码）")
@click.argument("paths", nargs=-1, metavar="[PATH…]")
@with_appcontext
def policy_test_command(jurisdiction: str | None, paths: tuple[str, ...]) -> None:
    """运行政策用例并列表显示结果 / run the policy cases and print the results."""
    installed = registry().installed()
    enabled = enabled_codes()
    if jurisdiction is not None and jurisdiction not in installed:
        fail(f"--jurisdiction: 未知的辖区代码 {jurisdiction}（已安装：{'、'.join(installed) or '无'}）")
    if jurisdiction is not None and jurisdiction not in enabled:
        fail(f"--jurisdiction: 辖区 {jurisdiction}（{installed[jurisdiction].name}）在本系统中未启用")
    try:
        if paths:
            files = path_files(paths, jurisdiction)
        else:
            files = [f for code in ([jurisdiction] if jurisdiction else enabled) for f in shipped_files(code)]
        cases = read_files(files)
    except CaseFileError as exc:
        fail(str(exc))
    if paths and not cases:
        fail(f"{' '.join(paths)}: 未找到用例（文件夹只读其中的 .yaml 文件，不读子文件夹）")
    if jurisdiction is not None:
        others = sum(c.jurisdiction != jurisdiction for c in cases)
        cases = [c for c in cases if c.jurisdiction == jurisdiction]
        if paths and not cases:
            fail(f"{' '.join(paths)}: 没有辖区 {jurisdiction} 的用例（{others} 个用例属于其他辖区）")
        if others:
            click.echo(f"另有 {others} 个用例属于其他辖区，未运行（--jurisdiction {jurisdiction}）")
    skipped = sorted({c.jurisdiction for c in cases} - set(enabled))
    for code in skipped:
        click.echo(f"跳过 {installed[code].name}（{code}）的用例：该辖区在本系统中未启用")
    cases = [c for c in cases if c.jurisdiction in enabled]
    outcomes = run_cases(cases)
    names = {code: j.name for code, j in installed.items()}
    if outcomes:
        click.echo(table(outcomes, names))
    click.echo(summary(outcomes))
    if not all(o.passed for o in outcomes):
        raise click.exceptions.Exit(1)


COMMANDS = [policy_test_command]
