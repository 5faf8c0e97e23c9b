"""The bureau's annual statistics desk: ``/admin/statistics``.

``/``                      the filing windows of the user's jurisdictions, opening one, the
                           returns waiting for the user's check
``/window/<id>``           the late list of a window: every title owing the year, its return's
                           state, days left or overdue, 未填报 and the 特殊原因; changing the
                           deadline; closing the window
``/return/<id>``           a return: figures, explanations, residents; accept or return it

Officers open, close and excuse for their own jurisdictions; the checking bureau accepts or
returns (core.monitoring.returns.may_check); leaders, the admin and recommenders read (a
recommender with an area only the spaces in it).  Everything read is scoped; the operations
are in core.monitoring.returns and core.monitoring.windows.
"""
from __future__ import annotations

from datetime import date

from flask import abort, flash, redirect, request, url_for
from flask_admin import BaseView, expose
from flask_babel import gettext
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from core.accounts import roles, scoping
from core.accounts.admin_access import StaffAccessMixin
from core.monitoring import forms, returns, windows
from core.platform import clock, labels
from core.platform.extensions import db
from core.platform.models import AuditEvent, StatisticsMiss, StatisticsReturn, StatisticsWindow

READ_ROLES = (roles.OFFICER, roles.LEADER, roles.ADMIN, roles.RECOMMENDER)


def _day(raw: str | None, key: str, errors: dict) -> date | None:
    """A typed date, or None when empty (the operation says it is missing); a date that
    is not one is named in ``errors``."""
    text = (raw or "").strip()
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        errors[key] = "请按 年-月-日 填写日期"
        return None


def _scoped_window(window_id: int) -> StatisticsWindow:
    found = db.session.scalars(select(StatisticsWindow).where(
        StatisticsWindow.id == window_id,
        scoping.jurisdiction_criteria(current_user, StatisticsWindow.jurisdiction))).one_or_none()
    if found is None:
        abort(404)
    return found


def _officer_of(code: str) -> bool:
    return scoping.role_in(current_user, code) == roles.OFFICER and code in scoping.visible_codes(current_user)


def _in_area(space, code: str) -> bool:
    prefix = scoping.region_prefix_in(current_user, code)  # a recommender's area there (issue 22)
    return not prefix or space.region.startswith(prefix)


