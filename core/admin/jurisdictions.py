"""The admin's switch for installed jurisdictions (admin role only).

The deployment setting ``ZHONGCHUANG_JURISDICTIONS`` is the ceiling: a jurisdiction
outside it is shown as such and cannot be switched on here.  Switching off hides a
jurisdiction everywhere; its records stay in the database untouched.
"""
from __future__ import annotations

from flask import abort, flash, redirect, request, url_for
from flask_admin import BaseView, expose
from flask_babel import gettext
from flask_login import current_user

from core import audit, roles
from core.admin import labels
from core.admin.base import StaffAccessMixin
from core.extensions import db
from core.jurisdictions import admin_switches, allowed_codes, enabled_codes, registry
from core.models import JurisdictionSetting


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

    @expose("/")
    def index(self):
        return self.render("admin/jurisdictions.html", rows=rows(), broken=registry().broken)

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
        was_on = code in enabled_codes()
        setting = db.session.get(JurisdictionSetting, code) or JurisdictionSetting(code=code)
        setting.enabled = turn_on
        setting.updated_by_id = current_user.id
        db.session.add(setting)
        audit.record(
            "jurisdiction_enabled" if turn_on else "jurisdiction_disabled",
            object_type="Jurisdiction", object_id=code, jurisdiction=code,
            from_state="enabled" if was_on else "disabled", to_state="enabled" if turn_on else "disabled",
        )
        db.session.commit()
        name = labels.jurisdiction_label(code)
        flash(gettext("%(name)s switched on.", name=name) if turn_on else gettext("%(name)s switched off.", name=name),
              "success")
        return redirect(url_for(".index"))
