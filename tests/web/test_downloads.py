"""我的下载 (issue 19): a long money-desk list is queued instead of answered inline (the boundary
on both sides of ``INLINE_EXPORT_ROWS``), the filters kept; the page lists only the user's own
downloads with their status in words; a file is served to its owner alone; a failure is a plain
sentence.  Real HTTP with CSRF on, real database (tasks inline: tests/queue runs them on a worker)."""
from __future__ import annotations

import io
import stat
from urllib.parse import unquote

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from core.platform import downloads
from core.platform.extensions import db
from core.platform.models import AuditEvent, Download, SubsidyEntitlement
from tests.conftest import csrf_token
from tests.factories import login, make_title, make_user

LIMIT = 3


@pytest.fixture(autouse=True)
def small_limit(monkeypatch):
    monkeypatch.setattr(downloads, "INLINE_EXPORT_ROWS", LIMIT)


def entitlements(n: int, jurisdiction: str = "mile", status: str = "pending") -> None:
    title = make_title(jurisdiction)
    for i in range(n):
        db.session.add(SubsidyEntitlement(recognition_id=title.id, space_id=title.space_id, jurisdiction=jurisdiction,
                                          rule_code=f"{jurisdiction}.x", kind=f"{jurisdiction}补助{i}",
                                          amount_cny=100 + i, citation={}, year=2026, status=status))
    db.session.commit()


def client_of(app, user, english: bool = True):
    client = app.test_client()
    if english:  # the page's words as written in the code, whatever the catalogue holds
        client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    assert login(client, user).status_code == 302
    return client


def queue_export(client, **filters):
    query = "&".join(f"{k}={v}" for k, v in filters.items())
    return client.post("/admin/money/export.xlsx", data={
        "csrf_token": csrf_token(client, f"/admin/money/?{query}"), **filters})


def test_up_to_the_limit_the_workbook_is_answered_inline(app):
    entitlements(LIMIT)
    client = client_of(app, make_user("officer", ["mile"]))
    page = client.get("/admin/money/").get_data(as_text=True)
    assert 'id="export-xlsx"' in page and 'id="export-queue"' not in page
    response = client.get("/admin/money/export.xlsx")
    assert response.status_code == 200 and response.mimetype.endswith("spreadsheetml.sheet")
    assert load_workbook(io.BytesIO(response.data)).active.max_row == LIMIT + 1
    assert db.session.scalar(select(Download.id)) is None


def test_one_row_over_the_limit_is_queued_with_the_filters_kept(app):
    entitlements(LIMIT + 1)
    entitlements(2, status="paid")  # filtered out by status: the list chosen is LIMIT + 1 rows
    entitlements(5, "kunming")  # outside the officer's scope
    officer = make_user("officer", ["mile"])
    client = client_of(app, officer)
    page = client.get("/admin/money/?status=pending").get_data(as_text=True)
    assert 'id="export-queue"' in page and 'id="export-xlsx"' not in page
    assert '<input type="hidden" name="status" value="pending">' in page
    # the old link, followed anyway: nothing is made, the list says why and keeps its filters
    refused = client.get("/admin/money/export.xlsx?status=pending")
    assert refused.status_code == 302 and refused.location.endswith("/admin/money/?status=pending")
    assert db.session.scalar(select(Download.id)) is None
    response = queue_export(client, status="pending")
    assert response.status_code == 302 and response.location.endswith("/admin/money/?status=pending")
    assert "Added to My downloads." in client.get(response.location).get_data(as_text=True)
    (row,) = db.session.scalars(select(Download)).all()
    assert (row.user_id, row.params, row.status) == (officer.id, {"status": "pending"}, "ready")  # inline: made at the request's end
    event = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "download.requested")).one()
    assert event.actor_id == officer.id and event.object_id == str(row.id)
    path = downloads.folder() / row.stored_name
    assert stat.S_IMODE(path.stat().st_mode) == 0o600 and stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    sheet = load_workbook(path).active
    assert sorted(r[7] for r in sheet.iter_rows(min_row=2, values_only=True)) == \
        [f"mile补助{i}" for i in range(LIMIT + 1)]
    # 我的下载 (in the admin's menu): the row in words, its size, its link; the file is the one kept
    assert 'href="/downloads"' in client.get("/admin/").get_data(as_text=True)
    html = client.get("/downloads").get_data(as_text=True)
    assert f'id="download-{row.id}"' in html and "Ready" in html and " KB" in html
    got = client.get(f"/downloads/{row.id}")
    assert got.status_code == 200 and got.data == path.read_bytes()
    assert unquote(got.headers["Content-Disposition"]).endswith(f"''{row.filename}")
    assert got.headers["Cache-Control"] == "private, no-store"


