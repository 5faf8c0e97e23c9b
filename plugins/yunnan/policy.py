"""云南省: who recognises, and the policy versions (云科规〔2021〕1号).

The 2021 measures replaced 云科办发〔2015〕4号 (whose text we do not have, so it is
not encoded) and lapsed after 2026-04-03.  No successor is encoded: until a bureau
registers one, the system answers that no Yunnan policy is in force.
"""
from datetime import date

from core import hookimpl
from core.policy import Category, Citation, Jurisdiction, Parameter, PolicyVersion

DOC = "云科规〔2021〕1号"

# The measures have no 第X条 articles: the conditions are numbered 1–10 under this
# heading, and the other provisions sit under the headings below, cited as printed.
CONDITIONS = "申报省级众创空间的认定条件"
RESIDENT_RULES = "服务对象及入驻时限要求"
MANAGEMENT = "认定与管理"


def _condition(item: str) -> Citation:
    return Citation(DOC, CONDITIONS, item)


# Every threshold a criterion reads, so a bureau override and the admin's policy
# page use the same data.
PARAMETERS = (
    Parameter("min_operating_months", "已运营月数（满）", 12, _condition("1"), "个月"),
    Parameter("min_total_area_m2", "使用总面积（不低于）", 500, _condition("2"), "㎡"),
    Parameter("min_workstations", "创业工位（不少于）", 20, _condition("2"), "个"),
    Parameter("min_contracted_residents", "每年协议入驻创业团队和企业（以上）", 15, _condition("5"), "家"),
    Parameter("min_new_enterprises", "每年入驻团队注册成为新企业（不低于）", 3, _condition("6"), "家"),
    Parameter("min_financed_teams", "每年获得投融资的团队（不低于）", 1, _condition("6"), "家"),
    Parameter("min_typical_cases", "每年典型孵化案例（不少于）", 2, _condition("7"), "个"),
    Parameter("min_full_time_staff", "具备专业服务能力的专职人员（至少）", 3, _condition("8"), "名"),
    Parameter("min_mentors", "专兼职创业导师（至少）", 3, _condition("8"), "名"),
    Parameter("min_investment_projects", "实际投资项目（以上）", 1, _condition("9"), "个"),
    Parameter("min_events", "每年沙龙、路演、培训讲堂、创业训练营等活动（不少于）", 8, _condition("10"), "次"),
    Parameter("max_resident_age_months", "申请入驻时企业的成立时间（≤）", 12,
              Citation(DOC, RESIDENT_RULES, "申请入驻时企业的成立时间"), "个月"),
    Parameter("max_residence_months", "入驻时限（≤）", 24, Citation(DOC, RESIDENT_RULES, "入驻时限"), "个月"),
    Parameter("change_report_months", "认定条件变化后向州（市）科技局报告的期限", 3,
              Citation(DOC, MANAGEMENT, "管理"), "个月"),
    Parameter("fraud_ban_years", "虚报、瞒报、造假查实后不得再次申报的年限", 2,
              Citation(DOC, MANAGEMENT, "管理"), "年"),
    Parameter("rectification_years", "经营出现问题时的整改期限", 1,
              Citation(DOC, MANAGEMENT, "动态考核评价"), "年"),
    Parameter("unreported_years_for_removal", "连续未填报统计数据即取消认定的年数", 2,
              Citation(DOC, MANAGEMENT, "动态考核评价"), "年"),
    # The measures name no public-notice (公示) period: the bureau enters it.
    Parameter("notice_days", "公示期", None, Citation(DOC, MANAGEMENT, "认定的基本程序"), "天",
              bureau_setting=True),
)

JURISDICTION = Jurisdiction(
    code="yunnan",
    name="云南省",
    level="province",
    region_prefixes=("53",),
    authority="云南省科学技术厅",
    parent=None,
)

POLICY_2021 = PolicyVersion(
    jurisdiction="yunnan",
    document=DOC,
    title="云南省众创空间认定管理办法",
    # 附则: 自2021年4月4日起施行，有效期至2026年4月3日止.
    effective_from=date(2021, 4, 4),
    effective_to=date(2026, 4, 3),
    categories=(Category("provincial", "省级众创空间", Citation(DOC, CONDITIONS)),),
    notice_days=None,  # the measures set no 公示 period: a bureau setting
    notice_citation=None,
    replaces="云科办发〔2015〕4号",
    parameters=PARAMETERS,
    award_title="云南省省级众创空间",
    award_citation=Citation(DOC, MANAGEMENT),
    # Our copy's "认定的基本程序" carries no text: the measures say nothing of a call or
    # of year-round intake, so year_round (the default) — the bureau may still issue calls.
    intake="year_round",
    note="本办法未规定申报受理方式（“认定的基本程序”无正文），平台按常年受理处理；省科技厅发布申报通知的，按通知执行。",
)

POLICIES = [POLICY_2021]


@hookimpl
def zc_jurisdiction():
    return JURISDICTION


@hookimpl
def zc_policies(jurisdiction):
    if jurisdiction == JURISDICTION.code:
        return POLICIES
