"""Independent scoring's aggregates and the batch's ranking (issue 22).

Per application: each expert's total (his latest score sheet: a revision replaces the earlier
one), the mean, the median, the spread (max − min and the population standard deviation) and a
flag on a total far from the others.  No policy sets any of this; the flag and the tie rules are
our choice (docs/experts.md, "评分汇总与排序"):

- flag: with at least 3 experts, |total − median of the OTHER experts' totals| >
  max(15 % of the sheet's maximum total, 2 × the median absolute deviation of the others);
- rank: mean total descending; equal means by the median, then by the lowest total; still equal:
  并列 (the same rank).  Applications without any score come last, unranked.

Everything below :func:`batch_aggregates` is pure (plain numbers in, plain data out).
"""
from __future__ import annotations

import statistics
from dataclasses import dataclass, field
from typing import Any, Hashable

from core.review.experts import latest_scores
from core.review.score_sheet import review_dimensions

FLAG_MIN_EXPERTS = 3
FLAG_SHARE_OF_MAXIMUM = 0.15
FLAG_MAD_FACTOR = 2


def _r(value: float) -> float:
    """Scores are typed with at most 2 decimals: compare and show them at that precision."""
    return round(value + 0.0, 2)


@dataclass(frozen=True)
class Summary:
    totals: dict[Hashable, float]  # expert key → total
    mean: float
    median: float
    lowest: float
    highest: float
    range: float
    stdev: float  # population standard deviation
    flagged: dict[Hashable, float] = field(default_factory=dict)  # expert key → the others' median

    @property
    def count(self) -> int:
        return len(self.totals)


def flag_threshold(others: list[float], max_total: float) -> float:
    """How far from the others' median a total may be before it is flagged."""
    centre = statistics.median(others)
    mad = statistics.median(abs(x - centre) for x in others)
    return max(FLAG_SHARE_OF_MAXIMUM * max_total, FLAG_MAD_FACTOR * mad)


def far_totals(totals: dict[Hashable, float], max_total: float) -> dict[Hashable, float]:
    """The experts whose total is far from the others (key → the others' median); none below 3 experts."""
    if len(totals) < FLAG_MIN_EXPERTS:
        return {}
    found = {}
    for key, total in totals.items():
        others = [t for k, t in totals.items() if k != key]
        centre = statistics.median(others)
        if _r(abs(total - centre)) > _r(flag_threshold(others, max_total)):
            found[key] = _r(centre)
    return found


def summarise(totals: dict[Hashable, float], max_total: float) -> Summary | None:
    """The aggregates of one application's totals, None when nobody scored it."""
    if not totals:
        return None
    values = list(totals.values())
    return Summary(
        totals={k: _r(v) for k, v in totals.items()}, mean=_r(statistics.fmean(values)),
        median=_r(statistics.median(values)), lowest=_r(min(values)), highest=_r(max(values)),
        range=_r(max(values) - min(values)), stdev=_r(statistics.pstdev(values)),
        flagged=far_totals(totals, max_total))


@dataclass
class Ranked:
    key: Any
    summary: Summary | None
    rank: int | None = None  # None: no score, unranked
    tied: bool = False
    why: str = ""  # why it stands above the next row (when the means are equal), or that it is 并列


def _order(s: Summary) -> tuple[float, float, float]:
    return (s.mean, s.median, s.lowest)


def _g(value: float) -> str:
    return f"{value:g}"


def why_above(upper: Summary, lower: Summary) -> str:
    """Why ``upper`` stands above ``lower``, in words (empty when the means already differ)."""
    if upper.mean != lower.mean:
        return ""
    if upper.median != lower.median:
        return f"平均分相同（{_g(upper.mean)}），按中位数排序：{_g(upper.median)} 高于 {_g(lower.median)}"
    if upper.lowest != lower.lowest:
        return (f"平均分（{_g(upper.mean)}）与中位数（{_g(upper.median)}）均相同，按最低分排序："
                f"{_g(upper.lowest)} 高于 {_g(lower.lowest)}")
    return (f"平均分（{_g(upper.mean)}）、中位数（{_g(upper.median)}）、最低分（{_g(upper.lowest)}）均相同，"
            "并列")


def rank(entries: list[tuple[Any, Summary | None]]) -> list[Ranked]:
    """The ranking of ``entries`` (key, summary) — keys keep their given order among equals —
    with shared ranks for ties (1, 1, 3) and the reason each row stands above the next."""
    scored = sorted((e for e in entries if e[1] is not None), key=lambda e: _order(e[1]), reverse=True)
    rows = [Ranked(key, summary) for key, summary in scored]
    for i, row in enumerate(rows):
        previous = rows[i - 1] if i else None
        if previous is not None and _order(previous.summary) == _order(row.summary):
            row.rank, row.tied, previous.tied = previous.rank, True, True
        else:
            row.rank = i + 1
        if i + 1 < len(rows):
            row.why = why_above(row.summary, rows[i + 1].summary)
    for row in rows:
        if row.tied and not row.why:  # the last of a tie: say so too
            row.why = f"平均分、中位数、最低分均相同，并列第 {row.rank} 名"
    return rows + [Ranked(key, None) for key, summary in entries if summary is None]


# --- the one query --------------------------------------------------------------------------


def sheet_total(sheet, scores: dict) -> float:
    return _r(sum(float(scores.get(d.name, 0)) for d in sheet))


def batch_aggregates(batch) -> dict[int, Any]:
    """Per application id of ``batch``: ``records`` (expert id → latest ReviewRecord),
    ``summary`` (None when unscored) and the ``ranking`` of the batch (key: application)."""
    sheet, _ = review_dimensions(batch.jurisdiction)
    max_total = sum(d.max for d in sheet)
    found = {}
    for application in sorted(batch.applications, key=lambda a: a.id):
        records = latest_scores(application)
        totals = {expert_id: sheet_total(sheet, r.scores or {}) for expert_id, r in records.items()}
        found[application.id] = {"application": application, "records": records,
                                 "summary": summarise(totals, max_total)}
    ranking = rank([(v["application"], v["summary"]) for v in found.values()])
    return {"sheet": sheet, "max_total": max_total, "per_application": found, "ranking": ranking}

