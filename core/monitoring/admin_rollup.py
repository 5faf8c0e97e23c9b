"""统计汇总 in the admin (``/admin/statistics-summary``): the roll-up of a year's accepted
returns (core.monitoring.rollup) for one jurisdiction the user may see — or, for the provincial
admin, the whole deployment (全部辖区) — its totals and rows, the workbook to download
(core.monitoring.export), and the dashboard's year-on-year charts (core.monitoring.charts).

Officers, leaders and the admin only (403 for the other roles); a jurisdiction outside the
user's scope is a 404, as if it did not exist.  Reads only: nothing here writes.
"""
from __future__ import annotations

import re

from flask import Response, abort, request, stream_with_context
from flask_admin import BaseView, expose
from flask_babel import gettext
from flask_login import current_user

from core.accounts import roles, scoping
from core.accounts.admin_access import StaffAccessMixin
from core.monitoring import charts
from core.monitoring.export import headers, where_label, write_workbook
from core.monitoring.rollup import rollup
from core.platform import clock, exports, labels

ALL = "all"  # the whole deployment: the admin's choice only
READ_ROLES = (roles.ADMIN, roles.OFFICER, roles.LEADER)
FIRST_YEAR = 2000
_YEAR_RE = re.compile(r"[0-9]{4}")


def jurisdiction_choices(user) -> list[tuple[str, str]]:
    choices = [(ALL, gettext("All jurisdictions"))] if scoping.is_admin(user) else []
    return choices + labels.jurisdiction_choices(scoping.visible_codes(user))


def chosen_codes(user, choice: str | None) -> tuple[str, list[str]]:
    """(the choice, the jurisdictions it rolls up); 404 for one the user may not see."""
    visible = scoping.visible_codes(user)
    if not choice:
        choice = ALL if scoping.is_admin(user) else (visible[0] if visible else "")
    if choice == ALL and scoping.is_admin(user):
        return choice, visible
    if choice not in visible:
        abort(404)
    return choice, [choice]


def parse_year(text: str | None) -> tuple[int | None, str | None]:
    """(the year, None) or (None, the error to show next to the field); empty: last year."""
    this_year = clock.today().year
    if text is None or not text.strip():
        return this_year - 1, None
    text = text.strip()
    if not _YEAR_RE.fullmatch(text) or not FIRST_YEAR <= int(text) <= this_year:
        return None, gettext("Enter a year between %(first)s and %(last)s.", first=FIRST_YEAR, last=this_year)
    return int(text), None


class StatisticsSummaryView(StaffAccessMixin, BaseView):
    allowed_roles = READ_ROLES

    @expose("/")
    def index(self):
        choice, codes = chosen_codes(current_user, request.args.get("jurisdiction"))
        typed = request.args.get("year", "")
        year, year_error = parse_year(typed)
        roll = rollup(codes, year) if year is not None else None
        return self.render("admin/statistics_summary.html", choices=jurisdiction_choices(current_user),
                           choice=choice, typed_year=typed if year is None else str(year), year_error=year_error,
                           roll=roll, headers=headers(roll) if roll else [],
                           where=(gettext("All jurisdictions") if choice == ALL else where_label(roll)) if roll else "",
                           labels=labels), 400 if year_error else 200

    @expose("/export.xlsx")
    def export(self):
        choice, codes = chosen_codes(current_user, request.args.get("jurisdiction"))
        year, year_error = parse_year(request.args.get("year"))
        if year_error:
            abort(400, description=year_error)
        roll = rollup(codes, year)
        made_at = clock.now()
        name = exports.export_filename(f"统计汇总_{where_label(roll, choice == ALL)}_{year}", "xlsx", made_at)
        body = exports.written_chunks(lambda out: write_workbook(out, roll, made_at, whole_deployment=choice == ALL))
        return Response(stream_with_context(body), mimetype=exports.XLSX_MIMETYPE, headers={
            "Content-Disposition": exports.content_disposition(name, f"statistics-{year}.xlsx")})

    @expose("/chart.svg")
    def chart(self):
        """The dashboard's chart ``?kind=counts|money`` of the jurisdictions the user may see."""
        kind = request.args.get("kind", "counts")
        if kind not in charts.KINDS:
            abort(404)
        rows = charts.figures(scoping.visible_codes(current_user), charts.last_years(clock.today().year))
        response = Response(charts.svg(kind, rows), mimetype="image/svg+xml")
        response.headers["Content-Security-Policy"] = charts.SVG_CSP  # its inline <style>, nothing else
        response.headers["Cache-Control"] = "private, no-store"
        return response
