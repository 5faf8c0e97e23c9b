"""Recording state changes in the append-only audit log."""
from __future__ import annotations

from typing import Any

from flask import has_request_context, request
from flask_login import current_user

from core.platform import clock
from core.platform.extensions import db
from core.platform.models import AuditEvent


def client_address() -> str | None:
    """The client's address: the peer, or behind ZHONGCHUANG_TRUSTED_PROXIES reverse
    proxies the address they forwarded (werkzeug's ProxyFix, see core.platform.security).  Rate
    limits and the audit log read this one function."""
    if not has_request_context():
        return None
    return request.remote_addr


def record(
    action: str,
    obj: Any = None,
    *,
    object_type: str | None = None,
    object_id: Any = None,
    jurisdiction: str | None = None,
    from_state: str | None = None,
    to_state: str | None = None,
    opinion: str | None = None,
    actor=None,
    **detail: Any,
) -> AuditEvent:
    """Add an audit event to the current session (committed with the change it
    describes, so a rolled-back change leaves no event and vice versa)."""
    if actor is None and has_request_context() and current_user and current_user.is_authenticated:
        actor = current_user
    if obj is not None:
        object_type = object_type or type(obj).__name__
        object_id = object_id if object_id is not None else getattr(obj, "id", None)
        jurisdiction = jurisdiction or getattr(obj, "jurisdiction", None)
    event = AuditEvent(
        action=action,
        object_type=object_type or "-",
        object_id=None if object_id is None else str(object_id),
        jurisdiction=jurisdiction,
        from_state=from_state,
        to_state=to_state,
        opinion=opinion,
        actor_id=getattr(actor, "id", None),
        actor_name=str(actor) if actor is not None else "system",
        client_address=client_address(),
        detail=detail,
    )
    db.session.add(event)
    return event


def record_for(jurisdictions: list[str], action: str, obj: Any = None, **kwargs: Any) -> list[AuditEvent]:
    """One event per jurisdiction concerned by a change to a record that has no
    jurisdiction of its own (an organisation, a space, an applicant's account).

    The audit log is scoped by its single ``jurisdiction`` column
    (``core.accounts.scoping.audit_criteria``): a row per bureau lets each one see the change
    with no new rule; ``jurisdictions`` in the detail lists them all, so each bureau
    knows who else was told.  None concerned: one event that only the admin sees."""
    codes = list(dict.fromkeys(jurisdictions)) or [None]
    events = [record(action, obj, jurisdiction=code, jurisdictions=[c for c in codes if c], **kwargs)
              for code in codes]
    moment = clock.utcnow()  # one change, one moment: a page listing them all shows it once
    for event in events:
        event.occurred_at = moment
    return events
