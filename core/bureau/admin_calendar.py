"""The working-day calendar in the admin: single days, and a year's arrangement in one go.

The calendar is one national calendar (the State Council's holiday arrangement) shared
by every jurisdiction's notice periods, so only the provincial admin edits it; officers
and leaders read it, to see why a period ends where it does.

* ``CalendarDayView`` (``/admin/calendarday/``) — the days entered, one by one: a
  correction of a known year, or a day of a year not yet entered.  A single day never
  makes its year known (CONTRACTS §3).
* ``CalendarYearView`` (``/admin/calendar/``) — which years are known and from where,
  and per year a form for the whole arrangement (rest days, make-up working days, the
  notice it follows) with the mark "complete", which alone makes the year known.

Writes go through ``core.bureau.operations`` (validated, audited, nothing written half).
"""
from __future__ import annotations

from datetime import date

from flask import abort, flash, redirect, request, url_for
from flask_admin import BaseView, expose
from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import func, select
from wtforms import DateField, SelectField, StringField
from wtforms.validators import Length, Optional

from core.accounts import roles

from core.bureau import data, operations
from core.platform import clock
from core.accounts.admin_access import AdminForm, StaffAccessMixin
from core.bureau.admin_settings import BAD_DATE, BureauView, refuse, replace_parse_errors, required
from core.platform.extensions import db
from core.platform.models import CalendarDay, CalendarYear, User
from core.bureau.setting_checks import SettingsError
from core.workdays import HOLIDAY_LAW, PACKAGE_YEARS, WorkdayCalendar, statutory_holidays

READ_ROLES = (roles.ADMIN, roles.OFFICER, roles.LEADER)


def _lengthen_open_notices() -> None:
    """A calendar change may make an open notice's period longer: the notice package (a
    registered listener) lengthens it now, and we say so."""
    for message in operations.notify_calendar_changed(current_user):
        flash(message, "warning")


# --- single days ----------------------------------------------------------------------


class CalendarDayForm(AdminForm):
    day = DateField(_l("Date"), validators=[required(BAD_DATE)])
    is_workday = SelectField(_l("Working day"), choices=[], validate_choice=True)
    note = StringField(_l("Note"), validators=[Optional(), Length(max=200)])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "day" in self:
            replace_parse_errors(self.day, BAD_DATE)
        self.is_workday.choices = [("1", gettext("Working day")), ("0", gettext("Rest day"))]
        if kwargs.get("obj") is not None and not self.is_submitted():
            self.is_workday.data = "1" if kwargs["obj"].is_workday else "0"


class CalendarDayView(BureauView):
    allowed_roles = (roles.ADMIN,)
    create_roles = ()
    edit_roles = ()
    form = CalendarDayForm
    column_default_sort = ("day", True)
    column_list = ("day", "is_workday", "note")
    column_labels = {"day": _l("Date"), "is_workday": _l("Working day"), "note": _l("Note")}
    column_formatters = {"is_workday": lambda v, c, m, n: gettext("Working day") if m.is_workday else gettext(
        "Rest day")}

    def edit_form(self, obj=None):
        form = super().edit_form(obj)
        del form.day  # the date is the row's key: correct another day by adding it
        return form

    def get_one(self, id):
        try:
            day = date.fromisoformat(str(id))
        except ValueError:
            return None
        return self.get_query().filter(self.model.day == day).one_or_none()

    def _save(self, form, day: date):
        try:
            row = operations.set_calendar_day(day, form.is_workday.data == "1", note=form.note.data or None,
                                            actor=current_user)
        except SettingsError as exc:
            return refuse(form, exc)
        _lengthen_open_notices()
        return row

    def create_model(self, form):
        return self._save(form, form.day.data)

    def update_model(self, form, model):
        return bool(self._save(form, model.day))


# --- a year's arrangement -------------------------------------------------------------


def _lines(rows: list[CalendarDay]) -> str:
    """Days as the form lists them: one per line, with the note."""
    return "\n".join(f"{r.day.isoformat()} {r.note}".strip() if r.note else r.day.isoformat() for r in rows)


