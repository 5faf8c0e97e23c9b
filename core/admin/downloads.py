"""我的下载 (issue 19): the pages of the exports the queue makes (core.platform.downloads), and
the exporters, registered here by kind so the site and the worker (core/worker.py) know them.

``/downloads``        the user's own downloads: what, when asked, status in words, size, a link
                      when ready, a plain sentence when it failed (the error itself is on 后台任务)
``/downloads/<id>``   the file of one of his own ready downloads (another's id, or not ready: 404)

Exporters run in the task with the user who asked, reloaded, and the filters he chose: each reads
through the same scoped operation as the list he saw (never wider).
"""
from __future__ import annotations

from flask import Blueprint, abort, current_app, g, render_template, send_file
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required

from core.admin.views import AuditEventView
from core.platform import downloads, exports
from core.platform.labels import local_datetime
from core.platform.models import AuditEvent

bp = Blueprint("downloads", __name__)

STATUS_LABELS = {downloads.QUEUED: _l("Being prepared"), downloads.READY: _l("Ready"),
                 downloads.FAILED: _l("Could not be prepared")}

# --- the exporters ------------------------------------------------------------------------


# The money desk's workbook is registered by core.money.downloads, which the queue imports (core.app).


def admin_list(make_view):
    """The workbook of a Flask-Admin list (core.accounts.admin_access.ScopedModelView) as the user's
    list showed it: the view's own export (scope, search, filters, sort), run in a request made of
    the list's query string with the user who asked as the signed-in user.  The worker has no
    admin, so the view is built here; a user who may no longer read the list gets nothing."""
    def write(user, params: dict, out) -> None:
        view = make_view()
        with current_app.test_request_context("/", query_string=params.get("args", "")):
            had = g.get("_login_user", _NONE)
            g._login_user = user  # flask_login's current user for this request
            try:
                if not view.is_accessible():
                    raise PermissionError("the user may no longer read this list")
                exports.write_xlsx(out, str(view.name), view._export_headers(), view._export_rows())
            finally:
                if had is _NONE:
                    g.pop("_login_user", None)
                else:
                    g._login_user = had
    return write


_NONE = object()
downloads.register(AuditEventView.download_kind,
                   admin_list(lambda: AuditEventView(AuditEvent, name=_l("Audit log"), endpoint="auditevent")))

# --- the pages ----------------------------------------------------------------------------


@bp.route("/downloads")
@login_required
def index():
    return render_template("downloads/index.html", rows=downloads.of_user(current_user), labels=STATUS_LABELS,
                           local_datetime=local_datetime, keep_days=downloads.KEEP_DAYS)


@bp.route("/downloads/<int:download_id>")
@login_required
def file(download_id: int):
    found = downloads.ready_path(current_user, download_id)
    if found is None:
        abort(404)
    row, path = found
    fallback = f"download-{row.id}.{path.suffix.lstrip('.')}"
    response = send_file(path, mimetype=exports.XLSX_MIMETYPE if path.suffix == ".xlsx" else None,
                         as_attachment=True, download_name=fallback, conditional=False)
    response.headers["Content-Disposition"] = exports.content_disposition(row.filename or fallback, fallback)
    response.headers["Cache-Control"] = "private, no-store"
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response
