"""The bureau's data in the admin: settings, registered versions, criteria and the
calendar, entered through the forms (real HTTP, CSRF on, real database) and used at
once by the policy page, core.notice.periods and core.eligibility.engine."""
from __future__ import annotations

import json
import re
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import func, select

from core.eligibility import engine as eligibility

from core.notice import periods as notice

from core.bureau import data as bureau_data
from core.bureau import operations as bureau_operations
from core.platform import clock
from core.platform.extensions import db
from core.facts import parse_facts
from core.platform.models import AuditEvent, BureauCriterion, BureauPolicyVersion, BureauSetting, CalendarDay
from tests.conftest import csrf_token
from tests.factories import login, make_org, make_user

FACTS = json.loads((Path(__file__).parent.parent / "data" / "kunming-comprehensive-service.json").read_text("utf-8"))


@pytest.fixture(autouse=True)
def today(monkeypatch):
    clock.freeze(date(2026, 11, 23))


def client_for(app, role="officer", jurisdictions=("yunnan",), **fields):
    client = app.test_client()
    assert login(client, make_user(role, list(jurisdictions), **fields)).status_code == 302
    return client


def plain(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", html))


def post_form(client, url, data):
    token = csrf_token(client, url)
    return client.post(url, data={"csrf_token": token, **data})


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def events(action: str) -> list[AuditEvent]:
    return db.session.scalars(select(AuditEvent).where(AuditEvent.action == action)).all()


# --- settings -----------------------------------------------------------------------------


def test_yunnan_notice_days_through_the_form(app):
    client = client_for(app)
    response = post_form(client, "/admin/bureausetting/new/", {
        "target": "yunnan:notice_days", "value": "7", "document": "云科函〔2026〕12号", "article": "第三条",
        "note": "厅务会决定"})
    assert response.status_code == 302, plain(response.get_data(as_text=True))[:2000]
    row = db.session.scalars(select(BureauSetting)).one()
    assert (row.jurisdiction, row.key, row.value, row.document) == ("yunnan", "notice_days", 7, "云科函〔2026〕12号")
    # the policy page shows it with its source
    text = plain(client.get("/admin/policy/yunnan").get_data(as_text=True))
    assert "公示期 7 天 · 局设置 （云科函〔2026〕12号 第三条）" in text
    # core.notice.periods uses it, and says where it came from
    answer = notice.notice_period_for("yunnan", date(2026, 3, 2))
    assert answer["days"] == 7
    assert answer["source"]["kind"] == "bureau_setting" and answer["source"]["document"] == "云科函〔2026〕12号"
    # audited, with who did it
    [event] = events("bureau_setting.set")
    assert event.jurisdiction == "yunnan" and event.detail["new"] == 7 and event.actor_name.startswith("测试用户")
    # the list shows it
    listing = plain(client.get("/admin/bureausetting/").get_data(as_text=True))
    assert "公示期（天）（notice_days）" in listing and "云科函〔2026〕12号" in listing


def test_setting_edit_changes_value_and_is_audited(app):
    client = client_for(app)
    bureau_operations.set_bureau_setting("yunnan", "notice_days", 7, document="云科函〔2026〕12号")
    row_id = db.session.scalars(select(BureauSetting.id)).one()
    url = f"/admin/bureausetting/edit/?id={row_id}"
    page = client.get(url).get_data(as_text=True)
    assert 'value="7"' in page
    response = post_form(client, url, {"value": "10", "document": "云科函〔2026〕15号"})
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.scalars(select(BureauSetting.value)).one() == 10
    assert [e.detail["new"] for e in events("bureau_setting.set")] == [7, 10]
    assert notice.notice_period_for("yunnan", date(2026, 3, 2))["days"] == 10


@pytest.mark.parametrize("data,message", [
    ({"target": "yunnan:notice_days", "value": "-3"}, "公示期（天）应为正整数，实为 -3"),
    ({"target": "yunnan:notice_days", "value": "0"}, "公示期（天）应为正整数，实为 0"),
    ({"target": "yunnan:notice_days", "value": "十五天"}, "无法识别的取值"),
    ({"target": "yunnan:no_such_key", "value": "3"}, "yunnan 没有名为 no_such_key 的可设置项"),
    ({"target": "kunming:notice_days", "value": "3"}, "无权设置辖区 kunming 的数据"),
    ({"target": "yunnan:notice_days", "value": "", "document": "云科函〔2026〕12号"}, "必填"),
    ({"target": "yunnan:notice_days", "value": "7", "document": ""}, "依据的文件"),
])
def test_bad_setting_rerenders_with_chinese_error_and_writes_nothing(app, data, message):
    client = client_for(app)
    form = {"document": "云科函〔2026〕12号", "note": "保留我输入的说明", **data}
    response = post_form(client, "/admin/bureausetting/new/", form)
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert message in html
    assert "保留我输入的说明" in html  # what was typed is kept
    if form["value"]:
        assert f'value="{form["value"]}"' in html
    assert count(BureauSetting) == 0
    assert events("bureau_setting.set") == []


def test_setting_one_below_and_at_the_lower_bound(app):
    client = client_for(app)
    form = {"target": "yunnan:notice_days", "document": "云科函〔2026〕12号"}
    assert post_form(client, "/admin/bureausetting/new/", {**form, "value": "0"}).status_code == 200
    assert count(BureauSetting) == 0
    assert post_form(client, "/admin/bureausetting/new/", {**form, "value": "1"}).status_code == 302
    assert count(BureauSetting) == 1


def test_mile_and_xuzhou_amount_settings(app):
    client = client_for(app, jurisdictions=("mile", "xuzhou"))
    page = client.get("/admin/bureausetting/new/").get_data(as_text=True)
    assert "mile:assessment_subsidy_cny" in page and "xuzhou:evaluation_award_cny" in page
    assert "yunnan:notice_days" not in page  # only the user's jurisdictions
    response = post_form(client, "/admin/bureausetting/new/", {
        "target": "xuzhou:evaluation_award_cny", "value": "180000", "document": "徐科发〔2026〕3号"})
    assert response.status_code == 302
    text = plain(client.get("/admin/policy/xuzhou").get_data(as_text=True))
    assert "180000 元" in text


def test_officer_sees_only_own_jurisdiction_settings(app):
    bureau_operations.set_bureau_setting("xuzhou", "notice_days", 5, document="徐科发〔2026〕1号")
    row_id = db.session.scalars(select(BureauSetting.id)).one()
    client = client_for(app, jurisdictions=("yunnan",))
    listing = client.get("/admin/bureausetting/").get_data(as_text=True)
    assert "徐科发〔2026〕1号" not in listing
    response = client.get(f"/admin/bureausetting/edit/?id={row_id}")
    assert response.status_code == 302 and "徐科发" not in client.get(response.location).get_data(as_text=True)
    token = csrf_token(client, "/admin/bureausetting/new/")
    client.post(f"/admin/bureausetting/edit/?id={row_id}",
                data={"csrf_token": token, "value": "99", "document": "x"})
    db.session.expire_all()
    assert db.session.scalars(select(BureauSetting.value)).one() == 5


def test_access_by_role(app):
    assert client_for(app, "leader").get("/admin/bureausetting/").status_code == 403
    assert client_for(app, "expert").get("/admin/bureaucriterion/").status_code == 403
    applicant = client_for(app, "applicant", (), organisation=make_org())
    assert applicant.get("/admin/bureausetting/").status_code == 403
    assert client_for(app, "admin", ()).get("/admin/bureausetting/").status_code == 200


def test_post_without_csrf_is_refused(app):
    client = client_for(app)
    response = client.post("/admin/bureausetting/new/", data={
        "target": "yunnan:notice_days", "value": "7", "document": "云科函〔2026〕12号"})
    assert response.status_code == 400
    assert count(BureauSetting) == 0


# --- criteria -----------------------------------------------------------------------------


XUZHOU_CRITERION = {
    "jurisdiction": "xuzhou", "category": "key", "code": "min_area", "title": "场地面积不低于 1000 平方米",
    "fact_key": "total_area_m2", "operator": ">=", "threshold": "1000", "document": "徐政发〔2015〕73号",
    "article": "第五条", "item": "（一）",
}


def xuzhou_facts(area: float):
    facts = dict(FACTS, registered_region="320302", space_region="320302", total_area_m2=area,
                 public_area_m2=min(90, area))
    facts["uscc"] = __import__("core.facts", fromlist=["make_uscc"]).make_uscc("320302", "MA6X0001")
    return parse_facts(facts)


def test_xuzhou_criterion_through_the_form(app):
    client = client_for(app, jurisdictions=("xuzhou",))
    response = post_form(client, "/admin/bureaucriterion/new/", XUZHOU_CRITERION)
    assert response.status_code == 302, plain(response.get_data(as_text=True))[:2000]
    assert [e.detail["document"] for e in events("bureau_criterion.add")] == ["徐政发〔2015〕73号"]
    # on the policy page, marked as the bureau's and cited to its document
    text = plain(client.get("/admin/policy/xuzhou").get_data(as_text=True))
    assert "xuzhou.bureau.min_area 场地面积不低于 1000 平方米 局设置 自动 徐政发〔2015〕73号 第五条（一）" in text
    # and in evaluate: 以上/不低于 include the number itself
    at = eligibility.evaluate("xuzhou", "key", xuzhou_facts(1000), date(2026, 11, 23))
    below = eligibility.evaluate("xuzhou", "key", xuzhou_facts(999), date(2026, 11, 23))
    pick = lambda answer: next(c for c in answer["criteria"] if c["id"] == "xuzhou.bureau.min_area")
    assert pick(at)["result"] == "pass" and at["verdict"] == "eligible_pending_review"
    assert pick(below)["result"] == "fail" and below["verdict"] == "ineligible"
    assert pick(at)["citation"] == {"document": "徐政发〔2015〕73号", "article": "第五条", "item": "（一）"}


@pytest.mark.parametrize("change,message", [
    ({"fact_key": "no_such_fact"}, "未知的申报事实项 no_such_fact"),
    ({"threshold": "-1"}, "门槛应为非负数值"),
    ({"threshold": "一千"}, "无法识别的取值"),
    ({"operator": "true"}, "是是/否项" if False else "比较方式应为"),
    ({"code": "最小面积"}, "条件代码只能由英文字母、数字和下划线组成"),
    ({"document": ""}, "依据的文件"),
    ({"category": "nope"}, "xuzhou 没有认定类别 nope"),
    ({"jurisdiction": "kunming"}, "无权设置辖区 kunming 的数据"),
])
def test_bad_criterion_rerenders_and_writes_nothing(app, change, message):
    client = client_for(app, jurisdictions=("xuzhou",))
    response = post_form(client, "/admin/bureaucriterion/new/", {**XUZHOU_CRITERION, **change})
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert message in html
    assert "场地面积不低于 1000 平方米" in html  # the title typed is kept
    assert count(BureauCriterion) == 0 and events("bureau_criterion.add") == []


def test_duplicate_criterion_code_refused(app):
    client = client_for(app, jurisdictions=("xuzhou",))
    assert post_form(client, "/admin/bureaucriterion/new/", XUZHOU_CRITERION).status_code == 302
    response = post_form(client, "/admin/bureaucriterion/new/", XUZHOU_CRITERION)
    assert response.status_code == 200 and "已有条件代码 min_area" in response.get_data(as_text=True)
    assert count(BureauCriterion) == 1


# --- policy versions ------------------------------------------------------------------------


SUCCESSOR = {
    "jurisdiction": "yunnan", "document": "云科规〔2026〕2号", "title": "云南省众创空间认定管理办法（2026年修订）",
    "effective_from": "2026-05-01", "effective_to": "", "based_on": "云科规〔2021〕1号", "notice_days": "7",
    "note": "沿用 2021 年办法的条件",
}


def test_successor_version_through_the_form(app):
    client = client_for(app)
    response = post_form(client, "/admin/bureaupolicyversion/new/", SUCCESSOR)
    assert response.status_code == 302, plain(response.get_data(as_text=True))[:2000]
    row = db.session.scalars(select(BureauPolicyVersion)).one()
    assert (row.document, row.effective_from, row.effective_to, row.notice_days) == (
        "云科规〔2026〕2号", date(2026, 5, 1), None, 7)
    assert [e.detail["based_on"] for e in events("bureau_policy_version.add")] == ["云科规〔2021〕1号"]
    text = plain(client.get("/admin/policy/yunnan").get_data(as_text=True))
    assert "已失效，当前无有效政策" not in text
    assert "云科规〔2026〕2号" in text and "主管部门登记" in text
    assert "公示期 7 天" in text
    # evaluate on 2026-11-01 applies it
    answer = eligibility.evaluate("yunnan", "provincial", parse_facts(FACTS), date(2026, 11, 1))
    assert answer["policy"]["document"] == "云科规〔2026〕2号"
    assert answer["verdict"] != "no_policy_in_force"


@pytest.mark.parametrize("change,message", [
    ({"effective_from": "2026-02-01"}, "有效期与 云科规〔2021〕1号"),
    ({"effective_from": "2026-02-30"}, "请按 YYYY-MM-DD"),
    ({"effective_to": "2026-04-30"}, "早于起始日"),
    ({"notice_days": "0"}, "公示期应为正整数天"),
    ({"notice_days": "七"}, "请填写整数天数"),
    ({"based_on": "云科规〔2099〕9号"}, "不是 yunnan 的已知版本"),
    ({"document": ""}, "必填"),
])
def test_bad_version_rerenders_and_writes_nothing(app, change, message):
    client = client_for(app)
    response = post_form(client, "/admin/bureaupolicyversion/new/", {**SUCCESSOR, **change})
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert message in html
    assert "云南省众创空间认定管理办法（2026年修订）" in html
    assert count(BureauPolicyVersion) == 0 and events("bureau_policy_version.add") == []


# --- calendar -------------------------------------------------------------------------------


def test_calendar_day_admin_only(app):
    assert client_for(app).get("/admin/calendarday/").status_code == 403
    client = client_for(app, "admin", ())
    response = post_form(client, "/admin/calendarday/new/", {"day": "2027-10-09", "is_workday": "1",
                                                            "note": "国庆调休上班"})
    assert response.status_code == 302
    assert db.session.get(CalendarDay, date(2027, 10, 9)).is_workday is True
    assert len(events("calendar_day.set")) == 1
    response = post_form(client, "/admin/calendarday/edit/?id=2027-10-09", {"is_workday": "0", "note": "更正"})
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(CalendarDay, date(2027, 10, 9)).is_workday is False
    assert bureau_data.calendar().is_workday(date(2027, 10, 9)) is False
    bad = post_form(client, "/admin/calendarday/new/", {"day": "2027-02-30", "is_workday": "1"})
    assert bad.status_code == 200 and "请按 YYYY-MM-DD" in bad.get_data(as_text=True)
