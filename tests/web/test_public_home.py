"""The public home ``/`` (issue 13): anyone, without an account, finds the notices under
公示 there and from the login page, and every objection gets a receipt number
(受理回执号, ``YY-YYYYMMDD-NNNN``, docs/notices.md) shown to the objector on submission
and to the officers with the objection.  Real HTTP with CSRF, real database."""
from __future__ import annotations

import re
from datetime import date

import pytest
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from core.notice import publication as public_notice
from core.platform.extensions import db
from core.platform.models import AuditEvent, Objection
from tests.factories import login, make_org, make_user
from tests.notice_helpers import logged_in, officer, plain, published, set_today, token_of

RECEIPT = re.compile(r"YY-\d{8}-\d{4,}")


def test_anonymous_home_lists_the_notices_and_links_to_sign_in(app, monkeypatch):
    set_today(monkeypatch, date(2026, 9, 28))
    notice, _, _ = published("kunming", date(2026, 9, 24))
    client = app.test_client()
    response = client.get("/")
    assert response.status_code == 200  # no longer sent to the login page
    html = response.get_data(as_text=True)
    assert notice.title in html and f'href="/notices/{notice.id}"' in html
    assert "公示" in html and "受理异议中" in plain(html)
    assert 'href="/login"' in html and 'id="login-link"' in html
    assert 'href="/notices/"' in html
    assert 'id="go-admin"' not in html and 'id="go-portal"' not in html


def test_home_without_notices_says_so(app):
    """Per enabled jurisdiction (core.public.home): each section says it has no notice."""
    html = app.test_client().get("/").get_data(as_text=True)
    for code in ("mile", "kunming", "yunnan", "xuzhou"):
        assert f'id="no-notices-{code}"' in html
    assert "目前没有公示" in html


def test_login_page_links_to_the_notices(app):
    html = app.test_client().get("/login").get_data(as_text=True)
    assert 'id="notices-link"' in html and 'href="/notices/"' in html and "公示" in html


def test_signed_in_users_reach_their_home_from_it(app):
    applicant = app.test_client()
    login(applicant, make_user("applicant", organisation=make_org(), name="申报人乙"))
    html = applicant.get("/").get_data(as_text=True)
    assert "申报人乙" in html and 'id="go-portal"' in html and 'href="/portal/"' in html
    assert 'id="login-link"' not in html
    staff = logged_in(app, officer("kunming"))
    html = staff.get("/").get_data(as_text=True)
    assert 'id="go-admin"' in html and 'href="/admin/"' in html and 'id="go-portal"' not in html


def test_receipt_number_format_and_width():
    assert public_notice.receipt_number(date(2026, 9, 28), 7) == "YY-20260928-0007"
    assert public_notice.receipt_number(date(2026, 9, 28), 9999) == "YY-20260928-9999"
    assert public_notice.receipt_number(date(2026, 10, 1), 10000) == "YY-20261001-10000"  # never cut


def _object(client, notice, address, name="张三"):
    data = {"name": name, "contact": "13900001111", "content": "该空间面积与申报不符",
            "csrf_token": token_of(client, f"/notices/{notice.id}")}
    return client.post(f"/notices/{notice.id}/objections", data=data, content_type="multipart/form-data",
                       environ_base={"REMOTE_ADDR": address})


def test_objector_sees_a_unique_receipt_and_the_officer_sees_it_too(app, monkeypatch):
    set_today(monkeypatch, date(2026, 9, 28))  # inside 2026-09-25 … 10-08 (昆科发〔2017〕55号 第十一条)
    notice, _, user = published("kunming", date(2026, 9, 24))
    first, second = app.test_client(), app.test_client()
    response = _object(first, notice, "10.2.0.1")
    assert response.status_code == 302
    shown = first.get(response.location).get_data(as_text=True)
    objection = db.session.scalars(select(Objection)).one()
    assert objection.receipt_number == f"YY-20260928-{objection.id:04d}"
    assert objection.receipt_number in shown and "回执号" in shown
    assert _object(second, notice, "10.2.0.2", name="李四").status_code == 302
    numbers = db.session.scalars(select(Objection.receipt_number).order_by(Objection.id)).all()
    assert len(numbers) == 2 and len(set(numbers)) == 2 and all(RECEIPT.fullmatch(n) for n in numbers)
    # The number is written in the (append-only) audit event of the filing.
    events = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "objection.file")).all()
    assert sorted(e.detail["receipt_number"] for e in events) == sorted(numbers)
    # The officer sees each number with its objection.
    html = logged_in(app, user).get(f"/admin/notices/{notice.id}").get_data(as_text=True)
    for number in numbers:
        assert number in html
    assert "回执号" in html


