"""The site's two languages and how a request's language is chosen (Flask-Babel's selector)."""
from __future__ import annotations

from flask import has_request_context, request, session

LOCALES = ("zh_Hans_CN", "en")


def select_locale() -> str:
    if not has_request_context():  # CLI commands: Chinese
        return "zh_Hans_CN"
    chosen = session.get("lang")
    if chosen in LOCALES:
        return chosen
    # Chinese first: English only when the browser asks for it and not for Chinese.
    best = request.accept_languages.best_match(["zh", "en"]) if request else None
    return "en" if best == "en" else "zh_Hans_CN"
