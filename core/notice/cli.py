"""Workflow commands for cron: ``zhongchuang tick``.

``tick`` closes every open public notice (of an enabled jurisdiction) whose period
ended before today with no open objection, moving its applications to the award
step, as the system actor.  One line per notice closed (or waiting on objections, or
failed), then a summary, on standard output and in the ``zhongchuang.tick`` log.
Idempotent: a second run finds nothing to do.  Exit 0; 1 when a notice could not be
closed (so cron reports it); 2 for a bad ``--today``.
"""
from __future__ import annotations

import logging
from datetime import datetime
from zoneinfo import ZoneInfo

import click
from flask import current_app
from flask.cli import with_appcontext

from core.cli_policy import BadInput, OneLineCommand, _date, _fail
from core.notice.publication import close_due

log = logging.getLogger("zhongchuang.tick")


def _say(line: str) -> None:
    log.info(line)
    click.echo(line)


@click.command("tick", cls=OneLineCommand)
@click.option("--today", "today_text", default=None, help="按哪一天运行（YYYY-MM-DD，默认北京时间今天）")
@with_appcontext
def tick_command(today_text: str | None) -> None:
    """定时任务：结束期满且无未处理异议的公示 / close notices whose period has ended."""
    try:
        if today_text is None:
            zone = ZoneInfo(current_app.config.get("BABEL_DEFAULT_TIMEZONE", "Asia/Shanghai"))
            today = datetime.now(zone).date()
        else:
            today = _date("--today", today_text)
    except BadInput as exc:
        _fail(str(exc))
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
    _say(f"tick {today.isoformat()}: {len(result.closed)} notice(s) closed, "
         f"{len(result.waiting)} waiting on objections, {len(result.failed)} failed")
    if result.failed:
        raise click.exceptions.Exit(1)


COMMANDS = [tick_command]
