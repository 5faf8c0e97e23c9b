"""The browser tests' one site: the real app served on a free port with the demo data loaded,
the platform clock frozen on the day the demo was built (a test moves it with ``clock[0] = day``)."""
from __future__ import annotations

import threading
from pathlib import Path

import pytest
from flask_migrate import upgrade
from werkzeug.serving import make_server

from core.app import create_app
from core.cli import cli
from core.platform import clock as platform_clock
from core.platform.extensions import db
from tests.conftest import FrozenDay


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """(app, base URL, clock) for the test module."""
    folder = tmp_path_factory.mktemp("site")
    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder / 'zhongchuang.sqlite'}",
                      "UPLOAD_FOLDER": str(folder / "uploads"),
                      "SESSION_COOKIE_SECURE": False, "REMEMBER_COOKIE_SECURE": False})
    clock = FrozenDay(platform_clock.today())
    with app.app_context():
        upgrade()
    result = app.test_cli_runner().invoke(cli, ["demo"])
    assert result.exit_code == 0, result.output
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield app, f"http://127.0.0.1:{server.server_port}", clock
    server.shutdown()
    with app.app_context():
        db.engine.dispose()


@pytest.fixture(autouse=True)
def _on_the_site_day(request):
    """Each test starts on its site's day: tests/conftest.py lets the clock run after every test."""
    if "site" in request.fixturenames:
        platform_clock.freeze(request.getfixturevalue("site")[2][0])


@pytest.fixture(scope="module")
def shots(tmp_path_factory) -> Path:
    """The folder the screenshots of every step go to (under pytest's tmp path)."""
    folder = tmp_path_factory.mktemp("screenshots")
    print(f"\nbrowser test screenshots: {folder}")
    return folder


@pytest.fixture(scope="module")
def browser(shots):
    """Debian's chromium, driven by Playwright, for the test module."""
    from tests.browser.people import CHROMIUM, Person, sync_api

    Person.shots = shots
    with sync_api.sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=str(CHROMIUM), args=["--no-sandbox"])
        yield chromium
        chromium.close()
