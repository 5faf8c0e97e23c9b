"""The one catalogue of display names for codes shown to people.

States, steps, levels, statuses, roles, audit actions, entity types and fact names are the core's
own, defined here once and translated by Flask-Babel (both languages); jurisdictions, categories,
steps and materials come from the plugin registry (the core names no city).  This module imports
nothing above the platform layer, so every package (the admin, the portal, the PDFs, the CLI) can
read it.
"""
from __future__ import annotations

from flask_babel import format_datetime, gettext
from flask_babel import lazy_gettext as _l

from core.platform import request_memo
from core.platform.clock import local
from core.platform.jurisdictions import enabled, registry

STATUS_LABELS = {
    "draft": _l("Draft"),
    "submitted": _l("Submitted"),
    "in_review": _l("In review"),
    "returned": _l("Returned for revision"),
    "under_notice": _l("Under public notice"),
    "recognised": _l("Recognised"),
    "rejected": _l("Rejected"),
    "withdrawn": _l("Withdrawn"),
}

# The roles of DESIGN.md (core.accounts.roles holds the codes), keyed by the stored code.
ROLE_LABELS = {
    "applicant": _l("申报单位"),
    "recommender": _l("推荐单位"),
    "officer": _l("业务经办人员"),
    "expert": _l("评审专家"),
    "leader": _l("局领导（局务会）"),
    "admin": _l("系统管理员（省级）"),
}

LEVEL_LABELS = {
    "county": _l("County level"),
    "city": _l("City level"),
    "province": _l("Provincial level"),
}

# Review batches (core.review.batches): open while applications are added and experts score.
BATCH_STATUS_LABELS = {
    "open": _l("Expert review in progress"),
    "concluded": _l("Expert review concluded"),
    "decided": _l("Decided by the leadership"),
}

# Titles awarded (core.award.titles).
RECOGNITION_LEVEL_LABELS = {
    "municipal": _l("Municipal"),
    "county": _l("County level"),
    "city": _l("City level"),
    "provincial": _l("Provincial"),
    "province": _l("Provincial level"),
    "national": _l("National"),
}
RECOGNITION_STATUS_LABELS = {
    "active": _l("Title in force"),
    "rectification": _l("Under rectification"),
    "revoked": _l("Revoked"),
}

# A title's standing (CONTRACTS §6, core.monitoring.standing).
STANDING_LABELS = {
    "good": _l("In good standing"),
    "rectification": _l("Must rectify"),
    "revocation_due": _l("Due for revocation"),
    "revoked": _l("Revoked"),
    "no_policy_in_force": _l("No policy version in force"),
}
# The record a standing reads (CONTRACTS §6 HISTORY): rectification results, findings (grades: below).
RECTIFICATION_RESULT_LABELS = {"passed": _l("Passed"), "failed": _l("Failed")}

# Subsidies owed under the plugins' subsidy rules.
SUBSIDY_STATUS_LABELS = {
    "pending": _l("Pending approval"),
    "approved": _l("Approved, to be paid"),
    "paid": _l("Paid"),
    "cancelled": _l("Cancelled"),
}
# --- issue 18: money after the award (core.money) ---
SUPPORT_CATEGORY_LABELS = {
    "space_funding": _l("Funding for building and running the space"),
    "title_award": _l("One-time award for a title"),
    "assessment_award": _l("Award for an assessment grade"),
}
FUND_SOURCE_LABELS = {"policy": _l("Amount fixed by the document"), "bureau": _l("Amount set by the bureau")}
EXTERNAL_TITLE_STATUS_LABELS = {"active": _l("In force"), "withdrawn": _l("Record withdrawn")}
# H2: where a title a space holds comes from (core.award.ladder)
TITLE_SOURCE_LABELS = {"deployment": _l("Granted on this platform"), "recorded": _l("Won elsewhere, recorded by a bureau")}
# --- end issue 18 money ---

# Public notices (公示) and the objections to them.
NOTICE_STATUS_LABELS = {"open": _l("Open"), "closed": _l("Closed")}
OBJECTION_STATUS_LABELS = {"open": _l("Open"), "upheld": _l("Upheld"), "dismissed": _l("Dismissed")}
# A change report's states (core.monitoring.changes).
CHANGE_STATUS_LABELS = {
    "found": _l("Found by the bureau, not reported"),
    "reported": _l("Reported, awaiting the check"),
    "forwarded": _l("Checked and forwarded"),
    "returned": _l("Returned to the applicant"),
    "accepted": _l("Change accepted"),
    "recheck": _l("Criteria to be re-checked"),
}
# The conditions of recognition whose change is reported: 云科规〔2021〕1号 认定与管理's own words.
CHANGE_KIND_LABELS = {"operator": "运营主体", "area": "面积范围", "location": "场地位置"}

