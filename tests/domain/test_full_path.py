"""Issue 4's main test: a 昆明 application and a 弥勒 one taken to the title by the demo
users through the Flask test client only (CSRF on, real database) — each role logs in
and does its step on its own pages: recommendation, batch and expert review, the
leadership's decision, the public notice with an upheld objection (昆明) and a
return-and-resubmit (弥勒), the notice closed after its period (by ``tick`` and by the
officer), the award with the title as the policy words it and a certificate number.

The pages take "today" from the platform clock (``core.platform.clock``); the test moves it.
"""
from __future__ import annotations

import io
import re
from datetime import date, timedelta
from html.parser import HTMLParser

import pytest
from sqlalchemy import select
from werkzeug.datastructures import MultiDict

from tests.conftest import FrozenDay
from core.cli import cli
from core.demo import DEMO_PASSWORD, demo_login, load_demo
from core.platform.extensions import db
from core.platform.models import Application, AuditEvent, PublicNotice, Recognition, Space, SubsidyEntitlement, User
from tests.factories import login, pdf_bytes
from tests.domain.test_forms import MILE_EXTRA

CSRF_RE = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
START = date(2026, 11, 2)  # a Monday; both policies in force (昆科发〔2017〕55号, 弥政办发〔2017〕5号)


def plain(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", html))


class FormFields(HTMLParser):
    """What a browser would post from the form whose action ends with ``action``:
    inputs, ticked boxes, chosen options, text areas (row templates skipped)."""

    def __init__(self, action: str):
        super().__init__(convert_charrefs=True)
        self.action, self.inside, self.template = action, False, 0
        self.data = MultiDict()
        self.textarea = self.select = None
        self.options: list[tuple[str, bool]] = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "template":
            self.template += 1
        if tag == "form":
            self.inside = (a.get("action") or "").endswith(self.action)
        if not self.inside or self.template:
            return
        if tag == "input" and a.get("name") and a.get("type") not in ("submit", "button", "file"):
            if a.get("type") in ("checkbox", "radio"):
                if "checked" in a:
                    self.data.add(a["name"], a.get("value", "y"))
            else:
                self.data.add(a["name"], a.get("value") or "")
        elif tag == "textarea":
            self.textarea, self.text = a.get("name"), ""
        elif tag == "select":
            self.select, self.options, self.multiple = a.get("name"), [], "multiple" in a
        elif tag == "option" and self.select:
            self.options.append((a.get("value", ""), "selected" in a))

    def handle_data(self, data):
        if self.textarea:
            self.text += data

    def handle_endtag(self, tag):
        if tag == "template":
            self.template -= 1
        elif tag == "form":
            self.inside = False
        elif tag == "textarea" and self.textarea:
            # as a browser does: the line break right after <textarea> is not content
            self.data.add(self.textarea, re.sub(r"^\r?\n", "", self.text))
            self.textarea = None
        elif tag == "select" and self.select:
            chosen = [v for v, s in self.options if s] or ([] if self.multiple else [self.options[0][0]])
            for value in chosen:
                self.data.add(self.select, value)
            self.select = None


def form_fields(html: str, action: str) -> MultiDict:
    parser = FormFields(action)
    parser.feed(html)
    return parser.data


class Person:
    """A demo user with its own browser."""

    def __init__(self, app, role: str, code: str):
        self.client = app.test_client()
        response = login(self.client, demo_login(role, code), DEMO_PASSWORD)
        assert response.status_code == 302, (role, code)

    def get(self, url: str) -> str:
        response = self.client.get(url)
        assert response.status_code == 200, (url, response.status_code)
        return response.get_data(as_text=True)

    def post(self, page: str, url: str, data=None, expect: int = 302):
        """Post ``data`` to ``url`` with the CSRF token of ``page`` (as the browser does)."""
        body = MultiDict(data or {})
        body.setlist("csrf_token", [CSRF_RE.search(self.get(page)).group(1)])
        response = self.client.post(url, data=body)
        html = response.get_data(as_text=True)
        errors = re.findall(r'id="([^"]+)-errors" role="alert">(.*?)</ul>', html, re.S)
        assert response.status_code == expect, (url, response.status_code, errors or plain(html)[:800])
        return response


def case_act(person: Person, application: Application, action: str, **fields):
    """Press ``action`` on the case page, as drawn now (version and step hidden in the form)."""
    html = person.get(f"/admin/case/{application.id}")
    assert f'value="{action}"' in html, (action, plain(html)[:600])
    data = {"action": action, "expected_version": re.search(r'name="expected_version" value="(\d+)"', html).group(1),
            "expected_step": re.search(r'name="expected_step" value="([^"]*)"', html).group(1), **fields}
    if action in ("award", "conclude_expert_review"):
        data.setdefault("confirm", "yes")  # the confirmation box (issue 13)
    return person.post(f"/admin/case/{application.id}", f"/admin/case/{application.id}/act", data)


def state(application: Application) -> tuple[str, str | None]:
    db.session.expire_all()
    fresh = db.session.get(Application, application.id)
    return fresh.status, fresh.current_step


def batch_review(app, code: str, applications: list[Application], meeting_on: date, minutes: str) -> int:
    """Officer: batch, applications, expert; expert: declaration, scores; officer:
    conclusion; leader: the meeting's decision for the batch.  Returns the batch id."""
    officer, expert, leader = Person(app, "officer", code), Person(app, "expert", code), Person(app, "leader", code)
    created = officer.post("/admin/batches/", "/admin/batches/create",
                           {"jurisdiction": code, "name": f"{meeting_on.year}年第一批认定评审"})
    batch_url = created.location
    batch_id = int(batch_url.rstrip("/").rsplit("/", 1)[1])
    for application in applications:
        officer.post(batch_url, f"/admin/batches/{batch_id}/add", {"application_id": application.id})
    # the demo's expert of the jurisdiction among those offered (the pool holds others too, issue 22)
    demo_expert = db.session.scalar(select(User.id).where(User.login == demo_login("expert", code)))
    offered = re.search(r'<select name="expert_id"[^>]*>(.*?)</select>', officer.get(batch_url), re.S).group(1)
    assert f'value="{demo_expert}"' in offered
    expert_id = demo_expert
    officer.post(batch_url, f"/admin/batches/{batch_id}/assign", {"expert_id": expert_id})
    # the officer cannot conclude before the expert has scored
    officer.post(batch_url, f"/admin/batches/{batch_id}/conclude", {"confirm": "yes"}, expect=400)
    expert.post(batch_url, f"/admin/batches/{batch_id}/declare", {f"conflict-{a.id}": "no" for a in applications})
    for application in applications:
        sheet_url = f"/admin/batches/{batch_id}/score/{application.id}"
        fields = re.findall(r'name="(score-\d+)"', expert.get(sheet_url))
        assert len(fields) >= 1
        expert.post(sheet_url, sheet_url, {**{f: "18" for f in fields}, "notes": "实地查验：场地、服务与申报一致"})
    officer.post(batch_url, f"/admin/batches/{batch_id}/conclude", {"confirm": "yes"})
    for application in applications:
        assert state(application) == ("in_review", "bureau_decision")
    leader.post(batch_url, f"/admin/batches/{batch_id}/decide", {
        "meeting_on": meeting_on.isoformat(), "minutes_ref": minutes,
        **{f"decision-{a.id}": "approve" for a in applications}})
    return batch_id


def publish(officer: Person, application: Application, title: str) -> PublicNotice:
    response = officer.post("/admin/notices/", "/admin/notices/publish", {
        "application_id": application.id, "title": title, "contact": "联系电话 0871-00000000"})
    notice_id = int(response.location.rstrip("/").rsplit("/", 1)[1])
    assert state(application)[0] == "under_notice"
    return db.session.get(PublicNotice, notice_id)


@pytest.fixture
def clock(app, monkeypatch):
    now = FrozenDay(START)
    return now


def test_kunming_and_mile_from_submission_to_the_title(app, clock):
    from core.intake.spaces import space_facts

    load_demo()
    # 昆明: 滇池创客空间 (综合服务型) sits submitted at 县区初审 in the demo; its operator is
    # the 昆明 demo applicant.
    kunming = db.session.scalars(select(Application).join(Space).where(
        Space.name == "滇池创客空间", Application.jurisdiction == "kunming",
        Application.category == "comprehensive_service")).one()
    assert (kunming.status, kunming.current_step) == ("submitted", "district_review")
    # 弥勒: the 弥勒 demo applicant (湖泉) files a 专业型 application — the portal's "new
    # application" page is a later issue, so the draft is put in the database as that page will.
    huquan = db.session.scalars(select(Space).where(Space.name == "湖泉众创空间")).one()
    mile = Application(jurisdiction="mile", category="specialized", space=huquan, organisation=huquan.organisation,
                       status="draft", facts=space_facts(huquan))  # what 新建申报 carries from 我的众创空间
    db.session.add(mile)
    db.session.commit()

    # --- the 弥勒 applicant submits; its recommender returns it; it is edited and resubmitted
    applicant_mile = Person(app, "applicant", "mile")
    page = f"/portal/applications/{mile.id}"
    for code in ("application_form", "legal_person_proof", "operation_plan", "annual_plan"):  # 第六条（一）至（四）
        uploaded = applicant_mile.client.post(f"{page}/materials/{code}", data={
            "csrf_token": CSRF_RE.search(applicant_mile.get(page)).group(1),
            "file": (io.BytesIO(pdf_bytes()), f"{code}.pdf")})
        assert uploaded.status_code == 302, code
    html = applicant_mile.get(page)
    applicant_mile.post(page, f"{page}/act", {"action": "submit", "confirm_submit": "yes",
                                              "expected_version": re.search(r'name="expected_version" value="(\d+)"',
                                                                            html).group(1)})
    assert state(mile) == ("submitted", "recommend")
    recommender_mile = Person(app, "recommender", "mile")
    case_act(recommender_mile, mile, "return", opinion="请补充入驻企业的产值、销售和从业人数")
    assert state(mile) == ("returned", "recommend")
    assert "请补充入驻企业的产值" in plain(applicant_mile.get(page))
    edit_url = f"{page}/edit"
    data = form_fields(applicant_mile.get(edit_url), edit_url)
    assert data.get("workstations") == "80"  # pre-filled from the application's facts
    data.setlist("workstations", ["85"])
    for key, value in MILE_EXTRA.items():
        if not data.get(key):
            data.setlist(key, [value])
    for i in range(len(mile.facts["residents"])):
        for key, value in (("main_product", "软件"), ("output_value_wan", "100"), ("sales_wan", "80.5"),
                           ("employees", "6"), ("phone", "13700000000")):
            data.setlist(f"residents-{i}-{key}", [value])
    data.setlist("intent", ["resubmit"])
    data.pop("csrf_token", None)
    applicant_mile.post(edit_url, edit_url, data)
    assert state(mile) == ("submitted", "recommend")
    edited = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "application.facts_edited",
                                                         AuditEvent.object_id == str(mile.id))).one()
    assert edited.detail["changes"] == {"workstations": {"old": 80, "new": 85}}
    case_act(recommender_mile, mile, "approve", opinion="同意推荐（弥勒工业园区）")
    assert state(mile) == ("in_review", "expert_review")

    # --- 昆明: the district bureau's initial review and recommendation (第十条)
    recommender_kunming = Person(app, "recommender", "kunming")
    case_act(recommender_kunming, kunming, "approve", opinion="材料齐全，实地查验属实")
    case_act(recommender_kunming, kunming, "approve", opinion="择优推荐")
    assert state(kunming) == ("in_review", "expert_review")

    # --- expert review in batches and the leadership's decision, for each
    batch_review(app, "kunming", [kunming], START, "局长办公会纪要〔2026〕21号")
    batch_review(app, "mile", [mile], START, "局务会纪要〔2026〕9号")
    assert state(kunming) == ("in_review", "public_notice") and state(mile) == ("in_review", "public_notice")

    # --- 公示
    officer_kunming, officer_mile = Person(app, "officer", "kunming"), Person(app, "officer", "mile")
    notice_k = publish(officer_kunming, kunming, "2026年昆明市众创空间认定结果公示")
    notice_m = publish(officer_mile, mile, "2026年弥勒市众创空间认定结果公示")
    assert notice_k.days == 7 and notice_m.days == 15  # 昆科发〔2017〕55号 第十一条; 弥政办发〔2017〕5号 第七条
    assert "公示" in plain(applicant_mile.get(page)) and notice_m.last_day.isoformat() in plain(applicant_mile.get(page))

    # --- an objection to the 昆明 space, filed by the public, upheld once
    clock[0] = notice_k.first_day
    public = app.test_client()
    notice_page = f"/notices/{notice_k.id}"
    assert "滇池创客空间" in public.get(notice_page).get_data(as_text=True)
    token = CSRF_RE.search(public.get(notice_page).get_data(as_text=True)).group(1)
    response = public.post(f"{notice_page}/objections", data={
        "csrf_token": token, "name": "王某", "contact": "13900000001", "application_id": kunming.id,
        "content": "该空间的公共服务场地实际不足申报面积。"})
    assert response.status_code == 302
    desk = f"/admin/notices/{notice_k.id}"
    objection_id = re.search(r"/objections/(\d+)/resolve", officer_kunming.get(desk)).group(1)
    officer_kunming.post(desk, f"{desk}/objections/{objection_id}/resolve", {
        "outcome": "upheld", "reasons": "经核查属实，退回局长办公会重新审定", "application_id": kunming.id})
    assert state(kunming) == ("in_review", "bureau_decision")
    # decided again (the case page this time), published again
    leader_kunming = Person(app, "leader", "kunming")
    case_act(leader_kunming, kunming, "approve", opinion="复核后面积符合第七条（一）",
             meeting_on=notice_k.first_day.isoformat(), minutes_ref="局长办公会纪要〔2026〕23号")
    assert state(kunming) == ("in_review", "public_notice")
    notice_k2 = publish(officer_kunming, kunming, "2026年昆明市众创空间认定结果公示（复核）")

    # --- the notices end: not on the last day, the day after (tick for 昆明, the officer for 弥勒)
    clock[0] = notice_k2.last_day
    officer_kunming.post(f"/admin/notices/{notice_k2.id}", f"/admin/notices/{notice_k2.id}/close", expect=400)
    result = app.test_cli_runner().invoke(cli, ["tick", "--today", (notice_k2.last_day + timedelta(days=1)).isoformat()])
    assert result.exit_code == 0, result.output
    assert state(kunming) == ("in_review", "award")
    clock[0] = notice_m.last_day
    officer_mile.post(f"/admin/notices/{notice_m.id}", f"/admin/notices/{notice_m.id}/close", expect=400)
    clock[0] = notice_m.last_day + timedelta(days=1)
    officer_mile.post(f"/admin/notices/{notice_m.id}", f"/admin/notices/{notice_m.id}/close")
    # 弥勒: the city government's recognition, recorded by the bureau's officer (附件2 填报须知 六)
    assert state(mile) == ("in_review", "government_recognition")
    case_act(officer_mile, mile, "approve", opinion="弥勒市人民政府同意认定")
    assert state(mile) == ("in_review", "award")

    # --- the titles
    case_act(officer_kunming, kunming, "award")
    case_act(officer_mile, mile, "award")
    assert state(kunming) == ("recognised", None) and state(mile) == ("recognised", None)
    titles = {r.application_id: r for r in db.session.scalars(select(Recognition).where(
        Recognition.application_id.in_([kunming.id, mile.id])))}
    year = clock[0].year
    assert titles[kunming.id].title == "昆明市众创空间"
    assert titles[mile.id].title == "弥科湖泉众创空间"
    assert titles[kunming.id].certificate_number == f"昆明市众创〔{year}〕001号"
    assert titles[mile.id].certificate_number == f"弥勒市众创〔{year}〕001号"
    assert titles[kunming.id].granted_on == clock[0] and titles[kunming.id].level == "municipal"
    assert db.session.scalars(select(SubsidyEntitlement).where(
        SubsidyEntitlement.recognition_id == titles[kunming.id].id)).first() is not None
    # the applicants read the title and number on their page
    text = plain(applicant_mile.get(page))
    assert "弥科湖泉众创空间" in text and f"弥勒市众创〔{year}〕001号" in text
    text = plain(Person(app, "applicant", "kunming").get(f"/portal/applications/{kunming.id}"))
    assert "昆明市众创空间" in text and f"昆明市众创〔{year}〕001号" in text

    # --- the timeline tells the whole story, and nothing can be done twice
    timeline = officer_kunming.get(f"/admin/case/{kunming.id}")
    actions = re.findall(r'data-action="(workflow\.[a-z_]+)"', timeline)
    assert actions == ["workflow.submit",  # the demo submitted it as its applicant (issue 13)
                       "workflow.approve", "workflow.approve", "workflow.conclude_expert_review",
                       "workflow.approve", "workflow.publish", "workflow.objection_upheld", "workflow.approve",
                       "workflow.publish", "workflow.close_notice", "workflow.award"]
    assert 'value="award"' not in timeline and 'id="case-actions"' not in timeline
    mile_case = officer_mile.get(f"/admin/case/{mile.id}")
    mile_actions = re.findall(r'data-action="(workflow\.[a-z_]+)"', mile_case)
    assert mile_actions == ["workflow.submit", "workflow.return", "workflow.resubmit", "workflow.approve",
                            "workflow.conclude_expert_review", "workflow.approve", "workflow.publish",
                            "workflow.close_notice", "workflow.approve", "workflow.award"]
    again = officer_mile.client.post(f"/admin/case/{mile.id}/act", data={
        "csrf_token": CSRF_RE.search(mile_case).group(1), "action": "award",
        "expected_version": str(db.session.get(Application, mile.id).version), "expected_step": ""})
    assert again.status_code == 400 and "该申报当前不在任何审核步骤" in plain(again.get_data(as_text=True))
    assert db.session.scalars(select(Recognition).where(Recognition.application_id == mile.id)).all() == [titles[mile.id]]
