"""Who hears which event (core.notify.routes): each event reaches exactly the audience of the
table, within its jurisdiction and the recommender's area, never its actor — on the real
database, through the real operations that emit the events."""
from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import select

from core.accounts import account_notices
from core.monitoring import findings, rectifications
from core.notify import inbox, messages, routes
from core.platform import clock
from core.platform.extensions import db
from core.platform.models import Call, Notification, OutboundMail, User
from core.review import workflow
from tests.after_recognition_helpers import titled
from tests.factories import make_application, make_org, make_space, make_user
from tests.notice_helpers import at_step
from core.notice import publication

FACTS = json.loads((Path(__file__).parent.parent / "data" / "kunming-comprehensive-service.json").read_text("utf-8"))
TODAY = date(2026, 10, 20)  # 昆科发〔2017〕55号 in force


def heard(kind: str | None = None) -> dict[int, Notification]:
    """user id → his notification (of ``kind``)."""
    rows = db.session.scalars(select(Notification).order_by(Notification.id)).all()
    return {n.user_id: n for n in rows if kind is None or n.event == kind}


@pytest.fixture
def kunming(app):
    """A 昆明 draft in 530112, its applicant, 昆明 staff, and staff elsewhere who must hear nothing."""
    org = make_org(region="530112")
    draft = make_application("kunming", "comprehensive_service", space=make_space(org), status="draft",
                             facts=dict(FACTS))
    users = {role: make_user(role, ("kunming",)) for role in ("recommender", "officer", "expert", "leader")}
    users["recommender_here"] = make_user("recommender", ("kunming",), region_prefix="5301")
    users["recommender_there"] = make_user("recommender", ("kunming",), region_prefix="5303")
    users["applicant"] = make_user("applicant", organisation=org)
    users["colleague"] = make_user("applicant", organisation=org)
    users["inactive"] = make_user("applicant", organisation=org, active=False)
    users["other_applicant"] = make_user("applicant", organisation=make_org(region="530112"))
    users["xuzhou_recommender"] = make_user("recommender", ("xuzhou",))
    users["xuzhou_officer"] = make_user("officer", ("xuzhou",))
    users["admin"] = make_user("admin")
    db.session.add(Call(jurisdiction="kunming", title="2026年度昆明市众创空间认定申报通知",
                        opens_on=date(2026, 10, 1), closes_on=date(2026, 10, 31),
                        categories=["tech_support", "comprehensive_service"]))
    db.session.commit()
    clock.freeze(TODAY)
    return draft, users


def test_submit_reaches_the_recommenders_of_the_area_not_the_applicant_nor_another_jurisdiction(kunming):
    application, users = kunming
    workflow.act(application, "submit", users["applicant"], today=TODAY)
    got = heard()
    assert set(got) == {users["recommender"].id, users["recommender_here"].id}  # 5303 and 徐州 hear nothing
    n = got[users["recommender"].id]
    assert (n.event, n.is_todo, n.link, n.subject_type, n.subject_id, n.jurisdiction) == (
        "application.submit", True, f"/admin/case/{application.id}", "Application", application.id, "kunming")
    assert n.params["about"] == application.space.name and n.params["next_step_name"]
    with_text = messages.text(n.event, n.params)
    assert application.space.name in with_text and "application." not in with_text


def test_approve_tells_the_applicant_and_the_next_steps_role_but_not_the_actor(kunming):
    application, users = kunming
    workflow.act(application, "submit", users["applicant"], today=TODAY)
    db.session.query(Notification).delete()
    workflow.act(application, "approve", users["recommender"], opinion="材料齐全", today=TODAY)
    got = heard()
    # the next step (district_recommend) is the recommenders' again: the actor is not told
    assert set(got) == {users["applicant"].id, users["colleague"].id, users["recommender_here"].id}
    assert got[users["applicant"].id].event == "application.approve"
    assert got[users["applicant"].id].link == f"/portal/applications/{application.id}"
    assert not got[users["applicant"].id].is_todo
    assert (got[users["recommender_here"].id].event, got[users["recommender_here"].id].is_todo) == (
        "application.waiting", True)

    db.session.query(Notification).delete()
    workflow.act(application, "approve", users["recommender_here"], opinion="同意推荐", today=TODAY)
    got = heard()
    # at the recommendation step: "recommended"; the expert step waits for the officer, who forms the
    # batch (core.review.attendance.acting_role, as his 待办 says) — not 徐州's officer
    assert set(got) == {users["applicant"].id, users["colleague"].id, users["officer"].id}
    assert got[users["applicant"].id].event == "application.recommended"
    assert (got[users["officer"].id].event, got[users["officer"].id].is_todo) == ("application.waiting", True)
    assert "推荐" in messages.text("application.recommended", got[users["applicant"].id].params) or \
        "recommended" in messages.text("application.recommended", got[users["applicant"].id].params)


