"""The public disclosure of support (上网公示): what one jurisdiction approved and paid.

云政办发〔2016〕65号 四、组织实施 (十五): "各地各部门对众创空间等平台的扶持情况要上网公示，做到公开透明，
避免多头重复支持".  The page ``/public/support/<code>`` (core.money.public_support) and its CSV / xlsx
downloads read the rows built here.

**What is public.**  Only the support a bureau has decided: an entitlement ``approved`` or ``paid``
(never one ``pending`` — not yet decided — nor ``cancelled``).  Per row: the maker space's name, the
operating organisation's name (a legal person, whose support the opinion asks to publish), the kind
of support and the article that grants it, the approved amount and day, for a paid one the amount
paid and the day, and its state.

**What is not.**  Nothing about a person: no contact name, phone, e-mail, legal representative,
address, ID number, bank account, nor the users who approved or paid.  Nothing of the bureau's
internal file either: the notes, the budget override's reason, the overlap flags and their
justification, the reason of a paid amount that differs, the voucher number (internal accounting:
it identifies a booking in the finance bureau's ledger, not the support) and the paying body.

The query selects those columns only (no ORM rows), so a download of any size is streamed a chunk
at a time (``yield_per``) and the page reads one page of rows.  A row's year is the year of its
approval (the decision the disclosure reports); a paid row without an approval day counts by its
payment day.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from itertools import islice

from flask_babel import gettext
from sqlalchemy import case, extract, func, select

from core.award import overlaps
from core.policy import citation_text as cite
from core.platform import exports, labels
from core.platform.extensions import db
from core.platform.models import ExternalTitle, Organisation, Recognition, Space, SubsidyEntitlement

PUBLIC_STATES = ("approved", "paid")
PAGE_ROWS = 50
CHUNK_ROWS = 1000

# The article that asks for the disclosure, quoted on the page where it governs the jurisdiction.
BASIS = {"document": "云政办发〔2016〕65号", "article": "四、组织实施", "item": "（十五）",
         "text": "各地各部门对众创空间等平台的扶持情况要上网公示，做到公开透明，避免多头重复支持"}


@dataclass(frozen=True)
class Row:
    id: int
    space: str
    operator: str
    kind: str
    citation: str
    status: str
    approved_amount_cny: int | None
    approved_on: date | None
    paid_amount_cny: int | None
    paid_on: date | None


def basis_of(code: str) -> dict | None:
    """The disclosure's article where it governs ``code``: the jurisdiction, or one above it
    (``Jurisdiction.parent``), declares duplicate-support rules under that document — 云南's
    (十五) governs 云南, 昆明 and 弥勒.  None elsewhere (徐州): the page is then the platform's own
    practice (本局设定), and says so."""
    governing = overlaps.rules_governing(code)
    return BASIS if any(rule.citation.document == BASIS["document"] for _owner, rule, _n in governing) else None


def _day():
    """The day a row is dated by: its approval, else its payment."""
    return func.coalesce(SubsidyEntitlement.approved_on, SubsidyEntitlement.paid_on)


def _query(code: str, year: int | None):
    space_id = func.coalesce(SubsidyEntitlement.space_id, Recognition.space_id, ExternalTitle.space_id)
    query = (select(SubsidyEntitlement.id, Space.name, Organisation.name, SubsidyEntitlement.kind,
                    SubsidyEntitlement.citation, SubsidyEntitlement.status, SubsidyEntitlement.approved_amount_cny,
                    SubsidyEntitlement.amount_cny, SubsidyEntitlement.approved_on, SubsidyEntitlement.paid_amount_cny,
                    SubsidyEntitlement.paid_on)
             .select_from(SubsidyEntitlement)
             .outerjoin(Recognition, Recognition.id == SubsidyEntitlement.recognition_id)
             .outerjoin(ExternalTitle, ExternalTitle.id == SubsidyEntitlement.external_title_id)
             .outerjoin(Space, Space.id == space_id)
             .outerjoin(Organisation, Organisation.id == Space.organisation_id)
             .where(SubsidyEntitlement.jurisdiction == code, SubsidyEntitlement.status.in_(PUBLIC_STATES)))
    if year is not None:
        query = query.where(extract("year", _day()) == year)
    return query


def _row(found) -> Row:
    (id_, space, operator, kind, citation, status, approved, amount, approved_on, paid, paid_on) = found
    return Row(id=id_, space=space or "", operator=operator or "", kind=kind, citation=cite(citation), status=status,
               approved_amount_cny=approved if approved is not None else amount, approved_on=approved_on,
               paid_amount_cny=paid if status == "paid" else None, paid_on=paid_on if status == "paid" else None)


def _ordered(query):
    return query.order_by(_day().desc(), SubsidyEntitlement.id.desc())


def count(code: str, year: int | None = None) -> int:
    return db.session.scalar(select(func.count()).select_from(_query(code, year).subquery())) or 0


def page(code: str, year: int | None = None, number: int = 1, size: int = PAGE_ROWS) -> list[Row]:
    """Page ``number`` (from 1) of the rows, the latest first."""
    found = db.session.execute(_ordered(_query(code, year)).offset((number - 1) * size).limit(size))
    return [_row(r) for r in found]


def years(code: str) -> list[int]:
    """The years that have a row, the latest first (the page's year filter)."""
    day = _day()
    found = db.session.scalars(select(extract("year", day)).where(
        SubsidyEntitlement.jurisdiction == code, SubsidyEntitlement.status.in_(PUBLIC_STATES), day.is_not(None))
        .distinct())
    return sorted({int(y) for y in found if y is not None}, reverse=True)


def totals(code: str, year: int | None = None) -> dict:
    """Approved and paid sums of the rows (the page's footer)."""
    query = _query(code, year).subquery()
    approved, paid = db.session.execute(select(
        func.coalesce(func.sum(func.coalesce(query.c.approved_amount_cny, query.c.amount_cny)), 0),
        func.coalesce(func.sum(case((query.c.status == "paid", query.c.paid_amount_cny))), 0))).one()
    return {"approved": int(approved), "paid": int(paid)}


def headers() -> list[str]:
    return [gettext("Maker space"), gettext("Operating organisation"), gettext("Support"), gettext("Basis"),
            gettext("Approved amount (yuan)"), gettext("Approved on"), gettext("Amount paid (yuan)"),
            gettext("Paid on"), gettext("State")]


def state_words() -> dict[str, str]:
    """The states' words in the request's language, read while the request is there."""
    return {state: str(labels.subsidy_status_label(state)) for state in PUBLIC_STATES}


def cells(row: Row, states: dict[str, str] | None = None) -> list[str]:
    """One row of the download, as the page shows it (each cell made formula-safe by the writers)."""
    return [row.space, row.operator, row.kind, row.citation,
            "" if row.approved_amount_cny is None else str(row.approved_amount_cny),
            row.approved_on.isoformat() if row.approved_on else "",
            "" if row.paid_amount_cny is None else str(row.paid_amount_cny),
            row.paid_on.isoformat() if row.paid_on else "",
            (states or {}).get(row.status) or str(labels.subsidy_status_label(row.status))]


def stream(code: str, year: int | None = None, states: dict[str, str] | None = None):
    """Every row of the download, read a chunk at a time (a server-side cursor on PostgreSQL);
    ``states``: the states' words (:func:`state_words`) when the rows are read after the request."""
    found = iter(db.session.execute(_ordered(_query(code, year)).execution_options(yield_per=CHUNK_ROWS)))
    while True:
        with exports.collector_paused():
            chunk = [cells(_row(r), states) for r in islice(found, CHUNK_ROWS)]
        if not chunk:
            return
        yield from chunk
