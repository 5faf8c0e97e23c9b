"""The Chinese admin, built per app inside the factory (one ``Admin`` per app)."""
from __future__ import annotations

from pathlib import Path

from flask_admin import Admin
from flask_admin.theme import Bootstrap4Theme
from flask_babel import lazy_gettext as _l

from core.accounts.admin_applicant_users import ApplicantUsersView
from core.review.admin_batches import BatchView
from core.review.admin_experts import ExpertPoolView, MyExpertProfileView  # issue 22 pool
from core.admin.calls import CallAdminView  # issue 20: CallView with its preview and documents
from core.bureau.admin_settings import BureauCriterionView, BureauPolicyVersionView, BureauSettingView
from core.bureau.admin_calendar import CalendarDayView, CalendarYearView
from core.review.admin_case import CaseView
from core.eligibility.admin_checklist import ChecklistView
from core.admin.dashboard import DashboardView
from core.documents.admin_views import DocumentsView
from core.admin.jurisdictions import JurisdictionsView
from core.notice.admin_notices import NoticeDeskView, NoticeView
from core.admin.policy import PolicyView
from core.admin.tasks import TasksView
from core.monitoring.admin_rollup import StatisticsSummaryView
from core.intake.admin_verification import OrganisationVerificationView
from core.monitoring.admin_statistics import StatisticsDeskView
from core.monitoring.admin_changes import ChangeReportsView
from core.monitoring.admin_titles import TitlesView
from core.monitoring.admin_assessments import AssessmentDeskView
from core.monitoring.admin_findings import FindingsView
from core.monitoring.admin_rectifications import RectificationsView
from core.monitoring.admin_revocations import RevocationsView
from core.admin.views import ApplicationView, AuditEventView, OrganisationView, RecognitionView, SpaceView, UserView
from core.money.admin_funds import FundsView
from core.money.admin_money import MoneyDeskView
from core.money.admin_external_titles import ExternalTitlesView
from core.notify.admin_outbox import OutboxView
from core.api.admin_clients import ApiClientsView
from core.platform.models import (Application, AuditEvent, BureauCriterion, BureauPolicyVersion, BureauSetting, Call, CalendarDay,
                         Organisation, PublicNotice, Recognition, Space, User)


