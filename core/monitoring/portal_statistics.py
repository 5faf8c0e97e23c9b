"""The applicant's annual statistics pages.

``/portal/statistics``                       what each of the organisation's titled spaces owes:
                                             the open windows (deadline, days left or overdue)
                                             and the returns filed
``/portal/statistics/<space>/<year>``        the return: prefilled, saved as a draft (what was
                                             typed stays), submitted once the rules pass

Applicants only; another organisation's space is a 404 (``own_space``).  The operations are
in core.monitoring.returns.
"""
from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext
from flask_login import current_user
from sqlalchemy import select

from core.intake.access import applicant_only, posted_version
from core.intake.portal_space import own_space, own_spaces
from core.monitoring import forms, returns, titles
from core.platform import clock, labels
from core.platform.extensions import db
from core.platform.models import StatisticsReturn
from core.review import applicant_pages

bp = Blueprint("portal_statistics", __name__, url_prefix="/portal/statistics")


def _days(deadline) -> tuple[int | None, int | None]:
    today = clock.today()
    return ((deadline - today).days, None) if today <= deadline else (None, (today - deadline).days)


def owed(user) -> list[dict]:
    """Each titled space of the user's organisation × each open window of its year,
    with the return's state (none, draft, submitted, returned, accepted)."""
    rows = []
    for space in own_spaces():
        codes = titles.titled_codes(space.id)
        if not codes:
            continue
        by_year: dict[int, list] = {}
        for opened in returns.open_windows(space.id):
            by_year.setdefault(opened.year, []).append(opened)
        for year, opened in sorted(by_year.items()):
            deadline = min(w.deadline for w in opened)
            found = returns.find(space.id, year)
            left, overdue = _days(deadline)
            rows.append({"space": space, "year": year, "deadline": deadline, "days_left": left,
                         "days_overdue": overdue, "status": found.status if found else "none",
                         "jurisdictions": [w.jurisdiction for w in opened]})
    return rows


def portal_tasks(user) -> list[dict]:
    """The portal's first page: returns still to file or to correct."""
    tasks = []
    for row in owed(user):
        if row["status"] not in ("none", "draft", "returned"):
            continue
        when = (gettext("%(days)s days overdue", days=row["days_overdue"]) if row["days_overdue"] is not None
                else gettext("%(days)s days left", days=row["days_left"]))
        text = gettext("File the statistics of %(year)s for %(space)s (deadline %(deadline)s, %(when)s)",
                       year=row["year"], space=row["space"].name, deadline=row["deadline"].isoformat(), when=when)
        if row["status"] == "returned":
            text = gettext("Correct the statistics of %(year)s for %(space)s, returned by the bureau",
                           year=row["year"], space=row["space"].name)
        tasks.append({"id": f"statistics-{row['space'].id}-{row['year']}", "text": text,
                      "url": url_for("portal_statistics.edit", space_id=row["space"].id, year=row["year"]),
                      "overdue": row["days_overdue"] is not None})
    return tasks


applicant_pages.PORTAL_TASKS.append(portal_tasks)


@bp.route("/")
@applicant_only
def index():
    spaces = own_spaces()
    filed = db.session.scalars(select(StatisticsReturn).where(
        StatisticsReturn.space_id.in_([s.id for s in spaces]))
        .order_by(StatisticsReturn.year.desc(), StatisticsReturn.space_id)).all() if spaces else []
    return render_template("portal/statistics.html", owed=owed(current_user), filed=filed, labels=labels)


def _typed(form) -> dict[str, str]:
    return {f.key: request.form.get(f.key, "") for f in forms.fields_of(form)}


def _render(space, year, form, found, *, typed=None, explanations=None, errors=None, refused=None,
            error=None, status=200):
    result = None
    if refused is not None:
        result = refused.result
    values = typed if typed is not None else (
        {k: ("" if v is None else v) for k, v in (found.data if found and found.data else
                                                   returns.prefill(space, year, form)).items()})
    field_errors = dict(errors or {})
    if result is not None:
        for finding in result.errors:
            field_errors.setdefault(finding.field, finding.message)
    if result is None and not errors:
        # the warnings the figures shown raise already, so their explanations can be given at once
        try:
            shown = returns.rules.read_values(form, values, unknown_ok=True)
            result = returns.rules.check(form, shown, returns.previous_values(space.id, year), require_all=False)
        except returns.rules.BadReturn:
            result = None
    warnings = {w.rule: w for w in (result.warnings if result else [])}
    deadline_windows = returns.open_windows(space.id, year)
    editable = bool(deadline_windows) and (found is None or found.status in returns.EDITABLE)
    return render_template(
        "portal/statistics_form.html", space=space, year=year, form=form, found=found, values=values,
        field_errors=field_errors, warnings=warnings,
        explanations=explanations if explanations is not None else dict(found.explanations if found else {}),
        error=error, editable=editable, windows=deadline_windows, labels=labels,
        codes=titles.titled_codes(space.id),
    ), status


@bp.route("/<int:space_id>/<int:year>", methods=["GET", "POST"])
@applicant_only
def edit(space_id: int, year: int):
    space = own_space(space_id)
    if not titles.titled_codes(space.id):
        return redirect(url_for(".index"))
    form = returns.form_for_space(space.id, year)
    found = returns.find(space.id, year)
    if request.method == "GET":
        return _render(space, year, form, found)
    typed = _typed(form)
    explanations = {k[len("explain_"):]: v for k, v in request.form.items() if k.startswith("explain_")}
    version = posted_version() if found is not None else None
    try:
        if request.form.get("action") == "submit":
            returns.submit(space, year, typed, explanations, current_user, version)
            flash(gettext("The statistics have been submitted to the bureau."), "success")
        else:
            returns.save_draft(space, year, typed, explanations, current_user, version)
            flash(gettext("The draft has been saved."), "success")
    except returns.ReturnRefused as refused:
        db.session.rollback()
        return _render(space, year, form, found, typed=typed, explanations=explanations, refused=refused,
                       error=refused.message, status=400)
    except returns.FieldErrors as bad:
        db.session.rollback()
        return _render(space, year, form, found, typed=typed, explanations=explanations, errors=bad.errors,
                       error=bad.message, status=400)
    except returns.ReturnError as refused:
        db.session.rollback()
        return _render(space, year, form, found, typed=typed, explanations=explanations, error=refused.message,
                       status=409)
    return redirect(url_for(".edit", space_id=space.id, year=year))