class StatisticsDeskView(StaffAccessMixin, BaseView):
    allowed_roles = READ_ROLES

    # --- the desk ----------------------------------------------------------------

    def _index(self, *, typed: dict | None = None, errors: dict | None = None, status: int = 200):
        codes = scoping.visible_codes(current_user)
        opened = db.session.scalars(select(StatisticsWindow).where(StatisticsWindow.jurisdiction.in_(codes))
                                    .order_by(StatisticsWindow.year.desc(), StatisticsWindow.jurisdiction)).all()
        waiting = db.session.scalars(
            select(StatisticsReturn).options(selectinload(StatisticsReturn.space))
            .where(StatisticsReturn.status == "submitted", returns.return_criteria(current_user))
            .order_by(StatisticsReturn.submitted_at)).all()
        mine = [r for r in waiting if returns.may_check(current_user, r)]
        may_open = [c for c in codes if _officer_of(c)]
        return self.render(
            "admin/statistics.html", windows=opened, waiting=mine, may_open=may_open, labels=labels,
            typed=typed or {"year": clock.today().year - 1}, errors=errors or {}, today=clock.today(),
            forms=forms,
        ), status

    @expose("/")
    def index(self):
        return self._index()

    @expose("/window/open", methods=["POST"])
    def open_window(self):
        typed = {k: request.form.get(k, "") for k in ("jurisdiction", "year", "opens_on", "deadline", "note")}
        code = typed["jurisdiction"]
        if not _officer_of(code):
            abort(403)
        errors: dict[str, str] = {}
        year = int(typed["year"]) if typed["year"].strip().isdigit() else None
        if year is None:
            errors["year"] = "请填写统计年度"
        opens_on = _day(typed["opens_on"], "opens_on", errors)
        deadline = _day(typed["deadline"], "deadline", errors)
        if not errors:
            try:
                opened = windows.open_window(code, year, opens_on, deadline, current_user, typed["note"])
            except returns.FieldErrors as bad:
                errors = bad.errors
            else:
                flash(gettext("Filing of the statistics of %(year)s is open.", year=year), "success")
                return redirect(url_for(".window", window_id=opened.id))
        db.session.rollback()
        return self._index(typed=typed, errors=errors, status=400)

    # --- a window's late list ----------------------------------------------------

    def _window(self, opened: StatisticsWindow, *, errors: dict | None = None, error: str | None = None,
                status: int = 200):
        rows = [r for r in windows.late_list(opened.jurisdiction, opened.year) if _in_area(r.title.space, opened.jurisdiction)]
        counts = {"due": len(rows), "accepted": sum(r.filed for r in rows),
                  "waiting": sum(r.status == "submitted" for r in rows),
                  "unfiled": sum(not r.filed for r in rows)}
        return self.render(
            "admin/statistics_window.html", window=opened, rows=rows, counts=counts, labels=labels,
            may_act=_officer_of(opened.jurisdiction), errors=errors or {}, error=error, today=clock.today(),
            form=forms.form_for(opened.jurisdiction, opened.year),
        ), status

    @expose("/window/<int:window_id>")
    def window(self, window_id: int):
        return self._window(_scoped_window(window_id))

    @expose("/window/<int:window_id>/deadline", methods=["POST"])
    def deadline(self, window_id: int):
        opened = _scoped_window(window_id)
        if not _officer_of(opened.jurisdiction):
            abort(403)
        errors: dict[str, str] = {}
        new = _day(request.form.get("deadline"), "deadline", errors)
        try:
            if errors:
                raise returns.FieldErrors(errors)
            windows.change_deadline(opened, new, current_user)
        except returns.FieldErrors as bad:
            db.session.rollback()
            return self._window(opened, errors=bad.errors, status=400)
        except returns.ReturnError as refused:
            db.session.rollback()
            return self._window(opened, error=refused.message, status=409)
        flash(gettext("The deadline has been changed."), "success")
        return redirect(url_for(".window", window_id=opened.id))

    @expose("/window/<int:window_id>/close", methods=["POST"])
    def close(self, window_id: int):
        opened = _scoped_window(window_id)
        if not _officer_of(opened.jurisdiction):
            abort(403)
        try:
            marked = windows.close_window(opened, current_user)
        except returns.ReturnError as refused:
            db.session.rollback()
            return self._window(opened, error=refused.message, status=409)
        flash(gettext("Filing is closed: %(count)s titles marked as not filed.", count=marked), "success")
        return redirect(url_for(".window", window_id=opened.id))

    @expose("/miss/<int:miss_id>/excuse", methods=["POST"])
    def excuse(self, miss_id: int):
        miss = db.session.scalars(select(StatisticsMiss).where(
            StatisticsMiss.id == miss_id,
            scoping.jurisdiction_criteria(current_user, StatisticsMiss.jurisdiction))).one_or_none()
        if miss is None:
            abort(404)
        opened = windows.window(miss.jurisdiction, miss.year)
        if not _officer_of(miss.jurisdiction):
            abort(403)
        try:
            windows.excuse(miss, request.form.get("reason", ""), current_user)
        except returns.FieldErrors as bad:
            db.session.rollback()
            return self._window(opened, errors={f"reason-{miss.id}": bad.errors["reason"]}, status=400)
        flash(gettext("The special reason has been recorded."), "success")
        return redirect(url_for(".window", window_id=opened.id))

    # --- a return -----------------------------------------------------------------

    def _return(self, found: StatisticsReturn, *, errors: dict | None = None, error: str | None = None,
                typed: str = "", status: int = 200):
        form = returns.form_for_space(found.space_id, found.year)
        previous = returns.previous_values(found.space_id, found.year)
        result = returns.rules.check(form, returns.rules.read_values(form, found.data, unknown_ok=True),
                                     previous, require_all=False)
        events = db.session.scalars(select(AuditEvent).where(
            AuditEvent.object_type == "StatisticsReturn", AuditEvent.object_id == str(found.id),
            scoping.audit_criteria(current_user)).order_by(AuditEvent.occurred_at, AuditEvent.id)).all()
        seen, timeline = set(), []
        for event in events:  # one row per step, though recorded once per jurisdiction that reads it
            key = (event.action, event.occurred_at)
            if key not in seen:
                seen.add(key)
                timeline.append(event)
        return self.render(
            "admin/statistics_return.html", found=found, form=form, warnings=result.warnings,
            previous=previous or {},
            may_check=returns.may_check(current_user, found), timeline=timeline, labels=labels,
            errors=errors or {}, error=error, typed=typed,
        ), status

    def _scoped_return(self, return_id: int) -> StatisticsReturn:
        found = returns.visible_return(return_id, current_user)
        if found is None or found.status == "draft":  # a draft is the applicant's until submitted
            abort(404)
        return found

    @expose("/return/<int:return_id>")
    def statistics_return(self, return_id: int):
        return self._return(self._scoped_return(return_id))

    @expose("/return/<int:return_id>/accept", methods=["POST"])
    def accept(self, return_id: int):
        found = self._scoped_return(return_id)
        if not returns.may_check(current_user, found):
            abort(403)
        try:
            returns.accept(found, current_user, _version())
        except returns.ReturnError as refused:
            db.session.rollback()
            return self._return(found, error=refused.message, status=409)
        flash(gettext("The return has been accepted."), "success")
        return redirect(url_for(".statistics_return", return_id=found.id))

    @expose("/return/<int:return_id>/send-back", methods=["POST"])
    def send_back(self, return_id: int):
        found = self._scoped_return(return_id)
        if not returns.may_check(current_user, found):
            abort(403)
        reason = request.form.get("reason", "")
        try:
            returns.send_back(found, reason, current_user, _version())
        except returns.FieldErrors as bad:
            db.session.rollback()
            return self._return(found, errors=bad.errors, typed=reason, status=400)
        except returns.ReturnError as refused:
            db.session.rollback()
            return self._return(found, error=refused.message, typed=reason, status=409)
        flash(gettext("The return has been sent back for correction."), "success")
        return redirect(url_for(".statistics_return", return_id=found.id))


def _version() -> int:
    try:
        return int(request.form.get("expected_version", ""))
    except ValueError:
        return -1
