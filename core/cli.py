"""The ``zhongchuang`` command: Flask's group over the app factory (so ``run``, ``shell``,
``routes`` and ``db upgrade`` work on the site) plus the commands, each kept with its package
(``core/<package>/cli.py``) and registered here; the site's own (plugins, create-user, demo;
backup, restore, uploads sweep) are core.cli_platform and core.cli_operations.

Start-up (issue 15): a command's module is imported only when that command is asked for, and
our commands run on the core app (``create_app(web=False)``: no pages, no admin, no Alembic);
only Flask's commands and ``db`` build the whole site."""
from __future__ import annotations

import gc
import importlib
import sys

import click
from flask.cli import FlaskGroup, ScriptInfo

# Each command's name → the module whose ``COMMANDS`` holds it (tests/cli/test_cli_startup.py
# checks this against the modules).
COMMANDS = {
    "plugins": "core.cli_platform",
    "create-user": "core.cli_platform",
    "demo": "core.cli_platform",
    "evaluate": "core.eligibility.cli",
    "notice-period": "core.notice.cli",
    "tick": "core.notice.cli",
    "subsidies": "core.award.cli",
    "support": "core.award.cli",
    "render": "core.documents.cli",
    "statistics": "core.monitoring.cli",
    "standing": "core.monitoring.standing_cli",
    "policy-test": "core.policy_cases.cli",
    "backup": "core.cli_operations",
    "restore": "core.cli_operations",
    "uploads": "core.cli_operations",
}


def _one_line_on_bad_setting(factory):
    """The app, or — for a bad setting in the environment (ZHONGCHUANG_LOG_LEVEL=LOUD…) —
    one line naming it on standard error and exit 2, never a traceback."""
    try:
        app = factory()
    except ValueError as exc:  # core.platform.errors.Refused and the checks of core.platform.config
        click.echo(" ".join(str(exc).split()), err=True)
        sys.exit(2)
    if not gc.isenabled():  # main() turned collection off for the start-up (not so under a test runner)
        # The modules and the app live as long as the process: out of the collector's sight
        # from here on (no collection can free them, and none at exit walks them again); the
        # command's own objects are collected as usual.
        gc.freeze()
        gc.enable()
    return app


def _create_site():
    from core.app import create_app

    return _one_line_on_bad_setting(create_app)


def _create_core_app():
    from core.app import create_app

    return _one_line_on_bad_setting(lambda: create_app(web=False))


class _Group(FlaskGroup):
    """Flask's group, with our commands loaded on demand and run on the core app."""

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        module = COMMANDS.get(name)
        if module is None:  # Flask's own, or the site's (``db``): FlaskGroup builds the site for those
            return super().get_command(ctx, name)
        return next(c for c in importlib.import_module(module).COMMANDS if c.name == name)

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(set(super().list_commands(ctx)) | set(COMMANDS))

    def resolve_command(self, ctx: click.Context, args: list[str]):
        name, command, rest = super().resolve_command(ctx, args)
        info = ctx.ensure_object(ScriptInfo)
        # Only our own factory is swapped: an app given by the caller (Flask's test runner) stays.
        if name in COMMANDS and info.create_app is _create_site:
            info.create_app = _create_core_app
        return name, command, rest


@click.group(cls=_Group, create_app=_create_site, add_version_option=False)
def cli() -> None:
    """众创空间认定管理平台 zhongchuang."""


def main() -> None:
    # Start-up allocates the modules, the mapped classes and the app, none of them garbage:
    # collecting meanwhile only costs time (issue 15). The app's factory turns it back on.
    gc.disable()
    cli(prog_name="zhongchuang")
