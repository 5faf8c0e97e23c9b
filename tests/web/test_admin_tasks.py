"""后台任务 (issue 19): the queue's runs for the admin alone — failed first, then the most recent,
names and statuses in words, the last error escaped and shortened; the filter by status; 重试 of a
failed run (POST with CSRF, audited); the dashboard's count of failed runs.  Real HTTP, real database."""
from __future__ import annotations

import re
from datetime import timedelta

from sqlalchemy import select

from core.admin import tasks
from core.platform import clock, queue
from core.platform.extensions import db
from core.platform.models import AuditEvent, TaskRun
from tests.conftest import csrf_token
from tests.factories import login, make_user


def runs(*specs) -> list[TaskRun]:
    start = clock.instant() - timedelta(hours=1)
    rows = [TaskRun(name=name, payload={"day": "2026-10-09"} if name == "notice.tick" else {}, status=status, attempts=attempts, last_error=error,
                    created_at=start + timedelta(minutes=i))
            for i, (name, status, attempts, error) in enumerate(specs)]
    db.session.add_all(rows)
    db.session.commit()
    return rows


def client_of(app, user):
    client = app.test_client()
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    assert login(client, user).status_code == 302
    return client


def order_on(html: str) -> list[int]:
    return [int(n) for n in re.findall(r'<tr id="task-(\d+)"', html)]


def test_failed_first_then_recent_in_words_with_the_error_escaped_and_shortened(app):
    long_error = "OSError: <script>alert(1)</script> " + "x" * 1000
    old_failed, done, unknown, newest = runs(
        ("notice.tick", "failed", 3, long_error),
        ("documents.render_application", "done", 1, None),
        ("someone.elses_task", "retrying", 1, "Timeout"),
        ("downloads.export", "queued", 0, None))
    client = client_of(app, make_user("admin"))
    html = client.get("/admin/tasks/").get_data(as_text=True)
    assert order_on(html) == [old_failed.id, newest.id, unknown.id, done.id]
    row = html.split(f'id="task-{old_failed.id}"', 1)[1].split("</tr>", 1)[0]
    assert "Close public notices whose period has ended" in row and "Failed for good" in row
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in row and "<script>alert" not in html
    assert "x" * (tasks.ERROR_CHARS - 40) in row and "x" * tasks.ERROR_CHARS not in row and "…" in row
    assert 'id="retry-%d"' % old_failed.id in row
    assert "Other background task" in html and "someone.elses_task" not in html  # never the code
    assert "Will be retried" in html and "Finished" in html and "Waiting" in html
    for other in (done, unknown, newest):  # only a failed run can be retried
        assert f'id="retry-{other.id}"' not in html
    filtered = client.get("/admin/tasks/?status=done").get_data(as_text=True)
    assert order_on(filtered) == [done.id]
    assert order_on(client.get("/admin/tasks/?status=nonsense").get_data(as_text=True)) == order_on(html)


def test_retry_queues_a_failed_run_again_audited_with_csrf(app):
    (failed, done) = runs(("notice.tick", "failed", 3, "RuntimeError: notice #1"), ("notice.tick", "done", 1, None))
    admin = make_user("admin")
    client = client_of(app, admin)
    assert client.post(f"/admin/tasks/{failed.id}/retry").status_code == 400  # no CSRF token
    token = csrf_token(client, "/admin/tasks/")
    assert client.post(f"/admin/tasks/{done.id}/retry", data={"csrf_token": token}).status_code == 404
    assert client.post(f"/admin/tasks/{failed.id + 99}/retry", data={"csrf_token": token}).status_code == 404
    response = client.post(f"/admin/tasks/{failed.id}/retry", data={"csrf_token": token, "status": "failed"})
    assert response.status_code == 302 and response.location.endswith("/admin/tasks/?status=failed")
    assert "The task has been queued again." in client.get(response.location).get_data(as_text=True)
    db.session.rollback()
    row = db.session.get(TaskRun, failed.id)
    # inline, the run happened at the request's end: tick of a day with nothing to close is done
    assert (row.status, row.attempts) == (queue.DONE, 1)
    event = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "task.retried")).one()
    assert (event.actor_id, event.object_type, event.object_id) == (admin.id, "TaskRun", str(failed.id))


def test_only_the_admin_sees_the_tasks_and_the_dashboard_counts_the_failed(app):
    (failed,) = runs(("notice.tick", "failed", 3, "RuntimeError"))
    officer = client_of(app, make_user("officer", ["mile"]))
    assert officer.get("/admin/tasks/").status_code == 403
    token = csrf_token(officer, "/admin/money/")
    assert officer.post(f"/admin/tasks/{failed.id}/retry", data={"csrf_token": token}).status_code == 403
    assert 'id="failed-tasks"' not in officer.get("/admin/").get_data(as_text=True)
    admin = client_of(app, make_user("admin"))
    html = admin.get("/admin/").get_data(as_text=True)
    box = html.split('id="failed-tasks"', 1)[1].split("</div>", 1)[0]
    assert 'href="/admin/tasks/?status=failed"' in box and "Failed background tasks: 1" in box
    runs(("notice.tick", "done", 1, None))
    assert "Failed background tasks: 1" in admin.get("/admin/").get_data(as_text=True)
    db.session.get(TaskRun, failed.id).status = queue.DONE
    db.session.commit()
    assert 'id="failed-tasks"' not in admin.get("/admin/").get_data(as_text=True)
