"""The meeting paper of a batch (issue 22): every application in rank order — its number, space
and applicant (hidden in a blind batch), the checklist's verdict, every expert's scores per
dimension, total and opinion, the aggregates and the rank with its reason.

Built here once (:func:`paper`) and written as xlsx here (every cell through
``core.platform.exports``: nothing runs as a formula) or as PDF by ``core.documents``
(``meeting_paper_pdf``: documents sit above review).  Officers and leaders of the batch's
jurisdiction only, once the expert review is concluded (before that the scores are still
being given); every download is audited (``batch.meeting_paper_exported``).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from core.accounts import roles
from core.eligibility import admin_checklist
from core.platform import audit, exports, labels
from core.platform.extensions import db
from core.platform.models import Batch
from core.review import aggregates, score_queries
from core.review.batches import BatchError, require_role

HIDDEN = "（匿名评审，不显示）"
QUERY_ANSWERS = {None: "询问未答复", "confirmed": "专家确认原评分", "revised": "专家已修改评分"}


@dataclass
class PaperRow:
    rank: str  # "1", "并列 2", "未评分"
    why: str
    number: str
    category: str
    space: str
    applicant: str
    verdict: str
    experts: list[dict[str, Any]]  # name, scores {dimension: value}, total, opinion, flagged, query
    mean: str = ""
    median: str = ""
    range: str = ""
    stdev: str = ""


@dataclass
class Paper:
    batch: Batch
    jurisdiction: str
    dimensions: list[str]
    max_total: float
    expert_names: list[str]
    rows: list[PaperRow] = field(default_factory=list)


def _g(value) -> str:
    return "" if value is None else f"{value:g}"


def require_reader(batch: Batch, actor) -> None:
    require_role(actor, roles.OFFICER, roles.LEADER, code=batch.jurisdiction)
    if batch.status == "open":
        raise BatchError("batch", "专家评审结束后方可导出会议材料")


def paper(batch: Batch, actor) -> Paper:
    """The paper of ``batch`` as ``actor`` (an officer or leader who may open it) reads it."""
    require_reader(batch, actor)
    found = aggregates.batch_aggregates(batch)
    sheet = found["sheet"]
    names = {a.expert_id: a.expert.name for a in batch.experts}
    answers = {q.record_id: q.answer for q in score_queries.queries_of(batch)}
    result = Paper(batch, labels.jurisdiction_label(batch.jurisdiction), [d.name for d in sheet],
                   found["max_total"], [names[a.expert_id] for a in batch.experts])
    for ranked in found["ranking"]:
        application, summary = ranked.key, ranked.summary
        records = found["per_application"][application.id]["records"]
        rows = []
        for assignment in batch.experts:
            record = records.get(assignment.expert_id)
            rows.append({
                "name": assignment.expert.name,
                "conflict": assignment.conflict_declared_at is not None,
                "scores": {d.name: _g((record.scores or {}).get(d.name)) for d in sheet} if record else {},
                "total": _g(summary.totals.get(assignment.expert_id)) if summary and record else "",
                "opinion": record.opinion or "" if record else "",
                "flagged": bool(summary and assignment.expert_id in summary.flagged),
                "query": QUERY_ANSWERS[answers[record.id]] if record and record.id in answers else "",
            })
        blind = bool(batch.blind)
        result.rows.append(PaperRow(
            rank=("未评分" if ranked.rank is None else f"并列 {ranked.rank}" if ranked.tied else str(ranked.rank)),
            why=ranked.why, number=application.official_number or f"#{application.id}",
            category=labels.category_label(application.jurisdiction, application.category),
            space=HIDDEN if blind else application.space.name,
            applicant=HIDDEN if blind else application.organisation.name,
            verdict=admin_checklist.verdict_summary(application, actor).label,
            experts=rows, mean=_g(summary.mean) if summary else "", median=_g(summary.median) if summary else "",
            range=_g(summary.range) if summary else "", stdev=_g(summary.stdev) if summary else ""))
    return result


def record_export(batch: Batch, actor, file_format: str, filename: str) -> None:
    """Audit one download of the paper (committed: the download follows)."""
    audit.record("batch.meeting_paper_exported", batch, actor=actor, file=filename, format=file_format)
    db.session.commit()


def headers(p: Paper) -> list[str]:
    cols = ["排名", "排名说明", "申报编号", "类别", "众创空间", "申报单位", "资格审查结论"]
    for name in p.expert_names:
        cols += [f"{name}·{d}" for d in p.dimensions] + [f"{name}·总分", f"{name}·意见", f"{name}·偏离标记"]
    return cols + ["平均分", "中位数", "极差", "标准差"]


def table_rows(p: Paper):
    for row in p.rows:
        cells = [row.rank, row.why, row.number, row.category, row.space, row.applicant, row.verdict]
        for e in row.experts:
            if e["conflict"]:
                cells += ["—"] * len(p.dimensions) + ["", "申明利益冲突，未评分", ""]
                continue
            flag = ("偏离其他专家" + (f"；{e['query']}" if e["query"] else "")) if e["flagged"] or e["query"] else ""
            cells += [e["scores"].get(d, "") for d in p.dimensions] + [e["total"], e["opinion"], flag]
        yield cells + [row.mean, row.median, row.range, row.stdev]


def xlsx(p: Paper) -> bytes:
    return exports.xlsx_bytes("会议材料", headers(p), table_rows(p))


def filename(batch: Batch, extension: str) -> str:
    return exports.export_filename(f"评审会议材料_批次{batch.id}", extension)
