"""Shared fixtures: a real database (SQLite always, PostgreSQL too when
TEST_DATABASE_URL is set), the schema built by the migrations, real HTTP through the
Flask test client with CSRF on.

Under pytest-xdist (``make test`` runs ``-n auto``) every worker is its own process with
its own instance folder, SQLite template and PostgreSQL database (``<db>_gw0``, …), so
two workers never share a database."""
from __future__ import annotations

import functools
from contextlib import contextmanager
import hashlib
import os
import re
import shutil
import tempfile
import uuid

import jinja2
import pytest
import werkzeug.security

# Keep the secret key and uploads of test apps out of the work tree.
os.environ.setdefault("ZHONGCHUANG_INSTANCE", tempfile.mkdtemp(prefix="zc-test-instance-"))
os.environ.pop("ZHONGCHUANG_JURISDICTIONS", None)
os.environ.pop("DATABASE_URL", None)
# The suite runs its tasks inline and holds its mail unless a test points at its SMTP sink; only
# scripts/queue_tests.sh (the pass against a real worker) keeps a broker and a mail server.
if os.environ.get("ZHONGCHUANG_TEST_WORKER") != "1":
    for name in ("ZHONGCHUANG_BROKER_URL", "ZHONGCHUANG_SMTP_HOST", "ZHONGCHUANG_SMTP_PORT"):
        os.environ.pop(name, None)

from flask_migrate import upgrade  # noqa: E402
from sqlalchemy import create_engine, event, text  # noqa: E402
from sqlalchemy.engine import make_url  # noqa: E402

from core.app import create_app  # noqa: E402
from core.platform import clock as platform_clock  # noqa: E402
from core.platform.extensions import db  # noqa: E402
from core.plugins import Registry, make_plugin_manager  # noqa: E402
from tests import smtp_sink as smtp_sink_plugin  # noqa: E402

smtp_sink = smtp_sink_plugin.smtp_sink  # a real SMTP server for every test (core.notify.mail, tests/smtp_sink.py)

# The xdist worker's id ("gw0", "gw1", …); "master" when pytest runs in one process.
WORKER = os.environ.get("PYTEST_XDIST_WORKER", "master")


def worker_database_url(url: str | None) -> str | None:
    """The worker's own PostgreSQL database: ``…/test`` becomes ``…/test_gw0`` under
    xdist (created by ``pg_url`` when missing); unchanged without xdist."""
    if not url or WORKER == "master":
        return url
    parsed = make_url(url)
    return parsed.set(database=f"{parsed.database}_{WORKER}").render_as_string(hide_password=False)


PG_URL = os.environ.get("TEST_DATABASE_URL")
if PG_URL and PG_URL.startswith("postgresql://"):
    PG_URL = "postgresql+psycopg://" + PG_URL[len("postgresql://"):]
PG_URL = worker_database_url(PG_URL)
BACKENDS = ["sqlite"] + (["postgresql"] if PG_URL else [])

# Building a test app cheaply, without changing what it does:
# - scrypt (werkzeug's password hash, ~0.15 s a call) was 40 % of a web test's time. The key
#   derivation is a pure function of (method, salt, password), so remembering its answers in
#   this process changes no result: a stored hash checked again with the same password, or
#   checked right after it was made, costs nothing the second time.
#   (Guarded: this file is imported both as ``conftest`` and as ``tests.conftest``.)
if not hasattr(werkzeug.security._hash_internal, "cache_info"):
    werkzeug.security._hash_internal = functools.lru_cache(maxsize=4096)(werkzeug.security._hash_internal)


