"""The objector's look-up (/notices/objections/lookup, core.notice.public_pages): he has no
account, so the outcome of his objection is shown on a public page to whoever gives both its
receipt number and the contact he gave — status and outcome only; CSRF; rate-limited."""
from __future__ import annotations

import re
from datetime import date

from core.notice import publication
from core.platform import clock
from tests.notice_helpers import plain, published, token_of

URL = "/notices/objections/lookup"


def filed():
    clock.freeze(date(2026, 9, 24))
    notice, _applications, user = published()
    objection = publication.file_objection(notice, name="张三", contact="13800001111", content="面积不实，实际不足",
                                           today=date(2026, 9, 25), client_address="10.0.0.9")
    return notice, objection, user


def status_of(response) -> str:
    return re.search(r'id="objection-status">([^<]*)<', response.get_data(as_text=True)).group(1)


def look_up(client, receipt: str, contact: str):
    return client.post(URL, data={"csrf_token": token_of(client, URL), "receipt_number": receipt, "contact": contact})


def test_the_objector_sees_the_status_then_the_outcome_and_nothing_else(app):
    notice, objection, user = filed()
    client = app.test_client()
    assert client.get(URL).status_code == 200
    assert 'id="objection-lookup-link"' in client.get(f"/notices/{notice.id}").get_data(as_text=True)
    found = look_up(client, objection.receipt_number, "13800001111")
    page = plain(found.get_data(as_text=True))
    assert found.status_code == 200 and objection.receipt_number in page
    assert status_of(found) == "进行中"  # OBJECTION_STATUS_LABELS["open"] in Chinese
    assert "面积不实" not in page and "张三" not in page  # the content and the name are not shown back
    assert found.headers["Cache-Control"] == "private, no-store"
    publication.resolve_objection(objection, "dismissed", "经实地核查，面积属实", user, today=date(2026, 9, 26))
    after = look_up(client, objection.receipt_number.lower(), " 13800001111 ")
    html = after.get_data(as_text=True)
    assert after.status_code == 200 and "经实地核查" not in html
    assert "dismissed" not in plain(html) and status_of(after) not in ("", status_of(found))  # in words


def test_both_fields_are_required_and_must_match(app):
    _notice, objection, _user = filed()
    client = app.test_client()
    empty = look_up(client, "", "")
    html = empty.get_data(as_text=True)
    assert empty.status_code == 400 and 'id="error-receipt_number"' in html and 'id="error-contact"' in html
    wrong = look_up(client, objection.receipt_number, "13800001112")
    assert wrong.status_code == 404 and 'id="objection-outcome"' not in wrong.get_data(as_text=True)
    assert f'value="{objection.receipt_number}"' in wrong.get_data(as_text=True)  # kept as typed
    assert look_up(client, "YY-20260925-9999", "13800001111").status_code == 404
    assert client.post(URL, data={"receipt_number": objection.receipt_number,
                                  "contact": "13800001111"}).status_code == 400  # no CSRF token


def test_look_ups_are_limited_per_address(app_factory):
    app = app_factory({"OBJECTION_LOOKUPS_PER_HOUR": 3})
    with app.app_context():
        _notice, objection, _user = filed()
        client = app.test_client()
        codes = [look_up(client, objection.receipt_number, f"1380000{n:04d}").status_code for n in range(4)]
        assert codes == [404, 404, 404, 429]
        refused = look_up(client, objection.receipt_number, "13800001111")
        assert refused.status_code == 429 and 'id="error-form"' in refused.get_data(as_text=True)
