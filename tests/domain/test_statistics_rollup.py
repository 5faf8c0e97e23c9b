"""The roll-up upward (issue 16; docs/statistics.md "Roll-up upward"): the accepted returns of
the spaces whose titles owed the year, one row per space, exact totals, the whole deployment
and each jurisdiction alike.  Real database (SQLite, and PostgreSQL when TEST_DATABASE_URL is set)."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

from core.monitoring import forms
from core.monitoring.rollup import rollup, yearly_totals
from tests.factories import make_space, make_title
from tests.statistics_helpers import accepted_return

ALL = ["mile", "kunming", "yunnan", "xuzhou"]


def _ids(roll) -> set[int]:
    return {r.space_id for r in roll.rows}


def test_only_accepted_returns_are_rolled_up(app):
    spaces = {}
    for status in ("accepted", "submitted", "returned", "draft"):
        title = make_title("mile", granted_on=date(2024, 6, 1))
        spaces[status] = title.space
        accepted_return(title.space, 2025, status=status)
    roll = rollup(["mile"], 2025)
    assert _ids(roll) == {spaces["accepted"].id}
    assert roll.count == 1 and roll.totals["teams_served"] == 12


def test_a_title_granted_by_31_december_owes_the_year_and_one_granted_after_does_not(app):
    on_the_last_day = make_title("kunming", granted_on=date(2025, 12, 31))
    next_day = make_title("kunming", granted_on=date(2026, 1, 1))
    for title in (on_the_last_day, next_day):
        accepted_return(title.space, 2025)
    assert _ids(rollup(["kunming"], 2025)) == {on_the_last_day.space_id}


def test_a_title_revoked_during_the_year_owed_nothing_for_it(app):
    revoked_last_day = make_title("mile", granted_on=date(2023, 3, 1), status="revoked",
                                  revoked_on=date(2025, 12, 31))
    revoked_after = make_title("mile", granted_on=date(2023, 3, 1), status="revoked", revoked_on=date(2026, 1, 1))
    live = make_title("mile", granted_on=date(2023, 3, 1), status="rectification")
    for title in (revoked_last_day, revoked_after, live):
        accepted_return(title.space, 2025)
    assert _ids(rollup(["mile"], 2025)) == {revoked_after.space_id, live.space_id}


def test_a_space_with_two_titles_is_one_row_in_each_roll_up_and_in_the_whole_deployment(app):
    space = make_space(region="530102")
    make_title("kunming", space, granted_on=date(2022, 5, 1))
    make_title("yunnan", space, granted_on=date(2023, 5, 1))
    accepted_return(space, 2025, financing_total=100)
    other = make_title("kunming", granted_on=date(2022, 5, 1))
    accepted_return(other.space, 2025, financing_total=Decimal("0.25"))
    for codes, expected in ((["kunming"], {space.id, other.space_id}), (["yunnan"], {space.id}),
                            (ALL, {space.id, other.space_id})):
        roll = rollup(codes, 2025)
        assert sorted(r.space_id for r in roll.rows) == sorted(expected), codes
    whole = rollup(ALL, 2025)
    row = next(r for r in whole.rows if r.space_id == space.id)
    assert row.jurisdictions == ("kunming", "yunnan")
    assert whole.totals["financing_total"] == Decimal("100.25")  # exact, not floating point
    assert whole.totals["teams_served"] == 24


def test_another_jurisdictions_spaces_and_years_are_not_rolled_up(app):
    mile = make_title("mile", granted_on=date(2020, 1, 1))
    kunming = make_title("kunming", granted_on=date(2020, 1, 1))
    accepted_return(mile.space, 2025)
    accepted_return(kunming.space, 2024)
    assert _ids(rollup(["kunming"], 2025)) == set()
    assert _ids(rollup(["kunming"], 2024)) == {kunming.space_id}
    assert rollup([], 2025).rows == []


def test_the_columns_are_the_jurisdictions_return_in_its_order(app):
    title = make_title("yunnan", granted_on=date(2024, 1, 1))
    accepted_return(title.space, 2025)
    roll = rollup(["yunnan"], 2025)
    assert [f.key for f in roll.fields] == [f.key for f in forms.fields_of(forms.form_for("yunnan", 2025))]
    row = roll.rows[0]
    assert list(row.values) == [f.key for f in roll.fields]
    assert (row.space_name, row.uscc, row.region) == (title.space.name, title.space.organisation.uscc,
                                                       title.space.region)


def test_yearly_totals_agree_with_the_roll_up_and_give_zeros_for_an_empty_year(app):
    space = make_space(region="530102")
    make_title("kunming", space, granted_on=date(2021, 1, 1))
    make_title("yunnan", space, granted_on=date(2021, 1, 1))
    second = make_title("kunming", granted_on=date(2023, 1, 1))
    accepted_return(space, 2023, income_total=Decimal("1000.10"))
    accepted_return(space, 2024)
    accepted_return(second.space, 2024, financing_total=Decimal("0.01"))
    totals = yearly_totals(ALL, [2022, 2023, 2024])
    assert totals[2022]["spaces"] == 0 and totals[2022]["income_total"] == 0
    assert totals[2023]["spaces"] == 1 and totals[2023]["income_total"] == Decimal("1000.10")
    roll = rollup(ALL, 2024)
    assert totals[2024]["spaces"] == roll.count == 2
    for key, total in roll.totals.items():
        assert totals[2024][key] == total, key
    assert totals[2024]["financing_total"] == Decimal("1500.51")


def test_yearly_totals_read_each_years_owing_titles_as_the_roll_up_does(app):
    """The one grouped statement of yearly_totals applies the rule of each year: a title granted
    on 31 December 2024 owes 2024, one revoked on 31 December 2024 owed 2023 only."""
    granted_late = make_title("mile", granted_on=date(2024, 12, 31))
    revoked = make_title("mile", granted_on=date(2020, 1, 1), status="revoked", revoked_on=date(2024, 12, 31))
    revoked_next_year = make_title("mile", granted_on=date(2020, 1, 1), status="revoked",
                                   revoked_on=date(2025, 1, 1))
    for title in (granted_late, revoked, revoked_next_year):
        for year in (2023, 2024, 2025):
            accepted_return(title.space, year)
    totals = yearly_totals(["mile"], [2023, 2024, 2025])
    for year in (2023, 2024, 2025):
        assert totals[year]["spaces"] == rollup(["mile"], year).count, year
    assert [totals[y]["spaces"] for y in (2023, 2024, 2025)] == [2, 2, 1]
