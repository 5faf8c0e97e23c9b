"""待办 (issue 19): each kind of to-do appears for the role and scope that acts on it, and for no
one else; its age is counted from the day the application reached its step; under the bureau's
``step_time_limit_days`` the step has a deadline in working days and is late only the day after.
SQLite and PostgreSQL (the ``app`` fixture)."""
from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

import pytest

from core.bureau import data as bureau_data
from core.bureau.operations import set_bureau_setting
from core.notify import todos
from core.platform import clock
from core.platform.extensions import db
from core.review.steps import step_of
from core.platform.models import (Batch, ChangeReport, ExpertAssignment, Objection, PublicNotice, Rectification,
                                  ReviewRecord, Revocation, StatisticsReturn)
from tests.after_recognition_helpers import entitlement, titled
from tests.factories import make_application, make_org, make_space, make_title, make_user
from tests.notice_helpers import at_step

TODAY = date(2026, 3, 4)


@pytest.fixture(autouse=True)
def today(app):
    clock.freeze(TODAY)


def kinds(user, today=TODAY) -> dict[str, list[str]]:
    """kind → the names of its items (each list checked against the group's count)."""
    found = {}
    for g in todos.staff_todos(user, today):
        assert g.count == len(g.items)
        found[g.kind] = [t.name for t in g.items]
    return found


def names(user, kind: str, today=TODAY) -> list[str]:
    return kinds(user, today).get(kind, [])


def moved(application, on: datetime, action: str = "submit", step: str | None = None) -> None:
    db.session.add(ReviewRecord(application_id=application.id, step=step or application.current_step,
                                action=action, created_at=on))
    db.session.commit()


def name_of(application) -> str:
    return f"#{application.id} {application.space.name}"


# --- review steps ------------------------------------------------------------------------


def test_a_step_is_the_to_do_of_its_role_in_its_jurisdiction_only(app):
    recommend = at_step("xuzhou", "recommend", status="submitted")
    decide = at_step("xuzhou", "decide")
    award = at_step("xuzhou", "award")
    kunming = at_step("kunming", "district_review", status="submitted")
    xz_recommender, xz_leader, xz_officer = (make_user(r, ["xuzhou"]) for r in ("recommender", "leader", "officer"))
    km_recommender, km_officer = make_user("recommender", ["kunming"]), make_user("officer", ["kunming"])

    assert names(xz_recommender, "step") == [name_of(recommend)]
    assert names(xz_leader, "step") == [name_of(decide)]
    assert names(xz_officer, "step") == [name_of(award)]  # the award is the officer's
    assert names(km_recommender, "step") == [name_of(kunming)]
    assert names(km_officer, "step") == []
    assert todos.staff_todos(make_user("admin")) == []  # the admin acts on no step


def test_a_recommender_with_an_area_sees_the_steps_of_his_area(app):
    inside = at_step("kunming", "district_review", status="submitted",
                     space=make_space(make_org(region="530112"), region="530112"))
    at_step("kunming", "district_review", status="submitted", space=make_space(make_org(region="530102"),
                                                                                 region="530102"))
    assert names(make_user("recommender", ["kunming"], region_prefix="530112"), "step") == [name_of(inside)]


def test_the_step_item_says_its_step_and_links_to_the_case(app):
    application = at_step("xuzhou", "decide")
    with app.test_request_context():
        [group] = todos.staff_todos(make_user("leader", ["xuzhou"]), TODAY)
        [item] = group.items
        assert (item.what, item.jurisdiction) == (step_of(application).name, "xuzhou")
        assert group.label == str(todos.KIND_LABELS["step"])
        assert item.url == f"/admin/case/{application.id}"


def test_age_is_counted_from_the_last_move_not_from_an_expert_score(app):
    application = at_step("xuzhou", "decide")
    moved(application, datetime(2026, 3, 2, 17, 0, tzinfo=timezone.utc), action="approve")  # 3 March in Shanghai
    moved(application, datetime(2026, 3, 3, 17, 0, tzinfo=timezone.utc), action="score", step="expert_review")
    [group] = todos.staff_todos(make_user("leader", ["xuzhou"]), TODAY)
    [item] = group.items
    assert item.since == date(2026, 3, 3)
    assert item.age(TODAY) == 1
    assert item.deadline is None and not item.late  # no step time limit set: none


def test_without_a_move_the_age_starts_on_the_submission_day(app):
    at_step("xuzhou", "decide")  # written without a review record (submitted_on 2026-03-02)
    [group] = todos.staff_todos(make_user("leader", ["xuzhou"]), TODAY)
    assert group.items[0].since == date(2026, 3, 2)


