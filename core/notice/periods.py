"""The public-notice period (公示期) of a jurisdiction: CONTRACTS §3.

The number of days comes from the policy version in force on the publication day
(with its citation); where that policy sets none, from the bureau's setting
``notice_days`` — and the answer says which (``source``).  The days are counted by
``core.workdays.notice_period`` on the Chinese working-day calendar with the bureau's
calendar entries applied.
"""
from __future__ import annotations

from datetime import date
from typing import Any

from core.bureau import setting_checks, versions
from core.bureau import data as bureau_data
from core.eligibility.engine import EvaluationError, check_jurisdiction
from core.policy import PolicyVersion
from core.workdays import WorkdayCalendar, notice_period

__all__ = ["NoticeError", "notice_days_for", "notice_period_for"]


class NoticeError(EvaluationError):
    """No period can be given (neither the policy nor the bureau sets one)."""


def notice_days_for(code: str, policy: PolicyVersion | None,
                    data: bureau_data.BureauData | None = None) -> tuple[int, dict[str, Any]]:
    """``(days, source)`` for ``policy`` of ``code``: the policy's own period, else the
    bureau setting ``notice_days``; raises :class:`NoticeError` when neither exists."""
    if policy is not None and policy.notice_days is not None:
        citation = policy.notice_citation.to_dict() if policy.notice_citation else {
            "document": policy.document, "article": None, "item": None}
        days = policy.notice_days
        if type(days) is not int or not 1 <= days <= setting_checks.NOTICE_DAYS_MAX:
            # a bureau version stored before the range (issue 13): refused, never an OverflowError
            raise NoticeError(bureau_data.NOTICE_DAYS, f"{policy.document} 的公示期 {str(days)[:20]} 天超出允许范围 "
                                                       f"1 至 {setting_checks.NOTICE_DAYS_MAX} 天，请在“局设置”中修改")
        return days, {"kind": "policy", "citation": citation}
    setting = bureau_data.bureau_setting(code, bureau_data.NOTICE_DAYS, data)
    if setting is not None:
        refused = setting_checks.out_of_bound(code, bureau_data.NOTICE_DAYS, setting.value)
        if refused:  # stored before the ranges existed (issue 13)
            raise NoticeError(bureau_data.NOTICE_DAYS, refused)
        return setting.value, setting.source()
    which = f"{policy.document} 未规定公示期" if policy else "无适用的政策"
    raise NoticeError(bureau_data.NOTICE_DAYS, f"{code} 的政策（{which}），主管部门也未设置公示期天数 notice_days")


def notice_period_for(code: str, published_on: date, *, policy: PolicyVersion | None = None,
                      data: bureau_data.BureauData | None = None,
                      calendar: WorkdayCalendar | None = None) -> dict[str, Any]:
    """The CONTRACTS §3 answer for a notice of ``code`` published on ``published_on``.

    ``policy`` is the version the notice belongs to (an application's version of its
    submission date); by default the version in force on ``published_on``, else the
    nearest one with a warning — never silently.  Adds ``source`` (where the number of
    days comes from) and ``policy`` to the contract's keys.  ``data`` and ``calendar`` replace
    the bureau's rows and its calendar (a policy case states the settings it assumes).
    """
    check_jurisdiction(code)
    data = data if data is not None else bureau_data.load_bureau_data(code)
    warnings: list[str] = []
    if policy is None:
        policy = versions.policy_in_force(code, published_on, data)
        if policy is None:
            policy = versions.nearest_policy(code, published_on, data)
            if policy is not None:
                warnings.append(f"{published_on.isoformat()} 无有效政策，公示期按最近的版本 "
                                f"{policy.document}（有效期至 {policy.effective_to or '长期'}）确定")
    days, source = notice_days_for(code, policy, data)
    period = notice_period(published_on, days, calendar if calendar is not None else bureau_data.calendar())
    answer = {"jurisdiction": code, **period.to_json_dict()}
    answer["warnings"] = warnings + answer["warnings"]
    answer["source"] = source
    answer["policy"] = policy.to_dict() if policy else None
    return answer
