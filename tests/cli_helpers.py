"""What the command-line tests share: a command run through Flask's CLI runner, and the
check of CONTRACTS' answer to bad input (one line naming the key, exit 2)."""
from __future__ import annotations

from core.cli import cli


def run(app, *args, input=None):
    """The command through Flask's CLI runner (Click 8.2+: ``stdout`` and ``stderr`` apart,
    ``output`` both)."""
    return app.test_cli_runner().invoke(cli, list(args), input=input)


def assert_bad_input(result, *named) -> str:
    """Exit 2, nothing on stdout, exactly one line on stderr naming each of ``named``, no
    traceback; the line."""
    assert result.exit_code == 2, (result.stdout, result.stderr)
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    for word in named:
        assert word in lines[0], lines[0]
    assert "Traceback" not in result.stderr
    return lines[0]
