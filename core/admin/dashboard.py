"""The admin's landing page: one card per enabled jurisdiction the user may see.

Iterates the registry, so a jurisdiction installed as a separate package appears
here with no change in core.  Above the cards, for officers, leaders and the admin:
the applications nobody can act on (无人可办理, ``attendance.unattended_applications``),
each linked to its case page where an officer assigns the step or acts in its place.
Below them, for the same roles, the year-on-year charts of the accepted annual returns of
the jurisdictions they see (``core.monitoring.charts``), with the same numbers as a table.
"""
from __future__ import annotations

from dataclasses import dataclass

from flask_admin import AdminIndexView, expose
from flask_login import current_user
from sqlalchemy import func, select

from core.accounts import roles

from core.monitoring import charts
from core.review import attendance, steps
from core.platform import clock, labels
from core.accounts.admin_access import StaffAccessMixin
from core.platform.extensions import db
from core.platform.jurisdictions import enabled, registry
from core.platform.models import Application
from core.policy import Jurisdiction, PolicyVersion
from core.accounts.scoping import application_criteria, visible_codes


@dataclass
class Card:
    jurisdiction: Jurisdiction
    level_label: str
    policy: PolicyVersion | None
    counts: list[tuple[str, str, int]]  # (status code, label, number)

    @property
    def total(self) -> int:
        return sum(n for _, _, n in self.counts)


def status_counts(user) -> dict[str, list[tuple[str, str, int]]]:
    """jurisdiction → (status code, label, number) of the applications ``user`` may see:
    one grouped statement for every card, answered from ix_applications_step_groups (its first two columns)."""
    found: dict[str, dict[str, int]] = {}
    for code, status, number in db.session.execute(
        select(Application.jurisdiction, Application.status, func.count())
        .where(application_criteria(user))
        .group_by(Application.jurisdiction, Application.status)
    ):
        found.setdefault(code, {})[status] = number
    return {code: _ordered(by_status) for code, by_status in found.items()}


def _ordered(found: dict[str, int]) -> list[tuple[str, str, int]]:
    ordered = [s for s in labels.STATUS_LABELS if s in found] + sorted(s for s in found if s not in labels.STATUS_LABELS)
    return [(s, labels.status_label(s), found[s]) for s in ordered]


def cards(user) -> list[Card]:
    reg = registry()
    on = enabled()
    day = clock.today()
    counts = status_counts(user)
    return [
        Card(
            jurisdiction=on[code],
            level_label=str(labels.LEVEL_LABELS.get(on[code].level, on[code].level)),
            policy=reg.policy_in_force(code, day),
            counts=counts.get(code, []),
        )
        for code in visible_codes(user)
    ]


class DashboardView(StaffAccessMixin, AdminIndexView):
    @expose("/")
    def index(self):
        # 无人可办理: applications nobody can act on (issue 13), for those who can resolve them
        bureau = current_user.role in (roles.OFFICER, roles.LEADER, roles.ADMIN)
        stuck = attendance.unattended_applications(current_user) if bureau else attendance.Unattended(0, [])
        # the accepted returns of the last years, for those who read the statistics summary
        yearly = charts.figures(visible_codes(current_user), charts.last_years(clock.today().year)) if bureau else []
        return self.render("admin/dashboard.html", cards=cards(current_user), today=clock.today(), stuck=stuck,
                           labels=labels, step_of=steps.step_of, yearly=yearly)
