"""benchmarks/statistics_rollup.py at a tiny size (issue 16): the fill gives the promised rows
(5 accepted returns a space, a 云南 title beside some 昆明 and 弥勒 ones), the same rows on every
fill, a filled database left alone, and one measured round in which the project's roll-up and
plain SQL agree on every count and total (the benchmark stops when they do not).

PostgreSQL only: the fill writes by COPY (the SQLite variant of ``scratch_url`` is skipped)."""
from __future__ import annotations


import psycopg
import pytest

from tests.benchmark_helpers import benchmark_module

SPACES = 120


def _digest(url: str) -> str:
    with psycopg.connect(url) as conn:
        return conn.execute(
            "SELECT (SELECT md5(string_agg(concat_ws('|', space_id, year, status, data::text), ',' ORDER BY id))"
            "        FROM statistics_returns)"
            " || (SELECT md5(string_agg(concat_ws('|', space_id, jurisdiction, granted_on, revoked_on), ','"
            "        ORDER BY id)) FROM recognitions)").fetchone()[0]


def test_the_fill_is_deterministic_and_the_project_agrees_with_plain_sql(scratch_url, capsys):
    if scratch_url.startswith("sqlite"):
        pytest.skip("benchmarks/statistics_rollup.py fills PostgreSQL (COPY)")
    bench = benchmark_module("statistics_rollup")
    fill = benchmark_module("fill")
    counts = bench.fill_db(scratch_url, SPACES, quiet=True)
    pg = fill.psycopg_url(scratch_url)
    assert counts["spaces"] == counts["organisations"] == SPACES
    assert counts["statistics_returns"] == SPACES * 5
    assert SPACES < counts["recognitions"] < SPACES * 2  # one title each, a 云南 one beside some
    with psycopg.connect(pg) as conn:
        assert {r[0] for r in conn.execute("SELECT DISTINCT jurisdiction FROM recognitions")} == set(bench.CODES)
        assert conn.execute("SELECT count(DISTINCT status) FROM statistics_returns").fetchone()[0] == 1
    first = _digest(pg)
    assert bench.fill_db(scratch_url, SPACES, quiet=True) == counts  # filled alike: left alone
    bench.fill_db(scratch_url, SPACES, reset=True, quiet=True)
    assert _digest(pg) == first  # the same rows on every fill
    table = bench.measure(scratch_url, rounds=1)  # raises SystemExit when the two sides disagree
    assert len(table) == 2 * len(bench.YEARS) + 2
    assert all(float(row[2]) > 0 for row in table)