# The years after recognition (core.monitoring): a year's return, its filing window, a
# year not filed; the residents listed in a return.
STATISTICS_STATUS_LABELS = {
    "none": _l("Not started"),
    "draft": _l("Draft"),
    "submitted": _l("Submitted, awaiting the bureau's check"),
    "returned": _l("Returned for correction"),
    "accepted": _l("Accepted"),
    "missing": _l("Not filed"),
    "excused": _l("Not filed, for a special reason"),
}
RESIDENT_KIND_LABELS = {"team": _l("Start-up team"), "enterprise": _l("Enterprise")}

# --- issue 17: annual assessment rounds (core.monitoring.assessments) ---
ASSESSMENT_ROUND_STATUS_LABELS = {"open": _l("Scoring"), "submitted": _l("Awaiting approval"),
                                  "approved": _l("Approved"), "published": _l("Published")}
ASSESSMENT_GRADE_LABELS = {"excellent": "优秀", "good": "良好", "qualified": "合格", "unqualified": "不合格"}
ASSESSMENT_MODE_LABELS = {"scored": _l("Scored by assessors"), "agency": _l("Evaluated by an outside agency"),
                          "none": _l("No scored assessment")}
# --- end assessment ---
# --- Findings, rectification, revocation (issue 17; core.monitoring.findings, rectifications, revocations) ---
# The kinds of a finding: the documents' own words (云科规〔2021〕1号 认定与管理).
FINDING_KIND_LABELS = {
    "fraud": "弄虚作假（虚报、瞒报、造假）",
    "serious_dishonesty": "严重失信",
    "serious_violation": "严重违法违规",
    "operator_deregistered": "运营主体注销",
    "cannot_meet_criteria": "无法达到认定条件",
    "cannot_operate": "无法正常运营",
}
RECTIFICATION_GROUND_LABELS = {"assessment": "年度考核不合格", "cannot_operate": "经营出现问题，无法正常运营"}
RECTIFICATION_STATUS_LABELS = {
    "ordered": _l("Rectification ordered"),
    "reported": _l("Rectification reported, awaiting the judgement"),
    "passed": _l("Rectification passed"),
    "failed": _l("Rectification failed"),
}
# The grounds of a revocation (CONTRACTS §6 revocation_grounds).
REVOCATION_GROUND_LABELS = {
    "assessment": "年度考核不合格",
    "rectification": "整改不合格",
    "statistics": "连续未填报统计数据",
    "fraud": "弄虚作假（虚报、瞒报、造假）",
    "serious_dishonesty": "严重失信",
    "serious_violation": "严重违法违规",
    "operator_deregistered": "运营主体注销",
    "cannot_meet_criteria": "无法达到认定条件",
}
REVOCATION_STATUS_LABELS = {
    "proposed": _l("Revocation proposed, awaiting the leader"),
    "revoked": _l("Title revoked"),
    "rejected": _l("Revocation rejected"),
}

# Jurisdictions switched on and off by the admin (core.admin.jurisdictions).
SWITCH_LABELS = {"enabled": _l("Enabled"), "disabled": _l("Disabled")}

# The record an audit event is about (AuditEvent.object_type: the model's class name).
OBJECT_TYPE_LABELS = {
    "OutboundMail": _l("Mail"),
    "Application": _l("Application"),
    "Organisation": _l("Applicant organisation"),
    "Space": _l("Maker space"),
    "User": _l("User"),
    "UserSession": _l("Sign-in session"),
    "Batch": _l("Review batch"),
    "Call": _l("Call for applications"),
    "PublicNotice": _l("Public notice"),
    "Objection": _l("Objection"),
    "Recognition": _l("Title awarded"),
    "SubsidyEntitlement": _l("Subsidy"),
    "BureauSetting": _l("Bureau setting"),
    "BureauPolicyVersion": _l("Policy version registered by the bureau"),
    "BureauCriterion": _l("Criterion registered by the bureau"),
    "CalendarDay": _l("Calendar day"),
    "CalendarYear": _l("Calendar year"),
    "JurisdictionSetting": _l("Jurisdiction"),
    "Jurisdiction": _l("Jurisdiction"),
    "Attachment": _l("Material"),
    "ExpertAssignment": _l("Expert assignment"),
    "StatisticsReturn": _l("Annual statistics return"),
    "StatisticsWindow": _l("Statistics filing period"),
    "StatisticsMiss": _l("Year not filed"),
    "ChangeReport": _l("Change report"),
    # --- issue 17: annual assessment rounds (core.monitoring.assessments) ---
    "AssessmentRound": _l("Annual assessment round"),
    "Assessment": _l("Annual assessment"),
    # --- end assessment ---
    # --- issue 17: findings, rectification, revocation ---
    "Finding": _l("Finding"),
    "Rectification": _l("Rectification order"),
    "Revocation": _l("Revocation of a title"),
    # --- issue 18: money ---
    "SupportFund": _l("Support fund"),
    "ExternalTitle": _l("Title won elsewhere"),
    # --- end issue 18 money ---
    "Download": _l("My downloads"),
    "TaskRun": _l("Background task"),
    "ApiClient": _l("API token"),  # issue 20: core.api.clients
    "demo": _l("Demonstration data"),
    "-": "",
}

