"""The bureau's filing window for a year's returns, the late list and 未填报.

* **Opening** — the bureau opens the window of year Y with a deadline.  The policies set no
  deadline: it is the bureau's own (shown as 本局设定), one window per jurisdiction and year.
* **The late list** — every title that owes year Y's return (granted by 31 December of Y,
  live; core.monitoring.titles) with its return's state and the days left or overdue:
  on the deadline day 0 days are left and nothing is overdue ("截止日前（含当日）"); the day
  after, 1 day overdue.
* **Closing** — after the deadline the bureau closes the window; each title then without
  an accepted return gets 未填报 for that year (``StatisticsMiss``).  A window is not closed
  while returns wait for the checking bureau: nobody is marked 未填报 for the bureau's delay.
* **特殊原因** — the officer records a special reason on a 未填报 year: it is then
  ``excused`` (CONTRACTS §6 ``statistics``).  :func:`history` gives a title's §6 entries,
  which the standing of a title (issue 17) reads.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from core.monitoring import titles
from core.monitoring.returns import REASON_LIMIT, FieldErrors, ReturnError
from core.platform import audit, clock, events
from core.platform.extensions import db
from core.platform.models import Recognition, StatisticsMiss, StatisticsReturn, StatisticsWindow

__all__ = ["LateRow", "open_window", "change_deadline", "close_window", "due_titles", "late_list", "excuse",
           "history", "window", "pending_checks"]

FIRST_YEAR = 2000


def closed_on(opened: StatisticsWindow) -> date | None:
    """The bureau's day (Asia/Shanghai) the window was closed; None while open."""
    return clock.local(clock.as_utc(opened.closed_at)).date() if opened.closed_at is not None else None


def window(code: str, year: int) -> StatisticsWindow | None:
    return db.session.scalars(select(StatisticsWindow).where(
        StatisticsWindow.jurisdiction == code, StatisticsWindow.year == year)).one_or_none()


def _check_dates(year: int, opens_on: date | None, deadline: date | None) -> None:
    errors = {}
    if not isinstance(year, int) or year < FIRST_YEAR or year > clock.today().year:
        errors["year"] = "统计年度应为已开始的年份"
    if opens_on is None:
        errors["opens_on"] = "请填写开始填报日期"
    if deadline is None:
        errors["deadline"] = "请填写截止日期"
    elif opens_on is not None and deadline < opens_on:
        errors["deadline"] = "截止日期不能早于开始填报日期"
    elif deadline < clock.today():
        errors["deadline"] = "截止日期不能早于今天"
    if errors:
        raise FieldErrors(errors)


def open_window(code: str, year: int, opens_on: date, deadline: date, user, note: str | None = None) -> StatisticsWindow:
    _check_dates(year, opens_on, deadline)
    if window(code, year) is not None:
        raise FieldErrors({"year": f"{year} 年度的填报已开启"})
    opened = StatisticsWindow(jurisdiction=code, year=year, opens_on=opens_on, deadline=deadline,
                              note=(note or "").strip() or None, opened_by_id=getattr(user, "id", None))
    db.session.add(opened)
    try:
        db.session.flush()
    except IntegrityError:  # opened at the same moment by a colleague
        db.session.rollback()
        raise FieldErrors({"year": f"{year} 年度的填报已开启"}) from None
    audit.record("statistics_window.opened", opened, to_state="open", year=year, opens_on=opens_on.isoformat(),
                 deadline=deadline.isoformat(), actor=user)
    events.emit("statistics.window_opened", opened, actor=user, year=year, opens_on=opens_on.isoformat(),
                deadline=deadline.isoformat())
    db.session.commit()
    return opened


def change_deadline(opened: StatisticsWindow, deadline: date | None, user) -> None:
    if opened.closed_at is not None:
        raise ReturnError("填报已关闭，不能再修改截止日期")
    if deadline is None:
        raise FieldErrors({"deadline": "请填写截止日期"})
    if deadline < opened.opens_on:
        raise FieldErrors({"deadline": "截止日期不能早于开始填报日期"})
    before = opened.deadline
    opened.deadline = deadline
    audit.record("statistics_window.deadline_changed", opened, year=opened.year, before=before.isoformat(),
                 deadline=deadline.isoformat(), actor=user)
    db.session.commit()


def due_titles(code: str, year: int) -> list[Recognition]:
    """The titles of ``code`` that owe ``year``'s return (with their spaces)."""
    opened = window(code, year)
    by = closed_on(opened) if opened is not None else None
    return list(db.session.scalars(
        select(Recognition).options(selectinload(Recognition.space))
        .where(Recognition.jurisdiction == code, titles.due_criteria(year, by=by))
        .order_by(Recognition.granted_on, Recognition.id)))


