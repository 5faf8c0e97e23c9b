"""Where a space is: one rule for the criteria and for the portal.

A space lies in a jurisdiction when its region code (CONTRACTS §1 ``space_region``, the
``Space.region`` column) is in the jurisdiction's area (``Jurisdiction.covers``).  The
portal offers and pre-checks only the jurisdictions a space lies in
(``core.platform.jurisdictions.enabled_for_space``), and the criteria that ask where the space is
(弥勒, 昆明, 徐州) are built by ``space_location_check``: both call ``space_within``, so the
command line and the web give the same answer.
"""
from __future__ import annotations

from core.policy import CriterionCheck, Jurisdiction

__all__ = ["space_within", "space_location_check"]


def space_within(jurisdiction: Jurisdiction, region: str) -> bool:
    """Whether a space whose region code is ``region`` lies in ``jurisdiction``."""
    return jurisdiction.covers(region)


def space_location_check(jurisdiction: Jurisdiction) -> CriterionCheck:
    """The criterion check "the space lies in ``jurisdiction``" (a pure function of the facts)."""
    area = "、".join(jurisdiction.region_prefixes)

    def check(facts, ctx):
        region = facts.space_region
        if space_within(jurisdiction, region):
            return True, f"众创空间所在地 {region} 在{jurisdiction.name}内"
        return False, f"众创空间所在地 {region} 不在{jurisdiction.name}（行政区划代码 {area}）内"

    return check
