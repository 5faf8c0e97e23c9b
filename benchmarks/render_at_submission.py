"""Benchmark of the application's PDF download (issue 19), not a test: the applicant's
``GET /portal/applications/<id>/pdf`` when the PDF was rendered by the queue at submission (a file
read), against today's render in the request (no kept file), in the same run and process.

    PYTHONPATH=$PWD .venv/bin/python benchmarks/render_at_submission.py [--n 15] [--residents 60]

Two 弥勒 申报书 with the same facts (``--residents`` residents) are submitted through the workflow
(core.review.workflow.act, which emits ``application.submit``); the queue runs inline here, so the
first one's PDF is rendered at its submission.  The second one's kept PDF is removed before each of
its requests (outside the timing), so each of them renders as a download did before the queue.
The requests alternate between the two; each figure is the median of ``--n`` after one warm-up each.
"""
from __future__ import annotations

import argparse
import os
import platform
import shutil
import statistics
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("ZHONGCHUANG_INSTANCE", tempfile.mkdtemp(prefix="zc-bench-"))

from flask_migrate import upgrade  # noqa: E402

from core.app import create_app  # noqa: E402
from core.documents import render as documents  # noqa: E402
from core.documents import store  # noqa: E402
from core.platform import clock, queue  # noqa: E402
from core.platform.extensions import db  # noqa: E402
from core.platform.models import TaskRun  # noqa: E402
from core.review import workflow  # noqa: E402
from tests.factories import login, make_application, make_org, make_space, make_user  # noqa: E402
from harness import resident_facts  # noqa: E402  (beside this file)

DAY = date(2026, 10, 20)




def timed(client, url: str, before=None) -> tuple[float, bytes]:
    if before:
        before()
    start = time.perf_counter()
    response = client.get(url)
    elapsed = time.perf_counter() - start
    assert response.status_code == 200 and response.data.startswith(b"%PDF-"), response.status_code
    return elapsed, response.data


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=15, help="requests of each kind (after one warm-up each)")
    parser.add_argument("--residents", type=int, default=60)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="zc-bench-render-"))
    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{work / 'bench.sqlite'}", "RENDERED_FOLDER": str(work / "rendered"),
                      "TWO_FACTOR_REQUIRED_FOR_ADMIN": False, "SESSION_COOKIE_SECURE": False})
    calls: list[str] = []
    real_render = documents.render_html

    def counted(html: str) -> bytes:
        calls.append("render")
        return real_render(html)

    documents.render_html = counted
    try:
        with app.app_context():
            upgrade()
            clock.freeze(DAY)
            org = make_org("弥勒测试运营有限公司", region="532504")
            applicant = make_user("applicant", organisation=org)
            ids = []
            for name in ("弥勒甲众创空间", "弥勒乙众创空间"):
                space = make_space(org, name, region="532504", facts=resident_facts(args.residents))
                draft = make_application("mile", "comprehensive", space, status="draft",
                                         facts=resident_facts(args.residents))
                workflow.act(draft, "submit", applicant, today=DAY)  # commits: the listener asked for the PDF
                ids.append(draft.id)
            start = time.perf_counter()
            ran = queue.drain()  # what the end of the submission's request does without a broker
            submit_render = time.perf_counter() - start
            assert ran == 2 and db.session.query(TaskRun).filter(TaskRun.status == "done").count() == 2
            kept_id, fresh_id = ids
            fresh_folder = store.folder() / "application" / str(fresh_id)
            client = app.test_client()
            assert login(client, applicant).status_code == 302
            print(f"Python {platform.python_version()} on {platform.machine()}, {os.cpu_count()} CPUs; "
                  f"{args.residents} residents; load average {os.getloadavg()[0]:.2f}")
            print(f"rendered at submission by the queue (inline, both applications): {submit_render:.2f} s")

            def forget() -> None:
                shutil.rmtree(fresh_folder, ignore_errors=True)

            kept_url = f"/portal/applications/{kept_id}/pdf"
            fresh_url = f"/portal/applications/{fresh_id}/pdf"
            timed(client, kept_url)
            timed(client, fresh_url, forget)  # warm-up of each
            calls.clear()
            kept_times, fresh_times, kept_bytes = [], [], None
            for _ in range(args.n):
                elapsed, kept_bytes = timed(client, kept_url)
                kept_times.append(elapsed)
                fresh_times.append(timed(client, fresh_url, forget)[0])
            assert len(calls) == args.n, calls  # one render per request without a kept file, none with one
            (kept_file,) = (store.folder() / "application" / str(kept_id)).glob("*.pdf")
            assert kept_file.read_bytes() == kept_bytes
            kept_median, fresh_median = statistics.median(kept_times), statistics.median(fresh_times)
            print(f"\n| download (n = {args.n}) | median ms | p90 ms | renders |")
            print("|---|---:|---:|---:|")
            for label, times, renders in (("rendered at submission (file read)", kept_times, 0),
                                          ("rendered in the request (today)", fresh_times, args.n)):
                p90 = statistics.quantiles(times, n=10)[-1] if len(times) > 1 else times[0]
                print(f"| {label} | {statistics.median(times) * 1000:.1f} | {p90 * 1000:.1f} | {renders} |")
            print(f"\nratio render-in-request / file read: {fresh_median / kept_median:.1f}×; "
                  f"PDF {len(kept_bytes) / 1024:.0f} KB")
    finally:
        documents.render_html = real_render
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
