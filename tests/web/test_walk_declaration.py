"""The expert's conflict-of-interest (利益冲突) declaration, per application of his batch (issue 13
"The walk", issue 22 "Experts still declare COI per application, as an explicit choice and not
pre-selected"): every application has its two choices, nothing pre-selected; submitting with any
row wrong is refused with a Chinese error next to that row, writing nothing and keeping what was
typed — real HTTP, CSRF on."""
from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from core.platform.extensions import db
from core.platform.models import AuditEvent, ConflictDeclaration, ExpertAssignment, ReviewRecord
from core.review import batches, draws, experts
from tests.domain.test_draws import expert as pooled_expert, new_batch
from tests.domain.test_batches import as_user, at_step, post, staff
from tests.factories import make_user
from tests.web.test_expert_review import batch_with, scores_form


def _declaration_form(html: str) -> str:
    return re.search(r'<form[^>]*id="declare".*?</form>', html, re.S).group(0)


def _declarations() -> list[ConflictDeclaration]:
    db.session.expire_all()
    return db.session.scalars(select(ConflictDeclaration)).all()


def test_every_application_has_its_choice_and_none_is_pre_selected(app):
    users = staff()
    one, two = at_step(), at_step()
    batch = batch_with(users, [one, two], [users["expert"]])
    form = _declaration_form(as_user(app, users["expert"]).get(f"/admin/batches/{batch.id}").get_data(as_text=True))
    for application in (one, two):
        assert f'id="conflict-no-{application.id}"' in form and f'id="conflict-yes-{application.id}"' in form
    assert "checked" not in form
    assert "无利益冲突" in form  # the other choice's Chinese comes with the next catalogue (/tmp/plan/zh_coi.py)


@pytest.mark.parametrize("answers", [{}, {"one": ""}, {"one": "maybe"}, {"one": "no"}])
def test_a_missing_answer_is_refused_next_to_its_row(app, answers):
    users = staff()
    one, two = at_step(), at_step()
    batch = batch_with(users, [one, two], [users["expert"]])
    client = as_user(app, users["expert"])
    page = f"/admin/batches/{batch.id}"
    data = {f"conflict-{one.id}": v for v in answers.values()}
    data[f"note-{two.id}"] = "已读材料"
    refused = post(client, page, f"{page}/declare", data)
    html = refused.get_data(as_text=True)
    assert refused.status_code == 400
    error = re.search(rf'id="declare-error-{two.id}">([^<]+)<', html)
    assert error and "请选择" in error.group(1) and "利益冲突" in error.group(1)
    if answers.get("one") == "no":  # the row answered has no error and keeps its choice
        assert f'id="declare-error-{one.id}"' not in html
        assert re.search(rf'id="conflict-no-{one.id}"[^>]*checked', html)
    else:
        assert f'id="declare-error-{one.id}"' in html
    assert "已读材料" in html  # what was typed stays
    assert _declarations() == []
    assignment = db.session.query(ExpertAssignment).one()
    assert assignment.no_conflict_declared_at is None and assignment.conflict_declared_at is None


def test_a_conflict_without_a_note_is_refused_and_the_choices_kept(app):
    users = staff()
    one, two = at_step(), at_step()
    batch = batch_with(users, [one, two], [users["expert"]])
    client = as_user(app, users["expert"])
    page = f"/admin/batches/{batch.id}"
    refused = post(client, page, f"{page}/declare", {f"conflict-{one.id}": "no", f"conflict-{two.id}": "yes",
                                                     f"note-{two.id}": "  "})
    html = refused.get_data(as_text=True)
    assert refused.status_code == 400 and re.search(rf'id="declare-error-{two.id}">[^<]*须说明情况', html)
    assert re.search(rf'id="conflict-yes-{two.id}"[^>]*checked', html)
    assert re.search(rf'id="conflict-no-{one.id}"[^>]*checked', html)
    assert _declarations() == [] and db.session.query(ExpertAssignment).one().conflict_declared_at is None


def test_no_conflict_on_every_application_is_recorded_per_application_and_audited(app):
    users = staff()
    one, two = at_step(), at_step()
    batch = batch_with(users, [one, two], [users["expert"]])
    client = as_user(app, users["expert"])
    page = f"/admin/batches/{batch.id}"
    assert post(client, page, f"{page}/declare", {f"conflict-{one.id}": "no",
                                                  f"conflict-{two.id}": "no"}).status_code == 302
    found = {d.application_id: d for d in _declarations()}
    assert set(found) == {one.id, two.id} and not any(d.conflict for d in found.values())
    assignment = db.session.query(ExpertAssignment).one()
    assert assignment.no_conflict_declared_at is not None and assignment.conflict_declared_at is None
    events = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "expert.no_conflict_declared")).all()
    assert sorted(e.detail["application"] for e in events) == [one.id, two.id]
    # declared: a second declaration is refused, nothing more written
    refused = post(client, page, f"{page}/declare", {f"conflict-{one.id}": "yes", f"note-{one.id}": "x"})
    assert refused.status_code == 400 and len(_declarations()) == 2
    # the officer sees each application's declaration, in words
    officer_page = as_user(app, users["officer"]).get(page).get_data(as_text=True)
    row = re.search(rf'id="declaration-{users["expert"].id}-{two.id}">(.*?)</li>', officer_page, re.S).group(1)
    assert "无利益冲突" in row


