"""A title's record since recognition, in the HISTORY shape of CONTRACTS §6.

The standing of a title (core.monitoring.standing) is a pure function of this record;
the command `zhongchuang standing` reads it from a file, the title's pages build it here
from the database, so both answer alike.  What enters the record:

* assessments: the grades of rounds the leader approved (a round still being scored or
  awaiting approval is no result yet), and grades entered without a round;
* rectifications: every order, with its result (null while it runs);
* statistics: the years whose filing window closed while the title was live
  (core.monitoring.windows.history), 未填报 with or without 特殊原因;
* changes: every change known, reported or found by the bureau;
* findings: every finding recorded with evidence;
* revoked_on and revocation_grounds of a revoked title.
"""
from __future__ import annotations

from sqlalchemy import or_, select

from core.monitoring import changes, findings, rectifications, windows
from core.platform.extensions import db
from core.platform.models import Assessment, AssessmentRound, Recognition

#: rounds whose grades are results (the leader approved them)
DECIDED_ROUNDS = ("approved", "published")


def assessments_of(title: Recognition) -> list[dict]:
    rows = db.session.scalars(
        select(Assessment).outerjoin(AssessmentRound, Assessment.round_id == AssessmentRound.id)
        .where(Assessment.recognition_id == title.id, Assessment.grade.is_not(None),
               or_(Assessment.round_id.is_(None), AssessmentRound.status.in_(DECIDED_ROUNDS)))
        .order_by(Assessment.year))
    return [{"year": a.year, "grade": a.grade} for a in rows]


def history_of(title: Recognition) -> dict:
    """The §6 HISTORY object of ``title``."""
    return {
        "recognized_on": title.granted_on.isoformat(),
        "assessments": assessments_of(title),
        "rectifications": rectifications.history(title.id),
        "statistics": windows.history(title),
        "changes": changes.history(title.id),
        "findings": findings.history(title.id),
        "revoked_on": title.revoked_on.isoformat() if title.revoked_on else None,
        "revocation_grounds": list(title.revocation_grounds or []) if title.revoked_on else [],
    }