def test_only_the_owner_sees_and_gets_a_download(app):
    entitlements(LIMIT + 1)
    owner, other = make_user("officer", ["mile"]), make_user("officer", ["mile"])
    owner_client = client_of(app, owner)
    queue_export(owner_client)
    (row,) = db.session.scalars(select(Download)).all()
    other_client = client_of(app, other)
    html = other_client.get("/downloads").get_data(as_text=True)
    assert f'id="download-{row.id}"' not in html and 'id="no-downloads"' in html
    assert other_client.get(f"/downloads/{row.id}").status_code == 404
    assert other_client.get(f"/downloads/{row.id + 1}").status_code == 404
    assert app.test_client().get(f"/downloads/{row.id}").status_code == 302  # to the login page
    assert owner_client.get(f"/downloads/{row.id}").status_code == 200


def test_a_download_not_ready_or_failed_is_not_served_and_the_failure_is_a_plain_sentence(app):
    user = make_user("officer", ["mile"])
    waiting = Download(user_id=user.id, kind="money.subsidies", title="补助资金_排队", params={}, status="queued")
    failed = Download(user_id=user.id, kind="money.subsidies", title="补助资金_失败", params={}, status="failed",
                      error='Traceback (most recent call last):\n  File "x.py"\nKeyError: <b>boom</b>')
    db.session.add_all([waiting, failed])
    db.session.commit()
    client = client_of(app, user)
    html = client.get("/downloads").get_data(as_text=True)
    assert "Being prepared" in html and "Could not be prepared" in html
    assert "The file could not be prepared." in html
    assert "Traceback" not in html and "KeyError" not in html and "<b>boom" not in html
    assert client.get(f"/downloads/{waiting.id}").status_code == 404
    assert client.get(f"/downloads/{failed.id}").status_code == 404
    chinese = client_of(app, user, english=False).get("/downloads").get_data(as_text=True)
    assert "queued" not in chinese and "failed" not in chinese  # codes never shown


def test_the_export_runs_in_the_scope_of_the_user_now(app):
    """The task reloads the user: a scope narrowed after asking narrows the file (never wider)."""
    from core.platform.models import UserScope

    entitlements(LIMIT + 1, "mile")
    entitlements(LIMIT + 1, "kunming")
    officer = make_user("officer", ["mile", "kunming"])
    row = downloads.request(officer, "money.subsidies", "补助资金", {})
    db.session.execute(UserScope.__table__.delete().where(UserScope.user_id == officer.id,
                                                          UserScope.jurisdiction == "kunming"))
    db.session.commit()
    from core.platform import queue

    queue.drain()
    db.session.refresh(row)
    sheet = load_workbook(downloads.folder() / row.stored_name).active
    assert {r[1] for r in sheet.iter_rows(min_row=2, values_only=True)} == {"弥勒市"}


def audit_events(n: int, jurisdiction: str, action: str = "admin_update") -> None:
    from core.platform import audit

    for i in range(n):
        audit.record(action, object_type="Application", object_id=str(1000 + i), jurisdiction=jurisdiction,
                     marker=f"{jurisdiction}-{i}")
    db.session.commit()


