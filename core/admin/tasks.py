"""后台任务 (issue 19): the runs of the task queue (core.platform.queue), for the admin alone.

``/admin/tasks/?status=``   failed runs first, then the most recent: what the task does (in words),
                            its status, attempts, the last error (escaped, shortened), its times
``/admin/tasks/<id>/retry`` POST 重试: a failed run queued again with a fresh count (audited)

The dashboard shows how many runs have failed, with a link here (:func:`failed_count`).
"""
from __future__ import annotations

from flask import abort, flash, redirect, request, url_for
from flask_admin import BaseView, expose
from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from sqlalchemy import case, func, select

from core.accounts import roles
from core.accounts.admin_access import StaffAccessMixin
from core.platform import audit, queue
from core.platform.extensions import db
from core.platform.labels import local_datetime
from core.platform.models import TaskRun

SHOWN = 200          # runs on the page: the failed ones first, so none is pushed off by the done ones
ERROR_CHARS = 300    # of the last error on the list (the whole error is in the log)

# Each task's name in words; a task a later package adds without a label shows the fallback.
TASK_LABELS = {
    "documents.render_application": _l("Render an application's PDF after submission"),
    "downloads.export": _l("Prepare a file for My downloads"),
    "downloads.expire": _l("Remove the files of My downloads kept longer than their days"),
    "notice.tick": _l("Close public notices whose period has ended"),
    "notify.send_mail": _l("Send a mail"),
    "notify.reminders": _l("Send the day's reminders"),
}
STATUS_LABELS = {queue.QUEUED: _l("Waiting"), queue.RUNNING: _l("Running"), queue.RETRYING: _l("Will be retried"),
                 queue.DONE: _l("Finished"), queue.FAILED: _l("Failed for good")}


def task_label(name: str) -> str:
    return str(TASK_LABELS.get(name, _l("Other background task")))


def failed_count() -> int:
    return db.session.scalar(select(func.count()).select_from(TaskRun).where(TaskRun.status == queue.FAILED))


def runs(status: str | None) -> list[TaskRun]:
    query = select(TaskRun)
    if status:
        query = query.where(TaskRun.status == status)
    failed_first = case((TaskRun.status == queue.FAILED, 0), else_=1)
    return list(db.session.scalars(query.order_by(failed_first, TaskRun.id.desc()).limit(SHOWN)))


def short(text: str | None) -> str:
    text = " ".join((text or "").split())
    return text if len(text) <= ERROR_CHARS else text[:ERROR_CHARS - 1] + "…"


class TasksView(StaffAccessMixin, BaseView):
    allowed_roles = (roles.ADMIN,)

    @expose("/")
    def index(self):
        status = request.args.get("status") or None
        status = status if status in queue.STATUSES else None
        return self.render("admin/tasks.html", runs=runs(status), status=status, statuses=STATUS_LABELS,
                           task_label=task_label, short=short, local_datetime=local_datetime, shown=SHOWN)

    @expose("/<int:task_id>/retry", methods=["POST"])
    def retry(self, task_id: int):
        row = queue.retry_now(task_id)
        if row is None:
            abort(404)
        audit.record("task.retried", row, task=row.name)
        db.session.commit()
        flash(gettext("The task has been queued again."), "success")
        return redirect(url_for(".index", status=request.form.get("status") or None))
