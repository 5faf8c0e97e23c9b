"""The random draw of a batch's experts from the pool, with 回避 (issue 22; docs/experts.md
"随机抽取与回避").

No document sets how many experts review an application nor when an expert stands aside: the
minimum, 回避 by county and by a recent review of the same space are the bureau's settings
(本局设定, ``core.bureau.data``); 回避 for the same organisation and for a declared relationship
are ours, always on.  Experts review a batch together, so an expert is eligible for a batch only
when no rule keeps him away from ANY of its applications.

A draw is reproducible: the eligible pool is recorded in the order it is drawn from (by user id)
with a 64-bit seed, and ``random.Random(seed).sample(pool, count)`` gives the experts again
(:func:`replay`).  An expert of a drawn batch who declares a conflict of interest is replaced by
one more draw, made by the system (``replace_after_conflict``, called by
``core.review.experts.declare``).

Operations check the actor, audit and commit once, or raise ``BatchError`` having written nothing.
"""
from __future__ import annotations

import random
import secrets
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import select

from core.accounts import roles
from core.accounts.scoping import visible_codes
from core.bureau.data import EXPERT_MINIMUM, EXPERT_REVIEW_YEARS, EXPERT_SAME_DISTRICT, bureau_setting
from core.platform import audit, clock
from core.platform.extensions import db
from core.platform.models import (Application, Batch, ExpertAssignment, ExpertDraw, ExpertProfile,
                                  ExpertRelationship, ReviewRecord, User, utcnow)
from core.review import batches, expert_pool, workflow
from core.review.batches import BatchError, require_role
from core.workdays import add_months

# The words of each rule, as the reasons and the batch page name them.
SAME_ORGANISATION = "同单位回避"
RELATIONSHIP = "利害关系回避"
SAME_DISTRICT = "同县（市、区）回避（本局设定）"
RECENT_REVIEW = "近期评审同一众创空间回避（本局设定）"


def _setting(code: str, key: str) -> Any:
    found = bureau_setting(code, key)
    return None if found is None else found.value


def minimum_of(code: str) -> int | None:
    """The bureau's minimum of experts per application (本局设定), or None."""
    value = _setting(code, EXPERT_MINIMUM)
    return int(value) if value else None


# --- the pool -------------------------------------------------------------------------------
# Until core.review.expert_pool lands: a small query of our own.  An expert with no profile counts
# as active with no fields (the pool predates the profiles).


def _profile(user: User) -> ExpertProfile | None:
    return db.session.get(ExpertProfile, user.id)


def _experts_of(code: str) -> list[User]:
    """The active expert users serving ``code`` (core.review.expert_pool), by id: the order drawn
    from; paused ones included, so the draw can say why they were not."""
    return list(db.session.scalars(expert_pool.experts_serving(code).order_by(None).order_by(User.id)))


# --- 回避 -------------------------------------------------------------------------------------


def _same_name(a: str | None, b: str | None) -> bool:
    return bool(a and b and a.strip() and a.strip() == b.strip())


def exclusions(expert: User, application: Application, code: str, as_of: date) -> list[str]:
    """Why ``expert`` may not review ``application`` of ``code`` on ``as_of`` (Chinese; empty: he may)."""
    reasons: list[str] = []
    profile = _profile(expert)
    organisation = application.organisation
    if profile is not None and ((profile.organisation_uscc and profile.organisation_uscc == organisation.uscc)
                                or _same_name(profile.organisation_name, organisation.name)):
        reasons.append(f"{SAME_ORGANISATION}：专家所在单位即申报单位{organisation.name}")
    for relation in db.session.scalars(select(ExpertRelationship).where(
            ExpertRelationship.expert_id == expert.id, ExpertRelationship.organisation_uscc == organisation.uscc)):
        reasons.append(f"{RELATIONSHIP}：专家申报与{organisation.name}存在关系（{relation.relation}）")
    region = application.space.region
    if _setting(code, EXPERT_SAME_DISTRICT) is True and profile is not None and profile.region \
            and profile.region == region:
        reasons.append(f"{SAME_DISTRICT}：专家与众创空间同在行政区划 {region}")
    years = _setting(code, EXPERT_REVIEW_YEARS)
    if years:
        # 民法典 第201条: the period starts the day after the score; 第202条: it ends on the
        # corresponding day N years later, which is still within it.
        records = db.session.scalars(
            select(ReviewRecord).join(Application, Application.id == ReviewRecord.application_id)
            .where(ReviewRecord.actor_id == expert.id, ReviewRecord.action == batches.SCORE,
                   Application.space_id == application.space_id)
            .order_by(ReviewRecord.created_at.desc())).all()
        for record in records:
            scored_on = clock.local(record.created_at).date()
            if scored_on <= as_of <= add_months(scored_on, 12 * int(years)):
                reasons.append(f"{RECENT_REVIEW}：专家于 {scored_on.isoformat()} 评审过该众创空间"
                               f"（申报 #{record.application_id}），未满 {int(years)} 年")
                break
    return reasons


