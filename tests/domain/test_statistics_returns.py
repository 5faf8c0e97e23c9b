"""Annual statistics returns (issue 16): one return per space and year, filed in the
bureau's window, checked by the right bureau, and 未填报 on both sides of the deadline.

The duty to file: 云科规〔2021〕1号 认定与管理 “管理” (每年应按照要求填报相关统计数据),
昆科发〔2017〕55号 第四条, 弥政办发〔2017〕5号 三（四）, 徐政发〔2016〕12号 五（五）.  The
deadline is the bureau's (no document sets one).
"""
from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from core.monitoring import forms, returns, titles, windows
from core.platform import clock
from core.platform.extensions import db
from core.platform.models import AuditEvent, StatisticsMiss
from tests.factories import make_space, make_title, make_user

GOOD = {"area_m2": 1200, "workstations": 80, "service_staff": 6, "mentors": 5, "teams_served": 12,
        "team_members": 40, "startups_served": 20, "startup_jobs": 150, "new_enterprises": 6, "financed": 3,
        "financing_total": "2500.5", "events": 30, "trainings": 12, "investment_events": 4,
        "income_total": 3000, "income_services": 1200, "income_rent": 900, "income_investment": 100,
        "income_subsidies": 500, "operating_cost": 2600, "ip_valid": 25, "invention_patents": 3,
        "graduated": 2, "listed": 0}


@pytest.fixture()
def officer(app):
    return make_user("officer", ["kunming"])


@pytest.fixture()
def window_2026(app, officer):
    clock.freeze(date(2027, 1, 10))
    return windows.open_window("kunming", 2026, date(2027, 1, 10), date(2027, 3, 31), officer)


def test_kunming_第四条_one_return_read_by_both_titles_checked_by_the_city(app, officer, window_2026):
    space = make_space(region="530102")
    make_title("kunming", space, date(2024, 6, 1))
    make_title("yunnan", space, date(2025, 6, 1))
    assert titles.titled_codes(space.id) == ["kunming", "yunnan"]  # the city first: it checks
    applicant = make_user("applicant", organisation_id=space.organisation_id)
    filed = returns.submit(space, 2026, GOOD, {}, applicant)
    assert filed.status == "submitted" and filed.checking_jurisdiction == "kunming"
    assert filed.data["financing_total"] == 2500.5
    # one row, audited for both bureaus that read it
    events = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "statistics.submitted")).all()
    assert sorted(e.jurisdiction for e in events) == ["kunming", "yunnan"]
    yunnan_officer = make_user("officer", ["yunnan"])
    assert not returns.may_check(yunnan_officer, filed)
    assert returns.may_check(officer, filed)
    returns.accept(filed, officer)
    assert filed.status == "accepted"


def test_errors_block_and_warnings_need_an_explanation(app, officer, window_2026):
    space = make_space(region="530102")
    make_title("kunming", space)
    applicant = make_user("applicant", organisation_id=space.organisation_id)
    bad = dict(GOOD, income_services=3000.01)  # 服务收入 above 总收入 by 0.01
    with pytest.raises(returns.ReturnRefused) as refused:
        returns.submit(space, 2026, bad, {}, applicant)
    assert [e.rule for e in refused.value.result.errors] == ["services_within_total", "income_parts_within_total"]
    assert returns.find(space.id, 2026) is None  # nothing written
    # equal is allowed (不能超过 includes the figure itself)
    equal = dict(GOOD, income_services=3000, income_rent=0, income_investment=0, income_subsidies=0)
    # last year's accepted figures: 5× as many teams asks for an explanation
    from core.platform.models import StatisticsReturn
    db.session.add(StatisticsReturn(space_id=space.id, year=2025, status="accepted", data=dict(GOOD, teams_served=2)))
    db.session.commit()
    with pytest.raises(returns.ReturnRefused) as refused:
        returns.submit(space, 2026, equal, {}, applicant)
    assert not refused.value.result.errors and [w.rule for w in refused.value.unexplained] == ["teams_growth"]
    filed = returns.submit(space, 2026, equal, {"teams_growth": "新增孵化楼层"}, applicant)
    assert filed.explanations == {"teams_growth": "新增孵化楼层"}
    # 11 teams after 2.2 would be 5×; 10.99 would not: the boundary of "5倍以上"
    assert returns.previous_values(space.id, 2026)["teams_served"] == 2