def _returns_of(space_ids: list[int], year: int) -> dict[int, StatisticsReturn]:
    if not space_ids:
        return {}
    return {r.space_id: r for r in db.session.scalars(select(StatisticsReturn).where(
        StatisticsReturn.year == year, StatisticsReturn.space_id.in_(space_ids)))}


def pending_checks(code: str, year: int) -> int:
    """Returns of titles owing ``year`` to ``code`` that wait for the checking bureau."""
    spaces = [t.space_id for t in due_titles(code, year)]
    return sum(1 for r in _returns_of(spaces, year).values() if r.status == "submitted")


@dataclass(frozen=True, slots=True)
class LateRow:
    title: Recognition
    statistics_return: StatisticsReturn | None
    miss: StatisticsMiss | None
    days_left: int | None  # before or on the deadline
    days_overdue: int | None  # after it

    @property
    def status(self) -> str:
        """none | draft | submitted | returned | accepted."""
        return self.statistics_return.status if self.statistics_return is not None else "none"

    @property
    def filed(self) -> bool:
        return self.status == "accepted"


def late_list(code: str, year: int, *, only_unfiled: bool = False) -> list[LateRow]:
    """Every title owing ``year``'s return to ``code`` and where it stands today."""
    opened = window(code, year)
    due = due_titles(code, year)
    returns = _returns_of([t.space_id for t in due], year)
    misses = {m.recognition_id: m for m in db.session.scalars(select(StatisticsMiss).where(
        StatisticsMiss.jurisdiction == code, StatisticsMiss.year == year))}
    today = clock.today()
    rows = []
    for title in due:
        found = returns.get(title.space_id)
        left = overdue = None
        if opened is not None and (found is None or found.status != "accepted"):
            if today <= opened.deadline:
                left = (opened.deadline - today).days
            else:
                overdue = (today - opened.deadline).days
        row = LateRow(title, found, misses.get(title.id), left, overdue)
        if not (only_unfiled and row.filed):
            rows.append(row)
    return rows


def close_window(opened: StatisticsWindow, user) -> int:
    """Close the window after its deadline: each title owing the year without an
    accepted return is marked 未填报.  Returns how many were marked."""
    if opened.closed_at is not None:
        raise ReturnError("该年度填报已关闭")
    if clock.today() <= opened.deadline:
        raise ReturnError(f"截止日期（{opened.deadline.isoformat()}）当日及之前不能关闭填报")
    waiting = pending_checks(opened.jurisdiction, opened.year)
    if waiting:
        raise ReturnError(f"尚有 {waiting} 份报表待审核，审核完毕后才能关闭填报")
    marked = 0
    for row in late_list(opened.jurisdiction, opened.year):
        if row.filed or row.miss is not None:
            continue
        db.session.add(StatisticsMiss(recognition_id=row.title.id, jurisdiction=opened.jurisdiction,
                                      year=opened.year, excused=False))
        marked += 1
    opened.closed_at = clock.utcnow()
    audit.record("statistics_window.closed", opened, from_state="open", to_state="closed", year=opened.year,
                 missing=marked, actor=user)
    db.session.commit()
    return marked


def excuse(miss: StatisticsMiss, reason: str, user) -> None:
    """Record the special reason (特殊原因) of a 未填报 year."""
    reason = (reason or "").strip()
    if not reason:
        raise FieldErrors({"reason": "请填写特殊原因"})
    if len(reason) > REASON_LIMIT:
        raise FieldErrors({"reason": f"特殊原因不能超过 {REASON_LIMIT} 字"})
    before = "excused" if miss.excused else "missing"
    miss.excused = True
    miss.reason = reason
    miss.excused_by_id = user.id
    miss.excused_at = clock.utcnow()
    audit.record("statistics.excused", miss, from_state=before, to_state="excused", opinion=reason,
                 year=miss.year, actor=user)
    db.session.commit()


def history(title: Recognition) -> list[dict]:
    """The CONTRACTS §6 ``statistics`` entries of ``title``: one per closed year it owed."""
    closed = db.session.scalars(select(StatisticsWindow).where(
        StatisticsWindow.jurisdiction == title.jurisdiction, StatisticsWindow.closed_at.is_not(None),
        StatisticsWindow.year >= title.granted_on.year).order_by(StatisticsWindow.year)).all()
    misses = {m.year: m for m in db.session.scalars(select(StatisticsMiss).where(
        StatisticsMiss.recognition_id == title.id))}
    entries = []
    for opened in closed:
        if title.revoked_on is not None and title.revoked_on <= closed_on(opened):
            continue
        miss = misses.get(opened.year)
        entries.append({"year": opened.year, "filed": miss is None, "excused": bool(miss and miss.excused)})
    return entries
