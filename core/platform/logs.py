"""The one logging configuration of the web application and the ``zhongchuang`` command.

Every record is one JSON line on standard error (what journald, docker and gunicorn's
supervisor collect), at the level of ``ZHONGCHUANG_LOG_LEVEL`` (default ``INFO``):

    {"time": "2026-12-03T11:50:02.123+00:00", "level": "WARNING", "logger": "zhongchuang.request",
     "message": "GET /admin/ 403", "request_id": "5f0c…", "method": "GET", "path": "/admin/",
     "status": 403, "duration_ms": 4.2, "user_id": "17"}

Every request gives one such line (``zhongchuang.request``): INFO for an answer below
400, WARNING for a refusal (4xx), ERROR for a server error (5xx).  Every request has an
id: the client's ``X-Request-ID`` when it is sane (letters, digits and ``._:-``, at most
64 characters: a reverse proxy's id is kept end to end), else a new random one.  It is
sent back in the ``X-Request-ID`` header, shown on the error page, and carried by every
record logged while the request runs — the traceback of a server error included, which
goes to the log and never to the page.
"""
from __future__ import annotations

import json
import logging
import os
import re
import sys
import time
import uuid
from datetime import datetime, timezone

from flask import Flask, g, has_request_context, request

from core.platform.errors import Refused

LEVEL_VARIABLE = "ZHONGCHUANG_LOG_LEVEL"
LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")
HEADER = "X-Request-ID"
SANE_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:-]{0,63}")
FIELDS = ("request_id", "method", "path", "status", "duration_ms", "user_id")

request_log = logging.getLogger("zhongchuang.request")


def level_from_environment() -> int:
    """The level named by ``ZHONGCHUANG_LOG_LEVEL``; anything else is refused by name."""
    raw = os.environ.get(LEVEL_VARIABLE, "")
    value = raw.strip().upper() or "INFO"
    if value not in LEVELS:
        raise Refused(LEVEL_VARIABLE, f"应为 {'、'.join(LEVELS)} 之一，实为 {raw[:40]!r}")
    return getattr(logging, value)


class JsonLines(logging.Formatter):
    """A record as one line of JSON (Chinese as itself, not ``\\uXXXX``)."""

    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": datetime.fromtimestamp(record.created, timezone.utc).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        for field in FIELDS:
            value = getattr(record, field, None)
            if value is not None:
                entry[field] = value
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False, default=str)


class RequestContext(logging.Filter):
    """Gives every record logged during a request that request's id."""

    def filter(self, record: logging.LogRecord) -> bool:
        if getattr(record, "request_id", None) is None and has_request_context():
            record.request_id = g.get("request_id")
        return True


class StandardError(logging.StreamHandler):
    """Writes to whatever ``sys.stderr`` is at the time (a test runner or click may
    replace it after the configuration)."""

    def __init__(self) -> None:
        super().__init__()

    @property
    def stream(self):
        return sys.stderr

    @stream.setter
    def stream(self, value) -> None:  # the base class assigns it; the property ignores it
        pass


def configure() -> None:
    """Install the one handler on the root logger (again: replacing it, so that building
    several apps in one process leaves exactly one)."""
    level = level_from_environment()
    root = logging.getLogger()
    for handler in list(root.handlers):
        if getattr(handler, "zhongchuang", False):
            root.removeHandler(handler)
    handler = StandardError()
    handler.zhongchuang = True
    handler.setFormatter(JsonLines())
    handler.addFilter(RequestContext())
    root.addHandler(handler)
    root.setLevel(level)
    # Our request lines replace the development server's own access lines.
    logging.getLogger("werkzeug").setLevel(max(level, logging.WARNING))


def request_id() -> str:
    """The current request's id ("" outside a request)."""
    return g.get("request_id", "") if has_request_context() else ""


def _start() -> None:
    offered = request.headers.get(HEADER, "")
    g.request_id = offered if SANE_ID.fullmatch(offered) else uuid.uuid4().hex
    g.request_started = time.perf_counter()


def _user_id() -> str:
    """Who asked, from what Flask-Login already loaded: logging never queries the database
    (it may be the very thing that failed)."""
    user = g.get("_login_user")
    try:
        return str(user.get_id()) if user is not None and user.is_authenticated else "-"
    except Exception:  # a user row the failed request left unloadable
        return "-"


def _finish(response):
    if "request_id" not in g:  # a request refused before our first hook ran
        _start()
    response.headers[HEADER] = g.request_id
    status = response.status_code
    level = logging.ERROR if status >= 500 else logging.WARNING if status >= 400 else logging.INFO
    duration = round((time.perf_counter() - g.request_started) * 1000, 1)
    request_log.log(level, "%s %s %s", request.method, request.path, status,
                    extra={"method": request.method, "path": request.path, "status": status,
                           "duration_ms": duration, "user_id": _user_id()})
    return response


def init_app(app: Flask) -> None:
    configure()
    from flask.logging import default_handler

    app.logger.removeHandler(default_handler)  # its lines would come twice
    app.before_request_funcs.setdefault(None, []).insert(0, _start)  # before any other hook
    app.after_request(_finish)
    app.context_processor(lambda: {"request_id": request_id()})
