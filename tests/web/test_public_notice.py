"""公示: publishing (period from the policy or the bureau setting, cited), the public
pages without login, closing (never early, never with an open objection), and an
upheld objection sending the application back — real HTTP with CSRF, real database.

Calendar facts (2026, as in the chinesecalendar package): 中秋 2026-09-25 and the
National Day holiday 2026-10-01 … 10-07 are rest days; 2026-10-08 is a working day.
"""
from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select

from core.notice import publication as public_notice

from core.bureau import operations as bureau_operations

from core.review import moves, workflow
from core.platform.extensions import db
from core.platform.models import Application, AuditEvent, NoticeEntry, Objection, PublicNotice, ReviewRecord
from tests.notice_helpers import at_step, logged_in, officer, plain, published, set_today, token_of


def publish_over_http(client, ids, title="昆明市众创空间认定结果公示", contact="昆明市科技局 0871-12345678"):
    token = token_of(client, "/admin/notices/")
    return client.post("/admin/notices/publish", data={
        "csrf_token": token, "application_id": [str(i) for i in ids], "title": title, "contact": contact})


def test_kunming_notice_is_7_days_article_11_across_national_day(app, monkeypatch):
    # Published 2026-09-24: 7 days from 09-25 end on 10-01, a holiday → 10-08 (民法典 第203条).
    set_today(monkeypatch, date(2026, 9, 24))
    user = officer("kunming")
    first, second = at_step("kunming"), at_step("kunming")
    client = logged_in(app, user)
    assert f'id="ready-{first.id}"' in client.get("/admin/notices/").get_data(as_text=True)
    response = publish_over_http(client, [first.id, second.id])
    assert response.status_code == 302, response.get_data(as_text=True)
    notice = db.session.scalars(select(PublicNotice)).one()
    assert (notice.published_on, notice.first_day, notice.last_day, notice.days) == (
        date(2026, 9, 24), date(2026, 9, 25), date(2026, 10, 8), 7)
    assert notice.period_source == "昆科发〔2017〕55号 第十一条"
    assert {e.application_id for e in notice.entries} == {first.id, second.id}
    for application in (first, second):
        db.session.refresh(application)
        assert (application.status, application.current_step) == ("under_notice", "public_notice")
    events = db.session.scalars(select(AuditEvent.action).order_by(AuditEvent.id)).all()
    assert events.count("workflow.publish") == 2 and "notice.publish" in events
    assert db.session.scalar(select(func.count()).select_from(ReviewRecord).where(ReviewRecord.action == "publish")) == 2
    page = plain(client.get(f"/admin/notices/{notice.id}").get_data(as_text=True))
    assert "2026-09-25 — 2026-10-08" in page and "第十一条" in page


def test_mile_notice_is_15_days_article_7(app):
    user = officer("mile")
    application = at_step("mile")
    notice = public_notice.publish([application], user, date(2026, 3, 2), "弥勒市众创空间审定结果公示", "市农科局")
    # 2026-03-03 … 03-17 (a Tuesday, a working day): 15 days, 弥政办发〔2017〕5号 第七条.
    assert (notice.first_day, notice.last_day, notice.days) == (date(2026, 3, 3), date(2026, 3, 17), 15)
    assert notice.period_source == "弥政办发〔2017〕5号 第七条"


def test_xuzhou_without_a_bureau_setting_is_refused_then_uses_the_setting(app):
    user = officer("xuzhou")
    application = at_step("xuzhou")
    with pytest.raises(moves.WorkflowError) as refused:
        public_notice.publish([application], user, date(2026, 3, 2), "公示", "市科技局")
    assert "notice_days" in refused.value.message
    assert db.session.scalar(select(func.count()).select_from(PublicNotice)) == 0
    db.session.refresh(application)
    assert application.status == "in_review"
    bureau_operations.set_bureau_setting("xuzhou", "notice_days", 5, document="徐科发〔2026〕1号")
    notice = public_notice.publish([application], user, date(2026, 3, 2), "公示", "市科技局")
    assert notice.days == 5 and notice.last_day == date(2026, 3, 9)  # 03-07 is a Saturday → Monday 03-09
    assert notice.period_source == "主管部门设置（notice_days），依据：徐科发〔2026〕1号"


def test_publish_refused_keeps_what_was_typed_and_writes_nothing(app, monkeypatch):
    set_today(monkeypatch, date(2026, 9, 24))
    user = officer("kunming")
    ready = at_step("kunming")
    not_ready = at_step("kunming", step="bureau_decision")
    client = logged_in(app, user)
    events_before = db.session.scalar(select(func.count()).select_from(AuditEvent))
    response = publish_over_http(client, [ready.id, not_ready.id], title="我的公示标题")
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "该申报不在公示步骤" in html and 'value="我的公示标题"' in html
    assert db.session.scalar(select(func.count()).select_from(PublicNotice)) == 0
    assert db.session.scalar(select(func.count()).select_from(AuditEvent)) == events_before
    db.session.refresh(ready)
    assert ready.status == "in_review"
    # Without a title: Chinese message, nothing written.
    response = publish_over_http(client, [ready.id], title="  ")
    assert response.status_code == 400 and "请填写公示标题" in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(PublicNotice)) == 0


