"""Issue 13, "Deployment": the wheel carries everything the application reads at run time.

Builds the wheel from a copy of the project's files, installs it into a fresh virtual
environment outside the checkout, and from an empty folder — no checkout on the path, no
ZHONGCHUANG_INSTANCE — migrates (the database lands in ./instance of that folder, as the
README says), serves /login, a stylesheet, /healthz and an error page over real HTTP, and
renders two application forms with ``zhongchuang render application`` (a jurisdiction with
its own template and one with the core's).

Slow — it builds a virtual environment (pip reuses the machine's cache) — but part of
``make test``; ZHONGCHUANG_SKIP_SMOKE=1 skips it locally, as tests/cli/test_readme_run.py."""
from __future__ import annotations

import io
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SHIPPED = ("pyproject.toml", "README.md", "core", "plugins", "templates")
JUNK = shutil.ignore_patterns("__pycache__", "*.pyc", "*.egg-info", "instance", "build", "dist")

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(os.environ.get("ZHONGCHUANG_SKIP_SMOKE") == "1", reason="ZHONGCHUANG_SKIP_SMOKE=1"),
]


def run(args, **kwargs):
    proc = subprocess.run(args, capture_output=True, text=True, **kwargs)
    assert proc.returncode == 0, f"{args}: exit {proc.returncode}\n{proc.stdout[-3000:]}\n{proc.stderr[-3000:]}"
    return proc


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def fetch(url: str) -> tuple[int, str, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, response.headers.get_content_type(), response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers.get_content_type(), error.read()


def pdf_text(data: bytes) -> str:
    from pypdf import PdfReader

    return "".join("".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(data)).pages)


@pytest.fixture(scope="module")
def workdir():
    """A folder of our own (not pytest's numbered ones, which a concurrent pytest may rotate away)."""
    with tempfile.TemporaryDirectory(prefix="zc-wheel-") as folder:
        yield Path(folder)


@pytest.fixture(scope="module")
def installed(workdir):
    """(the fresh venv, an environment without the checkout) — the wheel installed."""
    work = workdir
    source = work / "source"
    source.mkdir()
    for name in SHIPPED:
        item = ROOT / name
        if item.is_dir():
            shutil.copytree(item, source / name, ignore=JUNK)
        else:
            shutil.copy2(item, source / name)
    dist = work / "dist"
    run([sys.executable, "-m", "pip", "wheel", "--disable-pip-version-check", "-q", "--no-deps",
         str(source), "-w", str(dist)], timeout=600)
    (wheel,) = dist.glob("zhongchuang-*.whl")

    names = zipfile.ZipFile(wheel).namelist()
    for name in ("templates/base.html", "core/accounts/templates/auth/login.html", "templates/auth/error.html",
                 "core/documents/templates/documents/base.html", "core/review/templates/portal/draft.html",
                 "core/static/zc.css",
                 "core/translations/zh_Hans_CN/LC_MESSAGES/messages.mo", "core/migrations/env.py",
                 "core/migrations/alembic.ini", "core/migrations/script.py.mako", "core/accounts/common-passwords.txt.gz",
                 "plugins/mile/templates/mile_application.html"):
        assert name in names, f"the wheel lacks {name}"
    folders = [ROOT / "templates", *(ROOT / "core").glob("*/templates")]
    shipped_templates = {p.relative_to(ROOT).as_posix() for folder in folders for p in folder.rglob("*")
                         if p.is_file() and "__pycache__" not in p.parts}
    assert shipped_templates <= set(names), sorted(shipped_templates - set(names))

    from core.documents.render import ensure_fonts, font_dir

    ensure_fonts()  # the README's deployment step; the installed copy reads the same folder
    # Nothing of the checkout: with it on PYTHONPATH pip would take the checkout's metadata
    # for an installed zhongchuang and skip the wheel.
    env = {k: v for k, v in os.environ.items()
           if k not in ("PYTHONPATH", "DATABASE_URL", "ZHONGCHUANG_INSTANCE", "ZHONGCHUANG_JURISDICTIONS",
                        "ZHONGCHUANG_UPLOAD_FOLDER", "VIRTUAL_ENV", "PYTHONHOME")}
    env.update(ZHONGCHUANG_SECURE_COOKIES="0", ZHONGCHUANG_FONT_DIR=str(font_dir()), PYTHONDONTWRITEBYTECODE="1")
    venv = work / "venv"
    run([sys.executable, "-m", "venv", str(venv)], cwd=work, env=env, timeout=300)
    python = venv / "bin" / "python"
    run([str(python), "-m", "pip", "install", "--disable-pip-version-check", "-q", str(wheel)],
        cwd=work, env=env, timeout=900)

    return venv, env


