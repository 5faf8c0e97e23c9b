"""Every URL rule of the application × every role: status codes, no foreign record shown,
no forged change written (ASVS V4 access control; issue 12's sweeping test).

The rules are read from the app's own URL map, so a page added tomorrow is covered
without touching this file: each rule is requested with the ids of records the user may
not see (a 弥勒 world against 昆明 staff; another organisation's records against the
applicant), and — for Flask-Admin model views — with those ids in ``?id=``.  Every answer
must be one a person may get (no 500), and a page that answers 200 must not carry any of
the foreign records' marks.  Every POST rule is then forged with the foreign ids and a
valid CSRF token, and the foreign records must be exactly as they were.

Real HTTP through the Flask test client, real database (SQLite, and PostgreSQL when
TEST_DATABASE_URL is set).  The admin sees everything by design: for it the sweep checks
only that no page fails.
"""
from __future__ import annotations

import json
import re
from datetime import date

import pytest
from sqlalchemy import inspect as sa_inspect
from sqlalchemy import select

from core.platform import clock
from core.platform.audit import record
from core.platform.extensions import db
from core.platform.models import (ApiClient, Application, Assessment, AssessmentRound, Attachment, AuditEvent, Batch, BureauSetting,
                         Download, ExternalTitle, TaskRun,
                         Call, ChangeReport, ExpertAssignment, Finding, NoticeEntry, Objection, Organisation,
                         PublicNotice, Recognition, Rectification, Revocation, Space,
                         StatisticsMiss, StatisticsReturn, StatisticsWindow, SubsidyEntitlement, SupportFund, User,
                         UserSession, Notification, OutboundMail,
                         ReviewRecord, ScoreQuery, ScoreDraft)  # issue 22 rank, expert
from core.platform.models import ExpertDraw  # issue 22 draw
from core.platform.models import ExpertProfile, ExpertRelationship  # issue 22 pool
from tests.factories import login, make_application, make_org, make_space, make_user

# Marks that only the foreign records carry: none may appear on a page the user is shown.
SECRETS = ("外域保密申报单位", "外域保密众创空间", "外域保密联系人", "13900009999", "WAIYU-SECRET-1",
           "外域保密审计", "外域保密异议人", "外域保密附件.pdf", "外域保密批次", "外域保密通知", "外域保密浏览器",
           "外域保密考核", "外域保密评价机构", "外域保密发现", "外域保密整改", "外域保密撤销",
           "外域保密补助", "外域保密资金",
           "外域保密外部称号",  # issue 18: a title won elsewhere recorded by 弥勒
           "外域保密下载",  # issue 19: another user's 我的下载
           "外域保密系统",  # issue 20: an API token of 弥勒 (the admin's page only)
           "外域保密评分意见", "外域保密询问",  # issue 22 rank: a 弥勒 expert's score sheet and the query on it
           "外域保密专家")  # issue 22 pool: an expert serving only 弥勒, his profile and relationship
# Public by design (issue 20, core.public): the directory and the home list every title of the enabled
# jurisdictions — its space's name, its own, its operating organisation, its certificate number — and the home the open
# calls.  On those pages exactly these values of the foreign world are no leak; every other mark still is
# (the contact, the official number, the audit, …).
PUBLISHED_PAGES = {"main.index", "directory.index", "directory.show", "directory.verify", "directory.download_csv",
                   "directory.download_json", "directory.download_xlsx"}
PUBLISHED_VALUES = ("弥科外域保密众创空间", "外域保密众创空间", "WAIYU-SECRET-1-CERT", "WAIYU-SECRET-2-CERT", "外域保密申报单位",
                    "外域保密通知")
CSRF_RE = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')

# Endpoints a sweep must not call: they end the session under test, or are public by design
# and create rows of their own (an objection may be filed by anyone on any open notice).
SKIP_POST = {"auth.logout", "public.object_to", "account.register", "auth.login"}
ROLES = ("admin", "officer", "leader", "expert", "recommender", "applicant", "anonymous",
         "two_roles")  # issue 22 roles: officer in 昆明 + recommender in 云南 for 5301


