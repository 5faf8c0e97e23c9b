"""Blind batches (issue 22): the officer may mark a batch blind while no expert has scored it; the
experts' pages then show each application's number and category, never the applicant's name,
the space's name, its USCC or address.  The materials themselves are not redacted: the
application form marks no field as identifying, so the PDF and the attachments are shown as
filed — the pages say so (docs/experts.md, "评分汇总与排序").
"""
from __future__ import annotations

from core.accounts import roles
from core.platform import audit
from core.platform.extensions import db
from core.platform.models import Batch
from core.review import batches
from core.review.batches import BatchError, require_role, scored


def set_blind(batch: Batch, blind: bool, actor) -> Batch:
    """The officer's choice, while no expert has scored any application of ``batch``."""
    require_role(actor, roles.OFFICER, code=batch.jurisdiction)
    blind = bool(blind)
    if batch.status != "open":
        raise BatchError("blind", "该批次的专家评审已结束，不能再更改匿名评审")
    if any(scored(a) for a in batch.applications):
        raise BatchError("blind", "已有专家评分，不能再更改匿名评审")
    if bool(batch.blind) == blind:
        raise BatchError("blind", "本批次已是匿名评审" if blind else "本批次已是非匿名评审")
    batch.blind = blind
    audit.record("batch.blind_set", batch, actor=actor, blind=blind)
    db.session.commit()
    return batch


def hides_applicant(batch: Batch, user) -> bool:
    """Whether ``user``'s pages of ``batch`` hide who applied: the one rule, kept in batches so the
    checklist (below review) asks it too."""
    return batches.hides_applicant(batch, user)
