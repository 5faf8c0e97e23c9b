"""How the notice desk's award button grants a title.

Granting is the award package's operation (``core.award.titles.grant``), which sits above
notice in the layer order: it is registered here when the app is built (``core.app``), and
the desk (``core.notice.admin_notices``) only calls it.
"""
from __future__ import annotations

from datetime import date
from typing import Callable

_granters: list[Callable] = []


def register(grant: Callable) -> None:
    """Make ``grant(application, actor, today) -> Recognition`` the one that awards."""
    _granters[:] = [grant]


def grant(application, actor, today: date):
    """Award the title through the registered operation (its refusals pass through)."""
    if not _granters:
        raise RuntimeError("no title granting registered (core.award.titles)")
    return _granters[0](application, actor, today)
