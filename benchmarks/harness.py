"""What the province-scale benchmarks share (issue 15): the servers, a signed-in client,
interleaved timing, throughput under concurrent connections, worker memory, the table.

Both sides run under gunicorn with the same number of sync workers on free local ports:
the project (``core.app:create_app()``, configured as the README's gunicorn section says)
and the bare yardstick (``benchmarks/bare_app.py``).  Every figure of a page is measured
against its bare counterpart in the same run, requests interleaved A B A B, so a machine
whose speed drifts moves both sides alike.
"""
from __future__ import annotations

import argparse
import http.client
import os
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode

BENCHMARKS = Path(__file__).resolve().parent
ROOT = BENCHMARKS.parent
sys.path.insert(0, str(BENCHMARKS))

import fill  # noqa: E402  (beside this file)

HOST = "127.0.0.1"
SECRET_KEY = "bench-secret-key-0123456789abcdef0123456789abcdef"
OFFICER_JURISDICTION = "kunming"  # the officer whose pages are measured
WORKER_TIMEOUT = 30  # gunicorn's --timeout of the run (set by ``arguments``)


def resident_facts(residents: int) -> dict:
    """The 昆明 example facts (tests/data) in 弥勒's region with ``residents`` qualifying residents: the
    application whose PDF the document benchmarks print (documents.py, render_at_submission.py)."""
    import json

    data = json.loads((ROOT / "tests" / "data" / "kunming-comprehensive-service.json").read_text(encoding="utf-8"))
    data.update(registered_region="532504", space_region="532504")
    data["residents"] = [
        {"name": f"弥勒入驻企业{i:02d}号", "kind": "enterprise", "qualifying_field": True,
         "entered_on": "2025-03-01", "established_on": "2025-01-15", "registered_in_space": True}
        for i in range(1, residents + 1)]
    return data


def cut(elapsed: float) -> str:
    """What a failure after ``elapsed`` seconds most likely was."""
    return " (worker timeout)" if elapsed >= WORKER_TIMEOUT - 0.5 else ""


# --- command line ----------------------------------------------------------------------------