def test_a_draft_keeps_nothing_bad_and_the_window_must_be_open(app, officer):
    space = make_space(region="530102")
    make_title("kunming", space)
    applicant = make_user("applicant", organisation_id=space.organisation_id)
    clock.freeze(date(2027, 1, 5))
    with pytest.raises(returns.ReturnError):
        returns.save_draft(space, 2026, {"teams_served": 3}, {}, applicant)  # no window yet
    windows.open_window("kunming", 2026, date(2027, 1, 10), date(2027, 3, 31), officer)
    with pytest.raises(returns.ReturnError):
        returns.save_draft(space, 2026, {"teams_served": 3}, {}, applicant)  # opens on the 10th
    clock.freeze(date(2027, 1, 10))
    with pytest.raises(returns.FieldErrors) as bad:
        returns.save_draft(space, 2026, {"teams_served": "三", "mentors": "-1", "area_m2": "1.005"}, {}, applicant)
    assert bad.value.errors == {"teams_served": "应为数字", "mentors": "不能为负数", "area_m2": "最多保留两位小数"}
    assert returns.find(space.id, 2026) is None
    draft = returns.save_draft(space, 2026, {"teams_served": "3"}, {}, applicant)
    assert draft.status == "draft" and draft.data == {"teams_served": 3}


def test_prefill_from_last_year_else_from_the_space_facts(app):
    space = make_space(region="530102", facts={"total_area_m2": 800, "workstations": 50, "mentors": 4})
    make_title("kunming", space)
    form = returns.form_for_space(space.id, 2026)
    assert returns.prefill(space, 2026, form) == {"area_m2": 800, "workstations": 50, "mentors": 4}
    from core.platform.models import StatisticsReturn
    db.session.add(StatisticsReturn(space_id=space.id, year=2025, status="accepted", data={"teams_served": 9}))
    db.session.commit()
    assert returns.prefill(space, 2026, form) == {"teams_served": 9}


def test_yunnan_认定与管理_checked_by_the_region_bureau(app):
    clock.freeze(date(2027, 2, 1))
    province = make_user("officer", ["yunnan"])
    windows.open_window("yunnan", 2026, date(2027, 2, 1), date(2027, 3, 31), province)
    space = make_space(region="530302")  # 曲靖市麒麟区
    make_title("yunnan", space)
    assert forms.form_for("yunnan", 2026).checked_by == "region"
    filed = returns.submit(space, 2026, GOOD, {}, make_user("applicant", organisation_id=space.organisation_id))
    qujing = make_user("recommender", ["yunnan"], region_prefix="5303")
    kunming_region = make_user("recommender", ["yunnan"], region_prefix="5301")
    assert returns.may_check(qujing, filed) and not returns.may_check(kunming_region, filed)
    assert returns.visible_return(filed.id, kunming_region) is None
    assert returns.visible_return(filed.id, qujing) is not None
    with pytest.raises(returns.FieldErrors):
        returns.send_back(filed, "  ", qujing)
    returns.send_back(filed, "投融资总额与凭证不符", qujing)
    assert filed.status == "returned" and filed.return_reason == "投融资总额与凭证不符"


