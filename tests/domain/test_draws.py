"""The random draw of experts with 回避 (core/review/draws.py, /admin/batches/<id>/draw): each rule on
both sides, the fields, the bureau's minimum, a pool too small, reproducibility, the replacement after a
declared conflict, scoping and CSRF — on the real database, over HTTP with CSRF on."""
from __future__ import annotations

from datetime import date, datetime, time

import pytest
from sqlalchemy import select

from core.bureau import operations as bureau_operations
from core.bureau.data import EXPERT_MINIMUM, EXPERT_REVIEW_YEARS, EXPERT_SAME_DISTRICT
from core.platform import clock
from core.platform.extensions import db
from core.platform.models import (AuditEvent, ExpertAssignment, ExpertDraw, ExpertProfile, ExpertRelationship,
                                  ReviewRecord)
from core.review import batches, draws, experts
from tests.domain.test_batches import as_user, at_step, count, post
from tests.factories import make_application, make_user

SHEET = ("场地与设施", "运营管理团队", "创业服务能力", "孵化成效")


def expert(fields=(), status="active", jurisdiction="mile", **profile):
    user = make_user("expert", (jurisdiction,))
    db.session.add(ExpertProfile(user_id=user.id, fields=list(fields), status=status, **profile))
    db.session.commit()
    return user


def new_batch(officer, applications, code="mile"):
    batch = batches.create_batch(code, "抽取批次", officer)
    for a in applications:
        batches.add_application(batch, a.id, officer)
    return batch


def scored_on(user, application, day: date) -> None:
    """A score sheet ``user`` gave ``application`` on ``day`` (Asia/Shanghai)."""
    moment = datetime.combine(day, time(10, 0), tzinfo=clock.ZONE)
    db.session.add(ReviewRecord(application_id=application.id, step="expert_review", action="score",
                                actor_id=user.id, scores={}, created_at=moment))
    db.session.commit()


# --- 回避, each rule on both sides ------------------------------------------------------------


def test_same_organisation_by_uscc_or_trimmed_name(app):
    application = at_step()
    org = application.organisation
    same_uscc = expert(organisation_uscc=org.uscc)
    same_name = expert(organisation_name=f"  {org.name} ")
    other = expert(organisation_uscc="91530000MA00000000", organisation_name="另一单位")
    no_profile = make_user("expert", ("mile",))
    today = date(2026, 5, 1)
    assert "同单位回避" in draws.exclusions(same_uscc, application, "mile", today)[0]
    assert "同单位回避" in draws.exclusions(same_name, application, "mile", today)[0]
    assert draws.exclusions(other, application, "mile", today) == []
    assert draws.exclusions(no_profile, application, "mile", today) == []


def test_declared_relationship(app):
    application = at_step()
    related, unrelated = expert(), expert()
    db.session.add_all([
        ExpertRelationship(expert_id=related.id, organisation_uscc=application.organisation.uscc, relation="曾任顾问"),
        ExpertRelationship(expert_id=unrelated.id, organisation_uscc="91530000MA99999999", relation="亲属任职"),
    ])
    db.session.commit()
    reasons = draws.exclusions(related, application, "mile", date(2026, 5, 1))
    assert len(reasons) == 1 and "利害关系回避" in reasons[0] and "曾任顾问" in reasons[0]
    assert draws.exclusions(unrelated, application, "mile", date(2026, 5, 1)) == []


def test_same_district_only_when_the_bureau_sets_it(app):
    application = at_step()  # its space is in 532504
    local, elsewhere = expert(region=application.space.region), expert(region="530102")
    today = date(2026, 5, 1)
    assert draws.exclusions(local, application, "mile", today) == []  # unset: no such rule
    bureau_operations.set_bureau_setting("mile", EXPERT_SAME_DISTRICT, False)
    assert draws.exclusions(local, application, "mile", today) == []
    bureau_operations.set_bureau_setting("mile", EXPERT_SAME_DISTRICT, True)
    reasons = draws.exclusions(local, application, "mile", today)
    assert len(reasons) == 1 and "同县（市、区）回避" in reasons[0] and "本局设定" in reasons[0]
    assert draws.exclusions(elsewhere, application, "mile", today) == []


def test_reviewed_the_same_space_within_n_years(app):
    application = at_step()
    earlier = make_application("mile", space=application.space, status="rejected")
    other_space = make_application("mile", status="rejected")
    reviewer, reviewer_elsewhere = expert(), expert()
    scored_on(reviewer, earlier, date(2023, 5, 10))
    scored_on(reviewer_elsewhere, other_space, date(2025, 5, 10))
    assert draws.exclusions(reviewer, application, "mile", date(2026, 5, 10)) == []  # unset: no such rule
    bureau_operations.set_bureau_setting("mile", EXPERT_REVIEW_YEARS, 3)
    # 民法典 第201、202条: from the day after the score to the corresponding day three years later
    last_day = draws.exclusions(reviewer, application, "mile", date(2026, 5, 10))
    assert len(last_day) == 1 and "本局设定" in last_day[0] and "2023-05-10" in last_day[0]
    assert draws.exclusions(reviewer, application, "mile", date(2026, 5, 11)) == []
    assert draws.exclusions(reviewer_elsewhere, application, "mile", date(2026, 5, 10)) == []