class _CompiledTemplates(jinja2.BytecodeCache):
    """Jinja's compiled templates kept for the whole session (each test app has its own
    environment, which compiled every page anew: ~15 % of a web test's time).  The key
    holds what compilation depends on — the template's file, and the environment's syntax,
    extensions, filters and tests — and Jinja itself checks the source's checksum."""

    def __init__(self) -> None:
        self._code: dict[str, bytes] = {}

    @staticmethod
    def _environment_key(env: jinja2.Environment) -> str:
        autoescape = getattr(env.autoescape, "__func__", env.autoescape)
        parts = (env.block_start_string, env.block_end_string, env.variable_start_string, env.variable_end_string,
                 env.comment_start_string, env.comment_end_string, env.line_statement_prefix,
                 env.line_comment_prefix, env.trim_blocks, env.lstrip_blocks, env.newline_sequence,
                 env.keep_trailing_newline, env.optimized, env.is_async, env.finalize is not None,
                 getattr(autoescape, "__qualname__", repr(autoescape)), tuple(sorted(env.extensions)),
                 tuple(sorted((k, getattr(v, "jinja_pass_arg", None)) for k, v in env.filters.items())),
                 tuple(sorted((k, getattr(v, "jinja_pass_arg", None)) for k, v in env.tests.items())))
        return hashlib.sha1(repr(parts).encode()).hexdigest()

    def get_bucket(self, environment, name, filename, source):
        bucket = jinja2.bccache.Bucket(environment, self.get_cache_key(name, filename) + self._environment_key(environment),
                                       self.get_source_checksum(source))
        self.load_bytecode(bucket)
        return bucket

    def load_bytecode(self, bucket) -> None:
        if bucket.key in self._code:
            bucket.bytecode_from_string(self._code[bucket.key])

    def dump_bytecode(self, bucket) -> None:
        self._code[bucket.key] = bucket.bytecode_to_string()


COMPILED_TEMPLATES = _CompiledTemplates()

# The admin's two-factor requirement (on in production) is off here so that the tests of
# other features log the admin in with a password; tests/web/test_two_factor.py turns it on.
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


def _create_database_if_missing(url: str) -> None:
    """CREATE DATABASE the worker's database, through the ``postgres`` maintenance database."""
    name = make_url(url).database
    admin = create_engine(make_url(url).set(database="postgres"), isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            if conn.scalar(text("SELECT 1 FROM pg_database WHERE datname = :name"), {"name": name}) is None:
                conn.execute(text(f'CREATE DATABASE "{name}"'))
    finally:
        admin.dispose()


@pytest.fixture(scope="session")
def pg_url() -> str:
    if WORKER != "master":
        _create_database_if_missing(PG_URL)
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
        # TRUNCATE writes a new file for every table it names (~10 ms each, ~0.4 s for all), and a
        # test writes to a few of them: only the tables that hold rows are truncated, and the
        # sequences of the others that were used are restarted.  The end state is the same as
        # truncating them all with RESTART IDENTITY: every table empty, every owned sequence anew.
        holds_rows = conn.execute(text("SELECT " + ", ".join(f'EXISTS (SELECT 1 FROM "{t}")' for t in tables))).one()
        full = [t for t, rows in zip(tables, holds_rows) if rows]
        if full:
            # TRUNCATE fires no row triggers, so the append-only audit log can be emptied between tests.
            conn.execute(text("TRUNCATE " + ", ".join(f'"{t}"' for t in full) + " RESTART IDENTITY CASCADE"))
        used = conn.execute(text(
            "SELECT s.sequencename FROM pg_sequences s"
            " JOIN pg_class c ON c.relname = s.sequencename AND c.relkind = 'S'"
            " JOIN pg_namespace n ON n.oid = c.relnamespace AND n.nspname = s.schemaname"
            " JOIN pg_depend d ON d.objid = c.oid AND d.deptype IN ('a', 'i')"
            " JOIN pg_class t ON t.oid = d.refobjid"
            " WHERE s.schemaname = 'public' AND s.last_value IS NOT NULL AND t.relname = ANY(:tables)"
        ), {"tables": list(tables)}).scalars().all()
        for sequence in used:
            conn.execute(text(f'ALTER SEQUENCE "{sequence}" RESTART'))
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
             "RENDERED_FOLDER": str(tmp_path / "rendered"), **(config or {})},
            **kwargs,
        )
        app.jinja_env.bytecode_cache = COMPILED_TEMPLATES
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
    platform_clock.freeze_instant(None)


