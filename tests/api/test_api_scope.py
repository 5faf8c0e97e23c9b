"""Issue 20: a token reads only its jurisdictions.  A 昆明 token sees nothing of 徐州 on any
resource, in the lists or by id (404, not 403), and the other way round; drafts are never read.
Real HTTP through the test client, real database (both backends)."""
from __future__ import annotations

import json

import pytest

from core.api import clients
from core.platform.extensions import db
from core.platform.jurisdictions import switch
from core.platform.models import ApiClient
from tests.api.api_helpers import bearer, populate, token_for
from tests.factories import make_user

RESOURCES = ("applications", "titles", "entitlements", "statistics-returns")


@pytest.fixture
def two_cities(app):
    return {"kunming": populate("kunming", "昆明标记"), "xuzhou": populate("xuzhou", "徐州标记")}


def everything(client, token) -> str:
    """Every list's JSON, page by page, and the jurisdictions: what the token is shown."""
    shown = []
    for resource in ("jurisdictions", *RESOURCES):
        page, pages = 1, 1
        while page <= pages:
            response = client.get(f"/api/v1/{resource}?page={page}&page_size=100", headers=bearer(token))
            assert response.status_code == 200, (resource, response.get_data(as_text=True))
            shown.append(json.dumps(response.json, ensure_ascii=False))
            pages = json.loads(response.headers["X-Pagination"])["total_pages"]
            page += 1
    return "\n".join(shown)


@pytest.mark.parametrize("own, other", [("kunming", "xuzhou"), ("xuzhou", "kunming")])
def test_a_token_sees_nothing_of_another_jurisdiction(client, two_cities, own, other):
    token = token_for(own)
    own_mark, other_mark = ("昆明标记", "徐州标记") if own == "kunming" else ("徐州标记", "昆明标记")
    shown = everything(client, token)
    assert own_mark in shown
    assert other_mark not in shown and f'"{other}"' not in shown
    for resource in RESOURCES:
        listed = client.get(f"/api/v1/{resource}", headers=bearer(token)).json
        assert {row["id"] for row in listed} == set(two_cities[own][resource])
        for record_id in two_cities[own][resource]:
            assert client.get(f"/api/v1/{resource}/{record_id}", headers=bearer(token)).status_code == 200
        for record_id in two_cities[other][resource]:
            response = client.get(f"/api/v1/{resource}/{record_id}", headers=bearer(token))
            assert response.status_code == 404, (resource, record_id)
            assert response.mimetype == "application/json" and other_mark not in json.dumps(response.json, ensure_ascii=False)
    assert [j["code"] for j in client.get("/api/v1/jurisdictions", headers=bearer(token)).json] == [own]
    assert client.get(f"/api/v1/jurisdictions/{own}", headers=bearer(token)).status_code == 200
    assert client.get(f"/api/v1/jurisdictions/{other}", headers=bearer(token)).status_code == 404
    # a filter naming the other jurisdiction finds nothing rather than saying it exists
    assert client.get(f"/api/v1/applications?jurisdiction={other}", headers=bearer(token)).json == []


def test_drafts_are_never_read_and_figures_only_once_accepted(client, two_cities):
    token = token_for("kunming")
    draft = two_cities["kunming"]["drafts"][0]
    assert client.get(f"/api/v1/applications/{draft}", headers=bearer(token)).status_code == 404
    returns = {r["status"]: r for r in client.get("/api/v1/statistics-returns", headers=bearer(token)).json}
    assert returns["accepted"]["figures"]["teams_served"] == 7 and returns["accepted"]["accepted_at"]
    assert returns["submitted"]["figures"] is None and returns["submitted"]["accepted_at"] is None
    assert [t["certificate_number"] for t in returns["accepted"]["titles"]]


def test_what_an_application_shows_and_what_it_does_not(client, two_cities):
    token = token_for("kunming")
    found = client.get("/api/v1/applications?status=in_review", headers=bearer(token)).json[0]
    assert found["space_name"] == "昆明标记众创空间" and found["organisation_name"] == "昆明标记申报单位"
    assert found["steps"] and {"code", "name", "passed", "current", "citation"} <= set(found["steps"][0])
    assert not {"facts", "form_data", "attachments", "uploads"} & set(found)


def test_the_jurisdiction_shows_its_policy_with_citations(client, two_cities):
    token = token_for("kunming")
    [kunming] = client.get("/api/v1/jurisdictions", headers=bearer(token)).json
    version = next(v for v in kunming["policy_versions"] if v["document"] == "昆科发〔2017〕55号")
    assert version["categories"][0]["criteria"][0]["citation"]["document"]
    assert version["categories"][0]["review_steps"] and version["parameters"]
    assert all(p["source"] in ("policy", "bureau", "unset") for p in version["parameters"])


def test_a_title_read_by_id_carries_its_standing(client, two_cities):
    token = token_for("xuzhou")
    title_id = two_cities["xuzhou"]["titles"][0]
    found = client.get(f"/api/v1/titles/{title_id}", headers=bearer(token)).json
    assert found["standing"]["standing"] and found["standing"]["standing_label"]


def test_the_finance_bureau_reads_payments_and_the_fund(client, two_cities):
    token = token_for("xuzhou")
    [paid] = client.get("/api/v1/entitlements?status=paid", headers=bearer(token)).json
    assert paid["voucher_number"] == "徐州标记-V-1" and paid["paid_amount_cny"] == 100_000
    assert paid["fund"]["name"] == "徐州标记资金"
    assert client.get("/api/v1/entitlements?status=cancelled", headers=bearer(token)).json == []


def test_a_changed_scope_and_a_switched_off_jurisdiction_take_effect_at_once(client, two_cities):
    admin = make_user("admin")
    token = token_for("kunming", admin=admin)
    row = db.session.query(ApiClient).one()
    clients.change_scope(row, ["xuzhou"], admin)
    assert {a["jurisdiction"] for a in client.get("/api/v1/applications", headers=bearer(token)).json} == {"xuzhou"}
    switch("xuzhou", False, admin.id)
    assert client.get("/api/v1/applications", headers=bearer(token)).json == []
    assert client.get("/api/v1/jurisdictions/xuzhou", headers=bearer(token)).status_code == 404
