"""The workflow core (core/review/workflow.py): the steps come from the plugin, each is acted on
by its role within its jurisdiction, and every other move is refused with nothing
written — on the real database."""
from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import func, select

from core.bureau import setting_checks
from core.bureau import operations as bureau_operations

from core.review import meetings, moves, steps, workflow
from core.platform.extensions import db
from core.platform.models import AuditEvent, Call, ReviewRecord
from tests.factories import make_application, make_org, make_space, make_user

FACTS = json.loads((Path(__file__).parent.parent / "data" / "kunming-comprehensive-service.json").read_text("utf-8"))
TODAY = date(2026, 10, 20)  # 昆科发〔2017〕55号 in force
MEETING = {"meeting_on": "2026-10-19", "minutes_ref": "局长办公会纪要〔2026〕12号"}


def records() -> int:
    return db.session.scalar(select(func.count()).select_from(ReviewRecord))


def events(action: str) -> list[AuditEvent]:
    return db.session.scalars(select(AuditEvent).where(AuditEvent.action == action)).all()


@pytest.fixture
def kunming(app):
    """A 昆明 draft, its applicant, and one user per role scoped to 昆明."""
    org = make_org(region="530112")
    space = make_space(org)
    draft = make_application("kunming", "comprehensive_service", space=space, status="draft", facts=dict(FACTS))
    users = {role: make_user(role, ("kunming",)) for role in ("recommender", "officer", "expert", "leader")}
    users["applicant"] = make_user("applicant", organisation=org)
    users["admin"] = make_user("admin")
    # 第八条: 昆明 takes applications in answer to the bureau's call
    db.session.add(Call(jurisdiction="kunming", title="2026年度昆明市众创空间认定申报通知",
                        opens_on=date(2026, 10, 1), closes_on=date(2026, 10, 31),
                        categories=["tech_support", "comprehensive_service"]))
    db.session.commit()
    return draft, users


def test_steps_are_the_plugins(kunming):
    application, _ = kunming
    codes = [s.code for s in steps.steps_of(application)]
    # 昆科发〔2017〕55号 第十条至第十二条
    assert codes == ["district_review", "district_recommend", "expert_review", "bureau_decision",
                     "public_notice", "award"]


def test_submit_sets_date_policy_and_first_step(kunming):
    application, users = kunming
    workflow.act(application, "submit", users["applicant"], today=TODAY)
    assert (application.status, application.current_step) == ("submitted", "district_review")
    assert application.submitted_on == TODAY and application.policy_document == "昆科发〔2017〕55号"
    assert application.call.title == "2026年度昆明市众创空间认定申报通知"  # 第八条: the call it answers
    event = events("workflow.submit")[0]
    assert (event.from_state, event.to_state) == ("draft:-", "submitted:district_review")
    assert event.actor_id == users["applicant"].id


def test_first_steps_in_order_by_their_role(kunming):
    application, users = kunming
    workflow.act(application, "submit", users["applicant"], today=TODAY)
    # 第十条: the district's initial review is the recommender's, not the officer's
    with pytest.raises(moves.WorkflowError) as refused:
        workflow.act(application, "approve", users["officer"], today=TODAY)
    assert "推荐单位" in refused.value.message
    workflow.act(application, "approve", users["recommender"], opinion="材料齐全，实地查验属实", today=TODAY)
    assert application.current_step == "district_recommend" and application.status == "in_review"
    # a recommendation needs the recommender's opinion (推荐意见)
    with pytest.raises(moves.WorkflowError) as refused:
        workflow.act(application, "approve", users["recommender"], today=TODAY)
    assert refused.value.key == "opinion"
    workflow.act(application, "approve", users["recommender"], opinion="同意推荐", today=TODAY)
    assert application.current_step == "expert_review"
    # the expert step is not approved by anyone directly: experts score, the officer concludes
    for role in ("expert", "officer", "leader"):
        with pytest.raises(moves.WorkflowError):
            workflow.act(application, "approve", users[role], today=TODAY)


def test_refused_moves_write_nothing(kunming):
    application, users = kunming
    workflow.act(application, "submit", users["applicant"], today=TODAY)
    before = (records(), len(events("workflow.approve")), application.version)
    other = make_user("recommender", ("mile",))
    for actor, action in [(other, "approve"), (users["admin"], "approve"), (users["applicant"], "approve"),
                          (users["recommender"], "award"), (users["officer"], "publish"),
                          (users["officer"], "close_notice"), (workflow.SYSTEM, "approve"),
                          (users["applicant"], "submit"), (users["recommender"], "resubmit")]:
        with pytest.raises(moves.WorkflowError):
            workflow.act(application, action, actor, opinion="x", today=TODAY)
        db.session.rollback()
    db.session.refresh(application)
    assert (records(), len(events("workflow.approve")), application.version) == before
    assert application.current_step == "district_review"


def test_return_needs_reasons_and_resubmit_reenters_at_the_step(kunming):
    application, users = kunming
    workflow.act(application, "submit", users["applicant"], today=TODAY)
    workflow.act(application, "approve", users["recommender"], opinion="通过", today=TODAY)
    with pytest.raises(moves.WorkflowError) as refused:
        workflow.act(application, "return", users["recommender"], opinion="  ", today=TODAY)
    assert refused.value.key == "opinion"
    workflow.act(application, "return", users["recommender"], opinion="补充租赁合同", today=TODAY)
    assert (application.status, application.current_step) == ("returned", "district_recommend")
    changed = workflow.edit_facts(application, dict(FACTS, lease_years=6), users["applicant"])
    assert changed == ["lease_years"]
    edit = events("application.facts_edited")[0]
    assert edit.detail["changes"] == {"lease_years": {"old": 5, "new": 6}}
    workflow.act(application, "resubmit", users["applicant"], today=TODAY)
    assert (application.status, application.current_step) == ("in_review", "district_recommend")
    # a submitted application cannot be edited
    with pytest.raises(moves.WorkflowError):
        workflow.edit_facts(application, dict(FACTS), users["applicant"])