def test_return_is_a_to_do_of_the_applicants_organisation_only(kunming):
    application, users = kunming
    workflow.act(application, "submit", users["applicant"], today=TODAY)
    db.session.query(Notification).delete()
    workflow.act(application, "return", users["recommender"], opinion="请补充场地证明", today=TODAY)
    got = heard()
    assert set(got) == {users["applicant"].id, users["colleague"].id}  # not the inactive one, not another org
    assert all(n.is_todo and n.event == "application.return" for n in got.values())


def test_an_objection_reaches_the_officers_of_the_notice_and_its_outcome_them_too(app):
    clock.freeze(date(2026, 9, 24))
    officer, colleague = make_user("officer", ("kunming",)), make_user("officer", ("kunming",))
    xuzhou = make_user("officer", ("xuzhou",))
    application = at_step("kunming")
    applicant = make_user("applicant", organisation=application.organisation)
    notice = publication.publish([application], officer, date(2026, 9, 24), "众创空间认定结果公示", "0871-1234")
    got = heard("notice.published")
    assert set(got) == {applicant.id, colleague.id}  # the publishing officer is not told
    assert got[applicant.id].link == f"/notices/{notice.id}" and got[colleague.id].link == f"/admin/notices/{notice.id}"
    assert set(heard("application.publish")) == set()  # told once, by notice.published

    db.session.query(Notification).delete()
    objection = publication.file_objection(notice, name="张三", contact="13800000000", content="面积不实",
                                           today=date(2026, 9, 25), client_address="10.0.0.1")
    got = heard()
    assert set(got) == {officer.id, colleague.id} and xuzhou.id not in got
    assert got[officer.id].is_todo and got[officer.id].params["receipt_number"] == objection.receipt_number

    db.session.query(Notification).delete()
    publication.resolve_objection(objection, "dismissed", "经核查，面积属实", colleague, today=date(2026, 9, 26))
    got = heard()
    assert set(got) == {officer.id} and got[officer.id].event == "objection.resolved"


def test_a_rectification_order_reaches_the_title_holder_and_its_report_the_officers(app):
    clock.freeze(date(2025, 3, 10))
    title, applicant, officer, _leader = titled("yunnan")
    other_officer = make_user("officer", ("yunnan",))
    xuzhou = make_user("officer", ("xuzhou",))
    finding = findings.record(officer, title, "cannot_operate", date(2025, 3, 10), "连续六个月无入驻团队")
    rect = rectifications.order(officer, title, "cannot_operate", "恢复正常运营", finding_id=finding.id)
    got = heard()
    assert set(got) == {applicant.id}
    assert (got[applicant.id].event, got[applicant.id].is_todo, got[applicant.id].link) == (
        "rectification.ordered", True, f"/portal/rectifications/{rect.id}")
    db.session.query(Notification).delete()
    from tests.after_recognition_helpers import evidence
    rectifications.file_report(applicant, rect, "已恢复运营", evidence())
    got = heard()
    assert set(got) == {officer.id, other_officer.id} and xuzhou.id not in got
    assert got[officer.id].link == f"/admin/rectifications/{rect.id}"



def test_money_approved_and_paid_reach_the_title_holder(app):
    from core.money import lifecycle
    from tests.domain.test_money_lifecycle import owed

    clock.freeze(date(2026, 3, 2))
    title, applicant, officer, leader = titled("xuzhou", granted_on=date(2026, 1, 10))
    e = owed(title)
    lifecycle.approve(e, leader)
    got = heard()
    assert set(got) == {applicant.id} and got[applicant.id].event == "entitlement.approved"
    assert got[applicant.id].link == f"/portal/titles/{title.id}" and "300,000" in messages.text(
        "entitlement.approved", got[applicant.id].params)
    db.session.query(Notification).delete()
    lifecycle.pay(e, officer, voucher_number="徐财拨〔2026〕18号", paid_on=date(2026, 3, 2), paid_amount="300000",
                  paying_body="徐州市财政局")
    assert set(heard("entitlement.paid")) == {applicant.id}


