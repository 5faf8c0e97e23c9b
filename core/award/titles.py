"""The award (授予称号): the title, the certificate number, the recognition record and
the subsidy entitlements, in the same transaction as the workflow's ``award`` act.

* **Title** — as the policy words it (``PolicyVersion.award_title``).  弥勒's 第七条
  reads “弥科 xxx众创空间”: “弥科” is the bureau (弥勒市农业和科学技术局) and ``xxx`` a
  placeholder the plaque fills with the space's own name.  The formula names one
  space once (our reading, docs/policy-readings.md): a name that already ends in
  “众创空间” or “空间” is not given “众创空间” again, and a name that already starts
  with “弥科” is not given it again — 大学城众创空间 → 弥科大学城众创空间,
  湖泉创客空间 → 弥科湖泉创客空间, 红河孵化基地 → 弥科红河孵化基地众创空间
  (:func:`title_from_formula`).  The officer at the award step reviews the proposed
  title and may correct it (:func:`set_certificate_title`, audited); the award prints
  what was confirmed.
* **Level** — the jurisdiction's: a county-level or prefecture-level city's title is
  municipal (市级), a province's provincial (省级).
* **Certificate number** — unique per jurisdiction and year, even for two awards at
  the same moment: a ``CertificateSequence`` row per (jurisdiction, year) is
  incremented with ``UPDATE … RETURNING`` (PostgreSQL holds the row lock until
  commit, so a second award waits and gets the next number; SQLite serialises
  writers), created on first use with an INSERT in a savepoint, retried after an
  ``IntegrityError`` when another award created it first.  No policy sets the
  number's format: it is the bureau setting ``certificate_format``, with our default
  :data:`DEFAULT_CERTIFICATE_FORMAT`.
* **Entitlements** — ``core.award.entitlements.entitlements(code, "recognized", level=…)``
  under the application's policy version, stored pending approval; a rule whose title
  prerequisite the space does not meet (core.award.ladder: 弥政办发〔2017〕5号 二（四）
  争取项目资金 only for a space holding a 省级 or 州级 title) is not created, and the award's
  audit lists it with the prerequisite's article (``skipped_entitlements``).
"""
from __future__ import annotations

from datetime import date

from sqlalchemy import insert, select, update
from sqlalchemy.exc import IntegrityError

from core.platform import audit, events

from core.bureau import data as bureau_data
from core.bureau.setting_checks import DEFAULT_CERTIFICATE_FORMAT, check_certificate_format  # noqa: F401 - bureau's

from core.review import award_desk, moves, steps, workflow
from core.platform.extensions import db
from core.platform.jurisdictions import registry
from core.platform.models import Application, CertificateSequence, Recognition, SubsidyEntitlement
from core.award import ladder
from core.award.entitlements import entitlements
from core.review.moves import WorkflowError

__all__ = ["DEFAULT_CERTIFICATE_FORMAT", "LEVEL_OF_JURISDICTION", "TITLE_MAX_LENGTH", "title_for",
           "title_from_formula", "proposed_title", "check_title", "set_certificate_title", "certificate_format",
           "check_certificate_format", "next_number", "grant"]

LEVEL_OF_JURISDICTION = {"county": "municipal", "city": "municipal", "province": "provincial"}
PLACEHOLDER = "xxx"


def certificate_format(code: str) -> tuple[str, str]:
    """(format, where it comes from) for ``code``."""
    setting = bureau_data.bureau_setting(code, bureau_data.CERTIFICATE_FORMAT)
    if setting is not None:
        return setting.value, "主管部门设置（certificate_format）"
    return DEFAULT_CERTIFICATE_FORMAT, "系统默认格式（政策未规定编号格式）"


# Our choice: a title prints on one or two lines of the certificate (17 pt, 23 cm).
TITLE_MAX_LENGTH = 60
# What a formula's tail names: a name already ending in one of these is a 众创空间's
# name and is not given the tail again.
SPACE_ENDINGS = ("众创空间", "空间")


