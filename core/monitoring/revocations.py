"""撤销称号: proposed by an officer with its grounds, decided by the leader at a meeting.

``propose(title, ground_codes, grounds, proposal_text, actor)``: ``ground_codes`` are CONTRACTS §6
``revocation_grounds`` codes; ``grounds`` the list of ``{id, citation, message}`` — given by the caller
(the standing engine's answer, later) or, when empty, built from the documents' articles
(``core.monitoring.grounds``).  A ground the jurisdiction's document does not name is refused:
no consequence is invented.

The leader decides (revoke | reject) recording the meeting's date and minutes reference (as the
award's decision does, ``core.review.meetings``; here always required: the issue has the leader
decide at a meeting).  On revoke, in one transaction:

- the title: status ``revoked``, ``revoked_on`` the meeting's date, ``revoked_reason``,
  ``revocation_grounds`` and ``revocation_citations`` (each ``{ground, document, article, item}``);
- a ban where the policy attaches one: a ground ``fraud`` under a version declaring
  ``fraud_ban_years`` (云科规〔2021〕1号 认定与管理 “管理”: 2年内不得再次申报) → ``ban_until`` =
  revoked_on + years, counted as 民法典 第201、202条 (2026-01-05 → 2028-01-05; 2024-02-29 → 2026-02-28),
  the last day still banned; its citation is kept with ``ground: "ban"``.  No other ban;
- money: unpaid entitlements cancelled, paid ones flagged (``core.award.cancellation``);
- the certificate prints 已撤销 with the date and article (its HTML changes, so the PDF store
  renders it again: ``core.documents.store`` keys PDFs by their HTML).
"""
from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm.exc import StaleDataError

from core.award.cancellation import cancel_for_revocation
from core.accounts.scoping import visible_codes
from core.bureau import versions as policy_versions
from core.monitoring import grounds as documents
from core.monitoring import title_standing
from core.monitoring.findings import cite
from core.monitoring.title_scope import criteria, is_leader_of, is_officer_of
from core.monitoring.titles import LIVE
from core.platform import audit, clock, events
from core.platform.errors import Refused
from core.platform.extensions import db
from core.platform.labels import REVOCATION_GROUND_LABELS
from core.platform.models import (Assessment, Finding, Recognition, Rectification, Revocation, StatisticsMiss)
from core.review import meetings
from core.workdays import add_months

__all__ = ["GROUND_CODES", "DECISIONS", "RevocationRefused", "propose", "decide", "grounds_for", "ban_for",
           "evidence", "listing", "pending", "MEETING_REQUIRED", "LISTS", "proposable_titles"]

GROUND_CODES = tuple(REVOCATION_GROUND_LABELS)
DECISIONS = ("revoke", "reject")
MAX_TEXT = 5000
BAN_YEARS = "fraud_ban_years"
MEETING_REQUIRED = "撤销称号由局领导会议审定"


class RevocationRefused(Refused):
    key_in_text = False

    def __init__(self, key: str, message: str, errors: dict | None = None) -> None:
        super().__init__(key, message)
        self.errors = errors or {key: message}


def grounds_for(code: str, ground_codes: list[str], day: date) -> list[dict]:
    """The §6 ``grounds`` entries of ``ground_codes`` from the document in force on ``day``;
    refused naming the first code the document does not make a ground."""
    found = []
    for ground in ground_codes:
        basis = documents.revocation_ground(code, ground, day)
        if basis is None:
            raise RevocationRefused("ground_codes", f"{REVOCATION_GROUND_LABELS[ground]}："
                                    + documents.no_ground_text(code, day))
        citation, words = basis
        found.append({"id": f"{code}.{ground}", "citation": citation.to_dict(), "message": words})
    return found


def from_standing(title: Recognition, as_of: date) -> tuple[list[str], list[dict]]:
    """What the title's standing (CONTRACTS §6) proposes when it is ``revocation_due``: the
    ``revocation_grounds`` codes its rules carry, and for each code the standing's ground (the
    record's years and dates, the rule's article) — so the proposal states what the engine found.
    ([], []) for any other standing."""
    answer = title_standing.standing_of(title, as_of)
    rules = documents.rules_on(title.jurisdiction, as_of)
    if answer["standing"] != "revocation_due" or rules is None:
        return [], []
    by_id = {r.id: r for r in rules.rules}
    codes, entries = [], []
    for ground in answer["grounds"]:
        for code in by_id[ground["id"]].grounds if ground["id"] in by_id else ():
            if code not in codes:
                codes.append(code)
                entries.append(ground)
    return codes, entries


