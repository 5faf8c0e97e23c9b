"""Two reviewers acting on the same application at once: exactly one transition is
stored, the other is told someone else acted first (issue 4, item 10)."""
from __future__ import annotations

import re
import threading
from datetime import date

import pytest
from sqlalchemy import func, select

from core.review import moves, workflow
from core.platform import clock
from core.platform.extensions import db
from core.platform.models import Application, AuditEvent, ReviewRecord, User
from tests.factories import login, make_application, make_user

CSRF_RE = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
TODAY = date(2026, 10, 20)


def stored(application_id: int) -> tuple[int, int, int]:
    """(review records, workflow audit events, version) of the application, as committed."""
    db.session.expire_all()
    return (
        db.session.scalar(select(func.count()).select_from(ReviewRecord)
                          .where(ReviewRecord.application_id == application_id)),
        db.session.scalar(select(func.count()).select_from(AuditEvent)
                          .where(AuditEvent.action == "workflow.approve",
                                 AuditEvent.object_id == str(application_id))),
        db.session.get(Application, application_id).version,
    )


def test_two_sessions_approving_at_once_store_one_transition(app, database_url):
    if database_url.startswith("sqlite"):
        pytest.skip("SQLite serialises writers (one write transaction at a time, no row locks): "
                    "two sessions cannot race there; the race is proven on PostgreSQL")
    application = make_application("kunming", "comprehensive_service", status="submitted",
                                   current_step="district_review", policy_document="昆科发〔2017〕55号",
                                   submitted_on=TODAY)
    first, second = make_user("recommender", ("kunming",)), make_user("recommender", ("kunming",))
    both_loaded = threading.Barrier(2, timeout=30)
    outcome: dict[str, str] = {}

    def approve(user_id: int) -> None:
        # Its own app context, hence its own Session and its own database connection.
        with app.app_context():
            try:
                mine = db.session.get(Application, application.id)
                actor = db.session.get(User, user_id)
                assert mine.version == 1
                both_loaded.wait()  # both hold version 1 before either writes
                workflow.act(mine, "approve", actor, opinion=f"同意（{user_id}）", today=TODAY)
                outcome[str(user_id)] = "stored"
            except moves.StaleError as exc:
                outcome[str(user_id)] = exc.message
            finally:
                db.session.remove()

    threads = [threading.Thread(target=approve, args=(u.id,)) for u in (first, second)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert sorted(outcome.values(), key=len) == ["stored", moves.StaleError().message], outcome
    assert "已被他人办理" in moves.StaleError().message
    assert stored(application.id) == (1, 1, 2)
    db.session.refresh(application)
    assert (application.status, application.current_step) == ("in_review", "district_recommend")


def test_second_officer_posting_the_same_page_is_told_in_chinese(app, monkeypatch):
    """Two officers have the page of a 弥勒 application at 呈报弥勒市人民政府认定 (the
    officer's step, 弥政办发〔2017〕5号 附件2 填报须知 六) open; both approve."""
    clock.freeze(TODAY)
    application = make_application("mile", "comprehensive", status="in_review",
                                   current_step="government_recognition", policy_document="弥政办发〔2017〕5号",
                                   submitted_on=date(2026, 9, 1))
    pages = []
    for _ in range(2):
        client = app.test_client()
        assert login(client, make_user("officer", ("mile",))).status_code == 302
        html = client.get(f"/admin/case/{application.id}").get_data(as_text=True)
        assert 'value="approve"' in html
        pages.append((client, html))
    responses = []
    for client, html in pages:
        responses.append(client.post(f"/admin/case/{application.id}/act", data={
            "csrf_token": CSRF_RE.search(html).group(1), "action": "approve", "opinion": "市人民政府同意认定",
            "expected_version": re.search(r'name="expected_version" value="(\d+)"', html).group(1),
            "expected_step": "government_recognition"}))
    assert responses[0].status_code == 302
    assert responses[1].status_code == 409
    assert "该申报刚刚已被他人办理" in responses[1].get_data(as_text=True)
    assert stored(application.id) == (1, 1, 2)
    db.session.refresh(application)
    assert application.current_step == "award"
