"""The day's reminders (issue 19): each kind reaches the users it concerns, on the days around
its deadline (7 calendar days before, the day itself, the first overdue day and then weekly), and
once per user, thing and day — a second run the same day writes and emits nothing, the next day
reminds again.  The inbox is another module's: here the ``ReminderSent`` rows and the emitted
events are asserted (a listener of this test's own).  SQLite and PostgreSQL."""
from __future__ import annotations

import json
from datetime import date, datetime, timedelta, timezone

import pytest
from flask_babel import force_locale
from sqlalchemy import func, select

import core.notify.reminders as reminders  # registers the daily task
from core.bureau import data as bureau_data
from core.bureau.operations import set_bureau_setting
from core.notify import messages
from core.platform import clock, events, queue
from core.platform.extensions import db
from core.platform.models import (Batch, Call, ChangeReport, ExpertAssignment, PublicNotice, Rectification,
                                  ReminderSent, ReviewRecord, StatisticsReturn, StatisticsWindow)
from tests.after_recognition_helpers import titled
from tests.factories import make_application, make_org, make_space, make_user
from tests.notice_helpers import at_step


@pytest.fixture
def heard(app):
    """The events emitted while the test runs: (kind, subject type, subject id, users, params)."""
    found = []

    def listen(event):
        found.append((event.kind, event.subject_type, event.subject_id, set(event.to_user_ids), event.params))

    events.LISTENERS.append(listen)
    yield found
    events.LISTENERS.remove(listen)


def sent_rows() -> set[tuple]:
    return {(r.user_id, r.kind, r.thing, r.day) for r in db.session.scalars(select(ReminderSent))}


def run(day: date, heard: list) -> list[tuple]:
    """The events of one run of ``day``."""
    before = len(heard)
    reminders.send(day)
    return heard[before:]


def words(kind: str, params: dict, locale: str = "en") -> str:
    """What the reminder says (core.notify.messages), from its params as stored: JSON."""
    with force_locale(locale):
        return messages.text(kind, json.loads(json.dumps(params)))


def test_timing_around_a_deadline():
    deadline = date(2026, 5, 20)
    assert reminders.timing(deadline, deadline - timedelta(days=8)) is None
    assert reminders.timing(deadline, deadline - timedelta(days=7)) == reminders.SOON
    assert reminders.timing(deadline, deadline) == reminders.SOON
    assert reminders.timing(deadline, deadline + timedelta(days=1)) == reminders.OVERDUE
    assert reminders.timing(deadline, deadline + timedelta(days=2)) is None
    assert reminders.timing(deadline, deadline + timedelta(days=8)) == reminders.OVERDUE
    assert reminders.timing(deadline, deadline + timedelta(days=9)) is None


def test_the_task_is_registered_daily_and_runs_from_the_queue(app, heard):
    assert "notify.reminders" in queue.TASKS and "notify.reminders" in queue.DAILY
    notice = PublicNotice(jurisdiction="xuzhou", title="徐州公示", published_on=date(2026, 5, 1),
                          first_day=date(2026, 5, 2), last_day=date(2026, 5, 11), days=10)
    db.session.add(notice)
    db.session.commit()
    officer = make_user("officer", ["xuzhou"])
    queue.run_daily("2026-05-10")
    queue.drain()
    assert (officer.id, reminders.NOTICE, f"PublicNotice:{notice.id}", date(2026, 5, 10)) in sent_rows()


# --- calls -----------------------------------------------------------------------------------