# --- the draw -------------------------------------------------------------------------------


def test_fields_filter_and_kept_away_recorded(app):
    officer = make_user("officer", ("mile",))
    application = at_step()
    digital = [expert(fields=["数字经济"]) for _ in range(3)]
    farming = [expert(fields=["现代农业"]) for _ in range(2)]
    paused = expert(fields=["数字经济"], status="paused")
    colleague = expert(fields=["数字经济"], organisation_uscc=application.organisation.uscc)
    batch = new_batch(officer, [application])
    done = draws.draw(batch, 3, ["数字经济"], officer)
    assert sorted(done.drawn) == sorted(u.id for u in digital)
    assert done.pool == sorted(u.id for u in digital) and done.fields == ["数字经济"]
    assert "无所选专业领域" in done.excluded[str(farming[0].id)]
    assert done.excluded[str(paused.id)] == ["专家库中已暂停"]
    assert "同单位回避" in done.excluded[str(colleague.id)][0]
    assert {a.expert_id for a in batch.experts} == set(done.drawn)
    event = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "batch.experts_drawn")).one()
    assert event.actor_id == officer.id and event.detail["seed"] == done.seed and event.detail["drawn"] == done.drawn
    # an unknown field is refused
    with pytest.raises(batches.BatchError) as refused:
        draws.draw(batch, 1, ["航空航天"], officer)
    assert "航空航天" in refused.value.errors["fields"]


def test_minimum_is_the_bureaus(app):
    officer = make_user("officer", ("mile",))
    for _ in range(4):
        expert()
    empty = new_batch(officer, [])
    with pytest.raises(batches.BatchError) as refused:
        draws.draw(empty, 1, [], officer)
    assert "尚无申报" in refused.value.message
    batch = new_batch(officer, [at_step()])
    with pytest.raises(batches.BatchError) as refused:
        draws.draw(batch, 0, [], officer)
    assert "至少为 1 人" in refused.value.message
    bureau_operations.set_bureau_setting("mile", EXPERT_MINIMUM, 3)
    with pytest.raises(batches.BatchError) as refused:
        draws.draw(batch, 2, [], officer)
    assert "本局设定" in refused.value.message and "3" in refused.value.errors["count"]
    assert count(ExpertDraw) == 0
    assert len(draws.draw(batch, 3, [], officer).drawn) == 3  # the minimum itself is enough


def test_pool_too_small_refused_and_nothing_written(app):
    officer = make_user("officer", ("mile",))
    application = at_step()
    expert(), expert()
    colleague = expert(organisation_uscc=application.organisation.uscc)
    batch = new_batch(officer, [application])
    events = count(AuditEvent)
    with pytest.raises(batches.BatchError) as refused:
        draws.draw(batch, 3, [], officer)
    message = refused.value.message
    assert "只有 2 人" in message and "另有 1 人" in message and colleague.name in message and "同单位回避" in message
    db.session.rollback()
    assert count(ExpertDraw) == 0 and count(ExpertAssignment) == 0 and count(AuditEvent) == events


def test_draw_is_reproducible_from_its_seed(app):
    officer = make_user("officer", ("mile",))
    pool = [expert() for _ in range(10)]
    batch = new_batch(officer, [at_step()])
    done = draws.draw(batch, 3, [], officer)
    assert done.pool == sorted(u.id for u in pool) and int(done.seed) < 2 ** 64
    db.session.expire_all()
    again = db.session.get(ExpertDraw, done.id)
    assert draws.replay(again) == again.drawn
    # the same pool with another seed gives another draw (seeds fixed: the test is deterministic)
    assert draws._sample(again.pool, 3, "1") == draws._sample(again.pool, 3, "1")
    assert draws._sample(again.pool, 3, "1") != draws._sample(again.pool, 3, "2")


# --- the replacement after a declared conflict --------------------------------------------------


