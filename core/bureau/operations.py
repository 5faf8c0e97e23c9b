"""The bureau's writes: validated, audited, committed; the admin and the CLI share them
(settings, registered policy versions, criteria, the working-day calendar)."""
from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from core.bureau.data import NOTICE_DAYS
from core.bureau.fact_catalogue import BOOL_FACTS, NUMERIC_FACTS
from core.bureau.setting_checks import (NOTICE_DAYS_MAX, SettingsError, check_setting_value, _is_number, _short,
                                        setting_bound)
from core.bureau.versions import policies
from core.platform import audit, request_memo
from core.platform.extensions import db
from core.platform.jurisdictions import registry
from core.platform.models import BureauCriterion, BureauPolicyVersion, BureauSetting, CalendarDay, CalendarYear


def _require_installed(code: str) -> None:
    if code not in registry().installed():
        raise SettingsError("jurisdiction", f"未知的辖区代码 {code}")


def _commit() -> None:
    try:
        db.session.commit()
        request_memo.forget()
    except IntegrityError as exc:
        db.session.rollback()
        raise SettingsError("document", "与已有记录重复") from exc


def set_bureau_setting(
    code: str, key: str, value: Any, *, document: str | None = None, article: str | None = None,
    note: str | None = None, actor=None, commit: bool = True,
) -> BureauSetting:
    """Set (or change) a bureau setting of ``code``, recording the old and new value."""
    _require_installed(code)
    check_setting_value(code, key, value)
    row = db.session.execute(
        select(BureauSetting).where(BureauSetting.jurisdiction == code, BureauSetting.key == key)
    ).scalar_one_or_none()
    old = None if row is None else row.value
    if row is None:
        row = BureauSetting(jurisdiction=code, key=key)
        db.session.add(row)
    row.value, row.document, row.article, row.note = value, document, article, note
    row.updated_by_id = getattr(actor, "id", None)
    db.session.flush()
    request_memo.forget()  # this request reads the bureau's data afresh
    audit.record("bureau_setting.set", row, actor=actor, key=key, old=old, new=value,
                 document=document, article=article, note=note)
    if commit:
        _commit()
    return row


def add_bureau_policy_version(
    code: str, *, document: str, title: str, effective_from: date, effective_to: date | None = None,
    based_on: str, notice_days: int | None = None, note: str | None = None, actor=None, commit: bool = True,
) -> BureauPolicyVersion:
    """Register a policy version (e.g. a successor to a lapsed one) that reuses the
    categories, parameters and criteria of the version ``based_on``."""
    _require_installed(code)
    if not document or not document.strip():
        raise SettingsError("document", "文号不能为空")
    if not title or not title.strip():
        raise SettingsError("title", "政策名称不能为空")
    if effective_to is not None and effective_to < effective_from:
        raise SettingsError("effective_to", f"有效期止 {effective_to} 早于起始日 {effective_from}")
    if notice_days is not None and (type(notice_days) is not int or notice_days < 1):
        raise SettingsError("notice_days", f"公示期应为正整数天，实为 {_short(notice_days)}")
    if notice_days is not None and notice_days > NOTICE_DAYS_MAX:
        bound = setting_bound(code, NOTICE_DAYS)
        raise SettingsError("notice_days", f"公示期应为 {bound.text()} 之间的整数（{bound.reason}），实为 "
                                           f"{_short(notice_days)}")
    existing = policies(code)
    if not any(v.document == based_on for v in existing):
        known = "、".join(v.document for v in existing) or "无"
        raise SettingsError("based_on", f"沿用的政策 {based_on} 不是 {code} 的已知版本（已知：{known}）")
    for v in existing:
        if v.document == document:
            raise SettingsError("document", f"{code} 已有文号为 {document} 的政策版本")
        # An open-ended version is ended by a later one (see ``policies``).
        ends = v.effective_to if v.effective_to is not None else (
            None if effective_from <= v.effective_from else effective_from - timedelta(days=1))
        overlaps = (ends is None or effective_from <= ends) and (
            effective_to is None or v.effective_from <= effective_to)
        if overlaps:
            window = f"{v.effective_from}至{v.effective_to or '长期'}"
            raise SettingsError("effective_from", f"有效期与 {v.document}（{window}）重叠")
    row = BureauPolicyVersion(
        jurisdiction=code, document=document.strip(), title=title.strip(), effective_from=effective_from,
        effective_to=effective_to, based_on=based_on, notice_days=notice_days, note=note,
        created_by_id=getattr(actor, "id", None),
    )
    db.session.add(row)
    db.session.flush()
    request_memo.forget()  # this request reads the bureau's data afresh
    audit.record("bureau_policy_version.add", row, actor=actor, document=row.document, based_on=based_on,
                 effective_from=effective_from.isoformat(),
                 effective_to=effective_to.isoformat() if effective_to else None, notice_days=notice_days)
    if commit:
        _commit()
    return row


