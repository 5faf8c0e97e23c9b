"""The dashboard at a glance (issue 20) through real HTTP on a real database (SQLite and
PostgreSQL): known rows give known figures — applications per step, time in each step, titles
per year and level, money against the fund, overdue steps —; each is scoped; each linked figure
leads to a list showing exactly that many rows; each chart has its table beside it, and its SVG
carries no script and names no address but the SVG namespaces."""
from __future__ import annotations

import re
from datetime import date, datetime, timedelta, timezone

import pytest

from core.admin import glance
from core.bureau import data as bureau_data
from core.bureau.operations import set_bureau_setting
from core.platform import clock, labels
from core.platform.extensions import db
from core.platform.models import ReviewRecord, SubsidyEntitlement, SupportFund
from tests.factories import make_application, make_title, make_user
from tests.notice_helpers import at_step
from tests.notice_helpers import logged_in as signed_in  # a fresh client signed in as the user

TODAY = date(2026, 3, 10)
XUZHOU_KEY = "key"
SVG_NAMESPACES = {"http://www.w3.org/2000/svg", "http://www.w3.org/1999/xlink"}


@pytest.fixture(autouse=True)
def today():
    clock.freeze(TODAY)


def dashboard(client) -> str:
    response = client.get("/admin/")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def table(html: str, table_id: str) -> str:
    part = html[html.index(f'id="{table_id}"'):]
    return part[:part.index("</table>")]


def rows(markup: str) -> list[str]:
    return re.findall(r'<tr class="zc-glance-row"[^>]*>(.*?)</tr>', markup, re.S)


def cells(row: str) -> list[str]:
    return [re.sub(r"<[^>]+>", "", c).strip() for c in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)]


def links(row: str) -> list[str]:
    return [u.replace("&amp;", "&") for u in re.findall(r'href="([^"]+)"', row)]


def listed(client, url: str) -> int:
    """The number of rows the admin list at ``url`` says it shows (its title's count), checked
    against the rows drawn (one page: the lists here are short)."""
    html = client.get(url).get_data(as_text=True)
    count = int(re.search(r"列表 \((\d+)\)", html).group(1))
    assert len(re.findall(r'<td class="list-buttons-column">', html)) == count, url
    return count


def move(application, step: str, action: str, at: datetime) -> None:
    db.session.add(ReviewRecord(application_id=application.id, step=step, action=action, created_at=at))
    db.session.commit()


def at(day: date, hour: int = 2) -> datetime:
    return datetime(day.year, day.month, day.day, hour, tzinfo=timezone.utc)


# --------------------------------------------------------------------------- applications per step

def test_applications_per_step_counted_named_scoped_and_linked(app):
    for _ in range(2):
        at_step("xuzhou", "recommend", status="submitted")
    at_step("xuzhou", "decide")
    at_step("xuzhou", "decide", status="rejected")  # decided: at no step any more
    at_step("xuzhou", "public_notice", status="under_notice")  # 公示 is a step too
    at_step("kunming", "district_review", status="submitted")
    officer = make_user("officer", ["xuzhou"])
    client = signed_in(app, officer)
    html = dashboard(client)
    steps = table(html, "table-steps")
    found = {(c[2], c[3]): int(c[4]) for c in map(cells, rows(steps))}
    recommend = labels.step_name("xuzhou", XUZHOU_KEY, "recommend")
    decide = labels.step_name("xuzhou", XUZHOU_KEY, "decide")
    notice = labels.step_name("xuzhou", XUZHOU_KEY, "public_notice")
    assert found == {(recommend, labels.status_label("submitted")): 2, (decide, labels.status_label("in_review")): 1,
                     (notice, labels.status_label("under_notice")): 1}
    assert "县（市）区科技主管部门初审和实地查验" not in steps  # 昆明's step: not his
    # the chart beside it
    assert 'id="chart-steps"' in html and 'src="/admin/glance/steps.svg"' in html
    # each number leads to the list of exactly those applications (the list's step filter, issue 20)
    for row in rows(steps):
        [url] = links(row)
        assert listed(client, url) == int(cells(row)[4])