def test_a_closing_call_reminds_the_applicants_with_a_draft(app, heard):
    call = Call(jurisdiction="xuzhou", title="2026年度申报", opens_on=date(2026, 5, 1), closes_on=date(2026, 5, 31),
                categories=["comprehensive"])
    db.session.add(call)
    db.session.commit()
    drafting = make_org(region="320302")
    make_application("xuzhou", "comprehensive", space=make_space(drafting), status="draft")
    applicant = make_user("applicant", organisation=drafting)
    make_user("applicant", organisation=drafting, active=False)  # inactive: never told
    submitted = make_org(region="320302")
    make_application("xuzhou", "comprehensive", space=make_space(submitted), status="submitted")
    make_user("applicant", organisation=submitted)
    other_category = make_org(region="320302")
    make_application("xuzhou", "key", space=make_space(other_category), status="draft")
    make_user("applicant", organisation=other_category)

    assert run(date(2026, 5, 23), heard) == []  # 8 days before
    [(kind, subject, subject_id, to, params)] = run(date(2026, 5, 24), heard)  # 7 days before
    assert (kind, subject, subject_id, to) == (reminders.SOON, "Call", call.id, {applicant.id})
    assert (params["thing"], params["name"], params["deadline"], params["late"]) == (
        "call", "2026年度申报", "2026-05-31", False) and "what" not in params
    assert words(kind, params) == ("Reminder: the call “2026年度申报” closes on 2026-05-31; submit your application "
                                   "before then.")
    assert len(run(date(2026, 5, 31), heard)) == 1  # the closing day itself
    assert run(date(2026, 6, 1), heard) == []  # closed: nothing to remind


# --- the statistics, change-report and rectification deadlines --------------------------------


def test_statistics_deadline_reminds_the_titles_not_filed(app, heard):
    late, applicant, *_ = titled("xuzhou", granted_on=date(2024, 5, 1))
    filed, filer, *_ = titled("xuzhou", granted_on=date(2024, 5, 1))
    db.session.add(StatisticsReturn(space_id=filed.space_id, year=2025, status="submitted",
                                    checking_jurisdiction="xuzhou"))
    window = StatisticsWindow(jurisdiction="xuzhou", year=2025, opens_on=date(2026, 3, 1), deadline=date(2026, 4, 30))
    db.session.add(window)
    db.session.commit()
    assert run(date(2026, 4, 22), heard) == []
    [soon] = run(date(2026, 4, 23), heard)
    assert soon[:4] == (reminders.SOON, "StatisticsWindow", window.id, {applicant.id})
    assert words(soon[0], soon[4]) == "Reminder: the annual statistics of 2025 are due on 2026-04-30; file them before then."
    [overdue] = run(date(2026, 5, 1), heard)  # overdue day 1
    assert overdue[0] == reminders.OVERDUE and overdue[3] == {applicant.id} and overdue[4]["late"] is True
    assert words(overdue[0], overdue[4]) == ("Overdue: the annual statistics of 2025 have not been filed and the "
                                             "deadline of 2026-04-30 has passed; file them now.")
    assert run(date(2026, 5, 2), heard) == []  # then weekly
    assert run(date(2026, 5, 8), heard)[0][0] == reminders.OVERDUE


def test_a_found_change_and_an_ordered_rectification_remind_their_space(app, heard):
    title, applicant, *_ = titled("xuzhou")
    change = ChangeReport(recognition_id=title.id, jurisdiction="xuzhou", kind="area", changed_on=date(2026, 3, 1),
                          due_on=date(2026, 6, 1), description="发现", status="found")
    rect = Rectification(recognition_id=title.id, jurisdiction="xuzhou", ground="assessment", requirements="整改",
                         ordered_on=date(2026, 1, 1), deadline=date(2026, 6, 3), status="ordered")
    reported = Rectification(recognition_id=title.id, jurisdiction="xuzhou", ground="assessment",
                             requirements="整改", ordered_on=date(2026, 1, 1), deadline=date(2026, 6, 3),
                             status="reported", reported_on=date(2026, 5, 1))
    db.session.add_all([change, rect, reported])
    db.session.commit()
    assert run(date(2026, 5, 24), heard) == []  # 8 days before the change's due day
    assert [(e[0], e[1], e[2], e[3]) for e in run(date(2026, 5, 25), heard)] == [
        (reminders.SOON, "ChangeReport", change.id, {applicant.id})]
    assert {(e[0], e[1]) for e in run(date(2026, 5, 27), heard)} == {
        (reminders.SOON, "ChangeReport"), (reminders.SOON, "Rectification")}
    late_change, soon_rect = sorted(run(date(2026, 6, 2), heard), key=lambda e: e[1])
    assert (late_change[0], late_change[1], soon_rect[0], soon_rect[1]) == (
        reminders.OVERDUE, "ChangeReport", reminders.SOON, "Rectification")
    assert words(late_change[0], late_change[4]) == (
        f"Overdue: the change affecting the title “{title.title}” has not been reported and the deadline of "
        "2026-06-01 has passed; report it now.")
    assert words(soon_rect[0], soon_rect[4]) == (
        f"Reminder: the rectification of the title “{title.title}” is due on 2026-06-03; file your report before then.")
    [late_rect] = run(date(2026, 6, 4), heard)  # its overdue day 1
    assert late_rect[1] == "Rectification" and late_rect[4]["late"] is True
    assert words(late_rect[0], late_rect[4]) == (
        f"Overdue: the rectification report of the title “{title.title}” has not been filed and the deadline of "
        "2026-06-03 has passed; file it now.")
    assert ("Rectification", reported.id) not in {(e[1], e[2]) for e in heard}


