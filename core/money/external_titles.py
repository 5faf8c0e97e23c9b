"""Titles won elsewhere (issue 18): a bureau records a title the space holds outside this
deployment — 国家级 (科技部 备案), another province's or city's — with its document number, date
and evidence, and the support the recording jurisdiction's policy gives for it becomes owed.

**Who records, for which space.**  An officer or a leader of the recording jurisdiction.  The
space must lie in that jurisdiction's area (``Jurisdiction.covers`` its region), or hold a live
title of that jurisdiction (a space elsewhere that the bureau recognised, e.g. a space moved
out).  Our choice: a bureau's support goes to the spaces it serves; a title recorded by a
bureau with no tie to the space would create money nobody there may pay.  The admin reads every
record and records none (it is the platform's operator, not a bureau).

**What it creates** — under the recording jurisdiction's policy version in force on the day
the title was granted (none in force: nothing, and the page and the audit say so):

* the rules of the event ``recognized`` whose ``levels`` name the title's level explicitly,
  where that level is not the jurisdiction's own (``core.award.titles.LEVEL_OF_JURISDICTION``):
  its own level's support is for the titles it grants itself.  徐政发〔2016〕12号 五（一）:
  a 国家级 title recorded by 徐州 → 50 万元, a 省级 one → 40 万元; a 市级 one → nothing
  (徐州's own 30 万元 is its award's);
* the rules whose title prerequisite (``core.policy.TitlePrerequisite``, core.award.ladder)
  this title now meets — 弥政办发〔2017〕5号 二（四）: a 红河州 (州级) title recorded by 弥勒 makes
  争取项目资金扶持 owed;
* never a rule whose prerequisite is still unmet, and never a rule the space already has from
  this jurisdiction (an entitlement not cancelled, from its award or another record): the same
  support is not created twice.  Both are named on the page and in the audit.

Each is stored pending approval (core.money.lifecycle), with ``external_title_id``, the space and
the year of the grant, kind, amount, citation and note as ``core.award.entitlements.entitlement``
builds them.  Audited: ``external_title.record``, ``subsidy.create`` per entitlement.

**Withdrawing** a record (wrong, or the title was taken back): its pending and approved
entitlements are cancelled with the reason; paid ones are kept and noted (no document says
paid money is recovered, as for a revocation: core.award.cancellation).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import ColumnElement, exists, false, or_, select, true, update
from sqlalchemy.orm.exc import StaleDataError

from core.accounts import roles
from core.accounts.scoping import codes_as, role_of
from core.award import ladder
from core.award.cancellation import UNPAID
from core.award.entitlements import LEVELS, entitlement
from core.award.titles import LEVEL_OF_JURISDICTION
from core.bureau import data as bureau_data
from core.bureau import versions
from core.monitoring.title_scope import STAFF_READERS
from core.platform import audit, clock, uploads
from core.platform.errors import Refused
from core.platform.extensions import db
from core.platform.jurisdictions import enabled, registry
from core.platform.models import Attachment, ExternalTitle, Recognition, Space, SubsidyEntitlement
from core.policy import PolicyVersion, SubsidyRule

__all__ = ["LEVELS", "RECORDERS", "ExternalTitleRefused", "Recorded", "Owed", "record", "withdraw", "owed_for",
           "recording_codes", "may_record", "may_withdraw", "may_record_for", "recordable_spaces",
           "criteria", "listing", "visible", "entitlements_of", "evidence_of", "PAID_NOTE"]

RECORDERS = (roles.OFFICER, roles.LEADER)
TEXT_MAX = 200
NUMBER_MAX = 100
REASON_MAX = 2000
PAID_NOTE = "该外部称号登记已撤回，已拨付资金未作追回处理（政策未规定追回）"


class ExternalTitleRefused(Refused):
    """A refusal with, where the form had several faults, every one of them (``errors``)."""

    key_in_text = False

    def __init__(self, key: str, message: str, errors: dict[str, str] | None = None) -> None:
        super().__init__(key, message)
        self.errors = errors or {key: message}


# --- who may do what ---------------------------------------------------------------------------

def recording_codes(user) -> list[str]:
    """The jurisdictions ``user`` may record titles for (an officer's or a leader's own)."""
    return codes_as(user, *RECORDERS)  # where he holds such a role (issue 22)


def may_record(user, code: str) -> bool:
    return code in recording_codes(user)


def _tied_criteria(codes: list[str]) -> ColumnElement[bool]:
    """Spaces in the area of one of ``codes``, or holding a live title of one of them."""
    if not codes:
        return false()
    installed = enabled()
    prefixes = sorted({p for c in codes if c in installed for p in installed[c].region_prefixes})
    in_area = [Space.region.startswith(p, autoescape=True) for p in prefixes]
    titled = exists().where(Recognition.space_id == Space.id, Recognition.jurisdiction.in_(codes),
                            Recognition.status != "revoked")
    return or_(titled, *in_area)


def may_record_for(code: str, space: Space) -> bool:
    """Whether the jurisdiction ``code`` may record a title of ``space`` (see the module's docstring)."""
    return db.session.scalar(select(Space.id).where(Space.id == space.id, _tied_criteria([code]))) is not None


def recordable_spaces(user) -> list[Space]:
    """The spaces ``user`` may record a title for: in his jurisdictions' area or holding their titles."""
    codes = recording_codes(user)
    if not codes:
        return []
    return list(db.session.scalars(select(Space).where(_tied_criteria(codes)).order_by(Space.name, Space.id)))


def criteria(user) -> ColumnElement[bool]:
    """The records ``user`` may read: an officer's or a leader's jurisdictions; the admin all."""
    role = role_of(user)
    if role == roles.ADMIN:
        return true()
    if role in roles.STAFF_ROLES:
        codes = codes_as(user, *STAFF_READERS)  # where he holds a reader's role (issue 22)
        return ExternalTitle.jurisdiction.in_(codes) if codes else false()
    return false()


def visible(record_id: Any, user) -> ExternalTitle | None:
    try:
        record_id = int(record_id)
    except (TypeError, ValueError):
        return None
    return db.session.scalars(select(ExternalTitle).where(ExternalTitle.id == record_id, criteria(user))).one_or_none()


def listing(user, which: str = "active") -> list[ExternalTitle]:
    query = select(ExternalTitle).where(criteria(user)).order_by(ExternalTitle.granted_on.desc(),
                                                                   ExternalTitle.id.desc())
    if which in ("active", "withdrawn"):
        query = query.where(ExternalTitle.status == which)
    return list(db.session.scalars(query))


def may_withdraw(user, title: ExternalTitle) -> bool:
    return title.status == "active" and may_record(user, title.jurisdiction)


def entitlements_of(title: ExternalTitle) -> list[SubsidyEntitlement]:
    return list(db.session.scalars(select(SubsidyEntitlement).where(SubsidyEntitlement.external_title_id == title.id)
                                   .order_by(SubsidyEntitlement.id)))


def evidence_of(title: ExternalTitle) -> Attachment | None:
    return db.session.get(Attachment, title.evidence_attachment_id) if title.evidence_attachment_id else None


# --- what a title recorded is owed -------------------------------------------------------------

@dataclass
class Owed:
    """What recording a title of ``level`` granted on ``granted_on`` gives under ``code``'s policy."""

    items: list[dict] = field(default_factory=list)  # entitlement(...) dicts to create
    skipped: list[str] = field(default_factory=list)  # rules not created, in words (why)
    warning: str | None = None  # no policy version in force on the day
    policy: PolicyVersion | None = None


def _own_level(code: str) -> str | None:
    juris = registry().installed().get(code)
    return LEVEL_OF_JURISDICTION.get(juris.level) if juris is not None else None


def _already_held(code: str, space_id: int) -> set[str]:
    return set(db.session.scalars(select(SubsidyEntitlement.rule_code).where(
        SubsidyEntitlement.space_id == space_id, SubsidyEntitlement.jurisdiction == code,
        SubsidyEntitlement.status != "cancelled")))


def owed_for(code: str, level: str, space_id: int, granted_on: date, *, today: date | None = None) -> Owed:
    """The entitlements a title of ``level`` granted on ``granted_on`` and recorded by ``code`` gives
    the space ``space_id``.  Call it with the title in the session (flushed), so that the
    prerequisites it meets count."""
    today = today or clock.today()
    data = bureau_data.load_bureau_data(code)
    policy = versions.policy_in_force(code, granted_on, data)
    if policy is None:
        return Owed(warning=f"称号授予日 {granted_on.isoformat()} 本局无有效的认定政策版本，不产生支持事项")
    rules: list[SubsidyRule] = [r for r in registry().subsidy_rules(code, versions.base_policy(code, policy, data))
                                if r.event == "recognized" and r.in_force_on(granted_on)]
    own = _own_level(code)
    chosen: dict[str, SubsidyRule] = {}
    for rule in rules:  # the support the policy gives a title of that level, not its own titles'
        if rule.levels is not None and level in rule.levels and level != own:
            chosen[rule.code] = rule
    by_code = {r.code: r for r in rules}
    for prereq in ladder.prerequisites_of(code, policy):  # what the title now makes reachable
        if level in prereq.levels and prereq.applies_to in by_code:
            chosen.setdefault(prereq.applies_to, by_code[prereq.applies_to])
    owed = Owed(policy=policy)
    held = _already_held(code, space_id)
    for rule in chosen.values():
        unmet = ladder.unmet_prerequisites(code, policy, rule.code, space_id, today)
        if unmet:
            owed.skipped.append(ladder.skipped_text(rule.name, unmet))
        elif rule.code in held:
            owed.skipped.append(f"{rule.name}：该众创空间已有本局此项支持，不重复产生")
        else:
            owed.items.append(entitlement(rule, data))
    return owed


# --- recording ---------------------------------------------------------------------------------

@dataclass
class Recorded:
    title: ExternalTitle
    entitlements: list[SubsidyEntitlement]
    skipped: list[str]
    warning: str | None


def _text(value: Any) -> str:
    return " ".join(value.split()) if isinstance(value, str) else ""


def _check(errors: dict, key: str, value: Any, what: str, limit: int) -> str:
    text = _text(value)
    if not text:
        errors[key] = f"请填写{what}"
    elif len(text) > limit:
        errors[key] = f"{what}不能超过 {limit} 字"
    elif any(ord(ch) < 32 or ch in "<>" for ch in text):
        errors[key] = f"{what}含有不能使用的字符"
    return text


def _validate(user, space, code, level, awarding_body, title, document_number, granted_on, evidence,
              today: date) -> tuple[dict, dict]:
    errors: dict[str, str] = {}
    if not may_record(user, code if isinstance(code, str) else ""):
        errors["jurisdiction"] = "请选择本人所在的主管部门（只有该辖区的工作人员或领导可以登记）"
    if not isinstance(space, Space):
        errors["space_id"] = "请选择众创空间"
    elif "jurisdiction" not in errors and not may_record_for(code, space):
        errors["space_id"] = "该众创空间不在本辖区，也未持有本局称号，不能由本局登记"
    if level not in LEVELS:
        errors["level"] = "请选择称号级别：国家级、省级或市级"
    clean = {
        "awarding_body": _check(errors, "awarding_body", awarding_body, "认定机关", TEXT_MAX),
        "title": _check(errors, "title", title, "称号名称", TEXT_MAX),
        "document_number": _check(errors, "document_number", document_number, "认定文件文号", NUMBER_MAX),
    }
    if not isinstance(granted_on, date):
        errors["granted_on"] = "请填写认定日期（格式 YYYY-MM-DD）"
    elif granted_on > today:
        errors["granted_on"] = f"认定日期不能晚于今天（{today.isoformat()}）"
    if evidence is None or not getattr(evidence, "filename", ""):
        errors["evidence"] = "请上传认定文件或证书的扫描件"
    if not errors and _duplicate(space.id, level, clean["document_number"]) is not None:
        errors["document_number"] = "该众创空间已登记过同一级别、同一文号的称号"
    return errors, clean


def _duplicate(space_id: int, level: str, number: str) -> ExternalTitle | None:
    return db.session.scalars(select(ExternalTitle).where(
        ExternalTitle.space_id == space_id, ExternalTitle.level == level, ExternalTitle.document_number == number,
        ExternalTitle.status == "active")).first()


def _refuse(errors: dict[str, str]):
    key = next(iter(errors))
    raise ExternalTitleRefused(key, errors[key], errors)


def record(user, space: Space | None, jurisdiction: Any, level: Any, awarding_body: Any, title: Any,
           document_number: Any, granted_on: Any, evidence, *, today: date | None = None) -> Recorded:
    """Record a title won elsewhere, with its evidence, and create what the recording
    jurisdiction's policy gives for it: one transaction (the file lives and dies with it), or
    :class:`ExternalTitleRefused` (every faulty field) / ``uploads.UploadError`` with nothing written."""
    today = today or clock.today()
    errors, clean = _validate(user, space, jurisdiction, level, awarding_body, title, document_number, granted_on,
                              evidence, today)
    if errors:
        _refuse(errors)
    code = jurisdiction
    with uploads.transaction("evidence") as stored:
        # two bureaus recording the same title at once: the second waits here (PostgreSQL), then
        # finds the first's row; SQLite serialises writers
        db.session.execute(select(Space.id).where(Space.id == space.id).with_for_update())
        if _duplicate(space.id, level, clean["document_number"]) is not None:
            db.session.rollback()
            _refuse({"document_number": "该众创空间已登记过同一级别、同一文号的称号"})
        saved = stored.file(evidence, key="evidence", actor=user)
        row = ExternalTitle(space_id=space.id, jurisdiction=code, level=level, granted_on=granted_on,
                            evidence_attachment_id=saved.id, recorded_by_id=user.id, status="active", **clean)
        db.session.add(row)
        db.session.flush()
        owed = owed_for(code, level, space.id, granted_on, today=today)
        created = []
        for item in owed.items:
            ent = SubsidyEntitlement(
                external_title_id=row.id, space_id=space.id, year=granted_on.year, jurisdiction=code,
                rule_code=item["rule"], kind=item["kind"], amount_cny=item["amount_cny"], citation=item["citation"],
                note=item["note"] or None, status="pending")
            db.session.add(ent)
            created.append(ent)
        db.session.flush()
        audit.record("external_title.record", row, actor=user, to_state="active",
                     certificate=clean["document_number"], label=f"{clean['title']}（{clean['awarding_body']}）",
                     level=LEVELS[level], granted_on=granted_on.isoformat(), space=space.name,
                     file=saved.original_name, sha256=saved.sha256,
                     entitlements=[e.kind for e in created],
                     total_cny=sum(e.amount_cny for e in created if e.amount_cny is not None),
                     **({"skipped_entitlements": owed.skipped} if owed.skipped else {}),
                     **({"no_policy": owed.warning} if owed.warning else {}),
                     **({"policy_document": owed.policy.document} if owed.policy else {}))
        for ent in created:
            audit.record("subsidy.create", ent, actor=user, to_state="pending", label=ent.kind,
                         entitlement_amount_cny=ent.amount_cny, article=" ".join(
                             p for p in (ent.citation.get("document"), ent.citation.get("article"),
                                         ent.citation.get("item")) if p),
                         external_title=row.id)
        db.session.commit()
    return Recorded(row, created, owed.skipped, owed.warning)


# --- withdrawing -------------------------------------------------------------------------------

def _note(old: str | None, added: str) -> str:
    return f"{old}；{added}" if old else added


def withdraw(user, title: ExternalTitle, reason: Any) -> tuple[list, list]:
    """Withdraw the record ``title`` with ``reason``: (cancelled, kept paid) entitlements.
    One transaction, audited; someone acting first (the record or an entitlement moved on) is
    refused in words with nothing written."""
    if not may_record(user, title.jurisdiction):
        raise ExternalTitleRefused("action", "只有登记该称号的主管部门的工作人员或领导可以撤回登记")
    if title.status != "active":
        raise ExternalTitleRefused("action", "该称号登记已撤回")
    text = reason.strip() if isinstance(reason, str) else ""
    if not text:
        raise ExternalTitleRefused("reason", "请填写撤回理由")
    if len(text) > REASON_MAX:
        raise ExternalTitleRefused("reason", f"撤回理由不能超过 {REASON_MAX} 字")
    today = clock.today()
    try:
        moved = db.session.execute(update(ExternalTitle).where(ExternalTitle.id == title.id,
                                                               ExternalTitle.status == "active")
                                   .values(status="withdrawn", withdrawn_reason=text)
                                   .execution_options(synchronize_session=False))
        if moved.rowcount != 1:
            raise StaleDataError("withdrawn meanwhile")
        cancelled, kept = [], []
        for row in entitlements_of(title):
            if row.status in UNPAID:
                before = row.status
                row.status, row.cancel_reason = "cancelled", f"外部称号登记撤回：{text}"
                row.cancelled_on, row.cancelled_by_id = today, user.id
                row.note = _note(row.note, f"外部称号登记已于 {today.isoformat()} 撤回，未拨付的补助取消")
                audit.record("subsidy.cancel_by_officer", row, actor=user, from_state=before, to_state="cancelled",
                             opinion=text, label=row.kind, external_title=title.id)
                cancelled.append(row)
            elif row.status == "paid" and PAID_NOTE not in (row.note or ""):
                row.note = _note(row.note, PAID_NOTE)
                audit.record("subsidy.flag_paid_withdrawn", row, actor=user, label=row.kind, external_title=title.id)
                kept.append(row)
        audit.record("external_title.withdraw", title, actor=user, from_state="active", to_state="withdrawn",
                     opinion=text, certificate=title.document_number,
                     cancelled_support=[r.kind for r in cancelled], kept_paid_support=[r.kind for r in kept])
        db.session.commit()
    except StaleDataError:
        db.session.rollback()
        raise ExternalTitleRefused("action", "该称号登记或其补助已由他人处理，请刷新页面后查看") from None
    db.session.refresh(title)
    return cancelled, kept
