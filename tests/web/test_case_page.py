"""The case page of an application (/admin/case/<id>): the steps, the buttons of the
step's role only, every other move refused by the server whatever is posted, and the
timeline with its CSV export — real HTTP with CSRF on, real database."""
from __future__ import annotations

import csv
import io
import json
import re
from datetime import date, datetime, timezone
from pathlib import Path

import pytest
from sqlalchemy import func, select

from core.bureau import operations as bureau_operations

from core.review import workflow
from core.platform import clock
from core.platform.extensions import db
from core.platform.models import AuditEvent, Call, ReviewRecord
from tests.factories import login, make_application, make_org, make_space, make_user

FACTS = json.loads((Path(__file__).parent.parent / "data" / "kunming-comprehensive-service.json").read_text("utf-8"))
TODAY = date(2026, 10, 20)  # 昆科发〔2017〕55号 in force, inside the call below
CSRF_RE = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


def plain(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", html))


def buttons(html: str) -> list[str]:
    return re.findall(r'<button type="submit" name="action" value="([a-z_]+)"', html)


def hidden(html: str, name: str) -> str:
    match = re.search(rf'name="{name}" value="([^"]*)"', html)
    assert match, name
    return match.group(1)


def records() -> int:
    return db.session.scalar(select(func.count()).select_from(ReviewRecord))


def events() -> int:
    return db.session.scalar(select(func.count()).select_from(AuditEvent).where(AuditEvent.action.like("workflow.%")))


@pytest.fixture(autouse=True)
def today(monkeypatch):
    clock.freeze(TODAY)


@pytest.fixture
def case(app):
    """A 昆明 application submitted today (at 县区初审), and a user per role."""
    org = make_org(region="530112")
    space = make_space(org)
    application = make_application("kunming", "comprehensive_service", space=space, status="draft", facts=dict(FACTS))
    # 第八条: 昆明 takes applications in answer to the bureau's call
    db.session.add(Call(jurisdiction="kunming", title="2026年度昆明市众创空间认定申报通知",
                        opens_on=date(2026, 10, 1), closes_on=date(2026, 10, 31),
                        categories=["tech_support", "comprehensive_service"]))
    db.session.commit()
    users = {role: make_user(role, ("kunming",)) for role in ("recommender", "officer", "expert", "leader")}
    users["applicant"] = make_user("applicant", organisation=org)
    users["admin"] = make_user("admin")
    workflow.act(application, "submit", users["applicant"], today=TODAY)
    return application, users


def client_of(app, user):
    client = app.test_client()
    assert login(client, user).status_code == 302
    return client


def page(client, application):
    response = client.get(f"/admin/case/{application.id}")
    return response, response.get_data(as_text=True)


def post(client, application, html, action, **fields):
    data = {"csrf_token": CSRF_RE.search(html).group(1), "action": action,
            "expected_version": hidden(html, "expected_version"), "expected_step": hidden(html, "expected_step")}
    data.update(fields)
    return client.post(f"/admin/case/{application.id}/act", data=data)


def test_page_shows_the_application_and_the_plugins_steps(app, case):
    application, users = case
    response, html = page(client_of(app, users["officer"]), application)
    assert response.status_code == 200
    text = plain(html)
    assert application.space.name in text and "昆科发〔2017〕55号" in text and "昆明" in text
    steps = re.findall(r'<tr id="step-([a-z_]+)"', html)
    assert steps == ["district_review", "district_recommend", "expert_review", "bureau_decision",
                     "public_notice", "award"]
    assert re.search(r'<tr id="step-district_review" class="table-primary zc-current"', html)
    assert f'/admin/checklist/{application.id}' in html
    assert "第十条" in plain(re.search(r'<tr id="step-district_review".*?</tr>', html, re.S).group(0))


def test_the_list_links_to_the_case_page(app, case):
    application, users = case
    html = client_of(app, users["officer"]).get("/admin/application/").get_data(as_text=True)
    assert f"/admin/case/{application.id}" in html


def test_buttons_only_for_the_steps_role_within_scope(app, case):
    application, users = case
    # 县（市）区科技主管部门初审: the recommender's step (第十条)
    _, html = page(client_of(app, users["recommender"]), application)
    assert buttons(html) == ["approve", "return", "reject"]
    for role in ("officer", "leader", "admin"):
        response, html = page(client_of(app, users[role]), application)
        assert response.status_code == 200 and buttons(html) == [] and 'id="case-actions"' not in html, role
    # an expert sees only the applications of the batches assigned to it (core.accounts.scoping)
    assert page(client_of(app, users["expert"]), application)[0].status_code == 404
    # another jurisdiction's recommender does not even see it
    other = make_user("recommender", ("mile",))
    assert page(client_of(app, other), application)[0].status_code == 404
    # a 昆明 recommender of another district neither (scoped by region, core.accounts.scoping)
    elsewhere = make_user("recommender", ("kunming",), region_prefix="530102")
    assert page(client_of(app, elsewhere), application)[0].status_code == 404
    # applicants are not staff
    assert client_of(app, users["applicant"]).get(f"/admin/case/{application.id}").status_code == 403


def test_recommender_approves_then_the_page_moves_on(app, case):
    application, users = case
    client = client_of(app, users["recommender"])
    _, html = page(client, application)
    response = post(client, application, html, "approve", opinion="材料齐全，实地查验属实")
    assert response.status_code == 302
    db.session.refresh(application)
    assert (application.status, application.current_step) == ("in_review", "district_recommend")
    _, html = page(client, application)
    assert re.search(r'<tr id="step-district_review" class="zc-passed"', html)
    assert re.search(r'<tr id="step-district_recommend" class="table-primary zc-current"', html)
    event = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "workflow.approve")).one()
    assert event.client_address == "127.0.0.1" and event.opinion == "材料齐全，实地查验属实"
    assert event.actor_id == users["recommender"].id


