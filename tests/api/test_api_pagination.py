"""Issue 20: the lists' pages.  ``page_size`` up to 100 (101 is refused with 422), the last page
holds exactly what is left, a page beyond it is empty, pages are ordered by id and do not overlap;
``X-Pagination`` and ``Link`` say where the others are.  Real HTTP, real database (both backends)."""
from __future__ import annotations

import json
from datetime import date

from core.api.resources import MAX_PAGE_SIZE
from core.platform.extensions import db
from core.platform.models import Recognition
from tests.api.api_helpers import bearer, token_for
from tests.factories import make_space

TITLES = MAX_PAGE_SIZE + 1


def make_titles(n: int) -> list[int]:
    space = make_space(region="530102")
    rows = [Recognition(space_id=space.id, jurisdiction="kunming", title=f"分页称号{i}", certificate_number=f"P{i:04d}",
                        level="municipal", granted_on=date(2024, 1, 1)) for i in range(n)]
    db.session.add_all(rows)
    db.session.commit()
    return sorted(r.id for r in rows)


def test_the_largest_page_and_one_more(client):
    ids = make_titles(TITLES)
    token = token_for("kunming")
    full = client.get(f"/api/v1/titles?page_size={MAX_PAGE_SIZE}", headers=bearer(token))
    assert full.status_code == 200 and [t["id"] for t in full.json] == ids[:MAX_PAGE_SIZE]
    meta = json.loads(full.headers["X-Pagination"])
    assert meta == {"total": TITLES, "total_pages": 2, "first_page": 1, "last_page": 2, "page": 1, "next_page": 2}
    assert 'rel="next"' in full.headers["Link"] and "page=2" in full.headers["Link"]
    refused = client.get(f"/api/v1/titles?page_size={MAX_PAGE_SIZE + 1}", headers=bearer(token))
    assert refused.status_code == 422 and "page_size" in json.dumps(refused.json["errors"])
    for bad in ("page=0", "page_size=0", "page=-1", "page=abc"):
        assert client.get(f"/api/v1/titles?{bad}", headers=bearer(token)).status_code == 422, bad


def test_the_last_page_is_exact_and_beyond_it_is_empty(client):
    ids = make_titles(TITLES)
    token = token_for("kunming")
    last = client.get(f"/api/v1/titles?page=2&page_size={MAX_PAGE_SIZE}", headers=bearer(token))
    assert [t["id"] for t in last.json] == ids[MAX_PAGE_SIZE:]
    meta = json.loads(last.headers["X-Pagination"])
    assert meta["page"] == 2 and meta["previous_page"] == 1 and "next_page" not in meta
    assert 'rel="next"' not in last.headers["Link"] and 'rel="prev"' in last.headers["Link"]
    beyond = client.get(f"/api/v1/titles?page=3&page_size={MAX_PAGE_SIZE}", headers=bearer(token))
    assert beyond.status_code == 200 and beyond.json == []
    huge = client.get(f"/api/v1/titles?page={10**30}", headers=bearer(token))
    assert huge.status_code == 200 and huge.json == []


def test_pages_follow_the_ids_without_overlap(client):
    ids = make_titles(7)
    token = token_for("kunming")
    seen = []
    for page in (1, 2, 3):
        seen += [t["id"] for t in client.get(f"/api/v1/titles?page={page}&page_size=3", headers=bearer(token)).json]
    assert seen == ids
    default = client.get("/api/v1/titles", headers=bearer(token))
    assert json.loads(default.headers["X-Pagination"])["total"] == 7 and len(default.json) == 7


def test_an_empty_list_has_no_link_header_rather_than_an_empty_one(client):
    token = token_for("kunming")
    empty = client.get("/api/v1/titles?status=revoked&page_size=1", headers=bearer(token))
    assert empty.status_code == 200 and empty.get_json() == []
    assert "Link" not in empty.headers
