"""What the case page's award step asks of the award package.

The award (title, certificate, subsidies: ``core.award.titles``) sits above review, so
the case page does not import it: ``core.award.titles`` registers its functions here at
import (:func:`register`); core/award/__init__.py imports it, so any import of the
award package (the app's admin does) puts the desk in place.  Without a desk the award
is the workflow's bare transition, as before the award package existed.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any, Callable

from core.platform.models import Application


@dataclass(frozen=True)
class AwardDesk:
    grant: Callable[[Application, Any, date], Any]  # the title, certificate and subsidies, with the award act
    certificate_title: Callable[[Application], "str | None"]  # the title as confirmed so far
    proposed_title: Callable[[Application], "str | None"]  # the title the policy's formula gives
    set_certificate_title: Callable[..., str]  # (application, value, actor, today, *, commit=True)
    title_max: int  # the longest title the certificate takes
    # the space's other titles (core.award.ladder): of any jurisdiction of this platform — a 昆明 title
    # is seen by 云南's reviewers — and those won elsewhere that a bureau recorded, for the case page
    other_titles: Callable[[Application], list] | None = None


_desk: AwardDesk | None = None


def register(desk: AwardDesk) -> None:
    global _desk
    _desk = desk


def desk() -> AwardDesk | None:
    """The registered award desk, or None (the award is then the bare transition)."""
    return _desk


def required() -> AwardDesk:
    """The registered award desk, for a page that cannot work without it."""
    if _desk is None:
        raise LookupError("no award desk registered: import core.award")
    return _desk
