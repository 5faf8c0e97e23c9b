"""Benchmark of the PDF documents (not a test): the 弥勒 申报书 with 10 and with 60
residents, rendered by xhtml2pdf (core.documents.render) and — as the yardstick — the very
same HTML by WeasyPrint, in the same run.  Reports the median time of each and the
size of the PDF.  Goal (issue 6): under 1 s median and under 1 MB.

    .venv/bin/python -m pip install -e '.[bench]'     # WeasyPrint, for the yardstick
    .venv/bin/python benchmarks/documents.py [--rounds 7]

The first render of a process (reading the 10 MB font) is reported apart, then each
figure is the median of ``--rounds`` renders.
"""
from __future__ import annotations

import argparse
import os
import platform
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("ZHONGCHUANG_INSTANCE", tempfile.mkdtemp(prefix="zc-bench-"))

from core.documents import render as documents  # noqa: E402
from core.platform import labels  # noqa: E402
from core.app import create_app  # noqa: E402
from harness import resident_facts  # noqa: E402  (beside this file)




FORM_DATA = {
    "legal_representative": "张三", "phone": "0873-6123456", "space_address": "弥勒市髯翁东路 88 号",
    "declared_on": "2026-11-23", "reason": "立足弥勒，服务本地创新创业。" * 40,
    "plan_summary": "场地、导师、投融资和培训四位一体。" * 20, "annual_plan": "全年举办路演和培训活动 24 场。" * 10,
}


def html_of(residents: int) -> str:
    document = documents.application_form("mile", "comprehensive", resident_facts(residents), FORM_DATA)
    return documents.template_for("mile", "application").render(
        doc=document, form=document.form, authority="弥勒市农业和科学技术局",
        category_label=labels.category_label("mile", "comprehensive"), **documents.font_context())


def median_of(render, rounds: int) -> tuple[float, int]:
    times, size = [], 0
    for _ in range(rounds):
        start = time.perf_counter()
        size = len(render())
        times.append(time.perf_counter() - start)
    return statistics.median(times), size


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=7)
    args = parser.parse_args()
    app = create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://"})
    with app.app_context():
        try:
            import weasyprint
        except ImportError:
            weasyprint = None
        print(f"Python {platform.python_version()} on {platform.machine()}, {os.cpu_count()} CPUs; "
              f"WeasyPrint {weasyprint.__version__ if weasyprint else 'not installed'}")
        start = time.perf_counter()
        documents.render_html(html_of(10))
        print(f"first render of the process (font read): {time.perf_counter() - start:.2f} s")
        print(f"{'residents':>9} {'renderer':<11} {'median s':>9} {'size KB':>8} {'pages':>5}")
        for residents in (10, 60):
            html = html_of(residents)
            t, size = median_of(lambda: documents.render_html(html),
                                args.rounds)
            from pypdf import PdfReader
            import io
            pages = len(PdfReader(io.BytesIO(documents.render_html(html))).pages)
            print(f"{residents:>9} {'xhtml2pdf':<11} {t:>9.3f} {size / 1024:>8.0f} {pages:>5}")
            if weasyprint:
                render = lambda: weasyprint.HTML(string=html, base_url="/").write_pdf()  # noqa: E731
                render()  # its first run loads fonts too
                t, size = median_of(render, args.rounds)
                print(f"{residents:>9} {'WeasyPrint':<11} {t:>9.3f} {size / 1024:>8.0f}")


if __name__ == "__main__":
    main()