# The workflow's actions (core.review.workflow.ACTIONS): buttons, timeline, decisions; English in
# English mode, the bureaus' own words (WORKFLOW_ACTION_WORDS) in Chinese.
WORKFLOW_ACTION_LABELS = {
    "submit": _l("Submit the application"),
    "withdraw": _l("Withdraw the application"),
    "resubmit": _l("Resubmit after revision"),
    "approve": _l("Approve"),
    "return": _l("Return for revision"),
    "reject": _l("Do not approve"),
    "conclude_expert_review": _l("Conclude the expert review"),
    "publish": _l("Publish the public notice"),
    "objection_upheld": _l("Objection upheld"),
    "close_notice": _l("Notice period over without objection"),
    "award": _l("Award the title"),
}

# The bureaus' own words for the workflow's actions, in Chinese whatever the page's language: the
# workflow's refusals and the reasons it asks for are Chinese sentences (the zh translation of
# WORKFLOW_ACTION_LABELS is the same words).  core.review.workflow.ACTION_LABELS is this table.
WORKFLOW_ACTION_WORDS = {
    "submit": "提交申报", "withdraw": "撤回申报", "resubmit": "修改后重新提交",
    "approve": "通过", "return": "退回修改", "reject": "不予通过",
    "conclude_expert_review": "结束专家评审", "publish": "发布公示",
    "objection_upheld": "异议成立", "close_notice": "公示期满无异议", "award": "授予称号",
}