def arguments(description: str, n: int = 30, add=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--db", default=fill.DEFAULT_DB, help=f"the filled database (default {fill.DEFAULT_DB})")
    parser.add_argument("--n", type=int, default=n, help=f"requests per page and side (default {n})")
    parser.add_argument("--quick", action="store_true", help="a short run: few requests, short throughput runs")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn sync workers per side (default 2)")
    parser.add_argument("--timeout", type=int, default=30,
                        help="gunicorn worker timeout in seconds (default 30, gunicorn's own default)")
    if add:
        add(parser)
    args = parser.parse_args()
    global WORKER_TIMEOUT
    WORKER_TIMEOUT = args.timeout
    if args.quick:
        args.n = min(args.n, 5)
    return args


def require_filled(url: str) -> dict:
    """The counts of the filled database, or one line and exit status 1."""
    import psycopg

    try:
        with psycopg.connect(fill.psycopg_url(url), connect_timeout=5) as conn:
            if not fill.schema_exists(conn):
                raise LookupError("no schema")
            counts = fill.table_counts(conn)
            admin = conn.execute("SELECT 1 FROM users WHERE login = %s", (fill.ADMIN_LOGIN,)).fetchone()
    except Exception as exc:  # noqa: BLE001 - any failure means: not usable
        sys.exit(f"{url} is not filled ({str(exc).splitlines()[0] if str(exc) else type(exc).__name__}): "
                 f"run benchmarks/fill.py --db {url}")
    if not counts["applications"] or admin is None:
        sys.exit(f"{url} is not filled: run benchmarks/fill.py --db {url}")
    return counts


def load() -> str:
    return "/".join(f"{x:.2f}" for x in os.getloadavg())


# --- servers ----------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


def gunicorn() -> str:
    found = Path(sys.executable).parent / "gunicorn"
    if found.exists():
        return str(found)
    which = shutil.which("gunicorn")
    if not which:
        sys.exit("gunicorn is not installed: run scripts/setup_bench.sh")
    return which


@dataclass
class Server:
    """A gunicorn master we started, its port, and its log file."""

    name: str
    app: str
    env: dict
    workers: int = 2
    timeout: int = 30
    extra: tuple = ()
    port: int = 0
    process: subprocess.Popen | None = None
    folder: Path = field(default_factory=lambda: Path(tempfile.mkdtemp(prefix="zc-bench-")))
    scratch: tuple = ()  # more folders of this server's, removed with its log when it stops

    def start(self, ready_path: str = "/healthz") -> "Server":
        self.port = free_port()
        log = open(self.folder / "gunicorn.log", "wb")
        self.process = subprocess.Popen(
            [gunicorn(), "-w", str(self.workers), "-b", f"{HOST}:{self.port}", "--timeout", str(self.timeout),
             *self.extra, self.app],
            cwd=ROOT, env={**os.environ, **self.env}, stdout=log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                sys.exit(f"{self.name} did not start; its log: {self.folder / 'gunicorn.log'}")
            try:
                if Client(self.port).get(ready_path).status < 500 and len(self.worker_pids()) == self.workers:
                    # every worker imports the app before it answers: ask until both have
                    for _ in range(4 * self.workers):
                        Client(self.port).get(ready_path)
                    return self
            except OSError:
                pass
            time.sleep(0.3)
        self.stop(keep_log=True)
        sys.exit(f"{self.name} did not answer within 120 s; its log: {self.folder / 'gunicorn.log'}")

    def worker_pids(self) -> list[int]:
        if self.process is None:
            return []
        pids = []
        for entry in Path("/proc").iterdir():
            if entry.name.isdigit():
                try:
                    stat = (entry / "stat").read_text()
                except OSError:
                    continue
                if int(stat.rsplit(")", 1)[1].split()[1]) == self.process.pid:
                    pids.append(int(entry.name))
        return sorted(pids)

    def peak_rss_mb(self) -> float:
        """The largest peak resident set (VmHWM) of the workers, in MB."""
        peaks = []
        for pid in self.worker_pids():
            try:
                match = re.search(r"VmHWM:\s+(\d+) kB", Path(f"/proc/{pid}/status").read_text())
            except OSError:
                continue
            if match:
                peaks.append(int(match.group(1)) / 1024)
        return max(peaks, default=0.0)

    def stop(self, keep_log: bool = False) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.process = None
        for folder in [*([] if keep_log else [self.folder]), *self.scratch]:
            shutil.rmtree(folder, ignore_errors=True)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.stop()


def project_server(db: str, workers: int = 2, timeout: int = 30, extra: tuple = ()) -> Server:
    """The project as the README's gunicorn section runs it (plain http on the loopback)."""
    instance = Path(tempfile.mkdtemp(prefix="zc-bench-instance-"))
    env = {"DATABASE_URL": db, "ZHONGCHUANG_SECRET_KEY": SECRET_KEY, "ZHONGCHUANG_SECURE_COOKIES": "0",
           "ZHONGCHUANG_INSTANCE": str(instance), "ZHONGCHUANG_UPLOAD_FOLDER": str(instance / "uploads"),
           "PYTHONPATH": str(ROOT)}
    return Server("the project", "core.app:create_app()", env, workers, timeout, extra,
                  scratch=(instance,)).start("/healthz")


def bare_server(db: str, workers: int = 2, timeout: int = 30, extra: tuple = ()) -> Server:
    env = {"BENCH_DATABASE_URL": db, "PYTHONPATH": str(BENCHMARKS)}
    return Server("the bare app", "bare_app:create_app()", env, workers, timeout, extra).start("/healthz")


# --- a client with a cookie jar ----------------------------------------------------------------


@dataclass
class Response:
    status: int
    headers: dict
    body: bytes

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", "replace")


CSRF_RE = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


class Client:
    """One keep-alive HTTP/1.1 connection and the cookies it was given."""

    def __init__(self, port: int, cookies: dict | None = None, timeout: float = 600) -> None:
        self.port, self.timeout = port, timeout
        self.cookies = dict(cookies or {})
        self.conn: http.client.HTTPConnection | None = None

    def request(self, method: str, path: str, body: bytes | None = None, headers: dict | None = None,
                sink=None) -> Response:
        headers = dict(headers or {})
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        for attempt in (1, 2):
            reused = self.conn is not None
            if self.conn is None:
                self.conn = http.client.HTTPConnection(HOST, self.port, timeout=self.timeout)
            sent = time.monotonic()
            try:
                self.conn.request(method, path, body=body, headers=headers)
                reply = self.conn.getresponse()
                if sink is None:
                    data = reply.read()
                else:  # count the bytes of a download without keeping them
                    data = b""
                    while chunk := reply.read(1 << 16):
                        sink(chunk)
                break
            except (http.client.RemoteDisconnected, BrokenPipeError, ConnectionResetError):
                self.close()
                # once more only for a kept-alive connection the server had closed meanwhile (an
                # answer at once); never for a request the server dropped midway (a worker timeout)
                if attempt == 2 or not reused or time.monotonic() - sent > 1:
                    raise
        for name, value in reply.getheaders():
            if name.lower() == "set-cookie":
                key, _, rest = value.partition("=")
                self.cookies[key.strip()] = rest.split(";", 1)[0]
        if reply.getheader("Connection", "").lower() == "close":
            self.close()
        return Response(reply.status, dict(reply.getheaders()), data)

    def get(self, path: str, **kwargs) -> Response:
        return self.request("GET", path, **kwargs)

    def post_form(self, path: str, data: dict) -> Response:
        return self.request("POST", path, urlencode(data).encode(),
                            {"Content-Type": "application/x-www-form-urlencoded"})

    def close(self) -> None:
        if self.conn is not None:
            self.conn.close()
            self.conn = None


def _csrf(response: Response) -> str:
    match = CSRF_RE.search(response.text)
    if not match:
        sys.exit("no CSRF token on the sign-in form")
    return match.group(1)


def sign_in(port: int, login: str, db: str | None = None) -> Client:
    """A real session: the sign-in form with its CSRF token, and the TOTP code for the
    admin (a code not used before: the project accepts each time step once)."""
    client = Client(port)
    reply = client.post_form("/login", {"login": login, "password": fill.PASSWORD,
                                        "csrf_token": _csrf(client.get("/login"))})
    if reply.status == 302 and "/login/two-factor" in reply.headers.get("Location", ""):
        reply = client.post_form("/login/two-factor", {"code": fresh_totp_code(db),
                                                      "csrf_token": _csrf(client.get("/login/two-factor"))})
    if reply.status != 302 or "/login" in reply.headers.get("Location", "/login"):
        sys.exit(f"signing in as {login} failed (HTTP {reply.status})")
    return client


def fresh_totp_code(db: str | None) -> str:
    """The admin's code for a time step later than the last one the project accepted."""
    import psycopg
    import pyotp

    with psycopg.connect(fill.psycopg_url(db or fill.DEFAULT_DB)) as conn:
        last = conn.execute("SELECT totp_last_step FROM users WHERE login = %s", (fill.ADMIN_LOGIN,)).fetchone()[0]
    totp = pyotp.TOTP(fill.ADMIN_TOTP_SECRET)
    while True:
        step = int(time.time()) // 30
        for candidate in (step, step + 1):  # the project accepts one step of drift either side
            if last is None or candidate > last:
                return totp.at(candidate * 30)
        time.sleep(1)


# --- measuring ---------------------------------------------------------------------------------


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, int(round(q * len(ordered) + 0.5)) - 1))]