def test_replacement_after_declared_conflict_then_none_left(app):
    officer = make_user("officer", ("mile",))
    trio = [expert() for _ in range(3)]
    batch = new_batch(officer, [at_step()])
    first = draws.draw(batch, 2, [], officer)
    declarer = next(u for u in trio if u.id == first.drawn[0])
    client = as_user(app, declarer)
    page = f"/admin/batches/{batch.id}"
    form = client.get(page).get_data(as_text=True)
    only = batch.applications[0].id
    assert f'id="conflict-no-{only}"' in form and "checked" not in form  # an explicit choice, nothing pre-selected
    done = post(client, page, f"{page}/declare", {f"conflict-{only}": "yes", f"note-{only}": "与申报单位负责人为亲属"})
    assert done.status_code == 302
    replacement = db.session.scalars(select(ExpertDraw).where(ExpertDraw.kind == "replacement")).one()
    left = next(u for u in trio if u.id not in first.drawn)
    assert replacement.drawn == [left.id] and replacement.replaces_id == declarer.id
    assert replacement.drawn_by_id is None and draws.replay(replacement) == replacement.drawn
    assert "已申明利益冲突" in replacement.excluded[str(declarer.id)]
    event = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "batch.expert_replacement_drawn")).one()
    assert event.actor_id is None and event.actor_name == "system"
    assert {a.expert_id for a in batch.experts} == {u.id for u in trio}
    # the second drawn expert declares too: nobody is left, nothing is drawn, the officer is told
    second = next(u for u in trio if u.id == first.drawn[1])
    experts.declare(batch, second, conflict=True, note="曾任该单位顾问")
    assert count(ExpertDraw) == 2 and count(ExpertAssignment) == 3
    assert [a.expert_id for a in draws.unreplaced(batch)] == [second.id]
    html = as_user(app, officer).get(page).get_data(as_text=True)
    assert f'id="unreplaced-{second.id}"' in html and second.name in html
    assert f'id="unreplaced-{declarer.id}"' not in html


def test_a_batch_not_drawn_gets_no_replacement(app):
    officer = make_user("officer", ("mile",))
    assigned, spare = expert(), expert()
    batch = new_batch(officer, [at_step()])
    batches.assign_expert(batch, assigned.id, officer)
    experts.declare(batch, assigned, conflict=True, note="亲属")
    assert count(ExpertDraw) == 0 and draws.unreplaced(batch) == [] and spare.id not in {a.expert_id for a in batch.experts}


# --- the conclusion under the bureau's minimum ----------------------------------------------------


def test_conclusion_needs_the_minimum_of_scores(app):
    officer = make_user("officer", ("mile",))
    application = at_step()
    one, two = expert(), expert()
    batch = new_batch(officer, [application])
    batches.assign_expert(batch, one.id, officer)
    batches.assign_expert(batch, two.id, officer)
    experts.declare(batch, one, conflict=False)
    experts.declare(batch, two, conflict=True, note="亲属")  # not drawn: no replacement
    experts.score(batch, application.id, one, dict(zip(SHEET, ("18", "18", "25", "25"))), "实地查验：一致")
    bureau_operations.set_bureau_setting("mile", EXPERT_MINIMUM, 2)
    with pytest.raises(batches.BatchError) as refused:
        experts.conclude(batch, officer)
    assert f"申报 #{application.id}" in refused.value.message and "本局设定" in refused.value.message
    assert "至少由 2 位" in refused.value.message and batch.status == "open"
    bureau_operations.set_bureau_setting("mile", EXPERT_MINIMUM, 1)
    experts.conclude(batch, officer)
    assert batch.status == "concluded"


# --- the page: the form, errors next to fields, scoping, CSRF ---------------------------------------


def test_officer_draws_on_the_page(app):
    officer = make_user("officer", ("mile",))
    pool = [expert(fields=["数字经济"]) for _ in range(3)]
    batch = new_batch(officer, [at_step()])
    bureau_operations.set_bureau_setting("mile", EXPERT_MINIMUM, 2)
    client = as_user(app, officer)
    page = f"/admin/batches/{batch.id}"
    html = client.get(page).get_data(as_text=True)
    assert 'id="draw-experts"' in html and 'value="数字经济"' in html and 'id="draw-minimum"' in html
    wrong = post(client, page, f"{page}/draw", {"count": "一", "fields": ["数字经济"]})
    assert wrong.status_code == 400 and 'id="draw-count-error"' in wrong.get_data(as_text=True)
    low = post(client, page, f"{page}/draw", {"count": "1"})
    assert low.status_code == 400 and "本局设定" in low.get_data(as_text=True)
    assert count(ExpertDraw) == 0
    done = post(client, page, f"{page}/draw", {"count": "2", "fields": ["数字经济"]})
    assert done.status_code == 302
    draw = db.session.scalars(select(ExpertDraw)).one()
    html = client.get(page).get_data(as_text=True)
    assert draw.seed in html and all(u.name in html for u in pool if u.id in draw.drawn)


