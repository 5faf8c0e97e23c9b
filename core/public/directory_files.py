"""The directory's downloads: the filtered list as CSV (UTF-8 with the byte-order mark Excel needs),
as an Excel workbook, and as JSON — the same rows and columns as the page.

CSV and xlsx carry the headers in the reader's language (Chinese by default) and every cell made
formula-safe (core.platform.exports.spreadsheet_safe: a title typed ``=HYPERLINK(…)`` stays text).
JSON carries stable English keys (docs/public.md), codes beside their words:
``id, url, jurisdiction, jurisdiction_name, level, level_name, space, title, operator, certificate_number,
granted_on, standing, standing_name, revoked_on, revocation_articles``.
Each file is streamed a chunk at a time (core.public.directory.stream); openpyxl is imported by the
xlsx writer only, when a workbook is asked for.
"""
from __future__ import annotations

import json

from flask import Response, current_app, url_for
from flask_babel import gettext

from core.platform import exports, labels
from core.public import directory
from core.public.directory import Entry, Filters

KINDS = ("csv", "xlsx", "json")


def headers() -> list[str]:
    return [gettext("Jurisdiction"), gettext("Level"), gettext("Maker space"), gettext("Title"), gettext("Operating organisation"),
            gettext("Certificate number"), gettext("Granted on"), gettext("Standing"), gettext("Revoked on"),
            gettext("Articles of the revocation")]


def words(codes: list[str]) -> dict[str, dict[str, str]]:
    """The jurisdictions', levels' and standings' words in the request's language, read while the
    request is there (the rows are written after it)."""
    return {"jurisdiction": {code: labels.jurisdiction_label(code) for code in codes},
            "level": {level: str(labels.recognition_level_label(level)) for level in labels.RECOGNITION_LEVEL_LABELS},
            "standing": {s: str(labels.recognition_status_label(s)) for s in directory.STANDINGS}}


def cells(entry: Entry, said: dict[str, dict[str, str]]) -> list[str]:
    return [said["jurisdiction"].get(entry.jurisdiction, entry.jurisdiction), said["level"].get(entry.level, entry.level),
            entry.space, entry.title, entry.operator, entry.certificate_number, entry.granted_on.isoformat(),
            said["standing"].get(entry.standing, entry.standing),
            entry.revoked_on.isoformat() if entry.revoked_on else "", "；".join(entry.articles)]


def record(entry: Entry, said: dict[str, dict[str, str]], page_url: str) -> dict:
    return {"id": entry.id, "url": page_url + str(entry.id), "jurisdiction": entry.jurisdiction,
            "jurisdiction_name": said["jurisdiction"].get(entry.jurisdiction, entry.jurisdiction),
            "level": entry.level, "level_name": said["level"].get(entry.level, entry.level),
            "space": entry.space, "title": entry.title, "operator": entry.operator, "certificate_number": entry.certificate_number,
            "granted_on": entry.granted_on.isoformat(), "standing": entry.standing,
            "standing_name": said["standing"].get(entry.standing, entry.standing),
            "revoked_on": entry.revoked_on.isoformat() if entry.revoked_on else None,
            "revocation_articles": list(entry.articles)}


def _json(filters: Filters, entries, said, page_url: str):
    head = {"generated_at": exports.local_now().isoformat(timespec="seconds"), "filters": filters.args()}
    yield json.dumps(head, ensure_ascii=False)[:-1] + ', "titles": ['
    for n, entry in enumerate(entries):
        yield ("," if n else "") + "\n" + json.dumps(record(entry, said, page_url), ensure_ascii=False)
    yield "\n]}\n"


def download(kind: str, filters: Filters, codes: list[str]) -> Response:
    """The filtered list as a file of ``kind`` (csv | xlsx | json), streamed."""
    said, titles = words(codes), headers()
    page_url = url_for("directory.index", _external=True)  # /directory/: a title's page is /directory/<id>
    app = current_app._get_current_object()

    def entries():
        # its own application context, entered on the first row: the request is over by then
        with app.app_context():
            yield from directory.stream(filters, codes)

    when = exports.local_now()
    name = exports.export_filename("认定名录", kind, when)
    fallback = exports.export_filename("directory", kind, when)
    if kind == "csv":
        body = exports.csv_stream(titles, (cells(e, said) for e in entries()), directory.CHUNK_ROWS)
        mimetype = "text/csv"
    elif kind == "xlsx":
        body = exports.xlsx_stream("认定名录", titles, (cells(e, said) for e in entries()))
        mimetype = exports.XLSX_MIMETYPE
    else:
        body, mimetype = _json(filters, entries(), said, page_url), "application/json"
    response = Response(body, mimetype=mimetype,
                        headers={"Content-Disposition": exports.content_disposition(name, fallback)})
    response.vary.update(("Cookie", "Accept-Language"))
    response.headers["Cache-Control"] = "no-cache"
    return response