def test_a_kunming_officer_sees_no_xuzhou_figure(app):
    at_step("xuzhou", "recommend", status="submitted")
    xuzhou_fund = SupportFund(jurisdiction="xuzhou", year=2026, name="徐州市众创空间奖补资金", amount_cny=20_000_000,
                              source="policy", citation={})
    db.session.add(xuzhou_fund)
    db.session.commit()
    make_title("xuzhou", granted_on=date(2025, 5, 1))
    html = dashboard(signed_in(app, make_user("officer", ["kunming"])))
    assert rows(table(html, "table-steps")) == [] and rows(table(html, "table-titles")) == []
    assert 'id="money-xuzhou"' not in html and 'id="money-kunming"' in html
    assert f"/admin/funds/{xuzhou_fund.id}" not in html and "20,000,000" not in html
    assert labels.step_name("xuzhou", XUZHOU_KEY, "recommend") not in html


# --------------------------------------------------------------------------- time in each step

def test_time_in_each_step_median_and_mean_of_the_stays_ended_this_year(app):
    start = date(2026, 1, 5)
    first, second, old = (at_step("xuzhou", "public_notice") for _ in range(3))
    move(first, "recommend", "submit", at(start))
    move(first, "recommend", "approve", at(start + timedelta(days=3)))       # 3 days at 推荐
    move(first, "expert_review", "conclude_expert_review", at(start + timedelta(days=10)))  # 7 at 评审
    move(first, "decide", "approve", at(start + timedelta(days=11), 1))       # 23 hours: 0 whole days
    move(second, "recommend", "submit", at(start))
    move(second, "recommend", "return", at(start + timedelta(days=2)))        # 2 days, then the applicant's
    move(second, "recommend", "resubmit", at(start + timedelta(days=30)))     # the applicant's wait: no stay
    move(second, "recommend", "approve", at(start + timedelta(days=39)))      # 9 days
    move(old, "recommend", "submit", at(date(2024, 1, 5)))
    move(old, "recommend", "approve", at(date(2024, 12, 1)))                  # ended before the last 12 months
    html = dashboard(signed_in(app, make_user("leader", ["xuzhou"])))
    found = {c[2]: c[3:] for c in map(cells, rows(table(html, "table-durations")))}
    name = lambda code: labels.step_name("xuzhou", XUZHOU_KEY, code)  # noqa: E731
    assert found == {name("recommend"): ["3", "3.0", "4.7"],   # 3, 2, 9 days: median 3, mean 4.67
                     name("expert_review"): ["1", "7.0", "7.0"],
                     name("decide"): ["1", "0.0", "0.0"]}
    assert 'src="/admin/glance/durations.svg"' in html


def test_median_of_an_even_number_of_stays_is_the_mean_of_the_middle_two():
    assert glance._median([(1, 1), (4, 1)]) == 2.5
    assert glance._median([(2, 3), (10, 1)]) == 2
    assert glance._median([(5, 1)]) == 5


# --------------------------------------------------------------------------- titles per year and level

def test_titles_per_year_and_level_linked_to_exactly_those_titles(app):
    for day in (date(2024, 6, 1), date(2024, 12, 31)):
        make_title("xuzhou", granted_on=day)
    make_title("xuzhou", granted_on=date(2025, 1, 1))
    make_title("xuzhou", granted_on=date(2025, 3, 1), status="revoked", revoked_on=date(2026, 1, 5))
    make_title("yunnan", granted_on=date(2025, 4, 1))  # provincial
    make_title("xuzhou", granted_on=date(2016, 12, 31))  # more than ten years ago: not shown
    client = signed_in(app, make_user("admin"))
    html = dashboard(client)
    titles = table(html, "table-titles")
    found = {(c[0], c[1]): int(c[2]) for c in map(cells, rows(titles))}
    municipal, provincial = labels.recognition_level_label("municipal"), labels.recognition_level_label("provincial")
    assert found == {("2024", municipal): 2, ("2025", municipal): 2, ("2025", provincial): 1}
    for row in rows(titles):
        [url] = links(row)
        assert url.startswith("/admin/recognition/?flt0_") and listed(client, url) == int(cells(row)[2])
    # an officer of 徐州 sees his own titles only
    html = dashboard(signed_in(app, make_user("officer", ["xuzhou"])))
    assert {(c[0], c[1]): int(c[2]) for c in map(cells, rows(table(html, "table-titles")))} == {
        ("2024", municipal): 2, ("2025", municipal): 2}


