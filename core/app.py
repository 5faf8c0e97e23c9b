"""The application factory."""
from __future__ import annotations

import os
from pathlib import Path

from flask import Flask
from jinja2 import ChoiceLoader, FileSystemLoader
from werkzeug.routing import IntegerConverter

from core.platform import config as config_module
from core.platform import error_pages
from core.platform import events, logs
from core.platform import queue
from core.platform import models  # noqa: F401 - the tables, for migrations and the admin
from core.platform import template_folders
from core.platform.extensions import babel, csrf, db, login_manager
from core.platform.i18n import select_locale
from core.platform.row_ids import MAX_ROW_ID
from core.plugins import Registry, make_plugin_manager

# Everything the app reads at run time is found from this package's own location, which
# is the checkout in development and site-packages once the wheel is installed: the site's
# layout templates are installed beside core/ (pyproject.toml), the rest is inside it.
PACKAGE = Path(__file__).resolve().parent
ROOT = PACKAGE.parent  # the checkout, or site-packages
TEMPLATES = template_folders.SITE_TEMPLATES
STATIC = PACKAGE / "static"
TRANSLATIONS = PACKAGE / "translations"
MIGRATIONS = PACKAGE / "migrations"


def instance_folder() -> Path:
    """``ZHONGCHUANG_INSTANCE``, else ``./instance`` of the working directory (README):
    never a folder inside the installed package."""
    return Path(os.environ.get("ZHONGCHUANG_INSTANCE") or Path.cwd() / "instance").resolve()


class RowId(IntegerConverter):
    """``<int:…>`` in every URL: a number no row id can be (beyond PostgreSQL's ``integer``) is a
    404, not a database error (SQLite's OverflowError) answered with a 500."""

    def __init__(self, url_map, **options) -> None:
        options.setdefault("max", MAX_ROW_ID)
        super().__init__(url_map, **options)


def create_app(test_config: dict | None = None, *, registry: Registry | None = None, web: bool = True) -> Flask:
    """The site; with ``web=False`` the core app the commands run on (issue 15): configuration,
    logging, the database, translations, the plugin registry and the registrations — no pages,
    no admin, no migrations (``zhongchuang db`` and ``run`` take the site)."""
    if not (TEMPLATES / "base.html").is_file():
        raise RuntimeError(f"the page templates are missing from {TEMPLATES}: reinstall the package")
    instance_path = instance_folder()
    app = Flask(
        "core",
        instance_path=str(instance_path),
        template_folder=str(TEMPLATES),
        static_folder=str(STATIC),
    )
    app.url_map.converters["int"] = RowId  # before any rule is added
    # The layout first, then each domain package's own pages (core.platform.template_folders).
    app.jinja_loader = ChoiceLoader([FileSystemLoader(str(folder)) for folder in template_folders.folders()])
    app.config.update(config_module.load(instance_path))
    app.config["BABEL_TRANSLATION_DIRECTORIES"] = str(TRANSLATIONS)
    if test_config:
        app.config.update(test_config)
    logs.init_app(app)  # first: every later hook and handler logs with the request id
    config_module.private_sqlite_file(app.config["SQLALCHEMY_DATABASE_URI"])

    if registry is None:
        pm, broken = make_plugin_manager()
        registry = Registry(pm, broken)
    registry.installed()  # duplicate codes fail here, at start-up
    app.extensions["zhongchuang"] = registry

    db.init_app(app)
    babel.init_app(app, locale_selector=select_locale)
    queue.init_app(app)  # after db.init_app: its inline tasks run before the session is removed
    import core.award  # noqa: F401 - registers the award desk the case page, the notice desk and tick use
    import core.review  # noqa: F401 - registers the workflow's guards and the checklist's expert panel
    # What reacts to events and what the queue runs, imported on the first event or task (a command
    # that has neither, such as ``evaluate``, never loads them): the inbox and mail, the PDF rendered
    # at submission, tick as the daily task notice.tick, the exports of 我的下载 (their exporters:
    # core.money.downloads, core.admin.downloads).
    events.LISTENER_MODULES[:] = ["core.notify", "core.documents.tasks"]
    queue.TASK_MODULES[:] = ["core.notify", "core.documents.tasks", "core.notice.tasks", "core.platform.downloads",
                             "core.money.downloads"]
    if web:
        _init_web(app)
    return app


def _init_web(app: Flask) -> None:
    """What only the site needs: migrations, sign-in, CSRF, security headers, the pages, the admin."""
    from flask_migrate import Migrate  # imports Alembic: only here, not for the commands

    Migrate(app, db, directory=str(MIGRATIONS), render_as_batch=True)
    csrf.init_app(app)
    login_manager.init_app(app)
    from core.platform import security
    security.init_app(app)  # trusted proxies, security headers, rate limiter

    from core import views

    from core.accounts import auth

    from core.review import applicant_pages as portal

    from core.notice import public_pages as public
    from core.admin import init_admin

    app.register_blueprint(auth.bp)
    app.register_blueprint(views.bp)
    app.register_blueprint(portal.bp)
    from core.intake import account_pages
    app.register_blueprint(account_pages.bp)
    from core.accounts import account_security
    app.register_blueprint(account_security.bp)
    from core.intake import portal_space
    app.register_blueprint(portal_space.bp)
    from core.monitoring import portal_statistics  # also lists a return owed among the portal's tasks
    app.register_blueprint(portal_statistics.bp)
    from core.monitoring import portal_changes
    app.register_blueprint(portal_changes.bp)
    from core.monitoring import portal_titles
    app.register_blueprint(portal_titles.bp)
    from core.monitoring import portal_assessments
    app.register_blueprint(portal_assessments.bp)
    from core.monitoring import portal_rectifications  # also lists a rectification to report among the tasks
    app.register_blueprint(portal_rectifications.bp)
    app.register_blueprint(public.bp)
    from core.money import public_support  # 上网公示 of the support approved and paid (云政办发〔2016〕65号 (十五))
    app.register_blueprint(public_support.bp)
    from core.public import directory_pages  # 认定名录 and the certificate check (issue 20)
    app.register_blueprint(directory_pages.bp)
    from core.public import calls_pages  # issue 20: the open calls /calls/
    app.register_blueprint(calls_pages.bp)
    from core.documents import views as documents_views
    app.register_blueprint(documents_views.bp)
    from core.notify import pages as notify_pages  # the inbox, the mail preference, the navbar's unread count
    app.register_blueprint(notify_pages.bp)
    init_admin(app)
    from core.policy_cases import admin_export as policy_case_export  # a judged application kept as a policy case
    app.register_blueprint(policy_case_export.bp)
    from core.api import service as read_api  # /api/v1: Bearer tokens, JSON, no session (docs/api.md)
    read_api.init_app(app)
    from core.admin import downloads as my_downloads
    app.register_blueprint(my_downloads.bp)
    error_pages.init_app(app)
    from core import health
    app.register_blueprint(health.bp)
