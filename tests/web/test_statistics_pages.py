"""The annual statistics through HTTP (issue 16): the bureau opens the filing, the applicant
sees a task, files a draft, submits, is returned, corrects, and is accepted; the late list and
未填报 as the officer sees them.  昆科发〔2017〕55号 第四条 (绩效统计); the deadline is the
bureau's setting.  CSRF is on; every page is real HTTP on a real database.
"""
from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from core.monitoring import returns
from core.platform import clock
from core.platform.extensions import db
from core.platform.models import StatisticsMiss, StatisticsWindow
from tests.conftest import csrf_token
from tests.domain.test_statistics_returns import GOOD
from tests.factories import login, make_space, make_title, make_user

DESK = "/admin/statistics/"


@pytest.fixture()
def people(app):
    clock.freeze(date(2027, 1, 10))
    space = make_space(region="530102", facts={"total_area_m2": 900, "workstations": 60})
    title = make_title("kunming", space, date(2024, 6, 1))
    return {"space": space, "title": title,
            "applicant": make_user("applicant", organisation_id=space.organisation_id),
            "officer": make_user("officer", ["kunming"]), "mile_officer": make_user("officer", ["mile"])}


def signed_in(app, user):
    client = app.test_client()
    assert login(client, user).status_code == 302
    return client


def open_2026(app, officer, deadline="2027-03-31"):
    client = signed_in(app, officer)
    token = csrf_token(client, DESK)
    return client, client.post(DESK + "window/open", data={"csrf_token": token, "jurisdiction": "kunming",
                                                           "year": "2026", "opens_on": "2027-01-10",
                                                           "deadline": deadline, "note": "请按时填报"})


def test_kunming_第四条_file_return_correct_accept(app, people):
    officer_client, opened = open_2026(app, people["officer"])
    assert opened.status_code == 302
    window = db.session.scalars(select(StatisticsWindow)).one()

    applicant = signed_in(app, people["applicant"])
    home = applicant.get("/portal/").get_data(as_text=True)
    form_url = f"/portal/statistics/{people['space'].id}/2026"
    assert form_url in home and "80" in home  # 80 days left until 31 March
    page = applicant.get(form_url).get_data(as_text=True)
    assert 'value="900"' in page and 'value="60"' in page  # prefilled from the space's facts

    # a draft with a figure that is not one: refused next to the field, what was typed stays
    token = csrf_token(applicant, form_url)
    bad = applicant.post(form_url, data={"csrf_token": token, "action": "save", "teams_served": "十二",
                                         "mentors": "5"})
    text = bad.get_data(as_text=True)
    assert bad.status_code == 400 and 'id="teams_served-error">应为数字' in text and 'value="十二"' in text
    assert returns.find(people["space"].id, 2026) is None
    assert applicant.post(form_url, data={"csrf_token": token, "action": "save", "mentors": "5"}).status_code == 302
    assert returns.find(people["space"].id, 2026).data == {"mentors": 5}

    # submitting with 服务收入 above 总收入: the rule's message next to the field
    version = returns.find(people["space"].id, 2026).version
    over = dict(GOOD, income_services="3000.01", csrf_token=token, action="submit", expected_version=version)
    refused = applicant.post(form_url, data=over)
    assert refused.status_code == 400 and "服务收入不能超过总收入" in refused.get_data(as_text=True)
    filed = applicant.post(form_url, data=dict(GOOD, csrf_token=token, action="submit", expected_version=version))
    assert filed.status_code == 302
    found = returns.find(people["space"].id, 2026)
    assert found.status == "submitted"

    # the officer sees it waiting, returns it without a reason (refused) then with one
    desk = officer_client.get(DESK).get_data(as_text=True)
    assert f"return/{found.id}" in desk
    token = csrf_token(officer_client, f"{DESK}return/{found.id}")
    empty = officer_client.post(f"{DESK}return/{found.id}/send-back",
                                data={"csrf_token": token, "reason": " ", "expected_version": found.version})
    assert empty.status_code == 400 and "请填写退回原因" in empty.get_data(as_text=True)
    back = officer_client.post(f"{DESK}return/{found.id}/send-back",
                               data={"csrf_token": token, "reason": "工位数与上年不符", "expected_version": found.version})
    assert back.status_code == 302
    db.session.expire_all()
    assert returns.find(people["space"].id, 2026).status == "returned"

    # the applicant reads the reason, corrects and resubmits
    page = applicant.get(form_url).get_data(as_text=True)
    assert "工位数与上年不符" in page
    found = returns.find(people["space"].id, 2026)
    again = applicant.post(form_url, data=dict(GOOD, workstations="82", csrf_token=csrf_token(applicant, form_url), action="submit",
                                               expected_version=found.version))
    assert again.status_code == 302
    db.session.expire_all()
    found = returns.find(people["space"].id, 2026)
    assert found.status == "submitted" and found.data["workstations"] == 82
    accepted = officer_client.post(f"{DESK}return/{found.id}/accept",
                                   data={"csrf_token": token, "expected_version": found.version})
    assert accepted.status_code == 302
    db.session.expire_all()
    assert returns.find(people["space"].id, 2026).status == "accepted"
    # the late list shows it accepted
    late = officer_client.get(f"{DESK}window/{window.id}").get_data(as_text=True)
    assert "已受理" in late or "Accepted" in late


