"""A year's holiday arrangement, entered in one go and marked complete (CONTRACTS §3).

A year counts as known only when the calendar package carries it, or when the bureau has
entered its arrangement and marked it complete; single days never make it known.  The
operation (core.bureau.operations.set_calendar_year), the admin page (/admin/calendar/, real HTTP,
CSRF on) and the warning on the notice desk, on a real database.
"""
from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select

from core.notice import publication as public_notice

from core.bureau import data as bureau_data
from core.bureau import operations as bureau_operations
from core.cli import cli
from core.platform.extensions import db
from core.platform.models import AuditEvent, CalendarDay, CalendarYear
from core.bureau.setting_checks import SettingsError
from tests.notice_helpers import at_step, logged_in, officer, plain, published, set_today, token_of
from tests.factories import make_user

D = date.fromisoformat
NOTICE_2027 = "国务院办公厅关于2027年部分节假日安排的通知"


def days_of(year: int) -> dict[str, bool]:
    rows = db.session.scalars(select(CalendarDay).where(
        CalendarDay.day >= date(year, 1, 1), CalendarDay.day <= date(year, 12, 31))).all()
    return {r.day.isoformat(): r.is_workday for r in rows}


def events(action: str) -> list[AuditEvent]:
    return db.session.scalars(select(AuditEvent).where(AuditEvent.action == action)).all()


# --- the operation ------------------------------------------------------------------------


def test_a_year_entered_in_one_go_replaces_its_earlier_days_and_is_audited(app):
    bureau_operations.set_calendar_day(D("2027-01-04"), False, note="误录")
    bureau_operations.set_calendar_day(D("2028-01-03"), False)  # another year: untouched
    bureau_operations.set_calendar_year(2027, rest_days=[(D("2027-02-09"), "春节调休"), (D("2027-02-10"), "春节调休")],
                                        workdays=[(D("2027-02-20"), "春节调休上班")], complete=True, document=NOTICE_2027)
    assert days_of(2027) == {"2027-02-09": False, "2027-02-10": False, "2027-02-20": True}
    assert days_of(2028) == {"2028-01-03": False}
    assert db.session.get(CalendarYear, 2027).complete is True
    cal = bureau_data.calendar()
    assert cal.knows_year(2027) and not cal.knows_year(2028)
    (event,) = events("calendar_year.set")
    assert event.object_id == "2027"
    assert event.detail["old_days"] == {"2027-01-04": False}
    assert event.detail["days"] == {"2027-02-09": False, "2027-02-10": False, "2027-02-20": True}
    assert (event.detail["old_complete"], event.detail["complete"]) == (None, True)


def test_unmarking_a_year_makes_it_unknown_again(app):
    bureau_operations.set_calendar_year(2027, rest_days=[], workdays=[], complete=True, document=NOTICE_2027)
    bureau_operations.set_calendar_year(2027, rest_days=[], workdays=[], complete=False)
    assert not bureau_data.calendar().knows_year(2027)
    assert [e.detail["complete"] for e in events("calendar_year.set")] == [True, False]


@pytest.mark.parametrize(("kwargs", "key"), [
    ({"year": 1999}, "year"),
    ({"year": 2101}, "year"),
    ({"rest_days": [(D("2028-01-03"), None)]}, "rest_days"),  # a day of another year
    ({"workdays": [(D("2026-12-31"), None)]}, "workdays"),
    ({"rest_days": [(D("2027-02-20"), None)], "workdays": [(D("2027-02-20"), None)]}, "workdays"),  # both ways
    ({"complete": True, "document": "  "}, "document"),  # complete needs the notice it follows
    ({"complete": "yes"}, "complete"),
])
def test_refused_arrangements_write_nothing(app, kwargs, key):
    bureau_operations.set_calendar_day(D("2027-01-04"), False)
    wanted = {"year": 2027, "rest_days": [], "workdays": [], "complete": False, "document": None} | kwargs
    year = wanted.pop("year")
    with pytest.raises(SettingsError) as refused:
        bureau_operations.set_calendar_year(year, **wanted)
    assert refused.value.key == key
    db.session.rollback()
    assert days_of(2027) == {"2027-01-04": False}
    assert db.session.scalar(select(func.count()).select_from(CalendarYear)) == 0
    assert events("calendar_year.set") == []


def test_years_2000_and_2100_are_the_bounds_accepted(app):
    bureau_operations.set_calendar_year(2000, rest_days=[], workdays=[], complete=False)
    bureau_operations.set_calendar_year(2100, rest_days=[], workdays=[], complete=False)
    assert {r.year for r in db.session.scalars(select(CalendarYear))} == {2000, 2100}