def test_a_conflict_on_one_application_takes_him_off_and_draws_a_replacement(app):
    officer = make_user("officer", ("mile",))
    pool = [pooled_expert() for _ in range(3)]
    one, two = at_step(), at_step()
    batch = new_batch(officer, [one, two])
    first = draws.draw(batch, 2, [], officer)
    declarer = next(u for u in pool if u.id == first.drawn[0])
    client = as_user(app, declarer)
    page = f"/admin/batches/{batch.id}"
    assert post(client, page, f"{page}/declare", {f"conflict-{one.id}": "no", f"conflict-{two.id}": "yes",
                                                  f"note-{two.id}": "与申报单位负责人为亲属"}).status_code == 302
    found = {d.application_id: d.conflict for d in _declarations()}
    assert found == {one.id: False, two.id: True}
    assignment = batches.assignment_of(batch, declarer)
    assert assignment.conflict_declared_at is not None and assignment.conflict_note == f"申报 #{two.id}：与申报单位负责人为亲属"
    replacement = [d for d in draws.draws_of(batch) if d.kind == "replacement"]
    assert len(replacement) == 1 and replacement[0].replaces_id == declarer.id
    assert batches.assignment_of(batch, db.session.get(type(declarer), replacement[0].drawn[0])) is not None
    conflicted = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "expert.conflict_declared")).one()
    assert conflicted.detail["application"] == two.id and conflicted.opinion == "与申报单位负责人为亲属"
    # he may score neither application now
    refused = post(client, page, f"{page}/score/{one.id}", scores_form("18", "18", "25", "25"))
    assert refused.status_code == 400 and "利益冲突" in refused.get_data(as_text=True)
    officer_page = as_user(app, officer).get(page).get_data(as_text=True)
    row = re.search(rf'id="declaration-{declarer.id}-{two.id}">(.*?)</li>', officer_page, re.S).group(1)
    assert "text-danger" in row and "与申报单位负责人为亲属" in row and "无利益冲突" not in row


def test_an_application_added_later_is_declared_before_it_is_scored(app):
    users = staff()
    one, later = at_step(), at_step()
    batch = batch_with(users, [one], [users["expert"]])
    experts.declare(batch, users["expert"], conflict=False)
    batches.add_application(batch, later.id, users["officer"])
    client = as_user(app, users["expert"])
    page = f"/admin/batches/{batch.id}"
    html = client.get(page).get_data(as_text=True)
    form = _declaration_form(html)  # only the one added since
    assert f'id="conflict-no-{later.id}"' in form and f'id="conflict-no-{one.id}"' not in form
    assert "checked" not in form
    refused = post(client, page, f"{page}/score/{later.id}", scores_form("18", "18", "25", "25"))
    assert refused.status_code == 400 and f"申报 #{later.id} 是您声明之后编入本批次的" in refused.get_data(as_text=True)
    assert db.session.scalars(select(ReviewRecord)).all() == []
    assert post(client, page, f"{page}/score/{one.id}", scores_form("18", "18", "25", "25")).status_code == 302
    assert post(client, page, f"{page}/declare", {f"conflict-{later.id}": "no"}).status_code == 302
    assert post(client, page, f"{page}/score/{later.id}", scores_form("18", "18", "25", "25")).status_code == 302


def test_without_csrf_nothing_is_declared(app):
    users = staff()
    one = at_step()
    batch = batch_with(users, [one], [users["expert"]])
    client = as_user(app, users["expert"])
    refused = client.post(f"/admin/batches/{batch.id}/declare", data={f"conflict-{one.id}": "no"})
    assert refused.status_code == 400 and _declarations() == []


def test_another_expert_cannot_declare_for_him(app):
    users = staff()
    second, outsider = make_user("expert", ("mile",)), make_user("expert", ("mile",))
    one = at_step()
    batch = batch_with(users, [one], [users["expert"], second])
    page = f"/admin/batches/{batch.id}"
    # an expert of another batch does not reach this one
    assert as_user(app, outsider).get(page).status_code in (403, 404)
    with pytest.raises(batches.BatchError):
        experts.declare_each(batch, outsider, {one.id: (False, None)})
    # his colleague's declaration is the colleague's alone
    assert post(as_user(app, second), page, f"{page}/declare", {f"conflict-{one.id}": "no"}).status_code == 302
    declared = _declarations()
    assert [d.assignment_id for d in declared] == [batches.assignment_of(batch, second).id]
    assert batches.assignment_of(batch, users["expert"]).no_conflict_declared_at is None
    html = as_user(app, users["expert"]).get(page).get_data(as_text=True)
    assert f'id="conflict-no-{one.id}"' in _declaration_form(html)
