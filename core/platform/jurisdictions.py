"""Which installed jurisdictions are enabled in this deployment.

Installed ≠ enabled.  The deployment setting ``ZHONGCHUANG_JURISDICTIONS``
(comma-separated codes; default: every installed one) is the ceiling — what this
deployment may offer at all.  Within it, the provincial admin turns jurisdictions on
or off in the admin (``JurisdictionSetting`` rows; no row means on).  A disabled
jurisdiction disappears from every list, form and command; its records stay.
"""
from __future__ import annotations

from flask import current_app
from sqlalchemy import select
from sqlalchemy.exc import OperationalError, ProgrammingError

from core.platform import audit, request_memo
from core.platform.extensions import db
from core.location import space_within
from core.platform.models import JurisdictionSetting
from core.plugins import Registry
from core.policy import Jurisdiction


def registry() -> Registry:
    return current_app.extensions["zhongchuang"]


def allowed_codes() -> list[str]:
    """Installed jurisdictions the deployment setting allows, in display order."""
    installed = registry().installed()
    setting = current_app.config.get("ZHONGCHUANG_JURISDICTIONS")
    if not setting:
        return list(installed)
    wanted = {c.strip() for c in setting.split(",") if c.strip()}
    return [code for code in installed if code in wanted]


request_memo.watch(JurisdictionSetting.__tablename__)


def admin_switches() -> dict[str, bool]:
    """The admin's switches (code → on), read once per request (core.platform.request_memo)."""
    return dict(request_memo.remember("jurisdiction_switches", _read_switches))


def _read_switches() -> dict[str, bool]:
    try:
        rows = db.session.execute(select(JurisdictionSetting.code, JurisdictionSetting.enabled)).all()
    except (OperationalError, ProgrammingError):
        # Schema not created yet (`zhongchuang db upgrade` not run): no switches.
        db.session.rollback()
        return {}
    return {code: enabled for code, enabled in rows}


def enabled_codes() -> list[str]:
    switches = admin_switches()
    return [code for code in allowed_codes() if switches.get(code, True)]


def enabled() -> dict[str, Jurisdiction]:
    installed = registry().installed()
    return {code: installed[code] for code in enabled_codes()}


def enabled_for_space(region: str) -> dict[str, Jurisdiction]:
    """The enabled jurisdictions a space whose region code is ``region`` lies in: the
    portal's filter, by the same rule as the criteria that ask where the space is."""
    return {code: j for code, j in enabled().items() if space_within(j, region)}


def get_enabled(code: str) -> Jurisdiction | None:
    return enabled().get(code)


def switch(code: str, turn_on: bool, by_id: int) -> None:
    """The admin's switch for ``code`` (within the deployment setting): the row, its audit
    event from the state before, and the commit — the one operation that writes it."""
    was_on = code in enabled_codes()
    setting = db.session.get(JurisdictionSetting, code) or JurisdictionSetting(code=code)
    setting.enabled = turn_on
    setting.updated_by_id = by_id
    db.session.add(setting)
    request_memo.forget()
    audit.record(
        "jurisdiction_enabled" if turn_on else "jurisdiction_disabled",
        object_type="Jurisdiction", object_id=code, jurisdiction=code,
        from_state="enabled" if was_on else "disabled", to_state="enabled" if turn_on else "disabled",
    )
    db.session.commit()
    request_memo.forget()