@dataclass
class Timing:
    times: list[float] = field(default_factory=list)
    size: int = 0
    status: int = 0
    failed: str = ""  # why the page was dropped (an unexpected answer, a worker timeout)

    @property
    def median(self) -> float | None:
        return statistics.median(self.times) * 1000 if self.times and not self.failed else None

    @property
    def p95(self) -> float | None:
        return percentile(self.times, 0.95) * 1000 if self.times and not self.failed else None


def timed(client: Client, path: str, timing: Timing, expect: int = 200) -> None:
    if timing.failed:
        return
    start = time.perf_counter()
    try:
        reply = client.get(path)
    except OSError as exc:
        client.close()
        timing.failed = f"{type(exc).__name__} after {time.perf_counter() - start:.0f} s"
        return
    elapsed = time.perf_counter() - start
    timing.size, timing.status = len(reply.body), reply.status
    if reply.status != expect:
        timing.failed = f"HTTP {reply.status} after {elapsed:.1f} s{cut(elapsed)}"
        return
    timing.times.append(elapsed)


def interleaved(pairs: list[tuple[str, Client, str, Client | None, str | None]], n: int,
                warmup: int = 2) -> list[tuple[str, Timing, Timing | None]]:
    """Each page ``n`` times on each side, A B A B: per round, every page once on the project
    and then once on the bare app; the first ``warmup`` rounds are not counted.  A page that
    answers anything but 200 is dropped from the later rounds and reported as failed."""
    results = [(label, Timing(), Timing() if bare else None) for label, _, _, bare, _ in pairs]
    for round_ in range(warmup + n):
        for (label, project, path, bare, bare_path), (_, a, b) in zip(pairs, results):
            if round_ < warmup:
                scratch_a, scratch_b = Timing(), Timing()
                timed(project, path, scratch_a)
                a.failed = scratch_a.failed
                if bare is not None:
                    timed(bare, bare_path, scratch_b)
                    b.failed = scratch_b.failed
                continue
            timed(project, path, a)
            if bare is not None:
                timed(bare, bare_path, b)
    return results


