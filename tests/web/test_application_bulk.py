"""The applications list's filters and bulk actions (issue 20; core/admin/application_list.py),
through real HTTP with CSRF on, on SQLite and PostgreSQL:

- filters by step, district, batch, call and submitted date, each inside the user's scope, the
  date filters including both end days;
- assign to a batch: the chosen batch takes the applications at an expert step, names the
  others with their reason, and each addition is audited; an id of another jurisdiction is dropped;
- export the selection: a workbook of exactly the ticked visible rows, each audited;
- remind: the applicants of each application are told once a day, each audited;
- the actions are the officer's (the leader may only export), and not for another bureau's rows.
"""
from __future__ import annotations

import io
import json
import re
from datetime import date

import openpyxl
import pytest
from sqlalchemy import func, select

from core.admin import application_list
from core.platform.extensions import db
from core.platform.models import Application, AuditEvent, Batch, Call, Notification
from tests.conftest import csrf_token
from tests.factories import make_application, make_org, make_space, make_user
from tests.notice_helpers import logged_in as client_of  # a fresh client signed in as the user

KUNMING_DOC = "昆科发〔2017〕55号"


def at_expert_step(name: str, region: str = "530102", **fields) -> Application:
    space = make_space(make_org(f"{name}运营单位", region=region), name)
    return make_application("kunming", "comprehensive_service", space, status="in_review",
                            current_step="expert_review", policy_document=KUNMING_DOC, **fields)


@pytest.fixture
def officer(app):
    return make_user("officer", ["kunming"], login="km-bulk@example.cn")


def filter_url(client, name: str, value: str, operation: str | None = None) -> str:
    """The list's URL filtered by the filter called ``name`` (its index read from the page's own
    filter menu, as the dashboard's links read it from the view)."""
    from flask import current_app

    view = next(v for v in current_app.extensions["admin"][0]._views if getattr(v, "endpoint", "") == "application")
    index = next(i for i, f in enumerate(view._filters)
                 if str(f.name) == str(name) and (operation is None or str(f.operation()) == operation))
    return f"/admin/application/?flt0_{index}={value}"


def listed_ids(client, url: str) -> list[int]:
    response = client.get(url)
    assert response.status_code == 200
    return sorted(int(i) for i in re.findall(r'name="rowid" class="action-checkbox" value="(\d+)"', response.get_data(as_text=True)))


def act(client, action: str, ids: list[int]):
    token = csrf_token(client, "/admin/application/")
    return client.post("/admin/application/action/", data={"action": action, "rowid": [str(i) for i in ids],
                                                            "csrf_token": token})


def audited(action: str) -> list[str]:
    return sorted(db.session.scalars(select(AuditEvent.object_id).where(AuditEvent.action == action)))


def test_filters_by_step_district_batch_call_and_date(app, officer):
    call = Call(jurisdiction="kunming", title="2026年众创空间申报通知", opens_on=date(2026, 3, 1),
                closes_on=date(2026, 3, 31), categories=["comprehensive_service"])
    batch = Batch(jurisdiction="kunming", name="第一批")
    db.session.add_all([call, batch])
    db.session.commit()
    first = at_expert_step("滇池一号", submitted_on=date(2026, 3, 1), call_id=call.id, batch_id=batch.id)
    second = at_expert_step("呈贡二号", region="530114", submitted_on=date(2026, 3, 31))
    third = make_application("kunming", "comprehensive_service", make_space(make_org("盘龙单位", region="530103")),
                             status="in_review", current_step="preliminary_review", policy_document=KUNMING_DOC,
                             submitted_on=date(2026, 4, 1))
    elsewhere = make_application("mile", "comprehensive", status="in_review", current_step="expert_review")
    client = client_of(app, officer)

    assert listed_ids(client, filter_url(client, application_list.STEP, "expert_review")) == [first.id, second.id]
    assert elsewhere.id not in listed_ids(client, filter_url(client, application_list.STEP, "expert_review"))
    assert listed_ids(client, filter_url(client, application_list.DISTRICT, "530114")) == [second.id]
    assert listed_ids(client, filter_url(client, application_list.BATCH, str(batch.id))) == [first.id]
    assert listed_ids(client, filter_url(client, application_list.CALL, str(call.id))) == [first.id]
    page = client.get("/admin/application/").get_data(as_text=True)
    # the district's options are the regions of his applications' spaces, not another bureau's
    assert "530114" in page and "532504" not in page
    assert third.id in listed_ids(client, "/admin/application/")


