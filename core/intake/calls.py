"""Calls for applications: the intake window the review workflow asks about.

A jurisdiction takes applications either in answer to a call of the bureau
(``PolicyVersion.intake == "call"``: 昆科发〔2017〕55号 第八条 "市科技局发布申报通知") or all
year round (弥政办发〔2017〕5号 附件1 第七条 "常年受理").  For a call jurisdiction the
workflow's ``submit`` asks :func:`submission_refusal`, and records the call answered
(:func:`open_call`).  The admin's ``CallView`` checks a call with :func:`check_call`.

Issue 20, the call as the public reads it (``/calls/``, core.public.calls_pages): its text
(:func:`clean_body`, plain text, paragraphs by blank lines), whether it is public yet
(``published``; a draft is seen only in the admin, its change audited by :func:`record_publication`),
its documents (:func:`add_attachment`, :func:`remove_attachment`: checked and stored as an
application's uploads, ``core.platform.uploads``), and the lists the public pages show
(:func:`public_calls`, :func:`public_call`, each call's state on a day :func:`call_state`).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import inspect, select

from core.accounts.scoping import criteria_for
from core.bureau import versions
from core.platform import audit
from core.platform.errors import Refused, typed_text
from core.platform.extensions import db
from core.platform.jurisdictions import enabled_codes
from core.platform.models import Application, Call, CallAttachment
from core.platform.row_ids import row_id


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


# --- the call as the public reads it (issue 20) ---------------------------------------------

BODY_MAX_CHARS = 20_000  # our choice: a notice of several pages; the text is a column, not a file
TITLE_MAX_CHARS = 300  # the column's length (calls.title)

OPEN, UPCOMING, CLOSED = "open", "upcoming", "closed"


def clean_title(title: str | None) -> str:
    """The call's title as kept: trimmed; refused (``CallError`` on ``title``) when empty, longer than
    its column or holding a control character."""
    return typed_text(title, "title", "通知标题", limit=TITLE_MAX_CHARS, refused=CallError)


def clean_body(body: str | None) -> str | None:
    """The call's text as kept: line ends made ``\n``, blank ends trimmed, empty as None; refused
    (``CallError`` on ``body``) when too long or holding a control character."""
    text = body.replace("\r\n", "\n").replace("\r", "\n") if isinstance(body, str) else None
    return typed_text(text, "body", "通知正文", limit=BODY_MAX_CHARS, required=False, refused=CallError)


def paragraphs(body: str | None) -> list[list[str]]:
    """The text as printed: paragraphs split by blank lines, each a list of its lines."""
    blocks = [b for b in (body or "").replace("\r\n", "\n").split("\n\n") if b.strip()]
    return [[line for line in block.strip("\n").split("\n")] for block in blocks]


def publication_change(call: Call) -> str | None:
    """The audit action of an unsaved change that makes ``call`` public (``call.published``) or takes
    it back to draft (``call.unpublished``), or None; asked before the change is flushed."""
    state = inspect(call)
    if not state.persistent:  # a new call: public from the start, or a draft nobody saw
        return "call.published" if call.published else None
    history = state.attrs.published.history
    if not history.deleted or bool(history.deleted[0]) == bool(call.published):
        return None
    return "call.published" if call.published else "call.unpublished"


def record_publication(call: Call, change: str | None, actor=None) -> None:
    """Audit what :func:`publication_change` found, in the transaction of the change (the edit
    itself is audited by the admin as ``admin_update``)."""
    if change:
        audit.record(change, call, actor=actor, title=call.title)


def save_text(call: Call, *, body: str | None, published: bool, actor=None) -> Call:
    """Set the call's text and whether it is public, audited and committed (the admin's form
    does the same through Flask-Admin: ``clean_body``, ``publication_change``)."""
    call.body = clean_body(body)
    call.published = bool(published)
    change = publication_change(call)
    audit.record("admin_update", call, actor=actor, fields=["body", "published"])
    record_publication(call, change, actor)
    db.session.commit()
    return call


def call_state(call: Call, day: date) -> str:
    """``open`` on its opening and closing days and between, ``upcoming`` before, ``closed`` after."""
    if day < call.opens_on:
        return UPCOMING
    if day > call.closes_on:
        return CLOSED
    return OPEN


@dataclass
class PublicCalls:
    """The public calls on a day, by state: each list by jurisdiction then date."""

    open: list[Call] = field(default_factory=list)
    upcoming: list[Call] = field(default_factory=list)
    closed: list[Call] = field(default_factory=list)


def _public():
    return select(Call).where(Call.published.is_(True), Call.jurisdiction.in_(enabled_codes()))


def public_calls(day: date) -> PublicCalls:
    """Every published call of the enabled jurisdictions; closed calls stay listed (newest first)."""
    order = {code: i for i, code in enumerate(enabled_codes())}
    found = PublicCalls()
    for call in db.session.scalars(_public().order_by(Call.opens_on, Call.id)):
        getattr(found, call_state(call, day)).append(call)
    found.open.sort(key=lambda c: (order.get(c.jurisdiction, 0), c.closes_on, c.id))
    found.upcoming.sort(key=lambda c: (order.get(c.jurisdiction, 0), c.opens_on, c.id))
    found.closed.sort(key=lambda c: (order.get(c.jurisdiction, 0), -c.closes_on.toordinal(), -c.id))
    return found


def public_call(call_id: int) -> Call | None:
    """A published call of an enabled jurisdiction, or None (a draft is nobody's business yet)."""
    return db.session.scalars(_public().where(Call.id == call_id)).one_or_none()


def staff_call(call_id: int, user) -> Call | None:
    """A call the staff member may see (his jurisdictions; the admin every one), or None."""
    return db.session.scalars(select(Call).where(Call.id == call_id, criteria_for(Call, user))).one_or_none()


def attachment_of(call: Call, attachment_id) -> CallAttachment | None:
    key = row_id(attachment_id)
    if key is None:
        return None
    return db.session.scalars(select(CallAttachment).where(
        CallAttachment.id == key, CallAttachment.call_id == call.id)).one_or_none()


def add_attachment(call: Call, upload, actor=None) -> CallAttachment:
    """Store a document of the call, checked by content and size as an application's uploads
    (``core.platform.uploads``), audited ``call.attachment_added``, committed.  Refused
    (``uploads.UploadError`` or :class:`CallError`): nothing stored, no row."""
    from core.platform import uploads  # reads PDFs (pypdf): not for the commands that only ask about calls

    if upload is None or not upload.filename:
        raise CallError("attachment", "请选择要上传的文件")
    with uploads.transaction("attachment") as stored:
        saved = stored.file(upload, key="attachment", actor=actor, model=CallAttachment, call_id=call.id)
        audit.record("call.attachment_added", call, actor=actor, file=saved.original_name, sha256=saved.sha256,
                     size=saved.size)
        db.session.commit()
    return saved


def remove_attachment(call: Call, attachment_id, actor=None) -> None:
    """Remove a document of the call, audited ``call.attachment_removed``; committed, then its file
    removed (a failed commit leaves both)."""
    from core.platform import uploads

    found = attachment_of(call, attachment_id)
    if found is None:
        raise CallError("attachment", "该附件不存在或已删除")
    db.session.delete(found)
    audit.record("call.attachment_removed", call, actor=actor, file=found.original_name, sha256=found.sha256)
    db.session.commit()
    uploads.discard(found)
