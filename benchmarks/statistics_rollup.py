"""The statistics roll-up at a province's scale (issue 16): 10,000 spaces × 5 years of accepted
returns, rolled up by the project and by plain SQL, measured interleaved in the same run.

    .venv/bin/python benchmarks/statistics_rollup.py [--db URL] [--reset] [--spaces 10000] [--rounds 7]

The database (PostgreSQL, migrated by the project's own migrations, as benchmarks/fill.py does)
is filled deterministically by COPY: ``--spaces`` organisations with one space each, spread over
弥勒 / 昆明 / 玉溪, 曲靖… (云南) / 徐州 as benchmarks/fill.py spreads them; one title per space in
its home jurisdiction, and a 云南 provincial title for a third of the spaces in 云南 (they file
once and count once in the whole deployment); titles granted over 2019–2024 (so the later years
roll up more spaces) and 2 % revoked; an accepted return per space for each of the 5 years
2021–2025 with the figures of the default return.  Filled once: a database holding the same
counts is reused; ``--reset`` fills anew.

Measured per round, A B A B (the medians over ``--rounds`` after one warm-up round):

* for each year, ``core.monitoring.rollup.rollup`` of the whole deployment (the admin's 全部辖区:
  rows and totals) against plain SQL reading the same rows and summing every figure in the
  database (psycopg, no ORM);
* the same for one jurisdiction (昆明);
* ``yearly_totals`` over the 5 years (the dashboard's charts) against the plain aggregate
  ``SELECT year, count(*), sum((data->>'k')::numeric)… GROUP BY year`` with the same filter;
* the workbook of one year's whole-deployment roll-up (``core.monitoring.export``), for scale.

Both sides must agree (counts and totals), or the run stops.
"""
from __future__ import annotations

import argparse
import io
import json
import random
import statistics
import sys
import time
from datetime import date, datetime, timedelta, timezone
from decimal import Decimal
from pathlib import Path

BENCHMARKS = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCHMARKS))
sys.path.insert(0, str(BENCHMARKS.parent))

import fill  # noqa: E402  (beside this file)

DEFAULT_DB = "postgresql://postgres@127.0.0.1:5432/bench_stats"
SEED = 20261216
YEARS = (2021, 2022, 2023, 2024, 2025)
CODES = ("mile", "kunming", "yunnan", "xuzhou")
HOME_OF = {"mile": "mile", "kunming": "kunming", "yunnan": "yunnan", "xuzhou": "xuzhou"}
RETURN_COLUMNS = ("id", "created_at", "space_id", "year", "status", "data", "explanations", "residents", "version")
UTC = timezone.utc


# --- the data -----------------------------------------------------------------------------------


def figures(rng: random.Random) -> dict:
    """One year's return of the default form (core.monitoring.default_form), consistent with its rules."""
    teams, startups = rng.randint(5, 60), rng.randint(3, 40)
    financed = rng.randint(0, 6)
    income = Decimal(rng.randint(2000, 900000)) / 100
    parts = [income * Decimal(share) / 100 for share in (30, 40, 5, 10)]
    ip = rng.randint(0, 40)
    return {
        "area_m2": rng.randint(300, 5000), "workstations": rng.randint(20, 400), "service_staff": rng.randint(3, 20),
        "mentors": rng.randint(3, 30), "teams_served": teams, "team_members": teams * rng.randint(2, 6),
        "startups_served": startups, "startup_jobs": startups * rng.randint(3, 12),
        "new_enterprises": rng.randint(0, teams + startups), "financed": financed,
        "financing_total": float(Decimal(rng.randint(1000, 5000000)) / 100) if financed else 0,
        "events": rng.randint(5, 80), "trainings": rng.randint(2, 40), "investment_events": rng.randint(0, 12),
        "income_total": float(income), **{k: float(p.quantize(Decimal("0.01"))) for k, p in zip(
            ("income_services", "income_rent", "income_investment", "income_subsidies"), parts)},
        "operating_cost": float(Decimal(rng.randint(1000, 800000)) / 100),
        "ip_valid": ip, "invention_patents": rng.randint(0, ip), "graduated": rng.randint(0, 8),
        "listed": rng.randint(0, 1),
    }


