"""Issue 22's review work by the role held in the batch's jurisdiction (found by the audit of issue
22): an officer of 昆明 who recommends for 弥勒 does none of 弥勒's batch or pool work; an officer of
昆明 who is 弥勒's expert works as an expert there (his task page, a blind batch hiding names from him,
his application list leaving out its applications); a forged id is no id, never a 500."""
from __future__ import annotations

from datetime import date

import pytest

from core.accounts import roles, scope_roles
from core.platform.extensions import db
from core.platform.models import ExpertProfile
from core.review import batches, blind, draws, expert_desk, expert_import, expert_pool, meeting_paper
from core.review.batches import BatchError
from core.review.expert_pool import PoolError
from tests.domain.test_batches import as_user, at_step, post
from tests.factories import make_user


@pytest.fixture
def world(app):
    officer = make_user("officer", ("mile",))
    application = at_step()
    batch = batches.create_batch("mile", "弥勒批次", officer)
    batches.add_application(batch, application.id, officer)
    expert = make_user("expert", ("mile",))
    db.session.add(ExpertProfile(user_id=expert.id, fields=["创业服务"], status="active"))
    recommends = make_user("officer", ["kunming", "mile"], login="recommends-in-mile@example.cn")
    scope_roles.set_scope_roles(recommends, {"mile": (roles.RECOMMENDER, "532504")})
    reviews = make_user("officer", ["kunming", "mile"], login="expert-in-mile@example.cn")
    scope_roles.set_scope_roles(reviews, {"mile": (roles.EXPERT, None)})
    db.session.commit()
    return {"officer": officer, "application": application, "batch": batch, "expert": expert,
            "recommends": recommends, "reviews": reviews}


def test_an_officer_elsewhere_does_no_batch_work_where_he_recommends(world):
    batch, two = world["batch"], world["recommends"]
    for act in (lambda: draws.draw(batch, 1, [], two), lambda: blind.set_blind(batch, True, two),
                lambda: expert_desk.set_review_due(batch, "2030-01-01", two, date(2026, 12, 4)),
                lambda: meeting_paper.require_reader(batch, two)):
        with pytest.raises(BatchError):
            act()
    assert batches.visible_batch(batch.id, two) is None  # a recommender reads no batch's scores


def test_an_officer_elsewhere_keeps_no_pool_where_he_recommends(world):
    two, expert = world["recommends"], world["expert"]
    with pytest.raises(PoolError):
        expert_pool.set_status(expert, two, "paused")
    with pytest.raises(expert_import.ImportRefused):
        expert_import.import_workbook(b"", "mile", two)
    assert expert_pool.visible_expert(expert.id, two) is None
    assert db.session.get(ExpertProfile, expert.id).status == "active"


def test_the_batch_pages_by_the_role_held(app, world):
    batch, two = world["batch"], world["recommends"]
    client = as_user(app, two)
    assert client.get(f"/admin/batches/{batch.id}").status_code == 404
    assert world["application"].space.name not in client.get("/admin/batches/").get_data(as_text=True)


def test_an_expert_in_one_jurisdiction_works_as_one_there(app, world):
    batch, reviewer, officer = world["batch"], world["reviews"], world["officer"]
    batches.assign_expert(batch, reviewer.id, officer)
    blind.set_blind(batch, True, officer)
    assert blind.hides_applicant(batch, reviewer)
    client = as_user(app, reviewer)
    assert client.get("/admin/batches/mine").status_code == 200
    space = world["application"].space.name
    page = client.get(f"/admin/batches/{batch.id}").get_data(as_text=True)
    assert space not in page
    listing = client.get("/admin/application/").get_data(as_text=True)
    assert space not in listing  # the blind batch's applications are left out of his list
    checklist = client.get(f"/admin/checklist/{world['application'].id}")
    assert checklist.status_code == 200  # his checklist of it names no applicant either
    assert space not in checklist.get_data(as_text=True)
    assert world["application"].organisation.name not in checklist.get_data(as_text=True)
    officer_view = as_user(app, officer).get(f"/admin/checklist/{world['application'].id}").get_data(as_text=True)
    assert space in officer_view  # the officer's does
    assert client.get(f"/admin/application/details/?id={world['application'].id}").status_code in (302, 404)


@pytest.mark.parametrize("forged", ["9223372036854775808", "-1", "0", "²", "abc"])
def test_a_forged_score_id_is_no_id_never_a_500(app, world, forged):
    batch = world["batch"]
    client = as_user(app, world["officer"])
    page = f"/admin/batches/{batch.id}"
    assert post(client, page, f"/admin/batches/{batch.id}/query", {"record_id": forged}).status_code < 500
    assert post(client, page, f"/admin/batches/{batch.id}/assign", {"expert_id": forged}).status_code < 500
