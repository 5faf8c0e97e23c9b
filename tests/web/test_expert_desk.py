"""The expert's side of the review (issue 22, "Expert-side comfort"): his page of what he must do
(/admin/batches/mine, his landing page), the batch's deadline the officer sets, score-sheet drafts
kept as typed and seen by nobody else, the application's PDF one click away and scoped, his
to-dos, the daily reminders by the batch's deadline and the inbox note of his assignment.
Over HTTP with CSRF on; SQLite, and PostgreSQL when TEST_DATABASE_URL is set."""
from __future__ import annotations

from datetime import date

from sqlalchemy import select

import core.notify.reminders as reminders
from core.notify import todos
from core.platform import clock
from core.platform.extensions import db
from core.platform.models import AuditEvent, Batch, Notification, ReminderSent, ReviewRecord, ScoreDraft
from core.review import experts
from tests.domain.test_batches import as_user, at_step, count, post, staff
from tests.factories import login, make_user
from tests.web.test_expert_review import batch_with, scores_form

DUE = date(2026, 6, 15)


def due_form(text: str) -> dict:
    return {"review_due_on": text}


def test_the_officer_sets_the_deadline_checked_and_audited(app):
    clock.freeze(date(2026, 6, 1))
    users = staff()
    batch = batch_with(users, [at_step()], [users["expert"]])
    officer = as_user(app, users["officer"])
    page = f"/admin/batches/{batch.id}"
    for typed, message in (("2026-05-31", "不能早于今天（2026-06-01），实为 2026-05-31"),  # yesterday
                           ("6月15日", "应为日期（年-月-日），实为“6月15日”")):
        refused = post(officer, page, f"{page}/due", due_form(typed))
        html = refused.get_data(as_text=True)
        assert refused.status_code == 400 and message in html and f'value="{typed}"' in html
    db.session.expire_all()
    assert db.session.get(Batch, batch.id).review_due_on is None
    assert count_events("batch.review_due_set") == 0
    # today itself is allowed (due at the end of today), then a later day, then cleared
    for typed, expected in (("2026-06-01", date(2026, 6, 1)), (DUE.isoformat(), DUE), ("", None)):
        assert post(officer, page, f"{page}/due", due_form(typed)).status_code == 302
        db.session.expire_all()
        assert db.session.get(Batch, batch.id).review_due_on == expected
    assert count_events("batch.review_due_set") == 3
    # only the officer sets it: the expert's and the leader's forms are refused, nothing written
    for role in ("expert", "leader"):
        client = as_user(app, users[role])
        assert post(client, page, f"{page}/due", due_form(DUE.isoformat())).status_code == 400
    db.session.expire_all()
    assert db.session.get(Batch, batch.id).review_due_on is None and count_events("batch.review_due_set") == 3


def count_events(action: str) -> int:
    return len(db.session.scalars(select(AuditEvent).where(AuditEvent.action == action)).all())


def test_the_expert_lands_on_his_page_which_lists_exactly_his_batches(app):
    clock.freeze(date(2026, 6, 1))
    users = staff()
    other_expert = make_user("expert", ("mile",))
    scored, drafted, untouched = at_step(), at_step(), at_step()
    mine = batch_with(users, [scored, drafted, untouched], [users["expert"], other_expert])
    theirs = batch_with(users, [at_step()], [other_expert])
    later = batch_with(users, [at_step()], [users["expert"]])
    for batch, day in ((mine, DUE), (later, date(2026, 7, 1))):
        batch.review_due_on = day
    db.session.commit()
    expert = users["expert"]
    experts.declare(mine, expert, conflict=False)
    client = app.test_client()
    response = login(client, expert)
    assert response.status_code == 302 and response.location.endswith("/admin/batches/mine")
    sheet = f"/admin/batches/{mine.id}/score/{{}}"
    assert post(client, sheet.format(scored.id), sheet.format(scored.id),
                scores_form("18", "18", "25", "25")).status_code == 302
    assert post(client, sheet.format(drafted.id), sheet.format(drafted.id),
                {**scores_form("18", "", "", ""), "action": "draft"}).status_code == 302
    html = client.get("/admin/batches/mine").get_data(as_text=True)
    assert f'id="desk-batch-{mine.id}"' in html and f'id="desk-batch-{later.id}"' in html
    assert f'id="desk-batch-{theirs.id}"' not in html
    assert html.index(f'id="desk-batch-{mine.id}"') < html.index(f'id="desk-batch-{later.id}"')  # sooner first
    assert 'data-due="2026-06-15"' in html and "zc-overdue" not in html
    assert 'data-declaration="no_conflict"' in html and 'data-declaration="none"' in html
    states = {a.id: state_of(html, mine.id, a.id) for a in (scored, drafted, untouched)}
    assert states == {scored.id: "submitted", drafted.id: "drafted", untouched.id: "not_started"}
    for a in (scored, drafted, untouched):
        assert f'href="/admin/documents/application/{a.id}.pdf"' in html
    # the day after the deadline: the sheets not submitted are overdue, the submitted one is not
    clock.freeze(DUE)
    assert "zc-overdue" not in client.get("/admin/batches/mine").get_data(as_text=True)  # the day itself in time
    clock.freeze(date(2026, 6, 16))
    html = client.get("/admin/batches/mine").get_data(as_text=True)
    assert row_of(html, mine.id, untouched.id).count("zc-overdue") == 1
    assert row_of(html, mine.id, drafted.id).count("zc-overdue") == 1
    assert "zc-overdue" not in row_of(html, mine.id, scored.id)
    assert "zc-overdue" not in html.split(f'id="desk-batch-{later.id}"')[1]  # due on 1 July
    # staff of another role: not their page, and they land on the dashboard as before
    officer = app.test_client()
    assert login(officer, users["officer"]).location.endswith("/admin/")
    assert officer.get("/admin/batches/mine").status_code == 403


