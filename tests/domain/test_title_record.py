"""A title's record in the HISTORY shape of CONTRACTS §6, built from the database
(core.monitoring.record): what the title pages hand to the standing engine."""
from __future__ import annotations

from datetime import date

from core.monitoring import changes, record, standing, windows
from core.platform import clock
from core.platform.extensions import db
from core.platform.models import Assessment, AssessmentRound, Finding, Rectification
from tests.factories import make_title, make_user


def add(*rows):
    db.session.add_all(rows)
    db.session.commit()
    return rows[0]


def test_a_new_title_has_an_empty_record(app):
    title = make_title("mile", granted_on=date(2024, 6, 1))
    assert record.history_of(title) == {
        "recognized_on": "2024-06-01", "assessments": [], "rectifications": [], "statistics": [], "changes": [],
        "findings": [], "revoked_on": None, "revocation_grounds": []}


def test_only_grades_the_leader_approved_are_results(app):
    title = make_title("mile", granted_on=date(2023, 6, 1))
    approved = add(AssessmentRound(jurisdiction="mile", year=2024, status="approved"))
    scoring = add(AssessmentRound(jurisdiction="mile", year=2025, status="submitted"))
    add(Assessment(round_id=approved.id, recognition_id=title.id, year=2024, grade="unqualified"),
        Assessment(round_id=scoring.id, recognition_id=title.id, year=2025, grade="unqualified"),
        Assessment(round_id=None, recognition_id=title.id, year=2023, grade="good"))
    assert record.history_of(title)["assessments"] == [{"year": 2023, "grade": "good"},
                                                      {"year": 2024, "grade": "unqualified"}]
    scoring.status = "published"
    db.session.commit()
    assert [a["year"] for a in record.history_of(title)["assessments"]] == [2023, 2024, 2025]


def test_rectifications_findings_and_revocation_enter_the_record(app):
    title = make_title("yunnan", granted_on=date(2022, 5, 10))
    add(Rectification(recognition_id=title.id, jurisdiction="yunnan", ground="cannot_operate", requirements="恢复运营",
                      ordered_on=date(2025, 2, 1), deadline=date(2026, 2, 1), result="failed"),
        Rectification(recognition_id=title.id, jurisdiction="yunnan", ground="cannot_operate", requirements="再整改",
                      ordered_on=date(2026, 3, 1), deadline=date(2027, 3, 1)),
        Finding(recognition_id=title.id, jurisdiction="yunnan", kind="fraud", found_on=date(2026, 2, 1),
                evidence="申报材料中的场地合同系伪造"))
    title.status, title.revoked_on, title.revocation_grounds = "revoked", date(2026, 5, 6), ["fraud"]
    db.session.commit()
    history = record.history_of(title)
    assert history["rectifications"] == [
        {"ordered_on": "2025-02-01", "deadline": "2026-02-01", "result": "failed"},
        {"ordered_on": "2026-03-01", "deadline": "2027-03-01", "result": None}]
    assert history["findings"] == [{"kind": "fraud", "found_on": "2026-02-01"}]
    assert (history["revoked_on"], history["revocation_grounds"]) == ("2026-05-06", ["fraud"])


def test_statistics_and_changes_come_from_their_own_records(app):
    """云科规〔2021〕1号 认定与管理 管理: the years a closed window marked 未填报, and the changes known."""
    title = make_title("yunnan", granted_on=date(2023, 5, 1))
    officer = make_user("officer", ["yunnan"])
    clock.freeze(date(2025, 1, 2))
    opened = windows.open_window("yunnan", 2024, date(2025, 1, 2), date(2025, 3, 31), officer)
    clock.freeze(date(2025, 4, 1))
    windows.close_window(opened, officer)
    changes.record_found(officer, title, "area", date(2025, 3, 15), "面积缩小至 400㎡")
    history = record.history_of(title)
    assert history["statistics"] == [{"year": 2024, "filed": False, "excused": False}]
    assert history["changes"] == [{"kind": "area", "changed_on": "2025-03-15", "reported_on": None}]


def test_the_record_is_a_history_the_command_accepts(app):
    """What the pages hand to the engine passes the same validation as HISTORY.json (CONTRACTS §6)."""
    title = make_title("yunnan", granted_on=date(2022, 5, 10))
    add(Rectification(recognition_id=title.id, jurisdiction="yunnan", ground="cannot_operate", requirements="恢复运营",
                      ordered_on=date(2025, 2, 1), deadline=date(2026, 2, 1), result="passed"),
        Finding(recognition_id=title.id, jurisdiction="yunnan", kind="serious_violation", found_on=date(2026, 2, 1),
                evidence="行政处罚决定书"))
    standing.parse_history(record.history_of(title))  # raises BadHistory naming the key otherwise
