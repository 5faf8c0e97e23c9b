"""A submitted application nobody can act on (issue 13, "The walk") — real HTTP with
CSRF on, real database, no mocks.

A 昆明 space in 530102 is submitted while the only recommender's area is 530112: the
first step, 县（市）区科技主管部门初审 (昆科发〔2017〕55号 第十条), is the recommender's.
The applicant is warned and told what happens next, the officer's dashboard lists the
application as 无人可办理, and an officer of 昆明 — not one of 弥勒 — either assigns the
step to a named recommender or acts in its place with a recorded reason; both audited.
"""
from __future__ import annotations

import json
import re
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import func, select

from core.review import attendance, workflow
from core.platform import clock
from core.platform.extensions import db
from core.platform.models import Application, AuditEvent, Call, ReviewRecord, StepAssignment
from tests.factories import login, make_application, make_org, make_space, make_user

FACTS = json.loads((Path(__file__).parent.parent / "data" / "kunming-comprehensive-service.json").read_text("utf-8"))
TODAY = date(2026, 10, 20)
CSRF_RE = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


def plain(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", html))


@pytest.fixture(autouse=True)
def today(monkeypatch):
    clock.freeze(TODAY)


def count(model, *where) -> int:
    return db.session.scalar(select(func.count()).select_from(model).where(*where))


def browser(app, user):
    client = app.test_client()
    assert login(client, user).status_code == 302
    return client


def submitted(region: str = "530102", recommender_prefix: str | None = "530112"):
    """A 昆明 application of a space in ``region``, submitted in the call (第八条), with a
    recommender whose area is ``recommender_prefix`` (None: the whole jurisdiction)."""
    org = make_org(region=region)
    space = make_space(org, region=region)
    application = make_application("kunming", "comprehensive_service", space=space, status="draft",
                                    facts=dict(FACTS, space_region=region))
    db.session.add(Call(jurisdiction="kunming", title="2026年度申报通知", opens_on=date(2026, 10, 1),
                        closes_on=date(2026, 10, 31), categories=["comprehensive_service"]))
    db.session.commit()
    users = {
        "applicant": make_user("applicant", organisation=org),
        "recommender": make_user("recommender", ("kunming",), region_prefix=recommender_prefix),
        "officer": make_user("officer", ("kunming",)),
        "leader": make_user("leader", ("kunming",)),
        "mile_officer": make_user("officer", ("mile",)),
    }
    workflow.act(application, "submit", users["applicant"], today=TODAY)
    return application, users


def case_form(client, application, form_id):
    html = client.get(f"/admin/case/{application.id}").get_data(as_text=True)
    form = re.search(rf'<form[^>]*id="{form_id}".*?</form>', html, re.S)
    assert form, form_id
    fields = dict(re.findall(r'<input type="hidden" name="([a-z_]+)" value="([^"]*)"', form.group(0)))
    return html, fields


# --- the warning and the dashboard ---------------------------------------------------------------


def test_applicant_is_warned_and_told_what_happens_next_article_10(app):
    """第十条 县（市）区初审: no recommender's area covers 530102 — the submission goes
    through (已提交) and the applicant's page says why nobody acts yet and what follows."""
    application, users = submitted()
    assert application.status == "submitted" and application.current_step == "district_review"
    html = browser(app, users["applicant"]).get(f"/portal/applications/{application.id}").get_data(as_text=True)
    warning = plain(re.search(r'<div[^>]*id="unattended-warning".*?</div>', html, re.S).group(0))
    assert "530102" in warning and "县（市）区科技主管部门初审" in warning
    assert "已提交" in warning and "指派" in warning and "无需重新提交" in warning


@pytest.mark.parametrize("prefix", ["530102", "5301", None])
def test_no_warning_when_a_recommender_covers_the_district_article_10(app, prefix):
    """The boundary: a recommender whose area is exactly 530102, the city 5301, or the
    whole jurisdiction can act — no warning, nothing listed."""
    application, users = submitted(recommender_prefix=prefix)
    assert attendance.unattended(application) is None
    html = browser(app, users["applicant"]).get(f"/portal/applications/{application.id}").get_data(as_text=True)
    assert 'id="unattended-warning"' not in html
    assert 'id="unattended"' not in browser(app, users["officer"]).get("/admin/").get_data(as_text=True)


def test_an_inactive_recommender_does_not_count(app):
    application, users = submitted(recommender_prefix="530102")
    users["recommender"].active = False
    db.session.commit()
    assert "530102" in attendance.unattended(application)


def test_dashboard_lists_it_as_nobody_can_act_within_scope_only(app):
    application, users = submitted()
    for role in ("officer", "leader"):
        html = browser(app, users[role]).get("/admin/").get_data(as_text=True)
        box = re.search(r'<div class="card border-warning mb-3" id="unattended">.*?</table>', html, re.S)
        assert box, role
        assert "无人可办理" in plain(box.group(0)) and f'href="/admin/case/{application.id}"' in box.group(0)
        assert "530102" in plain(box.group(0)) and "县（市）区科技主管部门初审" in plain(box.group(0))
    # another jurisdiction's officer sees nothing of it
    html = browser(app, users["mile_officer"]).get("/admin/").get_data(as_text=True)
    assert 'id="unattended"' not in html and f"/admin/case/{application.id}" not in html


# --- assign the step to a named recommender -----------------------------------------------------


def test_officer_assigns_the_step_to_a_named_recommender_audited(app):
    application, users = submitted()
    officer = browser(app, users["officer"])
    html, fields = case_form(officer, application, "assign-step")
    assert "无人可办理" in plain(html) and users["recommender"].name in html
    # the recommender cannot see it before
    recommender = browser(app, users["recommender"])
    assert recommender.get(f"/admin/case/{application.id}").status_code == 404
    # no choice: refused next to the field, nothing written
    refused = officer.post(f"/admin/case/{application.id}/assign", data={**fields, "assignee": ""})
    assert refused.status_code == 400 and 'id="assignee-error"' in refused.get_data(as_text=True)
    assert count(StepAssignment) == 0
    # another jurisdiction's recommender cannot be assigned
    stranger = make_user("recommender", ("mile",))
    refused = officer.post(f"/admin/case/{application.id}/assign", data={**fields, "assignee": str(stranger.id)})
    assert refused.status_code == 400 and "本辖区" in refused.get_data(as_text=True)
    assert count(StepAssignment) == 0
    done = officer.post(f"/admin/case/{application.id}/assign",
                        data={**fields, "assignee": str(users["recommender"].id), "assign_reason": "530102 暂无推荐单位"})
    assert done.status_code == 302
    found = db.session.scalars(select(StepAssignment)).one()
    assert (found.application_id, found.step, found.assignee_id, found.assigned_by_id) == (
        application.id, "district_review", users["recommender"].id, users["officer"].id)
    event = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "workflow.step_assigned")).one()
    assert event.actor_id == users["officer"].id and event.detail["assignee"] == users["recommender"].id
    assert event.opinion == "530102 暂无推荐单位" and event.jurisdiction == "kunming"
    # now the recommender sees it with his buttons; nobody else is warned any more
    html = recommender.get(f"/admin/case/{application.id}").get_data(as_text=True)
    assert re.findall(r'name="action" value="([a-z_]+)"', html) == ["approve", "return", "reject"]
    assert attendance.unattended(application) is None
    assert 'id="unattended"' not in officer.get("/admin/").get_data(as_text=True)
    page = browser(app, users["applicant"]).get(f"/portal/applications/{application.id}").get_data(as_text=True)
    assert 'id="unattended-warning"' not in page
    timeline = plain(officer.get(f"/admin/case/{application.id}").get_data(as_text=True))
    assert "指派推荐单位办理" in timeline and "step_assigned" not in timeline
    # a second assignment is refused: somebody can act now
    refused = officer.post(f"/admin/case/{application.id}/assign",
                           data={**fields, "assignee": str(users["recommender"].id)})
    assert refused.status_code == 400 and count(StepAssignment) == 1


