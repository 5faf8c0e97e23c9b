"""What a token may read, as plain data: every query is limited to the token's jurisdictions
(``codes``, core.api.bearer.readable_codes), every list ordered by id (stable pages), and a record
outside them is simply not found (the API answers 404, never 403: it does not say what exists).

* **jurisdictions**: each with its policy versions in force and earlier (not those still to come):
  document, dates, notice period, categories with their criteria and review steps, parameters and
  support with their amounts, each with its citation.
* **applications**: submitted ones (a draft is the applicant's until submitted), their status, step
  and the steps of their policy; no facts, no uploads, no personal data.
* **titles**: certificate number, level, dates, status, the revocation's date, grounds and articles;
  the single title adds its standing (CONTRACTS §6, core.monitoring.title_standing).
* **entitlements**: amounts, approval, payment (voucher), cancellation, and the fund charged.
* **statistics returns**: of spaces holding a title of the token's jurisdictions, drafts excepted;
  the figures only once the bureau accepted the return.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import joinedload

from core.award import entitlements as support
from core.bureau import bureau_criteria, versions
from core.bureau import data as bureau_data
from core.monitoring import title_standing
from core.notice.periods import NoticeError, notice_days_for
from core.platform import clock, labels
from core.platform.extensions import db
from core.platform.jurisdictions import enabled, registry
from core.platform.models import Application, Recognition, StatisticsReturn, SubsidyEntitlement, SupportFund
from core.review import steps as review_steps

__all__ = ["Page", "jurisdictions", "jurisdiction", "applications", "application", "titles", "title",
           "entitlements", "entitlement", "statistics_returns", "statistics_return"]


@dataclass(frozen=True)
class Page:
    """One page of a list: the rows asked for and how many there are in all."""

    total: int
    rows: list


def _page(query, model, first: int, size: int) -> tuple[int, list]:
    """``size`` rows of ``query`` from the ``first`` (0-based), by id, and the total count.  A page
    beyond the last is empty without a second query (no OFFSET past what exists)."""
    total = db.session.scalar(select(func.count()).select_from(query.order_by(None).subquery()))
    if first >= total:
        return total, []
    return total, list(db.session.scalars(query.order_by(model.id).offset(first).limit(size)).unique())


def _narrowed(codes: list[str], jurisdiction: str | None) -> list[str]:
    """The token's jurisdictions, or the one a filter names among them (another: none).  The filter's
    text never reaches the SQL: only codes of the token do."""
    if jurisdiction is None:
        return codes
    return [jurisdiction] if jurisdiction in codes else []


def _cite(citation) -> dict | None:
    return citation.to_dict() if citation is not None else None


# --- jurisdictions and their policy ----------------------------------------------------------


def _notice(code: str, version, data) -> dict:
    try:
        days, source = notice_days_for(code, version, data)
    except NoticeError:
        return {"days": None, "source": "unset", "citation": None}
    if source.get("kind") == "policy":
        return {"days": days, "source": "policy", "citation": source.get("citation")}
    return {"days": days, "source": "bureau", "citation": {"document": source.get("document"),
                                                           "article": source.get("article"), "item": None}}


def _version(code: str, version, data, today: date) -> dict:
    base = versions.base_policy(code, version, data)
    plugins = registry()
    return {
        "document": version.document, "title": version.title,
        "effective_from": version.effective_from, "effective_to": version.effective_to,
        "in_force": version.in_force_on(today), "replaces": version.replaces, "note": version.note or None,
        "notice_period": _notice(code, version, data),
        "categories": [{
            "code": category.code, "name": category.name, "citation": _cite(category.citation),
            "criteria": [{"id": c.id, "title": c.title, "kind": c.kind, "citation": _cite(c.citation)}
                         for c in bureau_criteria.criteria(code, category.code, version, data)],
            "review_steps": [_step(s) for s in plugins.review_steps(code, category.code, base)],
        } for category in version.categories],
        "parameters": [{
            "key": row["key"], "label": row["label"], "value": row["value"], "unit": row["unit"] or None,
            "source": {"政策规定": "policy", "局设置": "bureau"}.get(row["source"], "unset"),
            "citation": row["citation"] if row["source"] != "局设置" else
            {"document": row["document"], "article": row["article"], "item": None},
        } for row in versions.parameter_rows(code, version, data)],
        "support": [{
            "code": rule.code, "name": rule.name, "event": rule.event, "levels": list(rule.levels or []) or None,
            "grades": list(rule.grades or []) or None, "amount_cny": support.entitlement(rule, data)["amount_cny"],
            "citation": _cite(rule.citation), "document": rule.support.document if rule.support else None,
        } for rule in plugins.subsidy_rules(code, base)],
    }


def _step(step) -> dict:
    return {"code": step.code, "name": step.name, "kind": step.kind, "role": step.role, "days": step.days,
            "citation": _cite(step.citation)}


def _jurisdiction(code: str) -> dict:
    j = enabled()[code]
    data = bureau_data.load_bureau_data(code)
    today = clock.today()
    return {
        "code": j.code, "name": j.name, "level": j.level, "authority": j.authority, "parent": j.parent,
        "policy_versions": [_version(code, v, data, today) for v in versions.policies(code, data)
                            if v.effective_from <= today],
    }


def jurisdictions(codes: list[str], first: int, size: int) -> Page:
    return Page(len(codes), [_jurisdiction(c) for c in codes[first:first + size]])


def jurisdiction(codes: list[str], code: str) -> dict | None:
    return _jurisdiction(code) if code in codes else None


# --- applications --------------------------------------------------------------------------


def _application_query(codes: list[str]):
    return (select(Application).where(Application.jurisdiction.in_(codes), Application.status != "draft")
            .options(joinedload(Application.space), joinedload(Application.organisation)))


def _application(a: Application) -> dict:
    progress = review_steps.progress(a)
    return {
        "id": a.id, "jurisdiction": a.jurisdiction, "category": a.category,
        "category_name": labels.category_label(a.jurisdiction, a.category) or None,
        "policy_document": a.policy_document, "status": a.status, "status_label": labels.status_label(a.status),
        "current_step": a.current_step, "submitted_on": a.submitted_on, "official_number": a.official_number,
        "space_name": a.space.name if a.space else None,
        "organisation_name": a.organisation.name if a.organisation else None,
        "steps": [{**_step(p.step), "passed": p.passed, "current": p.current} for p in progress],
    }


def applications(codes: list[str], first: int, size: int, *, jurisdiction: str | None = None,
                 status: str | None = None, submitted_since: date | None = None) -> Page:
    query = _application_query(_narrowed(codes, jurisdiction))
    if status is not None:
        query = query.where(Application.status == status)
    if submitted_since is not None:
        query = query.where(Application.submitted_on >= submitted_since)
    total, rows = _page(query, Application, first, size)
    return Page(total, [_application(a) for a in rows])


def application(codes: list[str], application_id: int) -> dict | None:
    found = db.session.scalars(_application_query(codes).where(Application.id == application_id)).unique().one_or_none()
    return _application(found) if found is not None else None


# --- titles --------------------------------------------------------------------------------


def _title(t: Recognition) -> dict:
    return {
        "id": t.id, "jurisdiction": t.jurisdiction, "certificate_number": t.certificate_number, "title": t.title,
        "level": t.level, "level_label": labels.recognition_level_label(t.level), "granted_on": t.granted_on,
        "status": t.status, "status_label": labels.recognition_status_label(t.status),
        "revoked_on": t.revoked_on,
        "revocation_grounds": list(t.revocation_grounds or []) if t.revoked_on else [],
        "revocation_citations": list(t.revocation_citations or []) if t.revoked_on else [],
        "ban_until": t.ban_until, "application_id": t.application_id,
    }


def titles(codes: list[str], first: int, size: int, *, jurisdiction: str | None = None,
           status: str | None = None) -> Page:
    query = select(Recognition).where(Recognition.jurisdiction.in_(_narrowed(codes, jurisdiction)))
    if status is not None:
        query = query.where(Recognition.status == status)
    total, rows = _page(query, Recognition, first, size)
    return Page(total, [_title(t) for t in rows])


def title(codes: list[str], title_id: int) -> dict | None:
    found = db.session.scalars(select(Recognition).where(Recognition.id == title_id,
                                                         Recognition.jurisdiction.in_(codes))).one_or_none()
    if found is None:
        return None
    standing = title_standing.standing_of(found, clock.today())
    return {**_title(found), "standing": {"as_of": clock.today(), "standing": standing["standing"],
                                          "standing_label": labels.standing_label(standing["standing"]),
                                          "grounds": standing["grounds"]}}


# --- entitlements --------------------------------------------------------------------------


def _entitlement_query(codes: list[str]):
    return (select(SubsidyEntitlement, SupportFund)
            .outerjoin(SupportFund, SupportFund.id == SubsidyEntitlement.fund_id)
            .where(SubsidyEntitlement.jurisdiction.in_(codes)))


def _entitlement(e: SubsidyEntitlement, fund: SupportFund | None) -> dict:
    return {
        "id": e.id, "jurisdiction": e.jurisdiction, "title_id": e.recognition_id, "year": e.year,
        "rule": e.rule_code, "kind": e.kind, "amount_cny": e.amount_cny, "citation": dict(e.citation or {}) or None,
        "status": e.status, "status_label": labels.subsidy_status_label(e.status),
        "approved_amount_cny": e.approved_amount_cny, "approved_on": e.approved_on,
        "paid_on": e.paid_on, "paid_amount_cny": e.paid_amount_cny, "voucher_number": e.voucher_number,
        "paying_body": e.paying_body, "cancelled_on": e.cancelled_on,
        "fund": None if fund is None else {"id": fund.id, "year": fund.year, "name": fund.name,
                                           "amount_cny": fund.amount_cny, "source": fund.source,
                                           "citation": dict(fund.citation or {}) or None},
    }


def entitlements(codes: list[str], first: int, size: int, *, jurisdiction: str | None = None,
                 status: str | None = None, year: int | None = None) -> Page:
    query = _entitlement_query(_narrowed(codes, jurisdiction))
    if status is not None:
        query = query.where(SubsidyEntitlement.status == status)
    if year is not None:
        query = query.where(SubsidyEntitlement.year == year)
    total = db.session.scalar(select(func.count()).select_from(query.subquery()))
    if first >= total:
        return Page(total, [])
    rows = db.session.execute(query.order_by(SubsidyEntitlement.id).offset(first).limit(size)).all()
    return Page(total, [_entitlement(e, f) for e, f in rows])


def entitlement(codes: list[str], entitlement_id: int) -> dict | None:
    found = db.session.execute(_entitlement_query(codes).where(SubsidyEntitlement.id == entitlement_id)).one_or_none()
    return _entitlement(*found) if found is not None else None


# --- statistics returns --------------------------------------------------------------------


def _return_query(codes: list[str]):
    titled = select(Recognition.space_id).where(Recognition.jurisdiction.in_(codes))
    return (select(StatisticsReturn).where(StatisticsReturn.space_id.in_(titled), StatisticsReturn.status != "draft")
            .options(joinedload(StatisticsReturn.space)))


def _titles_of(codes: list[str], space_ids: list[int]) -> dict[int, list[dict]]:
    found: dict[int, list[dict]] = {}
    for t in db.session.scalars(select(Recognition).where(Recognition.space_id.in_(space_ids),
                                                          Recognition.jurisdiction.in_(codes))
                                .order_by(Recognition.id)):
        found.setdefault(t.space_id, []).append({"id": t.id, "jurisdiction": t.jurisdiction,
                                                 "certificate_number": t.certificate_number, "title": t.title})
    return found


def _return(r: StatisticsReturn, titles_by_space: dict[int, list[dict]]) -> dict:
    accepted = r.status == "accepted"
    return {
        "id": r.id, "year": r.year, "space_name": r.space.name if r.space else None,
        "titles": titles_by_space.get(r.space_id, []), "status": r.status,
        "status_label": labels.statistics_status_label(r.status), "checking_jurisdiction": r.checking_jurisdiction,
        "submitted_at": r.submitted_at, "accepted_at": r.decided_at if accepted else None,
        "figures": dict(r.data or {}) if accepted else None,
    }


def statistics_returns(codes: list[str], first: int, size: int, *, year: int | None = None,
                       status: str | None = None) -> Page:
    query = _return_query(codes)
    if year is not None:
        query = query.where(StatisticsReturn.year == year)
    if status is not None:
        query = query.where(StatisticsReturn.status == status)
    total, rows = _page(query, StatisticsReturn, first, size)
    by_space = _titles_of(codes, [r.space_id for r in rows])
    return Page(total, [_return(r, by_space) for r in rows])


def statistics_return(codes: list[str], return_id: int) -> dict | None:
    found = db.session.scalars(_return_query(codes).where(StatisticsReturn.id == return_id)).unique().one_or_none()
    return _return(found, _titles_of(codes, [found.space_id])) if found is not None else None