def standing_grounds(title: Recognition, codes: list[str], as_of: date) -> list[dict] | None:
    """The standing's grounds for ``codes`` in their order, when the standing names every one of
    them; else None (the proposal then cites the articles alone, ``grounds_for``)."""
    found, entries = from_standing(title, as_of)
    by_code = dict(zip(found, entries))
    return [by_code[c] for c in codes] if codes and all(c in by_code for c in codes) else None


def _checked_grounds(value: Any) -> list[dict]:
    if not isinstance(value, list) or not all(
            isinstance(g, dict) and isinstance(g.get("id"), str) and isinstance(g.get("message"), str)
            and (g.get("citation") is None or isinstance(g.get("citation"), dict)) for g in value):
        raise RevocationRefused("grounds", "撤销依据格式有误：每项应有 id、citation、message")
    return [{"id": g["id"], "citation": g.get("citation"), "message": g["message"]} for g in value]


def pending(recognition_id: int) -> Revocation | None:
    return db.session.scalars(select(Revocation).where(Revocation.recognition_id == recognition_id,
                                                       Revocation.status == "proposed")).first()


def propose(title: Recognition, ground_codes: Any, grounds: Any, proposal_text: Any, actor) -> Revocation:
    """The officer proposes revoking ``title``.  Committed with its audit event."""
    today = clock.today()
    code = title.jurisdiction
    if not is_officer_of(actor, code):
        raise RevocationRefused("action", "只有本辖区的主管部门工作人员可以提出撤销称号")
    if title.status not in LIVE:
        raise RevocationRefused("recognition_id", "该认定称号已撤销")
    if pending(title.id) is not None:
        raise RevocationRefused("recognition_id", "该称号已有待审定的撤销提议")
    codes = list(dict.fromkeys(ground_codes or []))
    if not codes or any(c not in GROUND_CODES for c in codes):
        raise RevocationRefused("ground_codes", "请选择撤销依据")
    entries = _checked_grounds(grounds) if grounds else grounds_for(code, codes, today)
    text = proposal_text.strip() if isinstance(proposal_text, str) else ""
    if not text:
        raise RevocationRefused("proposal", "请填写撤销理由及事实")
    if len(text) > MAX_TEXT:
        raise RevocationRefused("proposal", f"撤销理由不能超过 {MAX_TEXT} 字")
    revocation = Revocation(recognition_id=title.id, jurisdiction=code, status="proposed", grounds=entries,
                            ground_codes=codes, proposal=text, proposed_by_id=actor.id, proposed_at=clock.utcnow())
    db.session.add(revocation)
    db.session.flush()
    audit.record("revocation.propose", revocation, actor=actor, to_state="proposed", opinion=text,
                 grounds=[REVOCATION_GROUND_LABELS[c] for c in codes],
                 citations=[cite(g["citation"]) for g in entries], certificate=title.certificate_number)
    events.emit("revocation.proposed", revocation, actor=actor, certificate=title.certificate_number)
    db.session.commit()
    return revocation


def ban_for(code: str, ground_codes: list[str], revoked_on: date) -> tuple[date, dict] | None:
    """(last banned day, citation) of the ban the version in force on ``revoked_on`` attaches to a
    revocation on these grounds (its standing rules' ``ban``: 云南 fraud, ``fraud_ban_years``), or None."""
    policy = documents.policy_on(code, revoked_on)
    rules = documents.rules_on(code, revoked_on)
    ban = rules.ban if rules is not None else None
    if ban is None or not set(ban.grounds) & set(ground_codes):
        return None
    years = policy_versions.parameters(code, policy).get(ban.parameter)
    if not isinstance(years, int) or years <= 0:
        return None
    return add_months(revoked_on, 12 * years), {**ban.citation.to_dict(), "ground": "ban", "years": years}


