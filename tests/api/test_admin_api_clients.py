"""Issue 20: the admin's API tokens page (/admin/api-clients).  Only the admin opens it; every form
needs its CSRF token; a new token is shown once and only its SHA-256 and prefix are kept; a refused
form shows the Chinese reason next to the field and keeps what was typed; every issue, change of
scope and revocation is in the audit log for each jurisdiction concerned.  Real HTTP through the
test client with CSRF on, real database (both backends)."""
from __future__ import annotations

import hashlib
import re

import pytest
from sqlalchemy import select

from core.platform.extensions import db
from core.platform.models import ApiClient, AuditEvent
from tests.api.api_helpers import bearer
from tests.conftest import csrf_token
from tests.factories import login, make_user

PAGE = "/admin/api-clients/"
TOKEN_RE = re.compile(r'id="new-token"[^>]*>([^<]+)<')


@pytest.fixture
def admin_client(app):
    client = app.test_client()
    assert login(client, make_user("admin")).status_code == 302
    return client


def issue(client, name="省数据共享平台", codes=("kunming",), note="对接联系人：数据处"):
    return client.post(PAGE + "issue", data={"csrf_token": csrf_token(client, PAGE), "name": name,
                                             "jurisdictions": list(codes), "note": note})


def events(action: str) -> list[AuditEvent]:
    return list(db.session.scalars(select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.id)))


@pytest.mark.parametrize("role", ["officer", "leader", "expert", "recommender", "applicant"])
def test_only_the_admin_opens_the_page(app, role):
    client = app.test_client()
    jurisdictions = [] if role == "applicant" else ["kunming"]
    assert login(client, make_user(role, jurisdictions)).status_code == 302
    assert client.get(PAGE).status_code in (302, 403)
    assert client.post(PAGE + "issue", data={"name": "x", "jurisdictions": "kunming"}).status_code in (400, 302, 403)
    assert db.session.scalars(select(ApiClient)).all() == []


def test_anonymous_is_sent_to_sign_in(client):
    response = client.get(PAGE)
    assert response.status_code == 302 and "/login" in response.location


def test_a_form_without_its_csrf_token_is_refused(admin_client):
    response = admin_client.post(PAGE + "issue", data={"name": "x", "jurisdictions": "kunming"})
    assert response.status_code == 400
    assert db.session.scalars(select(ApiClient)).all() == []


def test_the_token_is_shown_once_and_only_its_hash_is_kept(admin_client):
    response = issue(admin_client)
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and response.headers["Cache-Control"] == "no-store"
    token = TOKEN_RE.search(html).group(1).strip()
    row = db.session.scalars(select(ApiClient)).one()
    assert row.token_sha256 == hashlib.sha256(token.encode()).hexdigest() and row.token_prefix == token[:8]
    assert len(token) >= 43 and token not in repr([getattr(row, c.key) for c in ApiClient.__table__.columns])
    assert token not in admin_client.get(PAGE).get_data(as_text=True)
    assert token not in admin_client.get(f"{PAGE}{row.id}").get_data(as_text=True)
    assert row.token_prefix in admin_client.get(PAGE).get_data(as_text=True)
    assert admin_client.get("/api/v1/titles", headers=bearer(token)).status_code == 200
    # the same form sent again (a reload) makes no second token
    again = issue(admin_client)
    assert again.status_code == 400 and "已有同名的有效令牌" in again.get_data(as_text=True)
    assert len(db.session.scalars(select(ApiClient)).all()) == 1


@pytest.mark.parametrize("name, codes, key, message", [
    ("", ("kunming",), "name", "请填写系统名称"),
    ("财政局", (), "jurisdictions", "请至少选择一个辖区"),
    ("财政局", ("atlantis",), "jurisdictions", "不是已启用的辖区"),
    ("名" * 201, ("kunming",), "name", "不能超过 200 字"),
])
def test_bad_input_is_refused_next_to_its_field_and_kept(admin_client, name, codes, key, message):
    response = issue(admin_client, name=name, codes=codes, note="保留的备注")
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert re.search(rf'id="error-{key}"[^>]*>[^<]*{message}', html), html[-3000:]
    assert "保留的备注" in html and (not name or name in html)
    assert db.session.scalars(select(ApiClient)).all() == [] and events("api_client.issued") == []


def test_issue_scope_change_and_revocation_are_audited(admin_client):
    issue(admin_client, codes=("kunming", "xuzhou"))
    row = db.session.scalars(select(ApiClient)).one()
    issued = events("api_client.issued")
    assert sorted(e.jurisdiction for e in issued) == ["kunming", "xuzhou"]
    assert all(e.object_type == "ApiClient" and e.object_id == str(row.id) and e.actor_id for e in issued)

    show = f"{PAGE}{row.id}"
    response = admin_client.post(show + "/scope", data={"csrf_token": csrf_token(admin_client, show),
                                                        "jurisdictions": ["mile"]})
    assert response.status_code == 302
    changed = events("api_client.scope_changed")
    assert sorted(e.jurisdiction for e in changed) == ["kunming", "mile", "xuzhou"]
    assert changed[0].detail["jurisdictions_before"] == ["kunming", "xuzhou"]
    assert changed[0].detail["jurisdictions_after"] == ["mile"]
    db.session.expire_all()
    assert db.session.get(ApiClient, row.id).jurisdictions == ["mile"]

    unconfirmed = admin_client.post(show + "/revoke", data={"csrf_token": csrf_token(admin_client, show)})
    assert unconfirmed.status_code == 400 and "吊销前请勾选确认" in unconfirmed.get_data(as_text=True)
    assert events("api_client.revoked") == []
    response = admin_client.post(show + "/revoke", data={"csrf_token": csrf_token(admin_client, show),
                                                         "confirm": "yes"})
    assert response.status_code == 302
    assert [e.jurisdiction for e in events("api_client.revoked")] == ["mile"]
    db.session.expire_all()
    assert db.session.get(ApiClient, row.id).revoked_at is not None
    page = admin_client.get(show).get_data(as_text=True)
    assert 'id="revoke-form"' not in page and 'id="scope-form"' not in page
    # the trail shows each change once, though each wrote a row per jurisdiction concerned
    trail = re.search(r'<table[^>]*id="trail".*?</table>', page, re.S).group(0)
    assert trail.count("<tr>") - 1 == 3


def test_an_unchanged_scope_is_refused_next_to_the_field(admin_client):
    issue(admin_client)
    row = db.session.scalars(select(ApiClient)).one()
    show = f"{PAGE}{row.id}"
    response = admin_client.post(show + "/scope", data={"csrf_token": csrf_token(admin_client, show),
                                                        "jurisdictions": ["kunming"]})
    assert response.status_code == 400 and "范围没有变化" in response.get_data(as_text=True)
    assert events("api_client.scope_changed") == []
