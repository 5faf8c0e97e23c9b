"""The admin's landing page: one card per enabled jurisdiction the user may see.

Iterates the registry, so a jurisdiction installed as a separate package appears
here with no change in core.  Above the cards, for officers, leaders and the admin:
the applications nobody can act on (无人可办理, ``attendance.unattended_applications``),
each linked to its case page where an officer assigns the step or acts in its place.
A jurisdiction with no policy version in force (云科规〔2021〕1号 lapsed after 2026-04-03) says
so, with the number of its live titles that now stand under no version and where the
province registers the successor (a bureau policy version; issue 17).
At the very top, for every staff role but the admin: 待办, what this user can act on now
(``core.notify.todos``), each kind with its count, its oldest items, their age and deadline,
a late one highlighted.
Below them, for the same roles, the year-on-year charts of the accepted annual returns of
the jurisdictions they see (``core.monitoring.charts``), with the same numbers as a table.
For officers, leaders and the admin, 一览 (issue 20, ``core.admin.glance``): applications per step,
time spent in each step, titles per year and level, money against the fund of the year and the
applications past their step's time limit, each a chart (``/admin/glance/<kind>.svg``, drawn on the
server) with a table of the same numbers beside it, every number linked to the list behind it
(docs/dashboard.md).
"""
from __future__ import annotations

from dataclasses import dataclass

from flask import Response, abort
from flask_admin import AdminIndexView, expose
from flask_babel import gettext
from flask_login import current_user
from sqlalchemy import func, select

from core.accounts import roles, scoping
from core.admin import glance, tasks

from core.bureau import versions as policy_versions
from core.monitoring import charts
from core.monitoring.titles import live_criteria
from core.notify import todos
from core.review import attendance, steps
from core.platform import clock, labels
from core.accounts.admin_access import StaffAccessMixin
from core.platform.extensions import db
from core.platform.jurisdictions import enabled
from core.platform.models import Application, Recognition
from core.policy import Jurisdiction, PolicyVersion
from core.accounts.scoping import application_criteria, visible_codes


@dataclass
class Card:
    jurisdiction: Jurisdiction
    level_label: str
    policy: PolicyVersion | None
    counts: list[tuple[str, str, int]]  # (status code, label, number)
    # with no version in force: the version that lapsed (or is to come) and the live titles it leaves
    nearest: PolicyVersion | None = None
    titles_without_policy: int = 0

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


def live_title_counts(codes) -> dict[str, int]:
    """jurisdiction → its live titles (active or in rectification), one grouped statement."""
    return dict(db.session.execute(select(Recognition.jurisdiction, func.count()).where(
        Recognition.jurisdiction.in_(list(codes)), live_criteria()).group_by(Recognition.jurisdiction)).all())


def cards(user) -> list[Card]:
    """The policy in force is read with the bureau's registered versions (a successor the
    province entered counts), as the engines read it."""
    on = enabled()
    day = clock.today()
    counts = status_counts(user)
    codes = visible_codes(user)
    result = []
    for code in codes:
        policy = policy_versions.policy_in_force(code, day)
        card = Card(jurisdiction=on[code], level_label=str(labels.LEVEL_LABELS.get(on[code].level, on[code].level)),
                    policy=policy, counts=counts.get(code, []))
        if policy is None:
            card.nearest = policy_versions.nearest_policy(code, day)
        result.append(card)
    lapsed = [c.jurisdiction.code for c in result if c.policy is None]
    if lapsed:
        titles = live_title_counts(lapsed)
        for card in result:
            card.titles_without_policy = titles.get(card.jurisdiction.code, 0)
    return result


#: the roles that read the figures at a glance (and 无人可办理, the statistics charts)
BUREAU_ROLES = (roles.OFFICER, roles.LEADER, roles.ADMIN)
GLANCE_CHARTS = ("steps", "durations", "titles", "money")


@dataclass
class Glance:
    steps: list[glance.Figure]
    durations: list[glance.Figure]
    titles: list[glance.Figure]
    money: list[glance.FundLine]
    overdue: list[glance.Figure]


