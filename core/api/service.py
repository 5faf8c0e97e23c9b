"""The read API on the site (called by the app factory): flask-smorest's ``Api`` on the existing
Flask app, the resources' blueprint, and what sets ``/api/v1`` apart from the pages:

* **JSON errors only there.**  flask-smorest registers an app-wide JSON handler for every
  ``HTTPException``; :class:`ReadApi` does not, so every page keeps the site's error pages, and the
  site's handlers hand what happens under /api/v1 to :func:`core.api.errors.answer` (unknown
  paths and refused methods included, which no blueprint handler would see).
* **No cookies, no session.**  :class:`WithoutCookies` takes the Cookie header off every request
  under /api/v1 before Flask sees it, so no session, remember-me cookie, sign-in hook (two-factor
  enrolment, a new password, a dead session) or CSRF token ever acts there; the token alone counts.
  The API only reads, so CSRF does not apply (its blueprint is exempt all the same).
* **Never cached**: ``Cache-Control: no-store`` on every answer under /api/v1.
"""
from __future__ import annotations

from flask import Flask, request
from flask_smorest import Api

from core.api import errors, resources
from core.api.schemas import ErrorSchema
from core.platform import error_pages
from core.platform.extensions import csrf

PREFIX = "/api/v1"
SECURITY_SCHEME = "bearerAuth"


def under_prefix(path: str) -> bool:
    return path == PREFIX or path.startswith(PREFIX + "/")


class ReadApi(Api):
    ERROR_SCHEMA = ErrorSchema

    def _register_error_handlers(self):
        """None app-wide (see the module's docstring): core.platform.error_pages answers, per prefix."""


class WithoutCookies:
    """WSGI middleware: a request under /api/v1 arrives without its Cookie header."""

    def __init__(self, wsgi_app, prefix: str = PREFIX) -> None:
        self.wsgi_app = wsgi_app
        self.prefix = prefix

    def __call__(self, environ, start_response):
        if under_prefix(environ.get("PATH_INFO", "")):
            environ.pop("HTTP_COOKIE", None)
        return self.wsgi_app(environ, start_response)


def _no_store(response):
    if under_prefix(request.path):
        response.headers["Cache-Control"] = "no-store"
    return response


def init_app(app: Flask) -> ReadApi:
    app.config.setdefault("API_TITLE", "众创空间认定管理平台 数据接口 (read API)")
    app.config.setdefault("API_VERSION", "v1")
    app.config.setdefault("OPENAPI_VERSION", "3.0.3")
    app.config.setdefault("OPENAPI_URL_PREFIX", PREFIX)
    app.config.setdefault("OPENAPI_JSON_PATH", "openapi.json")
    api = ReadApi(app, spec_kwargs={
        "security": [{SECURITY_SCHEME: []}],
        "info": {"description": "Read-only access for other government systems, scoped to the jurisdictions of "
                                "the token. Authorization: Bearer <token>. docs/api.md."},
    })
    api.spec.components.security_scheme(SECURITY_SCHEME, {"type": "http", "scheme": "bearer"})
    api.register_blueprint(resources.blp)
    csrf.exempt(resources.blp)
    error_pages.register_prefix(PREFIX + "/", errors.answer)
    app.wsgi_app = WithoutCookies(app.wsgi_app)
    app.after_request(_no_store)
    app.extensions["zhongchuang_api"] = api
    return api
