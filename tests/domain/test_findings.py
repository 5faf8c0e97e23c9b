"""Findings (发现问题) recorded by the officer with evidence (core.monitoring.findings).

云科规〔2021〕1号 认定与管理 “动态考核评价” and “管理” name the grounds; 弥政办发〔2017〕5号 names none of these
kinds: the page says so and nothing is invented.
"""
from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from core.monitoring import findings
from core.platform import clock, uploads
from core.platform.extensions import db
from core.platform.models import AuditEvent, Finding
from tests.after_recognition_helpers import evidence, titled
from tests.factories import make_user


def test_yunnan_认定与管理_管理_fraud_finding_recorded_with_evidence_and_its_article(app):
    title, _applicant, officer, _leader = titled("yunnan")
    clock.freeze(date(2026, 1, 5))
    found = findings.record(officer, title, "fraud", date(2026, 1, 4), "申报材料中入驻协议系伪造",
                            "省厅核查", evidence())
    assert (found.kind, found.found_on, found.source) == ("fraud", date(2026, 1, 4), "省厅核查")
    assert found.attachment_id is not None
    event = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "finding.record")).one()
    assert event.jurisdiction == "yunnan" and "云科规〔2021〕1号 认定与管理“管理”" in event.detail["ground"]
    assert findings.history(title.id) == [{"kind": "fraud", "found_on": "2026-01-04"}]


def test_yunnan_动态考核评价_each_kind_cites_its_item_and_mile_says_none(app):
    day = date(2025, 6, 1)
    assert "动态考核评价" in findings.ground_text("yunnan", "serious_dishonesty", day)
    assert "限期一年整改" in findings.ground_text("yunnan", "cannot_operate", day)
    text = findings.ground_text("mile", "fraud", day)
    assert text == "弥政办发〔2017〕5号 未规定此情形的后果（平台不作设定）"


def test_found_on_boundaries_today_allowed_tomorrow_refused_before_grant_refused(app):
    title, _a, officer, _l = titled("yunnan", granted_on=date(2023, 6, 1))
    clock.freeze(date(2026, 1, 5))
    with pytest.raises(findings.FindingRefused) as refused:
        findings.record(officer, title, "fraud", date(2026, 1, 6), "x")
    assert refused.value.key == "found_on"
    with pytest.raises(findings.FindingRefused) as refused:
        findings.record(officer, title, "fraud", date(2023, 5, 31), "x")
    assert refused.value.key == "found_on" and "2023-06-01" in refused.value.message
    findings.record(officer, title, "fraud", date(2023, 6, 1), "认定当日")
    findings.record(officer, title, "fraud", date(2026, 1, 5), "今天")
    assert db.session.scalar(select(db.func.count(Finding.id))) == 2


def test_wrong_role_scope_kind_and_bad_file_write_nothing(app):
    title, applicant, officer, leader = titled("yunnan")
    other = make_user("officer", ["mile"])
    clock.freeze(date(2026, 1, 5))
    for user in (applicant, leader, other):
        with pytest.raises(findings.FindingRefused) as refused:
            findings.record(user, title, "fraud", date(2026, 1, 1), "x")
        assert refused.value.key == "action"
    with pytest.raises(findings.FindingRefused) as refused:
        findings.record(officer, title, "stolen", date(2026, 1, 1), "x")
    assert refused.value.key == "kind"
    with pytest.raises(findings.FindingRefused) as refused:
        findings.record(officer, title, "fraud", date(2026, 1, 1), "   ")
    assert refused.value.key == "evidence" and refused.value.message == "请填写问题事实及证据"
    with pytest.raises(uploads.UploadError):  # judged by content, not by its name
        findings.record(officer, title, "fraud", date(2026, 1, 1), "x", None, evidence(b"MZ\x90\x00 not a pdf", "a.pdf"))
    assert db.session.scalar(select(db.func.count(Finding.id))) == 0
    assert db.session.scalar(select(db.func.count(AuditEvent.id)).where(AuditEvent.action == "finding.record")) == 0


def test_listing_is_scoped_and_applicants_see_no_findings(app):
    title, applicant, officer, leader = titled("yunnan")
    clock.freeze(date(2026, 1, 5))
    findings.record(officer, title, "serious_dishonesty", date(2026, 1, 2), "列入严重失信主体名单", "信用中国")
    assert len(findings.listing(officer)) == 1 and len(findings.listing(leader)) == 1
    assert findings.listing(make_user("officer", ["mile"])) == []
    assert findings.listing(applicant) == []
    assert len(findings.listing(make_user("admin"))) == 1
