"""The support a space or an organisation received anywhere in the deployment: every
entitlement of its spaces, whatever the jurisdiction or the title (of this deployment or won
elsewhere) it hangs on — what an approving officer compares (云政办发〔2016〕65号 (十五))."""
from __future__ import annotations

from sqlalchemy import or_, select

from core.platform.extensions import db
from core.platform.models import Organisation, Space, SubsidyEntitlement

__all__ = ["related_entitlements", "other_support"]


def related_entitlements(*, space_id: int | None = None, uscc: str | None = None) -> list[SubsidyEntitlement]:
    """Every entitlement of the space ``space_id``, or of every space of the organisation with
    ``uscc`` (both given: that space of that organisation), ordered by year and id."""
    if space_id is None and uscc is None:
        return []
    query = select(SubsidyEntitlement).join(Space, Space.id == SubsidyEntitlement.space_id)
    if uscc is not None:
        query = query.join(Organisation, Organisation.id == Space.organisation_id).where(Organisation.uscc == uscc)
    if space_id is not None:
        query = query.where(SubsidyEntitlement.space_id == space_id)
    return list(db.session.scalars(query.order_by(SubsidyEntitlement.year, SubsidyEntitlement.id)))


def other_support(entitlement: SubsidyEntitlement) -> list[SubsidyEntitlement]:
    """The other entitlements of ``entitlement``'s space and of every space of its organisation."""
    if entitlement.space_id is None:
        return []
    organisation_id = db.session.scalar(select(Space.organisation_id).where(Space.id == entitlement.space_id))
    query = (select(SubsidyEntitlement).join(Space, Space.id == SubsidyEntitlement.space_id)
             .where(or_(SubsidyEntitlement.space_id == entitlement.space_id, Space.organisation_id == organisation_id),
                    SubsidyEntitlement.id != entitlement.id)
             .order_by(SubsidyEntitlement.year, SubsidyEntitlement.id))
    return list(db.session.scalars(query))
