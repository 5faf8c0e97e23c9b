"""Issue 12 item 13: the instance folder, the SQLite database and the uploads are the
service user's alone (ASVS 4.0 4.3.3 / 12.4.1): folders 0700, files 0600, whatever the umask."""
from __future__ import annotations

import os

from core.app import create_app
from tests.conftest import BASE_CONFIG


def test_instance_folder_0700_and_sqlite_database_0600(tmp_path, monkeypatch):
    instance = tmp_path / "instance"
    monkeypatch.setenv("ZHONGCHUANG_INSTANCE", str(instance))
    old_umask = os.umask(0o022)  # the usual umask, which gave 0755 / 0644
    try:
        app = create_app(BASE_CONFIG)
    finally:
        os.umask(old_umask)
    database = instance / "zhongchuang.db"
    assert app.config["SQLALCHEMY_DATABASE_URI"] == f"sqlite:///{database}"
    assert instance.stat().st_mode & 0o777 == 0o700
    assert database.stat().st_mode & 0o777 == 0o600
    assert (instance / "secret_key").stat().st_mode & 0o777 == 0o600


def test_an_existing_world_readable_database_is_narrowed(tmp_path, monkeypatch):
    instance = tmp_path / "instance"
    instance.mkdir(mode=0o755)
    database = instance / "zhongchuang.db"
    database.write_bytes(b"")
    database.chmod(0o644)
    monkeypatch.setenv("ZHONGCHUANG_INSTANCE", str(instance))
    create_app(BASE_CONFIG)
    assert instance.stat().st_mode & 0o777 == 0o700
    assert database.stat().st_mode & 0o777 == 0o600