def test_officer_of_another_jurisdiction_cannot_publish_or_see(app, monkeypatch):
    set_today(monkeypatch, date(2026, 9, 24))
    application = at_step("kunming")
    notice, _, _ = published("kunming")
    stranger = logged_in(app, officer("mile"))
    assert f'id="ready-{application.id}"' not in stranger.get("/admin/notices/").get_data(as_text=True)
    assert publish_over_http(stranger, [application.id]).status_code == 404
    assert stranger.get(f"/admin/notices/{notice.id}").status_code == 404
    assert f"/admin/notices/{notice.id}" not in stranger.get("/admin/publicnotice/").get_data(as_text=True)
    # The service refuses too, whatever calls it.
    with pytest.raises(moves.WorkflowError):
        public_notice.publish([application], db.session.merge(officer("mile")), date(2026, 9, 24), "t", "c")
    # An applicant is sent away from the admin.
    assert app.test_client().get("/admin/notices/").status_code == 302


def test_public_pages_without_login_show_list_period_contact_not_objector_contact(app):
    notice, (application,), _ = published("kunming", date(2026, 9, 24))
    public_notice.file_objection(notice, name="张三", contact="13900001111", content="面积不实",
                                 application_id=application.id, today=date(2026, 9, 28),
                                 client_address="10.0.0.1")
    client = app.test_client()
    listing = client.get("/notices/")
    assert listing.status_code == 200
    assert notice.title in listing.get_data(as_text=True)
    html = client.get(f"/notices/{notice.id}").get_data(as_text=True)
    text = plain(html)
    assert "昆明市科学技术局" in text or "昆明市科技局" in text
    assert application.space.name in text and application.organisation.name in text and "综合" in text
    assert "2026-09-25" in text and "2026-10-08" in text and "昆科发〔2017〕55号 第十一条" in text
    assert "0871-12345678" in text
    assert "13900001111" not in html and "张三" not in html  # objections are not published
    assert "http://" not in html and "https://" not in html
    # The print stylesheet is a local file (the Content-Security-Policy allows no inline style).
    assert '/static/notice.css"' in html and "@media print" in client.get("/static/notice.css").get_data(as_text=True)


def test_public_page_of_a_disabled_jurisdiction_is_404(app):
    from core.platform.models import JurisdictionSetting

    notice, _, _ = published("kunming", date(2026, 9, 24))
    db.session.add(JurisdictionSetting(code="kunming", enabled=False))
    db.session.commit()
    client = app.test_client()
    assert client.get(f"/notices/{notice.id}").status_code == 404
    assert notice.title not in client.get("/notices/").get_data(as_text=True)


def close_over_http(client, notice_id):
    token = token_of(client, f"/admin/notices/{notice_id}")
    return client.post(f"/admin/notices/{notice_id}/close", data={"csrf_token": token})


def test_close_refused_on_last_day_and_with_open_objection_accepted_the_day_after(app, monkeypatch):
    notice, (application,), user = published("kunming", date(2026, 9, 24))
    client = logged_in(app, user)
    set_today(monkeypatch, date(2026, 10, 8))  # the last day itself
    response = close_over_http(client, notice.id)
    assert response.status_code == 400 and "期满后" in response.get_data(as_text=True)
    objection = public_notice.file_objection(notice, name="李四", contact="li@example.cn", content="有异议",
                                             today=date(2026, 10, 8), client_address="10.0.0.2")
    set_today(monkeypatch, date(2026, 10, 9))
    response = close_over_http(client, notice.id)
    assert response.status_code == 400 and "尚有 1 条异议未处理" in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(PublicNotice, notice.id).status == "open"
    # Dismissed with reasons → the notice may close; the application goes to the award step.
    token = token_of(client, f"/admin/notices/{notice.id}")
    response = client.post(f"/admin/notices/{notice.id}/objections/{objection.id}/resolve",
                           data={"csrf_token": token, "outcome": "dismissed", "reasons": "经核查，面积属实"})
    assert response.status_code == 302
    response = close_over_http(client, notice.id)
    assert response.status_code == 302
    db.session.expire_all()
    notice = db.session.get(PublicNotice, notice.id)
    application = db.session.get(Application, application.id)
    assert notice.status == "closed" and notice.closed_at is not None
    assert (application.status, application.current_step) == ("in_review", "award")
    actions = db.session.scalars(select(AuditEvent.action).order_by(AuditEvent.id)).all()
    assert {"objection.resolve", "notice.close", "workflow.close_notice"} <= set(actions)
    # Closing twice is refused.
    with pytest.raises(moves.WorkflowError):
        public_notice.close(notice, db.session.merge(user), date(2026, 10, 9))