def init_admin(app) -> Admin:
    admin = Admin(
        app,
        name=_l("Maker Space Recognition Platform"),
        theme=Bootstrap4Theme(base_template="admin/zc_base.html", fluid=True),
        index_view=DashboardView(name=_l("Dashboard"), url="/admin"),
        # the few Flask-Admin messages its own Chinese catalogue lacks ("Failed to create record.")
        translations_path=str(Path(__file__).parent / "translations"),
    )
    admin.add_view(ApplicationView(Application, name=_l("Applications"), endpoint="application"))
    admin.add_view(OrganisationView(Organisation, name=_l("Applicant organisations"), endpoint="organisation"))
    admin.add_view(SpaceView(Space, name=_l("Maker spaces"), endpoint="space"))
    admin.add_view(UserView(User, name=_l("Users"), endpoint="user", category=_l("System")))
    admin.add_view(ApplicantUsersView(name=_l("Applicant users"), endpoint="applicant_users",
                                      url="/admin/applicant-users", category=_l("System")))
    admin.add_view(AuditEventView(AuditEvent, name=_l("Audit log"), endpoint="auditevent", category=_l("System")))
    admin.add_view(TasksView(name=_l("Background tasks"), endpoint="tasks", url="/admin/tasks", category=_l("System")))
    admin.add_view(JurisdictionsView(name=_l("Jurisdictions"), endpoint="jurisdictions", url="/admin/jurisdictions",
                                     category=_l("System")))
    admin.add_view(OutboxView(name=_l("Outbox"), endpoint="outbox", url="/admin/outbox", category=_l("System")))
    admin.add_view(ApiClientsView(name=_l("API tokens"), endpoint="api_clients", url="/admin/api-clients",
                                  category=_l("System")))
    admin.add_view(PolicyView(name=_l("Policies"), endpoint="policy", url="/admin/policy", category=_l("Policy")))
    admin.add_view(BureauSettingView(BureauSetting, name=_l("Bureau settings"), endpoint="bureausetting",
                                     category=_l("Policy")))
    admin.add_view(BureauPolicyVersionView(BureauPolicyVersion, name=_l("Registered policy versions"),
                                           endpoint="bureaupolicyversion", category=_l("Policy")))
    admin.add_view(BureauCriterionView(BureauCriterion, name=_l("Bureau criteria"), endpoint="bureaucriterion",
                                       category=_l("Policy")))
    admin.add_view(CalendarYearView(name=_l("Holiday arrangements"), endpoint="calendar", url="/admin/calendar",
                                    category=_l("Policy")))
    admin.add_view(CalendarDayView(CalendarDay, name=_l("Working-day calendar"), endpoint="calendarday",
                                   category=_l("Policy")))
    admin.add_view(NoticeView(PublicNotice, name=_l("Public notices"), endpoint="publicnotice", category=_l("Review")))
    admin.add_view(NoticeDeskView(name=_l("Notice desk"), endpoint="notices", url="/admin/notices", category=_l("Review")))
    admin.add_view(CallAdminView(Call, name=_l("Calls for applications"), endpoint="call", category=_l("Review")))
    admin.add_view(BatchView(name=_l("Review batches"), endpoint="batches", url="/admin/batches", category=_l("Review")))
    # issue 22 pool: the expert pool (专家库) and the expert's own page
    admin.add_view(ExpertPoolView(name=_l("Expert pool"), endpoint="experts", url="/admin/experts", category=_l("Review")))
    admin.add_view(MyExpertProfileView(name=_l("My expert profile"), endpoint="my_expert_profile",
                                       url="/admin/my-expert-profile", category=_l("Review")))
    admin.add_view(RecognitionView(Recognition, name=_l("Titles awarded"), endpoint="recognition",
                                   category=_l("Titles and subsidies")))
    # issue 18: the money desk replaces the read-only list of entitlements
    admin.add_view(MoneyDeskView(name=_l("Subsidies: approval and payment"), endpoint="money", url="/admin/money",
                                 category=_l("Titles and subsidies")))
    admin.add_view(FundsView(name=_l("Support funds"), endpoint="funds", url="/admin/funds",
                             category=_l("Titles and subsidies")))
    admin.add_view(ExternalTitlesView(name=_l("Titles won elsewhere"), endpoint="external_titles",
                                      url="/admin/external-titles", category=_l("Titles and subsidies")))
    admin.add_view(StatisticsDeskView(name=_l("Annual statistics"), endpoint="statistics", url="/admin/statistics",
                                      category=_l("After recognition")))
    admin.add_view(ChangeReportsView(name=_l("Change reports"), endpoint="changes", url="/admin/changes",
                                     category=_l("After recognition")))
    admin.add_view(TitlesView(name=_l("Titles needing attention"), endpoint="titles", url="/admin/titles",
                              category=_l("After recognition")))
    admin.add_view(AssessmentDeskView(name=_l("Annual assessments"), endpoint="assessments", url="/admin/assessments",
                                      category=_l("After recognition")))
    # issue 17: findings, rectification, revocation
    admin.add_view(FindingsView(name=_l("Findings"), endpoint="findings", url="/admin/findings",
                                category=_l("After recognition")))
    admin.add_view(RectificationsView(name=_l("Rectifications"), endpoint="rectifications",
                                      url="/admin/rectifications", category=_l("After recognition")))
    admin.add_view(RevocationsView(name=_l("Revocations"), endpoint="revocations", url="/admin/revocations",
                                   category=_l("After recognition")))
    admin.add_view(StatisticsSummaryView(name=_l("Statistics summary"), endpoint="statistics_summary",
                                         url="/admin/statistics-summary", category=_l("After recognition")))
    admin.add_view(ChecklistView(name=_l("Criteria checklist"), endpoint="checklist", url="/admin/checklist"))
    admin.add_view(CaseView(name=_l("Application case"), endpoint="case", url="/admin/case"))
    admin.add_view(DocumentsView(name=_l("Documents"), endpoint="documents", url="/admin/documents"))
    admin.add_view(OrganisationVerificationView(name=_l("Business licence check"), endpoint="verification",
                                                url="/admin/organisation-verification"))
    # 我的下载 (core.admin.downloads, a page of the site for every signed-in user) is in the menu under the
    # user's name (templates/admin/zc_base.html), with his notifications and his account's pages
    return admin