def test_receipt_numbers_are_unique_in_the_database(app, monkeypatch):
    notice, _, _ = published("kunming", date(2026, 9, 24))
    objection = public_notice.file_objection(notice, name="王五", contact="w@example.cn", content="异议",
                                             today=date(2026, 9, 28), client_address="10.3.0.1")
    db.session.add(Objection(notice_id=notice.id, name="x", contact="y", content="z",
                             receipt_number=objection.receipt_number))
    with pytest.raises(IntegrityError):
        db.session.flush()
    db.session.rollback()


# --- issue 20: the home per jurisdiction (core.public.home) ----------------------------------------

def _call(code: str, title: str, opens_on: date, closes_on: date, published: bool = True):
    from core.platform.models import Call

    call = Call(jurisdiction=code, title=title, opens_on=opens_on, closes_on=closes_on, categories=[],
                published=published)
    db.session.add(call)
    db.session.commit()
    return call


def _section(html: str, code: str) -> str:
    match = re.search(rf'<section[^>]*id="home-{code}">(.*?)</section>', html, re.S)
    assert match, code
    return match.group(1)


def test_the_home_shows_per_jurisdiction_titles_open_calls_and_the_disclosure(app, monkeypatch):
    from tests.factories import make_space, make_title

    set_today(monkeypatch, date(2026, 9, 28))
    titles = [make_title("kunming", make_space(make_org(region="530102"), f"昆明空间{n}", region="530102"),
                         granted_on=date(2020 + n, 1, 1)) for n in range(6)]
    mile_title = make_title("mile")
    closing_today = _call("kunming", "今日截止的申报通知", date(2026, 9, 1), date(2026, 9, 28))
    upcoming = _call("kunming", "下月开始的申报通知", date(2026, 10, 10), date(2026, 11, 10))
    closed = _call("kunming", "昨日已截止的申报通知", date(2026, 9, 1), date(2026, 9, 27))
    draft = _call("kunming", "草稿申报通知", date(2026, 9, 1), date(2026, 12, 1), published=False)
    html = app.test_client().get("/").get_data(as_text=True)
    kunming = _section(html, "kunming")
    shown = [int(i) for i in re.findall(r'id="home-title-(\d+)"', kunming)]
    assert shown == [t.id for t in reversed(titles)][:5]  # the five newest, newest first
    assert f'id="home-title-{mile_title.id}"' in _section(html, "mile")
    assert 'href="/directory/?jurisdiction=kunming"' in kunming and "有效" in kunming
    assert f'href="/calls/{closing_today.id}"' in kunming and f'href="/calls/{upcoming.id}"' in kunming
    assert closed.title not in html and draft.title not in html  # closed yesterday; a draft
    assert kunming.index(closing_today.title) < kunming.index(upcoming.title)  # soonest to close first
    assert 'href="/public/support/kunming"' in kunming
    assert 'href="/directory/"' in html and 'href="/directory/verify"' in html and 'href="/login"' in html


def test_the_home_reads_four_statements_whatever_the_data(app, monkeypatch):
    from tests.conftest import sent_statements
    from tests.factories import make_space, make_title

    def statements() -> int:
        db.session.expunge_all()
        with sent_statements() as seen:
            assert app.test_client().get("/").status_code == 200
        return len(seen)

    set_today(monkeypatch, date(2026, 9, 28))
    statements()
    few = statements()
    published("kunming", date(2026, 9, 24), n=2)
    published("mile", date(2026, 9, 24))
    for code, region in (("kunming", "530102"), ("mile", "532504"), ("yunnan", "530302")):
        space = make_space(make_org(region=region), region=region)
        for n in range(8):
            make_title(code, space, granted_on=date(2020, 1, 1 + n))
            _call(code, f"通知{code}{n}", date(2026, 9, 1), date(2026, 12, 1 + n))
    many = statements()
    assert few == many == 4


def test_the_home_works_in_english(app):
    client = app.test_client()
    client.get("/lang/en")
    html = client.get("/").get_data(as_text=True)
    assert 'lang="en"' in html and "Public notices" in html and "Log in" in html


@pytest.mark.parametrize("path", ["/", "/notices/"])
def test_a_notice_not_yet_begun_is_not_said_open_for_objections(app, monkeypatch, path):
    from datetime import timedelta

    set_today(monkeypatch, date(2026, 9, 28))
    notice, _, _ = published("kunming", date(2026, 9, 24))
    client = app.test_client()
    set_today(monkeypatch, notice.first_day - timedelta(days=1))  # the day before its first day
    row = re.search(rf'<tr id="notice-{notice.id}">.*?</tr>|<tr>\s*<td><a href="/notices/{notice.id}".*?</tr>',
                    client.get(path).get_data(as_text=True), re.S).group(0)
    assert "尚未开始" in plain(row) and "受理异议中" not in plain(row)
    set_today(monkeypatch, notice.first_day)  # its first day: open
    row = re.search(rf'<tr id="notice-{notice.id}">.*?</tr>|<tr>\s*<td><a href="/notices/{notice.id}".*?</tr>',
                    client.get(path).get_data(as_text=True), re.S).group(0)
    assert "受理异议中" in plain(row)
