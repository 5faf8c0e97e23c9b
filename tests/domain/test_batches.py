"""Intake (calls and year-round), review batches and the leadership's decision
(core/intake/calls.py, core/review/batches.py, experts.py, decisions.py, /admin/call,
/admin/batches) — on the real database, over HTTP with CSRF on."""
from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select

from tests.conftest import csrf_token
from core.intake import calls
from core.review import batches, experts
from core.bureau import operations as bureau_operations
from core.review import moves, workflow
from core.platform.extensions import db
from core.platform.jurisdictions import registry
from core.platform.models import Application, AuditEvent, Batch, Call, ReviewRecord
from tests.factories import login, make_application, make_user

MILE_DOC = "弥政办发〔2017〕5号"
KUNMING_DOC = "昆科发〔2017〕55号"


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def review_events() -> int:
    """Audit events about applications and batches (logins are events too)."""
    return db.session.scalar(select(func.count()).select_from(AuditEvent)
                             .where(AuditEvent.object_type.in_(("Application", "Batch"))))


def at_step(jurisdiction: str = "mile", step: str = "expert_review", **fields) -> Application:
    """An application the workflow has brought to ``step`` (made directly: the steps
    before are the workflow's tests)."""
    category = {"mile": "comprehensive", "kunming": "comprehensive_service"}[jurisdiction]
    document = {"mile": MILE_DOC, "kunming": KUNMING_DOC}[jurisdiction]
    return make_application(jurisdiction, category, status="in_review", current_step=step,
                            policy_document=document, **fields)


def staff(jurisdiction: str = "mile") -> dict:
    return {role: make_user(role, (jurisdiction,)) for role in ("officer", "expert", "leader")}


def as_user(app, user):
    """A fresh browser logged in as ``user``."""
    client = app.test_client()
    login(client, user)
    return client


def post(client, page: str, url: str, data: dict):
    return client.post(url, data={**data, "csrf_token": csrf_token(client, page)})


# --- intake ---------------------------------------------------------------------------------


def test_intake_is_declared_and_cited(app):
    policies = {code: registry().policies(code)[0] for code in ("kunming", "mile", "yunnan", "xuzhou")}
    assert policies["kunming"].intake == "call" and str(policies["kunming"].intake_citation) == f"{KUNMING_DOC} 第八条"
    assert policies["mile"].intake == "year_round" and str(policies["mile"].intake_citation) == f"{MILE_DOC} 第七条"
    for silent in ("yunnan", "xuzhou"):  # their texts say nothing: year_round, said in the note
        assert policies[silent].intake == "year_round" and policies[silent].intake_citation is None
        assert "未规定申报受理方式" in policies[silent].note


def test_call_window_boundaries(app):
    db.session.add(Call(jurisdiction="kunming", title="2026年度申报通知", opens_on=date(2026, 10, 1),
                        closes_on=date(2026, 10, 31), categories=["comprehensive_service"]))
    db.session.commit()
    draft = make_application("kunming", "comprehensive_service", status="draft")
    for day in (date(2026, 10, 1), date(2026, 10, 31)):  # both end days accepted
        assert calls.open_call("kunming", "comprehensive_service", day) is not None
        assert calls.submission_refusal(draft, day) is None
    for day in (date(2026, 9, 30), date(2026, 11, 1)):  # the day before and after refused
        assert calls.open_call("kunming", "comprehensive_service", day) is None
        reason = calls.submission_refusal(draft, day)
        assert "第八条" in reason and "综合服务类" in reason
    # a category the call does not name is refused inside the window
    other = make_application("kunming", "tech_support", status="draft")
    assert "技术支撑类" in calls.submission_refusal(other, date(2026, 10, 15))
    # 弥勒 takes applications all year round: no call needed
    assert calls.submission_refusal(make_application("mile", status="draft"), date(2026, 9, 30)) is None


