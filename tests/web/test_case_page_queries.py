"""What the case page and the dashboard cost in statements (issue 15) — real HTTP, real
database, every statement the app sends counted as sent.

The case page of an application late in its life (timeline, expert scores, the leader's
meeting, a notice with an objection, the title) runs at most 16 statements and reads the
bureau's data (settings, versions, criteria) and the jurisdiction switches once; the
number does not grow with the timeline, the experts or the files.  The dashboard counts
every card in one grouped statement, and runs as many statements for 60 more
applications as before.  The per-request memo behind this sees a write made in the same
request (core.platform.request_memo).
"""
from __future__ import annotations

import re
from datetime import date, datetime, timedelta, timezone

import pytest
from sqlalchemy import func, insert, select

from core.bureau import data as bureau_data
from core.bureau import operations as bureau_operations
from core.demo import ADMIN_LOGIN, DEMO_PASSWORD, demo_login, load_demo
from core.platform import clock, jurisdictions
from core.platform.extensions import db
from core.accounts.scoping import application_criteria
from core.platform.models import (Application, Attachment, AuditEvent, BureauSetting, ExpertAssignment, ReviewRecord,
                                  Space, User)
from core.review import attendance, steps
from tests.conftest import sent_statements
from tests.factories import login, make_space, make_user

TODAY = date(2026, 11, 2)  # the demo's day: its recognised applications have every record a case gathers
CASE_LIMIT = 17  # issue 18: + the space's other titles (core.award.ladder.other_titles), one statement;
# issue 19: + the navbar's unread count (core.notify.inbox.unread_count), one COUNT
# The sign-in's own check, on every request of a staff member not enrolled in two-factor
# sign-in (core.accounts.two_factor.required): one key of bureau_settings, not the bureau's data.
TWO_FACTOR_CHECK = re.compile(r"SELECT bureau_settings\.value\s+FROM bureau_settings\s+WHERE bureau_settings\.\"?key\"? = ")


@pytest.fixture(autouse=True)
def today():
    clock.freeze(TODAY)


statements = sent_statements


def reading(sent: list[str], table: str) -> list[str]:
    return [s for s in sent if re.search(rf"\bFROM {table}\b", s)]


def signed_in(app, login_name: str):
    client = app.test_client()
    assert login(client, login_name, DEMO_PASSWORD).status_code == 302
    return client


def demo_case(name: str, code: str = "kunming") -> Application:
    return db.session.scalars(select(Application).join(Space).where(Space.name == name,
                                                                    Application.jurisdiction == code)).one()


def get(client, url: str) -> tuple[str, list[str]]:
    with statements() as sent:
        response = client.get(url)
    assert response.status_code == 200, url
    return response.get_data(as_text=True), sent


@pytest.fixture
def demo(app):
    load_demo()
    return app


# --------------------------------------------------------------------------- the case page

def test_case_page_of_a_recognised_application_in_at_most_16_statements(demo):
    case = demo_case("翠湖云创空间")  # 昆明, recognised: scores, meeting, notice and objection, title
    assert case.status == "recognised" and case.batch is not None
    client = signed_in(demo, demo_login("officer", "kunming"))
    html, sent = get(client, f"/admin/case/{case.id}")
    # the page as it was: the space, the organisation, every step passed, the timeline, the certificate
    assert case.space.name in html and case.organisation.name in html
    assert 'id="certificate-pdf"' in html and 'id="timeline"' in html
    events = db.session.scalar(select(func.count()).select_from(AuditEvent).where(
        AuditEvent.object_type == "Application", AuditEvent.object_id == str(case.id)))
    assert events >= 10 and len(re.findall(r"<tr", html.split('id="timeline"')[1])) > events
    assert len(sent) <= CASE_LIMIT, "\n".join(sent)
    # the bureau's data and the switches once: not once per caller
    for table in ("bureau_policy_versions", "bureau_criteria", "jurisdiction_settings"):
        assert len(reading(sent, table)) == 1, table
    settings = reading(sent, "bureau_settings")
    assert len([s for s in settings if not TWO_FACTOR_CHECK.search(s)]) == 1, settings
    assert len(settings) <= 2
    # the application with its space, organisation and batch's experts in one statement
    assert not reading(sent, "spaces") and not reading(sent, "organisations") and not reading(sent, "batches")