def test_date_filter_includes_both_end_days(app, officer):
    on_first = at_expert_step("一日", submitted_on=date(2026, 3, 1))
    on_last = at_expert_step("末日", submitted_on=date(2026, 3, 31))
    before = at_expert_step("前一日", submitted_on=date(2026, 2, 28))
    after = at_expert_step("后一日", submitted_on=date(2026, 4, 1))
    client = client_of(app, officer)
    from flask import current_app

    view = next(v for v in current_app.extensions["admin"][0]._views if getattr(v, "endpoint", "") == "application")
    index = next(i for i, f in enumerate(view._filters)
                 if str(f.name) == str(application_list.SUBMITTED) and type(f).__name__ == "DateBetweenFilter")
    found = listed_ids(client, f"/admin/application/?flt0_{index}=2026-03-01%20to%202026-03-31")
    assert found == [on_first.id, on_last.id]
    assert before.id not in found and after.id not in found


def test_assign_to_batch_adds_those_at_the_expert_step_and_audits_each(app, officer):
    batch = Batch(jurisdiction="kunming", name="第二批")
    db.session.add(batch)
    db.session.commit()
    ready = [at_expert_step("评审甲"), at_expert_step("评审乙")]
    early = make_application("kunming", "comprehensive_service", status="in_review",
                             current_step="preliminary_review", policy_document=KUNMING_DOC)
    other = make_application("mile", "comprehensive", status="in_review", current_step="expert_review")
    client = client_of(app, officer)

    page = act(client, "assign_batch", [a.id for a in ready] + [early.id, other.id])
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and 'id="assign-batch"' in html
    assert f'value="{other.id}"' not in html  # another bureau's id is dropped at once
    token = csrf_token(client, "/admin/application/")
    done = client.post("/admin/application/assign-batch/", data={
        "csrf_token": token, "batch_id": str(batch.id), "rowid": [str(a.id) for a in ready] + [str(early.id),
                                                                                                str(other.id)]})
    assert done.status_code == 302
    db.session.expire_all()
    assert [db.session.get(Application, a.id).batch_id for a in ready] == [batch.id, batch.id]
    assert db.session.get(Application, early.id).batch_id is None
    assert db.session.get(Application, other.id).batch_id is None
    assert audited("batch.application_added") == [str(batch.id)] * 2
    follow = client.get("/admin/application/").get_data(as_text=True)
    assert "不在专家评审步骤" in follow  # the refused one is named with its reason


def test_assign_without_csrf_is_refused(app, officer):
    batch = Batch(jurisdiction="kunming", name="第三批")
    db.session.add(batch)
    db.session.commit()
    ready = at_expert_step("无令牌")
    client = client_of(app, officer)
    response = client.post("/admin/application/assign-batch/", data={"batch_id": str(batch.id),
                                                                     "rowid": [str(ready.id)]})
    assert response.status_code == 400
    db.session.expire_all()
    assert db.session.get(Application, ready.id).batch_id is None


def test_export_selection_is_the_ticked_visible_rows_each_audited(app, officer):
    mine = [at_expert_step("导出甲"), at_expert_step("=HYPERLINK(\"x\")导出乙")]
    unticked = at_expert_step("不导出")
    other = make_application("mile", "comprehensive")
    client = client_of(app, officer)
    response = act(client, "export_selection", [a.id for a in mine] + [other.id])
    assert response.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(response.data)).active
    rows = list(sheet.iter_rows(values_only=True))
    ids = sorted(int(r[0]) for r in rows[1:])
    assert ids == [a.id for a in mine] and unticked.id not in ids
    spaces = [r[3] for r in rows[1:]]
    assert any(str(s).startswith("'=") for s in spaces)  # a formula is written as text
    assert audited("application.exported") == sorted(str(a.id) for a in mine)


def returned(name: str) -> Application:
    space = make_space(make_org(f"{name}运营单位", region="530102"), name)
    return make_application("kunming", "comprehensive_service", space, status="returned",
                            current_step="district_review", policy_document=KUNMING_DOC)


def test_remind_tells_the_applicants_once_a_day_and_audits_each(app, officer):
    application = returned("提醒空间")
    applicant = make_user("applicant", (), login="applicant-bulk@example.cn", organisation=application.organisation)
    lonely = returned("无人账户")
    client = client_of(app, officer)
    assert act(client, "remind", [application.id, lonely.id]).status_code == 302
    assert f"#{lonely.id}" in client.get("/admin/application/").get_data(as_text=True)  # nobody to tell
    told = db.session.scalars(select(Notification).where(Notification.user_id == applicant.id,
                                                         Notification.event == "application.reminded")).all()
    assert len(told) == 1 and told[0].link == f"/portal/applications/{application.id}"
    assert audited("application.reminded") == [str(application.id)]
    assert act(client, "remind", [application.id]).status_code == 302  # the same day: nobody twice
    assert db.session.scalar(select(func.count(Notification.id)).where(
        Notification.user_id == applicant.id, Notification.event == "application.reminded")) == 1
    assert f"#{application.id}" in client.get("/admin/application/").get_data(as_text=True)  # already today