@dataclass
class Eligibility:
    """The experts of a batch's jurisdiction split into the eligible (by id) and the kept away."""

    pool: list[User] = field(default_factory=list)
    excluded: dict[int, list[str]] = field(default_factory=dict)
    names: dict[int, str] = field(default_factory=dict)
    fields_present: list[str] = field(default_factory=list)


def eligibility(batch: Batch, fields: list[str] | None = None, as_of: date | None = None) -> Eligibility:
    """Who of the jurisdiction's experts may be drawn for ``batch``: active in the pool, not yet
    assigned (nor having declared a conflict), with one of ``fields`` when any are chosen, and kept
    away by no rule from any application of the batch."""
    as_of = as_of or clock.today()
    chosen = set(fields or [])
    assigned = {a.expert_id: a for a in batch.experts}
    applications = sorted(batch.applications, key=lambda a: a.id)
    result = Eligibility()
    present: set[str] = set()
    for expert in _experts_of(batch.jurisdiction):
        profile = _profile(expert)
        expert_fields = list(profile.fields or []) if profile is not None else []
        reasons: list[str] = []
        if profile is not None and profile.status != "active":
            reasons.append("专家库中已暂停")
        else:
            present.update(expert_fields)
        if expert.id in assigned:
            reasons.append("已申明利益冲突" if assigned[expert.id].conflict_declared_at else "已是本批次评审专家")
        if chosen and not chosen.intersection(expert_fields):
            reasons.append("无所选专业领域")
        for application in applications:
            reasons.extend(f"申报 #{application.id}（{application.space.name}）：{reason}"
                           for reason in exclusions(expert, application, batch.jurisdiction, as_of))
        result.names[expert.id] = expert.name
        if reasons:
            result.excluded[expert.id] = reasons
        else:
            result.pool.append(expert)
    result.fields_present = sorted(present)
    return result


# --- the draw ------------------------------------------------------------------------------


def _sample(pool: list[int], count: int, seed: str) -> list[int]:
    return random.Random(int(seed)).sample(list(pool), count)


def replay(draw: ExpertDraw) -> list[int]:
    """The experts ``draw`` gives again from its recorded pool and seed (equal to ``draw.drawn``)."""
    return _sample(draw.pool, draw.requested, draw.seed)


def _kept_away_text(found: Eligibility) -> str:
    return "；".join(f"{found.names[i]}（{'；'.join(r)}）" for i, r in found.excluded.items())


def _parse_count(count: Any) -> int:
    try:
        value = int(str(count).strip())
    except (TypeError, ValueError):
        raise BatchError("count", "请填写抽取人数（整数）", {"count": "请填写抽取人数（整数）"}) from None
    if value < 1:
        raise BatchError("count", "抽取人数至少为 1 人", {"count": "抽取人数至少为 1 人"})
    return value


def draw(batch: Batch, count: Any, fields: list[str] | None, actor, today: date | None = None,
         seen: Any = None) -> ExpertDraw:
    """The officer draws ``count`` experts at random from the eligible pool of ``batch``.  ``seen``:
    how many draws the page he drew from showed — a second click on the same page (or a second tab)
    is refused, not a second draw."""
    require_role(actor, roles.OFFICER, code=batch.jurisdiction)
    if seen is not None and str(seen) != str(len(draws_of(batch))):
        raise BatchError("batch", "本批次已有新的抽取记录（可能是重复提交），请查看抽取记录后再决定是否再次抽取")
    if batch.jurisdiction not in visible_codes(actor):
        raise BatchError("batch", "无权为该批次抽取专家")
    if batch.status != "open":
        raise BatchError("batch", "该批次的专家评审已结束，不能再抽取专家")
    if not batch.applications:  # 回避 is judged against the applications: none, nothing to judge
        raise BatchError("batch", "本批次尚无申报，请先加入申报再抽取专家")
    wanted = _parse_count(count)
    minimum = minimum_of(batch.jurisdiction)
    if minimum and wanted < minimum:
        message = f"本局设定每件申报至少由 {minimum} 位专家评审，抽取人数不能少于 {minimum} 人"
        raise BatchError("count", message, {"count": message})
    fields = sorted({f.strip() for f in fields or [] if f and f.strip()})
    found = eligibility(batch, fields, today)
    unknown = [f for f in fields if f not in found.fields_present]
    if unknown:
        message = f"专家库中没有该专业领域的在库专家：{'、'.join(unknown)}"
        raise BatchError("fields", message, {"fields": message})
    if len(found.pool) < wanted:
        message = f"符合条件的专家只有 {len(found.pool)} 人，不足抽取的 {wanted} 人"
        if found.excluded:
            message += f"；另有 {len(found.excluded)} 人回避或不符合条件：{_kept_away_text(found)}"
        raise BatchError("count", message, {"count": message})
    seed = str(secrets.randbits(64))
    pool = [u.id for u in found.pool]
    record = ExpertDraw(batch_id=batch.id, kind="draw", seed=seed, requested=wanted, fields=fields, pool=pool,
                        excluded={str(k): v for k, v in found.excluded.items()},
                        drawn=_sample(pool, wanted, seed), drawn_by_id=actor.id, drawn_at=utcnow())
    db.session.add(record)
    for expert_id in record.drawn:
        db.session.add(ExpertAssignment(batch=batch, expert_id=expert_id, assigned_by_id=actor.id))
        batches.tell_assigned(batch, db.session.get(User, expert_id), actor)  # his inbox hears of it
    db.session.flush()
    audit.record("batch.experts_drawn", batch, actor=actor, draw=record.id, seed=seed, requested=wanted,
                 fields=fields, pool=pool, excluded=record.excluded, drawn=record.drawn,
                 expert_name=[found.names[i] for i in record.drawn])
    db.session.commit()
    return record


