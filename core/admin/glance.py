"""The dashboard at a glance (issue 20): the figures officers, leaders and the provincial admin read
on their first page, each within what the user may see, each linked to the list behind it.

- **Applications per step**: the applications at a step (submitted, in review, under public notice) by jurisdiction,
  category, current step and status, the step named as its plugin names it: one grouped statement.
- **Time spent in each step**: every stay at a step that ended with a bureau's move in the last
  :data:`DURATION_DAYS` days — from the move that brought the application to the step to the move
  that took it on (the ``review_records`` of the workflow's actions: one row per move, written in the
  same transaction as the move, indexed by application; the audit log says the same but keys its rows
  by text) — in whole days, median and mean.  The database groups the stays by step and by number
  of days (a histogram, a few hundred rows); the median is read from it here, so the same statement
  runs on SQLite and PostgreSQL.
- **Titles per year and level**: the titles granted, by year of grant and level, of the last
  :data:`TITLE_YEARS` years.
- **Money against the fund of the year**: each jurisdiction's fund of this year, what it has
  committed (approved, not yet paid) and paid (``core.money.funds``).
- **Overdue**: the active applications past the bureau's time limit for their step, by
  jurisdiction — the to-do list's rule (``core.notify.todos.late_condition``), counted in SQL; the
  list's 超期 filter applies the same condition.

Every figure links to the list behind it: the admin list filtered (:func:`list_url` finds each
Flask-Admin filter's position at run time from the view's own filter list, so a filter added or
moved there changes no URL here), or the closest page where no list exists (a fund's page; the
applications at a step now, for the stays that ended there).
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta, timezone

from flask import current_app, url_for
from flask_babel import gettext
from sqlalchemy import Integer, cast, func, or_, select, tuple_
from sqlalchemy.orm import aliased

from core.accounts.scoping import application_criteria, criteria_for, visible_codes
from core.bureau import data as bureau_data
from core.money import funds
from core.notify import todos
from core.platform import clock, labels
from core.platform.extensions import db
from core.platform.models import Application, Recognition, ReviewRecord, SubsidyEntitlement, SupportFund
from core.review import workflow
from core.review.moves import ACTIVE

__all__ = ["DURATION_DAYS", "TITLE_YEARS", "Figure", "list_url", "applications_per_step", "time_in_step",
           "titles_per_year", "money_against_funds", "overdue_steps"]

#: the stays at a step that count for its time: those ended in the last 90 days (our choice: the current pace, and
#: a bounded read — about a quarter of a year's moves)
DURATION_DAYS = 90
#: the years of titles shown, this one included (our choice)
TITLE_YEARS = 10
#: the moves that end a stay at a step: the bureau's; a return waits for the applicant, whose own
#: moves (submit, resubmit, withdraw) begin a stay and end none
BUREAU_MOVES = tuple(a for a in workflow.ACTIONS if a not in workflow.APPLICANT_ACTIONS)


@dataclass
class Figure:
    """One row of a table beside a chart: words, the number(s), and the list behind them."""

    jurisdiction: str
    what: str                        # the step, the level…: words, never a code
    number: int | float
    url: str | None = None
    extra: dict = field(default_factory=dict)


# --- the admin list behind a figure ---------------------------------------------------------------


def _model_view(endpoint: str):
    for admin in current_app.extensions.get("admin", []):
        for view in admin._views:
            if view.endpoint == endpoint:
                return view
    return None


def _msgid(text) -> str:
    """A lazy translation's English msgid (the words in any language), or the text itself."""
    args = getattr(text, "_args", None)
    return str(args[0]) if args else str(text)


def _matches(flt, key: str) -> bool:
    """``flt`` is the filter named ``key``: its column's name, its key name, or its name (the English msgid)."""
    column = getattr(flt, "column", None)
    column_key = column if isinstance(column, str) else getattr(column, "key", None)
    return key in (column_key, getattr(flt, "key_name", None), _msgid(flt.name))


def list_url(endpoint: str, **chosen) -> str | None:
    """The admin list ``endpoint`` filtered by ``chosen`` (filter's column or name → value), as
    Flask-Admin spells it (``flt<position>_<the filter's index in the view's list>=value``), the
    index found at run time; None when the view has no such equality filter (the figure is then shown
    unlinked rather than linked to a list that would not show it)."""
    view = _model_view(endpoint)
    found = getattr(view, "_filters", None) or []
    args = {}
    for position, (key, value) in enumerate(chosen.items()):
        matching = [i for i, flt in enumerate(found) if _matches(flt, key)]
        # a column filtered several ways (equals, not equal, greater…): the equality, or the range for a date
        plain = [i for i in matching if _msgid(found[i].operation()) in ("equals", "between")]
        index = (plain or matching or [None])[0]
        if index is None:
            return None
        args[f"flt{position}_{view.get_filter_arg(index, found[index])}"] = value
    return url_for(f"{endpoint}.index_view", **args)