def test_another_jurisdictions_officer_cannot_assign_or_act_in_place(app):
    application, users = submitted()
    _, fields = case_form(browser(app, users["officer"]), application, "assign-step")
    stranger = browser(app, users["mile_officer"])
    token = CSRF_RE.search(stranger.get("/admin/").get_data(as_text=True)).group(1)
    forged = {**fields, "csrf_token": token}
    assert stranger.post(f"/admin/case/{application.id}/assign",
                         data={**forged, "assignee": str(users["recommender"].id)}).status_code == 404
    assert stranger.post(f"/admin/case/{application.id}/act",
                         data={**forged, "action": "approve", "in_place": "1", "opinion": "同意推荐",
                               "substitute_reason": "代办"}).status_code == 404
    assert count(StepAssignment) == 0 and count(ReviewRecord) == 1  # the submission only
    # and the leader may see the problem but neither assign nor act in place
    leader = browser(app, users["leader"])
    html = leader.get(f"/admin/case/{application.id}").get_data(as_text=True)
    assert 'id="case-unattended"' in html and 'id="assign-step"' not in html and 'id="act-in-place"' not in html
    token = CSRF_RE.search(html).group(1)
    refused = leader.post(f"/admin/case/{application.id}/assign",
                          data={**fields, "csrf_token": token, "assignee": str(users["recommender"].id)})
    assert refused.status_code == 400 and count(StepAssignment) == 0