def ms(value: float | None) -> str:
    return "—" if value is None else f"{value:,.0f}" if value >= 100 else f"{value:.1f}"


def ratio(a: float | None, b: float | None) -> str:
    return "—" if not a or not b else f"{a / b:.2f}"


def print_table(title: str, header: list[str], rows: list[list[str]]) -> None:
    print(f"\n{title}\n")
    print("| " + " | ".join(header) + " |")
    print("|" + "|".join("---" if i == 0 else "---:" for i in range(len(header))) + "|")
    for row in rows:
        print("| " + " | ".join(row) + " |")


def latency_rows(results) -> list[list[str]]:
    def side(t: Timing | None) -> list[str]:
        if t is None:
            return ["—", "—"]
        return [f"failed: {t.failed}", "—"] if t.failed else [ms(t.median), ms(t.p95)]

    rows = []
    for label, a, b in results:
        rows.append([label, *side(a), *side(b), ratio(a.median, b.median if b else None),
                     f"{a.size:,}", f"{b.size:,}" if b else "—"])
    return rows


FILTERS_RE = re.compile(r'<div id="filter-groups-data"[^>]*>(.*?)</div>', re.S)


def status_filter_arg(client: Client, path: str = "/admin/application/") -> str:
    """Flask-Admin's URL argument of the list's status filter (``flt0_<arg>``), read from the
    filter data the list page carries, so a reordering of the filters does not break the URL."""
    import json

    match = FILTERS_RE.search(client.get(path).text)
    for group in json.loads(match.group(1)).values() if match else ():
        for flt in group:
            if any(option[0] == "in_review" for option in flt.get("options") or ()):
                return f"flt0_{flt['arg']}"
    sys.exit(f"no status filter on {path}")


LIST_COUNT_RE = re.compile(r"列表 \((\d+)\)")


def same_lists(pairs) -> list[str]:
    """For each list page: the row count the project's page says against the bare page's, so
    a reader sees both sides list the same rows (a line per page; a mismatch says so)."""
    lines = []
    for label, project, path, bare, bare_path in pairs:
        if bare is None:
            continue
        a = LIST_COUNT_RE.search(project.get(path).text)
        b = LIST_COUNT_RE.search(bare.get(bare_path).text)
        if a and b:
            same = "same" if a.group(1) == b.group(1) else "DIFFERENT"
            lines.append(f"{label}: project lists {int(a.group(1)):,} rows, bare {int(b.group(1)):,} ({same})")
    return lines


LATENCY_HEADER = ["page", "project median ms", "project p95 ms", "bare median ms", "bare p95 ms",
                  "ratio (medians)", "project bytes", "bare bytes"]


# --- throughput --------------------------------------------------------------------------------


@dataclass
class Throughput:
    rate: float  # requests per second
    p50_ms: float | None
    errors: int
    tool: str


def throughput(port: int, path: str, cookies: dict | None, connections: int = 16, seconds: int = 10) -> Throughput:
    """Requests per second under ``connections`` keep-alive connections: wrk when installed, else threads."""
    if shutil.which("wrk"):
        return _wrk(port, path, cookies, connections, seconds)
    return _threads(port, path, cookies, connections, seconds)