def application_list(jurisdiction: str, **more) -> str | None:
    return list_url("application", jurisdiction=jurisdiction, **more)


# --- applications per step -----------------------------------------------------------------------


def applications_per_step(user) -> list[Figure]:
    """The applications at a step — active, or under public notice (公示 is a step of the workflow) —
    by jurisdiction, category, step and status, in the jurisdictions' order."""
    rows = db.session.execute(
        select(Application.jurisdiction, Application.category, Application.current_step, Application.status,
               func.count())
        .where(application_criteria(user), Application.status.in_((*ACTIVE, "under_notice")),
               Application.current_step.isnot(None))
        .group_by(Application.jurisdiction, Application.category, Application.current_step, Application.status)
    ).all()
    order = {code: i for i, code in enumerate(visible_codes(user))}
    figures = []
    for code, category, step, status, number in sorted(rows, key=lambda r: (order.get(r[0], 99), r[1], r[2], r[3])):
        figures.append(Figure(code, labels.step_name(code, category, step) or "—", number,
                              application_list(code, category=category, current_step=step, status=status),
                              {"category": labels.category_label(code, category),
                               "status": labels.status_label(status)}))
    return figures


# --- time spent in each step -----------------------------------------------------------------------


def _whole_days(later, earlier):
    if db.session.get_bind().dialect.name == "postgresql":
        return cast(func.floor(func.extract("epoch", later - earlier) / 86400), Integer)
    return cast(func.julianday(later) - func.julianday(earlier), Integer)