def title_from_formula(space_name: str, award_title: str) -> str:
    """The title of the space called ``space_name`` under the policy's ``award_title``.

    A title with no placeholder is the same for every space (昆明 第十二条 “昆明市众创
    空间”).  With the placeholder (弥勒 第七条 “弥科 xxx众创空间”) the space's name goes in
    its place, once: a prefix the name already starts with is not repeated, and the
    tail “众创空间” is not appended to a name that already ends in 众创空间 or 空间.
    """
    if PLACEHOLDER not in award_title:
        return award_title
    prefix, suffix = award_title.split(PLACEHOLDER, 1)
    prefix = prefix.strip()
    name = " ".join(space_name.split())
    if prefix and name.startswith(prefix):
        name = name[len(prefix):].lstrip()
    if suffix and (name.endswith(suffix) or (suffix.endswith(SPACE_ENDINGS) and name.endswith(SPACE_ENDINGS))):
        suffix = ""
    return f"{prefix}{name}{suffix}"


def title_for(application: Application, award_title: str) -> str:
    return title_from_formula(application.space.name, award_title)


def proposed_title(application: Application) -> str | None:
    """The title the policy gives this application's space, or None if its policy
    names no title."""
    policy = steps.policy_of(application)
    if policy is None or not policy.award_title:
        return None
    return title_for(application, policy.award_title)


def certificate_title(application: Application) -> str | None:
    """The title the award will print: the officer's confirmed text, else the proposal."""
    return application.certificate_title or proposed_title(application)


def check_title(value) -> str:
    """The title as typed, cleaned (spaces collapsed), or :class:`WorkflowError` on the
    key ``certificate_title`` saying in Chinese what is wrong."""
    if not isinstance(value, str):
        raise WorkflowError("certificate_title", "请填写证书上的称号")
    text = " ".join(value.split())
    if not text:
        raise WorkflowError("certificate_title", "请填写证书上的称号，不能为空")
    if len(text) > TITLE_MAX_LENGTH:
        raise WorkflowError("certificate_title",
                            f"称号不能超过 {TITLE_MAX_LENGTH} 字，实为 {len(text)} 字")
    if any(ord(ch) < 32 or 0xD800 <= ord(ch) <= 0xDFFF or ch in "<>" for ch in text):
        raise WorkflowError("certificate_title", "称号含有不能打印的字符")
    return text


def may_edit_title(application: Application, actor, today: date) -> bool:
    """Only who may award it now (the officer at the award step) reviews its title."""
    return "award" in workflow.allowed_actions(application, actor, today=today)


def set_certificate_title(application: Application, value, actor, today: date, *, commit: bool = True) -> str:
    """Record the officer's reviewed title on ``application`` (audited with the old and
    the new text, and the proposal); :class:`WorkflowError` with nothing written."""
    if not may_edit_title(application, actor, today):
        raise WorkflowError("certificate_title", "只有授予称号环节的办理人可以修改证书称号")
    text = check_title(value)
    before = certificate_title(application)
    if text == before:  # confirmed as it stands: nothing changes, nothing to record
        return text
    application.certificate_title = text
    audit.record("application.certificate_title", application, actor=actor, from_state=before, to_state=text,
                 proposed=proposed_title(application))
    if commit:
        db.session.commit()
    return text


def next_number(code: str, year: int) -> int:
    """The next certificate number of ``code`` in ``year``, inside the caller's
    transaction (rolled back with it, so numbers stay without gaps)."""
    bump = (update(CertificateSequence)
            .where(CertificateSequence.jurisdiction == code, CertificateSequence.year == year)
            .values(last_number=CertificateSequence.last_number + 1)
            .returning(CertificateSequence.last_number))
    for _ in range(3):
        number = db.session.execute(bump).scalar_one_or_none()
        if number is not None:
            return number
        try:
            with db.session.begin_nested():
                db.session.execute(insert(CertificateSequence).values(jurisdiction=code, year=year, last_number=1))
            return 1
        except IntegrityError:  # another award created the row first: increment it
            continue
    raise WorkflowError("certificate_number", "证书编号生成失败，请重试")


def _awarded_meanwhile(application: Application, loaded_version: int) -> bool:
    """A recognition of ``application`` committed by another session, or its row moved on
    from the version this session loaded."""
    if db.session.scalar(select(Recognition.id).where(Recognition.application_id == application.id)) is not None:
        return True
    current = db.session.scalar(select(Application.version).where(Application.id == application.id))
    return current is not None and current != loaded_version


