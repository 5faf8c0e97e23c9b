"""The officer's admin pages at a province's scale against the bare yardstick (issue 15).

    .venv/bin/python benchmarks/admin_pages.py [--db URL] [--n 30] [--quick]

Starts the project and ``benchmarks/bare_app.py`` under gunicorn (sync workers, same count),
signs in through the real sign-in form as the 昆明 officer (and as the admin, with a TOTP
code), then times, interleaved A B A B: the application list's first page, a status filter,
page 500 (``?page=499``, Flask-Admin counts from 0), a search; the dashboard of the officer
and of the admin and the case page of one application (project only: the bare app has no
such pages; their goals are absolute). Then the list's throughput under 16 connections
(wrk when installed, else a thread pool), alternately on each side.
"""
from __future__ import annotations

import sys
from pathlib import Path
from urllib.parse import quote

sys.path.insert(0, str(Path(__file__).resolve().parent))

import harness  # noqa: E402
from harness import fill  # noqa: E402

STATUS = "in_review"  # the status filter measured (the largest list after the whole one)
SEARCH = "星火"  # one of fill.WORDS: in about one space or organisation name in fifteen


def case_application(db: str, code: str) -> int:
    """The first recognised application of ``code``: the longest timeline."""
    import psycopg

    with psycopg.connect(fill.psycopg_url(db)) as conn:
        return conn.execute("SELECT min(id) FROM applications WHERE jurisdiction = %s AND status = 'recognised'",
                            (code,)).fetchone()[0]


def main() -> int:
    args = harness.arguments(__doc__.split("\n\n")[0], add=lambda p: p.add_argument(
        "--seconds", type=int, default=10, help="seconds per throughput run (default 10)"))
    counts = harness.require_filled(args.db)
    code = harness.OFFICER_JURISDICTION
    started = harness.banner("admin pages", args, counts)
    case_id = case_application(args.db, code)
    with harness.project_server(args.db, args.workers, args.timeout) as project, \
            harness.bare_server(args.db, args.workers, args.timeout) as bare:
        officer = harness.sign_in(project.port, fill.officer_login(code))
        admin = harness.sign_in(project.port, fill.ADMIN_LOGIN, args.db)
        yard = harness.Client(bare.port)
        scope = f"scope={code}"
        status_filter = harness.status_filter_arg(officer)  # flt0_2 today
        pairs = [
            ("list, first page", officer, "/admin/application/", yard, f"/applications/?{scope}"),
            (f"list, status filter ({STATUS})", officer, f"/admin/application/?{status_filter}={STATUS}",
             yard, f"/applications/?{scope}&status={STATUS}"),
            ("list, page 500", officer, "/admin/application/?page=499", yard, f"/applications/?{scope}&page=499"),
            (f"list, search ({SEARCH})", officer, f"/admin/application/?search={quote(SEARCH)}",
             yard, f"/applications/?{scope}&search={quote(SEARCH)}"),
            ("dashboard, officer", officer, "/admin/", None, None),
            ("dashboard, admin", admin, "/admin/", None, None),
            (f"case page (application {case_id})", officer, f"/admin/case/{case_id}", None, None),
        ]
        for line in harness.same_lists(pairs):
            print(line)
        results = harness.interleaved(pairs, args.n)
        harness.print_table(f"Latency, one user ({code} officer), {args.n} requests each, interleaved",
                            harness.LATENCY_HEADER, harness.latency_rows(results))
        seconds = 3 if args.quick else args.seconds
        rounds = 1 if args.quick else 2
        rows = harness.throughput_pairs(
            [("list, first page", project.port, "/admin/application/", officer.cookies, bare.port,
              f"/applications/?{scope}")], rounds, seconds)
        harness.print_table(f"Throughput, 16 connections, {seconds} s per run, median of {rounds} alternate runs",
                            harness.THROUGHPUT_HEADER, rows)
    harness.footer(started)
    return 0


if __name__ == "__main__":
    sys.exit(main())