# --- experts and notices ----------------------------------------------------------------------


def test_experts_who_have_not_scored_before_the_expert_steps_deadline(app, heard):
    set_bureau_setting("xuzhou", bureau_data.STEP_TIME_LIMIT, 5)
    batch = Batch(jurisdiction="xuzhou", name="第一批")
    db.session.add(batch)
    db.session.commit()
    application = at_step("xuzhou", "expert_review", batch_id=batch.id)
    db.session.add(ReviewRecord(application_id=application.id, step="expert_review", action="approve",
                                created_at=datetime(2026, 3, 2, 2, 0, tzinfo=timezone.utc)))  # Monday 2 March
    behind, done, conflicted = (make_user("expert", ["xuzhou"]) for _ in range(3))
    db.session.add_all([ExpertAssignment(batch_id=batch.id, expert_id=behind.id),
                        ExpertAssignment(batch_id=batch.id, expert_id=done.id),
                        ExpertAssignment(batch_id=batch.id, expert_id=conflicted.id,
                                         conflict_declared_at=datetime(2026, 3, 2, tzinfo=timezone.utc)),
                        ReviewRecord(application_id=application.id, step="expert_review", actor_id=done.id,
                                     action="score")])
    db.session.commit()
    # the step's deadline: five working days after 2 March, Monday 9 March
    assert run(date(2026, 3, 1), heard) == []  # 8 days before
    [(kind, subject, subject_id, to, params)] = run(date(2026, 3, 2), heard)
    assert (kind, subject, subject_id, to) == (reminders.EXPERT, "Batch", batch.id, {behind.id})
    assert (params["thing"], params["name"], params["deadline"], params["late"]) == (
        "batch", "第一批", "2026-03-09", False)
    assert words(kind, params) == "Reminder: please score the applications of the review batch “第一批” before 2026-03-09."
    [late] = run(date(2026, 3, 10), heard)  # overdue day 1
    assert late[3] == {behind.id} and late[4]["late"] is True
    assert words(late[0], late[4]) == ("Overdue: the scoring of the review batch “第一批” has passed its deadline of "
                                       "2026-03-09; please score its applications now.")
    assert "2026-03-09 前" not in words(late[0], late[4], "zh_Hans_CN")  # never "before" a day gone


def test_experts_without_a_step_limit_get_no_reminder(app, heard):
    batch = Batch(jurisdiction="xuzhou", name="无期限")
    db.session.add(batch)
    db.session.commit()
    at_step("xuzhou", "expert_review", batch_id=batch.id)
    expert = make_user("expert", ["xuzhou"])
    db.session.add(ExpertAssignment(batch_id=batch.id, expert_id=expert.id))
    db.session.commit()
    assert run(date(2026, 3, 2), heard) == []


def test_a_notice_ending_tomorrow_reminds_its_jurisdictions_officers(app, heard):
    notice = PublicNotice(jurisdiction="xuzhou", title="徐州公示", published_on=date(2026, 5, 1),
                          first_day=date(2026, 5, 2), last_day=date(2026, 5, 11), days=10)
    db.session.add(notice)
    db.session.commit()
    officer = make_user("officer", ["xuzhou"])
    make_user("officer", ["kunming"])
    make_user("leader", ["xuzhou"])
    assert run(date(2026, 5, 9), heard) == []  # ends in two days
    [(kind, subject, subject_id, to, params)] = run(date(2026, 5, 10), heard)
    assert (kind, subject, subject_id, to, params["deadline"]) == (
        reminders.NOTICE, "PublicNotice", notice.id, {officer.id}, "2026-05-11")
    assert words(kind, params) == "The public notice “徐州公示” ends tomorrow (2026-05-11)."
    assert run(date(2026, 5, 11), heard) == []  # its last day: not "tomorrow"