def rows(spaces: int) -> dict[str, list[tuple]]:
    """Every row, deterministic (seed ``SEED``)."""
    from core.facts import make_uscc

    rng = random.Random(SEED)
    homes = list(fill.HOMES)
    weights = [fill.HOMES[h][1] for h in homes]
    tables: dict[str, list[tuple]] = {"organisations": [], "spaces": [], "recognitions": [], "statistics_returns": []}
    created = datetime(2020, 1, 1, tzinfo=UTC)
    for i in range(1, spaces + 1):
        home = rng.choices(homes, weights)[0]
        region = rng.choice(fill.HOMES[home][0])
        name = f"{fill.CITY.get(region[:4], '云南')}{rng.choice(fill.WORDS)}统计测试有限公司{i:05d}"
        tables["organisations"].append((i, created, name, make_uscc(region, f"MT{i:06d}"), "enterprise", region,
                                        None, None, None, None, None, None, None, None))
        tables["spaces"].append((i, created, i, f"{rng.choice(fill.WORDS)}众创空间{i:05d}", region, None,
                                 date(2018, 1, 1), json.dumps({}), created, 1))
        held = [HOME_OF[home]]
        if region.startswith("53") and home != "yunnan" and rng.random() < 0.33:
            held.append("yunnan")  # a 昆明 or 弥勒 space with a 云南 title too: one return
        for code in held:
            granted = date(rng.randint(2019, 2024), rng.randint(1, 12), rng.randint(1, 28))
            revoked = granted + timedelta(days=rng.randint(200, 1500)) if rng.random() < 0.02 else None
            n = len(tables["recognitions"]) + 1
            tables["recognitions"].append((n, None, i, code, f"众创空间{i:05d}", f"{fill.CERT_PREFIX[code]}统{n:06d}",
                                           fill.LEVEL[code], granted, "revoked" if revoked else "active", revoked,
                                           "测试" if revoked else None))
        for year in YEARS:
            n = len(tables["statistics_returns"]) + 1
            tables["statistics_returns"].append((n, created, i, year, "accepted",
                                                 json.dumps(figures(rng), ensure_ascii=False), "{}", "[]", 1))
    return tables


def copy(conn, table: str, columns: tuple[str, ...], data: list[tuple]) -> None:
    with conn.cursor() as cur:
        with cur.copy(f'COPY "{table}" ({", ".join(columns)}) FROM STDIN') as out:
            for row in data:
                out.write_row(row)
        cur.execute(f"SELECT setval(pg_get_serial_sequence('\"{table}\"', 'id'), (SELECT max(id) FROM \"{table}\"))")


def counts(conn) -> dict[str, int]:
    return {t: conn.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0]
            for t in ("organisations", "spaces", "recognitions", "statistics_returns")}


def fill_db(url: str, spaces: int, *, reset: bool = False, quiet: bool = False) -> dict[str, int]:
    """Migrate and fill ``url`` (see the module); a database already filled alike is reused."""
    import psycopg

    say = (lambda *a: None) if quiet else (lambda *a: print(*a, flush=True))
    with psycopg.connect(fill.psycopg_url(url), autocommit=True) as conn:
        if reset:
            conn.execute("DROP SCHEMA public CASCADE")
            conn.execute("CREATE SCHEMA public")
        elif fill.schema_exists(conn):
            found = counts(conn)
            if found["spaces"] == spaces and found["statistics_returns"] == spaces * len(YEARS):
                say("already filled (use --reset to fill anew)")
                return found
            if any(found.values()):
                raise SystemExit(f"{url}: holds other data; refusing to add to it: use --reset")
    started = time.perf_counter()
    fill.migrate(fill.project_app(url))
    data = rows(spaces)
    columns = {t: fill.COLUMNS[t] for t in ("organisations", "spaces", "recognitions")}
    columns["statistics_returns"] = RETURN_COLUMNS
    with psycopg.connect(fill.psycopg_url(url)) as conn:  # one transaction: all or nothing
        for table in ("organisations", "spaces", "recognitions", "statistics_returns"):
            copy(conn, table, columns[table], data[table])
        conn.commit()
    with psycopg.connect(fill.psycopg_url(url), autocommit=True) as conn:
        conn.execute("VACUUM ANALYZE")
        found = counts(conn)
    say(f"filled in {time.perf_counter() - started:.1f} s: {found}")
    return found


# --- the plain SQL side ------------------------------------------------------------------------

# the same rule as core.monitoring.rollup: a title owed year Y when granted by 31 December Y and
# live, or revoked after that day
OWING = ("EXISTS (SELECT 1 FROM recognitions t WHERE t.space_id = r.space_id AND t.jurisdiction = ANY(%(codes)s)"
         " AND t.granted_on <= make_date(r.year, 12, 31)"
         " AND (t.status IN ('active', 'rectification') OR t.revoked_on > make_date(r.year, 12, 31)))")


def numeric_keys() -> list[str]:
    from core.monitoring import forms
    from core.monitoring.rollup import numeric_fields

    return [f.key for f in numeric_fields(forms.DEFAULT)]


def plain_rows(conn, codes: list[str], year: int, keys: list[str]) -> tuple[int, dict]:
    """The same rows as ``rollup`` (read whole to the client) and every total summed by the database."""
    found = conn.execute(
        "SELECT r.space_id, r.data, s.name, o.name, o.uscc, s.region FROM statistics_returns r"
        " JOIN spaces s ON s.id = r.space_id JOIN organisations o ON o.id = s.organisation_id"
        f" WHERE r.year = %(year)s AND r.status = 'accepted' AND {OWING} ORDER BY s.region, s.name, s.id",
        {"codes": codes, "year": year}).fetchall()
    sums = conn.execute(
        "SELECT " + ", ".join(f"coalesce(sum((r.data->>'{k}')::numeric), 0)" for k in keys)
        + f" FROM statistics_returns r WHERE r.year = %(year)s AND r.status = 'accepted' AND {OWING}",
        {"codes": codes, "year": year}).fetchone()
    return len(found), dict(zip(keys, sums))


