"""Shared by the portal tests: a 昆明 operator with a space described once, an open call,
and the pages driven as a browser would (CSRF token from the page, the form's fields
as drawn)."""
from __future__ import annotations

import copy
import io
import re
from datetime import date

from werkzeug.datastructures import MultiDict

from core.platform.extensions import db
from core.platform.models import Application, Call
from tests.factories import login, make_org, make_space, make_user, pdf_bytes
from tests.domain.test_forms import FACTS, KUNMING_EXTRA
from tests.domain.test_full_path import form_fields

TODAY = date(2026, 10, 20)  # 昆科发〔2017〕55号 in force, inside the call below
CSRF_RE = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
PDF = pdf_bytes()
REQUIRED_KUNMING = ("application_form", "criteria_proofs", "operation_plan", "annual_plan")  # 第九条（一）至（四）


def plain(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", html))


def token(html: str) -> str:
    return CSRF_RE.search(html).group(1)


def kunming_operator(app, region: str = "530112"):
    """(client logged in as the operator, user, space): the space's facts are the 昆明 example."""
    org = make_org(name="昆明滇池创新科技有限公司", region=region)
    facts = copy.deepcopy(FACTS)
    facts.update(uscc=org.uscc, registered_region=region, space_region=region)
    space = make_space(org, name="滇池创客空间", region=region, facts=facts, opened_on=date(2023, 3, 15))
    user = make_user("applicant", organisation=org)
    client = app.test_client()
    assert login(client, user).status_code == 302
    return client, user, space


def open_call(opens_on=date(2026, 10, 1), closes_on=date(2026, 10, 31)) -> Call:
    call = Call(jurisdiction="kunming", title="2026年度昆明市众创空间认定申报通知", opens_on=opens_on,
                closes_on=closes_on, categories=["tech_support", "comprehensive_service"])
    db.session.add(call)
    db.session.commit()
    return call


NEW_URL = "/portal/applications/new?space={space}&jurisdiction=kunming&category=comprehensive_service"


def page_form(client, url: str, action: str | None = None) -> MultiDict:
    """The fields of the application form on ``url``, as a browser would post them."""
    html = client.get(url).get_data(as_text=True)
    data = form_fields(html, action or url)
    data.setlist("csrf_token", [token(html)])
    return data


def with_extra(data: MultiDict) -> MultiDict:
    for key, value in KUNMING_EXTRA.items():
        if not data.get(key):
            data.setlist(key, [value])
    return data


def upload(client, application_id: int, code: str, content: bytes = PDF, name: str = "证明.pdf", page=None):
    page = page or f"/portal/applications/{application_id}/draft"
    html = client.get(page).get_data(as_text=True)
    return client.post(f"/portal/applications/{application_id}/materials/{code}",
                       data={"csrf_token": token(html), "file": (io.BytesIO(content), name)},
                       content_type="multipart/form-data")


def new_draft(client, space, **changes) -> Application:
    """A draft made as the applicant makes one: the new-application page, pre-filled from
    ``space``, posted (with ``changes`` to its fields)."""
    url = NEW_URL.format(space=space.id)
    data = with_extra(page_form(client, url))
    for key, value in changes.items():
        data.setlist(key, [value])
    response = client.post(url, data=data)
    assert response.status_code == 302, plain(response.get_data(as_text=True))[:500]
    application_id = int(response.location.split("/")[-2])
    assert response.location.endswith(f"/portal/applications/{application_id}/draft")
    return db.session.get(Application, application_id)


def kunming_draft(app):
    """A 昆明 operator's client and his new draft, inside an open call."""
    open_call()
    client, _user, space = kunming_operator(app)
    return client, new_draft(client, space)