def row_of(html: str, batch_id: int, application_id: int) -> str:
    return html.split(f'id="desk-{batch_id}-{application_id}"')[1].split("</tr>")[0]


def state_of(html: str, batch_id: int, application_id: int) -> str:
    return row_of(html, batch_id, application_id).split('data-state="')[1].split('"')[0]


def test_a_draft_keeps_what_was_typed_and_only_the_submission_is_checked(app):
    users = staff()
    application = at_step()
    batch = batch_with(users, [application], [users["expert"]])
    experts.declare(batch, users["expert"], conflict=False)
    client = as_user(app, users["expert"])
    sheet = f"/admin/batches/{batch.id}/score/{application.id}"
    typed = scores_form("21", "很好", "", "-1", notes="")  # out of range, not a number, missing, negative
    audited = count_events_all()
    assert post(client, sheet, sheet, {**typed, "action": "draft"}).status_code == 302
    assert count(ReviewRecord) == 0 and count_events_all() == audited  # a draft is not audited
    html = client.get(sheet).get_data(as_text=True)
    assert 'id="draft-saved"' in html
    for value in ('value="21"', 'value="很好"', 'value="-1"'):
        assert value in html
    # saving again replaces it (one row per batch, application and expert)
    assert post(client, sheet, sheet, {**scores_form("20", "很好", "", "-1", notes="初稿"),
                                       "action": "draft"}).status_code == 302
    draft = db.session.scalars(select(ScoreDraft)).one()
    assert draft.scores == {"场地与设施": "20", "运营管理团队": "很好", "创业服务能力": "", "孵化成效": "-1"}
    assert draft.notes == "初稿"
    # a draft too long to be a sheet is refused; what was typed stays on the page, the draft as it was
    refused = post(client, sheet, sheet, {**scores_form("1" * 51, "", "", ""), "action": "draft"})
    assert refused.status_code == 400 and "不能超过 50 字，实为 51 字" in refused.get_data(as_text=True)
    assert post(client, sheet, sheet, {**scores_form("1" * 50, "", "", ""), "action": "draft"}).status_code == 302
    # submitting checks every field, next to it, and keeps the draft when refused
    refused = post(client, sheet, sheet, scores_form("21", "很好", "", "5", notes=""))
    html = refused.get_data(as_text=True)
    assert refused.status_code == 400
    for message in ("应在 0 至 20 之间，实为 21", "应为数字，实为“很好”", "请填写“创业服务能力”的得分", "请填写实地查验情况"):
        assert message in html
    assert 'value="很好"' in html and count(ScoreDraft) == 1 and count(ReviewRecord) == 0
    # a valid submission records the sheet and removes the draft
    assert post(client, sheet, sheet, scores_form("20", "0", "30", "12.5")).status_code == 302
    assert count(ScoreDraft) == 0 and count(ReviewRecord) == 1
    assert 'id="draft-saved"' not in client.get(sheet).get_data(as_text=True)


def count_events_all() -> int:
    return len(db.session.scalars(select(AuditEvent.id)).all())


def test_a_draft_is_seen_by_nobody_but_its_expert(app):
    users = staff()
    second = make_user("expert", ("mile",))
    application = at_step()
    batch = batch_with(users, [application], [users["expert"], second])
    for e in (users["expert"], second):
        experts.declare(batch, e, conflict=False)
    client = as_user(app, users["expert"])
    sheet = f"/admin/batches/{batch.id}/score/{application.id}"
    secret = "草稿保密意见甲"
    assert post(client, sheet, sheet, {**scores_form("17.5", "19", "", "", notes=secret),
                                       "action": "draft"}).status_code == 302
    assert secret in client.get(sheet).get_data(as_text=True)
    pages = (f"/admin/batches/{batch.id}", sheet, "/admin/batches/mine", f"/admin/case/{application.id}",
             f"/admin/checklist/{application.id}", "/admin/auditevent/", "/admin/")
    for user in (users["officer"], users["leader"], second):
        other = as_user(app, user)
        for url in pages:
            html = other.get(url).get_data(as_text=True)
            assert secret not in html and "17.5" not in html, (user.role, url)
    # the second expert's draft is his own row; the first one's is untouched
    assert post(as_user(app, second), sheet, sheet, {**scores_form("1", "", "", ""), "action": "draft"}).status_code == 302
    drafts = {d.expert_id: d.notes for d in db.session.scalars(select(ScoreDraft))}
    assert drafts == {users["expert"].id: secret, second.id: "实地查验：场地、团队与材料一致"}


