"""Issue 13, "GET /healthz": JSON with the database reachable, migrations current, the
upload folder writable with free space, and the PDF font present; 200 when all are, 503
otherwise; no login; nothing a load balancer does not need.  Real database (both backends),
real folders, real HTTP."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from sqlalchemy import text

from core.documents.render import ensure_fonts, font_dir
from core.platform.extensions import db
from tests.factories import login, make_user

def _revisions() -> tuple[str, str]:
    """The head of the migration scripts in the tree and the revision just before it
    (read from the scripts, so a new migration needs no edit here)."""
    from pathlib import Path

    from alembic.script import ScriptDirectory

    scripts = ScriptDirectory(str(Path(__file__).resolve().parents[2] / "core" / "migrations"))
    head = scripts.get_revision(scripts.get_current_head())
    return head.revision, head.down_revision


HEAD, BEHIND = _revisions()


def health(app):
    response = app.test_client().get("/healthz")
    assert response.mimetype == "application/json"
    assert response.headers["Cache-Control"] == "no-store"
    return response.status_code, response.get_json(), response.get_data(as_text=True)


@pytest.fixture(autouse=True)
def font_present():
    ensure_fonts()  # as the README's deployment step does


def test_all_well_is_200_without_login(app, tmp_path):
    status, body, raw = health(app)
    assert status == 200 and body["status"] == "ok"
    assert {name: check["ok"] for name, check in body["checks"].items()} == {
        "database": True, "migrations": True, "uploads": True, "font": True}
    assert body["checks"]["uploads"]["writable"] is True and body["checks"]["uploads"]["free_mb"] > 0
    # nothing beyond yes/no and the free space: no path, no address, no revision
    for secret in (str(tmp_path), app.config["SQLALCHEMY_DATABASE_URI"], HEAD, str(font_dir()), "sqlite",
                   "postgresql"):
        assert secret not in raw


def test_logged_in_users_get_the_same_answer(app, client):
    login(client, make_user("officer", ["kunming"]))
    assert client.get("/healthz").status_code == 200


def test_the_probe_file_is_not_left_in_the_upload_folder(app):
    health(app)
    assert [p.name for p in Path(app.config["UPLOAD_FOLDER"]).iterdir()] == []


def test_database_behind_on_migrations_is_503(app):
    """The code is at the head revision; a database one migration behind is not current."""
    try:
        db.session.execute(text("UPDATE alembic_version SET version_num = :behind"), {"behind": BEHIND})
        db.session.commit()
        status, body, _ = health(app)
        assert status == 503 and body["status"] == "fail"
        assert body["checks"]["migrations"]["ok"] is False and body["checks"]["database"]["ok"] is True
    finally:
        db.session.execute(text(f"UPDATE alembic_version SET version_num = '{HEAD}'"))
        db.session.commit()
    assert health(app)[0] == 200


def test_database_never_migrated_is_503(app_factory, tmp_path):
    app = app_factory({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'empty.sqlite'}"})
    with app.app_context():
        status, body, _ = health(app)
    assert status == 503 and body["checks"]["migrations"]["ok"] is False and body["checks"]["database"]["ok"] is True


def test_database_unreachable_is_503(app_factory):
    app = app_factory({"SQLALCHEMY_DATABASE_URI": "postgresql+psycopg://nobody@127.0.0.1:1/none",
                       "SQLALCHEMY_ENGINE_OPTIONS": {"connect_args": {"connect_timeout": 2}}})
    with app.app_context():
        status, body, raw = health(app)
    assert status == 503 and body["checks"]["database"]["ok"] is False and body["checks"]["migrations"]["ok"] is False
    assert "127.0.0.1" not in raw and "nobody" not in raw


def test_upload_folder_that_cannot_be_written_is_503(app_factory, tmp_path):
    """A regular file where the folder's parent should be: no folder can be made, nothing written
    (a read-only mount answers the same; chmod alone does not stop root)."""
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("x")
    app = app_factory({"UPLOAD_FOLDER": str(blocker / "uploads")})
    with app.app_context():
        status, body, raw = health(app)
    assert status == 503 and body["checks"]["uploads"]["ok"] is False
    assert body["checks"]["uploads"]["writable"] is False
    assert str(blocker) not in raw


def test_free_space_on_both_sides_of_the_floor(app_factory, tmp_path):
    """ZHONGCHUANG_MIN_FREE_MB (a deployment setting): at or under the free space 200, above it 503."""
    folder = tmp_path / "uploads"
    folder.mkdir()
    free_mb = shutil.disk_usage(folder).free // (1024 * 1024)
    # other processes write while the test runs: a few MB of slack on each side
    enough = app_factory({"UPLOAD_FOLDER": str(folder), "HEALTH_MIN_FREE_MB": max(0, free_mb - 64)})
    with enough.app_context():
        assert health(enough)[0] == 200
    too_much = app_factory({"UPLOAD_FOLDER": str(folder), "HEALTH_MIN_FREE_MB": free_mb + 1024})
    with too_much.app_context():
        status, body, _ = health(too_much)
    assert status == 503 and body["checks"]["uploads"]["writable"] is True and body["checks"]["uploads"]["ok"] is False
    assert body["checks"]["uploads"]["min_free_mb"] == free_mb + 1024


@pytest.mark.parametrize("value, accepted", [("0", 0), ("512", 512), ("999999999", 999999999)])
def test_min_free_setting_accepted(monkeypatch, value, accepted):
    from core.platform.config import min_free_mb

    monkeypatch.setenv("ZHONGCHUANG_MIN_FREE_MB", value)
    assert min_free_mb() == accepted


@pytest.mark.parametrize("value", ["-1", "1000000000", "5e2", "１２", "lots"])
def test_min_free_setting_refused_by_name(monkeypatch, value):
    from core.platform.config import min_free_mb

    monkeypatch.setenv("ZHONGCHUANG_MIN_FREE_MB", value)
    with pytest.raises(ValueError, match="^ZHONGCHUANG_MIN_FREE_MB"):
        min_free_mb()


def test_missing_pdf_font_is_503(app, monkeypatch, tmp_path):
    monkeypatch.setenv("ZHONGCHUANG_FONT_DIR", str(tmp_path / "no-fonts"))
    status, body, _ = health(app)
    assert status == 503 and body["checks"]["font"]["ok"] is False
    assert not (tmp_path / "no-fonts").exists()  # the check cuts nothing (that takes half a minute)


def test_503_is_logged_as_an_error_with_the_request_id(app, monkeypatch, tmp_path, capsys):
    import json

    monkeypatch.setenv("ZHONGCHUANG_FONT_DIR", str(tmp_path / "no-fonts"))
    capsys.readouterr()
    response = app.test_client().get("/healthz")
    lines = [json.loads(line) for line in capsys.readouterr().err.splitlines() if line.startswith("{")]
    assert any(line["level"] == "WARNING" and "font" in line["message"] for line in lines)
    (request_line,) = [line for line in lines if line["logger"] == "zhongchuang.request"]
    assert request_line["status"] == 503 and request_line["request_id"] == response.headers["X-Request-ID"]