# --------------------------------------------------------------------------- money against the fund

def test_money_committed_and_paid_against_the_fund_of_the_year(app):
    title = make_title("xuzhou", granted_on=date(2025, 6, 1))
    fund = SupportFund(jurisdiction="xuzhou", year=2026, name="徐州市众创空间奖补资金", amount_cny=1_000_000,
                       source="bureau", citation={})
    last_year = SupportFund(jurisdiction="xuzhou", year=2025, name="上年资金", amount_cny=5_000_000, source="bureau",
                            citation={})
    db.session.add_all([fund, last_year])
    db.session.commit()
    common = dict(recognition_id=title.id, space_id=title.space_id, year=2025, jurisdiction="xuzhou",
                  rule_code="xuzhou.rule", kind="奖补", amount_cny=100_000, citation={})
    db.session.add_all([
        SubsidyEntitlement(**common, status="approved", approved_amount_cny=90_000, fund_id=fund.id),
        SubsidyEntitlement(**common, status="paid", approved_amount_cny=50_000, paid_amount_cny=45_000,
                           fund_id=fund.id),
        SubsidyEntitlement(**common, status="cancelled", approved_amount_cny=70_000, fund_id=fund.id),
        SubsidyEntitlement(**common, status="pending"),
        SubsidyEntitlement(**common, status="approved", approved_amount_cny=1_000, fund_id=last_year.id),
    ])
    db.session.commit()
    client = signed_in(app, make_user("leader", ["xuzhou", "kunming"]))
    html = dashboard(client)
    money = table(html, "table-money")
    row = re.search(r'id="money-xuzhou">(.*?)</tr>', money, re.S).group(1)
    assert cells(row)[1:] == ["1,000,000", "90,000", "45,000", "865,000"]
    assert set(links(row)) == {f"/admin/funds/{fund.id}"}  # the fund's page lists what is charged to it
    assert client.get(f"/admin/funds/{fund.id}").status_code == 200
    kunming = re.search(r'id="money-kunming">(.*?)</tr>', money, re.S).group(1)
    assert links(kunming) == ["/admin/funds/"]  # no fund this year: where one is registered
    assert 'src="/admin/glance/money.svg"' in html


# --------------------------------------------------------------------------- overdue

# entered on 2026-03-02 in Beijing: at 10:00, and at 01:00 — still 1 March in UTC, as stored (the bound is
# compared in UTC: SQLite compares the timestamps' text)
@pytest.mark.parametrize("entered", [at(date(2026, 3, 2), 2), at(date(2026, 3, 1), 17)], ids=["10h", "01h"])
@pytest.mark.parametrize("day,late", [(date(2026, 3, 9), 0), (date(2026, 3, 10), 1)])
def test_overdue_steps_follow_the_to_do_lists_rule(app, day, late, entered):
    """The 5-working-day limit of core.notify.todos: entered on 2026-03-02, due 2026-03-09, late the day after."""
    set_bureau_setting("xuzhou", bureau_data.STEP_TIME_LIMIT, 5)
    waiting = at_step("xuzhou", "decide")
    waiting.submitted_on = date(2026, 2, 27)  # submitted before, moved to 决定 on 2 March
    move(waiting, "decide", "approve", entered)
    at_step("xuzhou", "decide", status="rejected")  # decided: never late
    make_application("kunming", "comprehensive_service", status="in_review", current_step="district_review",
                     submitted_on=date(2026, 1, 5))  # 昆明 has no limit
    clock.freeze(day)
    admin = signed_in(app, make_user("admin"))
    html = dashboard(admin)
    overdue = table(html, "table-overdue")
    assert [cells(r) for r in rows(overdue)] == [[labels.jurisdiction_label("xuzhou"), "2026-03-02" if late else "2026-03-01",
                                                  str(late)]]
    # the number leads to the list of exactly the late applications (the list's 超期 filter)
    [url] = links(rows(overdue)[0])
    page = admin.get(url).get_data(as_text=True)
    assert page.count('<td class="list-buttons-column">') == late
    assert (f'class="action-checkbox" value="{waiting.id}"' in page) is bool(late)
    # the to-do list says the same of the leader who acts on it
    leader = dashboard(signed_in(app, make_user("leader", ["xuzhou"])))
    assert ("zc-overdue" in leader) is bool(late)


