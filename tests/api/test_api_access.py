"""Issue 20: who may read the API and how it answers.  Bearer tokens only: a revoked, unknown or
missing token is a 401 in JSON at once; the API only reads (POST and the rest: 405); the site's
sign-in hooks and cookies never act on it; every answer is ``no-store``; ``last_used_at`` is written
at most once a minute; the rate limit answers 429 in JSON.  The site's own pages keep their HTML
error pages.  Real HTTP through the test client, real database (both backends)."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from core.api import clients
from core.platform import clock
from core.platform.extensions import db
from core.platform.models import ApiClient
from tests.api.api_helpers import bearer, populate, token_for
from tests.conftest import sent_statements
from tests.factories import login, make_user


def assert_json_error(response, status: int):
    assert response.status_code == status, response.get_data(as_text=True)
    assert response.mimetype == "application/json"
    body = response.json
    assert body["code"] == status and body["message"] and body["request_id"] == response.headers["X-Request-ID"]
    assert "Traceback" not in response.get_data(as_text=True)
    assert response.headers["Cache-Control"] == "no-store"
    return body


def test_no_token_an_unknown_one_or_another_scheme_is_401(client):
    populate("kunming", "昆明标记")
    for headers in ({}, bearer("not-a-token"), {"Authorization": "Basic dXNlcjpwYXNz"}, {"Authorization": "Bearer"},
                    bearer("x" * 5000), {"Authorization": "Bearer 令牌"}):
        response = client.get("/api/v1/applications", headers=headers)
        assert_json_error(response, 401)
        assert response.headers["WWW-Authenticate"].startswith("Bearer")
    # a token in the query string is not a token
    token = token_for("kunming")
    assert_json_error(client.get(f"/api/v1/applications?access_token={token}"), 401)
    assert client.get("/api/v1/applications", headers={"Authorization": f"bearer  {token}"}).status_code == 200


def test_a_revoked_token_is_refused_at_once_and_for_good(client):
    admin = make_user("admin")
    token = token_for("kunming", admin=admin)
    assert client.get("/api/v1/titles", headers=bearer(token)).status_code == 200
    clients.revoke(db.session.query(ApiClient).one(), admin)
    assert_json_error(client.get("/api/v1/titles", headers=bearer(token)), 401)
    assert_json_error(client.get("/api/v1/jurisdictions", headers=bearer(token)), 401)


@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
def test_the_api_only_reads(client, method):
    token = token_for("kunming")
    for url in ("/api/v1/applications", "/api/v1/titles/1", "/api/v1/openapi.json"):
        for headers in ({}, bearer(token)):
            response = getattr(client, method)(url, headers=headers, json={"status": "recognised"})
            body = assert_json_error(response, 405)
            assert "GET" in response.headers["Allow"] and "POST" not in response.headers["Allow"]
            assert body["status"] == "METHOD_NOT_ALLOWED"


def test_head_and_options_are_answered(client):
    token = token_for("kunming")
    assert client.head("/api/v1/titles", headers=bearer(token)).status_code == 200
    assert "GET" in client.options("/api/v1/titles", headers=bearer(token)).headers["Allow"]


def test_unknown_paths_and_bad_parameters_answer_in_json(client):
    token = token_for("kunming")
    assert_json_error(client.get("/api/v1/no-such-resource", headers=bearer(token)), 404)
    assert_json_error(client.get("/api/v1/titles/99999999999", headers=bearer(token)), 404)
    body = assert_json_error(client.get("/api/v1/applications?submitted_since=yesterday", headers=bearer(token)), 422)
    assert "submitted_since" in str(body["errors"])
    assert_json_error(client.get("/api/v1/applications?status=draft", headers=bearer(token)), 422)
    body = assert_json_error(client.get("/api/v1/entitlements?stauts=paid", headers=bearer(token)), 422)
    assert "stauts" in str(body["errors"])  # a misspelt filter is refused, not ignored
    # a NUL byte (no PostgreSQL text takes one) in a filter or a path finds nothing, never a 500
    assert client.get("/api/v1/titles?jurisdiction=%00", headers=bearer(token)).json == []
    assert_json_error(client.get("/api/v1/jurisdictions/%00", headers=bearer(token)), 404)


def test_the_sites_pages_keep_their_html_error_pages(client):
    assert client.get("/no-such-page").mimetype == "text/html"
    response = client.get("/logout")  # POST only
    assert response.status_code == 405 and response.mimetype == "text/html"
    assert client.get("/api-v1-lookalike").mimetype == "text/html"


def test_cookies_and_the_sign_in_hooks_never_act_on_the_api(app_factory):
    """An admin who must enrol in two-factor sign-in is sent to enrol on every page; with the same
    cookies the API answers by its token alone and sets no cookie."""
    app = app_factory({"TWO_FACTOR_REQUIRED_FOR_ADMIN": True})
    with app.app_context():
        admin = make_user("admin")
        client = app.test_client()
        assert login(client, admin).status_code == 302
        assert client.get("/admin/").status_code == 302  # the enrolment page
        token = token_for("kunming")
        response = client.get("/api/v1/titles", headers=bearer(token))
        assert response.status_code == 200 and response.mimetype == "application/json"
        assert "Set-Cookie" not in response.headers
        assert_json_error(client.get("/api/v1/titles"), 401)  # the session signs nobody in here


def test_every_answer_is_no_store(client):
    token = token_for("kunming")
    for url in ("/api/v1/openapi.json", "/api/v1/jurisdictions", "/api/v1/jurisdictions/kunming"):
        response = client.get(url, headers=bearer(token))
        assert response.status_code == 200 and response.headers["Cache-Control"] == "no-store"


def test_last_used_is_written_at_most_once_a_minute(client):
    token = token_for("kunming")
    start = datetime(2026, 12, 4, 9, 0, tzinfo=timezone.utc)
    clock.freeze(start)

    def last_used():
        db.session.expire_all()
        return clock.as_utc(db.session.query(ApiClient).one().last_used_at)

    assert last_used() is None
    client.get("/api/v1/titles", headers=bearer(token))
    assert last_used() == start
    clock.freeze(start + timedelta(seconds=59))
    with sent_statements() as sent:
        client.get("/api/v1/titles", headers=bearer(token))
    assert not [s for s in sent if s.lstrip().upper().startswith("UPDATE")]
    assert last_used() == start
    clock.freeze(start + timedelta(seconds=61))
    client.get("/api/v1/titles", headers=bearer(token))
    assert last_used() == start + timedelta(seconds=61)


def test_the_rate_limit_is_per_token_and_answers_429_in_json(app_factory):
    app = app_factory({"API_RATE_LIMIT": "3 per minute"})
    with app.app_context():
        client = app.test_client()
        first, second = token_for("kunming"), token_for("xuzhou")
        for _ in range(3):
            assert client.get("/api/v1/titles", headers=bearer(first)).status_code == 200
        response = client.get("/api/v1/applications", headers=bearer(first))  # one count for every resource
        assert_json_error(response, 429)
        assert int(response.headers["Retry-After"]) >= 1
        assert client.get("/api/v1/titles", headers=bearer(second)).status_code == 200


def test_tokens_guessed_afresh_count_against_the_address_and_meet_the_limit(app_factory):
    app = app_factory({"API_RATE_LIMIT": "3 per minute"})
    with app.app_context():
        client = app.test_client()
        for n in range(3):
            assert client.get("/api/v1/titles", headers=bearer(f"guess-{n}-{'x' * 40}")).status_code == 401
        assert_json_error(client.get("/api/v1/titles", headers=bearer("guess-4-" + "y" * 40)), 429)
        assert_json_error(client.get("/api/v1/titles"), 429)  # nor without one, from the same address
        assert client.get("/api/v1/titles", headers=bearer(token_for("kunming"))).status_code == 200  # a valid token


def test_a_server_error_under_the_api_is_json_without_a_traceback(app_factory):
    app = app_factory({"PROPAGATE_EXCEPTIONS": False})

    def broken():
        raise RuntimeError("secret-marker-of-the-traceback password=hunter2")

    app.add_url_rule("/api/v1/test-broken", "test_api_broken", broken)
    with app.app_context():
        response = app.test_client().get("/api/v1/test-broken")
        body = assert_json_error(response, 500)
        assert "secret-marker" not in response.get_data(as_text=True) and body["status"] == "INTERNAL_SERVER_ERROR"
