"""What the read API's tests share: a token issued through the real operation, and a 昆明 and a
徐州 world with a record of every resource (applications, titles, entitlements with a fund, accepted
and submitted statistics returns)."""
from __future__ import annotations

from datetime import date, datetime, timezone

from core.api import clients
from core.platform.extensions import db
from core.platform.models import StatisticsReturn, SubsidyEntitlement, SupportFund
from tests.factories import make_application, make_org, make_space, make_title, make_user
from tests.statistics_helpers import full_return

DOCUMENTS = {"kunming": "昆科发〔2017〕55号", "xuzhou": "徐政发〔2016〕12号"}
CATEGORIES = {"kunming": "comprehensive_service", "xuzhou": "comprehensive"}
REGIONS = {"kunming": "530102", "xuzhou": "320302"}


def token_for(*codes: str, name: str | None = None, admin=None) -> str:
    admin = admin or make_user("admin")
    _, token = clients.issue(name or f"系统-{'-'.join(codes)}-{make_user('officer').id}", list(codes), "", admin)
    return token


def bearer(token: str) -> dict:
    return {"Authorization": f"Bearer {token}"}


def populate(code: str, mark: str) -> dict:
    """Records of ``code`` whose names carry ``mark``; returns their ids by resource."""
    org = make_org(f"{mark}申报单位", region=REGIONS[code])
    space = make_space(org, f"{mark}众创空间")
    application = make_application(code, CATEGORIES[code], space, status="in_review", current_step=None,
                                   official_number=f"{mark}-NO-1", policy_document=DOCUMENTS[code])
    draft = make_application(code, CATEGORIES[code], space, status="draft")
    title = make_title(code, space, title=f"{mark}称号", granted_on=date(2024, 6, 1))
    fund = SupportFund(jurisdiction=code, year=2026, name=f"{mark}资金", amount_cny=1_000_000, source="bureau",
                       citation={})
    db.session.add(fund)
    db.session.flush()
    entitlement = SubsidyEntitlement(recognition_id=title.id, space_id=space.id, year=2024, jurisdiction=code,
                                     rule_code=f"{code}.award", kind=f"{mark}补助", amount_cny=100_000,
                                     citation={"document": DOCUMENTS[code], "article": None, "item": None},
                                     status="paid", approved_amount_cny=100_000, approved_on=date(2026, 3, 1),
                                     fund_id=fund.id, paid_on=date(2026, 4, 1), paid_amount_cny=100_000,
                                     voucher_number=f"{mark}-V-1", paying_body="财政局")
    accepted = StatisticsReturn(space_id=space.id, year=2025, status="accepted", data=full_return(teams_served=7),
                                checking_jurisdiction=code, submitted_at=datetime(2026, 2, 1, tzinfo=timezone.utc),
                                decided_at=datetime(2026, 2, 10, tzinfo=timezone.utc))
    submitted = StatisticsReturn(space_id=space.id, year=2024, status="submitted", data=full_return(),
                                 checking_jurisdiction=code, submitted_at=datetime(2025, 2, 1, tzinfo=timezone.utc))
    db.session.add_all([entitlement, accepted, submitted])
    db.session.commit()
    return {"applications": [application.id, title.application_id], "drafts": [draft.id], "titles": [title.id],
            "entitlements": [entitlement.id], "statistics-returns": [accepted.id, submitted.id]}