def test_a_long_audit_log_is_offered_to_my_downloads_and_made_in_the_officers_scope(app):
    """The audit log (a Flask-Admin list): up to the limit the xlsx is answered inline; beyond, the
    export asks first (a POST with CSRF) and the queue makes the workbook of the list as filtered,
    as the officer may see it."""
    officer = make_user("officer", ["mile"])
    audit_events(LIMIT - 1, "mile")
    client = client_of(app, officer)
    url = "/admin/auditevent/export/xlsx/?search=admin_update"
    inline = client.get(url)
    assert inline.status_code == 200 and inline.mimetype.endswith("spreadsheetml.sheet")
    audit_events(2, "mile")  # LIMIT + 1 rows now
    audit_events(4, "kunming")  # not his
    audit_events(1, "mile", action="application.created")  # not found by the search
    page = client.get(url)
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and 'id="export-queue"' in html and f"{LIMIT + 1} rows" in html
    assert '<input type="hidden" name="args" value="search=admin_update">' in html
    assert db.session.scalar(select(Download.id)) is None  # asking is a POST
    response = client.post("/admin/auditevent/export-queue/", data={"csrf_token": csrf_token(client, url),
                                                                    "args": "search=admin_update"})
    assert response.status_code == 302 and response.location.endswith("/admin/auditevent/?search=admin_update")
    (row,) = db.session.scalars(select(Download)).all()
    assert (row.kind, row.params, row.status) == ("admin.auditevent", {"args": "search=admin_update"}, "ready")
    sheet = load_workbook(downloads.folder() / row.stored_name).active
    rows = list(sheet.iter_rows(values_only=True))
    assert len(rows) == LIMIT + 2  # the headers, then his LIMIT + 1 events found by the search
    assert rows[0][0] == "Time" or rows[0][0] == "时间"
    assert {r[5] for r in rows[1:]} == {"弥勒市"}
    assert client.get(f"/downloads/{row.id}").status_code == 200


def test_a_list_without_a_download_kind_is_not_queued(app):
    officer = make_user("officer", ["mile"])
    client = client_of(app, officer)
    token = csrf_token(client, "/admin/money/")
    assert client.post("/admin/application/export-queue/", data={"csrf_token": token}).status_code == 404
    assert client.post("/admin/auditevent/export-queue/").status_code == 400  # no CSRF token
    applicant = client_of(app, make_user("applicant", organisation=make_title("mile").space.organisation))
    assert applicant.post("/admin/auditevent/export-queue/", data={"csrf_token": token}).status_code in (302, 400, 403)
    assert db.session.scalar(select(Download.id)) is None


def test_a_download_is_kept_seven_days_then_its_file_and_row_are_removed(app):
    """downloads.expire, a daily task: ready 7 days ago exactly is kept; a moment more is removed,
    its file too; a failed one as old goes; a queued one stays whatever its age."""
    from datetime import datetime, timedelta, timezone

    from core.platform import clock, downloads, queue
    from core.platform.models import Download

    now = datetime(2026, 12, 4, 9, 0, tzinfo=timezone.utc)
    clock.freeze_instant(now)
    try:
        user = make_user("officer", ("kunming",))
        folder = downloads.folder()
        folder.mkdir(parents=True, exist_ok=True)
        rows = {}
        for name, status, age in (("kept", "ready", timedelta(days=7)), ("old", "ready", timedelta(days=7, seconds=1)),
                                  ("failed", "failed", timedelta(days=8)), ("queued", "queued", timedelta(days=30))):
            stored = f"{name}.xlsx" if status == "ready" else None
            if stored:
                (folder / stored).write_bytes(b"x")
            rows[name] = Download(user_id=user.id, kind="money.subsidies", title=name, params={}, status=status,
                                  stored_name=stored, created_at=now - age, ready_at=now - age if stored else None)
        db.session.add_all(rows.values())
        db.session.commit()
        ids = {name: row.id for name, row in rows.items()}
        queue.load_tasks()
        assert "downloads.expire" in queue.DAILY
        assert downloads.expire("2026-12-04") == 2
        db.session.expire_all()
        assert {r.title for r in db.session.scalars(select(Download))} == {"kept", "queued"}
        assert (folder / "kept.xlsx").is_file() and not (folder / "old.xlsx").exists()
        assert db.session.get(Download, ids["old"]) is None
    finally:
        clock.freeze_instant(None)