def test_parse_calendar_lines_reads_days_ranges_and_notes():
    text = "2027-02-09 春节调休\n\n2027-02-10~2027-02-11 春节调休\n 2027-04-06 \n2027-05-03～2027-05-03"
    assert bureau_operations.parse_calendar_lines(text, "rest_days") == [
        (D("2027-02-09"), "春节调休"), (D("2027-02-10"), "春节调休"), (D("2027-02-11"), "春节调休"),
        (D("2027-04-06"), None), (D("2027-05-03"), None)]


@pytest.mark.parametrize(("text", "words"), [
    ("2027-02-30", ["第 1 行", "2027-02-30"]),
    ("2027-02-09\n二月九日", ["第 2 行", "二月九日"]),
    ("2027-02-11~2027-02-09", ["第 1 行", "不合理"]),
    ("2027-01-01~2027-03-01", ["第 1 行", "不合理"]),  # more than a month: a typing error
])
def test_parse_calendar_lines_names_the_bad_line(text, words):
    with pytest.raises(SettingsError) as refused:
        bureau_operations.parse_calendar_lines(text, "workdays")
    assert refused.value.key == "workdays"
    for word in words:
        assert word in refused.value.message


# --- the admin page -----------------------------------------------------------------------


def test_admin_enters_2027_on_the_page_and_the_year_becomes_known(app, monkeypatch):
    set_today(monkeypatch, D("2026-12-03"))
    client = logged_in(app, make_user("admin"))
    index = plain(client.get("/admin/calendar/").get_data(as_text=True))
    assert "2027年" in index or "2027" in index
    page = client.get("/admin/calendar/2027")
    assert page.status_code == 200
    text = plain(page.get_data(as_text=True))
    for shown in ("2027-02-05", "春节（除夕）", "2027-04-05", "清明节", "2027-09-15", "中秋节", "全国年节及纪念日放假办法"):
        assert shown in text
    response = client.post("/admin/calendar/2027", data={
        "csrf_token": token_of(client, "/admin/calendar/2027"),
        "rest_days": "2027-02-09~2027-02-11 春节调休", "workdays": "2027-02-20 春节调休上班\n2027-02-21",
        "document": NOTICE_2027, "complete": "1"})
    assert response.status_code == 302
    assert days_of(2027) == {"2027-02-09": False, "2027-02-10": False, "2027-02-11": False,
                             "2027-02-20": True, "2027-02-21": True}
    assert bureau_data.calendar().knows_year(2027)
    again = client.get("/admin/calendar/2027").get_data(as_text=True)
    assert "2027-02-09 春节调休" in again and 'checked' in again  # the form shows what is stored
    assert len(events("calendar_year.set")) == 1


def test_a_bad_line_keeps_what_was_typed_and_says_where(app):
    client = logged_in(app, make_user("admin"))
    typed = "2027-02-09 春节调休\n2027-02-30 写错的日期"
    response = client.post("/admin/calendar/2027", data={
        "csrf_token": token_of(client, "/admin/calendar/2027"), "rest_days": typed, "workdays": "",
        "document": "", "complete": "1"})
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert 'id="rest_days-error"' in html and "第 2 行" in html
    assert "2027-02-30 写错的日期" in html  # kept
    assert days_of(2027) == {} and events("calendar_year.set") == []


def test_complete_without_the_notice_is_refused_next_to_the_field(app):
    client = logged_in(app, make_user("admin"))
    response = client.post("/admin/calendar/2027", data={
        "csrf_token": token_of(client, "/admin/calendar/2027"), "rest_days": "2027-02-09", "workdays": "",
        "document": "", "complete": "1"})
    assert response.status_code == 400
    assert 'id="document-error"' in response.get_data(as_text=True)
    assert not bureau_data.calendar().knows_year(2027)


def test_post_without_csrf_is_refused(app):
    client = logged_in(app, make_user("admin"))
    response = client.post("/admin/calendar/2027", data={"rest_days": "", "workdays": "", "complete": "1",
                                                         "document": NOTICE_2027})
    assert response.status_code == 400
    assert db.session.get(CalendarYear, 2027) is None


@pytest.mark.parametrize("role", ["officer", "leader"])
def test_staff_read_the_arrangement_but_only_the_admin_enters_it(app, role):
    """The calendar is national: it moves every jurisdiction's periods, so the provincial admin keeps it."""
    client = logged_in(app, make_user(role, ("kunming",)))
    assert client.get("/admin/calendar/").status_code == 200
    page = client.get("/admin/calendar/2027").get_data(as_text=True)
    assert 'name="rest_days"' in page and "disabled" in page
    admin_client = logged_in(app, make_user("admin"))
    token = token_of(admin_client, "/admin/calendar/2027")
    assert client.post("/admin/calendar/2027", data={"csrf_token": token, "rest_days": "", "workdays": "",
                                                     "document": NOTICE_2027, "complete": "1"}).status_code in (400, 403)
    assert db.session.get(CalendarYear, 2027) is None


