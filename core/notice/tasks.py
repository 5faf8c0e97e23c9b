"""``tick`` as the daily task ``notice.tick`` (issue 19): Celery beat runs it with the queue's
other daily tasks at 01:00; ``zhongchuang tick`` under cron runs it in the command itself
(core.notice.cli), then asks for the others.  Closing is idempotent: a second run that day
finds nothing to do."""
from __future__ import annotations

from datetime import date

from core.platform import queue


@queue.task("notice.tick", max_attempts=3, daily=True)
def tick(day: str) -> None:
    """Close the notices due on ``day`` (ISO); a notice that cannot be closed fails the task,
    so it is retried and, at the end, shown with its reason on 后台任务."""
    from core.notice.publication import close_due  # the workflow and uploads: only when it runs

    result = close_due(date.fromisoformat(day))
    if result.failed:
        raise RuntimeError("; ".join(f"notice #{notice.id}: {reason}" for notice, reason in result.failed))
