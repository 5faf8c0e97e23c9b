"""``zhongchuang tick``: closes the notices whose period has ended with no open
objection, as the system actor; idempotent; one line per notice and a summary.

A 昆明 notice published 2026-09-24 has 7 days from 09-25, nominally ending 10-01 —
in the National Day holiday (10-01 … 10-07) — so its last day is 10-08 (民法典
第203条): tick on 10-08 leaves it open, tick on 10-09 closes it.
"""
from __future__ import annotations

from datetime import date

from sqlalchemy import select

from core.notice import publication as public_notice
from core.cli import cli
from core.platform.extensions import db
from core.platform.models import Application, AuditEvent, JurisdictionSetting, PublicNotice, ReviewRecord
from tests.notice_helpers import published


def tick(app, day: str):
    return app.test_cli_runner().invoke(cli, ["tick", "--today", day])


def test_tick_around_a_notice_ending_in_the_national_day_holiday(app):
    notice, (application,), _ = published("kunming", date(2026, 9, 24))
    assert notice.last_day == date(2026, 10, 8)
    for day in ("2026-10-01", "2026-10-07", "2026-10-08"):
        result = tick(app, day)
        assert result.exit_code == 0, result.output
        assert f"tick {day}: 0 notice(s) closed" in result.stdout
    db.session.expire_all()
    assert db.session.get(PublicNotice, notice.id).status == "open"

    result = tick(app, "2026-10-09")
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0].startswith(f"closed notice #{notice.id} [kunming]") and f"#{application.id}" in lines[0]
    assert lines[-1] == "tick 2026-10-09: 1 notice(s) closed, 0 waiting on objections, 0 failed"
    db.session.expire_all()
    assert db.session.get(PublicNotice, notice.id).status == "closed"
    moved = db.session.get(Application, application.id)
    assert (moved.status, moved.current_step) == ("in_review", "award")
    record = db.session.scalars(select(ReviewRecord).where(ReviewRecord.action == "close_notice")).one()
    assert record.actor_id is None
    event = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "workflow.close_notice")).one()
    assert event.actor_name == "system" and event.from_state == "under_notice:public_notice"

    # Idempotent: a second run does nothing.
    again = tick(app, "2026-10-10")
    assert again.exit_code == 0
    assert again.stdout.strip() == "tick 2026-10-10: 0 notice(s) closed, 0 waiting on objections, 0 failed"
    assert len(db.session.scalars(select(ReviewRecord).where(ReviewRecord.action == "close_notice")).all()) == 1


def test_tick_leaves_a_notice_with_an_open_objection(app):
    notice, (application,), user = published("kunming", date(2026, 9, 24))
    objection = public_notice.file_objection(notice, name="某人", contact="x@example.cn", content="异议",
                                             today=date(2026, 10, 8), client_address="10.9.9.9")
    result = tick(app, "2026-10-09")
    assert result.exit_code == 0
    assert f"waiting notice #{notice.id}" in result.stdout and "1 open objection(s)" in result.stdout
    assert "0 notice(s) closed, 1 waiting on objections" in result.stdout
    db.session.expire_all()
    assert db.session.get(Application, application.id).status == "under_notice"
    public_notice.resolve_objection(db.session.get(type(objection), objection.id), "dismissed", "不成立",
                                    db.session.merge(user), today=date(2026, 10, 9))
    assert "1 notice(s) closed" in tick(app, "2026-10-12").stdout


def test_tick_skips_disabled_jurisdictions_and_several_notices(app):
    kunming, _, _ = published("kunming", date(2026, 9, 24))
    mile, _, _ = published("mile", date(2026, 3, 2))  # ends 2026-03-17
    db.session.add(JurisdictionSetting(code="mile", enabled=False))
    db.session.commit()
    result = tick(app, "2026-10-09")
    assert "1 notice(s) closed" in result.stdout and f"closed notice #{kunming.id}" in result.stdout
    db.session.expire_all()
    assert db.session.get(PublicNotice, mile.id).status == "open"


def test_tick_bad_date_is_one_line_exit_2(app):
    result = tick(app, "2026-02-30")
    assert result.exit_code == 2 and result.stdout == ""
    assert len(result.stderr.splitlines()) == 1 and "--today" in result.stderr


def test_two_closers_at_once_close_the_notice_once(app_factory, database_url):
    """Two ticks at the same moment (two app contexts, two connections): the notice's
    conditional UPDATE lets one win; the other is refused and writes nothing."""
    import threading

    from core.review import moves, workflow

    app = app_factory()
    with app.app_context():
        notice, _, _ = published("kunming", date(2026, 9, 24), n=2)
        notice_id = notice.id
    barrier = threading.Barrier(1 if database_url.startswith("sqlite") else 2)
    outcomes = []

    def closer():
        with app.app_context():
            try:
                row = db.session.get(PublicNotice, notice_id)
                _ = [e.application.status for e in row.entries]  # loaded before the race
                barrier.wait(timeout=10)
                outcomes.append(len(public_notice.close(row, workflow.SYSTEM, date(2026, 10, 9))))
            except moves.WorkflowError as exc:
                outcomes.append(exc.key)
            finally:
                db.session.remove()

    if database_url.startswith("sqlite"):
        closer()
        closer()
    else:
        threads = [threading.Thread(target=closer) for _ in range(2)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(30)
    assert sorted(map(str, outcomes)) == ["2", "close" if database_url.startswith("sqlite") else "version"]
    with app.app_context():
        assert len(db.session.scalars(select(ReviewRecord).where(ReviewRecord.action == "close_notice")).all()) == 2
        assert len(db.session.scalars(select(AuditEvent).where(AuditEvent.action == "notice.close")).all()) == 1