def test_late_list_and_未填报_on_both_sides_of_the_deadline(app, officer):
    clock.freeze(date(2027, 1, 10))
    windows.open_window("kunming", 2026, date(2027, 1, 10), date(2027, 3, 31), officer)
    filer, late, new = (make_space(region="530102") for _ in range(3))
    t_filer, t_late = make_title("kunming", filer), make_title("kunming", late)
    make_title("kunming", new, granted_on=date(2027, 1, 5))  # granted after 2026 ended: owes nothing for it
    returns.submit(filer, 2026, GOOD, {}, make_user("applicant", organisation_id=filer.organisation_id))
    clock.freeze(date(2027, 3, 31))  # the deadline day: 0 days left, not overdue
    rows = {r.title.id: r for r in windows.late_list("kunming", 2026)}
    assert set(rows) == {t_filer.id, t_late.id}
    assert (rows[t_late.id].days_left, rows[t_late.id].days_overdue) == (0, None)
    opened = windows.window("kunming", 2026)
    with pytest.raises(returns.ReturnError):
        windows.close_window(opened, officer)  # not on the deadline day
    clock.freeze(date(2027, 4, 1))
    assert (windows.late_list("kunming", 2026)[1].days_left, windows.late_list("kunming", 2026)[1].days_overdue) == (None, 1)
    with pytest.raises(returns.ReturnError, match="待审核"):
        windows.close_window(opened, officer)  # the filer's return waits for the bureau
    returns.accept(returns.find(filer.id, 2026), officer)
    assert windows.close_window(opened, officer) == 1
    miss = db.session.scalars(select(StatisticsMiss)).one()
    assert miss.recognition_id == t_late.id and not miss.excused
    assert windows.history(t_late) == [{"year": 2026, "filed": False, "excused": False}]
    assert windows.history(t_filer) == [{"year": 2026, "filed": True, "excused": False}]
    windows.excuse(miss, "疫情封控停业", officer)
    assert windows.history(t_late) == [{"year": 2026, "filed": False, "excused": True}]
    with pytest.raises(returns.ReturnError):
        returns.save_draft(late, 2026, {"teams_served": 1}, {}, make_user("applicant", organisation_id=late.organisation_id))



def _loaded(app, return_id: int, user_id: int):
    """Another browser's request: its own app context and session, holding the return as it is now."""
    from core.platform.models import StatisticsReturn, User

    ctx = app.app_context()
    ctx.push()
    return ctx, db.session.get(StatisticsReturn, return_id), db.session.get(User, user_id)


def test_two_officers_checking_at_once_one_decision_stands(app, officer, window_2026):
    """The second officer's copy predates the first's acceptance: refused in words ("已在其他页面修改"),
    never an error page, and the first decision stands."""
    space = make_space(region="530102")
    make_title("kunming", space)
    filed = returns.submit(space, 2026, GOOD, {}, make_user("applicant", organisation_id=space.organisation_id))
    filed_id, version = filed.id, filed.version
    colleague = make_user("officer", ["kunming"])
    late_ctx, late, late_actor = _loaded(app, filed_id, colleague.id)
    try:
        first_ctx, first, first_actor = _loaded(app, filed_id, officer.id)
        returns.accept(first, first_actor, version)
        db.session.remove()
        first_ctx.pop()
        with pytest.raises(returns.ReturnError, match="其他页面"):
            returns.send_back(late, "复核意见", late_actor, version)
    finally:
        db.session.remove()
        late_ctx.pop()
    db.session.expire_all()
    assert returns.find(space.id, 2026).status == "accepted"


def test_times_are_stored_in_utc_and_shown_as_the_bureaus_day(app, officer, window_2026):
    """Submitted at 23:30 in 昆明 (15:30 UTC): the page shows 23:30 of that day, on SQLite too
    (which keeps no time zone), and a window closed at 00:30 local time was closed that day."""
    from datetime import datetime

    from core.platform import labels

    space = make_space(region="530102")
    make_title("kunming", space)
    clock.freeze(datetime(2027, 1, 10, 23, 30, tzinfo=clock.ZONE))
    filed = returns.submit(space, 2026, GOOD, {}, make_user("applicant", organisation_id=space.organisation_id))
    db.session.expire_all()
    assert labels.local_datetime(returns.find(space.id, 2026).submitted_at).startswith("2027-01-10 23:30")
    returns.accept(returns.find(space.id, 2026), officer)
    clock.freeze(datetime(2027, 4, 2, 0, 30, tzinfo=clock.ZONE))
    opened = windows.window("kunming", 2026)
    windows.close_window(opened, officer)
    db.session.expire_all()
    assert windows.closed_on(windows.window("kunming", 2026)) == date(2027, 4, 2)
    assert filed.id
