"""Every refusal (4xx) and server error (5xx) as a page in the site's layout
(``templates/auth/error.html``): what happened in the person's language (Chinese first,
English when chosen), the request id (core.platform.logs) to quote to the administrator, and a
way back.  A server error never shows a traceback: it goes to the log with the same
request id.  Blueprints may still answer an error their own way first (the portal's
413 goes back to the upload form, the login's 429 to the login page)."""
from __future__ import annotations

import logging
import re
from typing import Any, Callable
from urllib.parse import urlsplit

from flask import Flask, render_template, request
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import CSRFError
from markupsafe import escape
from sqlalchemy.orm.exc import StaleDataError
from werkzeug.exceptions import Conflict, HTTPException, InternalServerError

from core.platform.logs import request_id

log = logging.getLogger(__name__)
CJK = re.compile(r"[\u4e00-\u9fff]")

#: path prefix → what answers the errors under it instead of this page (the read API's JSON,
#: core.api.errors); registered by the package that owns the prefix
OWN_ANSWERS: dict[str, Callable[[Exception], Any]] = {}


def register_prefix(prefix: str, answer: Callable[[Exception], Any]) -> None:
    OWN_ANSWERS[prefix] = answer


def _own_answer(error: Exception):
    path = request.path
    for prefix, answer in OWN_ANSWERS.items():
        if path == prefix.rstrip("/") or path.startswith(prefix):
            return answer
    return None

TITLES = {
    400: _l("Bad request"),
    401: _l("Login required"),
    403: _l("Access denied"),
    404: _l("Page not found"),
    405: _l("Method not allowed"),
    409: _l("Conflict"),
    413: _l("Upload too large"),
    429: _l("Too many requests"),
    500: _l("Server error"),
}

MESSAGES = {
    400: _l("The request was refused (for example, the form had expired). Please reload the page and try again."),
    401: _l("Please log in to see this page."),
    403: _l("You do not have permission to see this page."),
    404: _l("The page was not found."),
    405: _l("This address cannot be used this way. Please use the links and buttons of the site."),
    409: _l("Someone else has dealt with this record in the meantime. Please reload the page and check "
            "its current state before trying again."),
    413: _l("The upload is too large: one submission may be at most %(limit)s MB. Nothing was saved."),
    429: _l("Too many attempts in a short time. Please wait a few minutes and try again."),
    500: _l("Something went wrong on the server. The error has been recorded; please try again later, "
            "and if it happens again give the administrator the request number below."),
}
CSRF_MESSAGE = _l("The form has expired or did not come from this site, so it was not saved. "
                  "Please go back, reload the page and submit it again.")
OTHER_CLIENT_ERROR = _l("The request could not be carried out. Please go back and try again.")
OTHER_SERVER_ERROR = _l("The service is temporarily unavailable. Please try again later.")


def _message(error: HTTPException):
    code = error.code or 500
    if isinstance(error, CSRFError):
        return CSRF_MESSAGE
    if code == 413:
        from flask import current_app

        limit = current_app.config.get("MAX_CONTENT_LENGTH") or 0
        return MESSAGES[413] % {"limit": limit // (1024 * 1024)}
    if code in MESSAGES:
        return MESSAGES[code]
    return OTHER_SERVER_ERROR if code >= 500 else OTHER_CLIENT_ERROR


def _back_url() -> str | None:
    """The page the person came from, when it is a page of this site."""
    referrer = request.referrer or ""
    parts = urlsplit(referrer)
    if parts.scheme in ("http", "https") and parts.netloc == request.host and parts.path != request.path:
        return referrer
    return None


# Used when the page itself cannot be drawn (say the database is down and the layout
# asks who is logged in): plain text in both languages, still with the request id.
FALLBACK = ("<!DOCTYPE html><html lang=\"zh-CN\"><head><meta charset=\"utf-8\"><title>{code}</title></head>"
            "<body><h1>{code}</h1><p>服务器出错，错误已记录。请稍后再试；如再次出现，请把请求编号告诉管理员。</p>"
            "<p>The server failed; the error has been recorded. Please try again later.</p>"
            "<p>请求编号 / Request number: {request_id}</p><p><a href=\"/\">返回首页 / Home</a></p></body></html>")


def _detail(error: HTTPException):
    """What the code that refused said (``abort(400, gettext(...))``), when it said more than
    werkzeug's English default; never for a server error."""
    description = error.description
    if (error.code or 500) >= 500 or error.code == 429 or isinstance(error, CSRFError) \
            or not description or description == type(error).description:
        return None  # a library's English wording (a CSRF reason, a rate limit) is not for people
    if str(get_locale() or "") != "en" and not CJK.search(str(description)):
        return None
    return description


def render_error(error: HTTPException):
    code = error.code or 500
    try:
        page = render_template("auth/error.html", code=code, title=TITLES.get(code, ""),
                               message=_message(error), detail=_detail(error), back_url=_back_url())
    except Exception:
        log.exception("the error page for HTTP %s could not be drawn", code)
        page = FALLBACK.format(code=code, request_id=escape(request_id()))
    response = error.get_response()  # keeps Allow (405), Retry-After (429) and such
    response.set_data(page)
    response.mimetype = "text/html"
    response.status_code = code
    return response


def http_error(error: HTTPException):
    if error.code is None:  # not an error (a routing redirect and such)
        return error
    own = _own_answer(error)
    if own is not None:
        if error.code >= 500:
            _forget_failed_transaction()
        return own(error)
    if error.response is not None:  # raised with its own page (the login's 429 of Flask-Limiter)
        return error.response
    if error.code >= 500:
        _forget_failed_transaction()
    return render_error(error)


def server_error(error: InternalServerError):
    """Any exception no view handled: Flask has logged it with its traceback (and the
    request id); the person gets the page."""
    _forget_failed_transaction()
    own = _own_answer(error)
    return own(error) if own is not None else render_error(error)


def stale_row(error: StaleDataError):
    """A row changed by another session between reading and writing (a double click, two
    officers at once) that no view turned into its own answer: the 409 page, never a 500."""
    _forget_failed_transaction()
    log.warning("stale row: %s", error)
    own = _own_answer(error)
    return own(Conflict()) if own is not None else render_error(Conflict())


def _forget_failed_transaction() -> None:
    from core.platform.extensions import db

    try:
        db.session.rollback()
    except Exception:  # the connection itself may be gone
        log.exception("rolling back after a server error failed")


def init_app(app: Flask) -> None:
    app.register_error_handler(HTTPException, http_error)
    app.register_error_handler(InternalServerError, server_error)
    app.register_error_handler(StaleDataError, stale_row)