@pytest.mark.parametrize("role, action, status, message", [
    ("officer", "approve", 400, "由推荐单位办理"),       # wrong role
    ("leader", "reject", 400, "由推荐单位办理"),
    ("admin", "approve", 400, "系统管理员不办理申报"),   # the admin manages, never acts
    ("recommender", "conclude_expert_review", 400, "不在专家评审步骤"),  # skipping a step
    ("recommender", "award", 400, "不在授予称号步骤"),
    ("recommender", "publish", 400, "不能在申报办理页面进行"),  # the notice pages publish
    ("recommender", "submit", 400, "不能在申报办理页面进行"),
    ("recommender", "objection_upheld", 400, "不能在申报办理页面进行"),
])
def test_forbidden_moves_refused_whatever_is_posted(app, case, role, action, status, message):
    application, users = case
    reviewer = client_of(app, users["recommender"])
    _, form_page = page(reviewer, application)  # a real form: token, version and step
    client = client_of(app, users[role])
    _, own = page(client, application)
    data_page = own if 'name="expected_version"' in own else form_page.replace(
        CSRF_RE.search(form_page).group(1), CSRF_RE.search(own).group(1))
    before = (records(), events(), application.version)
    response = post(client, application, data_page, action, opinion="理由")
    assert response.status_code == status
    assert message in plain(response.get_data(as_text=True))
    db.session.refresh(application)
    assert (records(), events(), application.version) == before
    assert application.current_step == "district_review"


def test_wrong_jurisdiction_posting_gets_404_and_nothing_written(app, case):
    application, users = case
    _, html = page(client_of(app, users["recommender"]), application)
    other = make_user("recommender", ("mile",))
    client = client_of(app, other)
    token = CSRF_RE.search(client.get("/admin/").get_data(as_text=True))
    token = token.group(1) if token else ""
    response = client.post(f"/admin/case/{application.id}/act", data={
        "csrf_token": token, "action": "approve", "opinion": "同意",
        "expected_version": hidden(html, "expected_version"), "expected_step": "district_review"})
    assert response.status_code == 404
    assert (records(), events()) == (1, 1)  # the submission only


def test_a_later_expected_step_is_refused_as_stale(app, case):
    """Posting a step the application has not reached (skipping ahead) is refused."""
    application, users = case
    client = client_of(app, users["recommender"])
    _, html = page(client, application)
    response = post(client, application, html, "approve", opinion="同意", expected_step="district_recommend")
    assert response.status_code == 409 and "已被他人办理" in plain(response.get_data(as_text=True))
    response = post(client, application, html, "approve", opinion="同意", expected_version="99")
    assert response.status_code == 409
    response = post(client, application, html, "approve", opinion="同意", expected_version="abc")
    assert response.status_code == 409
    db.session.refresh(application)
    assert application.current_step == "district_review" and records() == 1