def test_submit_outside_the_call_writes_nothing(app):
    db.session.add(Call(jurisdiction="kunming", title="通知", opens_on=date(2026, 10, 1), closes_on=date(2026, 10, 31),
                        categories=["comprehensive_service"]))
    db.session.commit()
    draft = make_application("kunming", "comprehensive_service", status="draft")
    applicant = make_user("applicant", organisation=draft.organisation)
    with pytest.raises(moves.WorkflowError) as refused:
        workflow.act(draft, "submit", applicant, today=date(2026, 11, 1))
    assert "申报通知" in refused.value.message
    assert draft.status == "draft" and count(ReviewRecord) == 0
    workflow.act(draft, "submit", applicant, today=date(2026, 10, 31))
    assert draft.status == "submitted"


def test_officer_creates_call_dates_checked(app, client):
    officer = make_user("officer", ("kunming",))
    login(client, officer)
    page = "/admin/call/new/"
    refused = post(client, page, page, {"jurisdiction": "kunming", "title": "倒置的通知", "opens_on": "2026-10-31",
                                        "closes_on": "2026-10-30", "categories": ["tech_support"]})
    html = refused.get_data(as_text=True)
    assert refused.status_code == 200 and "早于开始日期" in html and "倒置的通知" in html  # typed text kept
    assert count(Call) == 0
    refused = post(client, page, page, {"jurisdiction": "kunming", "title": "无类别", "opens_on": "2026-10-01",
                                        "closes_on": "2026-10-01"})
    assert "至少选择一个" in refused.get_data(as_text=True) and count(Call) == 0
    done = post(client, page, page, {"jurisdiction": "kunming", "title": "一日通知", "opens_on": "2026-10-01",
                                     "closes_on": "2026-10-01", "categories": ["tech_support"]})
    assert done.status_code == 302
    call = db.session.scalars(select(Call)).one()
    assert (call.opens_on, call.closes_on, call.categories) == (date(2026, 10, 1), date(2026, 10, 1), ["tech_support"])
    assert db.session.scalars(select(AuditEvent).where(AuditEvent.object_type == "Call")).one().action == "admin_create"
    # another jurisdiction's officer neither sees nor edits it
    client = as_user(app, make_user("officer", ("mile",)))
    assert "一日通知" not in client.get("/admin/call/").get_data(as_text=True)
    assert client.get(f"/admin/call/edit/?id={call.id}").status_code in (302, 404)


# --- batches --------------------------------------------------------------------------------


def test_batch_add_refusals(app, client):
    users = staff()
    ready = at_step()
    early = at_step(step="recommend")  # not yet at the expert step
    foreign = at_step("kunming")
    login(client, users["officer"])
    page = "/admin/batches/"
    created = post(client, page, "/admin/batches/create", {"jurisdiction": "mile", "name": "2026年第一批"})
    batch = db.session.scalars(select(Batch)).one()
    assert created.status_code == 302 and batch.name == "2026年第一批"
    refused = post(client, page, "/admin/batches/create", {"jurisdiction": "kunming", "name": "越权批次"})
    assert refused.status_code == 400 and "无权" in refused.get_data(as_text=True) and count(Batch) == 1
    show = f"/admin/batches/{batch.id}"
    html = client.get(show).get_data(as_text=True)
    candidates = html[html.index('id="add-application"'):]
    assert f">#{ready.id} " in candidates and f">#{early.id} " not in candidates  # only expert-step ones
    for application, reason in ((early, "不在专家评审步骤"), (foreign, "没有可办理的申报")):
        refused = post(client, show, f"{show}/add", {"application_id": application.id})
        assert refused.status_code == 400 and reason in refused.get_data(as_text=True)
    assert post(client, show, f"{show}/add", {"application_id": ready.id}).status_code == 302
    db.session.expire_all()
    assert ready.batch_id == batch.id
    # the application list links the batch; its CSV export names it in plain text
    assert f'href="/admin/batches/{batch.id}"' in client.get("/admin/application/").get_data(as_text=True)
    export = client.get("/admin/application/export/csv/").get_data(as_text=True)
    assert f"#{batch.id} 2026年第一批" in export and "<a " not in export
    # already in a batch: refused in a second batch
    post(client, page, "/admin/batches/create", {"jurisdiction": "mile", "name": "第二批"})
    second = db.session.scalars(select(Batch).where(Batch.name == "第二批")).one()
    refused = post(client, f"/admin/batches/{second.id}", f"/admin/batches/{second.id}/add", {"application_id": ready.id})
    assert "已在批次" in refused.get_data(as_text=True)
    # removal before any score is allowed, after a score refused
    assert post(client, show, f"{show}/remove", {"application_id": ready.id}).status_code == 302
    db.session.expire_all()
    assert ready.batch_id is None
    actions = db.session.scalars(select(AuditEvent.action).where(AuditEvent.object_type == "Batch")).all()
    assert {"batch.created", "batch.application_added", "batch.application_removed"} <= set(actions)


