"""昆明市: who recognises, and the policy versions (昆科发〔2017〕55号).

Every threshold a criterion reads is a :class:`Parameter` here, with the article it
comes from, so a bureau override and the admin's policy page use the same data.
"""
from datetime import date

from core import hookimpl
from core.policy import Category, Citation, Jurisdiction, Parameter, PolicyVersion

DOC = "昆科发〔2017〕55号"

JURISDICTION = Jurisdiction(
    code="kunming",
    name="昆明市",
    level="city",
    region_prefixes=("5301",),
    authority="昆明市科学技术局",
    parent="yunnan",
)

PARAMETERS = (
    # 第五条（三） "成立时间在半年以上": at least 6 full calendar months (满6个月, 民法典
    # 第201、202条) from space_opened_on to the as-of date; "以上" includes the 6.
    Parameter("min_operating_months", "众创空间成立时间下限（满，含）", 6, Citation(DOC, "第五条", "（三）"), "个月"),
    Parameter("min_area_m2", "众创空间场地面积下限（含）", 300, Citation(DOC, "第七条", "（一）"), "㎡"),
    Parameter("min_lease_years", "租赁期下限（含）", 3, Citation(DOC, "第七条", "（一）"), "年"),
    Parameter("min_public_area_percent", "公共办公场所面积占众创空间面积比例下限（含）", 10,
              Citation(DOC, "第七条", "（一）"), "%"),
    Parameter("min_residents", "入驻符合条件的小微企业或创业团队数下限（含）", 10,
              Citation(DOC, "第七条", "（二）"), "个"),
    Parameter("required_services", "须具备的服务能力", ("registration", "legal", "finance", "policy"),
              Citation(DOC, "第七条", "（三）")),
    # Change reports (变更报告): the document sets no period; the bureau may set one
    # (core.monitoring.changes), shown as its own setting, never cited as policy.
    # 第十八条: "限期整改" names no length — the deadline of a rectification is the bureau's (core.monitoring.standing).
    Parameter("rectification_months", "考核不合格限期整改的期限（本局设定）", None, Citation(DOC, "第十八条"), "个月",
              bureau_setting=True, reading="第十八条只规定“限期整改”，未规定期限：由本局设定（非政策规定）；"
                      "未设定时由经办人员在下达整改时逐件填写期限"),
    Parameter("change_report_months", "认定条件变化后报告的期限（本局设定）", None, None, "个月",
              bureau_setting=True, reading="政策未规定报告期限，由本局设定（非政策规定）；"
                      "未设定时变更仍可报告，但无报告期限"),
)

POLICY_2017 = PolicyVersion(
    jurisdiction="kunming",
    document=DOC,
    title="昆明市众创空间认定管理办法",
    # 第十九条: 自印发之日起施行; 印发 2017年6月6日.
    effective_from=date(2017, 6, 6),
    effective_to=None,
    categories=(
        Category("tech_support", "技术支撑类", Citation(DOC, "第二条")),
        Category("comprehensive_service", "综合服务类", Citation(DOC, "第二条")),
    ),
    notice_days=7,
    notice_citation=Citation(DOC, "第十一条"),
    parameters=PARAMETERS,
    award_title="昆明市众创空间",
    award_citation=Citation(DOC, "第十二条"),
    note="市科技局发布申报通知，申报单位按通知要求报送电子版、纸件申报材料（第八条）。",
    intake="call",  # 第八条: 市科技局发布申报通知 — applications only in answer to a call
    intake_citation=Citation(DOC, "第八条"),
)

POLICIES = [POLICY_2017]


@hookimpl
def zc_jurisdiction():
    return JURISDICTION


@hookimpl
def zc_policies(jurisdiction):
    if jurisdiction == JURISDICTION.code:
        return POLICIES