def test_another_jurisdictions_officer_cannot_draw(app):
    officer = make_user("officer", ("mile",))
    stranger = make_user("officer", ("kunming",))
    for _ in range(2):
        expert()
    batch = new_batch(officer, [at_step()])
    with pytest.raises(batches.BatchError):
        draws.draw(batch, 1, [], stranger)
    client = as_user(app, stranger)
    own = batches.create_batch("kunming", "昆明批次", stranger)
    response = post(client, f"/admin/batches/{own.id}", f"/admin/batches/{batch.id}/draw", {"count": "1"})
    assert response.status_code == 404 and count(ExpertDraw) == 0
    expert_user = expert()
    with pytest.raises(batches.BatchError):
        draws.draw(batch, 1, [], expert_user)  # an expert does not draw


def test_draw_without_csrf_refused(app):
    officer = make_user("officer", ("mile",))
    expert(), expert()
    batch = new_batch(officer, [at_step()])
    client = as_user(app, officer)
    response = client.post(f"/admin/batches/{batch.id}/draw", data={"count": "1"})
    assert response.status_code == 400 and count(ExpertDraw) == 0


def test_kunming_pool_is_not_mile_s(app):
    officer = make_user("officer", ("mile",))
    expert(jurisdiction="kunming")
    batch = new_batch(officer, [at_step()])
    assert draws.eligibility(batch).pool == []


def test_demo_has_a_drawn_batch_with_a_replacement(app):
    from core.cli import cli
    from core.demo import DEMO_PASSWORD, demo_login
    from core.platform.models import Batch
    from tests.factories import login

    result = app.test_cli_runner().invoke(cli, ["demo"])
    assert result.exit_code == 0, result.output
    found = db.session.scalars(select(ExpertDraw).order_by(ExpertDraw.id)).all()
    assert [d.kind for d in found] == ["draw", "replacement"]
    first, replacement = found
    assert replacement.replaces_id == first.drawn[0] and replacement.drawn_by_id is None
    assert draws.replay(first) == first.drawn and draws.replay(replacement) == replacement.drawn
    assert any("同单位回避" in r for reasons in first.excluded.values() for r in reasons)
    batch = db.session.get(Batch, first.batch_id)
    assert replacement.drawn[0] in {a.expert_id for a in batch.experts} and draws.unreplaced(batch) == []
    client = app.test_client()
    login(client, demo_login("officer", "mile"), DEMO_PASSWORD)
    html = client.get(f"/admin/batches/{batch.id}").get_data(as_text=True)
    assert first.seed in html and replacement.seed in html
    again = app.test_cli_runner().invoke(cli, ["demo"])
    assert again.exit_code == 0 and count(ExpertDraw) == 2



def test_drawn_experts_hear_of_their_assignment_in_their_inbox(app):
    """A draw assigns as the officer's hand does: each drawn expert's inbox gets the to-do, and only theirs."""
    from core.platform.models import Notification

    officer = make_user("officer", ("mile",))
    pool = [expert() for _ in range(4)]
    done = draws.draw(new_batch(officer, [at_step()]), 2, [], officer)
    told = {n.user_id for n in db.session.scalars(select(Notification).where(Notification.event == "expert.assigned"))}
    assert told == set(done.drawn) and told < {u.id for u in pool}


def test_a_paused_expert_is_neither_offered_nor_assigned_by_hand(app):
    """Paused in the pool: drawn by nobody, and the officer's hand cannot assign him either."""
    officer = make_user("officer", ("mile",))
    paused = expert(status="paused")
    active = expert()
    batch = new_batch(officer, [at_step()])
    assert paused not in batches.expert_candidates(batch) and active in batches.expert_candidates(batch)
    with pytest.raises(batches.BatchError, match="已暂停"):
        batches.assign_expert(batch, paused.id, officer)
    assert batches.assign_expert(batch, active.id, officer).expert_id == active.id


def test_a_second_click_on_the_same_page_draws_nothing(app):
    """The form says how many draws its page showed: the same page posted twice (a double click, a
    second tab) is refused the second time, with nothing written; a page showing the first draw may draw again."""
    officer = make_user("officer", ("mile",))
    [expert() for _ in range(6)]
    batch = new_batch(officer, [at_step()])
    client = as_user(app, officer)
    page = f"/admin/batches/{batch.id}"
    assert 'name="draws_seen" value="0"' in client.get(page).get_data(as_text=True)
    form = {"count": "2", "draws_seen": "0"}
    assert post(client, page, f"/admin/batches/{batch.id}/draw", form).status_code == 302
    again = post(client, page, f"/admin/batches/{batch.id}/draw", form)
    assert again.status_code == 400 and "重复提交" in again.get_data(as_text=True)
    assert count(ExpertDraw) == 1 and count(ExpertAssignment) == 2
    assert post(client, page, f"/admin/batches/{batch.id}/draw", {"count": "1", "draws_seen": "1"}).status_code == 302
    assert count(ExpertDraw) == 2
