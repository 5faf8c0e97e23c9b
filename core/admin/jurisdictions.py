"""The admin's switch for installed jurisdictions (admin role only).

The deployment setting ``ZHONGCHUANG_JURISDICTIONS`` is the ceiling: a jurisdiction
outside it is shown as such and cannot be switched on here.  Switching off hides a
jurisdiction everywhere; its records stay in the database untouched.

Switching off is confirmed twice (issue 13): a static JS confirm() and a required
"confirm" box the server checks; the row says how many applications and titles the
jurisdiction holds.  Its applicants are not left without a word: "My applications"
still lists their own applications there, with a notice (``core.review.applicant_pages``).
"""
from __future__ import annotations

from flask import abort, flash, redirect, request, url_for
from flask_admin import BaseView, expose
from flask_babel import gettext
from flask_login import current_user
from sqlalchemy import func, select


from core.accounts import roles
from core.platform import labels
from core.accounts.admin_access import StaffAccessMixin
from core.platform.extensions import db
from core.platform.jurisdictions import admin_switches, allowed_codes, enabled_codes, registry
from core.platform.jurisdictions import switch as switch_jurisdiction
from core.platform.models import Application

CONFIRM_REQUIRED = "停用前请勾选确认"


def holdings() -> dict[str, tuple[int, int]]:
    """Per jurisdiction: (submitted applications, recognised ones) — what switching off hides."""
    rows = db.session.execute(
        select(Application.jurisdiction, Application.status, func.count())
        .where(Application.status != "draft").group_by(Application.jurisdiction, Application.status)
    ).all()
    found: dict[str, list[int]] = {}
    for code, status, n in rows:
        totals = found.setdefault(code, [0, 0])
        totals[0] += n
        if status == "recognised":
            totals[1] += n
    return {code: (a, r) for code, (a, r) in found.items()}


def rows() -> list[dict]:
    allowed = set(allowed_codes())
    on = set(enabled_codes())
    switches = admin_switches()
    return [
        {
            "code": code,
            "name": j.name,
            "level": str(labels.LEVEL_LABELS.get(j.level, j.level)),
            "authority": j.authority,
            "allowed": code in allowed,
            "enabled": code in on,
            "switched_off": switches.get(code) is False,
        }
        for code, j in registry().installed().items()
    ]


class JurisdictionsView(StaffAccessMixin, BaseView):
    allowed_roles = (roles.ADMIN,)

    def _render(self, *, errors: dict | None = None, status: int = 200):
        return self.render("admin/jurisdictions.html", rows=rows(), broken=registry().broken, holdings=holdings(),
                           errors=errors or {}), status

    @expose("/")
    def index(self):
        return self._render()

    @expose("/switch", methods=["POST"])
    def switch(self):
        code = request.form.get("code", "")
        wanted = request.form.get("enabled")
        if code not in registry().installed() or wanted not in ("0", "1"):
            abort(400, gettext("Unknown jurisdiction or switch value: %(code)s", code=code))
        turn_on = wanted == "1"
        if turn_on and code not in allowed_codes():
            flash(gettext("%(code)s is not enabled by the deployment setting and cannot be switched on here.",
                          code=code), "error")
            return redirect(url_for(".index"))
        if not turn_on and code in enabled_codes() and request.form.get("confirm") != "yes":
            return self._render(errors={code: CONFIRM_REQUIRED}, status=400)
        switch_jurisdiction(code, turn_on, current_user.id)
        name = labels.jurisdiction_label(code)
        flash(gettext("%(name)s switched on.", name=name) if turn_on else gettext("%(name)s switched off.", name=name),
              "success")
        return redirect(url_for(".index"))
