"""Calls for applications: the intake window the review workflow asks about.

A jurisdiction takes applications either in answer to a call of the bureau
(``PolicyVersion.intake == "call"``: 昆科发〔2017〕55号 第八条 "市科技局发布申报通知") or all
year round (弥政办发〔2017〕5号 附件1 第七条 "常年受理").  For a call jurisdiction the
workflow's ``submit`` asks :func:`submission_refusal`, and records the call answered
(:func:`open_call`).  The admin's ``CallView`` checks a call with :func:`check_call`.
"""
from __future__ import annotations

from datetime import date

from sqlalchemy import select

from core.bureau import versions
from core.platform.errors import Refused
from core.platform.extensions import db
from core.platform.models import Application, Call


class CallError(Refused):
    """A call refused: ``key`` names the field, ``message`` says why in Chinese."""

    key_in_text = False


def open_call(code: str, category: str, day: date) -> Call | None:
    """The call of ``code`` open on ``day`` (both end days included) for ``category``."""
    calls = db.session.scalars(
        select(Call).where(Call.jurisdiction == code, Call.opens_on <= day, Call.closes_on >= day)
        .order_by(Call.opens_on, Call.id)
    ).all()
    return next((c for c in calls if category in (c.categories or [])), None)


def submission_refusal(application: Application, day: date) -> str | None:
    """Why ``application`` may not be submitted on ``day`` for want of an open call."""
    policy = versions.policy_in_force(application.jurisdiction, day)
    if policy is None or policy.intake != "call":
        return None
    if open_call(application.jurisdiction, application.category, day) is not None:
        return None
    category = policy.category(application.category)
    name = category.name if category else application.category
    source = f"（{policy.intake_citation}）" if policy.intake_citation else ""
    return (f"本辖区按申报通知受理申报{source}：{day.isoformat()} 没有受理“{name}”申报的通知，"
            f"请在申报通知规定的受理期内提交")


def check_call(code: str, opens_on: date | None, closes_on: date | None, categories: list[str]) -> None:
    """The dates and categories of a call, checked before it is saved (raises CallError)."""
    if opens_on is None:
        raise CallError("opens_on", "请填写受理开始日期")
    if closes_on is None:
        raise CallError("closes_on", "请填写受理截止日期")
    if closes_on < opens_on:
        raise CallError("closes_on", f"受理截止日期 {closes_on} 早于开始日期 {opens_on}")
    known = {c.code for v in versions.policies(code) for c in v.categories}
    if not categories:
        raise CallError("categories", "请至少选择一个受理的类别")
    unknown = [c for c in categories if c not in known]
    if unknown:
        raise CallError("categories", f"本辖区政策没有这些类别：{'、'.join(unknown)}")
