"""The Celery worker's and beat's entry point (docs/operations.md, "The task queue")::

    ZHONGCHUANG_BROKER_URL=redis://127.0.0.1:6379/0 celery -A core.worker worker --loglevel=INFO
    ZHONGCHUANG_BROKER_URL=redis://127.0.0.1:6379/0 celery -A core.worker beat

The worker runs every task in the core app of the commands (no pages), with every package that
registers a task imported, so any name a web process queues is known here.
"""
from __future__ import annotations

from core.admin import downloads  # the exporters of 我的下载 (the commands' app has no admin)
from core.app import create_app
from core.platform import events, queue
from core.platform.queue import celery

# Not named ``app``: ``celery -A core.worker`` takes a module's ``app`` before its ``celery``, and
# would find this Flask app ("'Flask' object has no attribute 'user_options'").
flask_app = create_app(web=False)
queue.load_tasks()  # every task, now: a worker is the process that runs them
events.load_listeners()
celery.set_default()

__all__ = ["celery", "downloads", "flask_app"]