def _year_rows() -> list[dict]:
    """Every year the bureau has touched: marked (complete or not) or with single days."""
    marked = {r.year: r for r in db.session.scalars(select(CalendarYear))}
    day_counts = dict(db.session.execute(
        select(func.extract("year", CalendarDay.day), func.count()).group_by(func.extract("year", CalendarDay.day))
    ).all())
    day_counts = {int(y): n for y, n in day_counts.items()}
    rows = []
    for year in sorted(set(marked) | set(day_counts), reverse=True):
        row = marked.get(year)
        editor = db.session.get(User, row.updated_by_id) if row is not None and row.updated_by_id else None
        rows.append({"year": year, "complete": bool(row and row.complete), "document": row.document if row else None,
                     "days": day_counts.get(year, 0), "updated_at": row.updated_at if row else None,
                     "editor": editor, "package": WorkdayCalendar.package_knows_year(year)})
    return rows


class CalendarYearView(StaffAccessMixin, BaseView):
    allowed_roles = READ_ROLES

    def _may_edit(self) -> bool:
        return current_user.role == roles.ADMIN

    @expose("/")
    def index(self):
        today = clock.today()
        calendar = data.calendar()
        upcoming = [y for y in (today.year, today.year + 1) if not calendar.knows_year(y)]
        return self.render("admin/calendar_years.html", rows=_year_rows(), upcoming=upcoming,
                           package_years=PACKAGE_YEARS, may_edit=self._may_edit(),
                           years=operations.CALENDAR_YEARS)

    @expose("/go")
    def go(self):
        """The year typed in the index page's box → its page (a wrong year: back, with the reason)."""
        text = (request.args.get("year") or "").strip()
        if not (text.isascii() and text.isdigit() and int(text) in operations.CALENDAR_YEARS):
            flash(gettext("Enter a year between %(first)s and %(last)s.", first=operations.CALENDAR_YEARS.start,
                          last=operations.CALENDAR_YEARS.stop - 1), "error")
            return redirect(url_for(".index"))
        return redirect(url_for(".year", year=int(text)))

    def _render_year(self, year: int, typed: dict, error: dict | None = None, status: int = 200):
        row = db.session.get(CalendarYear, year)
        return self.render(
            "admin/calendar_year.html", year=year, row=row, typed=typed, error=error or {},
            holidays=sorted(statutory_holidays(year).items()), holiday_law=HOLIDAY_LAW,
            package=WorkdayCalendar.package_knows_year(year), may_edit=self._may_edit(),
        ), status

    @expose("/<int:year>", methods=["GET"])
    def year(self, year: int):
        if year not in operations.CALENDAR_YEARS:
            abort(404)
        days = db.session.scalars(select(CalendarDay).where(
            CalendarDay.day >= date(year, 1, 1), CalendarDay.day <= date(year, 12, 31)).order_by(CalendarDay.day)).all()
        row = db.session.get(CalendarYear, year)
        typed = {"rest_days": _lines([d for d in days if not d.is_workday]),
                 "workdays": _lines([d for d in days if d.is_workday]),
                 "document": (row.document if row else "") or "", "complete": bool(row and row.complete)}
        return self._render_year(year, typed)

    @expose("/<int:year>", methods=["POST"])
    def save(self, year: int):
        if not self._may_edit():
            abort(403)
        if year not in operations.CALENDAR_YEARS:
            abort(404)
        typed = {"rest_days": request.form.get("rest_days", ""), "workdays": request.form.get("workdays", ""),
                 "document": request.form.get("document", ""), "complete": request.form.get("complete") == "1"}
        try:
            operations.set_calendar_year(
                year, rest_days=operations.parse_calendar_lines(typed["rest_days"], "rest_days"),
                workdays=operations.parse_calendar_lines(typed["workdays"], "workdays"),
                complete=typed["complete"], document=typed["document"], actor=current_user)
        except SettingsError as exc:
            db.session.rollback()
            return self._render_year(year, typed, {exc.key: exc.message}, 400)
        flash(gettext("The arrangement of %(year)s has been saved.", year=year), "success")
        _lengthen_open_notices()
        return redirect(url_for(".year", year=year))