@pytest.fixture
def here(workdir):
    """An empty folder outside the checkout to run from."""
    folder = workdir / "empty"
    folder.mkdir()
    return folder


def test_the_installed_package_runs_from_an_empty_folder(installed, here):
    venv, env = installed
    bin_ = venv / "bin"

    where = run([str(bin_ / "python"), "-c", "import core.app as a; print(a.TEMPLATES); print(a.__file__)"],
                cwd=here, env=env, timeout=120).stdout.split()
    assert all(p.startswith(str(venv)) for p in where), where
    assert not any(p.startswith(str(ROOT)) for p in where)

    run([str(bin_ / "zhongchuang"), "db", "upgrade"], cwd=here, env=env, timeout=300)
    assert (here / "instance" / "zhongchuang.db").is_file()  # ./instance of the working directory
    assert not list(venv.rglob("instance/zhongchuang.db"))   # never inside site-packages

    port = free_port()
    server = subprocess.Popen([str(bin_ / "zhongchuang"), "run", "--host", "127.0.0.1", "--port", str(port)],
                              cwd=here, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                              start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                status, _, body = fetch(base + "/login")
                break
            except OSError:
                assert server.poll() is None, server.stdout.read().decode(errors="replace")[-3000:]
                assert time.monotonic() < deadline, "the server did not answer within 60 s"
                time.sleep(0.5)
        page = body.decode()
        assert status == 200, page[:2000]
        assert "登录" in page and "众创空间" in page and 'name="csrf_token"' in page

        status, kind, css = fetch(base + "/static/zc.css")
        assert status == 200 and kind == "text/css" and b".zc-card" in css

        status, kind, body = fetch(base + "/healthz")
        health = json.loads(body)
        assert kind == "application/json" and health["checks"]["database"]["ok"] is True
        assert health["checks"]["migrations"]["ok"] is True and health["checks"]["font"]["ok"] is True
        assert status == (200 if health["checks"]["uploads"]["ok"] else 503)

        status, _, body = fetch(base + "/no-such-page")
        assert status == 404 and "页面不存在" in body.decode() and "请求编号" in body.decode()
    finally:
        os.killpg(server.pid, 15)
        server.wait(timeout=30)

    facts = json.loads((ROOT / "tests" / "data" / "kunming-comprehensive-service.json").read_text(encoding="utf-8"))
    (here / "kunming.json").write_text(json.dumps(facts, ensure_ascii=False), encoding="utf-8")
    facts.update(registered_region="532504", space_region="532504")
    (here / "mile.json").write_text(json.dumps(facts, ensure_ascii=False), encoding="utf-8")
    for jurisdiction, category in (("kunming", "comprehensive_service"), ("mile", "comprehensive")):
        proc = run([str(bin_ / "zhongchuang"), "render", "application", "--jurisdiction", jurisdiction,
                    "--category", category, f"{jurisdiction}.json", "-o", f"{jurisdiction}.pdf"],
                   cwd=here, env=env, timeout=300)
        assert "Traceback" not in proc.stderr
        pdf = (here / f"{jurisdiction}.pdf").read_bytes()
        assert pdf.startswith(b"%PDF")
        text = pdf_text(pdf)
        assert facts["applicant_name"] in text and facts["space_name"] in text, text[:500]
    assert "弥勒" in pdf_text((here / "mile.pdf").read_bytes())  # the plugin's own template
