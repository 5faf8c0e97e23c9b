"""The directory of titles, open to anyone without signing in (core.public.directory).

``/directory/``                the titles of the enabled jurisdictions per jurisdiction and level, with
                               their standing; ``?q=`` search, ``jurisdiction``, ``level``, ``standing``,
                               ``year`` filters, ``page`` (``directory.PAGE_ROWS`` a page); every link keeps
                               the filters
``/directory/download.csv``    the filtered list (every page) as CSV, ``.xlsx`` and ``.json`` likewise
``/directory/<id>``            one title: the same fields and its standing history in brief
``/directory/verify``          the certificate check (``?number=``, optional ``jurisdiction``): a GET
                               read (no form state, so no CSRF), rate-limited per client address

A title of a disabled jurisdiction is a 404.  A filter that is not one of the choices is a 400 with
its error next to the field.  Pages alike for every anonymous visitor carry an ETag and answer 304
while unchanged (core.notice.public_pages.revalidated).
"""
from __future__ import annotations

import re

from flask import Blueprint, abort, current_app, render_template, request
from flask_babel import gettext

from core.notice.public_pages import revalidated
from core.platform import labels
from core.platform.errors import has_control_character
from core.platform.jurisdictions import enabled
from core.platform.security import limiter
from core.public import certificates, directory, directory_files

bp = Blueprint("directory", __name__, url_prefix="/directory")

_PAGE_RE = re.compile(r"\d{1,6}")
DEFAULT_CHECKS_PER_HOUR = 60  # our choice: a bank or a bureau checking a few dozen certificates, not a script


def _page_number(text: str | None) -> int:
    return int(text) if _PAGE_RE.fullmatch(text or "") else 1


@bp.route("/")
def index():
    jurisdictions = enabled()
    codes = list(jurisdictions)
    filters, typed, errors = directory.read_filters(request.args, codes)
    total = 0 if errors else directory.count(filters, codes)
    pages = max(1, -(-total // directory.PAGE_ROWS))
    number = min(max(_page_number(request.args.get("page")), 1), pages)
    html = render_template(
        "public/directory.html", rows=[] if errors else directory.page(filters, codes, number),
        filters=filters, typed=typed, errors=errors, total=total, pages=pages, number=number,
        jurisdictions=jurisdictions, levels=directory.LEVELS, standings=directory.STANDINGS, labels=labels)
    if errors:
        return revalidated(html, alike_for_all=False, status=400)
    return revalidated(html, alike_for_all=True)


def _download(kind: str):
    codes = list(enabled())
    filters, _typed, errors = directory.read_filters(request.args, codes)
    if errors:
        abort(400, description=" ".join(errors.values()))
    return directory_files.download(kind, filters, codes)


@bp.route("/download.csv")
def download_csv():
    return _download("csv")


@bp.route("/download.xlsx")
def download_xlsx():
    return _download("xlsx")


@bp.route("/download.json")
def download_json():
    return _download("json")


@bp.route("/<int:title_id>")
def show(title_id: int):
    jurisdictions = enabled()
    entry = directory.one(title_id, list(jurisdictions))
    if entry is None:
        abort(404)
    html = render_template("public/directory_title.html", entry=entry, history=directory.history(entry),
                           juris=jurisdictions[entry.jurisdiction], labels=labels)
    return revalidated(html, alike_for_all=True)


def _checks_per_hour() -> str:
    return f"{current_app.config.get('CERTIFICATE_CHECKS_PER_HOUR') or DEFAULT_CHECKS_PER_HOUR} per hour"


def _check_page(typed: dict, errors: dict, answers=None, status: int = 200):
    html = render_template("public/certificate_check.html", typed=typed, errors=errors, answers=answers,
                           jurisdictions=enabled(), labels=labels)
    if status != 200:
        return revalidated(html, alike_for_all=False, status=status)
    return revalidated(html, alike_for_all=True)


def _too_many_checks(_limit):
    typed = {key: request.args.get(key, "") for key in ("number", "jurisdiction")}
    return _check_page(typed, {"form": gettext("Too many checks from this network address: try again later.")},
                       status=429)


@bp.route("/verify")
@limiter.limit(_checks_per_hour, exempt_when=lambda: "number" not in request.args, on_breach=_too_many_checks)
def verify():
    """输入证书编号查询真伪: the answer for the number typed (core.public.certificates)."""
    typed = {key: request.args.get(key, "") for key in ("number", "jurisdiction")}
    if "number" not in request.args:
        return _check_page(typed, {})
    codes = list(enabled())
    errors = {}
    number = directory.normalised(typed["number"])
    if not number:
        errors["number"] = gettext("Enter the certificate number.")
    elif len(number) > certificates.MAX_NUMBER:
        errors["number"] = gettext("Enter at most %(count)s characters.", count=certificates.MAX_NUMBER)
    elif has_control_character(number):
        errors["number"] = gettext("Remove the control characters from what you typed.")
    jurisdiction = typed["jurisdiction"].strip() or None
    if jurisdiction and jurisdiction not in codes:
        errors["jurisdiction"] = gettext("Choose one of the listed values.")
    if errors:
        return _check_page(typed, errors, status=400)
    answers = certificates.check(typed["number"], codes, jurisdiction)
    return _check_page(typed, {}, answers, status=404 if answers[0].kind == "unknown" else 200)
