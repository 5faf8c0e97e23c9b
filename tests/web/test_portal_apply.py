"""The applicant's new application (issue 5 items 4 and 6): choose, fill the 昆明 form
pre-filled from the space, save drafts with invalid input kept as typed, upload the
materials of 第九条, submit (refused while a material is missing or outside the call),
the snapshot frozen after submission, and the status page — real HTTP, CSRF on, real
database."""
from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select

from tests.conftest import FrozenDay
from core.platform.extensions import db
from core.platform.models import (
    Application,
    Attachment,
    AuditEvent,
    NoticeEntry,
    PublicNotice,
    Recognition,
    Resident,
    ReviewRecord,
)
from tests.factories import make_application, make_user
from tests.portal_helpers import (
    NEW_URL,
    REQUIRED_KUNMING,
    TODAY,
    kunming_operator,
    new_draft,
    open_call,
    page_form,
    plain,
    token,
    upload,
)
from tests.domain.test_forms import FACTS


@pytest.fixture(autouse=True)
def today(monkeypatch):
    now = FrozenDay(TODAY)
    return now


@pytest.fixture
def operator(app):
    open_call()
    return kunming_operator(app)


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def test_choice_offers_only_jurisdictions_covering_the_space_and_categories_in_force(app, operator):
    client, _, space = operator
    html = client.get("/portal/applications/new").get_data(as_text=True)
    # 530112 lies in 昆明 (5301) and 云南 (53); 云科规〔2021〕1号 lapsed on 2026-04-03: not offered
    assert f'id="apply-{space.id}-kunming-comprehensive_service"' in html
    assert f'id="apply-{space.id}-kunming-tech_support"' in html
    assert "-yunnan-" not in html and "-mile-" not in html and "-xuzhou-" not in html
    # a jurisdiction not covering the space, or a category not of the policy: refused in Chinese
    refused = client.get(f"/portal/applications/new?space={space.id}&jurisdiction=mile&category=comprehensive")
    assert refused.status_code == 400 and "不适用于该众创空间" in plain(refused.get_data(as_text=True))
    refused = client.get(f"/portal/applications/new?space={space.id}&jurisdiction=kunming&category=key")
    assert refused.status_code == 400
    # another organisation's space: 404
    _, _, other_space = kunming_operator(app)
    assert client.get(NEW_URL.format(space=other_space.id)).status_code == 404
    assert count(Application) == 0


def test_form_is_prefilled_from_the_space_and_saved_as_a_draft(app, operator):
    client, user, space = operator
    space.residents.append(Resident(name="表里的入驻企业", kind="team", entered_on=date(2026, 1, 5)))
    db.session.commit()
    data = page_form(client, NEW_URL.format(space=space.id))
    assert data.get("workstations") == "48" and data.get("applicant_name") == "昆明滇池创新科技有限公司"
    assert data.get("residents-0-name") == "表里的入驻企业"  # the residents' table of "my space"
    draft = new_draft(client, space)
    assert draft.status == "draft" and draft.organisation_id == user.organisation_id
    assert draft.facts["workstations"] == 48 and draft.facts["residents"][0]["name"] == "表里的入驻企业"
    assert draft.form_data["service_theme"] == "数字经济与高原特色农业" and "_typed" not in draft.form_data
    events = db.session.scalars(select(AuditEvent.action).where(AuditEvent.object_id == str(draft.id))).all()
    assert "application.created" in events
    # asking again for the same title leads to the existing application, not a second one
    again = client.get(NEW_URL.format(space=space.id))
    assert again.status_code == 302 and again.location.endswith(f"/portal/applications/{draft.id}")


def test_hosted_by_operating_unit_flows_from_the_space_into_the_application_art5_6(app, operator):
    """昆科发〔2017〕55号 第五条（六）: the space's hosted_by_operating_unit pre-fills the 昆明 form
    and is in the application's facts; a space that never answered is not hosted."""
    client, _, space = operator
    assert "hosted_by_operating_unit" not in space.facts
    assert page_form(client, NEW_URL.format(space=space.id)).get("hosted_by_operating_unit") == "no"
    space.facts = {**space.facts, "hosted_by_operating_unit": True}
    db.session.commit()
    assert page_form(client, NEW_URL.format(space=space.id)).get("hosted_by_operating_unit") == "yes"
    draft = new_draft(client, space)
    assert draft.facts["hosted_by_operating_unit"] is True