def test_acting_twice_with_the_same_version_is_stale(app, case):
    """A double click, or two recommenders with the page open: one transition only."""
    application, users = case
    first = client_of(app, users["recommender"])
    second = client_of(app, make_user("recommender", ("kunming",)))
    _, html_first = page(first, application)
    _, html_second = page(second, application)
    assert post(first, application, html_first, "approve", opinion="同意").status_code == 302
    again = post(first, application, html_first, "approve", opinion="同意")
    assert again.status_code == 409 and "已被他人办理" in plain(again.get_data(as_text=True))
    late = post(second, application, html_second, "return", opinion="补充材料")
    assert late.status_code == 409 and "已被他人办理" in plain(late.get_data(as_text=True))
    db.session.refresh(application)
    assert (application.status, application.current_step) == ("in_review", "district_recommend")
    assert records() == 2 and events() == 2  # submit + one approve
    # after the message the page offers the buttons of the new state, with its version
    assert hidden(late.get_data(as_text=True), "expected_version") == str(application.version)


def test_missing_csrf_token_is_refused(app, case):
    application, users = case
    client = client_of(app, users["recommender"])
    _, html = page(client, application)
    response = client.post(f"/admin/case/{application.id}/act", data={
        "action": "approve", "opinion": "同意", "expected_version": hidden(html, "expected_version"),
        "expected_step": "district_review"})
    assert response.status_code == 400 and records() == 1


def test_return_without_reasons_keeps_the_page_and_says_why(app, case):
    application, users = case
    client = client_of(app, users["recommender"])
    _, html = page(client, application)
    response = post(client, application, html, "return", opinion="   ")
    body = response.get_data(as_text=True)
    assert response.status_code == 400 and "退回修改须填写理由" in plain(body)
    assert 'id="opinion-error"' in body
    # 推荐 at a recommendation step needs 推荐意见; reach it first
    assert post(client, application, html, "approve", opinion="初审通过").status_code == 302
    _, html = page(client, application)
    response = post(client, application, html, "approve", opinion="")
    assert response.status_code == 400 and "推荐须填写推荐意见" in plain(response.get_data(as_text=True))


def test_typed_opinion_is_kept_and_escaped_on_refusal(app, case):
    application, users = case
    client = client_of(app, users["recommender"])
    _, html = page(client, application)
    typed = "<script>alert(1)</script>" + "长" * 5001
    response = post(client, application, html, "reject", opinion=typed)
    body = response.get_data(as_text=True)
    assert response.status_code == 400 and "意见不能超过 5000 字" in body
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in body and "<script>alert(1)" not in body


@pytest.fixture
def at_decision(app):
    """A 昆明 application at 市科技局审核决定 (昆科发〔2017〕55号 第十一条)."""
    application = make_application("kunming", "comprehensive_service", status="in_review",
                                   current_step="bureau_decision", policy_document="昆科发〔2017〕55号",
                                   submitted_on=date(2026, 10, 8), facts=dict(FACTS))
    return application, make_user("leader", ("kunming",))


def test_leader_decision_needs_meeting_date_and_minutes_when_the_bureau_requires_it(app, at_decision):
    """昆科发〔2017〕55号 第十一条 names no meeting: the bureau's setting decision_meeting_record
    (本局要求) makes the form ask for the meeting's date and minutes, labelled as such."""
    bureau_operations.set_bureau_setting("kunming", "decision_meeting_record", True)
    application, leader = at_decision
    client = client_of(app, leader)
    _, html = page(client, application)
    assert buttons(html) == ["approve", "return", "reject"]
    assert 'name="meeting_on"' in html and 'name="minutes_ref"' in html
    assert "本局要求" in plain(re.search(r'id="meeting-requirement".*?</p>', html, re.S).group(0))
    response = post(client, application, html, "approve", meeting_on="2026-13-01", minutes_ref="纪要〔2026〕12号")
    body = response.get_data(as_text=True)
    assert response.status_code == 400 and 'id="meeting_on-error"' in body and "YYYY-MM-DD" in body
    assert 'value="纪要〔2026〕12号"' in body and 'value="2026-13-01"' in body  # what was typed stays
    # the meeting cannot be after today (TODAY = 2026-10-20): the day after is refused, today accepted
    response = post(client, application, html, "approve", meeting_on="2026-10-21", minutes_ref="纪要〔2026〕12号")
    assert response.status_code == 400 and "会议日期不能晚于今天" in plain(response.get_data(as_text=True))
    response = post(client, application, html, "approve", meeting_on="2026-10-20", minutes_ref="")
    assert response.status_code == 400 and 'id="minutes_ref-error"' in response.get_data(as_text=True)
    assert records() == 0
    response = post(client, application, html, "approve", meeting_on="2026-10-20", minutes_ref="纪要〔2026〕12号")
    assert response.status_code == 302
    db.session.refresh(application)
    assert application.current_step == "public_notice"
    event = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "workflow.approve")).one()
    assert event.detail["meeting_on"] == "2026-10-20" and event.detail["minutes_ref"] == "纪要〔2026〕12号"


