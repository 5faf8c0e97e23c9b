"""Jurisdictions are found through the entry-point group, built-in and third-party alike.

A fifth jurisdiction (tests/fifth_jurisdiction, package ``zc-dali``) is installed by
pip into a temporary ``--target`` directory — not into the virtual environment — and
put on ``sys.path``; ``importlib.metadata`` then reads its dist-info, so discovery goes
through its real entry point.  A broken package is reported and the others still load.
"""
from __future__ import annotations

import importlib.metadata
import importlib.util
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import csrf_token
from core.platform.extensions import db
from core.platform.models import User
from core.plugins import ENTRY_POINT_GROUP, Registry, make_plugin_manager

HERE = Path(__file__).resolve().parents[1]  # tests/
BUILT_INS = {"mile", "kunming", "yunnan", "xuzhou"}

BROKEN_PYPROJECT = """
[build-system]
requires = ["setuptools>=61"]
build-backend = "setuptools.build_meta"

[project]
name = "zc-broken"
version = "0.1.0"

[project.entry-points."zhongchuang.jurisdictions"]
broken = "zc_broken"

[tool.setuptools]
py-modules = ["zc_broken"]
"""


def can_build_offline() -> bool:
    """setuptools able to build a wheel is already here (else pip fetches it)."""
    try:
        import setuptools
    except ImportError:
        return False
    major, minor = (int(x) for x in setuptools.__version__.split(".")[:2])
    return (major, minor) >= (70, 1) or importlib.util.find_spec("wheel") is not None


def pip_install_to(source: Path, target: Path) -> Path:
    """``pip install`` a package directory into ``target`` only (nothing else touched)."""
    build = target.parent / f"src-{source.name}"
    shutil.copytree(source, build)  # pip builds in place: keep the work tree clean
    command = [sys.executable, "-m", "pip", "install", "--quiet", "--disable-pip-version-check",
               "--no-deps", "--target", str(target), str(build)]
    if can_build_offline():
        command.insert(4, "--no-build-isolation")
    subprocess.run(command, check=True, capture_output=True, text=True, timeout=300)
    return target


@pytest.fixture(scope="session")
def fifth_site(tmp_path_factory) -> Path:
    return pip_install_to(HERE / "fifth_jurisdiction", tmp_path_factory.mktemp("site-dali") / "site")


@pytest.fixture(scope="session")
def broken_site(tmp_path_factory) -> Path:
    src = tmp_path_factory.mktemp("zc_broken_src") / "zc_broken"
    src.mkdir()
    (src / "pyproject.toml").write_text(BROKEN_PYPROJECT)
    (src / "zc_broken.py").write_text('raise ImportError("zc_broken needs a library that is not installed")\n')
    return pip_install_to(src, tmp_path_factory.mktemp("site-broken") / "site")


@pytest.fixture
def with_fifth(fifth_site, monkeypatch) -> Path:
    monkeypatch.syspath_prepend(str(fifth_site))
    yield fifth_site
    sys.modules.pop("zc_dali", None)


def test_the_four_built_ins_come_through_the_entry_point_group():
    points = {ep.name: ep.value for ep in importlib.metadata.entry_points(group=ENTRY_POINT_GROUP)}
    assert {name: points.get(name) for name in BUILT_INS} == {name: f"plugins.{name}" for name in BUILT_INS}
    pm, broken = make_plugin_manager()
    assert broken == {}
    assert BUILT_INS <= {name for name, _ in pm.list_name_plugin()}
    assert set(Registry(pm).installed()) == BUILT_INS


def test_without_entry_points_nothing_is_installed():
    pm, _ = make_plugin_manager(load_entry_points=False)
    assert Registry(pm).installed() == {}


@pytest.mark.slow  # builds and pip-installs a package (the session's fifth_site / broken_site)
def test_the_fifth_package_stays_out_of_the_virtual_environment(fifth_site):
    assert (fifth_site / "zc_dali" / "__init__.py").exists() and (fifth_site / "zc_dali" / "cases" / "dali.yaml").exists()
    assert any(p.name.startswith("zc_dali-0.1.0.dist-info") for p in fifth_site.iterdir())
    assert "dali" not in {ep.name for ep in importlib.metadata.entry_points(group=ENTRY_POINT_GROUP)}


@pytest.mark.slow
def test_a_fifth_jurisdiction_installed_as_a_package_is_discovered(with_fifth):
    ep = next(ep for ep in importlib.metadata.entry_points(group=ENTRY_POINT_GROUP) if ep.name == "dali")
    assert ep.value == "zc_dali" and ep.dist.name == "zc-dali"
    pm, broken = make_plugin_manager()
    registry = Registry(pm, broken)
    installed = registry.installed()
    assert set(installed) == BUILT_INS | {"dali"} and broken == {}
    dali = installed["dali"]
    assert (dali.name, dali.level, dali.region_prefixes, dali.parent) == ("大理白族自治州", "city", ("5329",), "yunnan")
    assert dali.covers("532901") and not dali.covers("530112")
    assert [v.document for v in registry.policies("dali")] == ["大理州测试〔2024〕1号"]