def test_a_step_is_late_the_day_after_its_working_day_limit(app):
    set_bureau_setting("xuzhou", bureau_data.STEP_TIME_LIMIT, 5)
    application = at_step("xuzhou", "decide")
    moved(application, datetime(2026, 3, 2, 2, 0, tzinfo=timezone.utc))  # Monday 2 March, 10:00 in Shanghai
    leader = make_user("leader", ["xuzhou"])
    # five working days after Monday 2 March: 3, 4, 5, 6, 9 March
    on_the_day = todos.staff_todos(leader, date(2026, 3, 9))[0].items[0]
    assert (on_the_day.deadline, on_the_day.late) == (date(2026, 3, 9), False)
    day_after = todos.staff_todos(leader, date(2026, 3, 10))[0].items[0]
    assert (day_after.deadline, day_after.late) == (date(2026, 3, 9), True)
    # another jurisdiction without the setting has no deadline
    at_step("kunming", "bureau_decision")
    km = todos.staff_todos(make_user("leader", ["kunming"]), date(2026, 3, 10))[0].items[0]
    assert km.deadline is None and not km.late


def test_a_working_day_limit_skips_the_holidays(app):
    set_bureau_setting("xuzhou", bureau_data.STEP_TIME_LIMIT, 1)
    application = at_step("xuzhou", "decide")
    moved(application, datetime(2026, 9, 30, 2, 0, tzinfo=timezone.utc))  # before 国庆
    [group] = todos.staff_todos(make_user("leader", ["xuzhou"]), date(2026, 10, 1))
    deadline = group.items[0].deadline
    assert deadline > date(2026, 10, 7) and bureau_data.calendar().is_workday(deadline)


def test_the_list_is_capped_and_the_count_is_whole(app):
    for _ in range(3):
        at_step("xuzhou", "decide")
    leader = make_user("leader", ["xuzhou"])
    shown = todos.SHOWN
    todos.SHOWN = 2
    try:
        [group] = todos.staff_todos(leader, TODAY)
    finally:
        todos.SHOWN = shown
    assert (group.count, len(group.items)) == (3, 2)


# --- after the notice and the title -------------------------------------------------------


def notice_of(code: str) -> PublicNotice:
    notice = PublicNotice(jurisdiction=code, title=f"{code} 公示", published_on=date(2026, 3, 1),
                          first_day=date(2026, 3, 2), last_day=date(2026, 3, 8), days=7)
    db.session.add(notice)
    db.session.commit()
    return notice


def test_open_objections_are_the_officers_of_the_notice(app):
    notice = notice_of("xuzhou")
    db.session.add_all([Objection(notice_id=notice.id, name="甲", contact="1", content="异议", receipt_number="YY-1"),
                        Objection(notice_id=notice.id, name="乙", contact="2", content="异议", status="dismissed",
                                  receipt_number="YY-2")])
    db.session.commit()
    assert names(make_user("officer", ["xuzhou"]), "objection") == ["YY-1"]
    assert names(make_user("officer", ["kunming"]), "objection") == []
    assert names(make_user("leader", ["xuzhou"]), "objection") == []


def test_a_submitted_return_is_the_checking_officers(app):
    title = make_title("xuzhou")
    db.session.add(StatisticsReturn(space_id=title.space_id, year=2025, status="submitted",
                                    checking_jurisdiction="xuzhou", submitted_at=datetime(2026, 3, 1, tzinfo=timezone.utc)))
    db.session.commit()
    assert names(make_user("officer", ["xuzhou"]), "statistics") == [f"{title.space.name} 2025"]
    assert names(make_user("officer", ["kunming"]), "statistics") == []
    assert names(make_user("recommender", ["xuzhou"], region_prefix="3203"), "statistics") == []  # 徐州: the officer


def test_a_reported_change_is_the_officers_to_check(app):
    title, _, officer, leader = titled("xuzhou")
    db.session.add(ChangeReport(recognition_id=title.id, jurisdiction="xuzhou", kind="area",
                                changed_on=date(2026, 2, 1), description="面积", status="reported",
                                reported_on=date(2026, 2, 10)))
    db.session.commit()
    assert names(officer, "change") == [title.title]
    assert names(leader, "change") == []
    assert names(make_user("officer", ["kunming"]), "change") == []


def rectification(title, status: str, deadline: date) -> Rectification:
    rect = Rectification(recognition_id=title.id, jurisdiction=title.jurisdiction, ground="assessment",
                         requirements="整改", ordered_on=date(2025, 3, 1), deadline=deadline, status=status,
                         reported_on=date(2026, 3, 1) if status == "reported" else None)
    db.session.add(rect)
    db.session.commit()
    return rect