def test_a_subsidy_is_named_and_its_amount_said_only_when_it_has_one(app):
    from flask_babel import force_locale

    from core.money import lifecycle
    from tests.domain.test_money_lifecycle import owed

    clock.freeze(date(2026, 3, 2))
    title, applicant, officer, leader = titled("xuzhou", granted_on=date(2026, 1, 10))
    money, in_kind = owed(title), owed(title, amount=None, rule="yunnan.financial_support", kind="税收优惠")
    space = title.space.name

    def said(kind: str) -> str:
        [row] = [n for n in heard(kind).values()]
        db.session.query(Notification).delete()
        with force_locale("en"):
            return messages.text(kind, json.loads(json.dumps(row.params)))

    lifecycle.approve(in_kind, leader)
    assert said("entitlement.approved") == f"The support “税收优惠” for {space} has been approved."
    lifecycle.approve(money, leader)
    assert said("entitlement.approved") == (
        f"The support “市级重点众创空间一次性奖励补助” for {space} has been approved: 300,000 yuan.")
    lifecycle.pay(money, officer, voucher_number="徐财拨〔2026〕18号", paid_on=date(2026, 3, 2), paid_amount="300000",
                  paying_body="徐州市财政局")
    assert said("entitlement.paid") == (
        f"The support “市级重点众创空间一次性奖励补助” for {space} has been paid: 300,000 yuan on 2026-03-02.")
    with force_locale("en"):  # a row without the subsidy's name, or without an amount
        assert messages.text("entitlement.approved", {"about": space}) == f"A subsidy for {space} has been approved."
        assert messages.text("entitlement.paid", {"about": space, "subsidy": "税收优惠", "paid_on": "2026-03-02"}) == (
            f"The support “税收优惠” for {space} has been paid on 2026-03-02.")


def test_a_revocation_proposed_waits_for_the_leader_and_its_decision_reaches_the_holder(app):
    from core.monitoring import revocations

    title, applicant, officer, leader = titled("yunnan")
    clock.freeze(date(2026, 1, 5))
    findings.record(officer, title, "fraud", date(2026, 1, 5), "入驻协议系伪造")
    revocation = revocations.propose(title, ["fraud"], None, "经核查申报材料造假，提请撤销", officer)
    got = heard()
    assert set(got) == {leader.id} and got[leader.id].is_todo and got[leader.id].link == \
        f"/admin/revocations/{revocation.id}"
    db.session.query(Notification).delete()
    revocations.decide(revocation, leader, "revoke", meeting_on="2026-01-05", minutes_ref="局务会纪要〔2026〕1号",
                       opinion="撤销")
    got = heard()
    assert set(got) == {applicant.id, officer.id} and got[applicant.id].link == f"/portal/titles/{title.id}"
    assert "撤销" in messages.text("revocation.decided", got[applicant.id].params) or \
        "revoked" in messages.text("revocation.decided", got[applicant.id].params)


def test_a_statistics_window_reaches_the_holders_of_titles_due_and_a_return_the_checking_officers(app):
    from core.monitoring import windows

    clock.freeze(date(2027, 1, 10))
    title, applicant, officer, _leader = titled("kunming", granted_on=date(2024, 5, 10))
    other_officer = make_user("officer", ("kunming",))
    windows.open_window("kunming", 2026, date(2027, 1, 10), date(2027, 3, 31), officer)
    got = heard()
    assert set(got) == {applicant.id} and got[applicant.id].is_todo and got[applicant.id].link == "/portal/statistics/"
    assert other_officer.id not in got

def test_an_account_change_reaches_that_user_alone_even_when_he_made_it(app):
    user, other = make_user("officer", ("kunming",)), make_user("officer", ("kunming",))
    account_notices.notify(user, account_notices.PASSWORD_CHANGED, "您的密码已修改。")
    db.session.commit()
    got = heard()
    assert set(got) == {user.id} and got[user.id].event == "account.password_changed"
    assert got[user.id].link == "/account/sessions" and other.id not in got


def test_every_route_has_words_and_every_link_is_a_page_of_the_site(app):
    assert all(r.wording in messages.WORDINGS for r in routes.ROUTES)
    assert "application.recommended" in {r.wording for r in routes.ROUTES}
    adapter = app.url_map.bind("localhost")
    links = ["/admin/case/1", "/portal/applications/1", "/admin/notices/1", "/notices/1", "/admin/titles/1",
             "/portal/titles/1", "/portal/titles/", "/admin/money/1", "/admin/statistics/window/1",
             "/portal/statistics/", "/admin/statistics/return/1", "/portal/statistics/1/2026",
             "/admin/rectifications/1", "/portal/rectifications/1", "/admin/revocations/1", "/account/sessions",
             "/admin/call/", "/portal/", "/admin/batches/", "/admin/changes/1", "/portal/changes/1"]
    source = Path(routes.__file__).read_text("utf-8")
    for link in links:
        assert link.rsplit("/1", 1)[0] in source or link in source
        adapter.match(link)  # raises NotFound for a path the site does not serve


