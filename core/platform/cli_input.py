"""What every command of CONTRACTS §2–§5 shares: bad input is ONE line on standard error
naming the offending key or option, exit 2, nothing on standard output, no traceback.

Click's own usage errors (a missing or unknown option) are folded into the same one line
(``OneLineCommand``); a date option is a real YYYY-MM-DD, today by the platform's clock.
"""
from __future__ import annotations

import json
import re
from datetime import date

import click

from core.platform import clock

BAD_INPUT = 2
_DATE_RE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


class BadInput(Exception):
    """One line for standard error (already naming the key or option)."""


class OneLineCommand(click.Command):
    """A command whose usage errors are one line on standard error, exit 2."""

    def make_context(self, info_name, args, parent=None, **extra):
        try:
            return super().make_context(info_name, args, parent=parent, **extra)
        except click.UsageError as exc:
            fail(" ".join(exc.format_message().split()))


def fail(line: str):
    """The one line on standard error, then exit 2."""
    # One line that any terminal can take: a lone surrogate from the input is shown escaped.
    line = " ".join(line.split()).encode("utf-8", "backslashreplace").decode("utf-8")
    click.echo(line, err=True)
    raise click.exceptions.Exit(BAD_INPUT)


def print_answer(answer: dict) -> None:
    click.echo(json.dumps(answer, ensure_ascii=False, indent=2))


def parse_date(option: str, text: str | None) -> date:
    """``text`` as a date, or today (Asia/Shanghai) when the option was not given."""
    if text is None:
        return clock.today()
    try:
        if not _DATE_RE.fullmatch(text):
            raise ValueError
        return date.fromisoformat(text)
    except ValueError:
        raise BadInput(f"{option}: 日期应为存在的 YYYY-MM-DD，实为 {text!r}") from None


def run(produce, *refused: type[Exception]) -> None:
    """Run ``produce()`` and print its answer; on :class:`BadInput` or one of the ``refused``
    errors (each names its key), one line and exit 2."""
    try:
        answer = produce()
    except (BadInput, *refused) as exc:
        fail(" ".join(str(exc).split()))
    print_answer(answer)