# Every action written to the audit log (core.platform.audit.record callers), in words.
AUDIT_ACTION_LABELS = {
    "user.mail_preference": _l("Mail preference changed"),  # core.notify
    "mail.resend": _l("Mail sent again"),
    "admin_create": _l("Record created"),
    "admin_update": _l("Record changed"),
    "admin_delete": _l("Record deleted"),
    "application.created": _l("Application draft created"),
    "application.facts_edited": _l("Application facts corrected"),
    "application.material_uploaded": _l("Material uploaded"),
    "application.material_removed": _l("Material removed"),
    "application.certificate_title": _l("Title on the certificate changed"),
    "batch.created": _l("Review batch created"),
    "call.published": _l("Call published"),  # issue 20: a call's publication and documents (core.intake.calls)
    "call.unpublished": _l("Call withdrawn to draft"),
    "call.attachment_added": _l("Document added to the call"),
    "call.attachment_removed": _l("Document removed from the call"),
    "batch.application_added": _l("Application added to the batch"),
    "application.reminded": _l("Applicants reminded of the application"),
    "application.exported": _l("Application exported in a selection"),
    "application.case_exported": _l("Eligibility judgement exported as a policy case"),
    "batch.application_removed": _l("Application removed from the batch"),
    "batch.expert_assigned": _l("Expert assigned"),
    "batch.expert_review_concluded": _l("Expert review concluded"),
    "batch.decided": _l("Leadership decision recorded"),
    "bureau_setting.set": _l("Bureau setting changed"),
    "bureau_policy_version.add": _l("Policy version registered"),
    "bureau_criterion.add": _l("Criterion registered"),
    "calendar_day.set": _l("Working day arrangement set"),
    "change_report.accept": _l("Change report accepted"),
    "change_report.file": _l("Change reported"),
    "change_report.forward": _l("Change report checked and forwarded"),
    "change_report.found": _l("Unreported change recorded by the bureau"),
    "change_report.recheck": _l("Re-check of the criteria asked after a change"),
    "change_report.resubmit": _l("Change report corrected and reported again"),
    "change_report.return": _l("Change report returned"),
    # --- issue 17: findings, rectification, revocation ---
    "finding.record": _l("Finding recorded"),
    "rectification.order": _l("Rectification ordered"),
    "rectification.report": _l("Rectification report filed"),
    "rectification.statement": _l("Statement of the space recorded"),
    "rectification.judge": _l("Rectification judged"),
    "revocation.propose": _l("Revocation proposed"),
    "revocation.decide": _l("Revocation decided"),
    "recognition.revoke": _l("Title revoked"),
    "recognition.status": _l("Status of the title changed"),
    "subsidy.cancel": _l("Unpaid subsidy cancelled after revocation"),
    "subsidy.flag_paid": _l("Paid subsidy flagged after revocation"),
    # --- issue 18: money (core.money); each helper adds its actions here ---
    "subsidy.approve": _l("Subsidy approved"),
    "subsidy.pay": _l("Subsidy payment recorded"),
    "subsidy.cancel_by_officer": _l("Subsidy cancelled"),
    "subsidy.create": _l("Subsidy created"),
    "fund.open": _l("Support fund registered"),
    "fund.amend": _l("Support fund amended"),
    "external_title.record": _l("Title won elsewhere recorded"),
    "external_title.withdraw": _l("Record of a title won elsewhere withdrawn"),
    # H2: titles won elsewhere (core.money.external_titles)
    "subsidy.flag_paid_withdrawn": _l("Paid subsidy flagged after its title's record was withdrawn"),
    # --- end issue 18 money ---
    "calendar_year.set": _l("Holiday arrangement of a year set"),
    "criteria.manual_judgement": _l("Criterion judged"),
    "demo.load": _l("Demonstration data loaded"),
    "expert.scored": _l("Expert scored"),
    "expert.no_conflict_declared": _l("Expert declared no conflict of interest"),
    "expert.conflict_declared": _l("Expert declared a conflict of interest"),
    "jurisdiction_enabled": _l("Jurisdiction enabled"),
    "jurisdiction_disabled": _l("Jurisdiction disabled"),
    "login": _l("Signed in"),
    "login_failed": _l("Sign-in failed"),
    "login_delayed": _l("Sign-in delayed after failures"),
    "login_password_ok": _l("Password accepted, second factor asked"),
    "login_refused_waiting": _l("Sign-in refused: wait after failures"),
    "logout": _l("Signed out"),
    "unknown_login": _l("Sign-in with an unknown account"),
    "notice.publish": _l("Public notice published"),
    "notice.lengthen": _l("Public notice lengthened"),
    "notice.close": _l("Public notice closed"),
    "objection.file": _l("Objection filed"),
    "objection.resolve": _l("Objection resolved"),
    "organisation.register": _l("Organisation registered"),
    "organisation.verify": _l("Business licence checked"),
    "recognition.grant": _l("Title granted"),
    "session.ended": _l("Sign-in session ended"),
    "session.ended_others": _l("Other sign-in sessions ended"),
    "space.create": _l("Maker space created"),
    "space.update": _l("Maker space changed"),
    "space.residents_import": _l("Residents imported"),
    "statistics.draft_saved": _l("Statistics draft saved"),
    "statistics.submitted": _l("Statistics submitted"),
    "statistics.accepted": _l("Statistics accepted"),
    "statistics.returned": _l("Statistics returned for correction"),
    "statistics.excused": _l("Special reason recorded for a year not filed"),
    "statistics_window.opened": _l("Statistics filing opened"),
    "statistics_window.deadline_changed": _l("Statistics deadline changed"),
    "statistics_window.closed": _l("Statistics filing closed"),
    "user.create": _l("Account created"),
    "user.update": _l("Account changed"),
    "user.register": _l("Account registered"),
    "user.register_refused": _l("Registration refused"),
    "user.password_changed": _l("Password changed"),
    "user.password_reset": _l("Password reset by the admin"),
    "user.two_factor_enabled": _l("Two-factor sign-in enabled"),
    "user.two_factor_disabled": _l("Two-factor sign-in disabled"),
    "user.two_factor_reset": _l("Two-factor sign-in reset"),
    "user.recovery_code_used": _l("Recovery code used"),
    "user.recovery_codes_renewed": _l("Recovery codes renewed"),
    "workflow.step_assigned": _l("Step assigned to a recommender"),
    "system.restore": _l("Restored from a backup"),
    "uploads.sweep": _l("Files without a record removed"),
    # --- issue 17: annual assessment rounds (core.monitoring.assessments) ---
    "assessment_round.open": _l("Annual assessment opened"),
    "assessment_round.scorer_assigned": _l("Assessment scorer assigned"),
    "assessment_round.no_conflict_declared": _l("No conflict of interest declared for an assessment"),
    "assessment_round.conflict_declared": _l("Conflict of interest declared for an assessment"),
    "assessment_round.agency_report": _l("Agency's assessment report recorded"),
    "assessment_round.submit": _l("Assessment results submitted"),
    "assessment_round.send_back": _l("Assessment results sent back"),
    "assessment_round.approve": _l("Assessment results approved"),
    "assessment_round.publish": _l("Assessment results published"),
    "assessment.scored": _l("Assessment scored"),
    # --- end assessment ---
    # issue 19: the task queue (我的下载, 后台任务)
    "download.requested": _l("Export requested for My downloads"),
    "task.retried": _l("Background task retried"),
    # issue 20: the read API's tokens (core.api.clients)
    "api_client.issued": _l("API token issued"),
    "api_client.scope_changed": _l("API token's jurisdictions changed"),
    "api_client.revoked": _l("API token revoked"),
    # issue 22 rank
    "batch.blind_set": _l("Blind review changed"),
    "score.query_asked": _l("Expert asked to confirm or revise his scores"),
    "score.query_confirmed": _l("Expert confirmed his scores"),
    "score.query_revised": _l("Expert revised his scores"),
    "batch.meeting_paper_exported": _l("Meeting paper exported"),
    # issue 22 expert: the batch's deadline for the experts' scores (core.review.expert_desk); a score draft is
    # not audited (docs/experts.md)
    "batch.review_due_set": _l("Review deadline of the batch set"),
    # issue 22 draw: the random draw of experts (core.review.draws)
    "batch.experts_drawn": _l("Experts drawn at random"),
    "batch.expert_replacement_drawn": _l("Replacement expert drawn after a declared conflict"),
    # issue 22 pool: the expert pool (core.review.expert_pool, expert_import)
    "expert.profile_saved": _l("Expert's profile saved"),
    "expert.paused": _l("Expert paused in the pool"),
    "expert.resumed": _l("Expert back in the pool"),
    "expert.relationship_added": _l("Expert's relationship declared"),
    "expert.relationship_removed": _l("Expert's relationship removed"),
    "expert.imported": _l("Expert imported into the pool"),
    # --- end issue 22 pool ---
    # issue 22 roles: the role held in one jurisdiction (core.accounts.scope_roles)
    "user.scope_role": _l("Role in a jurisdiction changed"),
}

