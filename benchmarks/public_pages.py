"""The public notice pages at a province's scale against the bare yardstick (issue 15).

    .venv/bin/python benchmarks/public_pages.py [--db URL] [--n 30] [--quick]

Anonymous, as the public sees them: ``/notices/`` and ``/notices/<id>`` (a notice of 40
entries), timed interleaved A B A B against the bare app's same-content pages (one statement
each); then each page's throughput under 16 connections (wrk when installed, else a thread
pool), alternately on each side; then ``/notices/``'s latency on the project while 8 clients
keep requesting the notice's PDF (``/notices/<id>/pdf``), against its latency when quiet.
"""
from __future__ import annotations

import os
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import harness  # noqa: E402
from harness import fill  # noqa: E402

PDF_CLIENTS = 8


def notice_id(db: str, code: str) -> int:
    import psycopg

    with psycopg.connect(fill.psycopg_url(db)) as conn:
        return conn.execute("SELECT min(n.id) FROM public_notices n WHERE n.jurisdiction = %s AND n.status = 'open'",
                            (code,)).fetchone()[0]


def ensure_fonts() -> None:
    """The PDFs' font, cut once (about 80 s the first time), so no render below waits for it."""
    subprocess.run([sys.executable, "-c", "from core.documents.render import ensure_fonts; ensure_fonts()"],
                   cwd=harness.ROOT, env={**os.environ, "PYTHONPATH": str(harness.ROOT)}, check=True)


def under_pdf_load(port: int, notice: int, n: int) -> tuple[harness.Timing, list[float], int]:
    """``/notices/``'s timing while ``PDF_CLIENTS`` clients request the notice's PDF without pause."""
    stop = threading.Event()
    renders: list[float] = []
    failures = [0]
    lock = threading.Lock()

    args = (port, f"/notices/{notice}/pdf", None, lambda: not stop.is_set(), renders, failures, lock)
    threads = [threading.Thread(target=harness.load_loop, args=args) for _ in range(PDF_CLIENTS)]
    for t in threads:
        t.start()
    time.sleep(2)  # every PDF client has a request in the queue
    timing = harness.Timing()
    reader = harness.Client(port)
    for _ in range(n):
        harness.timed(reader, "/notices/", timing)
        time.sleep(0.2)  # a reader, not a load generator
    stop.set()
    for t in threads:
        t.join()
    return timing, renders, failures[0]


def main() -> int:
    args = harness.arguments(__doc__.split("\n\n")[0], add=lambda p: p.add_argument(
        "--seconds", type=int, default=10, help="seconds per throughput run (default 10)"))
    counts = harness.require_filled(args.db)
    started = harness.banner("public pages", args, counts)
    ensure_fonts()
    notice = notice_id(args.db, harness.OFFICER_JURISDICTION)
    with harness.project_server(args.db, args.workers, args.timeout) as project, \
            harness.bare_server(args.db, args.workers, args.timeout) as bare:
        a, b = harness.Client(project.port), harness.Client(bare.port)
        pairs = [("/notices/", a, "/notices/", b, "/notices/"),
                 (f"/notices/{notice}", a, f"/notices/{notice}", b, f"/notices/{notice}")]
        results = harness.interleaved(pairs, args.n)
        harness.print_table(f"Latency, anonymous, {args.n} requests each, interleaved", harness.LATENCY_HEADER,
                            harness.latency_rows(results))
        seconds = 3 if args.quick else args.seconds
        rounds = 1 if args.quick else 2
        rows = harness.throughput_pairs(
            [("/notices/", project.port, "/notices/", None, bare.port, "/notices/"),
             (f"/notices/{notice}", project.port, f"/notices/{notice}", None, bare.port, f"/notices/{notice}")],
            rounds, seconds)
        harness.print_table(f"Throughput, anonymous, 16 connections, {seconds} s per run, median of {rounds} "
                            "alternate runs", harness.THROUGHPUT_HEADER, rows)
        quiet = results[0][1]
        loaded, renders, failures = under_pdf_load(project.port, notice, args.n)
        pdf = (f"{len(renders)} PDFs, median {statistics.median(renders):.2f} s each" if renders else "no PDF served") \
            + (f", {failures} failed" if failures else "")
        harness.print_table(f"/notices/ on the project while {PDF_CLIENTS} clients request /notices/{notice}/pdf "
                            f"({pdf})", ["/notices/", "median ms", "p95 ms", "max ms"],
                            [["quiet (above)", harness.ms(quiet.median), harness.ms(quiet.p95),
                              harness.ms(max(quiet.times) * 1000 if quiet.times else None)],
                             ["during PDF renders", harness.ms(loaded.median) if not loaded.failed else loaded.failed,
                              harness.ms(loaded.p95), harness.ms(max(loaded.times) * 1000 if loaded.times else None)]])
    harness.footer(started)
    return 0


if __name__ == "__main__":
    sys.exit(main())
