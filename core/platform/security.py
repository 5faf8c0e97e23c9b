"""HTTP hardening, bound in ``create_app``: the client's address behind trusted reverse
proxies, the security headers of every response, and the per-address rate limiter.

Every per-address decision (the login limit here, the objection limit of
:mod:`core.notice.publication`) and the audit log read one address:
:func:`core.platform.audit.client_address`, i.e. ``request.remote_addr`` after ``ProxyFix``.
"""
from __future__ import annotations

from flask import Flask
from flask_limiter import Limiter
from werkzeug.middleware.proxy_fix import ProxyFix

from core.platform.audit import client_address

# Storage from RATELIMIT_STORAGE_URI (ZHONGCHUANG_RATELIMIT_STORAGE_URL): memory:// for
# the embedded single process, redis://… when several workers must share the counts.
limiter = Limiter(key_func=lambda: client_address() or "-", default_limits=[])

# Every asset is served from this site; no inline script or style, no frames, no plugins.
# img-src allows data: for the SVG icons inside Bootstrap's own stylesheet.
CONTENT_SECURITY_POLICY = "; ".join((
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "font-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
))


def security_headers(response, *, strict_transport: bool):
    response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
    response.headers.setdefault("X-Frame-Options", "DENY")
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers.setdefault("Referrer-Policy", "same-origin")
    if strict_transport:  # only where the site is served over HTTPS alone
        response.headers.setdefault("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
    return response


def init_app(app: Flask) -> None:
    hops = app.config["TRUSTED_PROXIES"]
    if hops:  # with 0, forged X-Forwarded-* headers are never read
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops)
    strict_transport = bool(app.config["SESSION_COOKIE_SECURE"])
    app.after_request(lambda response: security_headers(response, strict_transport=strict_transport))
    limiter.init_app(app)