@pytest.fixture
def world(app):
    """昆明 records the users may see, and 弥勒 (or another organisation's) records they may not."""
    # -- foreign: 弥勒, and an organisation that is not the applicant's ------------------------
    org = make_org("外域保密申报单位", region="532504", contact_name="外域保密联系人", contact_phone="13900009999")
    space = make_space(org, "外域保密众创空间")
    foreign = make_application("mile", "comprehensive", space, status="in_review", current_step="expert_review",
                               official_number="WAIYU-SECRET-1", policy_document="弥政办发〔2017〕5号")
    draft = make_application("mile", "comprehensive", space, status="draft")
    foreign_applicant = make_user("applicant", organisation=org, name="外域保密联系人")
    batch = Batch(jurisdiction="mile", name="外域保密批次", status="open")
    db.session.add(batch)
    db.session.flush()
    foreign.batch_id = batch.id
    # issue 20: a draft (not public: /calls/ must 404 it for everyone, and 昆明's officers must not preview it)
    call = Call(jurisdiction="mile", title="外域保密通知", opens_on=date(2026, 1, 1), closes_on=date(2026, 12, 31),
                categories=["comprehensive"], body="外域保密通知正文", published=False)
    # a 弥勒 notice is public, so it lists a space without secrets; its objection is not public
    public_space = make_space(make_org("弥勒公示单位", region="532504"), "弥勒公示空间")
    noticed = make_application("mile", "comprehensive", public_space, status="under_notice",
                               current_step="public_notice", policy_document="弥政办发〔2017〕5号")
    notice = PublicNotice(jurisdiction="mile", title="弥勒公示", published_on=date(2026, 11, 20),
                          first_day=date(2026, 11, 21), last_day=date(2026, 12, 7), days=15, status="open")
    notice.entries = [NoticeEntry(application_id=noticed.id)]
    attachment = Attachment(application_id=foreign.id, material="plan", original_name="外域保密附件.pdf",
                            stored_name="sweep-foreign-attachment", sha256="0" * 64, size=10,
                            content_type="application/pdf")
    db.session.add_all([call, notice, attachment])
    db.session.flush()
    objection = Objection(notice_id=notice.id, application_id=noticed.id, name="外域保密异议人",
                          contact="13900009999", content="外域保密异议内容")
    recognition = Recognition(application_id=None, space_id=space.id, jurisdiction="mile",
                              title="弥科外域保密众创空间", certificate_number="WAIYU-SECRET-1-CERT",
                              level="municipal", granted_on=date(2025, 6, 1))
    db.session.add_all([objection, recognition])
    db.session.flush()
    # another space of it with an accepted return of last year: the statistics summary, its
    # workbook and the dashboard's charts must not show it to 昆明's staff
    rolled_up = make_space(org, "外域保密众创空间")
    db.session.add_all([
        Recognition(application_id=None, space_id=rolled_up.id, jurisdiction="mile", title="弥科外域保密众创空间",
                    certificate_number="WAIYU-SECRET-2-CERT", level="municipal", granted_on=date(2024, 6, 1)),
        StatisticsReturn(space_id=rolled_up.id, year=clock.today().year - 1, status="accepted",
                         data={"teams_served": 7, "financing_total": 999})])
    entitlement = SubsidyEntitlement(recognition_id=recognition.id, jurisdiction="mile", rule_code="mile.x",
                                     kind="外域保密补助", amount_cny=1, citation={})
    foreign_session = UserSession(token_hash="f" * 64, user_id=foreign_applicant.id, user_agent="外域保密浏览器")
    setting = BureauSetting(jurisdiction="mile", key="certificate_format", value="弥科{year}{seq:03d}",
                            document="外域保密通知")
    statistics_window = StatisticsWindow(jurisdiction="mile", year=2025, opens_on=date(2026, 1, 5),
                                         deadline=date(2026, 3, 31), note="外域保密填报通知")
    statistics_return = StatisticsReturn(space_id=space.id, year=2025, status="submitted", data={"teams_served": 7},
                                         explanations={"teams_growth": "外域保密说明"}, checking_jurisdiction="mile")
    miss = StatisticsMiss(recognition_id=recognition.id, jurisdiction="mile", year=2024)
    db.session.add_all([entitlement, setting, foreign_session, statistics_window, statistics_return, miss])
    db.session.flush()
    change = ChangeReport(recognition_id=recognition.id, jurisdiction="mile", kind="area", changed_on=date(2026, 1, 5),
                          description="外域保密变更", attachment_id=attachment.id, status="reported",
                          reported_on=date(2026, 2, 1))
    # issue 17: a 弥勒 assessment round with the foreign title, its agency report the foreign file
    assessment_round = AssessmentRound(jurisdiction="mile", year=2025, status="open", note="外域保密考核",
                                       agency="外域保密评价机构", report_attachment_id=attachment.id)
    db.session.add(assessment_round)
    db.session.flush()
    assessment = Assessment(round_id=assessment_round.id, recognition_id=recognition.id, year=2025, scores={})
    db.session.add(assessment)
    # issue 17: a finding, a rectification with its report file, a revocation proposed (弥勒)
    finding = Finding(recognition_id=recognition.id, jurisdiction="mile", kind="fraud", found_on=date(2026, 1, 5),
                      evidence="外域保密发现", attachment_id=attachment.id)
    rectification = Rectification(recognition_id=recognition.id, jurisdiction="mile", ground="assessment",
                                  requirements="外域保密整改", ordered_on=date(2026, 1, 5), deadline=date(2026, 7, 5),
                                  report_attachment_id=attachment.id, status="ordered")
    revocation = Revocation(recognition_id=recognition.id, jurisdiction="mile", proposal="外域保密撤销",
                            ground_codes=["assessment"], grounds=[], status="proposed")
    db.session.add_all([change, finding, rectification, revocation])
    # issue 18: a 弥勒 fund (the entitlement above is charged to nothing yet)
    fund = SupportFund(jurisdiction="mile", year=2026, name="外域保密资金", amount_cny=1_000_000, source="bureau",
                       citation={})
    db.session.add(fund)
    # issue 18: a title won elsewhere that 弥勒 recorded, its evidence the foreign file
    external_title = ExternalTitle(space_id=space.id, jurisdiction="mile", level="provincial",
                                   awarding_body="云南省科学技术厅", title="外域保密外部称号",
                                   document_number="WAIYU-SECRET-1-DOC", granted_on=date(2025, 3, 1),
                                   evidence_attachment_id=attachment.id, status="active")
    db.session.add(external_title)
    # issue 19: the foreign applicant's ready download, and a failed background task
    download = Download(user_id=foreign_applicant.id, kind="money.subsidies", title="外域保密下载", params={},
                        status="ready", filename="外域保密下载.xlsx", stored_name="sweep-foreign-download.xlsx", size=10)
    task_run = TaskRun(name="documents.render_application", payload={"application_id": foreign.id}, status="failed",
                       attempts=3, last_error="OSError: disk full")
    db.session.add_all([download, task_run])
    # issue 20: an API token scoped to 弥勒 (/admin/api-clients/<client_id>: the admin's alone)
    api_client = ApiClient(name="外域保密系统", token_sha256="e" * 64, token_prefix="eeeeeeee", jurisdictions=["mile"])
    db.session.add(api_client)
    # issue 22 expert: a 弥勒 expert's score draft, his alone (its notes carry the foreign batch's mark)
    foreign_expert = make_user("expert", ["mile"])
    db.session.add_all([ExpertAssignment(batch_id=batch.id, expert_id=foreign_expert.id,
                                         no_conflict_declared_at=clock.utcnow()),
                        ScoreDraft(batch_id=batch.id, application_id=foreign.id, expert_id=foreign_expert.id,
                                   scores={"场地与设施": "19"}, notes="外域保密批次草稿")])
    # issue 22 pool: an expert of 弥勒's pool (/admin/experts/<expert_id>), a relationship he declared
    pool_expert = make_user("expert", ["mile"], name="外域保密专家")
    db.session.add(ExpertProfile(user_id=pool_expert.id, fields=["外域保密专家领域"], organisation_name="外域保密专家单位",
                                 status="active"))
    foreign_relationship = ExpertRelationship(expert_id=pool_expert.id, organisation_uscc=org.uscc,
                                              organisation_name="外域保密专家关系单位", relation="外域保密专家关系")
    db.session.add(foreign_relationship)
    # --- end issue 22 pool ---
    record("admin_update", foreign, secret="外域保密审计")
    db.session.commit()

    # -- 昆明: what the 昆明 users may see ---------------------------------------------------
    km_org = make_org("昆明可见单位", region="530102")
    km_space = make_space(km_org, "昆明可见空间")
    km_app = make_application("kunming", "comprehensive_service", km_space, status="submitted",
                              current_step="recommend", policy_document="昆科发〔2017〕55号")
    km_batch = Batch(jurisdiction="kunming", name="昆明批次", status="open")
    db.session.add(km_batch)
    db.session.commit()
    km_app.batch_id = km_batch.id
    expert = make_user("expert", ["kunming"])
    db.session.add(ExpertAssignment(batch_id=km_batch.id, expert_id=expert.id))
    db.session.commit()

    # issue 19: the foreign applicant's inbox and mail (/inbox/<notification_id>/open, /admin/outbox/<mail_id>)
    foreign_notification = Notification(user_id=foreign_applicant.id, event="application.return",
                                        params={"about": "外域保密众创空间"}, link="/portal/", is_todo=True)
    db.session.add(foreign_notification)
    db.session.flush()
    foreign_mail = OutboundMail(user_id=foreign_applicant.id, notification_id=foreign_notification.id,
                                recipient="waiyu@example.cn", subject="外域保密众创空间", body="外域保密众创空间",
                                status="held", last_error="no_server")
    db.session.add(foreign_mail)
    db.session.commit()

    users = {
        "admin": make_user("admin"),
        "officer": make_user("officer", ["kunming"]),
        "leader": make_user("leader", ["kunming"]),
        "expert": expert,
        "recommender": make_user("recommender", ["kunming"], region_prefix="530102"),
        "applicant": make_user("applicant", organisation=km_org),
        "two_roles": _two_role_user(),  # issue 22 roles
    }
    ids = {
        "application_id": foreign.id, "batch_id": batch.id, "notice_id": notice.id, "objection_id": objection.id,
        "attachment_id": attachment.id, "recognition_id": recognition.id, "space_id": space.id,
        "organisation_id": org.id, "user_id": foreign_applicant.id, "session_id": foreign_session.id, "year": 2027, "code": "mile", "export_type": "csv",
        "return_id": statistics_return.id, "window_id": statistics_window.id, "miss_id": miss.id,
        "change_id": change.id, "title_id": recognition.id, "round_id": assessment_round.id, "assessment_id": assessment.id,
        "finding_id": finding.id, "rect_id": rectification.id,
        "revocation_id": revocation.id, "entitlement_id": entitlement.id, "fund_id": fund.id,
        "record_id": external_title.id,  # issue 18: /admin/external-titles/<record_id>
        "notification_id": foreign_notification.id, "mail_id": foreign_mail.id,  # issue 19
        "download_id": download.id, "task_id": task_run.id,  # issue 19: /downloads/<id>, /admin/tasks/<id>/retry
        "call_id": call.id, "category": "comprehensive",  # issue 20: /calls/<call_id>/form/<category>.pdf, the admin's
        "client_id": api_client.id,  # issue 20: /admin/api-clients/<client_id>
        "kind": "steps",  # issue 20: /admin/glance/<kind>.svg, the dashboard's charts
        "expert_id": pool_expert.id, "relationship_id": foreign_relationship.id,  # issue 22 pool
    }
    # Flask-Admin model views: the foreign row of each model, for ?id=
    model_ids = {
        "application": foreign.id, "organisation": org.id, "space": space.id, "user": foreign_applicant.id,
        "publicnotice": notice.id, "recognition": recognition.id,
        "call": call.id, "bureausetting": setting.id, "batch": batch.id,
        "auditevent": db.session.scalar(select(AuditEvent.id).where(AuditEvent.action == "admin_update")),
    }
    # issue 22 rank: a 弥勒 expert's score sheet queried by 弥勒's officer (/admin/batches/<batch_id>/query/<query_id>/…)
    foreign_score = ReviewRecord(application_id=foreign.id, step="expert_review", action="score",
                                 scores={"场地与设施": 20}, opinion="外域保密评分意见")
    db.session.add(foreign_score)
    db.session.flush()
    foreign_query = ScoreQuery(record_id=foreign_score.id, note="外域保密询问")
    db.session.add(foreign_query)
    db.session.commit()
    ids["query_id"] = foreign_query.id
    # end issue 22 rank
    return {"users": users, "ids": ids, "model_ids": model_ids, "draft": draft.id, "org": org.id}


