"""benchmarks/fill.py at a tiny scale (issue 15): the counts it promises, the same rows on every
fill, a database it filled left alone, and the project's list page and the bare yardstick
both serving it — the same rows, so the benchmark compares like with like.

PostgreSQL only: the fill writes by COPY (the SQLite variant of ``scratch_url`` is skipped)."""
from __future__ import annotations

import re

import psycopg
import pyotp
import pytest

from core.app import create_app
from core.facts import is_valid_uscc
from core.platform.extensions import db
from tests.benchmark_helpers import benchmark_module
from tests.conftest import BASE_CONFIG, csrf_token
from tests.factories import login

SCALE = 0.005  # 500 applications, 100 organisations, 1,500 audit events


def _digest(url: str) -> tuple:
    with psycopg.connect(url) as conn:
        return conn.execute(
            "SELECT md5(string_agg(concat_ws('|', a.id, a.jurisdiction, a.category, a.status, a.current_step,"
            " a.batch_id, a.official_number, a.submitted_on, a.facts::text, s.name, o.uscc), ',' ORDER BY a.id))"
            " FROM applications a JOIN spaces s ON s.id = a.space_id JOIN organisations o ON o.id = a.organisation_id"
        ).fetchone()


@pytest.fixture
def filled(scratch_url):
    if scratch_url.startswith("sqlite"):
        pytest.skip("benchmarks/fill.py fills PostgreSQL (COPY)")
    fill = benchmark_module("fill")
    counts = fill.fill(scratch_url, scale=SCALE, quiet=True)
    return fill, scratch_url, fill.psycopg_url(scratch_url), counts


def test_fill_then_the_project_and_the_bare_app_list_the_same_rows(filled, monkeypatch):
    """One test, one fill: a PostgreSQL database made and dropped costs seconds."""
    counts_determinism_and_idempotence(*filled)
    the_same_rows_on_both_sides(*filled[:3], monkeypatch)


def counts_determinism_and_idempotence(fill, url, pg, counts):
    assert counts["applications"] == 500
    assert counts["organisations"] == counts["spaces"] == 100
    assert counts["audit_events"] == 1500
    assert counts["public_notices"] == 4
    with psycopg.connect(pg) as conn:
        statuses = dict(conn.execute("SELECT status, count(*) FROM applications GROUP BY status").fetchall())
        assert set(statuses) == {"draft", "submitted", "in_review", "returned", "under_notice", "recognised",
                                 "rejected", "withdrawn"}
        assert {r[0] for r in conn.execute("SELECT DISTINCT jurisdiction FROM applications")} == set(fill.JURISDICTIONS)
        assert counts["recognitions"] == statuses["recognised"]
        assert all(is_valid_uscc(u) for (u,) in conn.execute("SELECT uscc FROM organisations"))
        # the facts are a few KB, as the demo's
        assert 1500 < conn.execute("SELECT avg(length(facts::text)) FROM applications").fetchone()[0] < 6000
        assert conn.execute("SELECT count(*) FROM audit_events WHERE object_type = 'Application'").fetchone()[0] \
            > 0.8 * counts["audit_events"]  # mostly about applications
        # each open notice lists under-notice applications of its own jurisdiction
        assert conn.execute("SELECT count(*) FROM notice_entries e JOIN public_notices n ON n.id = e.notice_id"
                            " JOIN applications a ON a.id = e.application_id"
                            " WHERE a.jurisdiction <> n.jurisdiction OR a.status <> 'under_notice'").fetchone()[0] == 0
        # the sequences run past the copied ids: the next insert does not collide
        assert conn.execute("SELECT nextval(pg_get_serial_sequence('applications', 'id'))").fetchone()[0] == 501
    before = _digest(pg)
    assert fill.fill(url, scale=SCALE, quiet=True) == counts  # filled already: left alone
    assert _digest(pg) == before
    fill.fill(url, scale=SCALE, reset=True, quiet=True)  # anew: the very same rows
    assert _digest(pg) == before
    with pytest.raises(SystemExit, match="use --reset"):
        fill.fill(url, scale=SCALE * 2, quiet=True)


def the_same_rows_on_both_sides(fill, url, pg, monkeypatch):
    with psycopg.connect(pg) as conn:
        expected = conn.execute("SELECT count(*) FROM applications WHERE jurisdiction = 'kunming'"
                                " AND status <> 'draft'").fetchone()[0]
        newest = conn.execute("SELECT max(id) FROM applications WHERE jurisdiction = 'kunming'"
                              " AND status <> 'draft'").fetchone()[0]
    assert 50 < expected < 500
    app = create_app({**BASE_CONFIG, "SQLALCHEMY_DATABASE_URI": url})
    with app.app_context():
        client = app.test_client()
        assert login(client, fill.officer_login("kunming"), fill.PASSWORD).status_code == 302
        page = client.get("/admin/application/").get_data(as_text=True)
        assert re.search(r"列表 \((\d+)\)", page).group(1) == str(expected)
        assert f'value="{newest}"' in page
        # the admin signs in with the known TOTP secret
        admin = app.test_client()
        reply = login(admin, fill.ADMIN_LOGIN, fill.PASSWORD)
        assert reply.headers["Location"].endswith("/login/two-factor")
        reply = admin.post("/login/two-factor", data={"code": pyotp.TOTP(fill.ADMIN_TOTP_SECRET).now(),
                                                      "csrf_token": csrf_token(admin, "/login/two-factor")})
        assert reply.status_code == 302 and "/login" not in reply.headers["Location"]
        assert admin.get("/admin/application/").status_code == 200
        db.session.remove()
        db.engine.dispose()
    monkeypatch.setenv("BENCH_DATABASE_URL", url)
    bare = benchmark_module("bare_app").create_app().test_client()
    listed = bare.get("/applications/?scope=kunming").get_data(as_text=True)
    assert re.search(r"列表 \((\d+)\)", listed).group(1) == str(expected)
    assert f'value="{newest}"' in listed
    assert listed.count('class="action-checkbox"') == 50
    assert bare.get("/applications/?scope=kunming&page=999").status_code == 200
    export = bare.get("/applications/export.csv?scope=kunming").get_data(as_text=True)
    assert export.startswith("\ufeff编号,") and export.count("\n") == expected + 1
    assert bare.get("/notices/1").status_code == 200 and bare.get("/notices/99").status_code == 404