# Keys of an audit event's detail, in words (the values stay as recorded).
DETAIL_KEY_LABELS = {
    "fields": _l("Fields"),
    "step": _l("Step"),
    "step_name": _l("Step"),
    "jurisdictions": _l("Jurisdictions"),
    "label": _l("Record"),
    "meeting_on": _l("Meeting date"),
    "minutes_ref": _l("Minutes reference"),
    "material": _l("Material"),
    "notice_id": _l("Public notice"),
    "last_day": _l("Last day"),
    "login": _l("Login"),
    "organisation": _l("Applicant organisation"),
    "changes": _l("Changes"),
    "role": _l("Role"),
    "via": _l("Through"),
    "added": _l("Added"),
    "verified": _l("Verified"),
    "year": _l("Year"),
    "opens_on": _l("Opens on"),
    "deadline": _l("Deadline"),
    "before": _l("Before"),
    "missing": _l("Titles marked not filed"),
    "kind": _l("Change"),
    "changed_on": _l("Changed on"),
    "due_on": _l("Due on"),
    "late": _l("Late"),
    "certificate": _l("Certificate number"),
    "file": _l("File"),
    # --- issue 17: annual assessment rounds (core.monitoring.assessments) ---
    "titles": _l("Titles"),
    "user_name": _l("User"),
    "agency": _l("Evaluation agency"),
    "grades": _l("Grades"),
    "weights": _l("Weights"),
    "bands": _l("Grade bands"),
    "scores": _l("Scores"),
    "round": _l("Assessment round"),
    "entitlements": _l("Subsidies"),
    "total_cny": _l("Total (yuan)"),
    # --- end assessment ---
    # --- issue 18: money, titles won elsewhere and the ladder (H2: core.award.ladder, core.money.external_titles) ---
    "level": _l("Level"),
    "granted_on": _l("Granted on"),
    "space": _l("Maker space"),
    "sha256": _l("SHA-256 of the file"),
    "skipped_entitlements": _l("Support not created (another title required, or already held)"),
    "no_policy": _l("No policy in force"),
    "policy_document": _l("Policy document"),
    "entitlement_amount_cny": _l("Amount (yuan)"),
    "article": _l("Article"),
    "external_title": _l("Title won elsewhere"),
    "cancelled_support": _l("Support cancelled"),
    "kept_paid_support": _l("Paid support kept"),
    # --- end issue 18 H2 ---
    # issue 20: the read API's tokens (core.api.clients)
    "prefix": _l("Token prefix"),
    "name": _l("Name"),
    "note": _l("Note"),
    "jurisdictions_before": _l("Jurisdictions before"),
    "jurisdictions_after": _l("Jurisdictions after"),
    # issue 22 draw: the details of a draw of experts (core.review.draws)
    "draw": _l("Draw no."),
    "seed": _l("Seed"),
    "requested": _l("Experts requested"),
    "pool": _l("Eligible pool"),
    "excluded": _l("Kept away"),
    "drawn": _l("Drawn"),
    "replaces": _l("Replaces expert"),
    "expert_name": _l("Expert"),
    # issue 22 pool: the expert pool's audit details
    "pool_status": _l("Status in the pool"),
    "organisation_name": _l("Organisation"),
    "organisation_uscc": _l("Unified social credit code"),
    "relation": _l("Relationship"),
    "relationship": _l("Relationship no."),
    "row": _l("Row"),
    "created": _l("Account created"),
    "jurisdiction_added": _l("Jurisdiction served"),
    # --- end issue 22 pool ---
    # issue 22 roles: the role held in one jurisdiction (core.accounts.scope_roles)
    "region_prefix": _l("Region code prefix"),
    "role_before": _l("Role before"),
    "region_prefix_before": _l("Region code prefix before"),
    # issue 22 coi: the application an expert's declaration is for (core.review.experts.declare_each)
    "application": _l("Application"),
}

