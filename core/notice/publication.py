"""公示: publishing approved applications on a public notice, objections, closing.

* :func:`publish` — the officer puts applications at a public-notice step on a
  notice; the period comes from the notice-period engine (``core.notice.periods``: the
  policy's article, else the bureau setting ``notice_days``, else a refusal).
* :func:`file_objection` — anyone files an objection while the notice is open and
  today is within the period (the period is the window for objections); at most
  ``OBJECTIONS_PER_HOUR`` per client address per hour (our default 5), counted in
  the database so that every gunicorn worker sees the same count.
* :func:`resolve_objection` — the officer upholds (the application goes back to the
  decision step, or is rejected) or dismisses, with reasons.
* :func:`close` — refused while an objection is open or before the last day has
  passed; moves the remaining applications to the next step (the award).
  :func:`close_due` is what ``zhongchuang tick`` runs.

Each operation is one transaction: the workflow acts are made with ``commit=False``
and committed with the notice, its audit events and the objection — or rolled back
together, raising :class:`~core.review.moves.WorkflowError`.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from flask import current_app
from flask_babel import gettext
from sqlalchemy import func, select, update
from sqlalchemy.orm import contains_eager, defer, load_only

from core.platform import audit, clock, events

from core.accounts import roles

from core.accounts import scoping

from core.platform import uploads

from core.review import moves, steps, workflow
from core.accounts.portal_account import one_address_at_a_time
from core.platform.extensions import db
from core.platform.jurisdictions import allowed_codes, enabled_codes, registry
from core.platform.models import Application, JurisdictionSetting, NoticeEntry, Objection, PublicNotice, Space
from core.bureau import operations as bureau_operations
from core.bureau import data as bureau_data
from core.notice.periods import NoticeError, notice_period_for
from core.workdays import notice_period
from core.policy import Citation
from core.review.moves import WorkflowError

__all__ = ["DEFAULT_OBJECTIONS_PER_HOUR", "publish", "file_objection", "resolve_objection", "close",
           "close_due", "open_objections", "accepts_objections", "source_text", "RateLimited"]

DEFAULT_OBJECTIONS_PER_HOUR = 5  # our choice: enough for a real objector, not for a flood
RECENTLY_CLOSED_DAYS = 30  # our choice: how long a closed notice stays on the public list


class RateLimited(WorkflowError):
    """Too many objections from one client address in the last hour."""


def source_text(source: dict) -> str:
    """Where the number of days comes from, for people: the policy's article, or the
    bureau setting and the document the bureau names for it."""
    if source.get("kind") == "policy":
        return str(Citation(**source["citation"]))
    named = "、".join(p for p in (source.get("document"), source.get("article")) if p)
    return f"主管部门设置（{source.get('key')}）" + (f"，依据：{named}" if named else "")


def _require_officer(actor, jurisdiction: str) -> None:
    if getattr(actor, "role", None) != roles.OFFICER or jurisdiction not in scoping.visible_codes(actor):
        raise WorkflowError("actor", "公示由该辖区的业务经办人员办理")


def _text(key: str, value: str | None, label: str, limit: int) -> str:
    value = (value or "").strip()
    if not value:
        raise WorkflowError(key, f"请填写{label}")
    if len(value) > limit:
        raise WorkflowError(key, f"{label}不能超过 {limit} 字，实为 {len(value)} 字")
    return value


# --- publishing --------------------------------------------------------------------------

# Called with each notice once its publication is committed: ``core.documents`` registers the
# rendering of its PDF ahead of the first download (the notice package does not import it).
published: list = []



def publish(applications: list[Application], actor, today: date, title: str, contact: str, *,
            commit: bool = True) -> PublicNotice:
    """Publish ``applications`` (one jurisdiction, each at a public-notice step) on a
    new notice published ``today``; one commit (``commit=False``: the caller commits,
    e.g. the demo loading everything in one transaction)."""
    title = _text("title", title, "公示标题", 300)
    contact = _text("contact", contact, "联系方式", 300)
    if not applications:
        raise WorkflowError("applications", "请选择要公示的申报")
    codes = {a.jurisdiction for a in applications}
    if len(codes) != 1:
        raise WorkflowError("applications", "一次公示只能包含同一辖区的申报")
    code = codes.pop()
    _require_officer(actor, code)
    for application in applications:  # refuse before writing anything
        reason = workflow.refusal(application, "publish", actor, today=today)
        if reason:
            raise WorkflowError("applications", f"申报 #{application.id}：{reason}")
    policies = {steps.policy_of(a) for a in applications}
    if len(policies) != 1:
        raise WorkflowError("applications", "所选申报适用不同的政策版本，公示期可能不同：请分开公示")
    try:
        period = notice_period_for(code, today, policy=policies.pop())
    except NoticeError as exc:  # e.g. Xuzhou/Yunnan with no bureau setting notice_days
        raise WorkflowError("period", exc.args[-1] if exc.args else str(exc)) from None
    batches = {a.batch_id for a in applications}
    notice = PublicNotice(
        jurisdiction=code, batch_id=batches.pop() if len(batches) == 1 else None, title=title,
        published_on=today, first_day=date.fromisoformat(period["first_day"]),
        last_day=date.fromisoformat(period["last_day"]), days=period["days"],
        period_source=source_text(period["source"]), contact=contact, status="open",
    )
    notice.entries = [NoticeEntry(application_id=a.id) for a in applications]
    db.session.add(notice)
    try:
        db.session.flush()
        audit.record("notice.publish", notice, actor=actor, to_state="open", title=title,
                     first_day=period["first_day"], last_day=period["last_day"], days=period["days"],
                     source=notice.period_source, applications=[a.id for a in applications],
                     warnings=period["warnings"])
        events.emit("notice.published", notice, actor=actor, title=title, first_day=period["first_day"],
                    last_day=period["last_day"])
        for application in applications:
            workflow.act(application, "publish", actor, today=today, detail={"notice_id": notice.id},
                         commit=False)
        if commit:
            db.session.commit()
    except Exception:
        if commit:
            db.session.rollback()
        raise
    if commit:
        for hook in published:
            hook(notice)
    return notice


# --- objections ----------------------------------------------------------------------------


def accepts_objections(notice: PublicNotice, today: date) -> bool:
    return notice.status == "open" and notice.first_day <= today <= notice.last_day


def objections_per_hour() -> int:
    return int(current_app.config.get("OBJECTIONS_PER_HOUR") or DEFAULT_OBJECTIONS_PER_HOUR)


def _recent_from(client_address: str | None) -> int:
    since = clock.utcnow() - timedelta(hours=1)
    return db.session.scalar(
        select(func.count(Objection.id)).where(Objection.client_address == (client_address or "-"),
                                               Objection.created_at >= since)
    ) or 0


def receipt_number(day: date, serial: int) -> str:
    """受理回执号 of an objection: ``YY-YYYYMMDD-NNNN`` — YY (异议), the day it was filed,
    and its serial number in the register (the row id, at least 4 digits).  Unique
    because the id is, even when two objections arrive at the same instant."""
    return f"YY-{day.strftime('%Y%m%d')}-{serial:04d}"


def file_objection(notice: PublicNotice, *, name: str, contact: str, content: str, today: date,
                   application_id: int | None = None, upload=None, client_address: str | None = None) -> Objection:
    """Record an objection to ``notice`` (anyone, no login); one commit.  The
    attachment, when given, is checked by content (``core.platform.uploads``)."""
    if notice.first_day > today:
        raise WorkflowError("notice", f"公示期自 {notice.first_day.isoformat()} 开始，届时方可提出异议")
    if not accepts_objections(notice, today):
        raise WorkflowError("notice", f"公示期已于 {notice.last_day.isoformat()} 结束，不再受理异议；"
                                      "如有意见请与公示所列联系方式联系")
    name = _text("name", name, "姓名或单位名称", 100)
    contact = _text("contact", contact, "联系方式", 200)
    content = _text("content", content, "异议内容", 5000)
    if application_id is not None and application_id not in {e.application_id for e in notice.entries}:
        raise WorkflowError("application_id", "所选申报不在本公示中")
    limit = objections_per_hour()
    refused = RateLimited("rate", f"同一网络地址每小时最多提交 {limit} 条异议，请稍后再试")
    one_address_at_a_time(client_address)
    if _recent_from(client_address) >= limit:  # before any file is stored
        db.session.rollback()  # ends the transaction, and its lock
        raise refused
    try:
        with uploads.transaction("attachment") as stored:
            attachment = None
            if upload is not None and upload.filename:
                attachment = stored.file(upload, key="attachment")
            objection = Objection(notice_id=notice.id, application_id=application_id, name=name, contact=contact,
                                  content=content, attachment_id=attachment.id if attachment else None,
                                  client_address=client_address or "-", status="open")
            db.session.add(objection)
            db.session.flush()
            objection.receipt_number = receipt_number(today, objection.id)
            if _recent_from(client_address) > limit:  # counted again with this one written (SQLite)
                raise refused
            # The contact is not copied into the audit log: officers read it on the objection.
            audit.record("objection.file", objection, jurisdiction=notice.jurisdiction, actor=None,
                         to_state="open", notice_id=notice.id, application_id=application_id,
                         receipt_number=objection.receipt_number,
                         attachment_sha256=attachment.sha256 if attachment else None)
            events.emit("objection.filed", objection, jurisdiction=notice.jurisdiction, notice_id=notice.id,
                        notice_title=notice.title, receipt_number=objection.receipt_number)
            db.session.commit()
    except uploads.UploadError as exc:  # refused, or storage found full: nothing kept
        raise WorkflowError(exc.key, exc.message) from None
    return objection


def objection_by_receipt(receipt: str, contact: str) -> Objection | None:
    """The objection with receipt number ``receipt`` whose objector gave ``contact`` — both must
    match, so a receipt number alone (they are sequential) tells nothing.  Its outcome is what
    the objector, who has no account, learns on the public page (core.notice.public_pages)."""
    receipt, contact = (receipt or "").strip().upper(), (contact or "").strip()
    if not receipt or not contact or not (receipt + contact).isprintable():  # a NUL is no receipt (PostgreSQL refuses it)
        return None
    found = db.session.scalars(select(Objection).where(Objection.receipt_number == receipt)).one_or_none()
    return found if found is not None and found.contact.strip() == contact else None


def open_objections(notice: PublicNotice) -> int:
    return db.session.scalar(
        select(func.count(Objection.id)).where(Objection.notice_id == notice.id, Objection.status == "open")
    ) or 0


def resolve_objection(objection: Objection, outcome: str, reasons: str, actor, *, today: date,
                      application_id: int | None = None, reject: bool = False) -> Objection:
    """Resolve an open objection: ``upheld`` (the application it concerns goes back to
    the decision step before the notice, or is rejected with ``reject``) or
    ``dismissed``; reasons required; one commit."""
    notice = db.session.get(PublicNotice, objection.notice_id)
    _require_officer(actor, notice.jurisdiction)
    if objection.status != "open":
        raise WorkflowError("objection", "该异议已处理")
    if outcome not in ("upheld", "dismissed"):
        raise WorkflowError("outcome", "请选择异议成立或不成立")
    reasons = _text("reasons", reasons, "处理理由", 5000)
    target = objection.application_id or application_id
    try:
        if outcome == "upheld":
            if target is None or target not in {e.application_id for e in notice.entries}:
                raise WorkflowError("application_id", "异议成立时须指明所涉的本公示申报")
            application = db.session.get(Application, target)
            workflow.act(application, "objection_upheld", actor, opinion=reasons, today=today,
                         detail={"reject": bool(reject), "objection_id": objection.id, "notice_id": notice.id},
                         commit=False)
            objection.application_id = target
        objection.status = outcome
        objection.resolution = reasons
        objection.resolved_by_id = actor.id
        objection.resolved_at = clock.utcnow()
        audit.record("objection.resolve", objection, jurisdiction=notice.jurisdiction, actor=actor,
                     from_state="open", to_state=outcome, opinion=reasons, notice_id=notice.id,
                     application_id=target, reject=bool(reject) if outcome == "upheld" else None)
        events.emit("objection.resolved", objection, jurisdiction=notice.jurisdiction, actor=actor, outcome=outcome,
                    notice_id=notice.id, notice_title=notice.title, receipt_number=objection.receipt_number)
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise
    return objection


# --- closing -----------------------------------------------------------------------------


def close_refusal(notice: PublicNotice, today: date) -> str | None:
    if notice.status != "open":
        return "该公示已结束"
    if today <= notice.last_day:
        return f"公示期至 {notice.last_day.isoformat()}（含）止，期满后（{(notice.last_day + timedelta(days=1)).isoformat()} 起）方可结束公示"
    count = open_objections(notice)
    if count:
        return f"尚有 {count} 条异议未处理，处理完毕后方可结束公示"
    return None


def lengthen_to_calendar(notice: PublicNotice, actor=None) -> date | None:
    """Count the period of an open notice again on today's calendar and lengthen it when
    it now ends later — a notice published into a year whose 调休 was unknown may in truth
    last longer once the year's arrangement is entered (民法典 第203条, CONTRACTS §3).
    Never shortens it: the public was told the published last day.  Returns the new last
    day (audited, not committed) or None."""
    if notice.status != "open":
        return None
    period = notice_period(notice.published_on, notice.days, bureau_data.calendar())
    if period.last_day <= notice.last_day:
        return None
    old = notice.last_day
    notice.last_day = period.last_day
    audit.record("notice.lengthen", notice, actor=None if actor is workflow.SYSTEM else actor,
                 old_last_day=old.isoformat(), last_day=period.last_day.isoformat(),
                 reason="按录入的节假日安排重新计算公示期（民法典 第二百零三条）")
    return period.last_day


def lengthen_open_notices(actor=None) -> list[tuple[PublicNotice, date]]:
    """After the calendar changed: lengthen every open notice that now ends later.
    Returns ``(notice, old last day)`` of those lengthened; one commit."""
    lengthened = []
    for notice in db.session.scalars(select(PublicNotice).where(PublicNotice.status == "open")
                                     .order_by(PublicNotice.id)):
        old = notice.last_day
        if lengthen_to_calendar(notice, actor) is not None:
            lengthened.append((notice, old))
    db.session.commit()
    return lengthened


def _calendar_changed(actor) -> list[str]:
    """The admin changed the calendar (core.bureau's hook): lengthen the open notices, and say which."""
    return [gettext("The period of the notice “%(title)s” now ends on %(day)s (it ended on %(old)s).",
                    title=notice.title, day=notice.last_day.isoformat(), old=old.isoformat())
            for notice, old in lengthen_open_notices(actor)]


bureau_operations.calendar_changed.append(_calendar_changed)


def close(notice: PublicNotice, actor, today: date) -> list[Application]:
    """Close ``notice``: every application still under notice moves to the next step
    (the award).  ``actor`` is an officer of the jurisdiction or ``workflow.SYSTEM``.
    Returns the applications moved; one commit.  A period that the calendar entered
    since publication makes longer is lengthened instead (committed) and the closing
    refused until the new last day has passed."""
    if actor is not workflow.SYSTEM:
        _require_officer(actor, notice.jurisdiction)
    if lengthen_to_calendar(notice, actor) is not None:
        db.session.commit()
    reason = close_refusal(notice, today)
    if reason:
        raise WorkflowError("close", reason)
    moved = []
    try:
        # Conditional: of two closers at once (two ticks, an officer and the tick), one wins.
        won = db.session.execute(
            update(PublicNotice).where(PublicNotice.id == notice.id, PublicNotice.status == "open")
            .values(status="closed", closed_at=clock.utcnow())
            .execution_options(synchronize_session=False)
        ).rowcount
        if won != 1:
            raise moves.StaleError()
        for entry in notice.entries:
            if entry.application.status == "under_notice":
                workflow.act(entry.application, "close_notice", actor, today=today,
                             detail={"notice_id": notice.id}, commit=False)
                moved.append(entry.application)
        audit.record("notice.close", notice, actor=None if actor is workflow.SYSTEM else actor,
                     from_state="open", to_state="closed", last_day=notice.last_day.isoformat(),
                     today=today.isoformat(), applications=[a.id for a in moved])
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise
    db.session.refresh(notice)
    return moved


@dataclass
class TickResult:
    closed: list[tuple[PublicNotice, list[Application]]]
    waiting: list[tuple[PublicNotice, int]]  # (notice, open objections)
    failed: list[tuple[PublicNotice, str]]
    lengthened: list[tuple[PublicNotice, date]] = field(default_factory=list)  # (notice, old last day)


def close_due(today: date) -> TickResult:
    """Close every open notice of an enabled jurisdiction whose period ended before
    ``today`` with no open objection (``zhongchuang tick``).  A second run finds
    nothing to do."""
    result = TickResult([], [], [])
    due = db.session.scalars(
        select(PublicNotice).where(PublicNotice.status == "open", PublicNotice.last_day < today,
                                   PublicNotice.jurisdiction.in_(enabled_codes()))
        .order_by(PublicNotice.id)
    ).all()
    for notice in due:
        old = notice.last_day
        if lengthen_to_calendar(notice, workflow.SYSTEM) is not None:
            db.session.commit()
            result.lengthened.append((notice, old))
            if notice.last_day >= today:
                continue
        count = open_objections(notice)
        if count:
            result.waiting.append((notice, count))
            continue
        try:
            result.closed.append((notice, close(notice, workflow.SYSTEM, today)))
        except WorkflowError as exc:
            result.failed.append((notice, exc.message))
    return result


# --- reading -------------------------------------------------------------------------------


def authority_of(code: str) -> str:
    juris = registry().installed().get(code)
    return juris.authority if juris else code


def _enabled(column):
    """``jurisdictions.enabled_codes()`` as a condition of the same statement (the public pages
    read in one): allowed by the deployment, and not switched off by the admin (no row: on)."""
    switched_off = select(JurisdictionSetting.code).where(JurisdictionSetting.enabled.is_(False))
    return column.in_(allowed_codes()) & column.not_in(switched_off)


def public_notices(today: date) -> list[PublicNotice]:
    """Open notices, and those closed in the last ``RECENTLY_CLOSED_DAYS`` days, of the
    enabled jurisdictions — newest first; one statement, only the columns the list shows."""
    recent = today - timedelta(days=RECENTLY_CLOSED_DAYS)
    return db.session.scalars(
        select(PublicNotice).where(_enabled(PublicNotice.jurisdiction),
                                   (PublicNotice.status == "open") | (PublicNotice.last_day >= recent))
        .options(load_only(PublicNotice.jurisdiction, PublicNotice.title, PublicNotice.published_on,
                           PublicNotice.first_day, PublicNotice.last_day, PublicNotice.status))
        .order_by(PublicNotice.published_on.desc(), PublicNotice.id.desc())
    ).all()


def public_notice(notice_id: int) -> PublicNotice | None:
    """A notice of an enabled jurisdiction with its entries, their applications' spaces and
    organisations, in one statement (the page lists them all: no query per entry), the
    entries in the order they were published."""
    return db.session.scalars(
        select(PublicNotice).where(PublicNotice.id == notice_id, _enabled(PublicNotice.jurisdiction))
        .outerjoin(PublicNotice.entries).outerjoin(NoticeEntry.application)
        .outerjoin(Application.space).outerjoin(Application.organisation)
        .options(contains_eager(PublicNotice.entries).contains_eager(NoticeEntry.application)
                 .options(defer(Application.facts), defer(Application.form_data),  # the notice shows neither
                          contains_eager(Application.space).defer(Space.facts),
                          contains_eager(Application.organisation)))
        .order_by(NoticeEntry.id)
    ).unique().one_or_none()