def test_remove_refused_after_a_score(app):
    users = staff()
    application = at_step()
    batch = batches.create_batch("mile", "批次", users["officer"])
    batches.add_application(batch, application.id, users["officer"])
    batches.assign_expert(batch, users["expert"].id, users["officer"])
    experts.declare(batch, users["expert"], conflict=False)
    experts.score(batch, application.id, users["expert"], {"场地与设施": "18", "运营管理团队": "15",
                                                          "创业服务能力": "25", "孵化成效": "20"}, "实地查验属实")
    with pytest.raises(batches.BatchError) as refused:
        batches.remove_application(batch, application.id, users["officer"])
    assert "已有专家评分" in refused.value.message
    db.session.rollback()
    assert db.session.get(Application, application.id).batch_id == batch.id


# --- the leadership's decision --------------------------------------------------------------


def decided_batch(users, n: int = 2) -> tuple[Batch, list[Application]]:
    """A batch whose applications sit at 弥勒's 局务会 step (弥政办发〔2017〕5号 第七条)."""
    apps = [at_step(step="bureau_decision") for _ in range(n)]
    batch = Batch(jurisdiction="mile", name="待审定批次", status="concluded")
    db.session.add(batch)
    db.session.flush()
    for a in apps:
        a.batch_id = batch.id
    db.session.commit()
    return batch, apps


def test_leader_decision_moves_applications(app, client):
    users = staff()
    batch, (first, second) = decided_batch(users)
    login(client, users["leader"])
    show = f"/admin/batches/{batch.id}"
    assert f'name="decision-{first.id}"' in client.get(show).get_data(as_text=True)
    response = post(client, show, f"{show}/decide", {
        "meeting_on": "2026-11-02", "minutes_ref": "局务会纪要〔2026〕9号",
        f"decision-{first.id}": "approve", f"opinion-{first.id}": "同意认定",
        f"decision-{second.id}": "return", f"opinion-{second.id}": "补充场地租赁合同"})
    assert response.status_code == 302
    db.session.expire_all()
    assert (first.status, first.current_step) == ("in_review", "public_notice")
    assert (second.status, second.current_step) == ("returned", "bureau_decision")
    assert (batch.decision, batch.decided_on, batch.minutes_ref, batch.decided_by_id) == (
        "mixed", date(2026, 11, 2), "局务会纪要〔2026〕9号", users["leader"].id)
    event = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "workflow.approve")).one()
    assert event.detail["minutes_ref"] == "局务会纪要〔2026〕9号" and event.detail["meeting_on"] == "2026-11-02"


def kunming_batch_at_decision() -> tuple[Batch, Application]:
    application = at_step("kunming", step="bureau_decision", submitted_on=date(2026, 10, 8))
    batch = Batch(jurisdiction="kunming", name="昆明待审定批次", status="concluded")
    db.session.add(batch)
    db.session.flush()
    application.batch_id = batch.id
    db.session.commit()
    return batch, application


def test_kunming_batch_decision_meeting_optional_by_default_article_11(app, client):
    """昆科发〔2017〕55号 第十一条 names no meeting: the batch's decision goes through without a
    meeting date or minutes number, and the form says they are optional."""
    batch, application = kunming_batch_at_decision()
    login(client, make_user("leader", ("kunming",)))
    show = f"/admin/batches/{batch.id}"
    html = client.get(show).get_data(as_text=True)
    assert "选填" in html.split('id="meeting-requirement"', 1)[1].split("</p>", 1)[0]
    response = post(client, show, f"{show}/decide", {"meeting_on": "", "minutes_ref": "",
                                                     f"decision-{application.id}": "approve"})
    assert response.status_code == 302
    db.session.expire_all()
    assert application.current_step == "public_notice" and batch.minutes_ref is None
    assert batch.decided_on is not None


