"""Rendered PDFs kept on disk (issue 15): the HTML of a document is cheap, xhtml2pdf is not.

A request builds the document's HTML, and the PDF is looked up by the SHA-256 of that HTML
and of the renderer's version: ``<RENDERED_FOLDER>/<kind>/<document id>/<digest>.pdf``
(``RENDERED_FOLDER`` defaults to ``<instance>/rendered``, outside any web root).  Found, it
is served as it is; missing, it is rendered and kept.  Anything printed that changes —
a name, the bureau's number, a lengthened period, a template, xhtml2pdf — changes the
HTML or the version, hence the digest, so a stale PDF is never served.

Written atomically (a temporary file in the same folder, flushed, then ``os.replace``):
a reader sees the whole file or none.  Folders 0700, files 0600: only the service's
user reads them.  After a write, the document's folder keeps its newest
``KEEP_PER_DOCUMENT`` PDFs and drops the older ones (and temporary files a killed
process left behind), so the store grows with the number of documents, not of
changes.  See docs/documents.md, "Rendered once, kept".
"""
from __future__ import annotations

import hashlib
import logging
import os
import time
from collections.abc import Callable
from functools import lru_cache
from importlib import metadata
from pathlib import Path

from flask import current_app

from core.platform.config import private_dir, write_atomically

log = logging.getLogger(__name__)

# Bump when render_html's output for the same HTML changes (a font or list-marker fix in
# core.documents.render): every kept PDF is then rendered again on its next request.
STORE_FORMAT = 1
KEEP_PER_DOCUMENT = 2  # the current version, and the one a request may still be reading
LEFTOVER_SECONDS = 600  # a temporary file older than this belongs to a process that died


@lru_cache(maxsize=1)
def renderer_version() -> str:
    """What besides the HTML decides the PDF's bytes."""
    return f"store {STORE_FORMAT}; xhtml2pdf {metadata.version('xhtml2pdf')}; " \
           f"reportlab {metadata.version('reportlab')}"


def digest(html: str) -> str:
    return hashlib.sha256(f"{renderer_version()}\0{html}".encode()).hexdigest()


def folder() -> Path:
    configured = current_app.config.get("RENDERED_FOLDER")
    return Path(configured) if configured else Path(current_app.instance_path) / "rendered"


def path_of(kind: str, document_id: int, html: str) -> Path:
    return folder() / kind / str(int(document_id)) / f"{digest(html)}.pdf"


def kept(kind: str, document_id: int, html: str, render: Callable[[str], bytes]) -> bytes:
    """The PDF of ``html``: the kept file if there is one, else ``render(html)``, kept."""
    path = path_of(kind, document_id, html)
    try:
        return path.read_bytes()
    except FileNotFoundError:  # not rendered yet, or pruned a moment ago
        pass
    pdf = render(html)
    try:
        keep(path, pdf)
    except OSError as exc:  # a full disk must not refuse the download: served, not kept
        log.warning("rendered PDF not kept at %s: %s", path, exc)
    return pdf


def keep(path: Path, pdf: bytes) -> None:
    """Write ``pdf`` at ``path`` atomically (0600), then prune the document's folder."""
    for parent in reversed((path.parent, path.parent.parent, path.parent.parent.parent)):
        private_dir(parent)
    write_atomically(path, lambda stream: stream.write(pdf))
    prune(path.parent, keep_name=path.name)


def prune(document_folder: Path, keep_name: str) -> None:
    """Keep the newest ``KEEP_PER_DOCUMENT`` PDFs (always ``keep_name``); drop the rest
    and stale temporary files.  Another worker may prune at the same time: missing
    files are fine."""
    now = time.time()
    pdfs = []
    for entry in os.scandir(document_folder):
        try:
            modified = entry.stat().st_mtime
        except FileNotFoundError:
            continue
        if entry.name.endswith(".part"):
            if now - modified > LEFTOVER_SECONDS:
                Path(entry.path).unlink(missing_ok=True)
        elif entry.name.endswith(".pdf") and entry.name != keep_name:
            pdfs.append((modified, entry.path))
    for _modified, old in sorted(pdfs, reverse=True)[KEEP_PER_DOCUMENT - 1:]:
        Path(old).unlink(missing_ok=True)