def test_invalid_input_is_saved_as_typed_and_shown_with_a_chinese_error(app, operator):
    client, _, space = operator
    draft = new_draft(client, space, workstations="-3", public_area_m2="十")
    assert draft.form_data["_typed"]["workstations"] == ["-3"]
    assert draft.facts["workstations"] == 48  # the facts keep the last valid values
    html = client.get(f"/portal/applications/{draft.id}/draft").get_data(as_text=True)
    assert 'value="-3"' in html and 'value="十"' in html
    assert "不能为负数" in html.split('id="workstations-errors"', 1)[1][:200]
    assert 'id="public_area_m2-errors"' in html
    # corrected: the typed input is gone, the facts are the new ones
    url = f"/portal/applications/{draft.id}/draft"
    data = page_form(client, url)
    data.setlist("workstations", ["50"])
    data.setlist("public_area_m2", ["90"])
    data.setlist("intent", ["save"])
    assert client.post(url, data=data).status_code == 302
    db.session.refresh(draft)
    assert draft.facts["workstations"] == 50 and "_typed" not in draft.form_data
    assert 'id="workstations-errors"' not in client.get(url).get_data(as_text=True)


def test_submit_is_refused_naming_the_missing_materials_then_accepted(app, operator):
    client, _, space = operator
    draft = new_draft(client, space)
    url = f"/portal/applications/{draft.id}/draft"
    for code in REQUIRED_KUNMING[:3]:
        assert upload(client, draft.id, code).status_code == 302
    data = page_form(client, url)
    data.setlist("intent", ["submit"])
    data.setlist("confirm_submit", ["yes"])  # the tick box beside 提交申报
    data.setlist("workstations", ["49"])
    refused = client.post(url, data=data)
    text = plain(refused.get_data(as_text=True))
    assert refused.status_code == 400 and "以下必需的申报材料尚未上传" in text and "年度工作计划" in text
    assert "建设运营方案" not in text.split("尚未上传")[1][:60]
    assert 'value="49"' in refused.get_data(as_text=True)  # what was typed stays on the page
    db.session.refresh(draft)
    assert draft.status == "draft" and draft.facts["workstations"] == 48  # nothing written
    assert count(ReviewRecord) == 0
    # the optional （五）其他 is not needed; the last required one is
    assert upload(client, draft.id, "annual_plan").status_code == 302
    data = page_form(client, url)
    data.setlist("intent", ["submit"])
    data.setlist("confirm_submit", ["yes"])  # the tick box beside 提交申报
    response = client.post(url, data=data)
    assert response.status_code == 302 and response.location.endswith(f"/portal/applications/{draft.id}")
    db.session.refresh(draft)
    assert (draft.status, draft.current_step) == ("submitted", "district_review")
    assert draft.submitted_on == TODAY and draft.policy_document == "昆科发〔2017〕55号"
    assert draft.call_id is not None


def test_the_detail_page_submit_checks_the_materials_too(app, operator):
    client, _, space = operator
    draft = new_draft(client, space)
    html = client.get(f"/portal/applications/{draft.id}").get_data(as_text=True)
    refused = client.post(f"/portal/applications/{draft.id}/act",
                          data={"csrf_token": token(html), "action": "submit", "expected_version": draft.version,
                                "confirm_submit": "yes"})
    assert refused.status_code == 400 and "尚未上传" in plain(refused.get_data(as_text=True))
    db.session.refresh(draft)
    assert draft.status == "draft"


@pytest.mark.parametrize("day, accepted", [
    (date(2026, 9, 30), False), (date(2026, 10, 1), True), (date(2026, 10, 31), True), (date(2026, 11, 1), False)])
def test_submission_only_inside_the_call_window(app, operator, today, day, accepted):
    """昆科发〔2017〕55号 第八条: applications in answer to the bureau's call; both end days included."""
    client, _, space = operator
    draft = new_draft(client, space)
    for code in REQUIRED_KUNMING:
        upload(client, draft.id, code)
    today[0] = day
    url = f"/portal/applications/{draft.id}/draft"
    data = page_form(client, url)
    data.setlist("intent", ["submit"])
    data.setlist("confirm_submit", ["yes"])  # the tick box beside 提交申报
    response = client.post(url, data=data)
    db.session.refresh(draft)
    if accepted:
        assert response.status_code == 302 and draft.status == "submitted"
    else:
        assert response.status_code == 400 and draft.status == "draft"
        assert "申报通知规定的受理期内" in plain(response.get_data(as_text=True))


