"""The applicant's minimal pages (/portal/): the own applications only, submit, withdraw,
and a returned application edited on its jurisdiction's form and resubmitted with the
edit audited — real HTTP with CSRF on, real database."""
from __future__ import annotations

import re
from datetime import date

import pytest
from sqlalchemy import func, select

from core.review import workflow
from core.platform import clock
from core.platform.extensions import db
from core.platform.models import AuditEvent, Call, NoticeEntry, PublicNotice, Recognition, ReviewRecord
from tests.factories import login, make_application, make_org, make_space, make_user
from tests.domain.test_forms import FACTS, KUNMING_EXTRA, facts_formdata

TODAY = date(2026, 10, 20)  # 昆科发〔2017〕55号 in force, inside the call below
CSRF_RE = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


def plain(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", html))


def token(html: str) -> str:
    return CSRF_RE.search(html).group(1)


def version_on(html: str) -> str:
    return re.search(r'name="expected_version" value="(\d+)"', html).group(1)


def buttons(html: str) -> list[str]:
    return re.findall(r'<button type="submit" name="action" value="([a-z_]+)"', html)


@pytest.fixture(autouse=True)
def today(monkeypatch):
    clock.freeze(TODAY)


@pytest.fixture
def applicant(app):
    """A 昆明 operator with a draft, its applicant login, and the 昆明 recommender."""
    org = make_org(region="530112")
    space = make_space(org, name="滇池测试众创空间")
    draft = make_application("kunming", "comprehensive_service", space=space, status="draft", facts=dict(FACTS))
    db.session.add(Call(jurisdiction="kunming", title="2026年度昆明市众创空间认定申报通知",
                        opens_on=date(2026, 10, 1), closes_on=date(2026, 10, 31),
                        categories=["tech_support", "comprehensive_service"]))
    db.session.commit()
    user = make_user("applicant", organisation=org)
    client = app.test_client()
    response = login(client, user)
    assert response.status_code == 302 and response.location.endswith("/portal/")
    from tests.portal_helpers import REQUIRED_KUNMING, upload

    for code in REQUIRED_KUNMING:  # the portal submits only with the materials of 第九条
        assert upload(client, draft.id, code).status_code == 302
    return client, user, draft, make_user("recommender", ("kunming",))


def detail(client, application):
    response = client.get(f"/portal/applications/{application.id}")
    return response, response.get_data(as_text=True)


def act(client, application, action, html=None):
    html = html or detail(client, application)[1]
    return client.post(f"/portal/applications/{application.id}/act",
                       data={"csrf_token": token(html), "action": action, "expected_version": version_on(html),
                             "confirm_submit": "yes"})  # the tick box 提交申报 asks for


def test_list_shows_only_the_own_applications(app, applicant):
    client, _, draft, _ = applicant
    foreign = make_application("kunming", "comprehensive_service", status="submitted")
    html = client.get("/portal/").get_data(as_text=True)
    assert f'id="application-{draft.id}"' in html and "滇池测试众创空间" in html
    assert f'id="application-{foreign.id}"' not in html and foreign.space.name not in html
    # another organisation's application: 404 on every page, nothing done
    assert client.get(f"/portal/applications/{foreign.id}").status_code == 404
    assert client.get(f"/portal/applications/{foreign.id}/edit").status_code == 404
    _, html = detail(client, draft)
    response = client.post(f"/portal/applications/{foreign.id}/act",
                           data={"csrf_token": token(html), "action": "withdraw", "expected_version": "1"})
    assert response.status_code == 404
    db.session.refresh(foreign)
    assert foreign.status == "submitted"


def test_staff_and_anonymous_do_not_use_the_portal(app, applicant):
    anonymous = app.test_client()
    assert anonymous.get("/portal/").status_code == 302 and "/login" in anonymous.get("/portal/").location
    officer = app.test_client()
    login(officer, make_user("officer", ("kunming",)))
    response = officer.get("/portal/")
    assert response.status_code == 302 and response.location.endswith("/admin/")


def test_submit_a_draft(app, applicant):
    client, user, draft, _ = applicant
    response, html = detail(client, draft)
    assert buttons(html) == ["submit"]
    response = act(client, draft, "submit", html)
    assert response.status_code == 302
    db.session.refresh(draft)
    assert (draft.status, draft.current_step, draft.submitted_on) == ("submitted", "district_review", TODAY)
    _, html = detail(client, draft)
    text = plain(html)
    assert "县（市）区科技主管部门初审和实地查验" in text and "昆科发〔2017〕55号" in text
    assert buttons(html) == ["withdraw"]
    event = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "workflow.submit")).one()
    assert event.actor_id == user.id and event.client_address == "127.0.0.1"