@pytest.mark.parametrize("status", ["returned"])
def test_an_application_waiting_on_its_applicant_is_reminded_in_words_of_its_state(app, officer, status):
    space = make_space(make_org("等待单位", region="530102"), "等待空间")
    application = make_application("kunming", "comprehensive_service", space, status=status,
                                   policy_document=KUNMING_DOC)
    applicant = make_user("applicant", (), login="applicant-wait@example.cn", organisation=application.organisation)
    client = client_of(app, officer)
    act(client, "remind", [application.id])
    (told,) = db.session.scalars(select(Notification).where(Notification.user_id == applicant.id,
                                                            Notification.event == "application.reminded")).all()
    assert told.params["status"] == status


@pytest.mark.parametrize("status, step", [("submitted", "district_review"), ("in_review", "expert_review"),
                                          ("under_notice", "notice"), ("recognised", None), ("rejected", None),
                                          ("withdrawn", None)])
def test_an_application_not_waiting_on_its_applicant_is_not_reminded_and_said(app, officer, status, step):
    space = make_space(make_org("不等待单位", region="530102"), "不等待空间")
    application = make_application("kunming", "comprehensive_service", space, status=status, current_step=step,
                                   policy_document=KUNMING_DOC)
    make_user("applicant", (), login="applicant-nowait@example.cn", organisation=application.organisation)
    client = client_of(app, officer)
    act(client, "remind", [application.id])
    assert db.session.scalar(select(func.count(Notification.id)).where(
        Notification.event == "application.reminded")) == 0
    assert audited("application.reminded") == []
    assert f"#{application.id}" in client.get("/admin/application/").get_data(as_text=True)


@pytest.mark.parametrize("value", ["²", "99999999999999999999", "2147483648", "-1", "1x"])
def test_an_id_that_is_no_row_id_is_dropped_not_a_server_error(app, officer, value):
    application = returned("怪编号")
    client = client_of(app, officer)
    for action in ("remind", "export_selection", "assign_batch"):
        assert act(client, action, [value]).status_code in (200, 302)
    token = csrf_token(client, "/admin/application/")
    assert client.post("/admin/application/assign-batch/", data={
        "csrf_token": token, "batch_id": value, "rowid": [str(application.id)]}).status_code == 302
    for name in (application_list.BATCH, application_list.CALL):
        assert client.get(filter_url(client, name, value)).status_code == 200


@pytest.mark.parametrize("name", [application_list.STEP, application_list.DISTRICT])
def test_a_control_character_in_a_filter_or_the_search_filters_nothing(app, officer, name):
    application = returned("控制字符")
    client = client_of(app, officer)
    assert application.id in listed_ids(client, filter_url(client, name, "%00"))
    assert application.id in listed_ids(client, "/admin/application/?search=%00")


def test_filter_options_show_no_draft_call_to_a_leader_and_no_other_district_batch_to_a_recommender(app, officer):
    draft = Call(jurisdiction="kunming", title="草稿通知", opens_on=date(2027, 1, 1), closes_on=date(2027, 3, 31),
                 categories=["comprehensive_service"], published=False)
    elsewhere = Batch(jurisdiction="kunming", name="呈贡批次")
    db.session.add_all([draft, elsewhere])
    db.session.commit()
    at_expert_step("呈贡空间", region="530114", batch_id=elsewhere.id)
    def offered(client, text: str) -> bool:  # the options travel in the page's JSON, escaped
        page = client.get("/admin/application/").get_data(as_text=True)
        return text in page or json.dumps(text)[1:-1] in page

    leader = client_of(app, make_user("leader", ["kunming"], login="km-leader-opts@example.cn"))
    assert not offered(leader, "草稿通知")
    assert offered(client_of(app, officer), "草稿通知")
    recommender = make_user("recommender", ["kunming"], login="km-rec-opts@example.cn", region_prefix="530102")
    assert not offered(client_of(app, recommender), "呈贡批次")
    assert offered(client_of(app, officer), "呈贡批次")


def test_only_the_officer_assigns_and_reminds_the_leader_exports(app):
    application = at_expert_step("角色空间")
    leader = make_user("leader", ["kunming"], login="km-leader-bulk@example.cn")
    client = client_of(app, leader)
    page = client.get("/admin/application/").get_data(as_text=True)
    assert "export_selection" in page and "assign_batch" not in page and '"remind"' not in page
    act(client, "remind", [application.id])
    assert audited("application.reminded") == []
    assert client.post("/admin/application/assign-batch/", data={
        "csrf_token": csrf_token(client, "/admin/application/"), "batch_id": "1",
        "rowid": [str(application.id)]}).status_code == 302
    db.session.expire_all()
    assert db.session.get(Application, application.id).batch_id is None


def test_a_filter_value_that_is_no_number_lists_without_error(app, officer):
    application = at_expert_step("非数字")
    client = client_of(app, officer)
    for name in (application_list.BATCH, application_list.CALL):
        response = client.get(filter_url(client, name, "abc"))
        assert response.status_code == 200
    assert application.id in listed_ids(client, filter_url(client, application_list.BATCH, "abc"))
