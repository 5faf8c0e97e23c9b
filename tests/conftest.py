"""Shared fixtures: a real database (SQLite always, PostgreSQL too when
TEST_DATABASE_URL is set), the schema built by the migrations, real HTTP through the
Flask test client with CSRF on."""
from __future__ import annotations

import os
import re
import shutil
import tempfile

import pytest

# Keep the secret key and uploads of test apps out of the work tree.
os.environ.setdefault("ZHONGCHUANG_INSTANCE", tempfile.mkdtemp(prefix="zc-test-instance-"))
os.environ.pop("ZHONGCHUANG_JURISDICTIONS", None)
os.environ.pop("DATABASE_URL", None)

from flask_migrate import upgrade  # noqa: E402
from sqlalchemy import create_engine, text  # noqa: E402

from core.app import create_app  # noqa: E402
from core.platform import clock as platform_clock  # noqa: E402
from core.platform.extensions import db  # noqa: E402

PG_URL = os.environ.get("TEST_DATABASE_URL")
if PG_URL and PG_URL.startswith("postgresql://"):
    PG_URL = "postgresql+psycopg://" + PG_URL[len("postgresql://"):]
BACKENDS = ["sqlite"] + (["postgresql"] if PG_URL else [])

# The admin's two-factor requirement (on in production) is off here so that the tests of
# other features log the admin in with a password; tests/test_two_factor.py turns it on.
BASE_CONFIG = {"TESTING": True, "SESSION_COOKIE_SECURE": False, "REMEMBER_COOKIE_SECURE": False,
               "TWO_FACTOR_REQUIRED_FOR_ADMIN": False}


def _migrate(url: str) -> None:
    app = create_app({**BASE_CONFIG, "SQLALCHEMY_DATABASE_URI": url})
    with app.app_context():
        upgrade()
        db.engine.dispose()


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory) -> str:
    path = tmp_path_factory.mktemp("db") / "template.sqlite"
    _migrate(f"sqlite:///{path}")
    return str(path)


@pytest.fixture(scope="session")
def pg_url() -> str:
    engine = create_engine(PG_URL)
    with engine.begin() as conn:
        conn.execute(text("DROP SCHEMA public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))
    engine.dispose()
    _migrate(PG_URL)
    return PG_URL


def _empty_postgres(url: str) -> None:
    engine = create_engine(url)
    with engine.begin() as conn:
        tables = conn.execute(
            text("SELECT tablename FROM pg_tables WHERE schemaname='public' AND tablename <> 'alembic_version'")
        ).scalars().all()
        # TRUNCATE fires no row triggers, so the append-only audit log can be emptied between tests.
        conn.execute(text("TRUNCATE " + ", ".join(f'"{t}"' for t in tables) + " RESTART IDENTITY CASCADE"))
    engine.dispose()


@pytest.fixture(params=BACKENDS)
def database_url(request, tmp_path) -> str:
    if request.param == "sqlite":
        path = tmp_path / "test.sqlite"
        shutil.copy(request.getfixturevalue("sqlite_template"), path)
        return f"sqlite:///{path}"
    url = request.getfixturevalue("pg_url")
    _empty_postgres(url)
    return url


@pytest.fixture
def app_factory(database_url, tmp_path):
    """Build an app on the test database; extra config and a registry may be given."""
    made = []

    def make(config: dict | None = None, **kwargs):
        app = create_app(
            {**BASE_CONFIG, "SQLALCHEMY_DATABASE_URI": database_url, "UPLOAD_FOLDER": str(tmp_path / "uploads"),
             **(config or {})},
            **kwargs,
        )
        made.append(app)
        return app

    yield make
    for app in made:
        with app.app_context():
            db.session.remove()
            db.engine.dispose()


@pytest.fixture
def app(app_factory):
    app = app_factory()
    with app.app_context():
        yield app


@pytest.fixture
def client(app):
    return app.test_client()


CSRF_RE = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


def csrf_token(client, url: str) -> str:
    """The CSRF token of the form on ``url``, as a browser would see it."""
    html = client.get(url).get_data(as_text=True)
    match = CSRF_RE.search(html)
    assert match, f"no csrf_token on {url}"
    return match.group(1)


@pytest.fixture(autouse=True)
def _real_clock_after_each_test():
    """The platform's one clock (core.platform.clock) is frozen by a test with
    ``clock.freeze(day_or_moment)`` and runs again after it."""
    yield
    platform_clock.freeze(None)


class FrozenDay(list):
    """A one-item list holding the clock's frozen day: ``day[0] = d`` moves the clock to ``d``."""

    def __init__(self, day):
        super().__init__([day])
        platform_clock.freeze(day)

    def __setitem__(self, index, value):
        super().__setitem__(index, value)
        platform_clock.freeze(value)
