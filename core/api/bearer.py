"""Who is reading: ``Authorization: Bearer <token>`` and nothing else (no cookie, no session, no
query parameter), checked before every resource of the API.

An unknown, revoked or missing token is a 401 with ``WWW-Authenticate: Bearer`` (RFC 6750) and the
API's JSON error body (:mod:`core.api.service`).  The rate limit counts per valid token; every
request without one — no token, an unknown or a revoked one — counts against its client address,
so guessing tokens afresh on each request does not escape the limit.  The token is looked up once
a request (one indexed SELECT), for the limit and then the resource.
"""
from __future__ import annotations

from flask import abort, g, request
from flask_babel import gettext

from core.api import clients
from core.platform.audit import client_address
from core.platform.models import ApiClient

__all__ = ["presented_token", "authenticate", "current_client", "readable_codes", "rate_limit_key"]

SCHEME = "bearer"


def presented_token() -> str | None:
    """The token of the Authorization header when it is a Bearer one (the scheme in any case)."""
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.strip().partition(" ")
    token = token.strip()
    if scheme.lower() != SCHEME or not token or not token.isascii() or not token.isprintable():
        return None
    return token


def _presented_client() -> ApiClient | None:
    """The unrevoked client of the presented token (None: no such), looked up once a request."""
    # kept on the request itself (its WSGI environ), not on ``g``: an app context can outlive a request
    key = "zhongchuang.api_presented_client"
    if key not in request.environ:
        token = presented_token()
        request.environ[key] = clients.active_by_token(token) if token else None
    return request.environ[key]


def authenticate() -> None:
    """Before every resource: the client of the token, or 401.  Its ``last_used_at`` is written at
    most once a minute (core.api.clients.touch)."""
    client = _presented_client()
    if client is None:
        abort(401, gettext("A valid API token is required: send it as Authorization: Bearer <token>. "
                           "A revoked token is no longer valid."))
    clients.touch(client)
    g.api_client = client
    g.api_codes = clients.readable_codes(client)


def current_client() -> ApiClient:
    return g.api_client


def readable_codes() -> list[str]:
    """The jurisdictions the request's token reads (its scope, still enabled)."""
    return list(g.api_codes)


def rate_limit_key() -> str:
    client = _presented_client()
    if client is not None:
        return f"api-client:{client.id}"
    return "api-address:" + (client_address() or "-")
