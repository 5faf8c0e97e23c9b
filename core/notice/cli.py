"""Notice commands: ``zhongchuang notice-period`` (CONTRACTS §3) and, for cron, ``tick``.

``notice-period`` prints the public-notice period for a publication date as one JSON
object; bad input is one line on standard error, exit 2 (core.platform.cli_input).

``tick`` closes every open public notice (of an enabled jurisdiction) whose period
ended before today with no open objection, moving its applications to the award
step, as the system actor.  One line per notice closed (or waiting on objections, or
failed), then a summary, on standard output and in the ``zhongchuang.tick`` log.
Idempotent: a second run finds nothing to do.  Exit 0; 1 when a notice could not be
closed (so cron reports it); 2 for a bad ``--today``.

The notices' closing is also the queue's daily task ``notice.tick`` (core.notice.tasks, for Celery
beat); here it runs in the command as before, and the command then asks for the queue's other
daily tasks and sweeps what the queue left waiting (docs/operations.md, "The task queue").
"""
from __future__ import annotations

import logging

import click
from flask.cli import with_appcontext

from core.bureau.setting_checks import SettingsError
from core.eligibility.engine import EvaluationError
from core.facts import FactsError
from core.notice.periods import notice_period_for
from core.platform import clock
from core.platform.cli_input import BadInput, OneLineCommand, fail, parse_date, run

log = logging.getLogger("zhongchuang.tick")


@click.command("notice-period", cls=OneLineCommand)
@click.option("--jurisdiction", required=True, help="辖区代码")
@click.option("--published-on", "published_on", required=True, help="公示发布日期（YYYY-MM-DD）")
@with_appcontext
def notice_period_command(jurisdiction: str, published_on: str) -> None:
    """计算公示期的起止日 / the public-notice period for a publication date."""
    run(lambda: notice_period_for(jurisdiction, parse_date("--published-on", published_on)),
        FactsError, EvaluationError, SettingsError)


def _say(line: str) -> None:
    log.info(line)
    click.echo(line)


@click.command("tick", cls=OneLineCommand)
@click.option("--today", "today_text", default=None, help="按哪一天运行（YYYY-MM-DD，默认北京时间今天）")
@with_appcontext
def tick_command(today_text: str | None) -> None:
    """定时任务：结束期满且无未处理异议的公示 / close notices whose period has ended."""
    # Here, not at the top: publication brings the uploads and the workflow, which
    # ``notice-period`` never needs (issue 15: a command imports what it runs).
    from core.notice.publication import close_due

    try:
        today = clock.today() if today_text is None else parse_date("--today", today_text)
    except BadInput as exc:
        fail(str(exc))
    result = close_due(today)
    for notice, moved in result.closed:
        ids = "、".join(f"#{a.id}" for a in moved) or "无"
        _say(f"closed notice #{notice.id} [{notice.jurisdiction}] 《{notice.title}》 last day "
             f"{notice.last_day.isoformat()}: {len(moved)} application(s) to the next step ({ids})")
    for notice, old in result.lengthened:
        _say(f"lengthened notice #{notice.id} [{notice.jurisdiction}] 《{notice.title}》: last day "
             f"{old.isoformat()} -> {notice.last_day.isoformat()} (holiday arrangement entered since publication)")
    for notice, count in result.waiting:
        _say(f"waiting notice #{notice.id} [{notice.jurisdiction}] 《{notice.title}》: {count} open objection(s)")
    for notice, reason in result.failed:
        log.error("failed notice #%s: %s", notice.id, reason)
        click.echo(f"failed notice #{notice.id} [{notice.jurisdiction}]: {reason}", err=True)
    _other_daily_tasks(today)
    _say(f"tick {today.isoformat()}: {len(result.closed)} notice(s) closed, "
         f"{len(result.waiting)} waiting on objections, {len(result.failed)} failed")
    if result.failed:
        raise click.exceptions.Exit(1)


def _other_daily_tasks(today) -> None:
    """The queue's other daily tasks (the reminders…) of ``today``, and what the queue left
    waiting (due retries, lost messages: ``queue.sweep``): run here without a broker, handed to
    the worker with one.  Said in the log only: the command's output stays the notices'.  A task
    that fails is retried by the queue and shown on 后台任务; it does not change the exit code."""
    from core.platform import queue

    others = [run.name for run in queue.run_daily(today.isoformat(), skip=("notice.tick",))]
    ran = queue.drain()  # inline only; with a broker they were sent at the commit
    swept = queue.sweep()
    log.info("tick %s: daily tasks %s %s, %d waiting task(s) handed on", today.isoformat(),
             "、".join(others) or "none", "run here" if ran else "queued", swept)


COMMANDS = [notice_period_command, tick_command]
