"""The task queue: slow and outside work (a PDF, a large export, every mail, the day's reminders
and ``tick``) run after the change that asks for it, inline or by a Celery worker.

- **Asking.** :func:`enqueue` writes a :class:`TaskRun` row in the caller's transaction, so a
  rolled-back change asks for nothing and a committed one cannot lose its work (the row is the
  queue's memory: a message the broker lost is sent again by :func:`sweep`).
- **Running.** With ``ZHONGCHUANG_BROKER_URL`` (Redis in production) the ids are sent to Celery
  once the transaction commits, and a worker (``celery -A core.worker worker``) runs them.
  Without a broker the process runs them itself, inline, when its request or command ends
  (:func:`drain`), so ``make run`` needs nothing new.
- **Failing.** A task that raises is tried again after 1, 2, 4, … minutes (at most an hour
  between tries) up to its ``max_attempts``; then it is ``failed`` and its error stays on the
  row, which the admin sees on 后台任务.  A worker's retry is sent with a countdown; inline, the
  due retries are run by the next ``tick`` (or :func:`sweep`).
- **Daily.** The names in :data:`DAILY` run once a day, from Celery beat at 01:00 Asia/Shanghai
  or from the ``zhongchuang tick`` command under cron (docs/operations.md, "The task queue").

Tasks are functions registered by name with :func:`task`; their arguments are JSON values.
"""
from __future__ import annotations

import importlib
import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from celery import Celery
from celery.schedules import crontab
from sqlalchemy import event, or_, select, update
from sqlalchemy.orm import Session

from core.platform import clock
from core.platform.errors import failure_text
from core.platform.extensions import db
from core.platform.models import TaskRun

log = logging.getLogger(__name__)

QUEUED, RUNNING, RETRYING, DONE, FAILED = "queued", "running", "retrying", "done", "failed"
STATUSES = (QUEUED, RUNNING, RETRYING, DONE, FAILED)
FIRST_RETRY_SECONDS = 60
LONGEST_RETRY_SECONDS = 3600
LOST_AFTER = timedelta(minutes=10)     # a queued row no worker has taken: its message was lost
STUCK_AFTER = timedelta(hours=1)       # a running row this old: its worker died
MAX_ERROR_CHARS = 4000

celery = Celery("zhongchuang")
celery.conf.update(task_ignore_result=True, timezone="Asia/Shanghai", broker_connection_retry_on_startup=True,
                   task_acks_late=True, worker_prefetch_multiplier=1)


@dataclass(frozen=True)
class Registered:
    name: str
    function: Callable[..., Any]
    max_attempts: int


TASKS: dict[str, Registered] = {}
# Task names run once a day with the day's date as ``day`` (ISO): the notices' tick, the reminders.
DAILY: list[str] = []
# The modules whose import registers tasks, named by the app factory and imported when a task is
# first asked for or run (a command that runs none stays light, as for events.LISTENER_MODULES).
TASK_MODULES: list[str] = []


def load_tasks() -> None:
    while TASK_MODULES:
        importlib.import_module(TASK_MODULES.pop(0))


def task(name: str, *, max_attempts: int = 5, daily: bool = False):
    """Register ``function`` as the task ``name`` (called with the payload's keywords)."""
    def register(function: Callable[..., Any]) -> Callable[..., Any]:
        TASKS[name] = Registered(name, function, max_attempts)
        if daily and name not in DAILY:
            DAILY.append(name)
        return function
    return register


# --- asking -------------------------------------------------------------------------------


def enqueue(name: str, *, requested_by: Any = None, **payload: Any) -> TaskRun:
    """Ask for ``name(**payload)`` once the current transaction commits (the caller commits)."""
    load_tasks()
    if name not in TASKS:
        raise KeyError(f"no task named {name!r}")
    row = TaskRun(name=name, payload=payload, status=QUEUED, attempts=0, created_at=clock.instant(),
                  requested_by_id=getattr(requested_by, "id", requested_by))
    db.session.add(row)
    db.session.flush()
    db.session.info.setdefault("zc_tasks_pending", []).append(row.id)
    return row


def broker_url() -> str | None:
    return celery.conf.get("zc_broker_url")


@event.listens_for(Session, "after_commit")
def _after_commit(session: Session) -> None:
    ids = session.info.pop("zc_tasks_pending", None)
    if not ids:
        return
    if broker_url():
        for task_id in ids:
            _send(task_id)
    else:
        session.info.setdefault("zc_tasks_inline", []).extend(ids)


@event.listens_for(Session, "after_rollback")
def _after_rollback(session: Session) -> None:
    session.info.pop("zc_tasks_pending", None)


def _send(task_id: int, countdown: int | None = None) -> None:
    """Hand one run to the broker; the row stays queued when the broker is down (sweep resends)."""
    try:
        celery.send_task("zhongchuang.run", args=[task_id], countdown=countdown)
    except Exception as exc:  # noqa: BLE001 - the broker's many errors; the row keeps the work
        log.error("task %s not sent to the broker: %s", task_id, exc)


def drain() -> int:
    """Run, in this process, the inline tasks whose transactions have committed (and those they
    ask for in turn).  Called when a request or an app context ends; tests may call it."""
    count = 0
    while True:
        waiting = db.session.info.get("zc_tasks_inline")
        if not waiting:
            return count
        run(waiting.pop(0))
        count += 1


# --- running ------------------------------------------------------------------------------


def backoff_seconds(attempts: int) -> int:
    """The wait before try ``attempts + 1``: 60 s, 120 s, 240 s, … at most an hour."""
    return min(FIRST_RETRY_SECONDS * 2 ** max(attempts - 1, 0), LONGEST_RETRY_SECONDS)