def submitted(client, space) -> Application:
    draft = new_draft(client, space)
    for code in REQUIRED_KUNMING:
        upload(client, draft.id, code)
    url = f"/portal/applications/{draft.id}/draft"
    data = page_form(client, url)
    data.setlist("intent", ["submit"])
    data.setlist("confirm_submit", ["yes"])  # the tick box beside 提交申报
    assert client.post(url, data=data).status_code == 302
    db.session.refresh(draft)
    return draft


def test_snapshot_is_frozen_after_submission(app, operator):
    client, _, space = operator
    application = submitted(client, space)
    frozen = dict(application.facts)
    # the operator changes its space afterwards
    space.facts["workstations"] = 99
    space.name = "滇池创客空间（新）"
    space.residents.append(Resident(name="后来入驻的企业", kind="enterprise", entered_on=date(2026, 11, 1)))
    db.session.commit()
    db.session.expire_all()
    application = db.session.get(Application, application.id)
    assert application.facts == frozen and application.facts["workstations"] == 48
    assert "后来入驻的企业" not in str(application.facts)


def test_a_submitted_application_cannot_be_edited(app, operator):
    client, _, space = operator
    application = submitted(client, space)
    url = f"/portal/applications/{application.id}/draft"
    assert client.get(url).status_code == 302  # the draft page leads to the status page
    html = client.get(f"/portal/applications/{application.id}").get_data(as_text=True)
    data = page_form(client, f"/portal/applications/{application.id}")
    data.update({"csrf_token": token(html), "workstations": "1", "intent": "save",
                 "expected_version": str(application.version)})
    refused = client.post(url, data=data)
    assert refused.status_code == 400 and "已提交的申报不能修改" in plain(refused.get_data(as_text=True))
    # nor its materials replaced or removed
    refused = upload(client, application.id, "annual_plan", page=f"/portal/applications/{application.id}")
    assert refused.status_code == 302 and refused.location.endswith("#material-annual_plan")  # said at the material
    assert "已提交的申报不能更换或删除申报材料" in plain(client.get(refused.location).get_data(as_text=True))
    refused = client.post(f"/portal/applications/{application.id}/materials/annual_plan/remove",
                          data={"csrf_token": token(html)})
    assert refused.status_code == 302
    assert "已提交的申报不能更换或删除申报材料" in plain(client.get(refused.location).get_data(as_text=True))
    assert count(Attachment) == len(REQUIRED_KUNMING)  # nothing replaced or removed
    db.session.expire_all()
    assert db.session.get(Application, application.id).facts["workstations"] == 48
    assert count(ReviewRecord) == 1  # the submission only


def test_another_applicants_application_is_404_everywhere(app, operator):
    client, _, space = operator
    foreign = make_application("kunming", "comprehensive_service", status="draft", facts=dict(FACTS))
    html = client.get("/portal/").get_data(as_text=True)
    for url in (f"/portal/applications/{foreign.id}", f"/portal/applications/{foreign.id}/draft"):
        assert client.get(url).status_code == 404
    for url in (f"/portal/applications/{foreign.id}/draft", f"/portal/applications/{foreign.id}/materials/annual_plan",
                f"/portal/applications/{foreign.id}/materials/annual_plan/remove"):
        assert client.post(url, data={"csrf_token": token(html)}).status_code == 404
    assert not db.session.scalar(select(func.count()).select_from(AuditEvent).where(
        AuditEvent.object_type == "Application", AuditEvent.object_id == str(foreign.id)))
    assert count(Attachment) == 0


def test_staff_are_sent_to_the_admin(app, operator):
    from tests.factories import login
    officer = make_user("officer", ("kunming",))
    staff = app.test_client()
    login(staff, officer)
    assert staff.get("/portal/applications/new").status_code == 302


def test_status_page_steps_next_step_and_no_internal_notes(app, operator):
    client, _, space = operator
    application = submitted(client, space)
    db.session.add(ReviewRecord(application_id=application.id, step="district_review", action="note",
                                opinion="内部意见：仅供局内参考"))
    db.session.commit()
    html = client.get(f"/portal/applications/{application.id}").get_data(as_text=True)
    text = plain(html)
    assert 'id="step-district_review" class="zc-current"' in html
    assert "下一步" in text or "Next step" in text
    assert 'id="next-step"' in html
    assert "内部意见" not in text