def plain_yearly(conn, codes: list[str], keys: list[str]) -> dict[int, dict]:
    answer = {}
    for year, n, *sums in conn.execute(
            "SELECT r.year, count(*), " + ", ".join(f"coalesce(sum((r.data->>'{k}')::numeric), 0)" for k in keys)
            + f" FROM statistics_returns r WHERE r.year = ANY(%(years)s) AND r.status = 'accepted' AND {OWING}"
            " GROUP BY r.year", {"codes": codes, "years": list(YEARS)}):
        answer[year] = {"spaces": n, **dict(zip(keys, sums))}
    return answer


# --- timing --------------------------------------------------------------------------------------


def timed(samples: dict, label: str, run):
    start = time.perf_counter()
    answer = run()
    samples.setdefault(label, []).append(time.perf_counter() - start)
    return answer


def same(a: dict, b: dict, where: str) -> None:
    for key, value in b.items():
        if Decimal(str(a[key])) != Decimal(str(value)):
            raise SystemExit(f"{where}: {key} differs: project {a[key]} vs plain SQL {value}")


def measure(url: str, rounds: int) -> list[list[str]]:
    import psycopg

    from core.monitoring.export import write_workbook
    from core.monitoring.rollup import rollup, yearly_totals
    from core.platform import clock
    from core.platform.extensions import db

    app = fill.project_app(url)
    samples: dict[str, list[float]] = {}
    with app.app_context(), psycopg.connect(fill.psycopg_url(url), autocommit=True) as conn:
        keys = numeric_keys()
        whole, kunming = list(CODES), ["kunming"]
        for round_ in range(rounds + 1):
            if round_ == 1:
                samples.clear()  # round 0 warms both sides up
            for year in YEARS:
                for name, codes in (("whole", whole), ("kunming", kunming)):
                    roll = timed(samples, f"rollup {name} {year}", lambda: rollup(codes, year))
                    db.session.rollback()  # as a request ends: no transaction kept open between pages
                    n, sums = timed(samples, f"plain {name} {year}", lambda: plain_rows(conn, codes, year, keys))
                    if roll.count != n:
                        raise SystemExit(f"{name} {year}: {roll.count} rows vs {n}")
                    same(roll.totals, sums, f"{name} {year}")
            totals = timed(samples, "yearly project", lambda: yearly_totals(whole, list(YEARS), keys))
            db.session.rollback()
            plain = timed(samples, "yearly plain", lambda: plain_yearly(conn, whole, keys))
            for year in YEARS:
                same(totals[year], plain[year], f"yearly {year}")
            roll = rollup(whole, YEARS[-1])
            db.session.rollback()
            timed(samples, "workbook", lambda: write_workbook(io.BytesIO(), roll, clock.now(), whole_deployment=True))
        spaces = {year: rollup(whole, year).count for year in YEARS}
        kunming_spaces = {year: rollup(kunming, year).count for year in YEARS}

    def med(label: str) -> float:
        return statistics.median(samples[label]) * 1000

    table = []
    for year in YEARS:
        for name, n in (("whole", spaces[year]), ("kunming", kunming_spaces[year])):
            a, b = med(f"rollup {name} {year}"), med(f"plain {name} {year}")
            table.append([f"rollup {'全部辖区' if name == 'whole' else '昆明'} {year}", f"{n:,}",
                          f"{a:.1f}", f"{b:.1f}", f"{a / b:.2f}"])
    a, b = med("yearly project"), med("yearly plain")
    table.append([f"yearly_totals 全部辖区 {YEARS[0]}–{YEARS[-1]}", f"{sum(spaces.values()):,}", f"{a:.1f}",
                  f"{b:.1f}", f"{a / b:.2f}"])
    table.append([f"workbook 全部辖区 {YEARS[-1]} (openpyxl)", f"{spaces[YEARS[-1]]:,}", f"{med('workbook'):.1f}",
                  "—", "—"])
    return table


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", default=DEFAULT_DB, help=f"PostgreSQL URL (default {DEFAULT_DB})")
    parser.add_argument("--reset", action="store_true", help="drop the public schema and fill anew")
    parser.add_argument("--spaces", type=int, default=10_000, help="spaces, each with 5 accepted returns (10,000)")
    parser.add_argument("--rounds", type=int, default=7, help="measured rounds after one warm-up (default 7)")
    args = parser.parse_args(argv)
    found = fill_db(args.db, args.spaces, reset=args.reset)
    print(f"statistics roll-up: {args.db}, {found['spaces']:,} spaces, {found['recognitions']:,} titles, "
          f"{found['statistics_returns']:,} accepted returns; {args.rounds} rounds, medians")
    print(f"load average at start: {'/'.join(f'{x:.2f}' for x in __import__('os').getloadavg())} "
          f"({time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())})")
    table = measure(args.db, args.rounds)
    print("\n| what | spaces | project ms | plain SQL ms | ratio |")
    print("|---|---:|---:|---:|---:|")
    for row in table:
        print("| " + " | ".join(row) + " |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