# --- once per user, thing and day --------------------------------------------------------------


def test_a_second_run_the_same_day_adds_and_emits_nothing_the_next_day_reminds_again(app, heard):
    title, applicant, *_ = titled("xuzhou")
    rect = Rectification(recognition_id=title.id, jurisdiction="xuzhou", ground="assessment", requirements="整改",
                         ordered_on=date(2026, 1, 1), deadline=date(2026, 6, 3), status="ordered")
    db.session.add(rect)
    db.session.commit()
    clock.freeze(date(2026, 6, 1))
    assert len(run(date(2026, 6, 1), heard)) == 1
    rows = sent_rows()
    assert rows == {(applicant.id, reminders.SOON, f"Rectification:{rect.id}", date(2026, 6, 1))}
    assert run(date(2026, 6, 1), heard) == []
    assert sent_rows() == rows
    assert len(run(date(2026, 6, 2), heard)) == 1
    assert db.session.scalar(select(func.count(ReminderSent.id))) == 2


def test_a_row_already_written_by_another_run_is_not_sent_again(app, heard):
    """Race-safety: another process wrote the row first; the unique constraint keeps this run silent."""
    title, applicant, *_ = titled("xuzhou")
    rect = Rectification(recognition_id=title.id, jurisdiction="xuzhou", ground="assessment", requirements="整改",
                         ordered_on=date(2026, 1, 1), deadline=date(2026, 6, 3), status="ordered")
    db.session.add(rect)
    db.session.commit()
    db.session.add(ReminderSent(user_id=applicant.id, kind=reminders.SOON, thing=f"Rectification:{rect.id}",
                                day=date(2026, 6, 1)))
    db.session.commit()
    assert run(date(2026, 6, 1), heard) == []


# --- the words of rows written before the params were plain facts ------------------------------


@pytest.mark.parametrize("kind, params, said", [
    (reminders.SOON, {"what": "申报通知“2026年度申报”截止", "name": "2026年度申报", "deadline": "2026-05-31"},
     "Reminder: the call “2026年度申报” closes on 2026-05-31; submit your application before then."),
    (reminders.OVERDUE, {"what": "徐州市 2025 年度统计数据填报截止", "year": 2025, "deadline": "2026-04-30"},
     "Overdue: the annual statistics of 2025 have not been filed and the deadline of 2026-04-30 has passed; "
     "file them now."),
    (reminders.SOON, {"what": "徐州市众创空间：限期整改期限", "title": "徐州市众创空间", "deadline": "2026-06-03"},
     "Reminder: “徐州市众创空间” is due on 2026-06-03."),
    (reminders.OVERDUE, {"what": "徐州市众创空间：限期整改期限", "title": "徐州市众创空间", "deadline": "2026-06-03"},
     "Overdue: the deadline of 2026-06-03 for “徐州市众创空间” has passed."),
    (reminders.EXPERT, {"what": "评审批次“第一批”专家评分", "name": "第一批", "deadline": "2026-03-09", "late": True},
     "Overdue: the scoring of the review batch “第一批” has passed its deadline of 2026-03-09; please score its "
     "applications now."),
    (reminders.NOTICE, {"what": "公示“徐州公示”明日期满", "name": "徐州公示", "deadline": "2026-05-11"},
     "The public notice “徐州公示” ends tomorrow (2026-05-11)."),
])
def test_an_older_reminder_reads_by_the_params_it_has(app, kind, params, said):
    assert words(kind, params) == said


def test_a_reminder_lacking_its_params_still_reads(app):
    for kind in (reminders.SOON, reminders.OVERDUE, reminders.EXPERT, reminders.NOTICE):
        assert words(kind, {}) and words(kind, {}, "zh_Hans_CN")