def test_kunming_leader_decides_without_meeting_fields_by_default_article_11(app, at_decision):
    """昆科发〔2017〕55号 第十一条 names no 局务会 / 局长办公会: with the bureau setting off, the form
    has no meeting fields and the approval goes through without them."""
    application, leader = at_decision
    client = client_of(app, leader)
    _, html = page(client, application)
    assert 'name="meeting_on"' not in html and 'name="minutes_ref"' not in html
    assert 'id="meeting-requirement"' not in html
    assert post(client, application, html, "approve").status_code == 302
    db.session.refresh(application)
    assert application.current_step == "public_notice"


def test_mile_decision_form_cites_annex_1_article_7(app):
    """弥政办发〔2017〕5号 附件1 第七条 names the 局务会: the form asks for it and cites the article."""
    application = make_application("mile", "comprehensive", status="in_review", current_step="bureau_decision",
                                   policy_document="弥政办发〔2017〕5号", submitted_on=date(2026, 10, 8),
                                   facts=dict(FACTS))
    client = client_of(app, make_user("leader", ("mile",)))
    _, html = page(client, application)
    requirement = plain(re.search(r'id="meeting-requirement".*?</p>', html, re.S).group(0))
    assert "弥政办发〔2017〕5号 附件1 第七条" in requirement and "本局要求" not in requirement
    assert 'name="minutes_ref"' in html
    response = post(client, application, html, "approve", meeting_on="2026-10-20", minutes_ref="")
    assert response.status_code == 400 and 'id="minutes_ref-error"' in response.get_data(as_text=True)


def test_timeline_lists_every_event_in_order_in_shanghai_time(app, case):
    application, users = case
    client = client_of(app, users["recommender"])
    _, html = page(client, application)
    post(client, application, html, "return", opinion="请补充租赁合同")
    # an event at 16:30 UTC is 00:30 the next day in Shanghai
    db.session.add(AuditEvent(action="application.note", object_type="Application", object_id=str(application.id),
                              jurisdiction="kunming", actor_name="测试", occurred_at=datetime(2030, 1, 1, 16, 30,
                                                                                                tzinfo=timezone.utc)))
    db.session.commit()
    officer = client_of(app, users["officer"])
    _, html = page(officer, application)
    timeline = re.search(r'<table class="table table-sm table-bordered" id="timeline">.*?</table>', html, re.S).group(0)
    assert re.findall(r'data-action="([a-z._]+)"', timeline) == ["workflow.submit", "workflow.return",
                                                                 "application.note"]
    text = plain(timeline)
    # the states in words (issue 13: no raw codes such as submitted:district_review)
    assert "已提交 · 县（市）区科技主管部门初审和实地查验" in text
    assert "退回修改 · 县（市）区科技主管部门初审和实地查验" in text
    assert "submitted:district_review" not in text and "draft:-" not in text
    assert "请补充租赁合同" in text and "127.0.0.1" in text and "2030-01-02 00:30:00" in text
    assert "县（市）区科技主管部门初审和实地查验" in text
    records_table = plain(re.search(r'id="review-records">.*?</table>', html, re.S).group(0))
    assert "请补充租赁合同" in records_table and users["recommender"].name in records_table
    # recommenders and experts see the case but not the audit timeline
    _, html = page(client, application)
    assert 'id="timeline"' not in html


def test_timeline_csv_is_utf8_with_bom_and_scoped(app, case):
    application, users = case
    client = client_of(app, users["recommender"])
    _, html = page(client, application)
    post(client, application, html, "return", opinion="=HYPERLINK(\"http://evil\")，请补充")
    officer = client_of(app, users["officer"])
    response = officer.get(f"/admin/case/{application.id}/timeline.csv")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    raw = response.get_data()
    assert raw.startswith("\ufeff".encode("utf-8"))
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    assert len(rows) == 3  # header, submit, return
    assert rows[1][4:6] == ["草稿", "已提交 · 县（市）区科技主管部门初审和实地查验"]
    assert rows[2][2] == "退回修改" and rows[2][7] == "127.0.0.1"
    assert rows[2][6].startswith("'=HYPERLINK")  # not run as a formula by Excel
    # scope: the recommender sees the case but not the audit log; other jurisdictions nothing
    assert client.get(f"/admin/case/{application.id}/timeline.csv").status_code == 403
    other = client_of(app, make_user("officer", ("mile",)))
    assert other.get(f"/admin/case/{application.id}/timeline.csv").status_code == 404
    assert other.get(f"/admin/case/{application.id}").status_code == 404
    admin = client_of(app, users["admin"])
    assert admin.get(f"/admin/case/{application.id}/timeline.csv").status_code == 200