def test_resolve_without_reasons_keeps_the_choice_and_says_why(app, monkeypatch):
    notice, (application,), user = published("kunming", date(2026, 9, 24))
    objection = public_notice.file_objection(notice, name="王五", contact="w@example.cn", content="异议",
                                             today=date(2026, 9, 30), client_address="10.0.0.3")
    set_today(monkeypatch, date(2026, 9, 30))
    client = logged_in(app, user)
    token = token_of(client, f"/admin/notices/{notice.id}")
    response = client.post(f"/admin/notices/{notice.id}/objections/{objection.id}/resolve",
                           data={"csrf_token": token, "outcome": "upheld", "reasons": ""})
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "请填写处理理由" in html and '<option value="upheld" selected' in html
    db.session.expire_all()
    assert db.session.get(Objection, objection.id).status == "open"


def test_upheld_objection_sends_the_application_back_to_the_decision_step(app, monkeypatch):
    notice, (kept, challenged), user = published("kunming", date(2026, 9, 24), n=2)
    objection = public_notice.file_objection(notice, name="赵六", contact="z@example.cn", content="虚报工位数",
                                             application_id=challenged.id, today=date(2026, 9, 30),
                                             client_address="10.0.0.4")
    set_today(monkeypatch, date(2026, 9, 30))
    client = logged_in(app, user)
    page = client.get(f"/admin/notices/{notice.id}").get_data(as_text=True)
    assert "z@example.cn" in page  # officers see the objector's contact
    token = token_of(client, f"/admin/notices/{notice.id}")
    response = client.post(f"/admin/notices/{notice.id}/objections/{objection.id}/resolve",
                           data={"csrf_token": token, "outcome": "upheld", "reasons": "工位数与实地查验不符"})
    assert response.status_code == 302
    db.session.expire_all()
    challenged = db.session.get(Application, challenged.id)
    assert (challenged.status, challenged.current_step) == ("in_review", "bureau_decision")
    record = db.session.scalars(select(ReviewRecord).where(ReviewRecord.action == "objection_upheld")).one()
    assert record.opinion == "工位数与实地查验不符" and record.application_id == challenged.id
    # After the period the notice closes with the other application only.
    moved = public_notice.close(db.session.get(PublicNotice, notice.id), workflow.SYSTEM, date(2026, 10, 9))
    assert [a.id for a in moved] == [kept.id]
    assert db.session.get(Application, challenged.id).current_step == "bureau_decision"


def test_upheld_objection_with_reject_rejects_the_application(app):
    notice, (application,), user = published("mile", date(2026, 3, 2))
    objection = public_notice.file_objection(notice, name="某公司", contact="c@example.cn", content="不是独立法人",
                                             today=date(2026, 3, 5), client_address="10.0.0.5")
    # An objection against the notice as a whole: the officer names the application.
    with pytest.raises(moves.WorkflowError, match="须指明"):
        public_notice.resolve_objection(objection, "upheld", "属实", user, today=date(2026, 3, 5))
    public_notice.resolve_objection(objection, "upheld", "属实", user, today=date(2026, 3, 5),
                                    application_id=application.id, reject=True)
    db.session.expire_all()
    assert db.session.get(Application, application.id).status == "rejected"
    assert db.session.scalar(select(func.count()).select_from(NoticeEntry)) == 1


def test_notice_list_is_scoped_and_leaders_read_without_acting(app, monkeypatch):
    set_today(monkeypatch, date(2026, 9, 30))
    notice, _, _ = published("kunming", date(2026, 9, 24))
    own = logged_in(app, officer("kunming"))
    assert f"/admin/notices/{notice.id}" in own.get("/admin/publicnotice/").get_data(as_text=True)
    leader = logged_in(app, officer("kunming", role="leader"))
    page = leader.get(f"/admin/notices/{notice.id}")
    assert page.status_code == 200 and "/close" not in page.get_data(as_text=True)
    token = token_of(leader, f"/admin/notices/{notice.id}")
    set_today(monkeypatch, date(2026, 10, 9))
    refused = leader.post(f"/admin/notices/{notice.id}/close", data={"csrf_token": token})
    assert refused.status_code == 400 and "业务经办人员" in refused.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(PublicNotice, notice.id).status == "open"
    applicant = app.test_client()
    assert applicant.get(f"/admin/notices/{notice.id}").status_code == 302  # to the login page
