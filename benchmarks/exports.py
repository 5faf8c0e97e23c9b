"""The application list's exports at a province's scale against a bare streamed CSV (issue 15).

    .venv/bin/python benchmarks/exports.py [--db URL] [--n 10] [--n-big 3] [--quick]

Two sizes: the 昆明 officer's list filtered by the status whose row count is nearest 1,000
(``?flt0_2=<status>``), and the admin's whole list (every application, drafts included: 100,013
rows).  For each size and format — the project's CSV and xlsx (``/admin/application/export/
csv/`` and ``…/xlsx/``) and the bare app's streamed CSV of the same rows and columns — fresh
gunicorn servers are started, so each worker's peak memory (``VmHWM`` of ``/proc/<pid>/status``,
and ``VmRSS`` sampled every 0.1 s in case a worker is killed) belongs to that size and format
alone.  The downloads alternate project, bare, project, bare; each is timed to its last byte.
A download cut short (a worker timeout: gunicorn's default is 30 s) is reported as such.
"""
from __future__ import annotations

import http.client
import re
import statistics
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import harness  # noqa: E402
from harness import fill  # noqa: E402



def status_near(db: str, code: str, target: int = 1000) -> tuple[str, int]:
    """The status whose count in the officer's list (no drafts) is nearest ``target``."""
    import psycopg

    with psycopg.connect(fill.psycopg_url(db)) as conn:
        rows = conn.execute("SELECT status, count(*) FROM applications WHERE jurisdiction = %s AND status <> 'draft'"
                            " GROUP BY status ORDER BY status", (code,)).fetchall()
    return min(rows, key=lambda r: (abs(r[1] - target), r[0]))


@dataclass
class Downloads:
    times: list[float] = field(default_factory=list)
    size: int = 0
    lines: int = 0
    failed: str = ""


def download(client: harness.Client, path: str, result: Downloads) -> None:
    if result.failed:
        return
    counted = {"bytes": 0, "lines": 0}

    def sink(chunk: bytes) -> None:
        counted["bytes"] += len(chunk)
        counted["lines"] += chunk.count(b"\n")

    start = time.perf_counter()
    try:
        reply = client.get(path, sink=sink)
    except (OSError, http.client.HTTPException) as exc:
        client.close()
        elapsed = time.perf_counter() - start
        result.failed = (f"cut after {elapsed:.0f} s, {counted['bytes'] / 1e6:.1f} MB "
                         f"({type(exc).__name__}){harness.cut(elapsed)}")
        return
    if reply.status != 200:
        elapsed = time.perf_counter() - start
        result.failed = f"HTTP {reply.status} after {elapsed:.0f} s{harness.cut(elapsed)}"
        return
    result.times.append(time.perf_counter() - start)
    result.size, result.lines = counted["bytes"], counted["lines"]


class PeakSampler:
    """The largest VmRSS of a server's workers, sampled while a download runs."""

    def __init__(self, server: harness.Server) -> None:
        self.server, self.peak, self.running = server, 0.0, True
        self.thread = threading.Thread(target=self.run, daemon=True)
        self.thread.start()

    def run(self) -> None:
        while self.running:
            for pid in self.server.worker_pids():
                try:
                    match = re.search(r"VmRSS:\s+(\d+) kB", Path(f"/proc/{pid}/status").read_text())
                except OSError:
                    continue
                if match:
                    self.peak = max(self.peak, int(match.group(1)) / 1024)
            time.sleep(0.1)

    def stop(self) -> float:
        self.running = False
        self.thread.join()
        return max(self.peak, self.server.peak_rss_mb())


def measure(args, label: str, cookies: dict, project_path: str, bare_path: str | None, n: int) -> list[list[str]]:
    """Fresh servers; ``n`` downloads each side, alternating; the rows of the table."""
    with harness.project_server(args.db, args.workers, args.timeout) as project:
        bare = harness.bare_server(args.db, args.workers, args.timeout) if bare_path else None
        try:
            base_a = project.peak_rss_mb()
            base_b = bare.peak_rss_mb() if bare else 0.0
            a, b = Downloads(), Downloads()
            client_a, client_b = harness.Client(project.port, cookies), harness.Client(bare.port) if bare else None
            sampler_a, sampler_b = PeakSampler(project), PeakSampler(bare) if bare else None
            for _ in range(n):
                download(client_a, project_path, a)
                if bare:
                    download(client_b, bare_path, b)
            peak_a, peak_b = sampler_a.stop(), sampler_b.stop() if sampler_b else 0.0
        finally:
            if bare:
                bare.stop()
    rows = [row(label, "project", a, peak_a, base_a, b if bare else None)]
    if bare:
        rows.append(row(label, "bare, streamed CSV", b, peak_b, base_b, None))
    return rows


def row(label: str, side: str, d: Downloads, peak: float, base: float, yardstick: Downloads | None) -> list[str]:
    if d.failed:
        return [label, side, "—", f"failed: {d.failed}", "—", "—", f"{peak:.0f} ({base:.0f})", "—"]
    median = statistics.median(d.times)
    ratio = f"{median / statistics.median(yardstick.times):.2f}" if yardstick and yardstick.times \
        and not yardstick.failed else "—"
    return [label, side, f"{max(0, d.lines - 1):,}" if "csv" in label.lower() or "CSV" in side else "—",
            f"{median:.2f}", f"{max(d.times):.2f}", f"{d.size / 1e6:.1f}", f"{peak:.0f} ({base:.0f})", ratio]


HEADER = ["export", "side", "data lines", "median s", "max s", "MB", "worker peak MB (at start)",
          "time / bare CSV"]


def main() -> int:
    def extra(parser):
        parser.add_argument("--n-big", type=int, default=3, help="downloads per side of the 100k export (default 3)")

    args = harness.arguments(__doc__.split("\n\n")[0], n=10, add=extra)
    if args.quick:
        args.n, args.n_big = min(args.n, 2), 1
    counts = harness.require_filled(args.db)
    code = harness.OFFICER_JURISDICTION
    started = harness.banner("exports", args, counts)
    status, small = status_near(args.db, code)
    # One sign-in each, reused by every fresh server: the session lives in the database and the
    # cookie is signed with the same key (an admin code is accepted once per 30-second step).
    with harness.project_server(args.db, 1, args.timeout) as project:
        signed_in = harness.sign_in(project.port, fill.officer_login(code))
        officer, status_filter = signed_in.cookies, harness.status_filter_arg(signed_in)
        admin = harness.sign_in(project.port, fill.ADMIN_LOGIN, args.db).cookies
    flt = f"?{status_filter}={status}"
    rows = []
    rows += measure(args, f"CSV, {code} officer, status {status} ({small:,} rows)", officer,
                    f"/admin/application/export/csv/{flt}", f"/applications/export.csv?scope={code}&status={status}",
                    args.n)
    rows += measure(args, f"xlsx, {code} officer, status {status} ({small:,} rows)", officer,
                    f"/admin/application/export/xlsx/{flt}", None, args.n)
    big = counts["applications"]
    rows += measure(args, f"CSV, admin, everything ({big:,} rows)", admin, "/admin/application/export/csv/",
                    "/applications/export.csv?scope=*", args.n_big)
    rows += measure(args, f"xlsx, admin, everything ({big:,} rows)", admin, "/admin/application/export/xlsx/",
                    None, args.n_big)
    harness.print_table(f"Exports: time to the last byte; gunicorn --timeout {args.timeout}; fresh servers per row pair",
                        HEADER, rows)
    harness.footer(started)
    return 0


if __name__ == "__main__":
    sys.exit(main())
