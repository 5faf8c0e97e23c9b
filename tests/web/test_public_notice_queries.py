"""The public notice page reads its listed spaces in a fixed number of statements (issue 15,
"/notices/<id> lazily loads space and organisation per entry"): a notice of 12 applications
costs no more statements than a notice of one — no query per entry."""
from __future__ import annotations

from datetime import date

from core.platform.extensions import db
from tests.conftest import sent_statements
from tests.notice_helpers import published, set_today


def statements_for(client, url: str) -> tuple[int, str]:
    """How many SQL statements the request ran, and the page."""
    db.session.expunge_all()  # nothing read before: the page loads what it shows
    with sent_statements() as seen:
        html = client.get(url).get_data(as_text=True)
    return len(seen), html


def test_notice_page_statements_do_not_grow_with_its_entries(app, monkeypatch):
    one, _, _ = published(n=1)
    twelve, applications, _ = published(n=12)
    names = [(a.space.name, a.organisation.name) for a in applications]
    one_url, twelve_url = f"/notices/{one.id}", f"/notices/{twelve.id}"
    set_today(monkeypatch, date(2026, 9, 25))
    client = app.test_client()
    statements_for(client, one_url)  # the first request reads what every request shares once
    few, _ = statements_for(client, one_url)
    many, html = statements_for(client, twelve_url)
    for space, organisation in names:  # every listed space and organisation is on the page
        assert space in html and organisation in html
    assert many == few, f"{many} statements for 12 entries against {few} for one: a query per entry"


def test_each_public_page_is_one_statement_for_an_anonymous_visitor(app, monkeypatch):
    """One statement per notice page (issue 15): the enabled-jurisdiction switches are read in the
    same statement as the notices, and the notice's entries with it; the home, which also shows the
    directory and the calls per jurisdiction, four (issue 20)."""
    notices = [published(n=n)[0].id for n in (1, 3, 5)]
    switched_off = published("mile", n=2)[0].id
    from core.platform.models import JurisdictionSetting

    db.session.add(JurisdictionSetting(code="mile", enabled=False))
    db.session.commit()
    set_today(monkeypatch, date(2026, 9, 25))
    client = app.test_client()
    statements_for(client, "/notices/")
    listed, html = statements_for(client, "/notices/")
    assert listed == 1
    assert all(f'id="notice-{n}"' in html for n in notices)
    assert f'id="notice-{switched_off}"' not in html  # the switch still counts
    # The home (issue 20, core.public.home) reads four: the admin's switches, the notices, the newest
    # titles of every jurisdiction (one windowed statement), the open calls.
    home, html = statements_for(client, "/")
    assert home == 4 and f'id="notice-{notices[0]}"' in html
    page, html = statements_for(client, f"/notices/{notices[2]}")
    assert page == 1
    assert client.get(f"/notices/{switched_off}").status_code == 404


def test_the_notice_lists_its_entries_in_the_order_published(app, monkeypatch):
    notice, applications, _ = published(n=6)
    set_today(monkeypatch, date(2026, 9, 25))
    html = app.test_client().get(f"/notices/{notice.id}").get_data(as_text=True)
    rows = [html.index(f'id="entry-{a.id}"') for a in applications]
    assert rows == sorted(rows)


def test_public_pages_revalidate_and_answer_304_while_unchanged(app, monkeypatch):
    notice, (application,), user = published(n=1)
    set_today(monkeypatch, date(2026, 9, 25))
    client = app.test_client()
    for url in ("/notices/", "/"):
        first = client.get(url)
        assert first.status_code == 200 and first.headers["Cache-Control"] == "no-cache"
        assert {"Cookie", "Accept-Language"} <= set(first.vary) and first.headers.get("Set-Cookie") is None
        tag = first.headers["ETag"]
        again = client.get(url, headers={"If-None-Match": tag})
        assert again.status_code == 304 and again.data == b""
    tag = client.get("/notices/").headers["ETag"]
    newer, _, _ = published(n=1)
    changed = client.get("/notices/", headers={"If-None-Match": tag})
    assert changed.status_code == 200 and changed.headers["ETag"] != tag
    assert f'id="notice-{newer.id}"' in changed.get_data(as_text=True)

    # While objections are accepted the page carries a form with a CSRF token: not shared.
    page = client.get(f"/notices/{notice.id}")
    assert "objection-form" in page.get_data(as_text=True)
    assert page.headers["Cache-Control"] == "private, no-cache" and "ETag" not in page.headers
    # After the period the page is alike for everyone; a renamed space changes it.
    set_today(monkeypatch, date(2026, 10, 20))
    ended = app.test_client().get(f"/notices/{notice.id}")
    assert ended.headers["Cache-Control"] == "no-cache" and ended.headers.get("ETag")
    assert app.test_client().get(f"/notices/{notice.id}",
                                 headers={"If-None-Match": ended.headers["ETag"]}).status_code == 304
    application.space.name = "改名后的众创空间"
    db.session.commit()
    renamed = app.test_client().get(f"/notices/{notice.id}", headers={"If-None-Match": ended.headers["ETag"]})
    assert renamed.status_code == 200 and "改名后的众创空间" in renamed.get_data(as_text=True)


def test_a_signed_in_visitor_gets_private_pages_without_etag(app, monkeypatch):
    from tests.notice_helpers import logged_in

    notice, _, user = published(n=1)
    set_today(monkeypatch, date(2026, 10, 20))
    client = logged_in(app, user)
    for url in ("/notices/", f"/notices/{notice.id}"):
        response = client.get(url)
        assert response.status_code == 200 and user.name in response.get_data(as_text=True)
        assert response.headers["Cache-Control"] == "private, no-cache" and "ETag" not in response.headers


def test_the_notice_page_reads_no_json_document(app, monkeypatch):
    """The facts and forms of the listed applications and spaces are not on the page: not read
    (issue 15: decoding them was most of the page's time at 40 entries)."""
    notice, applications, _ = published(n=3)
    set_today(monkeypatch, date(2026, 9, 25))
    db.session.expunge_all()
    with sent_statements() as seen:
        html = app.test_client().get(f"/notices/{notice.id}").get_data(as_text=True)
    (statement,) = seen
    for column in ("applications.facts", "applications.form_data", "spaces.facts", "spaces_1.facts"):
        assert column not in statement, column
    assert "organisations" in statement and "spaces" in statement
    assert all(a.space.name in html for a in applications)