def _median(histogram: list[tuple[int, int]]) -> float:
    """The median of the days given as (days, how many), sorted by days."""
    total = sum(n for _, n in histogram)
    wanted = [(total - 1) // 2, total // 2]  # the middle one, or the middle two
    found, seen = [], 0
    for days, n in histogram:
        while wanted and wanted[0] < seen + n:
            found.append(days)
            wanted.pop(0)
        seen += n
    return sum(found) / len(found)


def time_in_step(user, today: date | None = None) -> list[Figure]:
    """The stays at each step ended by a bureau's move in the last :data:`DURATION_DAYS` days,
    per jurisdiction, category and step: how many, median and mean whole days."""
    today = today or clock.today()
    # in UTC, as stored: SQLite compares the text of the timestamps, and a Beijing-time bound would be 8 hours off
    since = clock.start_of(today - timedelta(days=DURATION_DAYS)).astimezone(timezone.utc)
    # each stay ended since then (ix_review_records_created_at), in the user's scope, and the move before
    # it — the latest earlier move of the same application, one backward step of ix_review_records_moves
    # each, asked only for the stays left once the scope is applied
    stays = (select(ReviewRecord.id, ReviewRecord.application_id, ReviewRecord.step, ReviewRecord.created_at)
             .where(ReviewRecord.action.in_(BUREAU_MOVES), ReviewRecord.created_at >= since).subquery())
    earlier = aliased(ReviewRecord)
    entered = (select(earlier.created_at)
               .where(earlier.application_id == stays.c.application_id, earlier.action.in_(workflow.ACTIONS),
                      tuple_(earlier.created_at, earlier.id) < tuple_(stays.c.created_at, stays.c.id))
               .order_by(earlier.created_at.desc(), earlier.id.desc()).limit(1)
               .correlate(stays).scalar_subquery())
    days = _whole_days(stays.c.created_at, entered).label("days")
    rows = db.session.execute(
        select(Application.jurisdiction, Application.category, stays.c.step, days, func.count())
        .join(Application, Application.id == stays.c.application_id)
        .where(application_criteria(user))
        .group_by(Application.jurisdiction, Application.category, stays.c.step, days)
    ).all()
    histograms: dict[tuple, list[tuple[int, int]]] = defaultdict(list)
    for code, category, step, n_days, number in rows:
        if n_days is None:  # no move before it (an application imported mid-way): no stay to measure
            continue
        histograms[(code, category, step)].append((max(int(n_days), 0), number))
    order = {code: i for i, code in enumerate(visible_codes(user))}
    figures = []
    for (code, category, step), histogram in sorted(histograms.items(), key=lambda i: (order.get(i[0][0], 99),
                                                                                         i[0][1], i[0][2])):
        histogram.sort()
        stays = sum(n for _, n in histogram)
        mean = sum(d * n for d, n in histogram) / stays
        figures.append(Figure(code, labels.step_name(code, category, step) or "—", stays,
                              application_list(code, category=category, current_step=step),
                              {"category": labels.category_label(code, category),
                               "median": round(_median(histogram), 1), "mean": round(mean, 1)}))
    return figures


# --- titles per year and level ------------------------------------------------------------------------


def titles_per_year(user, today: date | None = None) -> list[Figure]:
    """The titles granted in each of the last :data:`TITLE_YEARS` years, by level (revoked ones
    included: they were granted that year)."""
    today = today or clock.today()
    first = today.year - TITLE_YEARS + 1
    year = func.extract("year", Recognition.granted_on)
    rows = db.session.execute(
        select(year, Recognition.level, func.count())
        .where(criteria_for(Recognition, user), Recognition.granted_on >= date(first, 1, 1))
        .group_by(year, Recognition.level).order_by(year, Recognition.level)).all()
    return [Figure("", labels.recognition_level_label(level), number,
                   list_url("recognition", level=level,
                            granted_on=f"{int(y)}-01-01 to {int(y)}-12-31"),
                   {"year": int(y), "level": level}) for y, level, number in rows]


# --- money against the fund of the year ---------------------------------------------------------------


@dataclass
class FundLine:
    jurisdiction: str
    fund_id: int | None
    amount: int
    committed: int
    paid: int
    url: str

    @property
    def remaining(self) -> int:
        return self.amount - self.committed - self.paid


def money_against_funds(user, today: date | None = None) -> list[FundLine]:
    """Each visible jurisdiction's fund of this year with what is committed and paid against it, in one
    statement (the sums of ``funds.committed_and_paid``); a jurisdiction without a fund this year is
    listed with nothing, linked to the funds page where one is registered."""
    year = (today or clock.today()).year
    codes = visible_codes(user)
    if not codes:
        return []
    committed, paid = funds.committed_and_paid(SubsidyEntitlement.__table__.c)
    rows = db.session.execute(
        select(SupportFund.jurisdiction, SupportFund.id, SupportFund.amount_cny, committed, paid)
        .outerjoin(SubsidyEntitlement, SubsidyEntitlement.fund_id == SupportFund.id)
        .where(SupportFund.jurisdiction.in_(codes), SupportFund.year == year)
        .group_by(SupportFund.jurisdiction, SupportFund.id, SupportFund.amount_cny)).all()
    by_code = {row[0]: row for row in rows}
    lines = []
    for code in codes:
        if code not in by_code:
            lines.append(FundLine(code, None, 0, 0, 0, url_for("funds.index")))
            continue
        _, fund_id, amount, committed_cny, paid_cny = by_code[code]
        lines.append(FundLine(code, fund_id, amount, int(committed_cny), int(paid_cny),
                              url_for("funds.show", fund_id=fund_id)))
    return lines


# --- overdue ---------------------------------------------------------------------------------------


def overdue_steps(user, today: date | None = None) -> list[Figure]:
    """The active applications past the bureau's time limit for their step, per jurisdiction with a
    limit: the to-do list's rule (``todos.step_entered``: the last move, else the submission, else the
    last change — entered on or before ``todos.late_cutoff``), in one grouped statement of
    ``todos.late_condition``, the condition the list's 超期 filter applies too."""
    today = today or clock.today()
    limited = [code for code in visible_codes(user) if todos.step_limit(code) is not None]
    if not limited:
        return []
    calendar = bureau_data.calendar()  # read once for every jurisdiction
    cutoffs = {code: todos.late_cutoff(code, today, calendar) for code in limited}
    late = [todos.late_condition(code, day) for code, day in cutoffs.items()]
    rows = dict(db.session.execute(
        select(Application.jurisdiction, func.count())
        .where(application_criteria(user), or_(*late))
        .group_by(Application.jurisdiction)).all())
    # the list of exactly those: the jurisdiction's applications filtered by 超期 (core.admin.application_list)
    return [Figure(code, gettext("Past the time limit of its step"), rows.get(code, 0),
                   application_list(code, overdue="1"), {"cutoff": day}) for code, day in cutoffs.items()]