def foreign_snapshot(world) -> dict:
    """Every column of every foreign record, and the rows hanging from the foreign organisation."""
    org_id = world["org"]

    def rows(model, *where):
        found = db.session.scalars(select(model).where(*where).order_by(*sa_inspect(model).primary_key)).all()
        return [{c.key: getattr(r, c.key) for c in sa_inspect(model).mapper.column_attrs} for r in found]

    db.session.expire_all()
    return {
        "organisation": rows(Organisation, Organisation.id == org_id),
        "spaces": rows(Space, Space.organisation_id == org_id),
        "applications": rows(Application, Application.jurisdiction == "mile"),
        "users": rows(User, User.organisation_id == org_id),
        "batches": rows(Batch, Batch.jurisdiction == "mile"),
        "assignments": rows(ExpertAssignment, ExpertAssignment.batch_id == world["ids"]["batch_id"]),
        "notices": rows(PublicNotice, PublicNotice.jurisdiction == "mile"),
        "objections": rows(Objection),
        "attachments": rows(Attachment, Attachment.id == world["ids"]["attachment_id"]),
        "recognitions": rows(Recognition, Recognition.jurisdiction == "mile"),
        "entitlements": rows(SubsidyEntitlement, SubsidyEntitlement.jurisdiction == "mile"),
        "calls": rows(Call, Call.jurisdiction == "mile"),
        "settings": rows(BureauSetting, BureauSetting.jurisdiction == "mile"),
        "sessions": rows(UserSession, UserSession.id == world["ids"]["session_id"]),
        "statistics": rows(StatisticsReturn, StatisticsReturn.id == world["ids"]["return_id"]),
        "windows": rows(StatisticsWindow, StatisticsWindow.jurisdiction == "mile"),
        "misses": rows(StatisticsMiss, StatisticsMiss.jurisdiction == "mile"),
        "changes": rows(ChangeReport, ChangeReport.jurisdiction == "mile"),
        "assessment_rounds": rows(AssessmentRound, AssessmentRound.jurisdiction == "mile"),
        "assessments": rows(Assessment, Assessment.round_id == world["ids"]["round_id"]),
        "findings": rows(Finding, Finding.jurisdiction == "mile"),
        "rectifications": rows(Rectification, Rectification.jurisdiction == "mile"),
        "revocations": rows(Revocation, Revocation.jurisdiction == "mile"),
        "funds": rows(SupportFund, SupportFund.jurisdiction == "mile"),
        "external_titles": rows(ExternalTitle, ExternalTitle.jurisdiction == "mile"),
        "notifications": rows(Notification, Notification.id == world["ids"]["notification_id"]),
        "score_drafts": rows(ScoreDraft),  # issue 22 expert: no draft written or changed by a forged form
        "api_clients": rows(ApiClient),  # issue 20: none issued, changed or revoked by a forged form
        "score_queries": rows(ScoreQuery),  # issue 22 rank
        # issue 22 draw: no forged draw of experts for the foreign batch
        "draws": rows(ExpertDraw, ExpertDraw.batch_id == world["ids"]["batch_id"]),
        # issue 22 pool: 弥勒's expert, his profile and relationships untouched by a forged form
        "experts": rows(User, User.role == "expert", User.name == "外域保密专家"),
        "expert_profiles": rows(ExpertProfile, ExpertProfile.user_id == world["ids"]["expert_id"]),
        "expert_relationships": rows(ExpertRelationship, ExpertRelationship.expert_id == world["ids"]["expert_id"]),
    }


