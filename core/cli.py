"""The ``zhongchuang`` command: Flask's group over the app factory (so ``run`` and
``db upgrade`` work) plus the commands, each kept with its package (``core/<package>/cli.py``)
and registered here; the site's own (plugins, create-user, demo; backup, restore, uploads
sweep) are core.cli_platform and core.cli_operations."""
from __future__ import annotations

import sys

import click
from flask.cli import FlaskGroup

from core import cli_operations, cli_platform
from core.app import create_app
from core.award import cli as cli_award
from core.documents import cli as cli_documents
from core.eligibility import cli as cli_eligibility
from core.notice import cli as cli_notice


def _create_app():
    """The app, or — for a bad setting in the environment (ZHONGCHUANG_LOG_LEVEL=LOUD…) —
    one line naming it on standard error and exit 2, never a traceback."""
    try:
        return create_app()
    except ValueError as exc:  # core.platform.errors.Refused and the checks of core.platform.config
        click.echo(" ".join(str(exc).split()), err=True)
        sys.exit(2)


@click.group(cls=FlaskGroup, create_app=_create_app, add_version_option=False)
def cli() -> None:
    """众创空间认定管理平台 zhongchuang."""


def _register() -> None:
    for module in (cli_platform, cli_eligibility, cli_notice, cli_award, cli_documents, cli_operations):
        for command in module.COMMANDS:
            cli.add_command(command)


_register()


def main() -> None:
    cli(prog_name="zhongchuang")
