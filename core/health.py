"""``GET /healthz`` for a load balancer or a monitor: no login, JSON, 200 when every
check passes and 503 when any fails.

    {"status": "ok", "checks": {"database": {"ok": true}, "migrations": {"ok": true},
     "uploads": {"ok": true, "writable": true, "free_mb": 51200, "min_free_mb": 512},
     "font": {"ok": true}}}

It says only what a balancer needs: yes or no per check and the free space — no path,
no database address, no revision, no exception text (those go to the log, with the
request id).  The free-space floor is a deployment setting, ``ZHONGCHUANG_MIN_FREE_MB``
(our default 512 MB: room for many uploads of the 20 MB limit); no policy sets it.
"""
from __future__ import annotations

import logging
import os
import shutil
import tempfile
from pathlib import Path

from flask import Blueprint, current_app, jsonify
from sqlalchemy import inspect, text

from core.platform.extensions import db

bp = Blueprint("health", __name__)
log = logging.getLogger(__name__)


def _database() -> dict:
    try:
        with db.engine.connect() as connection:
            connection.execute(text("SELECT 1"))
        return {"ok": True}
    except Exception:
        log.exception("health: the database cannot be reached")
        return {"ok": False}


def code_heads() -> set[str]:
    """The migration heads shipped with this code (read once per process)."""
    heads = current_app.extensions.get("zhongchuang.migration_heads")
    if heads is None:
        from alembic.script import ScriptDirectory

        # The folder the app factory gave Flask-Migrate: asked of the app, not imported from
        # core.app (which registers this blueprint).
        heads = set(ScriptDirectory(str(current_app.extensions["migrate"].directory)).get_heads())
        current_app.extensions["zhongchuang.migration_heads"] = heads
    return heads


def _migrations() -> dict:
    """Current when the database stands at exactly the code's head revision(s)."""
    try:
        with db.engine.connect() as connection:
            if inspect(connection).has_table("alembic_version"):
                current = set(connection.execute(text("SELECT version_num FROM alembic_version")).scalars())
            else:
                current = set()
        expected = code_heads()
    except Exception:
        log.exception("health: the migration state cannot be read")
        return {"ok": False}
    if current != expected:
        log.warning("health: database at %s, code at %s: run `zhongchuang db upgrade`",
                    sorted(current), sorted(expected))
    return {"ok": current == expected}


def _uploads() -> dict:
    minimum = current_app.config["HEALTH_MIN_FREE_MB"]
    folder = Path(current_app.config["UPLOAD_FOLDER"])
    writable = False
    free_mb = None
    try:
        from core.platform.config import private_dir

        private_dir(folder)  # as the first upload would
        with tempfile.NamedTemporaryFile(dir=folder, prefix=".healthz-") as probe:
            probe.write(b"ok")
            probe.flush()
            os.fsync(probe.fileno())
        writable = True
    except OSError:
        log.exception("health: the upload folder is not writable")
    try:
        free_mb = shutil.disk_usage(folder).free // (1024 * 1024)
    except OSError:
        log.exception("health: the free space of the upload folder cannot be read")
    enough = free_mb is not None and free_mb >= minimum
    if free_mb is not None and not enough:
        log.warning("health: %s MB free for uploads, fewer than %s MB", free_mb, minimum)
    return {"ok": writable and enough, "writable": writable, "free_mb": free_mb, "min_free_mb": minimum}


def _font() -> dict:
    """The PDFs' Regular and Bold font files, cut (README: ``ensure_fonts`` at deployment)."""
    from core.documents.render import FONT_FILES, font_dir

    try:
        folder = font_dir()
        present = all((folder / name).is_file() and (folder / name).stat().st_size > 0
                      for name, _ in FONT_FILES.values())
    except OSError:
        present = False
    if not present:
        log.warning("health: the PDF font is missing: run core.documents.render.ensure_fonts()")
    return {"ok": present}


@bp.route("/healthz")
def healthz():
    database = _database()
    checks = {
        "database": database,
        "migrations": _migrations() if database["ok"] else {"ok": False},
        "uploads": _uploads(),
        "font": _font(),
    }
    healthy = all(check["ok"] for check in checks.values())
    response = jsonify(status="ok" if healthy else "fail", checks=checks)
    response.status_code = 200 if healthy else 503
    response.headers["Cache-Control"] = "no-store"
    return response