def read_glance(user) -> Glance:
    today = clock.today()
    return Glance(glance.applications_per_step(user), glance.time_in_step(user, today),
                  glance.titles_per_year(user, today), glance.money_against_funds(user, today),
                  glance.overdue_steps(user, today))


def _first_seen(values) -> list:
    return list(dict.fromkeys(values))


def glance_chart(kind: str, user) -> bytes:
    """The chart ``kind`` of :data:`GLANCE_CHARTS`, of what ``user`` may see: the numbers of its table."""
    today = clock.today()
    jl = labels.jurisdiction_label
    if kind == "steps":
        rows = glance.applications_per_step(user)
        steps_named = _first_seen(f.what for f in rows)
        series = [(jl(code), [float(sum(f.number for f in rows if f.jurisdiction == code and f.what == step))
                              for step in steps_named]) for code in _first_seen(f.jurisdiction for f in rows)]
        return charts.bars(gettext("Active applications per step"), steps_named, series, horizontal=True, counts=True)
    if kind == "durations":
        rows = glance.time_in_step(user, today)
        names = [f"{jl(f.jurisdiction)} · {f.extra['category']} · {f.what}" for f in rows]
        return charts.bars(gettext("Days spent in each step (stays ended in the last %(days)s days)",
                                   days=glance.DURATION_DAYS), names,
                           [(gettext("Median (days)"), [float(f.extra["median"]) for f in rows]),
                            (gettext("Mean (days)"), [float(f.extra["mean"]) for f in rows])], horizontal=True)
    if kind == "titles":
        rows = glance.titles_per_year(user, today)
        years = sorted({f.extra["year"] for f in rows})
        series = [(level, [float(sum(f.number for f in rows if f.what == level and f.extra["year"] == y))
                           for y in years]) for level in _first_seen(f.what for f in rows)]
        return charts.bars(gettext("Titles granted per year and level"), [str(y) for y in years], series,
                           stacked=True, counts=True)
    lines = glance.money_against_funds(user, today)
    return charts.bars(gettext("The fund of %(year)s: committed and paid (yuan)", year=today.year),
                       [jl(line.jurisdiction) for line in lines],
                       [(gettext("Fund"), [float(line.amount) for line in lines]),
                        (gettext("Committed (approved, not yet paid)"), [float(line.committed) for line in lines]),
                        (gettext("Paid"), [float(line.paid) for line in lines])])


class DashboardView(StaffAccessMixin, AdminIndexView):
    @expose("/glance/<kind>.svg")
    def glance_svg(self, kind: str):
        """A chart of the figures at a glance, with its own CSP (its inline ``<style>``, nothing else)."""
        if kind not in GLANCE_CHARTS or not scoping.holds(current_user, *BUREAU_ROLES):
            abort(404)
        response = Response(glance_chart(kind, current_user), mimetype="image/svg+xml")
        response.headers["Content-Security-Policy"] = charts.SVG_CSP
        response.headers["Cache-Control"] = "private, no-store"
        return response

    @expose("/")
    def index(self):
        # 无人可办理: applications nobody can act on (issue 13), for those who can resolve them
        bureau = scoping.holds(current_user, *BUREAU_ROLES)
        stuck = attendance.unattended_applications(current_user) if bureau else attendance.Unattended(0, [])
        # the accepted returns of the last years, for those who read the statistics summary
        yearly = charts.figures(visible_codes(current_user), charts.last_years(clock.today().year)) if bureau else []
        # 后台任务 that failed for good, for the admin who retries them (one COUNT)
        failed_tasks = tasks.failed_count() if current_user.role == roles.ADMIN else 0
        return self.render("admin/dashboard.html", cards=cards(current_user), today=clock.today(), stuck=stuck,
                           labels=labels, step_of=steps.step_of, yearly=yearly, failed_tasks=failed_tasks,
                           todo_groups=todos.staff_todos(current_user),
                           glance=read_glance(current_user) if bureau else None,
                           duration_days=glance.DURATION_DAYS)