def test_withdraw_before_a_decision_only(kunming):
    application, users = kunming
    workflow.act(application, "submit", users["applicant"], today=TODAY)
    assert "withdraw" in workflow.allowed_actions(application, users["applicant"], TODAY)
    other_applicant = make_user("applicant", organisation=make_org(region="530112"))
    with pytest.raises(moves.WorkflowError):
        workflow.act(application, "withdraw", other_applicant, today=TODAY)
    workflow.act(application, "withdraw", users["applicant"], today=TODAY)
    assert application.status == "withdrawn"
    assert workflow.allowed_actions(application, users["applicant"], TODAY) == []


def test_leader_decision_needs_meeting_when_the_bureau_requires_it_and_no_withdrawal_after_it(kunming):
    """昆科发〔2017〕55号 第十一条 names no meeting: with the bureau's setting decision_meeting_record
    on (本局要求), the leader's decision records the meeting's date and minutes."""
    bureau_operations.set_bureau_setting("kunming", "decision_meeting_record", True)
    application, users = kunming
    workflow.act(application, "submit", users["applicant"], today=TODAY)
    application.current_step = "bureau_decision"  # as if the experts had concluded
    application.status = "in_review"
    db.session.commit()
    # the button is offered; the meeting's date and minutes are asked on the form
    assert {"approve", "return", "reject"} <= set(workflow.allowed_actions(application, users["leader"], TODAY))
    assert workflow.allowed_actions(application, users["officer"], TODAY) == []
    with pytest.raises(moves.WorkflowError) as refused:
        workflow.act(application, "approve", users["leader"], today=TODAY)
    assert "会议日期" in refused.value.message and "本局要求" in refused.value.message
    workflow.act(application, "approve", users["leader"], detail=MEETING, today=TODAY)
    assert application.current_step == "public_notice"
    assert events("workflow.approve")[-1].detail["minutes_ref"] == MEETING["minutes_ref"]
    with pytest.raises(moves.WorkflowError) as refused:
        workflow.act(application, "withdraw", users["applicant"], today=TODAY)
    assert "审定之后" in refused.value.message


def test_kunming_decision_without_meeting_record_by_default_article_11(kunming):
    """昆科发〔2017〕55号 第十一条 names no 局务会 / 局长办公会: by default (setting off, or set to
    false) the leader decides without a meeting date or minutes number."""
    application, users = kunming
    workflow.act(application, "submit", users["applicant"], today=TODAY)
    application.current_step, application.status = "bureau_decision", "in_review"
    db.session.commit()
    assert meetings.meeting_requirement("kunming", steps.step_of(application)) is None
    bureau_operations.set_bureau_setting("kunming", "decision_meeting_record", False)
    workflow.act(application, "approve", users["leader"], today=TODAY)
    assert application.current_step == "public_notice"
    assert "minutes_ref" not in events("workflow.approve")[-1].detail


def test_mile_decision_needs_its_bureau_meeting_by_the_policy_article_7(app):
    """弥政办发〔2017〕5号 附件1 第七条 “经市农科局局务会下班办公会审定通过”: required whatever the
    bureau's setting, cited to the article."""
    from plugins.mile.steps import STEPS

    step = next(s for s in STEPS if s.code == "bureau_decision")
    bureau_operations.set_bureau_setting("mile", "decision_meeting_record", False)
    required = meetings.meeting_requirement("mile", step)
    assert str(required) == "弥政办发〔2017〕5号 附件1 第七条"


def test_decision_meeting_setting_takes_yes_or_no_only(app):
    with pytest.raises(setting_checks.SettingsError) as refused:
        bureau_operations.set_bureau_setting("kunming", "decision_meeting_record", "yes")
    assert "是/否" in refused.value.message


def test_expected_version_and_step_catch_a_second_click(kunming):
    application, users = kunming
    workflow.act(application, "submit", users["applicant"], today=TODAY)
    seen_version, seen_step = application.version, application.current_step
    workflow.act(application, "approve", users["recommender"], opinion="通过", today=TODAY,
                 expected_version=seen_version, expected_step=seen_step)
    with pytest.raises(moves.StaleError):
        workflow.act(application, "approve", users["recommender"], opinion="通过", today=TODAY,
                     expected_version=seen_version, expected_step=seen_step)
    assert len(events("workflow.approve")) == 1


def test_no_policy_in_force_no_submission(app):
    """云科规〔2021〕1号 lapsed after 2026-04-03: no successor registered, no submission."""
    org = make_org(region="530302")
    draft = make_application("yunnan", "provincial", space=make_space(org), status="draft", facts=dict(FACTS))
    applicant = make_user("applicant", organisation=org)
    with pytest.raises(moves.WorkflowError) as refused:
        workflow.act(draft, "submit", applicant, today=date(2026, 4, 4))
    assert "没有有效的认定政策" in refused.value.message
    workflow.act(draft, "submit", applicant, today=date(2026, 4, 3))
    assert draft.policy_document == "云科规〔2021〕1号"