def _check_criterion(code: str, category: str | None, crit_code: str, fact_key: str, operator: str,
                     threshold: Any, document: str) -> None:
    if category is not None:
        known = {c.code for v in policies(code) for c in v.categories}
        if category not in known:
            raise SettingsError("category", f"{code} 没有认定类别 {category}（已知：{'、'.join(sorted(known))}）")
    if not crit_code or not crit_code.replace("_", "").isalnum() or not crit_code.isascii():
        raise SettingsError("code", f"条件代码只能由英文字母、数字和下划线组成，实为 {crit_code!r}")
    if not document or not document.strip():
        raise SettingsError("document", "须注明条件所依据的文件文号")
    if fact_key in BOOL_FACTS:
        if operator == "true":
            return
        if operator == "==" and type(threshold) is bool:
            return
        raise SettingsError("operator", f"{BOOL_FACTS[fact_key]}是是/否项：比较方式应为 true，或 == 加是/否")
    if fact_key not in NUMERIC_FACTS:
        raise SettingsError("fact_key", f"未知的申报事实项 {fact_key}：只能用 CONTRACTS §1 的数值或是/否项")
    if operator not in (">=", "<=", "=="):
        raise SettingsError("operator", f"数值项的比较方式应为 >=、<= 或 ==，实为 {operator!r}")
    if not (_is_number(threshold) and threshold >= 0):
        raise SettingsError("threshold", f"{NUMERIC_FACTS[fact_key][0]}的门槛应为非负数值，实为 {threshold!r}")
    if fact_key.startswith("rent_ratio") and threshold > 1:
        raise SettingsError("threshold", f"租金比例以小数表示（0.3 即 30%），实为 {threshold!r}")


def add_bureau_criterion(
    code: str, *, category: str | None, crit_code: str, title: str, fact_key: str, operator: str,
    threshold: Any = None, document: str, article: str | None = None, item: str | None = None,
    actor=None, commit: bool = True,
) -> BureauCriterion:
    """Add an auto criterion built from data, cited to the document the bureau names.

    ``operator`` is ``>=`` / ``<=`` / ``==`` on a numeric fact, ``true`` (or ``==``
    with true/false) on a yes/no fact; anything else is refused."""
    _require_installed(code)
    if not title or not title.strip():
        raise SettingsError("title", "条件名称不能为空")
    _check_criterion(code, category, crit_code, fact_key, operator, threshold, document)
    duplicate = db.session.execute(
        select(BureauCriterion.id).where(BureauCriterion.jurisdiction == code, BureauCriterion.code == crit_code)
    ).first()
    if duplicate:
        raise SettingsError("code", f"{code} 已有条件代码 {crit_code}")
    row = BureauCriterion(
        jurisdiction=code, category=category, code=crit_code, title=title.strip(), fact_key=fact_key,
        operator=operator, threshold=True if operator == "true" else threshold, document=document.strip(),
        article=article, item=item, active=True, created_by_id=getattr(actor, "id", None),
    )
    db.session.add(row)
    db.session.flush()
    request_memo.forget()  # this request reads the bureau's data afresh
    audit.record("bureau_criterion.add", row, actor=actor, code=crit_code, fact_key=fact_key,
                 operator=operator, threshold=row.threshold, document=row.document, article=article, item=item)
    if commit:
        _commit()
    return row


def set_calendar_day(day: date, is_workday: bool, *, note: str | None = None, actor=None,
                     commit: bool = True) -> CalendarDay:
    """Enter (or correct) one day of the bureau's working-day calendar."""
    if type(is_workday) is not bool:
        raise SettingsError("is_workday", f"应为是/否，实为 {is_workday!r}")
    row = db.session.get(CalendarDay, day)
    old = None if row is None else row.is_workday
    if row is None:
        row = CalendarDay(day=day)
        db.session.add(row)
    row.is_workday, row.note = is_workday, note
    db.session.flush()
    request_memo.forget()  # this request reads the bureau's data afresh
    audit.record("calendar_day.set", object_type="CalendarDay", object_id=day.isoformat(), actor=actor,
                 old=old, new=is_workday, note=note)
    if commit:
        _commit()
    return row