def test_status_page_notice_period_with_link_and_title(app, operator):
    client, _, space = operator
    application = make_application("kunming", "comprehensive_service", space=space, status="under_notice",
                                   current_step="public_notice", policy_document="昆科发〔2017〕55号")
    notice = PublicNotice(jurisdiction="kunming", title="2026年昆明市众创空间认定结果公示", published_on=TODAY,
                          first_day=date(2026, 10, 21), last_day=date(2026, 10, 29), days=7,
                          period_source="昆科发〔2017〕55号 第十一条")
    notice.entries.append(NoticeEntry(application_id=application.id))
    db.session.add(notice)
    db.session.commit()
    html = client.get(f"/portal/applications/{application.id}").get_data(as_text=True)
    assert "2026-10-21" in plain(html) and "2026-10-29" in plain(html)
    assert f'href="/notices/{notice.id}"' in html
    application.status, application.current_step = "recognised", None
    db.session.add(Recognition(application_id=application.id, space_id=space.id, jurisdiction="kunming",
                               title="昆明市众创空间", certificate_number="昆科众创〔2026〕001号",
                               level="municipal", granted_on=date(2026, 11, 9)))
    db.session.commit()
    html = client.get(f"/portal/applications/{application.id}").get_data(as_text=True)
    assert 'id="certificate-number">昆科众创〔2026〕001号<' in html and "昆明市众创空间" in plain(html)
    assert 'class="zc-passed"' in html and 'class="zc-current"' not in html


def test_pages_are_responsive_and_use_local_assets_only(app, operator):
    client, _, space = operator
    draft = new_draft(client, space)
    for url in ("/portal/", "/portal/applications/new", f"/portal/applications/{draft.id}",
                f"/portal/applications/{draft.id}/draft"):
        html = client.get(url).get_data(as_text=True)
        assert '<meta name="viewport" content="width=device-width, initial-scale=1">' in html
        assert "http://" not in html.replace("http://localhost", "") and "https://" not in html
    css = client.get("/static/zc.css").get_data(as_text=True)
    assert '"PingFang SC", "Microsoft YaHei", "Noto Sans CJK SC", "WenQuanYi Micro Hei", sans-serif' in css
    assert "@import" not in css and "url(" not in css and "overflow-x: auto" in css


def test_a_returned_application_may_replace_a_material(app, operator):
    """Our choice: a revision may need a new proof, so a returned application's files may be replaced."""
    from core.review import workflow
    client, _, space = operator
    application = submitted(client, space)
    recommender = make_user("recommender", ("kunming",))
    workflow.act(application, "return", recommender, opinion="请补充年度工作计划的活动安排", today=TODAY)
    page = f"/portal/applications/{application.id}"
    assert 'id="material-annual_plan"' in client.get(page).get_data(as_text=True)
    response = upload(client, application.id, "annual_plan", name="年度工作计划（修订）.pdf", page=page)
    assert response.status_code == 302 and response.location.endswith(f"{page}#material-annual_plan")
    assert "年度工作计划（修订）.pdf" in client.get(page).get_data(as_text=True)
    names = db.session.scalars(select(Attachment.original_name).where(Attachment.material == "annual_plan")).all()
    assert names == ["年度工作计划（修订）.pdf"]


def test_without_a_space_the_choice_leads_to_my_space(app):
    from tests.factories import login, make_org
    user = make_user("applicant", organisation=make_org(region="530112"))
    client = app.test_client()
    login(client, user)
    html = client.get("/portal/applications/new").get_data(as_text=True)
    assert 'href="/portal/space/new"' in html


def test_a_table_row_error_is_shown_in_its_cell_not_as_a_python_dict(app, operator):
    """Issue 12 item 13: a 导师团队 row without 专/兼职 was printed under the table as
    ``{'full_time': ['请填写此项']}``."""
    client, _, space = operator
    draft = new_draft(client, space)
    url = f"/portal/applications/{draft.id}/draft"
    data = page_form(client, url)
    data.setlist("mentor_team-0-name", ["钱七"])
    data.setlist("mentor_team-0-organisation", ["云南大学 教授"])
    data.setlist("mentor_team-0-field_of_work", ["材料"])
    data.setlist("mentor_team-0-full_time", [""])  # 请选择
    data.setlist("intent", ["save"])
    assert client.post(url, data=data).status_code == 302
    html = client.get(url).get_data(as_text=True)
    assert "请填写此项" in html.split('id="mentor_team-0-full_time-errors"', 1)[1][:200]
    assert "full_time" not in html.split('id="mentor_team-0-full_time-errors"', 1)[1][:200]
    assert "{&#39;" not in html and "{'" not in html
    assert 'id="mentor_team-errors"' not in html  # nothing about the table as a whole