def grant(application: Application, actor, today: date) -> Recognition:
    """Award the title to ``application`` (at its award step) as ``actor``: one commit,
    or :class:`~core.review.moves.WorkflowError` with nothing written."""
    loaded_version = application.version
    reason = workflow.refusal(application, "award", actor, today=today)
    if reason:
        raise WorkflowError("award", reason)
    policy = steps.policy_of(application)
    juris = registry().installed().get(application.jurisdiction)
    if policy is None or juris is None or not policy.award_title:
        raise WorkflowError("award", "政策未规定所授称号，不能授予")
    title = check_title(certificate_title(application))
    level = LEVEL_OF_JURISDICTION[juris.level]
    fmt, fmt_source = certificate_format(juris.code)
    try:
        number = next_number(juris.code, today.year)
        certificate = fmt.format(name=juris.name, code=juris.code, year=today.year, number=number)
        recognition = Recognition(
            application_id=application.id, space_id=application.space_id, jurisdiction=juris.code,
            title=title, certificate_number=certificate, level=level,
            granted_on=today, status="active",
        )
        db.session.add(recognition)
        db.session.flush()
        owed = entitlements(juris.code, "recognized", level=level, as_of=today, policy=policy)
        created, skipped = [], []
        for item in owed["entitlements"]:
            unmet = ladder.unmet_prerequisites(juris.code, policy, item["rule"], recognition.space_id, today)
            if unmet:  # owed only to a space holding another title (core.award.ladder)
                skipped.append(ladder.skipped_text(item["kind"], unmet))
                continue
            created.append(item)
            db.session.add(SubsidyEntitlement(
                recognition_id=recognition.id, space_id=recognition.space_id, year=today.year,
                jurisdiction=juris.code, rule_code=item["rule"],
                kind=item["kind"], amount_cny=item["amount_cny"], citation=item["citation"],
                note=item["note"] or None, status="pending",
            ))
        # what this title makes owed by another jurisdiction (a 云南 title → 弥勒 二（四）)
        elsewhere = ladder.made_reachable(recognition.space_id, application.space.region, level, juris.code, today)
        for code, item in elsewhere:
            db.session.add(SubsidyEntitlement(
                recognition_id=recognition.id, space_id=recognition.space_id, year=today.year, jurisdiction=code,
                rule_code=item["rule"], kind=item["kind"], amount_cny=item["amount_cny"], citation=item["citation"],
                note=item["note"] or None, status="pending",
            ))
        audit.record("recognition.grant", recognition, actor=actor, to_state="active", title=recognition.title,
                     proposed_title=title_for(application, policy.award_title),
                     certificate_number=certificate, certificate_format_source=fmt_source, level=level,
                     granted_on=today.isoformat(), citation=str(policy.award_citation or policy.document),
                     entitlements=[item["rule"] for item in created],
                     total_cny=sum(item["amount_cny"] for item in created if item["amount_cny"] is not None),
                     **({"skipped_entitlements": skipped} if skipped else {}),
                     **({"entitlements_elsewhere": [f"{code}:{item['rule']}" for code, item in elsewhere]}
                        if elsewhere else {}))
        workflow.act(application, "award", actor, today=today,
                     detail={"recognition_id": recognition.id, "certificate_number": certificate},
                     commit=False)
        events.emit("title.awarded", recognition, actor=actor, title=recognition.title,
                    certificate_number=certificate)
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        if _awarded_meanwhile(application, loaded_version):
            # Another officer awarded it first (the unique application of a recognition):
            # the same answer as every other race, 409 "已被他人办理" (issue 13).
            raise moves.StaleError() from None
        raise WorkflowError("award", "证书编号与已有编号重复，请检查证书编号格式") from None
    except Exception:
        db.session.rollback()
        raise
    return recognition


# The case page (core.review, below award) reaches the award through this desk.
award_desk.register(award_desk.AwardDesk(grant=grant, certificate_title=certificate_title,
                                         proposed_title=proposed_title, set_certificate_title=set_certificate_title,
                                         title_max=TITLE_MAX_LENGTH, other_titles=ladder.other_titles))