def run(task_id: int) -> str | None:
    """Run one task: claim it (a second runner of the same id finds it taken and does nothing),
    call it, record done or the error.  Returns the status it ends in (None: not claimed)."""
    db.session.rollback()  # start clean: nothing of the caller's is flushed by this
    now = clock.instant()
    claimed = db.session.execute(
        update(TaskRun).where(TaskRun.id == task_id, TaskRun.status.in_((QUEUED, RETRYING)))
        .values(status=RUNNING, started_at=now, attempts=TaskRun.attempts + 1, retry_at=None)
    ).rowcount
    db.session.commit()
    if claimed != 1:
        return None
    row = db.session.get(TaskRun, task_id)
    if row is None:
        return None
    load_tasks()
    registered = TASKS.get(row.name)
    try:
        if registered is None:
            raise LookupError(f"no task named {row.name!r} in this process")
        registered.function(**dict(row.payload or {}))
        db.session.commit()
    except Exception as exc:  # noqa: BLE001 - any failure of the work is recorded, never raised to the page
        db.session.rollback()
        return _failed(task_id, exc, registered.max_attempts if registered else 1)
    row = db.session.get(TaskRun, task_id)
    if row is None:  # deleted meanwhile (a test's database emptied): nothing left to record
        return None
    row.status, row.finished_at, row.last_error = DONE, clock.instant(), None
    db.session.commit()
    return DONE


def _failed(task_id: int, exc: BaseException, max_attempts: int) -> str | None:
    row = db.session.get(TaskRun, task_id)
    if row is None:
        log.error("task %s failed and its row is gone: %s", task_id, exc)
        return None
    row.last_error = failure_text(exc, MAX_ERROR_CHARS)
    row.finished_at = clock.instant()
    if row.attempts >= max_attempts:
        row.status = FAILED
        log.error("task %s (%s) failed after %s attempts: %s", row.id, row.name, row.attempts, row.last_error)
    else:
        delay = backoff_seconds(row.attempts)
        row.status, row.retry_at = RETRYING, clock.instant() + timedelta(seconds=delay)
        log.warning("task %s (%s) failed, retry in %s s: %s", row.id, row.name, delay, row.last_error)
    db.session.commit()
    if row.status == RETRYING and broker_url():
        _send(row.id, countdown=backoff_seconds(row.attempts))
    return row.status


def retry_now(task_id: int) -> TaskRun | None:
    """The admin's 重试 of a failed task: queued again with a fresh count (the caller commits)."""
    row = db.session.get(TaskRun, task_id)
    if row is None or row.status != FAILED:
        return None
    row.status, row.attempts, row.retry_at = QUEUED, 0, None
    db.session.flush()
    db.session.info.setdefault("zc_tasks_pending", []).append(row.id)
    return row


def sweep() -> int:
    """What a lost message or a dead worker left: retries that are due, queued rows nobody took,
    running rows whose runner died.  Run every few minutes by beat, and by ``tick``.  Returns how
    many were handed on (inline: run here)."""
    now = clock.instant()
    db.session.execute(update(TaskRun).where(TaskRun.status == RUNNING, TaskRun.started_at < now - STUCK_AFTER)
                       .values(status=RETRYING, retry_at=now, last_error="运行中断（处理进程已退出），将重试"))
    due = db.session.scalars(select(TaskRun.id).where(or_(
        (TaskRun.status == RETRYING) & (TaskRun.retry_at <= now),
        (TaskRun.status == QUEUED) & (TaskRun.created_at < now - LOST_AFTER),
    )).order_by(TaskRun.id)).all()
    db.session.commit()
    for task_id in due:
        if broker_url():
            _send(task_id)
        else:
            run(task_id)
    return len(due)


def run_daily(day_iso: str, *, skip: tuple[str, ...] = ()) -> list[TaskRun]:
    """Ask for each daily task of ``day_iso`` but those in ``skip`` (committed here; inline they run at
    :func:`drain`)."""
    load_tasks()
    rows = [enqueue(name, day=day_iso) for name in DAILY if name not in skip]
    db.session.commit()
    return rows


# --- the Celery side ----------------------------------------------------------------------

_flask_app = None  # the app a worker runs its tasks in (init_app)


@celery.task(name="zhongchuang.run", ignore_result=True)
def _celery_run(task_id: int) -> None:
    with _flask_app.app_context():
        run(task_id)


@celery.task(name="zhongchuang.daily", ignore_result=True)
def _celery_daily() -> None:
    with _flask_app.app_context():
        run_daily(clock.today().isoformat())


@celery.task(name="zhongchuang.sweep", ignore_result=True)
def _celery_sweep() -> None:
    with _flask_app.app_context():
        sweep()


def init_app(app) -> None:
    """Bind the queue to ``app``: its broker (``BROKER_URL``; none: inline) and, for a worker, the
    app its tasks run in; inline tasks run when a request or an app context ends."""
    global _flask_app
    _flask_app = app
    broker = app.config.get("BROKER_URL") or None
    celery.conf.update(broker_url=broker or "memory://", zc_broker_url=broker, beat_schedule={
        "daily": {"task": "zhongchuang.daily", "schedule": crontab(hour=1, minute=0)},
        "sweep": {"task": "zhongchuang.sweep", "schedule": 300.0},
    })

    def drain_at_end(_exc=None) -> None:
        try:
            drain()
        except Exception:  # noqa: BLE001 - run() records a task's own failure; this is the queue's
            log.exception("inline tasks not run")
            db.session.rollback()

    # Registered after db.init_app: teardown functions run in reverse order, so the session is
    # still there when these run.
    app.teardown_request(drain_at_end)
    app.teardown_appcontext(drain_at_end)