# Listeners told that the admin changed the working-day calendar, with the actor: a later
# package whose dates follow the calendar registers here at import (core.notice.publication
# lengthens the open notices) and returns what to tell the officer, one message each.
calendar_changed: list[Callable[[Any], list[str]]] = []


def notify_calendar_changed(actor) -> list[str]:
    """Run the ``calendar_changed`` listeners after a calendar change; their messages, in order."""
    return [message for listener in calendar_changed for message in listener(actor)]


# The years a bureau may enter: a notice published today runs at most into next year,
# and a calendar of the distant past or future is a typing error.
CALENDAR_YEARS = range(2000, 2101)


def parse_calendar_lines(text: str | None, key: str) -> list[tuple[date, str | None]]:
    """The days an officer lists, one line each: ``2027-02-05 除夕`` or a range
    ``2027-02-05~2027-02-11 春节`` (the note is optional).  Refuses a line it cannot
    read with :class:`SettingsError` naming ``key`` and the line."""
    days: list[tuple[date, str | None]] = []
    for number, raw in enumerate((text or "").splitlines(), start=1):
        line = raw.strip()
        if not line:
            continue
        head, _, note = line.partition(" ")
        first, sep, last = head.replace("～", "~").partition("~")
        try:
            start = date.fromisoformat(first)
            end = date.fromisoformat(last) if sep else start
        except ValueError:
            raise SettingsError(key, f"第 {number} 行“{line[:40]}”不是日期：请写成 2027-02-05，"
                                     f"或 2027-02-05~2027-02-11 表示连续几天") from None
        if end < start or (end - start).days > 31:
            raise SettingsError(key, f"第 {number} 行的日期范围 {start}~{end} 不合理（应先早后晚，且不超过一个月）")
        while start <= end:
            days.append((start, note.strip() or None))
            start += timedelta(days=1)
    return days


def set_calendar_year(
    year: int, *, rest_days: list[tuple[date, str | None]], workdays: list[tuple[date, str | None]],
    complete: bool, document: str | None = None, actor=None, commit: bool = True,
) -> CalendarYear:
    """Enter a year's holiday arrangement in one go: its rest days and make-up working
    days replace every day entered for that year before, and ``complete`` says whether
    this is the whole arrangement (then the year counts as known; CONTRACTS §3).

    Statutory holidays (``core.workdays.statutory_holidays``) rest without being
    listed.  Refuses, writing nothing, a year out of range, a day of another year, a day
    listed both ways, or a year marked complete without the document it follows."""
    if type(year) is not int or year not in CALENDAR_YEARS:
        raise SettingsError("year", f"年份应在 {CALENDAR_YEARS.start} 至 {CALENDAR_YEARS.stop - 1} 之间，实为 {year!r}")
    if type(complete) is not bool:
        raise SettingsError("complete", f"应为是/否，实为 {complete!r}")
    document = (document or "").strip() or None
    if complete and document is None:
        raise SettingsError("document", "标记为完整时须注明所依据的国务院办公厅放假安排通知")
    wanted: dict[date, tuple[bool, str | None]] = {}
    for key, listed, working in (("rest_days", rest_days, False), ("workdays", workdays, True)):
        for day, note in listed:
            if day.year != year:
                raise SettingsError(key, f"{day.isoformat()} 不在 {year} 年")
            if day in wanted and wanted[day][0] != working:
                raise SettingsError("workdays", f"{day.isoformat()} 同时列为休息日和调休上班日")
            wanted[day] = (working, note)
    existing = {r.day: r for r in db.session.scalars(
        select(CalendarDay).where(CalendarDay.day >= date(year, 1, 1), CalendarDay.day <= date(year, 12, 31)))}
    old_days = {d.isoformat(): r.is_workday for d, r in sorted(existing.items())}
    for day, row in existing.items():
        if day not in wanted:
            db.session.delete(row)
    for day, (working, note) in wanted.items():
        row = existing.get(day) or CalendarDay(day=day)
        row.is_workday, row.note = working, note
        db.session.add(row)
    row = db.session.get(CalendarYear, year)
    old_complete = None if row is None else row.complete
    if row is None:
        row = CalendarYear(year=year)
        db.session.add(row)
    row.complete, row.document, row.updated_by_id = complete, document, getattr(actor, "id", None)
    db.session.flush()
    request_memo.forget()  # this request reads the bureau's data afresh
    audit.record("calendar_year.set", object_type="CalendarYear", object_id=year, actor=actor,
                 old_complete=old_complete, complete=complete, document=document, old_days=old_days,
                 days={d.isoformat(): w for d, (w, _) in sorted(wanted.items())})
    if commit:
        _commit()
    return row
