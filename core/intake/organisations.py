"""Verifying an applicant organisation from its business licence (issue 12 item 9).

Anyone may register any 统一社会信用代码 first, so a registered organisation is
*unverified* until an officer has opened its business licence (营业执照 or 法人证书)
among the files it uploaded and confirmed that the name and code match.

* Who: an officer of a jurisdiction where the organisation has a submitted
  application, or the admin (``may_verify``).  Drafts are the applicant's: their
  files are not shown.
* From which file: one of the files of those applications (``licence_files``) — the
  material that carries the licence differs by jurisdiction (弥勒 附件1 第六条（二）
  独立法人的证明文件; elsewhere inside the proofs), so the officer picks it.  Without
  any such file the organisation cannot be verified yet, and the page says so.
* Recorded once (a second officer acting at the same moment is told it is done), with
  an ``organisation.verify`` audit event in the file's jurisdiction.
"""
from __future__ import annotations

from sqlalchemy import select, update

from core.platform import audit, clock

from core.accounts import roles
from core.platform.errors import Refused
from core.platform.extensions import db
from core.platform.models import Application, Attachment, Organisation
from core.accounts.scoping import codes_as, is_admin


class VerificationRefused(Refused):
    key_in_text = False


def _applications(organisation: Organisation, user):
    query = select(Application).where(Application.organisation_id == organisation.id,
                                      Application.status != "draft")
    if not is_admin(user):
        query = query.where(Application.jurisdiction.in_(sorted(user.jurisdiction_codes)))
    return query


def may_verify(organisation: Organisation, user) -> bool:
    if is_admin(user):
        return True
    as_officer = codes_as(user, roles.OFFICER)  # an application where he is the officer (issue 22)
    return bool(as_officer) and db.session.scalar(_applications(organisation, user).where(
        Application.jurisdiction.in_(as_officer)).with_only_columns(Application.id).limit(1)) is not None


def licence_files(organisation: Organisation, user) -> list[Attachment]:
    """The files the user may check the licence in, oldest first."""
    ids = _applications(organisation, user).with_only_columns(Application.id).scalar_subquery()
    return list(db.session.scalars(select(Attachment).where(Attachment.application_id.in_(ids))
                                   .order_by(Attachment.id)))


def verify(organisation: Organisation, attachment_id: int | None, actor) -> None:
    """Mark ``organisation`` verified from the licence in ``attachment_id``; one commit."""
    if not may_verify(organisation, actor):
        raise VerificationRefused("organisation", "只有该单位申报所在辖区的业务经办人员或系统管理员可以核验")
    if organisation.verified_at is not None:
        raise VerificationRefused("organisation", "该单位已核验")
    files = {f.id: f for f in licence_files(organisation, actor)}
    if not files:
        raise VerificationRefused("attachment_id", "该单位尚未上传任何材料，没有营业执照可供核验")
    licence = files.get(attachment_id)
    if licence is None:
        raise VerificationRefused("attachment_id", "请选择该单位上传的营业执照（或法人证书）文件")
    now = clock.utcnow()
    done = db.session.execute(
        update(Organisation).where(Organisation.id == organisation.id, Organisation.verified_at.is_(None))
        .values(verified_at=now, verified_by_id=actor.id, verified_attachment_id=licence.id)
        .execution_options(synchronize_session=False))
    if done.rowcount != 1:
        db.session.rollback()
        raise VerificationRefused("organisation", "该单位刚刚已由他人核验")
    application = db.session.get(Application, licence.application_id)
    audit.record("organisation.verify", organisation, actor=actor, jurisdiction=application.jurisdiction,
                 to_state="verified", uscc=organisation.uscc, attachment_id=licence.id,
                 attachment_sha256=licence.sha256)
    db.session.commit()
    db.session.refresh(organisation)