# The nature of an applicant organisation (facts: entity_type), as the admin and the pages show it.
ENTITY_TYPE_LABELS = {
    "enterprise": _l("Enterprise"),
    "institution": _l("Public institution"),
    "other": _l("Other"),
}
# Wording on the form: the tick boxes of 弥勒 附件2 "众创空间基本信息表" print the form's own word
# for the nature of the unit ("事业", not 事业单位); the application form (core.facts.forms) and the
# PDF reproduce it exactly.
ENTITY_TYPE_FORM_WORDS = {"enterprise": "企业", "institution": "事业", "other": "其他"}

# The facts of an application (docs CONTRACTS §1) by their policy terms, in Chinese: the names in
# the facts' error messages (core.facts) and in the bureau's criteria forms.
FACT_LABELS = {
    "applicant_name": "申报单位名称",
    "uscc": "统一社会信用代码",
    "entity_type": "单位性质",
    "independent_legal_person": "是否具有独立法人资格",
    "registered_region": "注册地行政区划代码",
    "space_name": "众创空间名称",
    "space_region": "众创空间所在地行政区划代码",
    "space_opened_on": "众创空间成立（开始运营）日期",
    "total_area_m2": "众创空间总面积",
    "public_area_m2": "公共办公场所面积",
    "workstations": "创业工位数",
    "premises_tenure": "场地自有或租赁",
    "lease_years": "租赁期（年）",
    "commercial_premises": "是否商业经营性场所",
    "infrastructure_complete": "配套设施是否齐备",
    "rent_ratio_year1": "第一年租金占市价比例",
    "rent_ratio_year2": "第二年租金占市价比例",
    "rent_ratio_year3": "第三年租金占市价比例",
    "management_staff": "管理服务人员数",
    "full_time_staff": "专职人员数",
    "mentors": "创业导师数",
    "management_rules": "已建立的管理制度",
    "separate_accounting": "是否财务单独核算",
    "hosted_by_operating_unit": "是否依托运营单位建设",
    "services": "可提供的创新创业服务",
    "investor_partners": "合作投资机构数",
    "seed_fund": "是否设立种子基金",
    "investment_projects": "实际投资项目数",
    "online_platform": "是否有线上平台",
    "rd_facilities": "是否有专业化研发设施",
    "residents": "入驻企业和创业团队",
    "contracted_residents_last_year": "近一年协议入驻数",
    "new_enterprises_last_year": "近一年注册新企业数",
    "financed_teams_last_year": "近一年获投融资团队数",
    "typical_cases_last_year": "近一年典型孵化案例数",
    "events_last_year": "近一年活动次数",
    # residents[i].*
    "name": "名称",
    "kind": "类型",
    "qualifying_field": "是否属于重点支持领域",
    "entered_on": "入驻日期",
    "established_on": "成立日期",
    "registered_in_space": "是否注册在空间内",
}


def _per_request(key, compute):
    """``compute()``, asked once per request (core.platform.request_memo): a list or an
    export names the same few jurisdictions, categories, steps and statuses for every row,
    and each answer is a round of plugin hooks or a translation.  Plugins answer the same
    within a request (they are registered when the app is built)."""
    return request_memo.remember(("labels", key), compute)


def _installed() -> dict:
    return _per_request("installed", lambda: registry().installed())


