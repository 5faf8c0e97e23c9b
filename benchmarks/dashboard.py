"""The dashboard at a glance at a province's scale against a bare SQL aggregate (issue 20).

    .venv/bin/python benchmarks/dashboard.py [--db URL] [--n 50] [--quick]

The database is the one ``benchmarks/fill.py`` fills (100,013 applications, their titles); this
script adds, once, what the figures at a glance read and the fill does not make, in proportion and
by COPY (not through the workflow: it measures the reading, not the writing): each submitted
application's moves as the workflow records them (``review_records``: the submission, then one
move per step passed, 1–40 days apart; about 290,000 rows), one entitlement per title (pending,
approved, paid or cancelled; the approved and paid ones charged to their jurisdiction's fund of the
year they were approved), a fund per jurisdiction and year, and the bureaus' step time limit
(``step_time_limit_days`` = 10), so that the overdue count runs too.

Then it makes the project's app in this process (``fill.project_app``), signs in through the real forms
with the Flask test client as the 昆明 officer and as the provincial admin (his TOTP code too), and
times, interleaved A B A B, ``/admin/`` for each against the bare
aggregate of the same scope sent from here with psycopg (``SELECT jurisdiction, status, current_step,
count(*) FROM applications WHERE … GROUP BY …``): median and p95 of ``--n`` requests, and their
ratio.  The goal is the issue's: under 300 ms p95 for the dashboard.
"""
from __future__ import annotations

import json
import random
import sys
import time
from datetime import datetime, time as clock_time, timedelta, timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import harness  # noqa: E402
from harness import fill  # noqa: E402

SEED = 20261204
GOAL_MS = 300
STEP_TIME_LIMIT = 10  # working days: a bureau setting (本局设定), set here so the overdue count runs
FUND_CNY = 20_000_000
ENTITLEMENT_STATUSES = {"pending": 25, "approved": 30, "paid": 35, "cancelled": 10}
# the move that ends a stay at a step of each kind (core.review.workflow)
ENDING = {"expert_review": "conclude_expert_review", "public_notice": "close_notice", "award": "award"}
UTC = timezone.utc


def moves(rng: random.Random, application, steps: list[str]):
    """The ``review_records`` of one application: its submission, then a move per step passed."""
    app_id, code, category, status, current, submitted = application
    when = datetime.combine(submitted, clock_time(9), UTC)
    yield (app_id, steps[0], "submit", when)
    if status in ("submitted",):
        return
    if status in ("returned", "withdrawn"):
        when += timedelta(days=rng.randint(1, 40), hours=rng.randint(0, 8))
        yield (app_id, steps[0], "return" if status == "returned" else "withdraw", when)
        return
    if status in ("in_review", "under_notice") and current in steps:
        passed = steps[:steps.index(current)]
    elif status == "rejected":
        passed = steps[:rng.randint(0, len(steps) - 1)]
    else:  # recognised
        passed = steps
    for step in passed:
        when += timedelta(days=rng.randint(1, 40), hours=rng.randint(0, 8))
        yield (app_id, step, ENDING.get(step, "approve"), when)
    if status == "rejected":
        when += timedelta(days=rng.randint(1, 40))
        yield (app_id, steps[len(passed)] if len(passed) < len(steps) else steps[-1], "reject", when)


