"""A title's pages after recognition (issue 17): the bureau's /admin/titles and the holder's
/portal/titles show the standing of CONTRACTS §6 — the same function as `zhongchuang standing`
— with its grounds and articles, open duties, ban, and the record; reads are scoped."""
from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from core.monitoring import record, standing_policy
from core.platform import clock
from core.platform.extensions import db
from core.platform.models import Assessment, AssessmentRound, Finding, Revocation, SubsidyEntitlement
from tests.factories import login, make_title, make_user
from tests.portal_helpers import token


def client_as(app, user):
    client = app.test_client()
    assert login(client, user).status_code == 302
    return client


def graded(title, *grades_by_year):
    for year, grade in grades_by_year:
        found = db.session.query(AssessmentRound).filter_by(jurisdiction=title.jurisdiction, year=year).one_or_none()
        found = found or AssessmentRound(jurisdiction=title.jurisdiction, year=year, status="approved")
        db.session.add(found)
        db.session.flush()
        db.session.add(Assessment(round_id=found.id, recognition_id=title.id, year=year, grade=grade))
    db.session.commit()


@pytest.fixture
def mile_titles(app):
    clock.freeze(date(2026, 6, 1))
    due = make_title("mile", granted_on=date(2023, 6, 1), title="双年不合格众创空间")
    once = make_title("mile", granted_on=date(2023, 6, 1), title="一年不合格众创空间")
    fine = make_title("mile", granted_on=date(2023, 6, 1), title="合格众创空间")
    graded(due, (2024, "unqualified"), (2025, "unqualified"))
    graded(once, (2024, "good"), (2025, "unqualified"))
    graded(fine, (2024, "good"), (2025, "qualified"))
    return due, once, fine


def test_the_page_answers_as_the_command_does(app, mile_titles):
    """弥政办发〔2017〕5号 第十五条: 连续两年考核不合格的，取消称号 — the page and §6 agree."""
    due, _, _ = mile_titles
    expected = standing_policy.standing_of("mile", record.history_of(due), date(2026, 6, 1))
    assert expected["standing"] == "revocation_due"
    html = client_as(app, make_user("officer", ["mile"])).get(f"/admin/titles/{due.id}").get_data(as_text=True)
    assert "应予撤销" in html and "第十五条" in html
    for ground in expected["grounds"]:
        assert ground["message"] in html


def test_the_list_puts_the_most_serious_first_and_leaves_out_the_good(app, mile_titles):
    """第十五条: one failed year → 限期整改, two consecutive → 取消."""
    due, once, fine = mile_titles
    html = client_as(app, make_user("officer", ["mile"])).get("/admin/titles/").get_data(as_text=True)
    assert f'id="title-{due.id}"' in html and f'id="title-{once.id}"' in html
    assert f'id="title-{fine.id}"' not in html
    assert html.index(f'id="title-{due.id}"') < html.index(f'id="title-{once.id}"')
    only = client_as(app, make_user("leader", ["mile"])).get("/admin/titles/?standing=rectification")
    text = only.get_data(as_text=True)
    assert f'id="title-{once.id}"' in text and f'id="title-{due.id}"' not in text


def test_reads_are_scoped(app, mile_titles):
    due, _, _ = mile_titles
    assert client_as(app, make_user("officer", ["kunming"])).get(f"/admin/titles/{due.id}").status_code == 404
    assert f"title-{due.id}" not in client_as(app, make_user("officer", ["kunming"])).get(
        "/admin/titles/").get_data(as_text=True)
    assert client_as(app, make_user("expert", ["mile"])).get(f"/admin/titles/{due.id}").status_code == 403
    assert client_as(app, make_user("officer", ["mile"])).get("/admin/titles/999999").status_code == 404


def test_the_holder_reads_his_title_and_no_other(app, mile_titles):
    due, once, _ = mile_titles
    holder = make_user("applicant", login="holder", organisation_id=due.space.organisation_id)
    client = client_as(app, holder)
    listing = client.get("/portal/titles/").get_data(as_text=True)
    assert "双年不合格众创空间" in listing and "一年不合格众创空间" not in listing
    page = client.get(f"/portal/titles/{due.id}").get_data(as_text=True)
    assert "应予撤销" in page and "2024、2025" in page
    assert client.get(f"/portal/titles/{once.id}").status_code == 404
    assert client.get("/portal/").status_code == 200


def test_a_lapsed_policy_is_said_on_the_title(app):
    """云科规〔2021〕1号 附则: in force through 2026-04-03; after it the title stands under no version."""
    title = make_title("yunnan", granted_on=date(2023, 5, 1))
    clock.freeze(date(2026, 12, 1))
    html = client_as(app, make_user("officer", ["yunnan"])).get(f"/admin/titles/{title.id}").get_data(as_text=True)
    assert "无有效政策版本" in html and "云科规〔2021〕1号" in html
    listed = client_as(app, make_user("officer", ["yunnan"])).get("/admin/titles/").get_data(as_text=True)
    assert f'id="title-{title.id}"' in listed