def jurisdiction_label(code: str | None) -> str:
    """The name a plugin gives; the bare code when the plugin is gone."""
    j = _installed().get(code or "")
    return j.name if j else (code or "")


def category_names(codes: list[str] | None = None) -> dict[tuple[str, str], str]:
    """(jurisdiction, category code) → name, over every policy version of each plugin."""
    return dict(_per_request(("category_names", tuple(codes) if codes is not None else None),
                             lambda: _category_names(codes)))


def _category_names(codes: list[str] | None) -> dict[tuple[str, str], str]:
    reg = registry()
    names: dict[tuple[str, str], str] = {}
    for code in codes if codes is not None else list(reg.installed()):
        for version in reg.policies(code):
            for category in version.categories:
                names.setdefault((code, category.code), category.name)
    return names


def category_label(jurisdiction: str | None, category: str | None) -> str:
    if jurisdiction not in _installed():
        return category or ""
    names = _per_request(("category_names", (jurisdiction,)), lambda: _category_names([jurisdiction]))
    return names.get((jurisdiction, category), category or "")


def jurisdiction_choices(codes: list[str] | None = None) -> list[tuple[str, str]]:
    found = enabled()
    return [(c, j.name) for c, j in found.items() if codes is None or c in codes]


def category_choices(codes: list[str]) -> list[tuple[str, str]]:
    """Filter options: category codes shared by jurisdictions appear once, with every name."""
    merged: dict[str, list[str]] = {}
    for (j, code), name in category_names(codes).items():
        label = f"{jurisdiction_label(j)} · {name}"
        merged.setdefault(code, []).append(label)
    return [(code, " / ".join(labels)) for code, labels in merged.items()]


def step_choices(codes: list[str]) -> list[tuple[str, str]]:
    """Filter options: review step codes of ``codes``' policies; a code shared by several
    jurisdictions or categories appears once, with each different name."""
    reg = registry()
    merged: dict[str, list[str]] = {}
    for code in codes:
        for version in reg.policies(code):
            for category in version.categories:
                for step in reg.review_steps(code, category.code, version):
                    label = f"{jurisdiction_label(code)} · {step.name}"
                    if label not in merged.setdefault(step.code, []):
                        merged[step.code].append(label)
    return [(code, " / ".join(names)) for code, names in merged.items()]


def local_datetime(value) -> str:
    """A stored UTC moment shown in Asia/Shanghai (BABEL_DEFAULT_TIMEZONE)."""
    if value is None:
        return ""
    return format_datetime(local(value), "yyyy-MM-dd HH:mm:ss")


def _lookup(table: dict, code) -> str:
    if code is None:
        return ""
    # a lazy string is translated on every str(): once per request is enough for a list's rows
    return _per_request(("label", id(table), code), lambda: str(table.get(code, code)))


def _labeller(table: dict):
    """A code → words function over one table of the catalogue (an unknown code shows as itself)."""
    return lambda code: _lookup(table, code)


status_label = _labeller(STATUS_LABELS)
role_label = _labeller(ROLE_LABELS)
batch_status_label = _labeller(BATCH_STATUS_LABELS)
recognition_level_label = _labeller(RECOGNITION_LEVEL_LABELS)
recognition_status_label = _labeller(RECOGNITION_STATUS_LABELS)
# --- issue 18 H2: titles won elsewhere ---
external_title_status_label = _labeller(EXTERNAL_TITLE_STATUS_LABELS)
title_source_label = _labeller(TITLE_SOURCE_LABELS)
# --- end issue 18 H2 ---
# issue 20: a published call's state on a day (core.intake.calls.call_state)
CALL_STATE_LABELS = {"open": _l("Open for applications"), "upcoming": _l("Not yet accepting applications"), "closed": _l("Closed")}
call_state_label = _labeller(CALL_STATE_LABELS)
standing_label = _labeller(STANDING_LABELS)
assessment_grade_label = _labeller(ASSESSMENT_GRADE_LABELS)
rectification_result_label = _labeller(RECTIFICATION_RESULT_LABELS)
finding_kind_label = _labeller(FINDING_KIND_LABELS)
subsidy_status_label = _labeller(SUBSIDY_STATUS_LABELS)
support_category_label = _labeller(SUPPORT_CATEGORY_LABELS)
fund_source_label = _labeller(FUND_SOURCE_LABELS)
notice_status_label = _labeller(NOTICE_STATUS_LABELS)
objection_status_label = _labeller(OBJECTION_STATUS_LABELS)
object_type_label = _labeller(OBJECT_TYPE_LABELS)
statistics_status_label = _labeller(STATISTICS_STATUS_LABELS)
resident_kind_label = _labeller(RESIDENT_KIND_LABELS)