def _wrk(port, path, cookies, connections, seconds) -> Throughput:
    command = ["wrk", "-t", "2", "-c", str(connections), "-d", f"{seconds}s", "--latency", "--timeout", "60s"]
    if cookies:
        command += ["-H", "Cookie: " + "; ".join(f"{k}={v}" for k, v in cookies.items())]
    out = subprocess.run([*command, f"http://{HOST}:{port}{path}"], capture_output=True, text=True, check=True).stdout
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    p50 = re.search(r"50%\s+([\d.]+)(us|ms|s)\b", out)
    p50_ms = None if not p50 else float(p50.group(1)) * {"us": 0.001, "ms": 1, "s": 1000}[p50.group(2)]
    bad = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out)
    errors = int(bad.group(1)) if bad else 0
    socket_errors = re.search(r"Socket errors: (.*)", out)
    if socket_errors:
        errors += sum(int(x) for x in re.findall(r"\d+", socket_errors.group(1)))
    return Throughput(rate, p50_ms, errors, "wrk")


def load_loop(port: int, path: str, cookies: dict | None, going, times: list[float], errors: list[int],
              lock: threading.Lock) -> None:
    """One client requesting ``path`` without pause while ``going()``: the seconds of each 200
    answer go to ``times``, anything else counts in ``errors[0]``."""
    client = Client(port, cookies)
    while going():
        start = time.perf_counter()
        try:
            ok = client.get(path).status == 200
        except OSError:
            ok = False
            client.close()
        with lock:
            if ok:
                times.append(time.perf_counter() - start)
            else:
                errors[0] += 1
    client.close()


def _threads(port, path, cookies, connections, seconds) -> Throughput:
    stop = time.monotonic() + seconds
    times: list[float] = []
    errors = [0]
    lock = threading.Lock()
    args = (port, path, cookies, lambda: time.monotonic() < stop, times, errors, lock)
    threads = [threading.Thread(target=load_loop, args=args) for _ in range(connections)]
    began = time.monotonic()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.monotonic() - began
    return Throughput(len(times) / elapsed, statistics.median(times) * 1000 if times else None, errors[0], "threads")


def throughput_pairs(pairs, rounds: int, seconds: int, connections: int = 16) -> list[list[str]]:
    """[label, project req/s, project p50, bare req/s, bare p50, project/bare] per pair, each side
    run ``rounds`` times alternately (A B A B), the median of the rounds kept."""
    rows = []
    for label, project_port, path, cookies, bare_port, bare_path in pairs:
        a, b = [], []
        for _ in range(rounds):
            a.append(throughput(project_port, path, cookies, connections, seconds))
            b.append(throughput(bare_port, bare_path, None, connections, seconds))
        ra = statistics.median(t.rate for t in a)
        rb = statistics.median(t.rate for t in b)
        p50a = statistics.median(t.p50_ms for t in a if t.p50_ms is not None) if any(t.p50_ms for t in a) else None
        p50b = statistics.median(t.p50_ms for t in b if t.p50_ms is not None) if any(t.p50_ms for t in b) else None
        errors = sum(t.errors for t in a), sum(t.errors for t in b)
        rows.append([label, f"{ra:.1f}", ms(p50a), f"{rb:.1f}", ms(p50b), f"{ra / rb:.2f}" if rb else "—",
                     f"{errors[0]} / {errors[1]}", a[0].tool])
    return rows


THROUGHPUT_HEADER = ["page, 16 connections", "project req/s", "project p50 ms", "bare req/s", "bare p50 ms",
                     "project / bare", "non-2xx (project / bare)", "tool"]


def banner(name: str, args, counts: dict) -> float:
    print(f"{name}: {args.db}, {counts['applications']:,} applications, {counts['audit_events']:,} audit events; "
          f"gunicorn -w {args.workers} sync each side; n={args.n}{' (quick)' if args.quick else ''}")
    print(f"load average at start: {load()}  ({time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())})")
    return time.perf_counter()


def footer(started: float) -> None:
    print(f"\nload average at end: {load()}; {time.perf_counter() - started:.0f} s")
