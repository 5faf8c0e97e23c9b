"""The ``zhongchuang`` command: Flask's group over the app factory (so ``run`` and
``db upgrade`` work) plus the platform's own commands, one module per idea."""
from __future__ import annotations

import click
from flask.cli import FlaskGroup

from core.app import create_app


@click.group(cls=FlaskGroup, create_app=lambda: create_app(), add_version_option=False)
def cli() -> None:
    """众创空间认定管理平台 zhongchuang."""


def _register() -> None:
    from core import cli_documents, cli_operations, cli_platform, cli_policy, cli_workflow

    for module in (cli_platform, cli_policy, cli_workflow, cli_documents, cli_operations):
        for command in module.COMMANDS:
            cli.add_command(command)


_register()


def main() -> None:
    cli(prog_name="zhongchuang")
