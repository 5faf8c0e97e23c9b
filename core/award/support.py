"""Every support the deployment records for an organisation or a space, and the pairs the
duplicate-support rules flag (CONTRACTS §8, ``zhongchuang support``; the approval page and the
title page read the same).

An entitlement's ``amount_cny`` in the answer is the amount as it stands: paid → the amount paid,
approved → the amount approved, else the amount the policy (or the bureau) fixed — None for support
without a fixed amount.  An overlap's ``justification`` is what the officer wrote when approving one
of the pair despite the flag (None while nobody has).
"""
from __future__ import annotations

from typing import Any

from core.award.overlaps import Overlap, overlaps_among
from core.award.related import other_support, related_entitlements
from core.platform.extensions import db
from core.platform.models import Space, SubsidyEntitlement

__all__ = ["related_entitlements", "other_support", "amount_as_it_stands", "justification_of", "support_answer"]


def amount_as_it_stands(row: SubsidyEntitlement) -> int | None:
    if row.status == "paid" and row.paid_amount_cny is not None:
        return row.paid_amount_cny
    if row.status in ("approved", "paid") and row.approved_amount_cny is not None:
        return row.approved_amount_cny
    return row.amount_cny


def justification_of(overlap: Overlap, rows: dict[int, SubsidyEntitlement]) -> str | None:
    """The written justification recorded on either entitlement of ``overlap`` for this pair."""
    for this, other in ((overlap.first_id, overlap.second_id), (overlap.second_id, overlap.first_id)):
        row = rows.get(this)
        if row is None or not row.overlap_justification:
            continue
        if any(flag.get("with") == other and flag.get("rule") == overlap.rule.code for flag in row.overlap_flags or ()):
            return row.overlap_justification
    return None


def support_answer(uscc: str, space_id: int | None = None) -> dict[str, Any]:
    rows = related_entitlements(uscc=uscc, space_id=space_id)
    names = {s.id: s.name for s in db.session.query(Space).filter(Space.id.in_({r.space_id for r in rows}))} if rows else {}
    index = {row.id: i for i, row in enumerate(rows)}
    by_id = {row.id: row for row in rows}
    return {
        "uscc": uscc,
        "entitlements": [{
            "jurisdiction": row.jurisdiction,
            "space": names.get(row.space_id),
            "kind": row.kind,
            "amount_cny": amount_as_it_stands(row),
            "status": row.status,
            "year": row.year,
            "citation": row.citation or {},
        } for row in rows],
        "overlaps": [{
            "entitlements": [index[o.first_id], index[o.second_id]],
            "rule": o.rule.code,
            "message": o.message,
            "justification": justification_of(o, by_id),
        } for o in overlaps_among(rows)],
    }