def test_a_revoked_title_shows_its_ban_and_the_money_kept(app):
    """云科规〔2021〕1号 认定与管理 管理: 虚报、瞒报、造假…取消认定资格，且2年内不得再次申报."""
    title = make_title("yunnan", granted_on=date(2022, 5, 10))
    db.session.add(Finding(recognition_id=title.id, jurisdiction="yunnan", kind="fraud", found_on=date(2025, 12, 1),
                           evidence="伪造场地合同"))
    title.status, title.revoked_on, title.revocation_grounds = "revoked", date(2026, 1, 5), ["fraud"]
    title.ban_until = date(2028, 1, 5)
    db.session.add(SubsidyEntitlement(recognition_id=title.id, jurisdiction="yunnan", rule_code="x", kind="省级奖补",
                                      amount_cny=100000, status="paid", note="称号已撤销，已拨付资金未作追回处理"))
    db.session.commit()
    clock.freeze(date(2026, 3, 1))
    html = client_as(app, make_user("leader", ["yunnan"])).get(f"/admin/titles/{title.id}").get_data(as_text=True)
    assert "已撤销" in html and "2028-01-05" in html and "未作追回处理" in html


def test_the_officer_proposes_revocation_with_the_grounds_the_standing_found(app, mile_titles):
    """弥政办发〔2017〕5号 第十五条: 连续两年考核不合格的，取消称号 — the title's page leads the officer to the
    proposal, which comes with the standing's ground ticked and states it with the record's years."""
    due, once, _ = mile_titles
    client = client_as(app, make_user("officer", ["mile"]))
    page = client.get(f"/admin/titles/{due.id}").get_data(as_text=True)
    assert f"/admin/revocations/new?recognition_id={due.id}" in page
    assert "/admin/revocations/new" not in client.get(f"/admin/titles/{once.id}").get_data(as_text=True)
    form = client.get(f"/admin/revocations/new?recognition_id={due.id}").get_data(as_text=True)
    assert 'id="ground-assessment" checked' in form and "2024、2025 年度连续两年考核不合格" in form
    response = client.post(f"/admin/revocations/new?recognition_id={due.id}", data={
        "csrf_token": token(form), "ground_codes": ["assessment"], "proposal": "连续两年考核不合格，提请撤销"})
    assert response.status_code == 302
    revocation = db.session.scalars(select(Revocation).where(Revocation.recognition_id == due.id)).one()
    assert revocation.ground_codes == ["assessment"]
    assert revocation.grounds == [{"id": "mile.two_failed_years", "message": "2024、2025 年度连续两年考核不合格",
                                   "citation": {"document": "弥政办发〔2017〕5号", "article": "第十五条", "item": None}}]


@pytest.mark.parametrize("code,rule,article", [
    ("mile", "mile.two_failed_years", "第十五条"),
    ("kunming", "kunming.failed_rectification", "第十八条"),
    ("yunnan", "yunnan.fraud", "认定与管理"),
])
def test_the_policy_page_shows_what_happens_to_a_title(app, code, rule, article):
    """Each consequence with its article and the reading applied, as the standing applies it."""
    client = client_as(app, make_user("officer", [code]))
    html = client.get(f"/admin/policy/{code}").get_data(as_text=True)
    row = html[html.index(f'id="standing-rule-{rule}"'):]
    assert article in row[:row.index("</tr>")]


def test_the_policy_page_says_xuzhou_sets_no_consequence(app):
    """徐政发〔2016〕12号 sets no consequence for a title's record: said, none invented."""
    html = client_as(app, make_user("officer", ["xuzhou"])).get("/admin/policy/xuzhou").get_data(as_text=True)
    assert "standing-rule-" not in html and "未规定" in html[html.index("称号的后果"):]


def test_the_holder_does_not_read_the_bureaus_findings(app):
    """Findings are the bureau's working record (docs/revocation.md): the holder's page shows the
    standing and its grounds, not the list of findings; the bureau's page does."""
    title = make_title("yunnan", granted_on=date(2023, 5, 1))
    db.session.add(Finding(recognition_id=title.id, jurisdiction="yunnan", kind="cannot_operate",
                           found_on=date(2026, 1, 10), evidence="孵化区停用"))
    db.session.commit()
    clock.freeze(date(2026, 2, 1))
    holder = make_user("applicant", organisation_id=title.space.organisation_id)
    assert 'id="record-findings"' not in client_as(app, holder).get(f"/portal/titles/{title.id}").get_data(as_text=True)
    staff = client_as(app, make_user("officer", ["yunnan"])).get(f"/admin/titles/{title.id}").get_data(as_text=True)
    assert 'id="record-findings"' in staff


def test_a_recommender_has_no_title_page_and_odd_ids_are_not_found(app, mile_titles):
    due, _, _ = mile_titles
    recommender = make_user("recommender", ["mile"], region_prefix="5325")
    assert client_as(app, recommender).get(f"/admin/titles/{due.id}").status_code == 403
    officer = client_as(app, make_user("officer", ["mile"]))
    for url in ("/admin/titles/99999999999999999999999", "/admin/rectifications/99999999999999999999999",
                "/admin/revocations/new?recognition_id=%C2%B2"):
        assert officer.get(url).status_code == 404, url
