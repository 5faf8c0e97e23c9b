"""The command's start-up (issue 15): our commands run on the core app (configuration, the
database, translations, the plugins; no pages, no admin, no Alembic) and import only what
they run, while Flask's commands and ``db`` still get the whole site. Real processes of the
command, as a user runs it; what a process imported is read from its ``sys.modules``."""
from __future__ import annotations

import importlib
import json
import os
import shutil
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import select

import core.cli
from core.bureau import operations as bureau_operations
from core.cli import cli
from core.platform.extensions import db
from core.platform.models import Application, PublicNotice
from tests.notice_helpers import published

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "tests" / "data" / "kunming-comprehensive-service.json"
EVALUATE = ["evaluate", "--jurisdiction", "kunming", "--category", "comprehensive_service", "--as-of", "2026-11-23"]
# The command's own entry (core.cli:main, as the console script runs it), then the names of
# every module the process imported and whether garbage collection was on at the end,
# written to the file named by $MODULES_OUT.
PROBE = ("import gc, json, os, sys\n"
         "from core.cli import main\n"
         "try:\n"
         "    main()\n"
         "finally:\n"
         "    with open(os.environ['MODULES_OUT'], 'w') as f:\n"
         "        json.dump(sorted(sys.modules) + (['<gc on>'] if gc.isenabled() else []), f)\n")
# What no command but ``render`` (PDFs), the exports and ``db``/``run`` (the site) needs.
NEVER_FOR_POLICY = ("flask_admin", "xhtml2pdf", "reportlab", "alembic", "flask_migrate", "openpyxl", "pypdf",
                    "flask_limiter", "core.admin", "core.accounts.auth", "core.documents.render")


@pytest.fixture
def command_env(sqlite_template, tmp_path):
    db_file = tmp_path / "cli.sqlite"
    shutil.copy(sqlite_template, db_file)
    env = {k: v for k, v in os.environ.items() if k not in ("ZHONGCHUANG_JURISDICTIONS", "FLASK_APP")}
    env.update(DATABASE_URL=f"sqlite:///{db_file}", ZHONGCHUANG_INSTANCE=str(tmp_path / "instance"),
               PYTHONPATH=str(ROOT), MODULES_OUT=str(tmp_path / "modules.json"))
    return env


def zhongchuang(env: dict, *args: str) -> tuple[subprocess.CompletedProcess, set[str]]:
    """Run the command in a fresh process of this checkout; its result and its modules."""
    Path(env["MODULES_OUT"]).unlink(missing_ok=True)
    proc = subprocess.run([sys.executable, "-c", PROBE, *args], env=env, cwd=ROOT, capture_output=True, text=True,
                          timeout=120)
    return proc, set(json.loads(Path(env["MODULES_OUT"]).read_text()))


def test_evaluate_answers_without_the_site_pdfs_spreadsheets_or_migrations(command_env):
    proc, modules = zhongchuang(command_env, *EVALUATE, str(EXAMPLE))
    assert proc.returncode == 0, proc.stderr
    assert proc.stderr == ""
    answer = json.loads(proc.stdout)
    assert answer["verdict"] == "eligible_pending_review" and answer["policy"]["document"] == "昆科发〔2017〕55号"
    assert sorted(set(NEVER_FOR_POLICY) & modules) == []
    # It did run on the app, the database and the plugins (the probe does see modules).
    assert {"flask", "flask_sqlalchemy", "core.app", "core.eligibility.engine", "plugins.kunming"} <= modules
    assert "core.notice.publication" not in modules and "core.cli_operations" not in modules
    assert "<gc on>" in modules  # collection, off for the start-up, is back on once the app is built


@pytest.mark.parametrize("args", [
    ("notice-period", "--jurisdiction", "mile", "--published-on", "2026-09-28"),
    ("subsidies", "--jurisdiction", "kunming", "--event", "recognized", "--level", "national"),
    ("plugins", "--json"),
    ("statistics", "check", "--jurisdiction", "yunnan", "--year", "2025", str(ROOT / "tests" / "data" / "statistics-return.json")),
])
def test_the_other_policy_commands_start_as_lightly(command_env, args):
    proc, modules = zhongchuang(command_env, *args)
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)
    assert sorted(set(NEVER_FOR_POLICY) & modules) == []


def test_policy_test_starts_as_lightly(command_env):
    """``policy-test`` runs the four commands' functions: nothing of the site, PDFs or spreadsheets."""
    proc, modules = zhongchuang(command_env, "policy-test", "--jurisdiction", "kunming")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "未通过 0 个" in proc.stdout.splitlines()[-1]
    assert sorted(set(NEVER_FOR_POLICY) & modules) == []
    assert "core.policy_cases.runner" in modules


def test_bad_input_is_still_one_line_and_exit_2(command_env, tmp_path):
    facts = json.loads(EXAMPLE.read_text(encoding="utf-8"))
    facts["uscc"] = facts["uscc"][:-1] + "0"
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(facts, ensure_ascii=False), encoding="utf-8")
    for args, named in [((*EVALUATE, str(bad)), "uscc"),
                        (("evaluate", "--jurisdiction", "atlantis", "--category", "x", str(EXAMPLE)), "atlantis"),
                        (("evaluate", "--jurisdiction", "kunming", str(EXAMPLE)), "--category")]:
        proc, modules = zhongchuang(command_env, *args)
        assert proc.returncode == 2 and proc.stdout == "", (args, proc.stderr)
        assert len(proc.stderr.splitlines()) == 1 and named in proc.stderr, proc.stderr
        assert "Traceback" not in proc.stderr
        assert "flask_admin" not in modules


