"""The one meeting rule (core/review/meetings.py): a leader's decision records the meeting's
date and minutes reference where the policy or the bureau requires them, optional elsewhere
but checked when given — the same messages on the case page, the batch's decision and
``workflow.act``."""
from __future__ import annotations

from datetime import date

from core.review.meetings import BUREAU_REQUIREMENT, meeting_record

TODAY = date(2026, 10, 20)


def test_required_fields_cite_what_requires_them():
    detail, errors = meeting_record(BUREAU_REQUIREMENT, "", " ", TODAY)
    assert detail == {}
    assert errors == {"meeting_on": "请填写会议日期（依据：本局要求）",
                      "minutes_ref": "请填写会议纪要编号（依据：本局要求）"}


def test_optional_when_nothing_requires_them():
    assert meeting_record(None, "", "", TODAY) == ({}, {})
    assert meeting_record(None, "", "纪要〔2026〕1号", TODAY) == ({"minutes_ref": "纪要〔2026〕1号"}, {})


def test_given_fields_are_checked_whether_required_or_not():
    for required in (None, BUREAU_REQUIREMENT):
        _, errors = meeting_record(required, "2026-13-01", "纪要", TODAY)
        assert errors == {"meeting_on": "请填写会议日期，格式为 YYYY-MM-DD，如 2026-11-02"}
        _, errors = meeting_record(required, "2026-10-21", "纪要", TODAY)
        assert errors == {"meeting_on": "会议日期不能晚于今天"}
        _, errors = meeting_record(required, "2026-10-20", "纪" * 201, TODAY)
        assert errors == {"minutes_ref": "会议纪要编号不能超过 200 字，实为 201 字"}
    detail, errors = meeting_record(BUREAU_REQUIREMENT, " 2026-10-20 ", " 纪要〔2026〕12号 ", TODAY)
    assert errors == {} and detail == {"meeting_on": "2026-10-20", "minutes_ref": "纪要〔2026〕12号"}