def step_name(jurisdiction: str | None, category: str | None, code: str | None) -> str:
    """The name the plugin gives a review step (any policy version), or "" when none."""
    if not code:
        return ""
    return _per_request(("step_name", jurisdiction, category, code),
                        lambda: _step_name(jurisdiction, category, code))


def _step_name(jurisdiction: str | None, category: str | None, code: str) -> str:
    reg = registry()
    if jurisdiction not in _installed():
        return ""
    for version in reg.policies(jurisdiction):
        cats = [c.code for c in version.categories]
        for cat in ([category] if category in cats else []) + cats:
            for step in reg.review_steps(jurisdiction, cat, version):
                if step.code == code:
                    return step.name
    return ""


def audit_action_label(action: str | None) -> str:
    """An audit action in words: the workflow's actions, then the table above."""
    if not action:
        return ""
    code = action.removeprefix("workflow.")
    if code in WORKFLOW_ACTION_LABELS:
        return str(WORKFLOW_ACTION_LABELS[code])
    return _lookup(AUDIT_ACTION_LABELS, action)


def state_label(state: str | None, jurisdiction: str | None = None, category: str | None = None) -> str:
    """A from/to state of the audit log in words: ``status:step`` of an application
    (``draft:-``: a draft, no step yet), or the state of a batch, notice, objection or
    jurisdiction."""
    if not state:
        return ""
    status, sep, step = state.partition(":")
    if sep:
        words = status_label(status)
        name = step_name(jurisdiction, category, step) if step not in ("", "-") else ""
        return f"{words} · {name}" if name else words
    for table in (STATUS_LABELS, BATCH_STATUS_LABELS, NOTICE_STATUS_LABELS, OBJECTION_STATUS_LABELS,
                  RECOGNITION_STATUS_LABELS, SWITCH_LABELS, STATISTICS_STATUS_LABELS, CHANGE_STATUS_LABELS,
                  ASSESSMENT_ROUND_STATUS_LABELS, RECTIFICATION_STATUS_LABELS, REVOCATION_STATUS_LABELS,
                  SUBSIDY_STATUS_LABELS):  # issue 18: an entitlement's steps (core.money.lifecycle)
        if state in table:
            return str(table[state])
    if state == "decided":
        return str(BATCH_STATUS_LABELS["decided"])
    return state


def material_name(jurisdiction: str | None, category: str | None, code: str | None) -> str:
    """The plugin's name of a required material, or "" when none."""
    if not code:
        return ""
    return _per_request(("material_name", jurisdiction, category, code),
                        lambda: _material_name(jurisdiction, category, code))


def _material_name(jurisdiction: str | None, category: str | None, code: str) -> str:
    reg = registry()
    if jurisdiction not in _installed():
        return ""
    versions = reg.policies(jurisdiction)
    categories = [category] if category else [c.code for v in versions for c in v.categories]
    for cat in categories:
        for material in reg.required_materials(jurisdiction, cat):
            if material.code == code:
                return material.name
    return ""


def detail_text(detail: dict | None, jurisdiction: str | None = None,
                category: str | None = None) -> list[tuple[str, str]]:
    """An audit event's detail as (words, value) pairs: known keys named, jurisdiction,
    step, material and status codes turned into names, lists joined."""
    out = []
    for key, value in (detail or {}).items():
        if key == "step" and "step_name" in (detail or {}):
            continue
        if key == "step" and isinstance(value, str):
            value = step_name(jurisdiction, category, value)
            if not value:
                continue
        elif key == "material" and isinstance(value, str):
            value = material_name(jurisdiction, category, value) or value
        elif key in ("status", "from_status", "to_status") and isinstance(value, str):
            value = status_label(value)
        elif key in ("role", "role_before") and isinstance(value, str):  # role_before: issue 22 roles
            value = role_label(value)
        elif key == "jurisdiction" and isinstance(value, str):
            value = jurisdiction_label(value)
        elif key in ("jurisdictions", "jurisdictions_before", "jurisdictions_after") and isinstance(value, list):
            value = "、".join(jurisdiction_label(v) for v in value)
        elif isinstance(value, list):
            value = "、".join(str(v) for v in value)
        elif isinstance(value, bool):
            value = gettext("Yes") if value else gettext("No")
        out.append((str(DETAIL_KEY_LABELS.get(key, key)), "" if value is None else str(value)))
    return out


def fact_label(key: str | None) -> str:
    """A fact of the application (docs CONTRACTS §1) by its policy term, e.g. 众创空间（使用）总面积."""
    return FACT_LABELS.get(key or "", key or "")