def test_drafts_are_refused_where_scoring_is(app):
    users = staff()
    other_expert = make_user("expert", ("mile",))
    application, elsewhere = at_step(), at_step()
    batch = batch_with(users, [application], [users["expert"]])
    batch_with(users, [elsewhere], [other_expert])
    client = as_user(app, users["expert"])
    sheet = f"/admin/batches/{batch.id}/score/{application.id}"
    refused = post(client, sheet, sheet, {**scores_form("1", "", "", ""), "action": "draft"})
    assert refused.status_code == 400 and "请先声明" in refused.get_data(as_text=True)  # not declared yet
    experts.declare(batch, users["expert"], conflict=False)
    foreign = f"/admin/batches/{batch.id}/score/{elsewhere.id}"
    assert post(client, sheet, foreign, {**scores_form("1", "", "", ""), "action": "draft"}).status_code == 404
    assert count(ScoreDraft) == 0


def test_the_pdf_of_his_applications_only(app):
    users = staff()
    other_expert = make_user("expert", ("mile",))
    mine, theirs, unbatched = at_step(), at_step(), at_step()
    batch_with(users, [mine], [users["expert"]])
    batch_with(users, [theirs], [other_expert])
    client = as_user(app, users["expert"])
    response = client.get(f"/admin/documents/application/{mine.id}.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    for foreign in (theirs, unbatched):
        assert client.get(f"/admin/documents/application/{foreign.id}.pdf").status_code == 404


def test_his_todos_carry_the_batch_deadline(app):
    users = staff()
    application = at_step()
    batch = batch_with(users, [application], [users["expert"]])
    batch.review_due_on = DUE
    db.session.commit()
    [group] = todos.staff_todos(users["expert"], today=date(2026, 6, 16))
    [item] = group.items
    assert group.kind == "scoring" and (item.deadline, item.late) == (DUE, True)
    assert group.list_endpoint == "batches.mine"
    [group] = todos.staff_todos(users["expert"], today=DUE)
    assert group.items[0].late is False  # the day itself is in time


def test_reminders_by_the_batch_deadline_once_a_day(app):
    users = staff()
    application = at_step()
    behind, done = users["expert"], make_user("expert", ("mile",))
    batch = batch_with(users, [application], [behind, done])
    batch.review_due_on = DUE
    db.session.add(ReviewRecord(application_id=application.id, step="expert_review", actor_id=done.id, action="score"))
    db.session.commit()

    def told(day):
        reminders.send(day)
        return {r.user_id for r in db.session.scalars(select(ReminderSent).where(
            ReminderSent.kind == reminders.EXPERT, ReminderSent.day == day))}

    assert told(date(2026, 6, 11)) == set()               # 4 days before: not yet
    assert told(date(2026, 6, 12)) == {behind.id}         # 3 days before
    assert reminders.send(date(2026, 6, 12)) == 0         # a second run the same day tells nobody
    assert told(DUE) == {behind.id}                       # the day itself
    assert told(date(2026, 6, 16)) == {behind.id}         # overdue, day 1
    assert told(date(2026, 6, 17)) == set()               # then weekly
    assert told(date(2026, 6, 23)) == {behind.id}         # overdue, day 8
    rows = db.session.scalars(select(Notification).where(Notification.event == reminders.EXPERT)).all()
    assert {n.user_id for n in rows} == {behind.id} and len(rows) == 4
    assert all(n.link == f"/admin/batches/{batch.id}" for n in rows)


def test_an_assigned_expert_hears_of_it_in_his_inbox(app):
    users = staff()
    batch = batch_with(users, [at_step()], [])
    batch.review_due_on = DUE
    db.session.commit()
    expert = users["expert"]
    officer = as_user(app, users["officer"])
    page = f"/admin/batches/{batch.id}"
    assert post(officer, page, f"{page}/assign", {"expert_id": expert.id}).status_code == 302
    [note] = db.session.scalars(select(Notification).where(Notification.user_id == expert.id)).all()
    assert (note.event, note.is_todo, note.link) == ("expert.assigned", True, page)
    inbox = as_user(app, expert).get("/inbox").get_data(as_text=True)
    assert "2026年第一批" in inbox and "2026-06-15" in inbox
    assert db.session.scalars(select(Notification).where(Notification.user_id == users["officer"].id)).all() == []