def urls_of(app, world, method: str):
    """(endpoint, url) for every rule answering ``method``, filled with the foreign ids."""
    found = []
    for rule in app.url_map.iter_rules():
        if method not in rule.methods or rule.endpoint.endswith("static"):
            continue
        values = {}
        for arg in rule.arguments:
            if arg not in world["ids"]:
                raise AssertionError(f"{rule.rule}: no foreign value for <{arg}> — add one to the sweep's world")
            values[arg] = world["ids"][arg]
        if rule.endpoint == "portal.upload" or rule.endpoint == "portal.remove_material":
            values["code"] = "plan"
        url = rule.build(values, append_unknown=False)[1]
        found.append((rule.endpoint, url))
        view, _, action = rule.endpoint.partition(".")
        if view in world["model_ids"] and action in ("edit_view", "details_view", "delete_view"):
            found.append((rule.endpoint, f"{url}?id={world['model_ids'][view]}"))
        if action == "index_view":
            found.append((rule.endpoint, f"{url}?search=外域"))
    return sorted(found)


def _two_role_user():
    """Issue 22 roles: 昆明's officer who recommends for 云南 in 5301, set as the admin sets it."""
    from core.accounts import scope_roles

    user = make_user("officer", ["kunming", "yunnan"])
    scope_roles.set_scope_roles(user, {"yunnan": ("recommender", "5301")})
    db.session.commit()
    return user