def test_submitting_twice_is_refused(app, applicant):
    client, _, draft, _ = applicant
    _, html = detail(client, draft)
    assert act(client, draft, "submit", html).status_code == 302
    again = act(client, draft, "submit", html)  # the same page posted again
    assert again.status_code == 409 and "已被他人办理" in plain(again.get_data(as_text=True))
    assert db.session.scalar(select(func.count()).select_from(ReviewRecord)) == 1


def test_forged_actions_are_refused(app, applicant):
    client, _, draft, _ = applicant
    _, html = detail(client, draft)
    for action in ("approve", "resubmit", "award", "publish"):
        response = act(client, draft, action, html)
        assert response.status_code == 400, action
        assert "不能在此页面进行" in plain(response.get_data(as_text=True))
    # withdrawing a draft: the workflow says why not
    response = act(client, draft, "withdraw", html)
    assert response.status_code == 400 and "不能撤回" in plain(response.get_data(as_text=True))
    # no CSRF token: refused before anything
    response = client.post(f"/portal/applications/{draft.id}/act", data={"action": "submit", "expected_version": "1"})
    assert response.status_code == 400
    db.session.refresh(draft)
    assert draft.status == "draft"


def test_withdraw_before_a_decision_only(app, applicant):
    client, user, draft, _ = applicant
    workflow.act(draft, "submit", user, today=TODAY)
    assert act(client, draft, "withdraw").status_code == 302
    db.session.refresh(draft)
    assert draft.status == "withdrawn"
    _, html = detail(client, draft)
    assert buttons(html) == []
    # past the 局长办公会 decision (at the notice step): no button, and a forged post is refused
    later = make_application("kunming", "comprehensive_service", space=draft.space, status="in_review",
                             current_step="public_notice", policy_document="昆科发〔2017〕55号")
    _, html = detail(client, later)
    assert buttons(html) == []
    response = client.post(f"/portal/applications/{later.id}/act", data={
        "csrf_token": token(html), "action": "withdraw", "expected_version": str(later.version)})
    assert response.status_code == 400 and "审定之后不能撤回申报" in plain(response.get_data(as_text=True))
    db.session.refresh(later)
    assert later.status == "in_review"
    # one step before the decision, withdrawal is still allowed
    before = make_application("kunming", "comprehensive_service", space=draft.space, status="in_review",
                              current_step="bureau_decision", policy_document="昆科发〔2017〕55号")
    assert buttons(detail(client, before)[1]) == ["withdraw"]


@pytest.fixture
def returned(applicant):
    """The draft submitted, then returned by the district bureau with its reasons."""
    client, user, draft, recommender = applicant
    workflow.act(draft, "submit", user, today=TODAY)
    workflow.act(draft, "return", recommender, opinion="请补充租赁合同，并核实总面积", today=TODAY)
    return client, user, draft


def edit_data(html: str, **changes) -> dict:
    facts = dict(FACTS, **changes)
    data = facts_formdata(facts)
    for key, value in KUNMING_EXTRA.items():
        data.setlist(key, [value])
    data.setlist("csrf_token", [token(html)])
    data.setlist("expected_version", [version_on(html)])
    return data


def test_return_shows_the_reasons_and_an_edit_page_prefilled(app, returned):
    client, _, draft = returned
    _, html = detail(client, draft)
    assert "请补充租赁合同，并核实总面积" in plain(html)
    assert f'/portal/applications/{draft.id}/edit' in html and buttons(html) == ["withdraw"]
    response = client.get(f"/portal/applications/{draft.id}/edit")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert re.search(r'name="total_area_m2"[^>]*value="620"', page)
    assert "请补充租赁合同" in plain(page)


def test_edit_and_resubmit_is_audited_with_old_and_new_values(app, returned):
    client, user, draft = returned
    html = client.get(f"/portal/applications/{draft.id}/edit").get_data(as_text=True)
    data = edit_data(html, total_area_m2=650, lease_years=6)
    data.setlist("intent", ["resubmit"])
    response = client.post(f"/portal/applications/{draft.id}/edit", data=data)
    assert response.status_code == 302, plain(response.get_data(as_text=True))[:2000]
    db.session.refresh(draft)
    assert (draft.status, draft.current_step) == ("submitted", "district_review")
    assert draft.facts["total_area_m2"] == 650 and draft.form_data["service_theme"] == "数字经济与高原特色农业"
    edit = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "application.facts_edited")).one()
    assert edit.actor_id == user.id and edit.client_address == "127.0.0.1"
    assert edit.detail["changes"] == {"total_area_m2": {"old": 620, "new": 650}, "lease_years": {"old": 5, "new": 6}}
    assert [e.action for e in db.session.scalars(select(AuditEvent).where(
        AuditEvent.object_type == "Application", AuditEvent.action.not_like("application.material%"))
        .order_by(AuditEvent.id))] == [
        "workflow.submit", "workflow.return", "application.facts_edited", "workflow.resubmit"]
    # no longer returned: the edit page refuses
    response = client.get(f"/portal/applications/{draft.id}/edit")
    assert response.status_code == 400 and "只有被退回修改的申报" in plain(response.get_data(as_text=True))


