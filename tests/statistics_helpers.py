"""What the statistics roll-up tests share: a consistent return of the default form, and an
accepted return written directly (the filing operations have their own tests)."""
from __future__ import annotations

from core.monitoring.rules import as_json
from core.platform.extensions import db
from core.platform.models import Space, StatisticsReturn


def full_return(**figures) -> dict:
    """Every figure of the default return (core.monitoring.default_form), consistent with its
    rules; ``figures`` override some."""
    values = {
        "area_m2": 1200, "workstations": 80, "service_staff": 6, "mentors": 5,
        "teams_served": 12, "team_members": 40, "startups_served": 8, "startup_jobs": 60,
        "new_enterprises": 4, "financed": 2, "financing_total": 1500.5,
        "events": 20, "trainings": 10, "investment_events": 3,
        "income_total": 900, "income_services": 300, "income_rent": 400, "income_investment": 50,
        "income_subsidies": 100, "operating_cost": 700,
        "ip_valid": 15, "invention_patents": 3, "graduated": 2, "listed": 0,
    }
    values.update(figures)
    return values


def accepted_return(space: Space, year: int, status: str = "accepted", **figures) -> StatisticsReturn:
    filed = StatisticsReturn(space_id=space.id, year=year, status=status, data=as_json(full_return(**figures)))  # stored as filing stores it
    db.session.add(filed)
    db.session.commit()
    return filed
