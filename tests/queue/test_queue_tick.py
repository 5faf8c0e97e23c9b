"""``tick`` and the queue (issue 19): the notices' closing is the daily task ``notice.tick`` (run by
Celery beat, or here by the worker); the command ``zhongchuang tick`` keeps its output and exit code,
and also runs the queue's other daily tasks and sweeps what the queue left waiting."""
from __future__ import annotations

from datetime import date, timedelta

import pytest

from core.cli import cli
from core.platform import clock, queue
from core.platform.extensions import db
from core.platform.models import Application, PublicNotice, TaskRun
from tests.notice_helpers import published
from tests.queue.conftest import BROKER, ended

pytestmark = pytest.mark.queue


def test_notice_tick_is_a_daily_task_that_closes_the_notices_due(app):
    queue.load_tasks()  # the tasks' modules, as a worker loads them at its start
    assert "notice.tick" in queue.DAILY
    notice, (application,), _ = published("kunming", date(2026, 9, 24))  # last day 2026-10-08
    db.session.commit()
    early = queue.enqueue("notice.tick", day="2026-10-08")
    db.session.commit()
    assert ended(early.id).status == queue.DONE
    db.session.rollback()
    assert db.session.get(PublicNotice, notice.id).status == "open"
    runs = {run.name: run for run in queue.run_daily("2026-10-09")}
    assert set(runs) == set(queue.DAILY) >= {"notice.tick", "notify.reminders"}
    run = runs["notice.tick"]
    assert run.payload == {"day": "2026-10-09"}
    assert ended(runs["notify.reminders"].id).status == queue.DONE
    assert ended(run.id).status == queue.DONE
    db.session.rollback()
    assert db.session.get(PublicNotice, notice.id).status == "closed"
    moved = db.session.get(Application, application.id)
    assert (moved.status, moved.current_step) == ("in_review", "award")


@pytest.mark.skipif(BROKER is not None, reason="a task registered by the test is unknown to the worker")
def test_the_command_keeps_its_output_and_runs_the_other_daily_tasks_and_the_sweep(app, monkeypatch):
    days: list[str] = []
    monkeypatch.setitem(queue.TASKS, "test.daily", queue.Registered("test.daily", lambda day: days.append(day), 1))
    monkeypatch.setattr(queue, "DAILY", [*queue.DAILY, "test.daily"])
    notice, _, _ = published("kunming", date(2026, 9, 24))
    # a retry that is due (its message lost): the sweep runs it
    due = TaskRun(name="notice.tick", payload={"day": "2026-10-01"}, status=queue.RETRYING, attempts=1,
                  created_at=clock.instant() - timedelta(hours=1), retry_at=clock.instant() - timedelta(minutes=1))
    db.session.add(due)
    db.session.commit()
    result = app.test_cli_runner().invoke(cli, ["tick", "--today", "2026-10-09"])
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[-1] == "tick 2026-10-09: 1 notice(s) closed, 0 waiting on objections, 0 failed"
    assert days == ["2026-10-09"]  # the other daily task, once, for the command's day
    db.session.rollback()
    assert db.session.get(TaskRun, due.id).status == queue.DONE
    assert db.session.get(PublicNotice, notice.id).status == "closed"
    # notice.tick itself is not asked for again: the command closed the notices
    assert db.session.query(TaskRun).filter(TaskRun.name == "notice.tick").count() == 1
