"""Who is reading: ``Authorization: Bearer <token>`` and nothing else (no cookie, no session, no
query parameter), checked before every resource of the API.

An unknown, revoked or missing token is a 401 with ``WWW-Authenticate: Bearer`` (RFC 6750) and the
API's JSON error body (:mod:`core.api.service`).  The rate limit counts per token, keyed by the
SHA-256 of what was presented, so it is decided before the database is read; a request without a
token counts per client address.
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


def authenticate() -> None:
    """Before every resource: the client of the token, or 401.  Its ``last_used_at`` is written at
    most once a minute (core.api.clients.touch)."""
    token = presented_token()
    client = clients.active_by_token(token) if token else None
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
    token = presented_token()
    if token:
        return "api-token:" + clients.digest(token)
    return "api-address:" + (client_address() or "-")
