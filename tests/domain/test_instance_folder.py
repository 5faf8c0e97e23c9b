"""Issue 13, "Deployment": the default instance folder is ./instance of the working directory
(README), never a folder inside the installed package; ZHONGCHUANG_INSTANCE overrides it; the
app reads its templates, static files, translations and migrations from the package's own
location whatever the working directory."""
from __future__ import annotations

from pathlib import Path

import pytest

import core
from core import app as app_module
from core.app import create_app, instance_folder

BASE = {"TESTING": True, "SESSION_COOKIE_SECURE": False}


def test_default_is_instance_of_the_working_directory(monkeypatch, tmp_path):
    monkeypatch.delenv("ZHONGCHUANG_INSTANCE", raising=False)
    monkeypatch.chdir(tmp_path)
    assert instance_folder() == tmp_path.resolve() / "instance"
    app = create_app({**BASE, "SQLALCHEMY_DATABASE_URI": "sqlite://"})
    assert Path(app.instance_path) == tmp_path.resolve() / "instance"
    assert (tmp_path / "instance" / "secret_key").is_file()
    package = Path(core.__file__).resolve().parent
    assert package not in Path(app.instance_path).parents and package.parent / "instance" != Path(app.instance_path)


def test_an_empty_setting_is_the_default_too(monkeypatch, tmp_path):
    monkeypatch.setenv("ZHONGCHUANG_INSTANCE", "")
    monkeypatch.chdir(tmp_path)
    assert instance_folder() == tmp_path.resolve() / "instance"


def test_zhongchuang_instance_overrides(monkeypatch, tmp_path):
    monkeypatch.setenv("ZHONGCHUANG_INSTANCE", str(tmp_path / "elsewhere"))
    monkeypatch.chdir(tmp_path)
    assert instance_folder() == tmp_path.resolve() / "elsewhere"


def test_files_are_found_from_the_package_not_the_working_directory(monkeypatch, tmp_path):
    monkeypatch.chdir(tmp_path)
    app = create_app({**BASE, "SQLALCHEMY_DATABASE_URI": "sqlite://"})
    package = Path(core.__file__).resolve().parent
    assert Path(app.template_folder) == package.parent / "templates"
    assert Path(app.static_folder) == package / "static"
    assert Path(app.config["BABEL_TRANSLATION_DIRECTORIES"]) == package / "translations"
    assert Path(app.extensions["migrate"].directory) == package / "migrations"
    client = app.test_client()
    login_page = client.get("/login")
    assert login_page.status_code == 200 and "登录" in login_page.get_data(as_text=True)
    assert client.get("/static/zc.css").status_code == 200


def test_missing_templates_say_so_at_start(monkeypatch, tmp_path):
    monkeypatch.setattr(app_module, "TEMPLATES", tmp_path / "templates")
    with pytest.raises(RuntimeError, match="templates"):
        create_app({**BASE, "SQLALCHEMY_DATABASE_URI": "sqlite://"})