def leaks(html: str) -> list[str]:
    # Flask-Admin writes filter options as JSON, Chinese escaped as \\uXXXX.
    return [s for s in SECRETS if s in html or json.dumps(s)[1:-1] in html]


def unpublished(endpoint: str, html: str) -> str:
    """``html`` without the values a public page publishes by design (PUBLISHED_VALUES)."""
    if endpoint not in PUBLISHED_PAGES:
        return html
    for value in PUBLISHED_VALUES:
        html = html.replace(value, "").replace(json.dumps(value)[1:-1], "")
    return html


def client_as(app, world, role):
    client = app.test_client()
    if role != "anonymous":
        assert login(client, world["users"][role]).status_code == 302
    return client


def a_token(client) -> str:
    for page in ("/account/password", "/login", "/portal/", "/admin/"):
        match = CSRF_RE.search(client.get(page).get_data(as_text=True))
        if match:
            return match.group(1)
    return ""


@pytest.mark.parametrize("role", ROLES)
def test_every_get_rule_answers_and_shows_no_foreign_record(app, world, role):
    client = client_as(app, world, role)
    failures = []
    for endpoint, url in urls_of(app, world, "GET"):
        response = client.get(url)
        status = response.status_code
        # the read API (/api/v1) answers a session without its Bearer token with 401
        if status >= 500 or status not in (200, 302, 400, 403, 404, 405) and not (
                status == 401 and url.startswith("/api/v1/")):
            failures.append(f"{url}: HTTP {status}")
            continue
        if role != "admin" and status == 200 and response.mimetype in ("text/html", "text/csv", "application/json",
                                                                       "text/yaml"):  # a policy case
            found = leaks(unpublished(endpoint, response.get_data(as_text=True)))
            if found:
                failures.append(f"{url}: shows {found}")
        if (role != "anonymous" and status == 302 and "/login" in (response.location or "")
                and not endpoint.startswith("auth.")):
            failures.append(f"{url}: a logged-in {role} sent to the login page")
    assert failures == []


