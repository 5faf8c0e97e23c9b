"""The systems allowed to read the API (``ApiClient``): issuing a token, changing its scope, revoking
it, and finding the client behind a presented token.

* **The token** is ``secrets.token_urlsafe(32)`` (43 characters, 256 random bits), returned once by
  :func:`issue` and never stored: the row keeps its SHA-256 (hex, unique) and its first 8 characters,
  so people can tell tokens apart.  A presented token is found by the SHA-256 of what was sent.
* **Scope**: the jurisdictions a token reads, chosen among the enabled ones; a jurisdiction switched
  off later stops being read (:func:`readable_codes`).
* **Revoked** is final: a revoked token is never valid again (issue a new one).
* **Last used**: written at most once per :data:`LAST_USED_EVERY` (our choice: one minute), by a
  conditional UPDATE, so reading the API is not a write per request.

Every issue, change of scope and revocation is audited for the token's jurisdictions
(``audit.record_for``) in the same transaction.
"""
from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta
from typing import Any

from sqlalchemy import or_, select, update

from core.platform import audit, clock
from core.platform.errors import Refused, typed_text
from core.platform.extensions import db
from core.platform.jurisdictions import enabled_codes
from core.platform.models import ApiClient

__all__ = ["ClientRefused", "PREFIX_LENGTH", "LAST_USED_EVERY", "digest", "issue", "change_scope", "revoke",
           "listing", "get", "active_by_token", "readable_codes", "touch"]

PREFIX_LENGTH = 8
#: how stale ``last_used_at`` may be before a request writes it again (our choice)
LAST_USED_EVERY = timedelta(minutes=1)
NAME_LIMIT = 200
NOTE_LIMIT = 2000
#: longer than any token we issue: a header beyond it is refused before hashing
TOKEN_LIMIT = 200


class ClientRefused(Refused):
    key_in_text = False


def digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def _codes(value: Any) -> list[str]:
    """The chosen jurisdictions, each enabled, in the deployment's order; at least one."""
    chosen = [value] if isinstance(value, str) else list(value or [])
    known = enabled_codes()
    unknown = [c for c in chosen if c not in known]
    if unknown:
        raise ClientRefused("jurisdictions", f"不是已启用的辖区：{'、'.join(str(c)[:40] for c in unknown)}")
    if not chosen:
        raise ClientRefused("jurisdictions", "请至少选择一个辖区")
    return [c for c in known if c in chosen]


def issue(name: Any, jurisdictions: Any, note: Any, actor) -> tuple[ApiClient, str]:
    """A new client and its token (shown once; only its SHA-256 is kept); commits."""
    name = typed_text(name, "name", "系统名称", limit=NAME_LIMIT, refused=ClientRefused)
    codes = _codes(jurisdictions)
    note = typed_text(note, "note", "备注", limit=NOTE_LIMIT, required=False, refused=ClientRefused)
    taken = db.session.scalar(select(ApiClient.id).where(ApiClient.name == name, ApiClient.revoked_at.is_(None)))
    if taken is not None:  # also what a page reloaded after issuing meets: no second token by accident
        raise ClientRefused("name", "已有同名的有效令牌：请换一个名称，或先吊销原令牌")
    token = secrets.token_urlsafe(32)
    client = ApiClient(name=name, token_sha256=digest(token), token_prefix=token[:PREFIX_LENGTH], jurisdictions=codes,
                       note=note, created_by_id=getattr(actor, "id", None), created_at=clock.utcnow())
    db.session.add(client)
    db.session.flush()
    audit.record_for(codes, "api_client.issued", client, actor=actor, name=name, prefix=client.token_prefix,
                     note=note)
    db.session.commit()
    return client, token


def change_scope(client: ApiClient, jurisdictions: Any, actor) -> ApiClient:
    """The token reads ``jurisdictions`` from now on; audited for the old and the new ones; commits."""
    if client.revoked_at is not None:
        raise ClientRefused("jurisdictions", "该令牌已吊销，不能再修改范围")
    codes = _codes(jurisdictions)
    before = list(client.jurisdictions or [])
    if codes == before:
        raise ClientRefused("jurisdictions", "范围没有变化")
    client.jurisdictions = codes
    concerned = before + codes
    audit.record_for(concerned, "api_client.scope_changed", client, actor=actor, name=client.name,
                     prefix=client.token_prefix, jurisdictions_before=before, jurisdictions_after=codes)
    db.session.commit()
    return client


def revoke(client: ApiClient, actor) -> ApiClient:
    """Never valid again; commits.  A token already revoked is refused (nothing to record)."""
    if client.revoked_at is not None:
        raise ClientRefused("action", "该令牌已吊销")
    client.revoked_at = clock.utcnow()
    client.revoked_by_id = getattr(actor, "id", None)
    codes = list(client.jurisdictions or [])
    audit.record_for(codes, "api_client.revoked", client, actor=actor, name=client.name, prefix=client.token_prefix)
    db.session.commit()
    return client


def listing() -> list[ApiClient]:
    return list(db.session.scalars(select(ApiClient).order_by(ApiClient.revoked_at.is_not(None), ApiClient.id)))


def get(client_id: int) -> ApiClient | None:
    return db.session.get(ApiClient, client_id)


def active_by_token(token: str) -> ApiClient | None:
    """The unrevoked client whose token this is (looked up by its SHA-256, a unique index)."""
    if not token or len(token) > TOKEN_LIMIT:
        return None
    return db.session.scalars(select(ApiClient).where(ApiClient.token_sha256 == digest(token),
                                                      ApiClient.revoked_at.is_(None))).one_or_none()


def readable_codes(client: ApiClient) -> list[str]:
    """What the token reads now: its jurisdictions that are still enabled."""
    scope = set(client.jurisdictions or [])
    return [c for c in enabled_codes() if c in scope]


def touch(client: ApiClient) -> None:
    """``last_used_at`` = now, unless it was written less than :data:`LAST_USED_EVERY` ago; commits
    only when it writes.  The condition is in the UPDATE, so two requests at once write it once."""
    now = clock.utcnow()
    last = clock.as_utc(client.last_used_at)
    if last is not None and now - last < LAST_USED_EVERY:
        return
    db.session.execute(update(ApiClient).where(
        ApiClient.id == client.id,
        or_(ApiClient.last_used_at.is_(None), ApiClient.last_used_at < now - LAST_USED_EVERY),
    ).values(last_used_at=now).execution_options(synchronize_session=False))
    db.session.commit()
