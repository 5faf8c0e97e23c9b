"""Shared set-up of the findings, rectification, revocation and ban tests (issue 17)."""
from __future__ import annotations

import io
from datetime import date

from werkzeug.datastructures import FileStorage

from core.platform.extensions import db
from core.platform.models import Assessment, SubsidyEntitlement
from tests.factories import REGIONS, make_org, make_space, make_title, make_user, pdf_bytes

PDF = pdf_bytes()


def evidence(content: bytes = PDF, name: str = "整改材料.pdf") -> FileStorage:
    return FileStorage(stream=io.BytesIO(content), filename=name, content_type="application/pdf")


def titled(code: str, granted_on: date = date(2022, 5, 10)):
    """(title, applicant of its organisation, officer, leader) of ``code``."""
    org = make_org(region=REGIONS[code])
    title = make_title(code, make_space(org, region=REGIONS[code]), granted_on=granted_on)
    return (title, make_user("applicant", organisation=org), make_user("officer", [code]),
            make_user("leader", [code]))


def unqualified(title, year: int) -> Assessment:
    """The minimal unqualified assessment an assessment round leaves (H2's rounds make the real ones)."""
    row = Assessment(recognition_id=title.id, year=year, grade="unqualified", scores={})
    db.session.add(row)
    db.session.commit()
    return row


def entitlement(title, status: str, amount: int = 100000, paid_on: date | None = None) -> SubsidyEntitlement:
    row = SubsidyEntitlement(recognition_id=title.id, space_id=title.space_id, year=title.granted_on.year,
                             jurisdiction=title.jurisdiction, rule_code="test",
                             kind="认定补助", amount_cny=amount, citation={}, status=status, paid_on=paid_on)
    db.session.add(row)
    db.session.commit()
    return row
