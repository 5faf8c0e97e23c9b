"""The queue's work, inline and with a real Celery worker on Redis (tests/queue/conftest.py):
the application's PDF rendered at submission, a download made in the background, a failing task
retried with back-off until it is failed with its error, the admin's retry.  Real HTTP, real
database, the real broker when one is configured; no mock."""
from __future__ import annotations

import os
from datetime import timedelta

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from core.documents import store
from core.platform import clock, downloads, queue
from core.platform.extensions import db
from core.platform.models import Download, SubsidyEntitlement, User
from tests.conftest import csrf_token
from tests.factories import login, make_title, make_user
from tests.portal_helpers import REQUIRED_KUNMING, TODAY, kunming_draft, token, upload
from tests.queue.conftest import BROKER, ended, runs_of

pytestmark = pytest.mark.queue




def kept_pdfs(application_id: int) -> list:
    folder = store.folder() / "application" / str(application_id)
    return sorted(p for p in folder.glob("*.pdf")) if folder.is_dir() else []


def test_the_pdf_is_rendered_at_submission_and_the_download_is_a_file_read(app, renders):
    clock.freeze(TODAY)
    client, draft = kunming_draft(app)
    for code in REQUIRED_KUNMING:
        assert upload(client, draft.id, code).status_code == 302
    assert kept_pdfs(draft.id) == []
    html = client.get(f"/portal/applications/{draft.id}").get_data(as_text=True)
    version = html.split('name="expected_version" value="', 1)[1].split('"', 1)[0]
    response = client.post(f"/portal/applications/{draft.id}/act", data={
        "csrf_token": token(html), "action": "submit", "expected_version": version, "confirm_submit": "yes"})
    assert response.status_code == 302
    (run,) = runs_of("documents.render_application")
    assert run.payload == {"application_id": draft.id}
    run = ended(run.id)
    assert (run.status, run.attempts, run.last_error) == (queue.DONE, 1, None)
    assert len(renders) == (0 if BROKER else 1)  # with a worker, the worker rendered it
    (kept,) = kept_pdfs(draft.id)  # before any download
    before = kept.stat().st_mtime_ns
    download = client.get(f"/portal/applications/{draft.id}/pdf")
    assert download.status_code == 200 and download.mimetype == "application/pdf"
    assert download.data == kept.read_bytes() and download.data.startswith(b"%PDF-")
    assert len(renders) == (0 if BROKER else 1)  # the download rendered nothing
    assert kept.stat().st_mtime_ns == before and kept_pdfs(draft.id) == [kept]


def money_desk(app, n: int):
    """An officer of 弥勒 and ``n`` entitlements of his jurisdiction, and one of 昆明 he may not see."""
    title = make_title("mile")
    for i in range(n):
        db.session.add(SubsidyEntitlement(recognition_id=title.id, space_id=title.space_id, jurisdiction="mile",
                                          rule_code="mile.x", kind=f"运营补助{i}", amount_cny=1000 + i, citation={},
                                          year=2026))
    other = make_title("kunming")
    db.session.add(SubsidyEntitlement(recognition_id=other.id, space_id=other.space_id, jurisdiction="kunming",
                                      rule_code="kunming.x", kind="昆明补助", amount_cny=5, citation={}, year=2026))
    db.session.commit()
    officer = make_user("officer", ["mile"])
    client = app.test_client()
    assert login(client, officer).status_code == 302
    return client, officer


def test_a_long_export_is_made_by_the_queue_for_my_downloads(app, monkeypatch):
    monkeypatch.setattr(downloads, "INLINE_EXPORT_ROWS", 2)
    client, officer = money_desk(app, 3)
    page = client.get("/admin/money/?year=2026").get_data(as_text=True)
    assert 'id="export-queue"' in page and 'id="export-xlsx"' not in page
    response = client.post("/admin/money/export.xlsx", data={
        "csrf_token": csrf_token(client, "/admin/money/?year=2026"), "year": "2026"})
    assert response.status_code == 302, response.get_data(as_text=True)[:300]
    assert response.location.endswith("/admin/money/?year=2026"), response.location
    (row,) = db.session.scalars(select(Download)).all()
    assert (row.user_id, row.kind, row.params) == (officer.id, "money.subsidies", {"year": "2026"})
    (run,) = runs_of("downloads.export")
    assert ended(run.id).status == queue.DONE
    db.session.refresh(row)
    assert row.status == "ready" and row.size > 0 and row.filename.endswith(".xlsx")
    path = downloads.folder() / row.stored_name
    assert oct(path.stat().st_mode & 0o777) == "0o600"
    got = client.get(f"/downloads/{row.id}")
    assert got.status_code == 200 and got.data == path.read_bytes()
    assert "attachment" in got.headers["Content-Disposition"]
    sheet = load_workbook(path).active
    kinds = [r[7] for r in sheet.iter_rows(min_row=2, values_only=True)]
    assert sorted(kinds) == ["运营补助0", "运营补助1", "运营补助2"]  # his scope only: not 昆明补助