def seed(url: str) -> dict[str, int]:
    """Add the figures' rows once (a database that has them is left alone); their counts."""
    import psycopg

    with psycopg.connect(fill.psycopg_url(url)) as conn:
        if conn.execute("SELECT count(*) FROM review_records").fetchone()[0]:
            return counts(conn)
    app = fill.project_app(url)
    policies = fill.policy_data(app)
    rng = random.Random(SEED)
    now = datetime.now(UTC)
    started = time.perf_counter()
    with psycopg.connect(fill.psycopg_url(url)) as conn:
        applications = conn.execute(
            "SELECT id, jurisdiction, category, status, current_step, submitted_on FROM applications "
            "WHERE submitted_on IS NOT NULL ORDER BY id").fetchall()
        with conn.cursor() as cur, cur.copy(
                "COPY review_records (application_id, step, action, scores, judgements, created_at) FROM STDIN") as copy:
            for application in applications:
                for app_id, step, action, when in moves(rng, application, policies[application[1]]["categories"][application[2]]):
                    copy.write_row((app_id, step, action, "{}", "{}", when))
        funds = {}
        with conn.cursor() as cur:
            for code in fill.JURISDICTIONS:
                for year in range(2015, now.year + 1):
                    funds[(code, year)] = cur.execute(
                        "INSERT INTO support_funds (jurisdiction, year, name, amount_cny, source, citation, version, "
                        "created_at) VALUES (%s, %s, %s, %s, 'bureau', '{}', 1, %s) RETURNING id",
                        (code, year, "众创空间扶持资金", FUND_CNY, now)).fetchone()[0]
            for code in fill.JURISDICTIONS:
                cur.execute("INSERT INTO bureau_settings (jurisdiction, key, value, updated_at) "
                            "VALUES (%s, 'step_time_limit_days', %s, %s)", (code, json.dumps(STEP_TIME_LIMIT), now))
        titles = conn.execute("SELECT id, space_id, jurisdiction, granted_on FROM recognitions ORDER BY id").fetchall()
        statuses, weights = list(ENTITLEMENT_STATUSES), list(ENTITLEMENT_STATUSES.values())
        with conn.cursor() as cur, cur.copy(
                "COPY subsidy_entitlements (recognition_id, space_id, year, jurisdiction, rule_code, kind, amount_cny, "
                "citation, status, approved_amount_cny, approved_on, fund_id, paid_on, paid_amount_cny, "
                "overlap_flags, version, created_at) FROM STDIN") as copy:
            for title_id, space_id, code, granted in titles:
                status = rng.choices(statuses, weights)[0]
                approved_on = granted + timedelta(days=rng.randint(10, 200)) if status in ("approved", "paid") else None
                approved_on = min(approved_on, now.date()) if approved_on else None
                paid_on = min(approved_on + timedelta(days=rng.randint(5, 60)), now.date()) if status == "paid" else None
                copy.write_row((title_id, space_id, granted.year, code, f"{code}.award_subsidy", "认定奖补", 100_000,
                                "{}", status, 100_000 if approved_on else None, approved_on,
                                funds.get((code, approved_on.year)) if approved_on else None, paid_on,
                                100_000 if paid_on else None, "[]", 1,
                                datetime.combine(granted, clock_time(10), UTC)))
        conn.commit()
    with psycopg.connect(fill.psycopg_url(url), autocommit=True) as conn:
        conn.execute("VACUUM ANALYZE review_records")
        conn.execute("VACUUM ANALYZE subsidy_entitlements")
        conn.execute("VACUUM ANALYZE support_funds")
        found = counts(conn)
    print(f"seeded the dashboard's rows in {time.perf_counter() - started:.1f} s: "
          + ", ".join(f"{k} {v:,}" for k, v in found.items()))
    return found


def counts(conn) -> dict[str, int]:
    return {t: conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
            for t in ("review_records", "subsidy_entitlements", "support_funds")}


# --- the bare aggregate ---------------------------------------------------------------------------

# the officer's scope as core.accounts.scoping.application_criteria has it: his jurisdictions, no drafts;
# the admin's: every enabled jurisdiction
BARE = {
    "officer": ("SELECT jurisdiction, status, current_step, count(*) FROM applications "
                "WHERE jurisdiction = ANY(%s) AND status <> 'draft' GROUP BY jurisdiction, status, current_step"),
    "admin": ("SELECT jurisdiction, status, current_step, count(*) FROM applications "
              "WHERE jurisdiction = ANY(%s) GROUP BY jurisdiction, status, current_step"),
}


