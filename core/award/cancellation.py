"""What a title's revocation does to its money (issue 17): every entitlement not yet paid (pending,
or approved and so committed to a fund, which the cancellation releases) is cancelled, with the
reason recorded as its cancellation (core.money.lifecycle reads the same fields); a paid one is kept and flagged.  No document of ours
says paid money is recovered, so nothing is recovered and the flag says so.  Called by
``core.monitoring.revocations`` inside the leader's decision (one transaction, not committed here).
"""
from __future__ import annotations

from datetime import date

from sqlalchemy import select

from core.platform import audit
from core.platform.extensions import db
from core.platform.models import Recognition, SubsidyEntitlement

__all__ = ["UNPAID", "PAID_FLAG", "cancel_for_revocation"]

UNPAID = ("pending", "approved")
PAID_FLAG = "称号已撤销，已拨付资金未作追回处理（政策未规定追回）"


def _note(old: str | None, added: str) -> str:
    return f"{old}；{added}" if old else added


def cancel_for_revocation(recognition: Recognition, revoked_on: date, actor) -> tuple[list, list]:
    """(cancelled, flagged) entitlements of ``recognition``; each change audited."""
    rows = db.session.scalars(select(SubsidyEntitlement).where(SubsidyEntitlement.recognition_id == recognition.id)
                              .order_by(SubsidyEntitlement.id)).all()
    cancelled, flagged = [], []
    for row in rows:
        if row.status in UNPAID:
            before = row.status
            reason = f"称号已于 {revoked_on.isoformat()} 撤销，未拨付的补助取消"
            row.status, row.cancelled_on, row.cancel_reason = "cancelled", revoked_on, reason
            row.cancelled_by_id = getattr(actor, "id", None)
            row.note = _note(row.note, reason)
            audit.record("subsidy.cancel", row, actor=actor, from_state=before, to_state="cancelled",
                         certificate=recognition.certificate_number, revoked_on=revoked_on.isoformat())
            cancelled.append(row)
        elif row.status == "paid" and PAID_FLAG not in (row.note or ""):
            row.note = _note(row.note, PAID_FLAG)
            audit.record("subsidy.flag_paid", row, actor=actor, certificate=recognition.certificate_number,
                         paid_on=row.paid_on.isoformat() if row.paid_on else None)
            flagged.append(row)
    return cancelled, flagged
