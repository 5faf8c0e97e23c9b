"""The ``zhongchuang`` command: Flask's group over the app factory (so ``run`` and
``db upgrade`` work) plus the platform's own commands, one module per idea."""
from __future__ import annotations

import sys

import click
from flask.cli import FlaskGroup

from core.app import create_app


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
    from core import cli_operations, cli_platform, cli_policy
    from core.documents import cli as cli_documents
    from core.notice import cli as cli_workflow

    for module in (cli_platform, cli_policy, cli_workflow, cli_documents, cli_operations):
        for command in module.COMMANDS:
            cli.add_command(command)


_register()


def main() -> None:
    cli(prog_name="zhongchuang")
