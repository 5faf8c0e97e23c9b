"""The public disclosure of support (上网公示), open to anyone without signing in.

``/public/support/``                     the enabled jurisdictions, each linked to its disclosure
``/public/support/<code>``               one jurisdiction's support approved and paid
                                         (``?year=`` the year of approval, ``?page=``), 50 rows a page
``/public/support/<code>/download.csv``  the same rows (all pages) as CSV (UTF-8 with BOM)
``/public/support/<code>/download.xlsx`` … as an Excel workbook

云政办发〔2016〕65号 四、组织实施 (十五): what is public and what is not is core.money.disclosure's rule.
An unknown or disabled jurisdiction is a 404.  The pages are alike for every anonymous visitor and
carry an ETag (as the public notices do: core.notice.public_pages.revalidated); the downloads are
streamed a chunk at a time.
"""
from __future__ import annotations

import re

from flask import Blueprint, Response, abort, current_app, render_template, request
from flask_babel import gettext

from core.money import disclosure
from core.notice.public_pages import revalidated
from core.platform import clock, exports, labels
from core.platform.jurisdictions import enabled, get_enabled

bp = Blueprint("public_support", __name__, url_prefix="/public/support")

_NUMBER_RE = re.compile(r"\d{1,6}")
FIRST_YEAR = 2000


def _jurisdiction_or_404(code: str):
    juris = get_enabled(code)
    if juris is None:
        abort(404)
    return juris


def _year(text: str | None) -> tuple[int | None, str | None]:
    """(the year or None for every year, None) or (None, the error shown next to the field)."""
    if text is None or not text.strip():
        return None, None
    text = text.strip()
    last = clock.today().year + 1
    if not _NUMBER_RE.fullmatch(text) or not FIRST_YEAR <= int(text) <= last:
        return None, gettext("Enter a year between %(first)s and %(last)s.", first=FIRST_YEAR, last=last)
    return int(text), None


@bp.route("/")
def index():
    return revalidated(render_template("public/support_index.html", jurisdictions=list(enabled().values())),
                       alike_for_all=True)


@bp.route("/<code>")
def show(code: str):
    juris = _jurisdiction_or_404(code)
    typed_year = request.args.get("year", "")
    year, year_error = _year(typed_year)
    typed_page = request.args.get("page", "")
    number = int(typed_page) if _NUMBER_RE.fullmatch(typed_page or "x") else 1
    total = 0 if year_error else disclosure.count(code, year)
    pages = max(1, -(-total // disclosure.PAGE_ROWS))
    number = min(max(number, 1), pages)
    html = render_template(
        "public/support.html", juris=juris, basis=disclosure.basis_of(code), years=disclosure.years(code),
        year=year, typed_year=typed_year.strip(), year_error=year_error, total=total, pages=pages, number=number,
        rows=[] if year_error else disclosure.page(code, year, number),
        totals=disclosure.totals(code, year) if total else None, labels=labels)
    if year_error:
        return html, 400
    return revalidated(html, alike_for_all=True)


def _download(code: str, extension: str):
    juris = _jurisdiction_or_404(code)
    year, year_error = _year(request.args.get("year"))
    if year_error:
        abort(400, description=year_error)
    when = exports.local_now()
    what = f"扶持情况公示_{juris.name}" + (f"_{year}" if year else "")
    name = exports.export_filename(what, extension, when)
    fallback = exports.export_filename(f"support-{code}" + (f"-{year}" if year else ""), extension, when)
    headers, states = disclosure.headers(), disclosure.state_words()  # the request's language, read now
    app = current_app._get_current_object()

    def rows():
        # its own application context, entered on the first row only: a response never read
        # (a client gone before the first byte) leaves no context behind to pop out of turn
        with app.app_context():
            yield from disclosure.stream(code, year, states)

    if extension == "csv":
        body, mimetype = exports.csv_stream(headers, rows(), disclosure.CHUNK_ROWS), "text/csv"
    else:
        body, mimetype = exports.xlsx_stream("扶持情况公示", headers, rows()), exports.XLSX_MIMETYPE
    response = Response(body, mimetype=mimetype,
                        headers={"Content-Disposition": exports.content_disposition(name, fallback)})
    response.vary.update(("Cookie", "Accept-Language"))
    response.headers["Cache-Control"] = "no-cache"
    return response


@bp.route("/<code>/download.csv")
def download_csv(code: str):
    return _download(code, "csv")


@bp.route("/<code>/download.xlsx")
def download_xlsx(code: str):
    return _download(code, "xlsx")