class _MovedClock(list):
    """A one-item list holding what the clock is frozen at: ``clock[0] = value`` moves it."""

    freeze = staticmethod(platform_clock.freeze)

    def __init__(self, value):
        super().__init__([value])
        self.freeze(value)

    def __setitem__(self, index, value):
        super().__setitem__(index, value)
        self.freeze(value)


class FrozenDay(_MovedClock):
    """The clock's day (``clock.today``): ``day[0] = d`` moves it to ``d``."""


class MovedInstant(_MovedClock):
    """Sign-in's moment (``clock.instant``): ``now[0] = m`` moves it."""

    freeze = staticmethod(platform_clock.freeze_instant)


def pytest_collection_modifyitems(config, items):
    """Under xdist (``make test`` gives ``--no-loadscope-reorder``), the files that build
    something slow — a virtual environment, a browser — go first and the others follow,
    largest first: started last, a one-test build of several minutes would leave one
    worker running alone at the end.  One process keeps the collection order."""
    if WORKER == "master":
        return

    def file_of(item) -> str:
        return item.nodeid.split("::")[0]

    per_file: dict[str, int] = {}
    slow_files: set[str] = set()
    for item in items:
        per_file[file_of(item)] = per_file.get(file_of(item), 0) + 1
        if item.get_closest_marker("slow") or item.get_closest_marker("browser"):
            slow_files.add(file_of(item))
    items.sort(key=lambda item: (file_of(item) not in slow_files, -per_file[file_of(item)]))


# A brand-new empty database per test, for the tests that migrate up and down
# (tests/domain/test_migrations.py, test_lookup_indexes.py) without touching the shared schema.
@pytest.fixture(params=["sqlite", "postgresql"])
def scratch_url(request, tmp_path):
    """A brand-new empty database: a SQLite file, or a PostgreSQL database created
    for this test and dropped after it."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'migrations.sqlite'}"
        return
    if not PG_URL:
        pytest.skip("TEST_DATABASE_URL not set")
    name = f"zc_migr_{uuid.uuid4().hex[:12]}"
    admin = create_engine(make_url(PG_URL).set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(PG_URL).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture
def migrating_app(scratch_url):
    app = create_app({**BASE_CONFIG, "SQLALCHEMY_DATABASE_URI": scratch_url})
    with app.app_context():
        yield app
        db.session.remove()
        db.engine.dispose()


@contextmanager
def sent_statements(with_parameters: bool = False):
    """Every statement the app sends to the database inside the block, in order: the SQL
    text, or with ``with_parameters`` (SQL, parameters) as sent (to EXPLAIN it again)."""
    sent: list = []

    def capture(conn, cursor, statement, parameters, context, executemany):
        sent.append((statement, parameters) if with_parameters else statement)

    event.listen(db.engine, "before_cursor_execute", capture)
    try:
        yield sent
    finally:
        event.remove(db.engine, "before_cursor_execute", capture)


@contextmanager
def app_with_only(app_factory, plugin, name: str):
    """An app whose plugin registry holds ``plugin`` alone (no installed jurisdiction), inside
    its application context: a made-up jurisdiction for a test."""
    pm, _ = make_plugin_manager(load_entry_points=False)
    pm.register(plugin, name=name)
    app = app_factory(registry=Registry(pm))
    with app.app_context():
        yield app


def installed_registry(code: str) -> Registry:
    """The registry of the installed plugins (entry points), with ``code``'s plugin loaded
    without error: what the plugin tests ask through."""
    pm, broken = make_plugin_manager()
    assert code not in broken, broken.get(code)
    return Registry(pm, broken)


@pytest.fixture
def renders(monkeypatch):
    """The HTML of every PDF rendered in this process, in order (the real ``render_html``, counted):
    a test proves a download was a file read, not a render (tests/web/test_pdf_store.py, tests/queue)."""
    from core.documents import render as documents

    seen: list[str] = []
    real = documents.render_html

    def counted(html: str) -> bytes:
        seen.append(html)
        return real(html)

    monkeypatch.setattr(documents, "render_html", counted)
    return seen