def bare_timed(conn, who: str, codes: list[str], timing: harness.Timing) -> None:
    start = time.perf_counter()
    conn.execute(BARE[who], (codes,)).fetchall()
    timing.times.append(time.perf_counter() - start)


class Page:
    """``/admin/`` through the Flask test client of the project's own app, signed in through the real
    forms (the admin's TOTP code too): the app's whole answer, without a server in front."""

    def __init__(self, app, login: str, db: str) -> None:
        self.client = app.test_client()
        token = harness.CSRF_RE.search(self.client.get("/login").get_data(as_text=True)).group(1)
        reply = self.client.post("/login", data={"login": login, "password": fill.PASSWORD, "csrf_token": token})
        if "/login/two-factor" in reply.headers.get("Location", ""):
            token = harness.CSRF_RE.search(self.client.get("/login/two-factor").get_data(as_text=True)).group(1)
            reply = self.client.post("/login/two-factor", data={"code": harness.fresh_totp_code(db),
                                                                "csrf_token": token})
        if reply.status_code != 302 or "/login" in reply.headers.get("Location", "/login"):
            sys.exit(f"signing in as {login} failed (HTTP {reply.status_code})")

    def timed(self, timing: harness.Timing) -> None:
        start = time.perf_counter()
        reply = self.client.get("/admin/")
        elapsed = time.perf_counter() - start
        if reply.status_code != 200 or 'id="glance"' not in reply.get_data(as_text=True):
            sys.exit(f"/admin/ answered {reply.status_code} without the figures at a glance")
        timing.times.append(elapsed)


def main() -> int:
    args = harness.arguments(__doc__.split("\n\n")[0], n=50)
    counts_filled = harness.require_filled(args.db)
    extra = seed(args.db)
    print(f"dashboard at a glance: {args.db}, {counts_filled['applications']:,} applications; Flask test client "
          f"in process; n={args.n}{' (quick)' if args.quick else ''}")
    print(f"load average at start: {harness.load()}  ({time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())})")
    started = time.perf_counter()
    print("the figures' rows: " + ", ".join(f"{k} {v:,}" for k, v in extra.items()))
    import logging

    import psycopg

    app = fill.project_app(args.db)
    logging.getLogger("zhongchuang.request").setLevel(logging.WARNING)  # one log line per request, not timed
    code = harness.OFFICER_JURISDICTION
    with psycopg.connect(fill.psycopg_url(args.db), autocommit=True) as conn:
        sides = [("officer", f"dashboard, {code} officer", Page(app, fill.officer_login(code), args.db), [code]),
                 ("admin", "dashboard, provincial admin", Page(app, fill.ADMIN_LOGIN, args.db),
                  list(fill.JURISDICTIONS))]
        results = {who: (harness.Timing(), harness.Timing()) for who, *_ in sides}
        for round_ in range(2 + args.n):  # two rounds not counted: the first requests warm the caches
            for who, _, page, codes in sides:
                timings = results[who] if round_ >= 2 else (harness.Timing(), harness.Timing())
                page.timed(timings[0])
                bare_timed(conn, who, codes, timings[1])
    rows = []
    for who, label, *_ in sides:
        page, bare = results[who]
        rows.append([label, harness.ms(page.median), harness.ms(page.p95), harness.ms(bare.median),
                     harness.ms(bare.p95), harness.ratio(page.median, bare.median),
                     "yes" if page.p95 is not None and page.p95 < GOAL_MS else "NO"])
    harness.print_table(f"Latency, {args.n} requests each, interleaved with the bare aggregate",
                        ["page", "dashboard median ms", "dashboard p95 ms", "bare aggregate median ms",
                         "bare aggregate p95 ms", "ratio (medians)", f"p95 < {GOAL_MS} ms"], rows)
    harness.footer(started)
    return 0


if __name__ == "__main__":
    sys.exit(main())