def test_rectifications_to_judge_reported_or_past_their_deadline(app):
    title, _, officer, leader = titled("xuzhou")
    other, *_ = titled("xuzhou")
    waiting, *_ = titled("xuzhou")
    rectification(title, "reported", date(2026, 6, 1))
    rectification(other, "ordered", TODAY - timedelta(days=1))  # deadline passed unreported
    rectification(waiting, "ordered", TODAY)  # the deadline day itself: still the space's
    assert sorted(names(officer, "rectification")) == sorted([title.title, other.title])
    assert names(leader, "rectification") == []
    assert names(make_user("officer", ["kunming"]), "rectification") == []


def test_a_proposed_revocation_waits_for_the_leader(app):
    title, _, officer, leader = titled("xuzhou")
    db.session.add(Revocation(recognition_id=title.id, jurisdiction="xuzhou", proposal="撤销", status="proposed"))
    db.session.commit()
    assert names(leader, "revocation") == [title.title]
    assert names(officer, "revocation") == []
    assert names(make_user("leader", ["kunming"]), "revocation") == []


def test_a_pending_entitlement_is_the_approvers(app):
    title, _, officer, leader = titled("xuzhou")
    entitlement(title, "pending")
    entitlement(title, "approved")
    assert names(leader, "entitlement") == ["认定补助"]
    assert names(officer, "entitlement") == []  # the leader approves by default
    set_bureau_setting("xuzhou", bureau_data.SUPPORT_APPROVER, True)
    assert names(officer, "entitlement") == ["认定补助"]
    assert names(make_user("leader", ["kunming"]), "entitlement") == []


def test_an_expert_scores_the_applications_of_his_batch_until_he_has(app):
    batch = Batch(jurisdiction="xuzhou", name="第一批")
    db.session.add(batch)
    db.session.commit()
    application = at_step("xuzhou", "expert_review", batch_id=batch.id)
    at_step("xuzhou", "expert_review")  # in no batch
    expert, other, conflicted = (make_user("expert", ["xuzhou"]) for _ in range(3))
    db.session.add_all([ExpertAssignment(batch_id=batch.id, expert_id=expert.id),
                        ExpertAssignment(batch_id=batch.id, expert_id=conflicted.id,
                                         conflict_declared_at=datetime(2026, 3, 3, tzinfo=timezone.utc))])
    db.session.commit()
    assert names(expert, "scoring") == [name_of(application)]
    assert names(other, "scoring") == [] and names(conflicted, "scoring") == []
    db.session.add(ReviewRecord(application_id=application.id, step="expert_review", actor_id=expert.id,
                                action="score"))
    db.session.commit()
    assert names(expert, "scoring") == []


# --- the applicant ------------------------------------------------------------------------


def test_the_applicants_own_to_dos_answer_a_return_and_report_a_change(app):
    title, applicant, officer, _ = titled("xuzhou")
    returned = make_application("xuzhou", space=title.space, status="returned", current_step="recommend")
    found = ChangeReport(recognition_id=title.id, jurisdiction="xuzhou", kind="area", changed_on=date(2025, 12, 1),
                         due_on=TODAY, description="发现", status="found")
    db.session.add(found)
    db.session.commit()
    stranger = make_user("applicant", organisation=make_org())
    with app.test_request_context():
        tasks = {t["id"]: t for t in todos.applicant_todos(applicant, TODAY)}
        assert set(tasks) == {f"return-{returned.id}", f"change-{found.id}"}
        assert tasks[f"change-{found.id}"]["deadline"] == TODAY and not tasks[f"change-{found.id}"]["overdue"]
        assert tasks[f"return-{returned.id}"]["url"] == f"/portal/applications/{returned.id}"
        late = {t["id"]: t for t in todos.applicant_todos(applicant, TODAY + timedelta(days=1))}
        assert late[f"change-{found.id}"]["overdue"]
        assert todos.applicant_todos(stranger, TODAY) == []
        assert todos.applicant_todos(officer, TODAY) == []


@pytest.mark.parametrize("value", [0, -1, 366, 2.5, "5", True])
def test_the_step_time_limit_is_a_whole_number_of_days_within_a_year(app, value):
    from core.bureau.setting_checks import SettingsError

    with pytest.raises(SettingsError):
        set_bureau_setting("xuzhou", bureau_data.STEP_TIME_LIMIT, value)
    assert bureau_data.bureau_setting("xuzhou", bureau_data.STEP_TIME_LIMIT) is None


@pytest.mark.parametrize("value", [1, 365])
def test_the_step_time_limit_bounds_are_accepted(app, value):
    set_bureau_setting("xuzhou", bureau_data.STEP_TIME_LIMIT, value)
    assert todos.step_limit("xuzhou") == value
    assert todos.step_limit("kunming") is None