@pytest.mark.parametrize("name", ["滇池创客空间", "大学城创新工场", "碧鸡关科创空间"])
def test_case_page_in_every_demo_state_in_at_most_16_statements(demo, name):
    """Submitted (the stuck-step check runs), under notice (an open objection), returned."""
    case = demo_case(name)
    _, sent = get(signed_in(demo, demo_login("officer", "kunming")), f"/admin/case/{case.id}")
    assert len(sent) <= CASE_LIMIT, (case.status, "\n".join(sent))
    assert len(reading(sent, "bureau_criteria")) == 1 and len(reading(sent, "jurisdiction_settings")) == 1


def test_case_page_statements_do_not_grow_with_timeline_experts_and_files(demo):
    case = demo_case("翠湖云创空间")
    client = signed_in(demo, demo_login("officer", "kunming"))
    _, before = get(client, f"/admin/case/{case.id}")
    start = datetime(2026, 10, 1, tzinfo=timezone.utc)
    db.session.execute(insert(AuditEvent), [
        {"occurred_at": start + timedelta(minutes=n), "action": "workflow.approve", "object_type": "Application",
         "object_id": str(case.id), "jurisdiction": "kunming", "actor_name": f"经办人{n}", "detail": {}}
        for n in range(25)])
    experts = [make_user("expert", ("kunming",)) for _ in range(3)]
    for expert in experts:
        db.session.add(ExpertAssignment(batch_id=case.batch_id, expert_id=expert.id))
        db.session.add(ReviewRecord(application_id=case.id, step="expert_review", actor_id=expert.id,
                                    action="score", scores={"总分": 80}, judgements={}))
    for n in range(4):
        db.session.add(Attachment(application_id=case.id, material=f"extra_{n}", original_name=f"附件{n}.pdf",
                                  stored_name=f"case-queries-{case.id}-{n}", sha256="0" * 64, size=1000,
                                  content_type="application/pdf"))
    db.session.commit()
    html, after = get(client, f"/admin/case/{case.id}")
    # the new rows are on the page: the scorers, the files, the events
    assert all(e.name in html for e in experts) and "附件3.pdf" in html and "经办人24" in html
    assert len(after) == len(before), "\n".join(after)


# --------------------------------------------------------------------------- the per-request memo

def test_memo_reads_once_and_sees_a_write_in_the_same_request(demo):
    with demo.test_request_context():
        with statements() as sent:
            first = bureau_data.load_bureau_data("kunming")
            assert bureau_data.load_bureau_data("kunming") is first
            jurisdictions.enabled_codes(), jurisdictions.enabled_codes()
        assert len(reading(sent, "bureau_settings")) == 1 and len(reading(sent, "jurisdiction_settings")) == 1
        assert "notice_days" not in first.settings
        # an operation that writes the bureau's data: the same request reads it afresh
        bureau_operations.set_bureau_setting("kunming", bureau_data.NOTICE_DAYS, 9, actor=None,
                                             note="memo test")
        assert bureau_data.bureau_setting("kunming", bureau_data.NOTICE_DAYS).value == 9
        # a row flushed by other code (a generic admin form) empties it too
        row = db.session.scalars(select(BureauSetting).where(BureauSetting.key == bureau_data.NOTICE_DAYS,
                                                             BureauSetting.jurisdiction == "kunming")).one()
        row.value = 11
        db.session.flush()
        assert bureau_data.bureau_setting("kunming", bureau_data.NOTICE_DAYS).value == 11
        # and a rollback: nothing read from rows that are gone
        db.session.rollback()
        assert bureau_data.bureau_setting("kunming", bureau_data.NOTICE_DAYS).value == 9
        # the switch, then a read in the same request
        admin = make_user("admin")
        assert "mile" in jurisdictions.enabled_codes()
        jurisdictions.switch("mile", False, admin.id)
        assert "mile" not in jurisdictions.enabled_codes()
        jurisdictions.switch("mile", True, admin.id)
        assert "mile" in jurisdictions.enabled_codes()