def test_kunming_batch_decision_needs_minutes_when_the_bureau_requires_it(app, client):
    """With decision_meeting_record on (本局要求, no article of 昆科发〔2017〕55号), the minutes are required."""
    bureau_operations.set_bureau_setting("kunming", "decision_meeting_record", True)
    batch, application = kunming_batch_at_decision()
    login(client, make_user("leader", ("kunming",)))
    show = f"/admin/batches/{batch.id}"
    assert "本局要求" in client.get(show).get_data(as_text=True).split('id="meeting-requirement"', 1)[1][:400]
    response = post(client, show, f"{show}/decide", {"meeting_on": "2026-11-02", "minutes_ref": "",
                                                     f"decision-{application.id}": "approve"})
    assert response.status_code == 400 and "会议纪要编号（依据：本局要求）" in response.get_data(as_text=True)
    db.session.expire_all()
    assert application.current_step == "bureau_decision" and batch.decision is None


def test_leader_decision_refusals_write_nothing(app, client):
    users = staff()
    batch, (first, second) = decided_batch(users)
    show = f"/admin/batches/{batch.id}"
    before = (count(ReviewRecord), review_events())
    login(client, users["leader"])
    # a return without reasons, a missing minutes reference: refused as a whole, typed kept
    response = post(client, show, f"{show}/decide", {
        "meeting_on": "2026-11-02", "minutes_ref": "",
        f"decision-{first.id}": "approve", f"opinion-{first.id}": "同意认定",
        f"decision-{second.id}": "return", f"opinion-{second.id}": ""})
    html = response.get_data(as_text=True)
    assert response.status_code == 400 and "须填写理由" in html and "会议纪要编号" in html and "同意认定" in html
    response = post(client, show, f"{show}/decide", {
        "meeting_on": "2026-13-02", "minutes_ref": "纪要", f"decision-{first.id}": "approve",
        f"decision-{second.id}": "approve"})
    assert "YYYY-MM-DD" in response.get_data(as_text=True)
    db.session.expire_all()
    assert first.current_step == second.current_step == "bureau_decision" and batch.decision is None
    assert (count(ReviewRecord), review_events()) == before
    # wrong role: the officer of the jurisdiction
    client = as_user(app, users["officer"])
    assert 'id="decide"' not in client.get(show).get_data(as_text=True)
    response = post(client, show, f"{show}/decide", {
        "meeting_on": "2026-11-02", "minutes_ref": "纪要", f"decision-{first.id}": "approve",
        f"decision-{second.id}": "approve"})
    assert response.status_code == 400 and "局领导" in response.get_data(as_text=True)
    # wrong jurisdiction: 昆明's leader does not even see the batch
    client = as_user(app, make_user("leader", ("kunming",)))
    assert client.get(show).status_code == 404
    response = client.post(f"{show}/decide", data={"csrf_token": csrf_token(client, "/admin/batches/"),
                                                  "meeting_on": "2026-11-02", "minutes_ref": "纪要",
                                                  f"decision-{first.id}": "approve",
                                                  f"decision-{second.id}": "approve"})
    assert response.status_code == 404
    db.session.expire_all()
    assert first.current_step == second.current_step == "bureau_decision" and batch.decision is None
    assert (count(ReviewRecord), review_events()) == before


def test_batch_name_is_escaped(app, client):
    officer = make_user("officer", ("mile",))
    login(client, officer)
    post(client, "/admin/batches/", "/admin/batches/create", {"jurisdiction": "mile", "name": "<script>x()</script>"})
    batch = db.session.scalars(select(Batch)).one()
    for url in ("/admin/batches/", f"/admin/batches/{batch.id}"):
        html = client.get(url).get_data(as_text=True)
        assert "<script>x()</script>" not in html and "&lt;script&gt;x()&lt;/script&gt;" in html
