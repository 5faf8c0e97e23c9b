#!/usr/bin/env bash
# The queue's tests (tests/queue, marker "queue") against the real Redis and a real Celery worker
# (issue 19; docs/testing.md, "The task queue"): run by .ci/run after the inline suite.
#
#   scripts/queue_tests.sh [VENV]          (default .venv; needs Redis on 127.0.0.1:6379 and PostgreSQL)
#
# It empties the PostgreSQL database test_queue (created when missing), starts
# `celery -A core.worker worker --pool=solo` on Redis database 15 with the same database, rendered
# PDFs' folder, instance folder and SMTP port as the tests, runs the tests in one process, then
# stops the worker (also when interrupted) and exits with pytest's status.
set -euo pipefail
cd "$(dirname "$0")/.."
export PYTHONPATH="$PWD${PYTHONPATH:+:$PYTHONPATH}"  # this checkout, for the worker and the tests
VENV=${1:-.venv}
PY="$VENV/bin/python"
CELERY="$VENV/bin/celery"

PG_BASE=${QUEUE_TEST_PG:-postgresql://postgres@127.0.0.1:5432}
export DATABASE_URL="$PG_BASE/test_queue"
export TEST_DATABASE_URL="$DATABASE_URL"
export ZHONGCHUANG_BROKER_URL=${QUEUE_TEST_BROKER:-redis://127.0.0.1:6379/15}
export ZHONGCHUANG_SMTP_HOST=127.0.0.1
export ZHONGCHUANG_SMTP_PORT=${QUEUE_TEST_SMTP_PORT:-8925}   # the tests' SMTP sink listens here
export ZHONGCHUANG_SECURE_COOKIES=0
export ZHONGCHUANG_TEST_WORKER=1   # tests/conftest.py keeps the broker and SMTP settings only then
WORK=$(mktemp -d "${TMPDIR:-/tmp}/zc-queue-tests.XXXXXX")
export ZHONGCHUANG_INSTANCE="$WORK/instance"
export ZHONGCHUANG_RENDERED_FOLDER="$WORK/rendered"
unset ZHONGCHUANG_JURISDICTIONS
mkdir -p "$ZHONGCHUANG_INSTANCE"
LOG="$WORK/worker.log"
WORKER_PID=""

stop_worker() {
    if [ -n "$WORKER_PID" ] && kill -0 "$WORKER_PID" 2>/dev/null; then
        kill -TERM "$WORKER_PID" 2>/dev/null || true
        for _ in $(seq 1 100); do kill -0 "$WORKER_PID" 2>/dev/null || break; sleep 0.1; done
        kill -KILL "$WORKER_PID" 2>/dev/null || true
    fi
    rm -rf "$WORK"
}
trap stop_worker EXIT

# test_queue, created when missing and emptied (the tests' session migrates it again)
"$PY" - <<'PYTHON'
import os
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

url = make_url(os.environ["DATABASE_URL"].replace("postgresql://", "postgresql+psycopg://", 1))
server = create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
with server.connect() as conn:
    if conn.scalar(text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": url.database}) is None:
        conn.execute(text(f'CREATE DATABASE "{url.database}"'))
server.dispose()
engine = create_engine(url)
with engine.begin() as conn:
    conn.execute(text("DROP SCHEMA public CASCADE"))
    conn.execute(text("CREATE SCHEMA public"))
engine.dispose()
PYTHON

"$CELERY" -A core.worker purge -f >/dev/null   # nothing left over from an earlier run
"$CELERY" -A core.worker worker --pool=solo --loglevel=INFO --without-gossip --without-mingle \
    --hostname "zc-queue-tests-$$@%h" >"$LOG" 2>&1 &
WORKER_PID=$!

# Ready when it answers a ping (at most a minute).
for _ in $(seq 1 60); do
    if "$CELERY" -A core.worker inspect ping --timeout 1 -d "zc-queue-tests-$$@$(hostname)" >/dev/null 2>&1; then
        break
    fi
    if ! kill -0 "$WORKER_PID" 2>/dev/null; then
        echo "the Celery worker did not start:" >&2; cat "$LOG" >&2; exit 1
    fi
done

status=0
"$PY" -m pytest -q -m queue -p no:xdist -p no:randomly tests/queue || status=$?
if [ "$status" -ne 0 ]; then
    echo "--- the worker's log ---" >&2
    tail -n 200 "$LOG" >&2
fi
exit "$status"