def test_a_failing_task_is_retried_with_back_off_then_failed_with_its_error(app):
    """A download asked for by a user who is deactivated before it is made fails each try:
    after 1 and 2 minutes it is tried again (here the clock is moved, and the sweep hands the
    due retry on), then it is failed, with the error, on 后台任务; the admin's 重试 queues it again."""
    user = make_user("officer", ["mile"])
    download = downloads.request(user, "money.subsidies", "补助资金", {})
    user.active = False
    db.session.commit()
    (run,) = runs_of("downloads.export")
    waits = []
    for attempt in (1, 2):
        row = ended(run.id, attempt)
        assert (row.status, row.attempts) == (queue.RETRYING, attempt)
        assert "no longer active" in row.last_error
        waits.append(round((row.retry_at - row.finished_at).total_seconds()))
        clock.freeze_instant(row.retry_at + timedelta(seconds=1))  # the wait has passed
        assert queue.sweep() == 1
        clock.freeze_instant(None)
    assert waits == [60, 120]
    row = ended(run.id, 3)
    assert (row.status, row.attempts) == (queue.FAILED, 3) and "PermissionError" in row.last_error
    db.session.refresh(download := db.session.get(Download, download.id))
    assert download.status == "failed"
    # 后台任务: shown first, with its error; 重试 (the user is active again) makes the file
    admin = make_user("admin")
    client = app.test_client()
    assert login(client, admin).status_code == 302
    html = client.get("/admin/tasks/").get_data(as_text=True)
    assert f'id="task-{run.id}"' in html and "PermissionError" in html
    db.session.get(User, user.id).active = True
    db.session.commit()
    response = client.post(f"/admin/tasks/{run.id}/retry", data={"csrf_token": csrf_token(client, "/admin/tasks/")})
    assert response.status_code == 302
    assert ended(run.id).status == queue.DONE  # attempts count afresh after 重试
    db.session.refresh(download)
    assert download.status == "ready"


def test_mail_to_a_server_that_does_not_answer_is_retried_and_then_delivered(app, request):
    """Every mail goes through the queue (core.notify.mail, with tests/smtp_sink.py's real SMTP
    server): refused while nothing listens on the port, retried, delivered once the server is up."""
    pytest.importorskip("tests.smtp_sink")
    if "notify.send_mail" not in queue.TASKS:
        pytest.skip("core.notify.mail is not on this branch")
    from core.platform.models import OutboundMail

    port = int(os.environ.get("ZHONGCHUANG_SMTP_PORT") or 0)
    if not BROKER:
        from tests.smtp_sink import free_port

        port = free_port()
        app.config.update(SMTP_HOST="127.0.0.1", SMTP_PORT=port)
    user = make_user("officer", ["mile"], login="officer-mail@example.cn")
    mail = OutboundMail(user_id=user.id, recipient=user.login, subject="测试邮件", body="正文", status="queued",
                        attempts=0, created_at=clock.instant())
    db.session.add(mail)
    db.session.flush()
    run = queue.enqueue("notify.send_mail", mail_id=mail.id)
    db.session.commit()
    row = ended(run.id)
    assert row.status == queue.RETRYING and row.attempts == 1 and row.last_error
    os.environ.setdefault("ZHONGCHUANG_SMTP_PORT", str(port))  # the sink listens where the app sends
    try:
        sink = request.getfixturevalue("smtp_sink")
    finally:
        if not BROKER:
            os.environ.pop("ZHONGCHUANG_SMTP_PORT", None)
    assert sink.port == port
    clock.freeze_instant(row.retry_at + timedelta(seconds=1))
    assert queue.sweep() == 1
    clock.freeze_instant(None)
    assert ended(run.id, 2).status == queue.DONE
    (message,) = sink.wait_for(1)
    assert message["Subject"] == "测试邮件"


def test_a_long_audit_log_is_made_for_my_downloads_by_the_queue(app, monkeypatch):
    """A Flask-Admin list's workbook: the worker has no admin, the view is built for the task and
    run as the user who asked, with his list's search."""
    from core.platform import audit

    monkeypatch.setattr(downloads, "INLINE_EXPORT_ROWS", 1)
    for code in ("mile", "mile", "kunming"):
        audit.record("admin_update", object_type="Space", object_id="7", jurisdiction=code)
    audit.record("application.created", object_type="Space", object_id="8", jurisdiction="mile")
    db.session.commit()
    officer = make_user("officer", ["mile"])
    client = app.test_client()
    assert login(client, officer).status_code == 302
    url = "/admin/auditevent/export/xlsx/?search=admin_update"
    assert 'id="export-queue"' in client.get(url).get_data(as_text=True)
    response = client.post("/admin/auditevent/export-queue/", data={"csrf_token": csrf_token(client, url),
                                                                    "args": "search=admin_update"})
    assert response.status_code == 302
    (run,) = runs_of("downloads.export")
    assert ended(run.id).status == queue.DONE, run.last_error
    row = db.session.scalars(select(Download)).one()
    assert row.status == "ready"
    sheet = load_workbook(downloads.folder() / row.stored_name).active
    assert [r[5] for r in sheet.iter_rows(min_row=2, values_only=True)] == ["弥勒市", "弥勒市"]
