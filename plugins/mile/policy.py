"""弥勒市: who recognises, and the policy versions (弥政办发〔2017〕5号 附件1).

Every threshold a criterion reads is a :class:`Parameter` here, with the article it
comes from, so a bureau override and the admin's policy page use the same data.
"""
from datetime import date

from core import hookimpl
from core.policy import Category, Citation, Jurisdiction, Parameter, PolicyVersion

DOC = "弥政办发〔2017〕5号"

JURISDICTION = Jurisdiction(
    code="mile",
    name="弥勒市",
    level="county",
    region_prefixes=("532504",),
    authority="弥勒市农业和科学技术局",
    parent="yunnan",
)

PARAMETERS = (
    Parameter("min_area_m2", "众创空间面积下限（含）", 200, Citation(DOC, "第五条", "（二）"), "㎡"),
    Parameter("min_residents", "入驻符合条件的小微企业或创业团队数下限（含）", 10,
              Citation(DOC, "第五条", "（二）"), "个"),
    Parameter("min_public_area_percent", "公共办公场所面积占众创空间面积比例下限（含）", 10,
              Citation(DOC, "第五条", "（二）"), "%"),
    # "第一年提供免费入驻服务（包括免租金…），第二年按市价的30%收取租金，第三年按市价的50%":
    # read as ceilings — charging less favours the residents, which is the rule's purpose.
    Parameter("max_rent_ratio_year1", "第一年租金占市价比例上限（免租金）", 0, Citation(DOC, "第五条", "（三）")),
    Parameter("max_rent_ratio_year2", "第二年租金占市价比例上限", 0.3, Citation(DOC, "第五条", "（三）")),
    Parameter("max_rent_ratio_year3", "第三年租金占市价比例上限", 0.5, Citation(DOC, "第五条", "（三）")),
    Parameter("min_management_staff", "管理服务人员数下限（含）", 5, Citation(DOC, "第五条", "（四）"), "名"),
    Parameter("required_management_rules", "须建立的管理制度", ("admission", "finance", "operations"),
              Citation(DOC, "第五条", "（五）")),
    Parameter("required_services", "须提供的服务", ("registration",), Citation(DOC, "第五条", "（六）")),
    # 第十五条 grants 政策性补助 by ranking but names no amount: the bureau sets it.
    Parameter("assessment_subsidy_cny", "年度考核政策性补助金额", None, Citation(DOC, "第十五条"), "元",
              bureau_setting=True),
    # Change reports (变更报告): the document sets no period; the bureau may set one
    # (core.monitoring.changes), shown as its own setting, never cited as policy.
    # 第十五条: "限期整改" names no length — the deadline of a rectification is the bureau's (core.monitoring.standing).
    Parameter("rectification_months", "考核不合格限期整改的期限（本局设定）", None, Citation(DOC, "第十五条"), "个月",
              bureau_setting=True, reading="第十五条只规定“限期整改”，未规定期限：由本局设定（非政策规定）；"
                      "未设定时由经办人员在下达整改时逐件填写期限"),
    Parameter("change_report_months", "认定条件变化后报告的期限（本局设定）", None, None, "个月",
              bureau_setting=True, reading="政策未规定报告期限，由本局设定（非政策规定）；"
                      "未设定时变更仍可报告，但无报告期限"),
)

POLICY_2017 = PolicyVersion(
    jurisdiction="mile",
    document=DOC,
    title="弥勒市众创空间认定管理办法（试行）",
    # 第十六条: 自印发之日起施行; 印发 2017年1月12日.
    effective_from=date(2017, 1, 12),
    effective_to=None,
    categories=(
        Category("comprehensive", "综合型", Citation(DOC, "第二条")),
        Category("specialized", "专业型", Citation(DOC, "第二条")),
    ),
    notice_days=15,
    notice_citation=Citation(DOC, "第七条"),
    parameters=PARAMETERS,
    award_title="弥科xxx众创空间",
    award_citation=Citation(DOC, "第七条"),
    note="市农科局常年受理申报，分批组织专家实地查验和集中评审（第七条）。",
    intake="year_round",  # 第七条: 常年受理 … 分批组织专家实地查验和集中评审
    intake_citation=Citation(DOC, "第七条"),
)

POLICIES = [POLICY_2017]


@hookimpl
def zc_jurisdiction():
    return JURISDICTION


@hookimpl
def zc_policies(jurisdiction):
    if jurisdiction == JURISDICTION.code:
        return POLICIES
