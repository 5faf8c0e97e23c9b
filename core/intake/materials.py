"""An application's materials: what the plugin asks for, the files attached, and the
operations that attach or remove one (the only code that changes them).

Each operation writes, audits and commits as one transaction, so the applicant's page,
the CLI and ``core.demo`` attach files the same way.
"""
from __future__ import annotations

from sqlalchemy import select

from core.platform import audit, uploads
from core.platform.errors import Refused
from core.platform.extensions import db
from core.platform.jurisdictions import registry
from core.platform.models import Application, Attachment
from core.policy import Material

# Materials may be replaced or removed while the applicant may still change the file
# (a draft; our choice: also a returned application, whose revision may need a new proof).
MATERIALS_EDITABLE = ("draft", "returned")


class MaterialRefused(Refused):
    """An upload or a removal refused; ``message`` is shown beside the material."""

    key_in_text = False


def materials_of(application: Application) -> list[Material]:
    """The materials the jurisdiction's plugin asks for (e.g. 昆科发〔2017〕55号 第九条)."""
    return registry().required_materials(application.jurisdiction, application.category)


def attached(application: Application) -> dict[str, Attachment]:
    """The file of each material slot (one per slot: a new upload replaces it)."""
    rows = db.session.scalars(select(Attachment).where(Attachment.application_id == application.id)
                              .order_by(Attachment.id)).all()
    return {a.material: a for a in rows}


def missing_materials(application: Application) -> list[Material]:
    have = attached(application)
    return [m for m in materials_of(application) if m.required and m.code not in have]


def refusal(application: Application) -> str | None:
    """Why the application's files may not change now, or None."""
    if application.status not in MATERIALS_EDITABLE:
        return "已提交的申报不能更换或删除申报材料"
    return None


def attach(application: Application, material: Material, file, actor=None) -> Attachment:
    """Upload (or replace) the file of ``material``, checked by ``core.platform.uploads``,
    with the audit event ``application.material_uploaded``; committed, the replaced file
    discarded.  Refused (``uploads.UploadError`` or ``MaterialRefused``): nothing stored."""
    code = material.code
    refused = refusal(application)
    if refused:
        raise MaterialRefused(code, refused)
    if file is None or not file.filename:
        raise MaterialRefused(code, "请选择要上传的文件")
    with uploads.transaction(code) as stored:
        saved = stored.file(file, key=code, actor=actor, application_id=application.id, material=code)
        replaced = db.session.scalars(select(Attachment).where(
            Attachment.application_id == application.id, Attachment.material == code,
            Attachment.id != saved.id)).all()
        for previous in replaced:
            db.session.delete(previous)
        audit.record("application.material_uploaded", application, actor=actor, from_state=application.status,
                     to_state=application.status, material=code, material_name=material.name,
                     file=saved.original_name, sha256=saved.sha256, size=saved.size,
                     replaced=[p.sha256 for p in replaced])
        db.session.commit()
    for previous in replaced:
        uploads.discard(previous)
    return saved


def detach(application: Application, material: Material, actor=None) -> None:
    """Remove the file of ``material`` with the audit event ``application.material_removed``;
    committed, then the file discarded."""
    code = material.code
    refused = refusal(application)
    if refused:
        raise MaterialRefused(code, refused)
    found = attached(application).get(code)
    if found is None:
        raise MaterialRefused(code, "该材料尚未上传文件")
    db.session.delete(found)
    audit.record("application.material_removed", application, actor=actor, from_state=application.status,
                 to_state=application.status, material=code, material_name=material.name,
                 file=found.original_name, sha256=found.sha256)
    db.session.commit()
    uploads.discard(found)
