"""Duplicate support across jurisdictions (云政办发〔2016〕65号 四、组织实施 (十五) “避免多头重复支持”).

The rules are data (``core.policy.OverlapRule``, hook ``zc_overlap_rules``): a jurisdiction declares
them for itself and every jurisdiction under it (``Jurisdiction.parent``).  Two entitlements overlap
under a rule when neither is cancelled, both belong to jurisdictions it governs, they come from two
different jurisdictions, their rules' kinds (``SubsidyRule.category``) are among the rule's, they are
of the same space (or organisation), and their years lie within N years of each other — N the
declaring bureau's setting (no document sets one); two years Y1 ≤ Y2 are within N when Y2 − Y1 ≤ N
(“内” includes the number); unset, every year counts.

A flag prohibits nothing: the approving officer writes why the support is not a duplicate
(core.money.lifecycle), and the flag and the justification are kept on the entitlement.
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import select

from core.award.related import other_support
from core.bureau import data as bureau_data
from core.bureau import versions
from core.platform.extensions import db
from core.platform.jurisdictions import registry
from core.platform.labels import jurisdiction_label
from core.platform.models import Space, SubsidyEntitlement
from core.policy import OverlapRule

__all__ = ["Overlap", "categories", "governed", "overlap_rules", "overlaps_among", "flags_for", "years_within"]


@dataclass(frozen=True)
class Overlap:
    first_id: int
    second_id: int
    rule: OverlapRule
    declared_by: str
    message: str
    years: int | None  # N, the bureau's setting, or None (every year counts)

    def as_flag(self, for_id: int) -> dict:
        """What is kept on entitlement ``for_id`` when it is approved despite the overlap."""
        other = self.second_id if for_id == self.first_id else self.first_id
        return {"with": other, "rule": self.rule.code, "message": self.message,
                "citation": self.rule.citation.to_dict(), "years": self.years}


def _rules_of(code: str):
    data = bureau_data.load_bureau_data(code)
    reg = registry()
    for version in versions.policies(code, data):
        yield from reg.subsidy_rules(code, versions.base_policy(code, version, data))


def categories(codes: Iterable[str]) -> dict[tuple[str, str], str | None]:
    """(jurisdiction, rule code) → the rule's kind of support, for every version of ``codes``."""
    found: dict[tuple[str, str], str | None] = {}
    for code in codes:
        for rule in _rules_of(code):
            found.setdefault((code, rule.code), rule.category)
    return found


def governed(code: str) -> set[str]:
    """``code`` and every installed jurisdiction under it."""
    installed = registry().installed()
    found = {code}
    changed = True
    while changed:
        changed = False
        for juris in installed.values():
            if juris.code not in found and juris.parent in found:
                found.add(juris.code)
                changed = True
    return found


def overlap_rules() -> list[tuple[str, OverlapRule, int | None]]:
    """(declaring jurisdiction, rule, N years or None) of every installed jurisdiction."""
    reg = registry()
    found = []
    for code in reg.installed():
        for rule in reg.overlap_rules(code):
            years = None
            if rule.years_setting:
                setting = bureau_data.bureau_setting(code, rule.years_setting)
                years = setting.value if setting is not None else None
            found.append((code, rule, years))
    return found


def years_within(first: int | None, second: int | None, years: int | None) -> bool:
    if years is None:
        return True
    if first is None or second is None:
        return True  # a year unknown is not a reason to look away
    return abs(first - second) <= years


def _same(rule: OverlapRule, a: SubsidyEntitlement, b: SubsidyEntitlement, organisation_of) -> bool:
    if rule.same == "organisation":
        return organisation_of(a) is not None and organisation_of(a) == organisation_of(b)
    return a.space_id is not None and a.space_id == b.space_id


def _describe(rule: OverlapRule, a: SubsidyEntitlement, b: SubsidyEntitlement, years: int | None) -> str:
    def one(row: SubsidyEntitlement) -> str:
        return f"{jurisdiction_label(row.jurisdiction)}{row.year or ''}{'年' if row.year else ''}“{row.kind}”"

    window = f"（{years}年内）" if years is not None else "（未设定比对年限，不限年份）"
    return f"{rule.message}：{one(a)}与{one(b)}{window}"


def overlaps_among(rows: list[SubsidyEntitlement]) -> list[Overlap]:
    """Every pair of ``rows`` that a rule flags, the earlier year first."""
    # in the order of their years, so a pair reads the same from either side
    live = sorted((r for r in rows if r.status != "cancelled"), key=lambda r: (r.year or 0, r.id))
    if len(live) < 2:
        return []
    kinds = categories({r.jurisdiction for r in live})
    space_ids = {r.space_id for r in live if r.space_id is not None}
    organisations = dict(db.session.execute(select(Space.id, Space.organisation_id)
                                            .where(Space.id.in_(space_ids))).all()) if space_ids else {}

    def organisation_of(row: SubsidyEntitlement):
        return organisations.get(row.space_id)

    found: list[Overlap] = []
    for code, rule, years in overlap_rules():
        scope = governed(code)
        for i, a in enumerate(live):
            if a.jurisdiction not in scope or kinds.get((a.jurisdiction, a.rule_code)) not in rule.categories:
                continue
            for b in live[i + 1:]:
                if b.jurisdiction not in scope or kinds.get((b.jurisdiction, b.rule_code)) not in rule.categories:
                    continue
                if rule.different_levels and a.jurisdiction == b.jurisdiction:
                    continue
                if not _same(rule, a, b, organisation_of) or not years_within(a.year, b.year, years):
                    continue
                found.append(Overlap(a.id, b.id, rule, code, _describe(rule, a, b, years), years))
    return found


def flags_for(entitlement: SubsidyEntitlement) -> list[Overlap]:
    """The overlaps between ``entitlement`` and the other support of its space and organisation."""
    rows = [entitlement, *other_support(entitlement)]
    return [o for o in overlaps_among(rows) if entitlement.id in (o.first_id, o.second_id)]