def decide(revocation: Revocation, actor, decision: Any, *, meeting_on: Any, minutes_ref: Any,
           opinion: Any) -> Revocation:
    """The leader's decision at a meeting.  Raises RevocationRefused (``errors`` per field)
    having written nothing; a decision taken meanwhile by another is refused the same way."""
    today = clock.today()
    code = revocation.jurisdiction
    if not is_leader_of(actor, code):
        raise RevocationRefused("action", "撤销称号由本辖区局领导审定")
    if revocation.status != "proposed":
        raise RevocationRefused("action", "该撤销提议已审定")
    detail, errors = meetings.meeting_record(MEETING_REQUIRED, meeting_on, minutes_ref, today)
    proposed_on = clock.local(revocation.proposed_at).date() if revocation.proposed_at else None
    if "meeting_on" in detail and proposed_on and date.fromisoformat(detail["meeting_on"]) < proposed_on:
        errors["meeting_on"] = f"会议日期不能早于提出撤销的日期 {proposed_on.isoformat()}"
    if decision not in DECISIONS:
        errors["decision"] = "请选择审定结果：撤销称号或不予撤销"
    text = opinion.strip() if isinstance(opinion, str) else ""
    if not text:
        errors["opinion"] = "请填写审定意见"
    elif len(text) > MAX_TEXT:
        errors["opinion"] = f"审定意见不能超过 {MAX_TEXT} 字"
    if errors:
        key = next(iter(errors))
        raise RevocationRefused(key, errors[key], errors)
    decided_on = date.fromisoformat(detail["meeting_on"])
    title = revocation.recognition
    revocation.status = "revoked" if decision == "revoke" else "rejected"
    revocation.meeting_on, revocation.minutes_ref = decided_on, detail["minutes_ref"]
    revocation.decision, revocation.decided_by_id, revocation.decided_at = text, actor.id, clock.utcnow()
    try:
        audit.record("revocation.decide", revocation, actor=actor, from_state="proposed", to_state=revocation.status,
                     opinion=text, certificate=title.certificate_number, **detail)
        if decision == "revoke":
            _revoke(revocation, title, decided_on, actor)
        events.emit("revocation.decided", revocation, actor=actor, status=revocation.status,
                    certificate=title.certificate_number)
        db.session.commit()
    except StaleDataError:
        db.session.rollback()
        raise RevocationRefused("action", "该撤销提议已由他人审定，请刷新页面后查看") from None
    except Exception:
        db.session.rollback()
        raise
    return revocation


def _revoke(revocation: Revocation, title: Recognition, revoked_on: date, actor) -> None:
    citations = [{**(g["citation"] or {}), "ground": code}
                 for code, g in zip(revocation.ground_codes, revocation.grounds)]
    ban = ban_for(title.jurisdiction, revocation.ground_codes, revoked_on)
    if ban is not None:
        citations.append(ban[1])
    before = title.status
    title.status, title.revoked_on = "revoked", revoked_on
    title.revoked_reason = "；".join(g["message"] for g in revocation.grounds)
    title.revocation_grounds = list(revocation.ground_codes)
    title.revocation_citations = citations
    title.ban_until = revocation.ban_until = ban[0] if ban else None
    revocation.revoked_on = revoked_on
    cancelled, flagged = cancel_for_revocation(title, revoked_on, actor)
    audit.record("recognition.revoke", title, actor=actor, from_state=before, to_state="revoked",
                 revoked_on=revoked_on.isoformat(), reason=title.revoked_reason,
                 citations=[cite(c) for c in citations], ban_until=ban[0].isoformat() if ban else None,
                 cancelled=[e.id for e in cancelled], flagged=[e.id for e in flagged], revocation=revocation.id)


def evidence(title: Recognition) -> dict[str, list]:
    """What the proposal page lists for a title: findings, failed rectifications, unqualified
    assessments, statistics years not filed (StatisticsMiss)."""
    return {
        "findings": list(db.session.scalars(select(Finding).where(Finding.recognition_id == title.id)
                                            .order_by(Finding.found_on))),
        "rectifications": list(db.session.scalars(select(Rectification).where(
            Rectification.recognition_id == title.id, Rectification.status == "failed")
            .order_by(Rectification.ordered_on))),
        "assessments": list(db.session.scalars(select(Assessment).where(
            Assessment.recognition_id == title.id, Assessment.grade == "unqualified").order_by(Assessment.year))),
        "misses": list(db.session.scalars(select(StatisticsMiss).where(StatisticsMiss.recognition_id == title.id)
                                          .order_by(StatisticsMiss.year))),
    }


LISTS = ("proposed", "decided", "all")


def listing(user, which: str = "proposed") -> list[Revocation]:
    query = select(Revocation).where(criteria(user, Revocation)).order_by(Revocation.id.desc())
    if which == "proposed":
        query = query.where(Revocation.status == "proposed")
    elif which == "decided":
        query = query.where(Revocation.status != "proposed")
    return list(db.session.scalars(query))


def proposable_titles(user) -> list[Recognition]:
    if not visible_codes(user):
        return []
    busy = select(Revocation.recognition_id).where(Revocation.status == "proposed")
    return [t for t in db.session.scalars(select(Recognition).where(
        Recognition.jurisdiction.in_(visible_codes(user)), Recognition.status.in_(LIVE),
        Recognition.id.not_in(busy)).order_by(Recognition.jurisdiction, Recognition.certificate_number))
        if is_officer_of(user, t.jurisdiction)]