def test_a_bad_setting_is_one_line_and_exit_2_on_the_core_app_too(command_env):
    proc, _ = zhongchuang(command_env | {"ZHONGCHUANG_LOG_LEVEL": "LOUD"}, *EVALUATE, str(EXAMPLE))
    assert proc.returncode == 2 and proc.stdout == ""
    assert len(proc.stderr.splitlines()) == 1 and proc.stderr.startswith("ZHONGCHUANG_LOG_LEVEL")


def test_flask_and_db_commands_still_get_the_whole_site(command_env):
    proc, modules = zhongchuang(command_env, "routes")
    assert proc.returncode == 0, proc.stderr
    assert "admin.index" in proc.stdout and "auth.login" in proc.stdout
    assert {"flask_admin", "core.admin", "flask_migrate"} <= modules
    proc, modules = zhongchuang(command_env, "db", "current")
    assert proc.returncode == 0, proc.stderr
    assert "(head)" in proc.stdout  # the template database is migrated to the last revision
    assert "alembic" in modules


def test_help_lists_every_command(command_env):
    proc, _ = zhongchuang(command_env, "--help")
    assert proc.returncode == 0, proc.stderr
    listed = {line.split()[0] for line in proc.stdout.split("Commands:")[1].splitlines() if line.strip()}
    assert set(core.cli.COMMANDS) | {"db", "run", "shell", "routes"} <= listed


def test_the_command_table_matches_the_modules():
    """core.cli.COMMANDS names, for each command, the module that defines it: nothing missing,
    nothing extra, so a command added to a module's COMMANDS must be added there too."""
    for module_name in set(core.cli.COMMANDS.values()):
        defined = {command.name for command in importlib.import_module(module_name).COMMANDS}
        assert defined == {name for name, where in core.cli.COMMANDS.items() if where == module_name}, module_name


def test_the_core_app_has_no_pages_no_admin_no_migrations(app_factory):
    core_app = app_factory(web=False)
    assert core_app.blueprints == {}
    assert "migrate" not in core_app.extensions and "admin" not in core_app.extensions
    assert {"sqlalchemy", "babel", "zhongchuang"} <= set(core_app.extensions)
    site = app_factory()
    assert {"admin", "auth", "health"} <= set(site.blueprints) and "migrate" in site.extensions


def test_the_core_app_answers_as_the_site_with_the_bureaus_data(app, app_factory):
    """The bureau's successor of a lapsed policy is read from the database by both apps."""
    bureau_operations.add_bureau_policy_version(
        "yunnan", document="云科规〔2026〕5号", title="云南省众创空间认定管理办法（2026年修订）",
        effective_from=date(2026, 6, 1), based_on="云科规〔2021〕1号")
    args = ["evaluate", "--jurisdiction", "yunnan", "--category", "provincial", "--as-of", "2026-11-23", str(EXAMPLE)]
    on_site = app.test_cli_runner().invoke(cli, args)
    on_core = app_factory(web=False).test_cli_runner().invoke(cli, args)
    assert on_core.exit_code == on_site.exit_code == 0, on_core.stderr
    assert on_core.stdout == on_site.stdout
    assert json.loads(on_core.stdout)["policy"]["document"] == "云科规〔2026〕5号"


def test_tick_on_the_core_app_moves_the_application_to_the_award_step(app, database_url, command_env):
    """The workflow's registrations are in place on the core app: tick, as cron runs it,
    closes a notice whose period has ended (both databases)."""
    notice, (application,), _ = published("kunming", date(2026, 9, 24))  # last day 2026-10-08
    db.session.commit()
    notice_id, application_id = notice.id, application.id
    db.session.remove()  # no transaction of ours open while the process works
    env = command_env | {"DATABASE_URL": database_url}
    proc, modules = zhongchuang(env, "tick", "--today", "2026-10-09")
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.splitlines()[-1] == "tick 2026-10-09: 1 notice(s) closed, 0 waiting on objections, 0 failed"
    assert "flask_admin" not in modules and "alembic" not in modules and "<gc on>" in modules
    assert db.session.scalar(select(PublicNotice.status).where(PublicNotice.id == notice_id)) == "closed"
    moved = db.session.get(Application, application_id)
    assert (moved.status, moved.current_step) == ("in_review", "award")


def test_demo_on_the_core_app_renders_its_notices_ahead_as_the_site_does(command_env, tmp_path):
    """``demo`` publishes notices; the hook that renders a published notice's PDF into the store
    is registered by core.documents.views, which the core app does not import: the command does."""
    from core.documents.render import fonts_ready

    proc, modules = zhongchuang(command_env, "demo")
    assert proc.returncode == 0, proc.stderr
    assert "core.documents.views" in modules and "flask_admin" not in modules
    if not fonts_ready():
        pytest.skip("the cut fonts are missing (scripts/setup_pdf_tools.sh): nothing is rendered ahead")
    assert list((tmp_path / "instance" / "rendered" / "notice").glob("*/*.pdf"))
