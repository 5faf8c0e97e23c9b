"""The queue's tests run twice (docs/testing.md, "The task queue"):

- **inline**, in the normal suite: no broker, tasks run in the test's process at the end of the
  request (or at ``queue.drain``), on SQLite and PostgreSQL;
- **against a real worker**, by ``scripts/queue_tests.sh`` (``.ci/run``): ``ZHONGCHUANG_BROKER_URL``
  is Redis, a ``celery -A core.worker worker`` started by the script reads the PostgreSQL database
  ``TEST_DATABASE_URL`` names, and the rendered PDFs, the downloads and the mail port are the ones
  the script gave both processes.  Only PostgreSQL then: the worker reads that database.

Tests wait for a task's end by reading its row (:func:`ended`), with a timeout.
"""
from __future__ import annotations

import os
import shutil
import time

import pytest
from sqlalchemy import select

from core.platform import queue
from core.platform.extensions import db
from core.platform.models import TaskRun

BROKER = os.environ.get("ZHONGCHUANG_BROKER_URL") or None
WAIT_SECONDS = 120  # a worker's first render cuts nothing (the fonts are cut by setup) but imports xhtml2pdf
ENDED = (queue.DONE, queue.FAILED, queue.RETRYING)


@pytest.fixture(params=["postgresql"] if BROKER else ["sqlite", "postgresql"])
def database_url(request, tmp_path) -> str:
    """The root conftest's databases, but with a worker only the PostgreSQL one it reads."""
    from tests.conftest import PG_URL, _empty_postgres

    if request.param == "sqlite":
        path = tmp_path / "test.sqlite"
        shutil.copy(request.getfixturevalue("sqlite_template"), path)
        return f"sqlite:///{path}"
    if not PG_URL:
        pytest.skip("TEST_DATABASE_URL not set")
    url = request.getfixturevalue("pg_url")
    _empty_postgres(url)
    return url


@pytest.fixture
def app(app_factory):
    """With a worker, the app shares its rendered PDFs' folder (the instance folder is shared by
    ZHONGCHUANG_INSTANCE already); the broker and SMTP come from the environment."""
    config = {"RENDERED_FOLDER": os.environ["ZHONGCHUANG_RENDERED_FOLDER"]} if BROKER else {}
    app = app_factory(config)
    assert (app.config.get("BROKER_URL") or None) == BROKER
    with app.app_context():
        yield app


def ended(task_id: int, attempt: int = 1, timeout: float = WAIT_SECONDS) -> TaskRun:
    """The run ``task_id`` once it has ended its ``attempt``-th try (done, failed, or waiting to
    retry): inline it runs here now; with a worker its row is read until then."""
    if not BROKER:
        queue.drain()
    deadline = time.monotonic() + timeout
    while True:
        db.session.rollback()  # see what the worker committed
        row = db.session.scalars(select(TaskRun).where(TaskRun.id == task_id)).one()
        if row.status in ENDED and row.attempts >= attempt:
            return row
        if time.monotonic() > deadline:
            raise AssertionError(f"task {task_id} ({row.name}) still {row.status} after {timeout} s")
        time.sleep(0.1)  # polling the row, not waiting for a guess


def runs_of(name: str) -> list[TaskRun]:
    db.session.rollback()
    return list(db.session.scalars(select(TaskRun).where(TaskRun.name == name).order_by(TaskRun.id)))