@pytest.mark.parametrize("role", ["applicant", "expert", "recommender"])
def test_other_roles_cannot_open_the_calendar(app, role):
    client = logged_in(app, make_user(role, () if role == "applicant" else ("kunming",)))
    assert client.get("/admin/calendar/").status_code in (302, 403)
    assert client.get("/admin/calendar/2027").status_code in (302, 403)


@pytest.mark.parametrize(("typed", "status"), [("2027", 302), ("1999", 302), ("二〇二七", 302), ("", 302)])
def test_the_year_box_opens_a_year_or_says_what_is_wrong(app, typed, status):
    client = logged_in(app, make_user("admin"))
    response = client.get(f"/admin/calendar/go?year={typed}")
    assert response.status_code == status
    assert response.headers["Location"].endswith("/admin/calendar/2027" if typed == "2027" else "/admin/calendar/")


# --- the notice desk ----------------------------------------------------------------------


def test_notice_desk_warns_when_todays_period_runs_into_an_unknown_year(app, monkeypatch):
    """昆科发〔2017〕55号 第十一条 (7 天) published 2026-12-25 runs into 2027: the desk says so."""
    set_today(monkeypatch, D("2026-12-25"))
    at_step("kunming")
    client = logged_in(app, officer("kunming"))
    html = client.get("/admin/notices/").get_data(as_text=True)
    text = plain(html)
    assert 'id="upcoming-kunming"' in html
    assert "2026-12-26" in text and "2027-01-04" in text and "调休" in text
    bureau_operations.set_calendar_year(2027, rest_days=[], workdays=[], complete=True, document=NOTICE_2027)
    assert 'id="upcoming-kunming"' not in client.get("/admin/notices/").get_data(as_text=True)


def test_notice_desk_is_quiet_for_a_period_within_a_known_year(app, monkeypatch):
    set_today(monkeypatch, D("2026-12-20"))  # 7 days end on 2026-12-28
    at_step("kunming")
    client = logged_in(app, officer("kunming"))
    assert 'id="upcoming-kunming"' not in client.get("/admin/notices/").get_data(as_text=True)


# --- open notices follow the calendar entered after their publication ---------------------


def test_entering_the_year_lengthens_an_open_notice_and_says_so(app, monkeypatch):
    """民法典 第203条: a 昆明 notice published 2026-12-25 ends 2027-01-04 on the law's holidays alone;
    when the 2027 arrangement makes 01-04 a rest day, the open notice runs to 01-05."""
    set_today(monkeypatch, D("2026-12-28"))
    notice, _, _ = published("kunming", D("2026-12-25"))
    assert notice.last_day == D("2027-01-04")
    client = logged_in(app, make_user("admin"))
    response = client.post("/admin/calendar/2027", data={
        "csrf_token": token_of(client, "/admin/calendar/2027"), "rest_days": "2027-01-04 元旦调休",
        "workdays": "", "document": NOTICE_2027, "complete": "1"}, follow_redirects=True)
    assert "2027-01-05" in plain(response.get_data(as_text=True))
    db.session.refresh(notice)
    assert notice.last_day == D("2027-01-05")
    (event,) = events("notice.lengthen")
    assert (event.detail["old_last_day"], event.detail["last_day"]) == ("2027-01-04", "2027-01-05")


def test_tick_lengthens_instead_of_closing_then_closes_after_the_new_last_day(app):
    notice, applications, _ = published("kunming", D("2026-12-25"))
    bureau_operations.set_calendar_day(D("2027-01-04"), False, note="元旦调休")  # entered after publication
    runner = app.test_cli_runner()
    result = runner.invoke(cli, ["tick", "--today", "2027-01-05"])
    assert result.exit_code == 0, result.stderr
    assert "lengthened notice" in result.stdout and "2027-01-05" in result.stdout
    db.session.refresh(notice)
    assert (notice.status, notice.last_day) == ("open", D("2027-01-05"))
    result = runner.invoke(cli, ["tick", "--today", "2027-01-06"])
    db.session.refresh(notice)
    assert notice.status == "closed"
    assert len(events("notice.lengthen")) == 1


def test_a_published_period_is_never_shortened(app):
    bureau_operations.set_calendar_day(D("2027-01-04"), False)
    notice, _, _ = published("kunming", D("2026-12-25"))
    assert notice.last_day == D("2027-01-05")
    bureau_operations.set_calendar_day(D("2027-01-04"), True)  # the entry is corrected away
    assert public_notice.lengthen_open_notices() == []
    db.session.refresh(notice)
    assert notice.last_day == D("2027-01-05")
    assert events("notice.lengthen") == []
