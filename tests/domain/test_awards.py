"""The award: the title as the policy words it, the level, a certificate number unique
per jurisdiction and year (also for two awards at the same moment, on PostgreSQL),
the subsidy entitlements of the ``recognized`` event, the workflow's ``award`` act —
in one transaction, nothing written when refused."""
from __future__ import annotations

import threading
from datetime import date

import pytest
from sqlalchemy import func, select

from core.award import titles as awards

from core.bureau import setting_checks
from core.bureau import operations as bureau_operations

from core.review import moves, steps
from core.platform.extensions import db
from core.platform.models import (Application, AuditEvent, CertificateSequence, Recognition, ReviewRecord,
                         SubsidyEntitlement)
from tests.factories import make_space
from tests.notice_helpers import at_step, logged_in, officer, set_today, token_of

TODAY = date(2026, 10, 9)


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def test_kunming_award_title_level_number_and_article_13_entitlement(app):
    user = officer("kunming")
    application = at_step("kunming", step="award")
    recognition = awards.grant(application, user, TODAY)
    assert recognition.title == "昆明市众创空间"
    assert recognition.level == "municipal" and recognition.granted_on == TODAY and recognition.status == "active"
    assert recognition.certificate_number == "昆明市众创〔2026〕001号"  # our default format
    db.session.expire_all()
    application = db.session.get(Application, application.id)
    assert (application.status, application.current_step) == ("recognised", None)
    rows = {e.rule_code: e for e in db.session.scalars(select(SubsidyEntitlement)).all()}
    fund = rows["kunming.guidance_fund"]
    assert fund.amount_cny == 100_000 and fund.status == "pending" and fund.recognition_id == recognition.id
    assert fund.citation == {"document": "昆科发〔2017〕55号", "article": "第十三条", "item": None}
    assert rows["kunming.priority"].amount_cny is None  # support without an amount (第十七条)
    record = db.session.scalars(select(ReviewRecord).where(ReviewRecord.action == "award")).one()
    assert record.actor_id == user.id
    event = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "recognition.grant")).one()
    assert event.detail["certificate_number"] == "昆明市众创〔2026〕001号" and event.detail["total_cny"] == 100_000
    # The next award of the year gets the next number.
    second = awards.grant(at_step("kunming", step="award"), user, TODAY)
    assert second.certificate_number == "昆明市众创〔2026〕002号"
    # A new year starts again at 001; another jurisdiction has its own sequence.
    assert awards.grant(at_step("kunming", step="award"), user, date(2027, 1, 4)).certificate_number \
        == "昆明市众创〔2027〕001号"
    mile = awards.grant(at_step("mile", step="award"), officer("mile"), TODAY)
    assert mile.certificate_number == "弥勒市众创〔2026〕001号"


def test_mile_title_puts_the_space_name_in_place_of_xxx(app):
    space = make_space(name="大学城众创空间", region="532504")
    recognition = awards.grant(at_step("mile", step="award", space=space), officer("mile"), TODAY)
    assert recognition.title == "弥科大学城众创空间"
    assert recognition.level == "municipal"  # 弥勒 is a county-level city


def test_bureau_certificate_format_is_used_and_a_bad_one_refused(app):
    with pytest.raises(setting_checks.SettingsError, match="year"):
        bureau_operations.set_bureau_setting("kunming", "certificate_format", "KM-{number}")
    with pytest.raises(setting_checks.SettingsError):
        bureau_operations.set_bureau_setting("kunming", "certificate_format", "{year}-{number}-{oops}")
    bureau_operations.set_bureau_setting("kunming", "certificate_format", "昆科众创〔{year}〕第{number:04d}号",
                                         document="昆科发〔2026〕9号")
    recognition = awards.grant(at_step("kunming", step="award"), officer("kunming"), TODAY)
    assert recognition.certificate_number == "昆科众创〔2026〕第0001号"


def test_award_refused_when_not_at_the_award_step_writes_nothing(app):
    user = officer("kunming")
    application = at_step("kunming", step="public_notice", status="under_notice")
    with pytest.raises(moves.WorkflowError, match="授予称号步骤"):
        awards.grant(application, user, TODAY)
    with pytest.raises(moves.WorkflowError):  # a leader does not award
        awards.grant(at_step("kunming", step="award"), officer("kunming", role="leader"), TODAY)
    with pytest.raises(moves.WorkflowError):  # nor another jurisdiction's officer
        awards.grant(at_step("kunming", step="award"), officer("mile"), TODAY)
    assert count(Recognition) == 0 and count(SubsidyEntitlement) == 0 and count(CertificateSequence) == 0


def test_award_twice_refused(app):
    user = officer("kunming")
    application = at_step("kunming", step="award")
    awards.grant(application, user, TODAY)
    with pytest.raises(moves.WorkflowError):
        awards.grant(db.session.get(Application, application.id), user, TODAY)
    assert count(Recognition) == 1
    assert db.session.get(CertificateSequence, ("kunming", 2026)).last_number == 1


