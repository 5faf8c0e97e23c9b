"""The public notice page reads its listed spaces in a fixed number of statements (issue 15,
"/notices/<id> lazily loads space and organisation per entry"): a notice of 12 applications
costs no more statements than a notice of one — no query per entry."""
from __future__ import annotations

from datetime import date

from sqlalchemy import event

from core.platform.extensions import db
from tests.notice_helpers import published, set_today


def statements_for(client, url: str) -> tuple[int, str]:
    """How many SQL statements the request ran, and the page."""
    db.session.expunge_all()  # nothing read before: the page loads what it shows
    seen = []

    def count(conn, cursor, statement, parameters, context, executemany):
        seen.append(statement)

    event.listen(db.engine, "before_cursor_execute", count)
    try:
        html = client.get(url).get_data(as_text=True)
    finally:
        event.remove(db.engine, "before_cursor_execute", count)
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