@pytest.mark.slow
def test_the_fifth_jurisdiction_in_the_plugins_command(fifth_site, tmp_path):
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(fifth_site), os.environ.get("PYTHONPATH", "")]),
           "ZHONGCHUANG_INSTANCE": str(tmp_path / "instance")}
    env.pop("DATABASE_URL", None)
    result = subprocess.run(
        [sys.executable, "-c", "from core.cli import main; main()", "plugins", "--json"],
        env=env, capture_output=True, text=True, timeout=120,
    )
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    by_code = {j["code"]: j for j in report["jurisdictions"]}
    assert set(by_code) == BUILT_INS | {"dali"} and report["broken"] == {}
    assert by_code["dali"]["name"] == "大理白族自治州" and by_code["dali"]["enabled"] is True
    assert by_code["dali"]["region_prefixes"] == ["5329"]
    assert by_code["dali"]["policies"] == [{
        "document": "大理州测试〔2024〕1号", "title": "大理州众创空间认定管理办法（测试插件）",
        "effective_from": "2024-01-01", "effective_to": None,
    }]


def login_as_admin(client) -> None:
    user = User(login="admin@test", name="管理员", role="admin")
    user.set_password("admin-pass-word-1")
    db.session.add(user)
    db.session.commit()
    token = csrf_token(client, "/login")
    response = client.post("/login", data={"csrf_token": token, "login": "admin@test", "password": "admin-pass-word-1"})
    assert response.status_code == 302, response.get_data(as_text=True)


@pytest.mark.slow
def test_the_fifth_jurisdiction_on_the_admin_dashboard(with_fifth, app_factory):
    app = app_factory()  # built after the package is on sys.path: discovers five
    assert "dali" in app.extensions["zhongchuang"].installed()
    with app.app_context():
        client = app.test_client()
        login_as_admin(client)
        html = client.get("/admin/").get_data(as_text=True)
        assert "大理" in html
        for name in ("弥勒市", "昆明市", "云南省", "徐州市"):
            assert name in html


@pytest.mark.slow
def test_a_broken_plugin_is_reported_and_the_others_load(broken_site, with_fifth, monkeypatch):
    monkeypatch.syspath_prepend(str(broken_site))
    pm, broken = make_plugin_manager()
    assert set(broken) == {"broken"}
    assert broken["broken"] == "ImportError: zc_broken needs a library that is not installed"
    assert set(Registry(pm, broken).installed()) == BUILT_INS | {"dali"}


@pytest.mark.slow
def test_a_broken_plugin_in_the_plugins_command(broken_site, tmp_path):
    env = {**os.environ, "PYTHONPATH": str(broken_site), "ZHONGCHUANG_INSTANCE": str(tmp_path / "instance")}
    env.pop("DATABASE_URL", None)
    result = subprocess.run(
        [sys.executable, "-c", "from core.cli import main; main()", "plugins", "--json"],
        env=env, capture_output=True, text=True, timeout=120,
    )
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["broken"] == {"broken": "ImportError: zc_broken needs a library that is not installed"}
    assert {j["code"] for j in report["jurisdictions"]} == BUILT_INS


def test_a_plugin_registered_in_a_fixture_is_seen_like_an_installed_one():
    from core import hookimpl
    from core.policy import Jurisdiction

    class Lijiang:
        @hookimpl
        def zc_jurisdiction(self):
            return Jurisdiction("lijiang", "丽江市", "city", ("5307",), "丽江市科学技术局", "yunnan")

    pm, _ = make_plugin_manager()
    pm.register(Lijiang(), name="lijiang")
    try:
        assert set(Registry(pm).installed()) == BUILT_INS | {"lijiang"}
    finally:
        pm.unregister(name="lijiang")


@pytest.mark.slow
def test_the_fifth_jurisdictions_own_cases_run_in_policy_test(fifth_site, tmp_path):
    """The installed package's cases (zc_dali/cases/, package data found through its hook) run
    as the built-ins' do: 大理州测试〔2024〕1号 第十条's public notice (a period ending on a working
    day, one moved past a weekend and one past 国庆, the 2027 fallback) and 第十一条 (no subsidy)."""
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(fifth_site), os.environ.get("PYTHONPATH", "")]),
           "ZHONGCHUANG_INSTANCE": str(tmp_path / "instance")}
    env.pop("DATABASE_URL", None)
    command = [sys.executable, "-c", "from core.cli import main; main()", "policy-test", "--jurisdiction", "dali"]
    result = subprocess.run(command, env=env, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.splitlines()[-1] == "共 5 个用例：通过 5 个，未通过 0 个"
    assert "大理白族自治州" in result.stdout and "2027年节假日调休安排未知" in result.stdout
    # The same cases, one expectation broken in a copy given on the command line: exit 1.
    shipped = (fifth_site / "zc_dali" / "cases" / "dali.yaml").read_text(encoding="utf-8")
    broken = tmp_path / "dali-broken.yaml"
    broken.write_text(shipped.replace("last_day: 2026-10-08", "last_day: 2026-10-07"), encoding="utf-8")
    result = subprocess.run([*command, str(broken)], env=env, capture_output=True, text=True, timeout=120)
    assert result.returncode == 1 and "✗ 2026-10-08" in result.stdout, result.stdout + result.stderr