def draws_of(batch: Batch) -> list[ExpertDraw]:
    return db.session.scalars(select(ExpertDraw).where(ExpertDraw.batch_id == batch.id)
                              .order_by(ExpertDraw.drawn_at, ExpertDraw.id)).all()


def replace_after_conflict(batch: Batch, assignment: ExpertAssignment, today: date | None = None) -> ExpertDraw | None:
    """After ``assignment``'s expert declared a conflict: in a drawn batch, draw one replacement from
    the fields of the batch's last draw, by the system, in the caller's transaction.  None when the
    batch was not drawn or nobody is eligible: nothing is written, and the batch page tells the
    officer (:func:`unreplaced`)."""
    earlier = [d for d in draws_of(batch) if d.kind == "draw"]
    if not earlier:
        return None
    fields = list(earlier[-1].fields or [])
    db.session.flush()  # the declaration counts: its expert is no longer awaited
    found = eligibility(batch, fields, today)
    if not found.pool:
        return None
    seed = str(secrets.randbits(64))
    pool = [u.id for u in found.pool]
    record = ExpertDraw(batch_id=batch.id, kind="replacement", seed=seed, requested=1, fields=fields, pool=pool,
                        excluded={str(k): v for k, v in found.excluded.items()}, drawn=_sample(pool, 1, seed),
                        replaces_id=assignment.expert_id, drawn_by_id=None, drawn_at=utcnow())
    db.session.add(record)
    db.session.add(ExpertAssignment(batch=batch, expert_id=record.drawn[0], assigned_by_id=None))
    batches.tell_assigned(batch, db.session.get(User, record.drawn[0]), None)
    db.session.flush()
    event = audit.record("batch.expert_replacement_drawn", batch, draw=record.id, seed=seed, fields=fields,
                         pool=pool, excluded=record.excluded, drawn=record.drawn,
                         expert_name=found.names[record.drawn[0]], replaces=assignment.expert_id)
    # The system draws, not the expert whose declaration set it off (audit.record would name him).
    event.actor_id, event.actor_name = None, "system"
    return record


def unreplaced(batch: Batch) -> list[ExpertAssignment]:
    """The experts of a drawn batch who declared a conflict and for whom no replacement could be drawn."""
    found = draws_of(batch)
    if not any(d.kind == "draw" for d in found):
        return []
    replaced = {d.replaces_id for d in found if d.kind == "replacement"}
    return [a for a in batch.experts if a.conflict_declared_at and a.expert_id not in replaced]


# --- the conclusion's guard: the bureau's minimum ------------------------------------------


def below_minimum(application: Application) -> str | None:
    """Why the expert review of ``application`` cannot be concluded under the bureau's minimum, or None."""
    minimum = minimum_of(application.jurisdiction)
    if not minimum or application.batch_id is None:
        return None
    batch = db.session.get(Batch, application.batch_id)
    able = {a.expert_id for a in batches.able_experts(batch)}
    scorers = {r.actor_id for r in batches.scored(application)} & able
    if len(scorers) < minimum:
        return (f"申报 #{application.id}（{application.space.name}）只有 {len(scorers)} 位专家评分，"
                f"本局设定每件申报至少由 {minimum} 位专家评审")
    return None


workflow.register_guard("conclude_expert_review", below_minimum)