# --------------------------------------------------------------------------- the charts

@pytest.mark.parametrize("kind", ["steps", "durations", "titles", "money"])
def test_charts_are_svg_without_script_or_address(app, kind):
    make_title("xuzhou", granted_on=date(2025, 6, 1))
    application = at_step("xuzhou", "decide")
    move(application, "recommend", "approve", at(date(2026, 1, 5)))
    move(application, "decide", "approve", at(date(2026, 2, 5)))
    client = signed_in(app, make_user("officer", ["xuzhou"]))
    response = client.get(f"/admin/glance/{kind}.svg")
    assert response.status_code == 200 and response.mimetype == "image/svg+xml"
    assert response.headers["Content-Security-Policy"] == "default-src 'none'; style-src 'unsafe-inline'"
    body = response.get_data(as_text=True)
    assert body.lstrip().startswith(("<?xml", "<svg")) and "<script" not in body.lower() and "<!--" not in body
    assert set(re.findall(r"https?://[^\s\"'<>)]+", body)) <= SVG_NAMESPACES
    if kind in ("steps", "titles"):  # numbers of things: marked in whole numbers (pygal would say 0.2, 0.4 …)
        assert not re.search(r"<text[^>]*>\d+\.\d+</text>", body)


def test_charts_only_for_the_bureau_and_only_known_kinds(app):
    officer = signed_in(app, make_user("officer", ["xuzhou"]))
    assert officer.get("/admin/glance/nothing.svg").status_code == 404
    recommender = signed_in(app, make_user("recommender", ["xuzhou"]))
    assert recommender.get("/admin/glance/steps.svg").status_code == 404
    assert 'id="glance"' not in dashboard(recommender)


def test_list_url_finds_each_filter_where_the_view_lists_it(app):
    with app.test_request_context():
        view = glance._model_view("application")
        names = [glance._msgid(f.name) for f in view._filters]
        url = glance.list_url("application", jurisdiction="xuzhou", status="submitted")
        assert url == (f"/admin/application/?flt0_{names.index('Jurisdiction')}=xuzhou"
                       f"&flt1_{names.index('Status')}=submitted")
        assert glance.list_url("application", no_such_filter="x") is None


# --------------------------------------------------------------------------- migration 0022

def test_dashboard_indexes_come_with_0022_and_go_with_its_downgrade(migrating_app):
    from flask_migrate import downgrade, upgrade
    from sqlalchemy import inspect

    def indexes(table: str) -> dict[str, list[str]]:
        return {ix["name"]: ix["column_names"] for ix in inspect(db.engine).get_indexes(table)}

    upgrade()
    assert indexes("review_records")["ix_review_records_moves"] == ["application_id", "created_at", "id", "action",
                                                                    "step"]
    assert indexes("review_records")["ix_review_records_created_at"] == ["created_at"]
    assert "ix_review_records_application_id" not in indexes("review_records")  # led by application_id: replaced
    assert "ix_applications_waiting" in indexes("applications") and "ix_recognitions_granted" in indexes("recognitions")
    assert indexes("applications")["ix_applications_scope"] == ["id", "jurisdiction", "status", "category"]
    downgrade(revision="0021_public")
    assert "ix_review_records_moves" not in indexes("review_records")
    assert "ix_review_records_application_id" in indexes("review_records")
    assert "ix_applications_waiting" not in indexes("applications") and "ix_applications_scope" not in indexes("applications")
    upgrade()
    assert "ix_review_records_moves" in indexes("review_records")
