"""The ladder: every title a space holds, and the support a document gives only to a space
holding another title (issue 18).

* **Titles held** (:func:`titles_held`): the titles of this deployment — a ``Recognition`` of any
  jurisdiction (云南, 昆明, 弥勒, 徐州), linked automatically by the space, so a 昆明 title is seen
  by 云南's reviewers — and the titles won elsewhere that a bureau recorded (``ExternalTitle``,
  core.money.external_titles: 国家级 科技部 备案, another province's or city's).  A title is held on a
  day when it was granted on or before it and not revoked (a revocation counts from its
  ``revoked_on``), a recorded one while its record is not withdrawn.
* **Prerequisites** (``core.policy.TitlePrerequisite``, hook ``zc_title_prerequisites``): a rule
  is owed only while the space holds a title at one of the prerequisite's levels; with
  ``elsewhere`` the declaring jurisdiction's own titles do not count (弥政办发〔2017〕5号 二（四）
  “对通过省州级认定的众创空间”: a 云南 or 红河州 title, not 弥勒's own).  A recorded title is never
  the recording jurisdiction's own: it was won elsewhere by definition.  Declared only where a
  document says so; a rule with no prerequisite is owed as before.

The award (core.award.titles.grant) skips a rule whose prerequisite is unmet and says so in its
audit; a title granted later here (:func:`made_reachable`, at that award) or recorded later
(core.money.external_titles.record) creates what it now meets — 弥勒 title first, 云南 title next:
the 云南 award makes 弥勒's 二（四） support owed.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import Date, Integer, String, cast, literal, null, select, union_all

from core.award.entitlements import entitlement
from core.bureau import data as bureau_data
from core.bureau import versions
from core.platform.extensions import db
from core.platform.jurisdictions import enabled, registry
from core.platform.models import Application, ExternalTitle, Recognition, SubsidyEntitlement
from core.policy import PolicyVersion, TitlePrerequisite

__all__ = ["DEPLOYMENT", "RECORDED", "HeldTitle", "titles_held", "other_titles", "prerequisites_of", "titles_meeting",
           "prerequisite_met", "unmet_prerequisites", "skipped_text", "made_reachable"]

DEPLOYMENT = "deployment"  # a title granted in this deployment (Recognition)
RECORDED = "recorded"  # a title won elsewhere, recorded by a bureau (ExternalTitle)
LEVEL_ORDER = {"national": 0, "provincial": 1, "municipal": 2}


@dataclass(frozen=True)
class HeldTitle:
    """One title of a space, as the ladder reads it."""

    source: str  # DEPLOYMENT | RECORDED
    id: int  # the Recognition's or the ExternalTitle's id
    jurisdiction: str  # the granting jurisdiction (deployment) or the recording bureau (recorded)
    awarding_body: str  # the granting authority (deployment) or the body named in the record
    level: str  # national | provincial | municipal
    title: str
    number: str  # the certificate number (deployment) or the document number (recorded)
    granted_on: date
    status: str  # a Recognition's status, or an ExternalTitle's (active | withdrawn)
    held: bool  # held on the day asked
    space_id: int = 0

    @property
    def recorded(self) -> bool:
        return self.source == RECORDED

    def is_own_of(self, code: str) -> bool:
        """A title the jurisdiction ``code`` granted itself (never a recorded one)."""
        return self.source == DEPLOYMENT and self.jurisdiction == code


def _authority(code: str) -> str:
    juris = registry().installed().get(code)
    return juris.authority if juris is not None else code


def _recognition_held(granted_on: date, status: str, revoked_on: date | None, on: date | None) -> bool:
    if on is not None and granted_on > on:
        return False
    if status != "revoked":
        return True
    return on is not None and revoked_on is not None and revoked_on > on


def _rows(space_id: int):
    """Both kinds of title of the space in one statement (the case page counts its statements):
    (source, id, jurisdiction, awarding body, level, title, number, granted on, status, revoked on,
    application id)."""
    deployment = select(literal(DEPLOYMENT, String).label("source"), Recognition.id, Recognition.jurisdiction,
                        cast(null(), String).label("awarding_body"), Recognition.level, Recognition.title,
                        Recognition.certificate_number.label("number"), Recognition.granted_on, Recognition.status,
                        Recognition.revoked_on, Recognition.application_id).where(Recognition.space_id == space_id)
    recorded = select(literal(RECORDED, String), ExternalTitle.id, ExternalTitle.jurisdiction,
                      ExternalTitle.awarding_body, ExternalTitle.level, ExternalTitle.title,
                      ExternalTitle.document_number, ExternalTitle.granted_on, ExternalTitle.status,
                      cast(null(), Date), cast(null(), Integer)).where(ExternalTitle.space_id == space_id)
    return db.session.execute(union_all(deployment, recorded)).all()


def titles_held(space_id: int, *, on: date | None = None, include_ended: bool = False,
                exclude: tuple[str, int] | None = None, exclude_application: int | None = None) -> list[HeldTitle]:
    """The titles the space ``space_id`` holds on ``on`` (default: now, whatever the date of
    grant), highest level first.  ``include_ended`` adds the revoked titles and the withdrawn
    records (``held`` False), for the pages that show the whole ladder; ``exclude`` leaves out one
    title, ``(source, id)`` (a page about that title), ``exclude_application`` the title an
    application led to (its case page)."""
    found: list[HeldTitle] = []
    for (source, row_id, code, body, level, title, number, granted_on, status, revoked_on,
         application_id) in _rows(space_id):
        if (source, row_id) == exclude or (exclude_application is not None and application_id == exclude_application):
            continue
        if source == DEPLOYMENT:
            held = _recognition_held(granted_on, status, revoked_on, on)
            ended = status == "revoked"
            body = _authority(code)
        else:
            held = status == "active" and (on is None or granted_on <= on)
            ended = status != "active"
        if held or (include_ended and ended):
            found.append(HeldTitle(source, row_id, code, body, level, title, number, granted_on, status, held,
                                   space_id))
    return sorted(found, key=lambda t: (not t.held, LEVEL_ORDER.get(t.level, 9), t.granted_on, t.source, t.id))


def other_titles(application: Application) -> list[HeldTitle]:
    """The titles of ``application``'s space other than the one it led to, ended ones marked:
    what the case page shows its reviewers (through core.review.award_desk)."""
    return titles_held(application.space_id, include_ended=True, exclude_application=application.id)


def prerequisites_of(code: str, policy: PolicyVersion) -> list[TitlePrerequisite]:
    """The prerequisites ``code`` declares under ``policy`` (a bureau-registered version asks
    with the plugin version whose rules it applies)."""
    return registry().title_prerequisites(code, versions.base_policy(code, policy))


def titles_meeting(prereq: TitlePrerequisite, space_id: int, own_code: str, on: date | None) -> list[HeldTitle]:
    """The titles of the space that meet ``prereq`` declared by ``own_code`` on ``on``."""
    return [t for t in titles_held(space_id, on=on) if t.level in prereq.levels
            and not (prereq.elsewhere and t.is_own_of(own_code))]


def prerequisite_met(prereq: TitlePrerequisite, space_id: int, own_code: str, on: date | None) -> bool:
    return bool(titles_meeting(prereq, space_id, own_code, on))


def skipped_text(kind: str, unmet: list[TitlePrerequisite]) -> str:
    """A rule not created for want of another title, in words for the audit:
    “争取项目资金扶持：须持有省级或州级众创空间称号（通过省州级认定）（弥政办发〔2017〕5号 二（四））”."""
    return f"{kind}：" + "；".join(f"{p.message}（{p.citation}）" for p in unmet)


def unmet_prerequisites(code: str, policy: PolicyVersion, rule_code: str, space_id: int,
                        on: date | None) -> list[TitlePrerequisite]:
    """The prerequisites of the rule ``rule_code`` of ``code`` the space does not meet on ``on``
    (empty: the rule is owed as far as titles go)."""
    return [p for p in prerequisites_of(code, policy)
            if p.applies_to == rule_code and not prerequisite_met(p, space_id, code, on)]


def made_reachable(space_id: int, region: str, level: str, granting_code: str, on: date) -> list[tuple[str, dict]]:
    """(jurisdiction, entitlement) of the support other jurisdictions give only to a space holding a
    title like the one ``granting_code`` has just granted at ``level`` (flushed, so it counts): for
    each enabled jurisdiction whose area covers the space or which holds a live title of it, the
    rules of its version in force on ``on`` whose prerequisite the space now meets and which the
    space does not have yet from it (弥政办发〔2017〕5号 二（四）: a 云南 title for a 弥勒 space)."""
    found: list[tuple[str, dict]] = []
    held = titles_held(space_id, on=on)
    for code, juris in enabled().items():
        if code == granting_code or not (juris.covers(region) or any(t.is_own_of(code) for t in held)):
            continue
        data = bureau_data.load_bureau_data(code)
        policy = versions.policy_in_force(code, on, data)
        prerequisites = [p for p in prerequisites_of(code, policy) if level in p.levels] if policy else []
        if not prerequisites:
            continue
        rules = {r.code: r for r in registry().subsidy_rules(code, versions.base_policy(code, policy, data))
                 if r.event == "recognized" and r.in_force_on(on)}
        existing = set(db.session.scalars(select(SubsidyEntitlement.rule_code).where(
            SubsidyEntitlement.space_id == space_id, SubsidyEntitlement.jurisdiction == code,
            SubsidyEntitlement.status != "cancelled")))
        for prereq in prerequisites:
            rule = rules.get(prereq.applies_to)
            if rule is None or rule.code in existing or unmet_prerequisites(code, policy, rule.code, space_id, on):
                continue
            found.append((code, entitlement(rule, data)))
            existing.add(rule.code)
    return found