def test_no_memo_outside_a_request(demo):
    with statements() as sent:
        bureau_data.load_bureau_data("kunming")
        bureau_data.load_bureau_data("kunming")
        jurisdictions.enabled_codes()
        jurisdictions.enabled_codes()
    assert len(reading(sent, "bureau_settings")) == 2 and len(reading(sent, "jurisdiction_settings")) == 2


# --------------------------------------------------------------------------- the dashboard

def add_applications(n: int) -> None:
    """``n`` applications spread over the demo's jurisdictions and statuses, the active ones at
    the first step; 昆明's are of a space outside every recommender's area: nobody can act."""
    protos = {a.jurisdiction: a for a in db.session.scalars(
        select(Application).where(Application.status != "draft").order_by(Application.id))}
    outside = make_space(region="530181")  # 安宁市: no demo recommender's area
    statuses = ["returned", "submitted", "in_review", "recognised", "rejected", "draft"]
    rows = []
    for i in range(n):
        proto = protos[sorted(protos)[i % len(protos)]]
        status = statuses[(i // len(protos)) % len(statuses)]
        first = steps.steps_of(proto)[0].code
        space = outside if proto.jurisdiction == "kunming" else proto.space
        rows.append({"jurisdiction": proto.jurisdiction, "category": proto.category,
                     "policy_document": proto.policy_document, "space_id": space.id,
                     "organisation_id": space.organisation_id, "status": status,
                     "current_step": first if status in ("returned", "submitted", "in_review") else None,
                     "submitted_on": None if status == "draft" else proto.submitted_on,
                     "facts": {}, "form_data": {}, "version": 1})
    db.session.execute(insert(Application), rows)
    db.session.commit()


def card_total(html: str, code: str) -> int:
    """The number of applications on a jurisdiction's card."""
    card = html.split(f'id="jurisdiction-{code}"')[1]
    return int(re.search(r"(\d+)</p>\s*<table class=\"zc-counts\"", card).group(1))


@pytest.mark.parametrize("who", ["admin", "officer"])
def test_dashboard_counts_in_one_statement_and_does_not_grow(demo, who):
    login_name = ADMIN_LOGIN if who == "admin" else demo_login("officer", "kunming")
    client = signed_in(demo, login_name)
    add_applications(12)
    html, before = get(client, "/admin/")
    assert 'id="unattended"' in html  # the stuck list is drawn (its statements counted)
    counts = [s for s in before if re.search(r"GROUP BY applications\.jurisdiction, applications\.status", s)]
    assert len(counts) == 1, "\n".join(before)
    # 20, and two of issue 19, one COUNT each: the navbar's unread notifications, the admin's failed tasks;
    # issue 20's figures at a glance (core.admin.glance), one grouped statement each: applications per
    # step, time in each step, titles per year and level, money against the funds, and (where the bureau
    # sets a step time limit) the overdue count with the working-day calendar read once (two statements)
    assert len(before) <= 22 + 4 + 3, "\n".join(before)
    add_applications(60)
    html, after = get(client, "/admin/")
    assert len(after) == len(before), "\n".join(after)
    # the cards still count what the user may see
    visible = db.session.scalar(select(func.count()).select_from(Application).where(
        Application.jurisdiction == "kunming", *(() if who == "admin" else (Application.status != "draft",))))
    assert card_total(html, "kunming") == visible
    # the list is the rule of attendance.unattended asked application by application, in order
    user = db.session.scalars(select(User).where(User.login == login_name)).one()
    expected = [a.id for a in db.session.scalars(
        select(Application).where(application_criteria(user), Application.status.in_(("submitted", "in_review")))
        .order_by(Application.submitted_on, Application.id)) if attendance.unattended(a)]
    assert [int(i) for i in re.findall(r'<tr id="unattended-(\d+)"', html)] == expected[:attendance.SHOWN_UNATTENDED]
    assert re.search(rf"</strong> · {len(expected)}</div>", html)
    # among them 昆明's active ones outside every recommender's area (of 72: 2 + 6 submitted or in review)
    outside = set(db.session.scalars(select(Application.id).join(Space).where(
        Space.region == "530181", Application.status.in_(("submitted", "in_review")))))
    assert len(outside) == 8 and outside <= set(expected)