def test_every_api_rule_read_with_a_kunming_token_shows_no_foreign_record(app, world):
    """Issue 20: the read API by its Bearer token (no session), scoped to 昆明: every GET rule under
    /api/v1 with the 弥勒 ids is a 404 or a list without them, never a 500."""
    from core.api import clients

    _, token = clients.issue("昆明读取系统", ["kunming"], "", world["users"]["admin"])
    client = app.test_client()
    failures = []
    for endpoint, url in urls_of(app, world, "GET"):
        if not url.startswith("/api/v1/"):
            continue
        response = client.get(url, headers={"Authorization": f"Bearer {token}"})
        if response.status_code not in (200, 404) or response.mimetype != "application/json":
            failures.append(f"{url}: HTTP {response.status_code} {response.mimetype}")
        elif leaks(response.get_data(as_text=True)):
            failures.append(f"{url}: shows {leaks(response.get_data(as_text=True))}")
    assert failures == []


@pytest.mark.parametrize("role", [r for r in ROLES if r != "admin"])
def test_every_post_rule_forged_with_foreign_ids_changes_nothing_foreign(app, world, role):
    client = client_as(app, world, role)
    before = foreign_snapshot(world)
    token = a_token(client)
    ids = world["ids"]
    # what a forger would put in a form: the foreign ids under every usual field name
    data = {"csrf_token": token, "id": world["model_ids"]["organisation"], "rowid": world["model_ids"]["application"],
            "application_id": ids["application_id"], "organisation": world["org"], "space": ids["space_id"],
            "jurisdiction": "mile", "code": "mile", "enabled": "0", "action": "approve", "expert_id": ids["user_id"],
            "expected_version": "1", "opinion": "伪造", "name": "伪造", "title": "伪造", "result": "pass",
            "decision": "approve", "status": "upheld", "resolution": "伪造", "next": "/",
            "recognition_id": ids["recognition_id"], "kind": "area", "changed_on": "2026-01-01", "description": "伪造",
            "ids": ids["entitlement_id"], "do": "approve", "reason": "伪造", "amount": "1", "year": "2026"}
    # issue 18: recording a title won elsewhere for the foreign space, withdrawing the foreign record
    data.update({"space_id": ids["space_id"], "level": "provincial", "awarding_body": "伪造", "document_number": "伪造",
                 "granted_on": "2025-01-01"})
    failures = []
    for endpoint, url in urls_of(app, world, "POST"):
        if endpoint in SKIP_POST:
            continue
        response = client.post(url, data=data)
        if response.status_code >= 500:
            failures.append(f"POST {url}: HTTP {response.status_code}")
    assert failures == []
    assert foreign_snapshot(world) == before