def test_award_button_on_the_notice_desk(app, monkeypatch):
    set_today(monkeypatch, TODAY)
    user = officer("kunming")
    application = at_step("kunming", step="award")
    client = logged_in(app, user)
    html = client.get("/admin/notices/").get_data(as_text=True)
    assert f'id="awaiting-{application.id}"' in html
    token = token_of(client, "/admin/notices/")
    stale = client.post(f"/admin/notices/award/{application.id}",
                        data={"csrf_token": token, "expected_version": str(application.version + 1)})
    # the losing officer of an award race: the same 409 as on the case page (issue 13)
    assert stale.status_code == 409 and "已被他人办理" in stale.get_data(as_text=True) and count(Recognition) == 0
    unconfirmed = client.post(f"/admin/notices/award/{application.id}",
                              data={"csrf_token": token, "expected_version": str(application.version)})
    assert unconfirmed.status_code == 400 and count(Recognition) == 0  # the confirmation box (issue 13)
    assert f'id="award-{application.id}-error"' in unconfirmed.get_data(as_text=True)
    response = client.post(f"/admin/notices/award/{application.id}",
                           data={"csrf_token": token, "expected_version": str(application.version), "confirm": "yes"},
                           follow_redirects=True)
    assert response.status_code == 200 and "昆明市众创〔2026〕001号" in response.get_data(as_text=True)
    assert count(Recognition) == 1
    # Without the CSRF token nothing happens.
    other = at_step("kunming", step="award")
    assert client.post(f"/admin/notices/award/{other.id}", data={}).status_code == 400
    assert count(Recognition) == 1


@pytest.mark.parametrize("target", ["/\t/evil.example", "//evil.example", "https://evil.example/"])
def test_award_next_off_site_is_refused(app, monkeypatch, target):
    """``next`` goes through core.accounts.auth.safe_next: a tab is dropped by browsers, so
    ``/<TAB>/evil.example`` would be ``//evil.example``."""
    set_today(monkeypatch, TODAY)
    application = at_step("kunming", step="award")
    client = logged_in(app, officer("kunming"))
    token = token_of(client, "/admin/notices/")
    response = client.post(f"/admin/notices/award/{application.id}",
                           data={"csrf_token": token, "expected_version": str(application.version), "next": target,
                                 "confirm": "yes"})
    assert response.status_code == 302 and response.location == "/admin/notices/"
    assert count(Recognition) == 1
    kept = client.post(f"/admin/notices/award/{at_step('kunming', step='award').id}",
                       data={"csrf_token": token, "next": "/admin/recognition/", "confirm": "yes"})
    assert kept.location == "/admin/recognition/"


def test_two_awards_at_the_same_moment_get_different_numbers(app_factory, database_url):
    """Two threads, each with its own app context (own session and connection). On
    PostgreSQL they really race on the sequence row (and on creating it); SQLite
    serialises writers."""
    app = app_factory()
    with app.app_context():
        user_id = officer("kunming").id
        ids = [at_step("kunming", step="award").id for _ in range(2)]
    barrier = threading.Barrier(2)
    results, errors = {}, []

    def award(application_id):
        with app.app_context():
            try:
                from core.platform.models import User

                application = db.session.get(Application, application_id)
                actor = db.session.get(User, user_id)
                steps.steps_of(application)  # warm up outside the race
                barrier.wait(timeout=10)
                results[application_id] = awards.grant(application, actor, TODAY).certificate_number
            except Exception as exc:  # noqa: BLE001 - reported below
                errors.append(exc)
            finally:
                db.session.remove()

    if database_url.startswith("sqlite"):
        for i in ids:  # sequential is enough on SQLite
            barrier = threading.Barrier(1)
            award(i)
    else:
        threads = [threading.Thread(target=award, args=(i,)) for i in ids]
        for t in threads:
            t.start()
        for t in threads:
            t.join(30)
    assert not errors, errors
    assert sorted(results.values()) == ["昆明市众创〔2026〕001号", "昆明市众创〔2026〕002号"]
    with app.app_context():
        assert db.session.get(CertificateSequence, ("kunming", 2026)).last_number == 2


def test_titles_and_entitlements_lists_are_scoped_and_read_only(app):
    """The admin lists of titles and entitlements: a 弥勒 officer sees 弥勒's, never
    昆明's (list, details, export); nobody edits or deletes a title there."""
    kunming = awards.grant(at_step("kunming", step="award"), officer("kunming"), TODAY)
    mile = awards.grant(at_step("mile", step="award"), officer("mile"), TODAY)
    client = logged_in(app, officer("mile"))
    html = client.get("/admin/recognition/").get_data(as_text=True)
    assert mile.certificate_number in html and kunming.certificate_number not in html
    assert client.get(f"/admin/recognition/details/?id={kunming.id}").status_code in (302, 404)
    assert client.get(f"/admin/recognition/edit/?id={mile.id}").status_code in (302, 403, 404)
    html = client.get("/admin/money/").get_data(as_text=True)
    assert "100,000" not in html  # 昆科发〔2017〕55号 第十三条's 10 万元 belongs to 昆明
    client = logged_in(app, officer("kunming"))
    html = client.get("/admin/money/").get_data(as_text=True)
    assert "100,000" in html and "第十三条" in html