def test_save_only_keeps_it_returned(app, returned):
    client, _, draft = returned
    html = client.get(f"/portal/applications/{draft.id}/edit").get_data(as_text=True)
    data = edit_data(html, workstations=50)
    data.setlist("intent", ["save"])
    assert client.post(f"/portal/applications/{draft.id}/edit", data=data).status_code == 302
    db.session.refresh(draft)
    assert draft.status == "returned" and draft.facts["workstations"] == 50


def test_bad_input_keeps_what_was_typed_and_saves_nothing(app, returned):
    client, _, draft = returned
    html = client.get(f"/portal/applications/{draft.id}/edit").get_data(as_text=True)
    data = edit_data(html)
    data.setlist("total_area_m2", ["六百"])
    data.setlist("public_area_m2", ["700"])
    data.setlist("intent", ["resubmit"])
    response = client.post(f"/portal/applications/{draft.id}/edit", data=data)
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert 'value="六百"' in page and 'id="total_area_m2-errors"' in page
    assert "填写有误" in page
    db.session.refresh(draft)
    assert draft.status == "returned" and draft.facts["total_area_m2"] == 620
    assert db.session.scalar(select(func.count()).select_from(AuditEvent).where(
        AuditEvent.action == "application.facts_edited")) == 0


def test_stale_edit_is_refused_and_nothing_saved(app, returned):
    """The page was drawn before the application changed (here: withdrawn and so on)."""
    client, user, draft = returned
    html = client.get(f"/portal/applications/{draft.id}/edit").get_data(as_text=True)
    data = edit_data(html, workstations=51)
    data.setlist("expected_version", [str(draft.version - 1)])
    data.setlist("intent", ["resubmit"])
    response = client.post(f"/portal/applications/{draft.id}/edit", data=data)
    assert response.status_code == 409 and "已被他人办理" in plain(response.get_data(as_text=True))
    assert 'value="51"' in response.get_data(as_text=True)  # what was typed stays
    db.session.refresh(draft)
    assert draft.status == "returned" and draft.facts["workstations"] == FACTS["workstations"]


def test_rejection_reasons_notice_period_and_title(app, applicant):
    client, _, draft, _ = applicant
    rejected = make_application("kunming", "comprehensive_service", space=draft.space, status="rejected",
                                current_step="bureau_decision", policy_document="昆科发〔2017〕55号")
    db.session.add(ReviewRecord(application_id=rejected.id, step="bureau_decision", action="reject",
                                opinion="场地面积不符合第七条（一）"))
    noticed = make_application("kunming", "tech_support", space=draft.space, status="under_notice",
                               current_step="public_notice", policy_document="昆科发〔2017〕55号")
    notice = PublicNotice(jurisdiction="kunming", title="公示", published_on=date(2026, 10, 19),
                          first_day=date(2026, 10, 19), last_day=date(2026, 10, 27), days=7,
                          period_source="昆科发〔2017〕55号 第十一条")
    notice.entries.append(NoticeEntry(application_id=noticed.id))
    recognised = make_application("kunming", "comprehensive_service", space=draft.space, status="recognised",
                                  policy_document="昆科发〔2017〕55号")
    db.session.add_all([notice, Recognition(application_id=recognised.id, space_id=draft.space.id,
                                            jurisdiction="kunming", title="昆明市众创空间",
                                            certificate_number="昆科众创〔2026〕001号", level="municipal",
                                            granted_on=date(2026, 11, 20))])
    db.session.commit()
    assert "场地面积不符合第七条（一）" in plain(detail(client, rejected)[1])
    text = plain(detail(client, noticed)[1])
    assert "2026-10-19" in text and "2026-10-27" in text and "第十一条" in text
    text = plain(detail(client, recognised)[1])
    assert "昆明市众创空间" in text and "昆科众创〔2026〕001号" in text
