"""The dashboard's 无人可办理 list at a province's size (issue 15): ``unattended_applications``
judges each step once and asks the database which applications nobody covers, instead of
loading every active application.  Its answer must be exactly the one-by-one answer of
``attendance.unattended`` (issue 13), on SQLite and PostgreSQL.

昆明 (昆科发〔2017〕55号 第十条): the first step is the recommender's (县（市）区科技主管部门初审).
"""
from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import select

from core.platform import clock
from core.platform.extensions import db
from core.platform.models import Application, Call, StepAssignment
from core.review import attendance, workflow
from core.review.moves import ACTIVE
from tests.conftest import sent_statements
from tests.factories import make_application, make_org, make_space, make_user

FACTS = json.loads((Path(__file__).parent.parent / "data" / "kunming-comprehensive-service.json").read_text("utf-8"))
TODAY = date(2026, 10, 20)


@pytest.fixture(autouse=True)
def call_open(app):
    """Today, in 昆明's call for applications (第八条)."""
    clock.freeze(TODAY)
    db.session.add(Call(jurisdiction="kunming", title="2026年度申报通知", opens_on=date(2026, 10, 1),
                        closes_on=date(2026, 10, 31), categories=["comprehensive_service"]))
    db.session.commit()


def submit(region: str, applicant_of: dict) -> Application:
    org = make_org(region=region)
    space = make_space(org, region=region)
    application = make_application("kunming", "comprehensive_service", space=space, status="draft",
                                    facts=dict(FACTS, space_region=region))
    applicant_of[application.id] = make_user("applicant", organisation=org)
    workflow.act(application, "submit", applicant_of[application.id], today=TODAY)
    return application


def one_by_one(user) -> list[tuple[int, str]]:
    found = db.session.scalars(select(Application).where(Application.status.in_(ACTIVE))
                               .order_by(Application.submitted_on, Application.id)).all()
    return [(a.id, reason) for a in found if (reason := attendance.unattended(a))]


def grouped(user, limit=attendance.SHOWN_UNATTENDED) -> tuple[int, list[tuple[int, str]]]:
    answer = attendance.unattended_applications(user, limit=limit)
    return answer.count, [(a.id, reason) for a, reason in answer.oldest]


@pytest.fixture
def province(app):
    """Six 昆明 applications at the recommender's step in three areas; two recommenders of
    530112 and 530113; one application of 530102 assigned to the 530112 recommender."""
    applicants = {}
    make_user("recommender", ("kunming",), region_prefix="530112")
    make_user("recommender", ("kunming",), region_prefix="530113")
    officer = make_user("officer", ("kunming",))
    apps = [submit(region, applicants) for region in ("530102", "530112", "530113", "530102", "530181", "530112")]
    return officer, apps


def test_the_grouped_answer_is_the_one_by_one_answer(province):
    officer, apps = province
    expected = one_by_one(officer)
    assert [i for i, _ in expected] == [apps[0].id, apps[3].id, apps[4].id]  # 530102 ×2, 530181: nobody's area
    assert grouped(officer) == (3, expected)
    assert "（530181）" in dict(expected)[apps[4].id]


def test_an_assignment_covers_its_application_only(province):
    officer, apps = province
    recommender = attendance.assignable_recommenders(apps[0])[0]
    db.session.add(StepAssignment(application_id=apps[0].id, assignee_id=recommender.id,
                                  step=apps[0].current_step, assigned_by_id=officer.id))
    db.session.commit()
    assert grouped(officer) == (2, one_by_one(officer)) and apps[0].id not in dict(grouped(officer)[1])


def test_a_recommender_without_an_area_covers_all(province):
    officer, _ = province
    make_user("recommender", ("kunming",), region_prefix=None)
    assert grouped(officer) == (0, []) and one_by_one(officer) == []


def test_no_recommender_at_all_leaves_every_one(app):
    applicants = {}
    officer = make_user("officer", ("kunming",))
    apps = [submit(region, applicants) for region in ("530102", "530112")]
    assert grouped(officer) == (2, one_by_one(officer)) and [i for i, _ in grouped(officer)[1]] == [a.id for a in apps]


def test_limit_shows_the_oldest_and_counts_all(province):
    officer, apps = province
    count, shown = grouped(officer, limit=2)
    assert count == 3 and [i for i, _ in shown] == [apps[0].id, apps[3].id]


def test_statements_do_not_grow_with_the_applications(province):
    officer, apps = province
    with sent_statements() as few:
        grouped(officer)
    applicants = {}
    for region in ("530102", "530181", "530102", "530112"):
        submit(region, applicants)
    db.session.expire_all()
    with sent_statements() as more:
        grouped(officer)
    assert len(more) == len(few)