def test_nothing_is_written_for_an_event_nobody_hears_and_mail_is_held_without_a_server(kunming):
    application, users = kunming
    workflow.act(application, "submit", users["applicant"], today=TODAY)
    mails = db.session.scalars(select(OutboundMail)).all()
    assert {m.user_id for m in mails} == {users["recommender"].id, users["recommender_here"].id}
    assert {(m.status, m.last_error) for m in mails} == {("held", "no_server")}
    assert inbox.unread_count(users["recommender"]) == 1 and inbox.unread_count(users["applicant"]) == 0


def test_the_documented_table_is_the_table():
    """docs/notifications.md lists every route, with its audience, to-do and wording."""
    doc = (Path(__file__).parents[2] / "docs" / "notifications.md").read_text("utf-8")
    words = {routes.APPLICANT: "applicant", routes.OFFICER: "officer", routes.LEADER: "leader",
             routes.NEXT_STEP: "next step", routes.STEP: "step", routes.TO_USERS: "named users", routes.CHECKER: "checker"}
    documented = []
    for line in doc.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) == 6 and cells[0].strip("`") in routes.KINDS:
            audience = tuple(a.split(" (")[0] for a in cells[3].split(", "))
            documented.append((cells[0].strip("`"), audience, cells[4] == "yes", cells[5].strip("`") or None))
    table = [(r.kind, tuple(words[a] for a in r.audiences), r.is_todo, r.message) for r in routes.ROUTES]
    assert documented == table


def test_a_reminder_reaches_the_named_users_each_with_the_link_of_his_side(app):
    from core.platform import events

    call = Call(jurisdiction="kunming", title="2026年度申报通知", opens_on=date(2026, 10, 1),
                closes_on=date(2026, 10, 31), categories=["comprehensive_service"])
    db.session.add(call)
    db.session.flush()
    applicant, officer, bystander = make_user("applicant"), make_user("officer", ("kunming",)), make_user("officer")
    events.emit("reminder.deadline_soon", call, to_users=[applicant, officer.id], thing="call", name=call.title,
                deadline="2026-10-31", late=False)
    db.session.commit()
    got = heard()
    assert set(got) == {applicant.id, officer.id} and bystander.id not in got
    assert (got[applicant.id].link, got[officer.id].link) == ("/portal/", "/admin/call/")
    assert all(n.is_todo for n in got.values())
    assert "2026-10-31" in messages.text("reminder.deadline_soon", got[applicant.id].params)



def test_a_return_reaches_those_who_may_check_it_and_its_sending_back_the_holder(app):
    from core.monitoring import returns, windows
    from tests.domain.test_statistics_returns import GOOD
    from tests.factories import make_title

    clock.freeze(date(2027, 2, 1))
    province = make_user("officer", ["yunnan"])
    windows.open_window("yunnan", 2026, date(2027, 2, 1), date(2027, 3, 31), province)
    space = make_space(region="530302")  # 曲靖市麒麟区: checked by 曲靖 (云南's form: checked_by region)
    make_title("yunnan", space)
    applicant = make_user("applicant", organisation_id=space.organisation_id)
    qujing = make_user("recommender", ["yunnan"], region_prefix="5303")
    kunming_area = make_user("recommender", ["yunnan"], region_prefix="5301")
    no_area = make_user("recommender", ["yunnan"])
    db.session.query(Notification).delete()
    filed = returns.submit(space, 2026, GOOD, {}, applicant)
    got = heard()
    assert set(got) == {province.id, qujing.id}  # not 昆明's area, not a recommender without one
    assert kunming_area.id not in got and no_area.id not in got and got[qujing.id].is_todo
    assert got[qujing.id].link == f"/admin/statistics/return/{filed.id}"
    assert all(returns.may_check(db.session.get(User, u), filed) for u in got)
    db.session.query(Notification).delete()
    returns.send_back(filed, "投融资总额与凭证不符", qujing)
    got = heard()
    assert set(got) == {applicant.id} and got[applicant.id].link == f"/portal/statistics/{space.id}/2026"
