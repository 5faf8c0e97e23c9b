"""The expert's conflict-of-interest (利益冲突) declaration is an explicit choice
(issue 13, "The walk"): nothing is pre-selected, and submitting without choosing is
refused with a Chinese error next to the field, writing nothing — real HTTP, CSRF on."""
from __future__ import annotations

import re

from core.platform.extensions import db
from core.platform.models import ExpertAssignment
from tests.domain.test_batches import as_user, at_step, post, staff
from tests.web.test_expert_review import batch_with


def _declaration_form(html: str) -> str:
    return re.search(r'<form[^>]*id="declare".*?</form>', html, re.S).group(0)


def test_no_answer_is_pre_selected(app):
    users = staff()
    batch = batch_with(users, [at_step()], [users["expert"]])
    html = as_user(app, users["expert"]).get(f"/admin/batches/{batch.id}").get_data(as_text=True)
    form = _declaration_form(html)
    assert 'id="conflict-no"' in form and 'id="conflict-yes"' in form
    assert "checked" not in form


def test_submitting_without_a_choice_is_refused_next_to_the_field(app):
    users = staff()
    batch = batch_with(users, [at_step()], [users["expert"]])
    client = as_user(app, users["expert"])
    page = f"/admin/batches/{batch.id}"
    for data in ({}, {"conflict": ""}, {"conflict": "maybe"}, {"note": "已读"}):
        refused = post(client, page, f"{page}/declare", data)
        html = refused.get_data(as_text=True)
        assert refused.status_code == 400, data
        error = re.search(r'id="conflict-error">([^<]+)<', html)
        assert error and "请选择" in error.group(1) and "利益冲突" in error.group(1)
        # what was typed stays, still nothing pre-selected
        assert "checked" not in _declaration_form(html)
        db.session.expire_all()
        assignment = db.session.query(ExpertAssignment).one()
        assert assignment.no_conflict_declared_at is None and assignment.conflict_declared_at is None
    refused = post(client, page, f"{page}/declare", {"note": "曾任顾问"})
    assert "曾任顾问" in refused.get_data(as_text=True)


def test_an_explicit_choice_is_recorded(app):
    users = staff()
    second = __import__("tests.factories", fromlist=["make_user"]).make_user("expert", ("mile",))
    batch = batch_with(users, [at_step()], [users["expert"], second])
    page = f"/admin/batches/{batch.id}"
    assert post(as_user(app, users["expert"]), page, f"{page}/declare", {"conflict": "no"}).status_code == 302
    conflicted = as_user(app, second)
    refused = post(conflicted, page, f"{page}/declare", {"conflict": "yes", "note": " "})
    html = refused.get_data(as_text=True)
    assert refused.status_code == 400 and re.search(r'id="note-error">[^<]*须说明情况', html)
    assert re.search(r'id="conflict-yes"[^>]*checked', html)  # the choice made is kept
    assert post(conflicted, page, f"{page}/declare", {"conflict": "yes", "note": "曾任顾问"}).status_code == 302
    db.session.expire_all()
    found = {a.expert_id: a for a in db.session.query(ExpertAssignment)}
    assert found[users["expert"].id].no_conflict_declared_at is not None
    assert found[second.id].conflict_declared_at is not None and found[second.id].conflict_note == "曾任顾问"