@pytest.mark.parametrize("role", ["officer", "leader", "recommender", "expert", "two_roles"])
def test_staff_cannot_open_a_draft_of_their_own_jurisdiction_either(app, world, role):
    """Drafts are the applicant's until submitted (issue 12 item 11): case page, checklist and PDF."""
    km_draft = make_application("kunming", "comprehensive_service", make_space(
        make_org("昆明草稿单位", region="530102"), "昆明草稿空间"), status="draft")
    client = client_as(app, world, role)
    for url in (f"/admin/case/{km_draft.id}", f"/admin/checklist/{km_draft.id}",
                f"/admin/documents/application/{km_draft.id}.pdf", f"/admin/case/{km_draft.id}/policy-case.yaml"):
        response = client.get(url)
        assert response.status_code in (403, 404), url


def test_the_sweep_can_see_a_leak_and_covers_every_rule(app, world):
    """The marks are findable where they are allowed (the admin sees every organisation), and the
    sweep builds a URL for every rule — so a silent pass above is not a blind one."""
    client = client_as(app, world, "admin")
    assert "外域保密申报单位" in leaks(client.get("/admin/organisation/").get_data(as_text=True))
    gets, posts = urls_of(app, world, "GET"), urls_of(app, world, "POST")
    rules = {r.endpoint for r in app.url_map.iter_rules() if not r.endpoint.endswith("static")}
    assert rules == {e for e, _ in gets} | {e for e, _ in posts}


def test_an_expert_cannot_draft_on_a_foreign_sheet(app, world):
    """Issue 22 expert: a score draft posted to another jurisdiction's batch, or to his own batch with
    another batch's application, is a 404 and writes nothing."""
    client = client_as(app, world, "expert")
    token = a_token(client)
    km_batch = db.session.scalar(select(Batch.id).where(Batch.name == "昆明批次"))
    form = {"csrf_token": token, "action": "draft", "score-0": "1", "notes": "伪造"}
    for url in (f"/admin/batches/{world['ids']['batch_id']}/score/{world['ids']['application_id']}",
                f"/admin/batches/{km_batch}/score/{world['ids']['application_id']}"):
        assert client.post(url, data=form).status_code == 404, url
    assert [d.notes for d in db.session.scalars(select(ScoreDraft))] == ["外域保密批次草稿"]