# --- act in the recommender's place with a recorded reason --------------------------------------


def test_officer_acts_in_the_recommenders_place_with_a_required_reason_article_10(app):
    """第十条: the officer passes 县区初审 in the recommender's place; the reason is
    required, kept when missing, and recorded with the review record in the audit log."""
    application, users = submitted()
    officer = browser(app, users["officer"])
    _, fields = case_form(officer, application, "act-in-place")
    assert fields.get("in_place") == "1"
    refused = officer.post(f"/admin/case/{application.id}/act",
                           data={**fields, "action": "approve", "opinion": "材料齐全，同意", "substitute_reason": "  "})
    html = refused.get_data(as_text=True)
    assert refused.status_code == 400 and re.search(r'id="substitute_reason-error">[^<]*代办理由', html)
    assert "材料齐全，同意" in html  # what was typed stays
    db.session.expire_all()
    assert db.session.get(Application, application.id).current_step == "district_review"
    assert count(ReviewRecord) == 1
    done = officer.post(f"/admin/case/{application.id}/act",
                        data={**fields, "action": "approve", "opinion": "材料齐全，同意",
                              "substitute_reason": "530102 暂无推荐单位账号，经请示由本局代为初审"})
    assert done.status_code == 302
    db.session.expire_all()
    moved = db.session.get(Application, application.id)
    assert (moved.status, moved.current_step) == ("in_review", "district_recommend")
    record = db.session.scalars(select(ReviewRecord).where(ReviewRecord.action == "approve")).one()
    assert record.actor_id == users["officer"].id and record.step == "district_review"
    event = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "workflow.approve")).one()
    assert event.detail["in_place_of"] == "recommender"
    assert event.detail["substitute_reason"] == "530102 暂无推荐单位账号，经请示由本局代为初审"
    timeline = plain(officer.get(f"/admin/case/{application.id}").get_data(as_text=True))
    assert "代为办理" in timeline and "经请示由本局代为初审" in timeline


def test_acting_in_place_is_refused_when_a_recommender_can_act(app):
    application, users = submitted(recommender_prefix="530102")
    officer = browser(app, users["officer"])
    html = officer.get(f"/admin/case/{application.id}").get_data(as_text=True)
    assert 'id="act-in-place"' not in html and 'id="case-unattended"' not in html
    token = CSRF_RE.search(html).group(1)
    refused = officer.post(f"/admin/case/{application.id}/act", data={
        "csrf_token": token, "expected_version": str(application.version), "expected_step": "district_review",
        "action": "approve", "in_place": "1", "opinion": "同意", "substitute_reason": "代办"})
    assert refused.status_code == 400 and "不能代为办理" in refused.get_data(as_text=True)
    assert count(ReviewRecord) == 1