def test_late_list_and_未填报_through_the_desk(app, people):
    officer_client, _ = open_2026(app, people["officer"])
    window = db.session.scalars(select(StatisticsWindow)).one()
    token = csrf_token(officer_client, f"{DESK}window/{window.id}")
    clock.freeze(date(2027, 3, 31))  # the deadline day
    page = officer_client.get(f"{DESK}window/{window.id}").get_data(as_text=True)
    assert f'id="title-{people["title"].id}"' in page and "剩余 0 天" in page
    refused = officer_client.post(f"{DESK}window/{window.id}/close", data={"csrf_token": token})
    assert refused.status_code == 409 and db.session.scalars(select(StatisticsMiss)).first() is None
    clock.freeze(date(2027, 4, 1))
    page = officer_client.get(f"{DESK}window/{window.id}").get_data(as_text=True)
    assert "逾期 1 天" in page
    assert officer_client.post(f"{DESK}window/{window.id}/close", data={"csrf_token": token}).status_code == 302
    miss = db.session.scalars(select(StatisticsMiss)).one()
    page = officer_client.get(f"{DESK}window/{window.id}").get_data(as_text=True)
    assert f'id="missing-{miss.id}"' in page
    empty = officer_client.post(f"{DESK}miss/{miss.id}/excuse", data={"csrf_token": token, "reason": ""})
    assert empty.status_code == 400 and "请填写特殊原因" in empty.get_data(as_text=True)
    assert officer_client.post(f"{DESK}miss/{miss.id}/excuse",
                               data={"csrf_token": token, "reason": "场地改造停业"}).status_code == 302
    db.session.expire_all()
    assert db.session.get(StatisticsMiss, miss.id).excused


def test_open_window_bad_input_keeps_what_was_typed(app, people):
    client = signed_in(app, people["officer"])
    token = csrf_token(client, DESK)
    bad = client.post(DESK + "window/open", data={"csrf_token": token, "jurisdiction": "kunming", "year": "2026",
                                                  "opens_on": "2027-01-10", "deadline": "2027-02-30",
                                                  "note": "保留的说明"})
    text = bad.get_data(as_text=True)
    assert bad.status_code == 400 and "请按 年-月-日 填写日期" in text and "保留的说明" in text
    earlier = client.post(DESK + "window/open", data={"csrf_token": token, "jurisdiction": "kunming", "year": "2026",
                                                      "opens_on": "2027-01-10", "deadline": "2027-01-09"})
    assert earlier.status_code == 400 and "截止日期不能早于开始填报日期" in earlier.get_data(as_text=True)
    assert db.session.scalars(select(StatisticsWindow)).first() is None
    no_csrf = client.post(DESK + "window/open", data={"jurisdiction": "kunming", "year": "2026",
                                                      "opens_on": "2027-01-10", "deadline": "2027-03-31"})
    assert no_csrf.status_code == 400 and db.session.scalars(select(StatisticsWindow)).first() is None


def test_another_jurisdiction_sees_nothing_and_may_do_nothing(app, people):
    officer_client, _ = open_2026(app, people["officer"])
    window = db.session.scalars(select(StatisticsWindow)).one()
    filed = returns.submit(people["space"], 2026, GOOD, {}, people["applicant"])
    mile = signed_in(app, people["mile_officer"])
    assert mile.get(f"{DESK}window/{window.id}").status_code == 404
    assert mile.get(f"{DESK}return/{filed.id}").status_code == 404
    token = csrf_token(mile, DESK)
    assert mile.post(f"{DESK}return/{filed.id}/accept", data={"csrf_token": token}).status_code == 404
    forged = mile.post(DESK + "window/open", data={"csrf_token": token, "jurisdiction": "kunming", "year": "2025",
                                                   "opens_on": "2027-01-10", "deadline": "2027-03-31"})
    assert forged.status_code == 403
    leader = signed_in(app, make_user("leader", ["kunming"]))
    assert leader.get(f"{DESK}return/{filed.id}").status_code == 200
    own_token = csrf_token(leader, DESK)
    assert leader.post(f"{DESK}return/{filed.id}/accept", data={"csrf_token": own_token}).status_code == 403
    # another organisation's applicant cannot open this space's return
    other = make_space(region="530102")
    stranger = signed_in(app, make_user("applicant", organisation_id=other.organisation_id))
    assert stranger.get(f"/portal/statistics/{people['space'].id}/2026").status_code == 404


@pytest.mark.parametrize("code, cited", [("yunnan", "云科规〔2021〕1号"), ("kunming", "第四条"),
                                         ("mile", "弥政办发〔2017〕5号"), ("xuzhou", "徐政发〔2016〕12号")])
def test_policy_page_cites_the_duty_to_file_and_shows_the_deadline_as_a_bureau_setting(app, code, cited):
    """云科规〔2021〕1号 认定与管理, 昆科发〔2017〕55号 第四条, 弥政办发〔2017〕5号 三（四）,
    徐政发〔2016〕12号 五（五）: each asks for statistics; none sets a deadline."""
    client = signed_in(app, make_user("officer", [code]))
    page = client.get(f"/admin/policy/{code}").get_data(as_text=True)
    card = page[page.index('id="statistics-policy"'):]
    card = card[:card.index('id="statistics-rules"')]
    assert cited in card and "本局设定" in card
    assert ("州（市）" in card) == (code == "yunnan")
