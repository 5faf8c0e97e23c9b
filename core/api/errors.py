"""The API's errors: JSON in the shape of :class:`core.api.schemas.ErrorSchema` (code, status,
message, request id; the refused parameters of a 422), never the site's HTML page and never a
traceback.  The site's error pages hand every error under ``/api/v1`` to :func:`answer`
(``core.platform.error_pages.register_prefix``): unknown paths and refused methods included."""
from __future__ import annotations

import logging
from http import HTTPStatus

from flask import jsonify
from flask_babel import gettext
from werkzeug.exceptions import HTTPException, InternalServerError

from core.platform.logs import request_id

log = logging.getLogger(__name__)


def _messages() -> dict[int, str]:
    return {
        401: gettext("A valid API token is required."),
        404: gettext("Not found (or outside the jurisdictions of this token)."),
        405: gettext("The API is read-only: only GET (and HEAD, OPTIONS) are allowed."),
        422: gettext("The query parameters were refused: see errors."),
        429: gettext("Too many requests for this token: wait and try again (see Retry-After)."),
        500: gettext("Something went wrong on the server. The error has been recorded; quote the request id."),
    }


def error_response(code: int, message: str | None = None, *, errors: dict | None = None,
                   headers: dict | None = None):
    body = {"code": code, "status": HTTPStatus(code).name, "request_id": request_id(),
            "message": message or _messages().get(code) or HTTPStatus(code).phrase}
    if errors:
        body["errors"] = errors
    response = jsonify(body)
    response.status_code = code
    for name, value in (headers or {}).items():
        response.headers[name] = value
    return response


def answer(error: Exception):
    """Any error under /api/v1 as JSON; a response already made (the rate limit's) is kept."""
    if isinstance(error, HTTPException) and error.code is None:
        return error  # a routing redirect, not an error
    if not isinstance(error, HTTPException):
        error = InternalServerError(original_exception=error)
    if getattr(error, "response", None) is not None:
        return error.response
    code = error.code or 500
    if code >= 500:
        return error_response(code if code in (501, 502, 503, 504) else 500)
    data = getattr(error, "data", None) or {}  # webargs: the parameters refused, by location
    errors = data.get("messages") or data.get("errors")
    described = error.description if error.description != type(error).description else None
    headers = {k: v for k, v in error.get_response().headers.items() if k in ("Allow", "Retry-After")}
    if code == 401:
        headers["WWW-Authenticate"] = 'Bearer realm="zhongchuang"'
    return error_response(code, described if code != 422 else None, errors=errors, headers=headers)
