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

__all__ = ["Overlap", "categories", "governed", "overlap_rules", "rules_governing", "overlaps_among", "flags_for", "flags_for_many",
           "years_within"]


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


def rules_governing(code: str) -> list[tuple[str, OverlapRule, int | None]]:
    """(declaring jurisdiction, rule, N) of the rules that govern ``code``: its own and those
    declared by a jurisdiction above it."""
    return [(owner, rule, years) for owner, rule, years in overlap_rules() if code in governed(owner)]


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


def _describe(rule: OverlapRule, a: SubsidyEntitlement, b: SubsidyEntitlement, years: int | None,
              label=jurisdiction_label) -> str:
    def one(row: SubsidyEntitlement) -> str:
        return f"{label(row.jurisdiction)}{row.year or ''}{'年' if row.year else ''}“{row.kind}”"

    window = f"（{years}年内）" if years is not None else "（未设定比对年限，不限年份）"
    return f"{rule.message}：{one(a)}与{one(b)}{window}"


def _pairs(live: list, kinds: dict, organisation_of, rules: list, label=jurisdiction_label) -> list[Overlap]:
    """The pairs of ``live`` (not cancelled, in the order of their years) that ``rules`` flag."""
    found: list[Overlap] = []
    for code, rule, years, scope in rules:
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
                found.append(Overlap(a.id, b.id, rule, code, _describe(rule, a, b, years, label), years))
    return found


def _governed_rules() -> list:
    """(declaring jurisdiction, rule, N, the jurisdictions it governs), read once."""
    return [(code, rule, years, governed(code)) for code, rule, years in overlap_rules()]


def _live(rows) -> list:
    # in the order of their years, so a pair reads the same from either side
    return sorted((r for r in rows if r.status != "cancelled"), key=lambda r: (r.year or 0, r.id))


def overlaps_among(rows: list[SubsidyEntitlement]) -> list[Overlap]:
    """Every pair of ``rows`` that a rule flags, the earlier year first."""
    live = _live(rows)
    if len(live) < 2:
        return []
    kinds = categories({r.jurisdiction for r in live})
    space_ids = {r.space_id for r in live if r.space_id is not None}
    organisations = dict(db.session.execute(select(Space.id, Space.organisation_id)
                                            .where(Space.id.in_(space_ids))).all()) if space_ids else {}

    def organisation_of(row: SubsidyEntitlement):
        return organisations.get(row.space_id)

    return _pairs(live, kinds, organisation_of, _governed_rules())


def flags_for(entitlement: SubsidyEntitlement) -> list[Overlap]:
    """The overlaps between ``entitlement`` and the other support of its space and organisation."""
    rows = [entitlement, *other_support(entitlement)]
    return [o for o in overlaps_among(rows) if entitlement.id in (o.first_id, o.second_id)]


CHUNK = 5000  # ids per IN list: a page's rows are one statement each; a province's flagged filter a few


def _chunks(values) -> list[list]:
    values = sorted(values)
    return [values[i:i + CHUNK] for i in range(0, len(values), CHUNK)]


# what the pair logic reads of an entitlement (rows, not ORM objects: a province's pending rows are many)
_COLUMNS = (SubsidyEntitlement.id, SubsidyEntitlement.status, SubsidyEntitlement.year,
            SubsidyEntitlement.jurisdiction, SubsidyEntitlement.rule_code, SubsidyEntitlement.space_id,
            SubsidyEntitlement.kind, Space.organisation_id)


def flags_for_many(rows) -> dict[int, list[Overlap]]:
    """``flags_for`` of each of ``rows`` (entitlements, or rows with their columns), in a constant
    number of statements: the organisations of their spaces, then every entitlement of those
    organisations' spaces; the kinds and the rules read once.  The
    support of one organisation is compared once, as ``flags_for`` compares it for each of its rows."""
    rows = list(rows)
    found: dict[int, list[Overlap]] = {r.id: [] for r in rows}
    space_ids = {r.space_id for r in rows if r.space_id is not None and r.status != "cancelled"}
    if not space_ids:
        return found
    organisations: dict[int, int] = {}  # a space always has its organisation (spaces.organisation_id)
    for chunk in _chunks(space_ids):
        organisations.update(db.session.execute(select(Space.id, Space.organisation_id)
                                                .where(Space.id.in_(chunk))).all())
    groups: dict[int, list] = {}  # every entitlement of each organisation's spaces
    base = select(*_COLUMNS).join(Space, Space.id == SubsidyEntitlement.space_id)
    for chunk in _chunks(set(organisations.values())):
        for r in db.session.execute(base.where(Space.organisation_id.in_(chunk))):
            groups.setdefault(r.organisation_id, []).append(r)
    kinds = categories({r.jurisdiction for group in groups.values() for r in group})
    rules = _governed_rules()
    space_org = {r.space_id: r.organisation_id for group in groups.values() for r in group}

    def organisation_of(row):
        return space_org.get(row.space_id)

    names: dict[str, str] = {}

    def label(code: str) -> str:  # the jurisdictions' names, asked once each
        if code not in names:
            names[code] = jurisdiction_label(code)
        return names[code]

    pairs_of: dict[int, dict[int, list[Overlap]]] = {}
    for r in rows:
        if r.space_id is None or r.status == "cancelled":
            continue
        org = organisations[r.space_id]
        if org not in pairs_of:
            live = _live(groups.get(org, []))
            by_id: dict[int, list[Overlap]] = {}
            for o in (_pairs(live, kinds, organisation_of, rules, label) if len(live) > 1 else []):
                by_id.setdefault(o.first_id, []).append(o)
                by_id.setdefault(o.second_id, []).append(o)
            pairs_of[org] = by_id
        found[r.id] = pairs_of[org].get(r.id, [])
    return found
