"""Findings (发现问题): a fact an officer records against a title, with its evidence.

Kinds (CONTRACTS §6 ``findings``): 弄虚作假、严重失信、严重违法违规、运营主体注销、无法达到认定条件、无法正常运营.
Each shows the article it is a ground under where the jurisdiction's document has one
(``core.monitoring.grounds``: 云科规〔2021〕1号 认定与管理 “动态考核评价”, and “管理” for fraud); where the
document names none, the page says so and no consequence is invented.  A finding changes
nothing by itself: the officer orders a rectification (无法正常运营) or proposes revocation.
"""
from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import select

from core.monitoring import grounds
from core.monitoring.title_scope import criteria, is_officer_of
from core.monitoring.titles import LIVE
from core.platform import audit, clock, uploads
from core.platform.errors import Refused
from core.platform.extensions import db
from core.platform.labels import FINDING_KIND_LABELS
from core.platform.models import Finding, Recognition

__all__ = ["KINDS", "FindingRefused", "record", "ground_text", "listing", "of_title", "history", "cite"]

KINDS = tuple(FINDING_KIND_LABELS)
MAX_TEXT = 2000
MAX_SOURCE = 200


class FindingRefused(Refused):
    key_in_text = False


def cite(citation: dict | None) -> str:
    """``云科规〔2021〕1号 认定与管理“管理”`` / ``弥政办发〔2017〕5号 第十五条``."""
    if not citation:
        return ""
    item = f"“{citation['item']}”" if citation.get("item") else ""
    return f"{citation.get('document', '')} {citation.get('article') or ''}{item}".strip()


def ground_text(code: str, kind: str, day: date) -> str:
    """What the jurisdiction's document makes of a finding of ``kind``, with the article."""
    found = grounds.finding_ground(code, kind, day)
    if found is None:
        return grounds.no_ground_text(code, day)
    citation, words = found
    return f"{words}（{cite(citation.to_dict())}）"


def _text(key: str, value: Any, what: str, limit: int, required: bool = True) -> str:
    text = value.strip() if isinstance(value, str) else ""
    if required and not text:
        raise FindingRefused(key, f"请填写{what}")
    if len(text) > limit:
        raise FindingRefused(key, f"{what}不能超过 {limit} 字")
    return text


def record(user, recognition: Recognition, kind: Any, found_on: Any, evidence: Any, source: Any = None,
           upload=None) -> Finding:
    """The officer records a finding with its evidence (text, and a file if given).
    Committed with its audit event; refused with nothing written."""
    if not is_officer_of(user, recognition.jurisdiction):
        raise FindingRefused("action", "只有本辖区的主管部门工作人员可以登记发现的问题")
    if recognition.status not in LIVE:
        raise FindingRefused("recognition_id", "该认定称号已撤销")
    if kind not in KINDS:
        raise FindingRefused("kind", "请选择问题类型")
    if not isinstance(found_on, date):
        raise FindingRefused("found_on", "请填写发现日期，格式为 YYYY-MM-DD")
    if found_on > clock.today():
        raise FindingRefused("found_on", "发现日期不能晚于今天")
    if found_on < recognition.granted_on:
        raise FindingRefused("found_on", f"发现日期不能早于认定日期 {recognition.granted_on.isoformat()}")
    text = _text("evidence", evidence, "问题事实及证据", MAX_TEXT)
    where = _text("source", source, "信息来源", MAX_SOURCE, required=False) or None
    with uploads.transaction("upload") as stored:
        saved = None
        if upload is not None and getattr(upload, "filename", ""):
            saved = stored.file(upload, key="upload", actor=user)
        finding = Finding(recognition_id=recognition.id, jurisdiction=recognition.jurisdiction, kind=kind,
                          found_on=found_on, evidence=text, source=where, recorded_by_id=user.id,
                          attachment_id=saved.id if saved else None)
        db.session.add(finding)
        db.session.flush()
        audit.record("finding.record", finding, actor=user, kind=FINDING_KIND_LABELS[kind],
                     found_on=found_on.isoformat(), source=where, certificate=recognition.certificate_number,
                     ground=ground_text(recognition.jurisdiction, kind, found_on),
                     file=saved.original_name if saved else None, sha256=saved.sha256 if saved else None)
        db.session.commit()
    return finding


def listing(user) -> list[Finding]:
    return list(db.session.scalars(select(Finding).where(criteria(user, Finding, applicants=False))
                                   .order_by(Finding.found_on.desc(), Finding.id.desc())))


def of_title(recognition_id: int) -> list[Finding]:
    return list(db.session.scalars(select(Finding).where(Finding.recognition_id == recognition_id)
                                   .order_by(Finding.found_on, Finding.id)))


def history(recognition_id: int) -> list[dict]:
    """The CONTRACTS §6 ``findings`` entries of a title, oldest first."""
    return [{"kind": f.kind, "found_on": f.found_on.isoformat()} for f in of_title(recognition_id)]
