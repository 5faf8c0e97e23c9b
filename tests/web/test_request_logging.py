"""Issue 13, "Logging": one configuration (JSON lines on standard error, level from
ZHONGCHUANG_LOG_LEVEL); every request with method, path, status, time and user id; every
refusal and error with a request id, which the response carries in X-Request-ID and the
error page shows.  Standard error is captured as a log collector would read it."""
from __future__ import annotations

import json
import logging
import os
import subprocess
import sys

import pytest

from core.platform import logs
from core.platform.errors import Refused
from tests.factories import login, make_org, make_user


def request_lines(err: str) -> list[dict]:
    lines = [json.loads(line) for line in err.splitlines() if line.startswith("{")]
    return [line for line in lines if line["logger"] == "zhongchuang.request"]


def test_every_request_is_one_json_line_with_status_time_and_user(app, client, capsys):
    capsys.readouterr()
    user = make_user("applicant", organisation=make_org())
    login(client, user)
    client.get("/portal/")
    client.get("/no-such-page")
    lines = request_lines(capsys.readouterr().err)
    assert [(line["method"], line["path"], line["status"]) for line in lines] == [
        ("GET", "/login", 200), ("POST", "/login", 302), ("GET", "/portal/", 200), ("GET", "/no-such-page", 404)]
    for line in lines:
        assert set(line) >= {"time", "level", "request_id", "method", "path", "status", "duration_ms", "user_id"}
        assert isinstance(line["duration_ms"], float) and line["duration_ms"] >= 0
    assert lines[0]["user_id"] == "-" and lines[2]["user_id"] == str(user.id) and lines[3]["user_id"] == str(user.id)
    assert [line["level"] for line in lines] == ["INFO", "INFO", "INFO", "WARNING"]
    assert len({line["request_id"] for line in lines}) == 4


def test_a_refusal_is_a_warning_with_the_request_id_of_the_response(client, capsys):
    capsys.readouterr()
    response = client.post("/logout")  # no CSRF token
    (line,) = request_lines(capsys.readouterr().err)
    assert response.status_code == 400 and line["status"] == 400 and line["level"] == "WARNING"
    assert line["request_id"] == response.headers["X-Request-ID"]
    assert line["request_id"] in response.get_data(as_text=True)  # on the error page too


def test_a_server_error_is_an_error_line_and_its_traceback_carries_the_request_id(app_factory, capsys):
    app = app_factory({"PROPAGATE_EXCEPTIONS": False})

    def broken():
        raise ZeroDivisionError("division by zero in the test view")

    app.add_url_rule("/test-broken", "test_broken", broken)
    with app.app_context():
        capsys.readouterr()
        response = app.test_client().get("/test-broken")
    records = [json.loads(line) for line in capsys.readouterr().err.splitlines() if line.startswith("{")]
    rid = response.headers["X-Request-ID"]
    (request_line,) = [r for r in records if r["logger"] == "zhongchuang.request"]
    assert request_line["status"] == 500 and request_line["level"] == "ERROR" and request_line["request_id"] == rid
    traced = [r for r in records if "exception" in r]
    assert traced and traced[0]["request_id"] == rid and "ZeroDivisionError" in traced[0]["exception"]


@pytest.mark.parametrize("offered, kept", [
    ("proxy-4f2a.1:77", True),
    ("a" * 64, True),             # the longest kept
    ("a" * 65, False),            # one more: replaced
    ("", False),
    ("has space", False),
    ("<script>", False),
    ("-leading-dash", False),
    ("编号123", False),
])
def test_an_offered_request_id_is_kept_only_when_sane(client, capsys, offered, kept):
    capsys.readouterr()
    response = client.get("/no-such-page", headers={"X-Request-ID": offered})
    (line,) = request_lines(capsys.readouterr().err)
    rid = response.headers["X-Request-ID"]
    assert (rid == offered) is kept
    if not kept:
        assert len(rid) == 32 and int(rid, 16) >= 0
    assert line["request_id"] == rid


def test_log_level_from_the_environment(app_factory, capsys, monkeypatch):
    monkeypatch.setenv("ZHONGCHUANG_LOG_LEVEL", "warning")
    app = app_factory()
    with app.app_context():
        client = app.test_client()
        capsys.readouterr()
        client.get("/login")        # 200: INFO, below the level
        client.get("/no-such-page")  # 404: WARNING, logged
    lines = request_lines(capsys.readouterr().err)
    assert [line["status"] for line in lines] == [404]
    assert logging.getLogger().level == logging.WARNING


@pytest.mark.parametrize("value", ["LOUD", "5", "info!", "x" * 100])
def test_a_bad_log_level_is_refused_by_name(monkeypatch, value):
    monkeypatch.setenv("ZHONGCHUANG_LOG_LEVEL", value)
    with pytest.raises(Refused) as refused:
        logs.level_from_environment()
    assert refused.value.key == "ZHONGCHUANG_LOG_LEVEL" and "\n" not in str(refused.value)


@pytest.mark.parametrize("value, level", [("", logging.INFO), ("debug", logging.DEBUG), (" ERROR ", logging.ERROR),
                                          ("CRITICAL", logging.CRITICAL)])
def test_good_log_levels(monkeypatch, value, level):
    monkeypatch.setenv("ZHONGCHUANG_LOG_LEVEL", value)
    assert logs.level_from_environment() == level


def test_the_command_refuses_a_bad_log_level_in_one_line_exit_2(tmp_path):
    env = {**os.environ, "ZHONGCHUANG_LOG_LEVEL": "LOUD", "ZHONGCHUANG_INSTANCE": str(tmp_path)}
    proc = subprocess.run([sys.executable, "-c", "from core.cli import main; main()", "db", "current"],
                          capture_output=True, text=True, env=env, timeout=120, cwd=tmp_path)
    assert proc.returncode == 2 and proc.stdout == ""
    assert len(proc.stderr.splitlines()) == 1 and proc.stderr.startswith("ZHONGCHUANG_LOG_LEVEL")


def test_building_many_apps_leaves_one_handler(app_factory):
    app_factory()
    app_factory()
    ours = [h for h in logging.getLogger().handlers if getattr(h, "zhongchuang", False)]
    assert len(ours) == 1


def test_a_migration_does_not_replace_the_logging_configuration(app, capsys):
    """Alembic's env.py used to call fileConfig, which silenced every logger made before it."""
    from flask_migrate import upgrade

    upgrade()  # at head already: a no-op that still runs env.py
    capsys.readouterr()
    app.test_client().get("/no-such-page")
    assert [line["status"] for line in request_lines(capsys.readouterr().err)] == [404]
    assert not logging.getLogger("zhongchuang.request").disabled
