"""The meeting rule: a leader's decision records the meeting that took it.

Where the policy names the meeting (``ReviewStep.meeting``: 弥政办发〔2017〕5号 附件1 第七条
局务会) or the bureau requires it (本局要求, the setting ``decision_meeting_record``), the
leader's decision records the meeting's date and minutes reference; elsewhere both are
optional, but checked when given.  One rule, one set of messages, asked by the workflow
(``act``), the case page and the batch's decision.
"""
from __future__ import annotations

from datetime import date

from core.accounts import roles
from core.bureau import data as bureau_data
from core.policy import Citation, ReviewStep

BUREAU_REQUIREMENT = "本局要求"
MAX_MINUTES_REF = 200  # our choice: a document number, not a text


def meeting_requirement(code: str, step: ReviewStep | None) -> Citation | str | None:
    """Why a leader's decision at ``step`` must record its meeting (date and minutes):
    the policy's article where it names the meeting (``ReviewStep.meeting``, 弥勒
    附件1 第七条 局务会), :data:`BUREAU_REQUIREMENT` where the bureau has turned on its
    setting ``decision_meeting_record``, else None (nothing demanded)."""
    if step is None or step.kind != "decision" or step.role != roles.LEADER:
        return None
    if step.meeting is not None:
        return step.meeting
    setting = bureau_data.bureau_setting(code, bureau_data.DECISION_MEETING)
    return BUREAU_REQUIREMENT if setting is not None and setting.value is True else None


def needs_meeting(code: str, step: ReviewStep | None) -> bool:
    """Must the leader's decision at ``step`` record its meeting (see :func:`meeting_requirement`)?"""
    return meeting_requirement(code, step) is not None


def meeting_record(required: Citation | str | None, meeting_on: str | None, minutes_ref: str | None,
                   today: date) -> tuple[dict[str, str], dict[str, str]]:
    """(detail, errors) of a decision's meeting fields as typed: ``detail`` holds the
    meeting's date (ISO) and minutes reference given, ``errors`` maps each wrong field to
    its message.  ``required`` is :func:`meeting_requirement`'s answer (None: optional)."""
    meeting_on, minutes_ref = (meeting_on or "").strip(), (minutes_ref or "").strip()
    detail: dict[str, str] = {}
    errors: dict[str, str] = {}
    if meeting_on:
        try:
            day = date.fromisoformat(meeting_on)
        except ValueError:
            errors["meeting_on"] = "请填写会议日期，格式为 YYYY-MM-DD，如 2026-11-02"
        else:
            if day > today:  # our choice: a decision records a meeting already held
                errors["meeting_on"] = "会议日期不能晚于今天"
            else:
                detail["meeting_on"] = day.isoformat()
    elif required is not None:
        errors["meeting_on"] = f"请填写会议日期（依据：{required}）"
    if minutes_ref:
        if len(minutes_ref) > MAX_MINUTES_REF:
            errors["minutes_ref"] = f"会议纪要编号不能超过 {MAX_MINUTES_REF} 字，实为 {len(minutes_ref)} 字"
        else:
            detail["minutes_ref"] = minutes_ref
    elif required is not None:
        errors["minutes_ref"] = f"请填写会议纪要编号（依据：{required}）"
    return detail, errors
