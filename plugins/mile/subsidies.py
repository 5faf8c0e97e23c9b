"""弥勒市: support attached to recognition and to the annual assessment.

弥政办发〔2017〕5号 fixes no amount anywhere: every rule is support without a fixed
amount (``amount_cny=None``), and the assessment subsidy's amount is a bureau setting.
"""
from core import hookimpl
from core.policy import Citation, SubsidyRule, TitlePrerequisite
from plugins.mile.policy import DOC, JURISDICTION

# Levels of the title a space holds: 弥勒's own title is municipal (市级); 附件1 also
# supports "省州市众创空间" — 州 (红河州) titles are counted as municipal-level here,
# the only level code below provincial.
OWN = ("municipal",)
PROVINCE_PREFECTURE_CITY = ("provincial", "municipal")

RULES = [
    SubsidyRule("mile.assessment_subsidy", "年度考核政策性补助", "evaluated", Citation(DOC, "第十五条"),
                amount_cny=None, grades=("excellent", "good", "qualified"),
                note="根据量化打分考核排序给予政策性补助，金额由市农科局设定；考核不合格的限期整改",
                setting_key="assessment_subsidy_cny", category="assessment_award"),
    SubsidyRule("mile.fiscal_guidance", "财政引导", "recognized", Citation(DOC, "第九条"), levels=OWN,
                note="协调市级有关部门鼓励创新创业促进就业资金优先支持"),
    SubsidyRule("mile.financial_support", "金融支持", "recognized", Citation(DOC, "第十条"),
                levels=PROVINCE_PREFECTURE_CITY,
                note="鼓励和引导民间资本、风险投资投向省州市众创空间；引导其企业在股权众筹平台、"
                     "区域股权交易市场、“新三板”挂牌和融资"),
    SubsidyRule("mile.service_improvement", "服务提升", "recognized", Citation(DOC, "第十一条"),
                levels=PROVINCE_PREFECTURE_CITY,
                note="帮助办理工商、税务注册登记、财务管理、纳税申报、知识产权申请等服务；"
                     "对开展的科技服务活动提供帮助、指导和宣传"),
    SubsidyRule("mile.resource_sharing", "科技资源开放共享", "recognized", Citation(DOC, "第十二条"),
                levels=PROVINCE_PREFECTURE_CITY,
                note="工程（技术）研究中心、重点实验室等科技创新载体优先免费或低价开放共享科技资源"),
    SubsidyRule("mile.talent_support", "人才扶持", "recognized", Citation(DOC, "第十三条"),
                levels=PROVINCE_PREFECTURE_CITY,
                note="聘请知名企业家、成功创业者、天使投资人等给予人才和智力支持；创业导师库提供全流程指导服务"),
    # The 实施意见 itself (not 附件1): 二、主要任务（四）加强财政资金引导.  "省州级认定": a 省级
    # or a 州级 (红河州) title, so listed for provincial and municipal (州级 counts as
    # municipal, above); a title of 弥勒 alone is not 州级, which the note says.
    SubsidyRule("mile.project_funds", "争取项目资金扶持", "recognized", Citation(DOC, "二", "（四）"),
                levels=PROVINCE_PREFECTURE_CITY,
                note="对通过省州级认定的众创空间，积极争取项目资金给予扶持（适用于通过云南省或红河州认定的众创空间；"
                     "仅获弥勒市认定的不在此列）"),
]


@hookimpl
def zc_subsidy_rules(jurisdiction, policy):
    if jurisdiction == JURISDICTION.code:
        return list(RULES)


# 二（四）: "对通过省州级认定的众创空间，积极争取项目资金给予扶持": owed only to a space that holds a
# 云南省 (省级) or 红河州 (州级, counted as municipal) title — granted in this deployment or recorded
# as won elsewhere — and not for 弥勒's own title alone.
PREREQUISITES = [
    TitlePrerequisite(
        code="mile.provincial_or_prefecture_title", applies_to="mile.project_funds",
        levels=PROVINCE_PREFECTURE_CITY, citation=Citation(DOC, "二", "（四）"),
        message="须持有省级或州级众创空间称号（通过省州级认定）",
        reading="“通过省州级认定的众创空间”：持有云南省（省级）或红河州（州级）认定称号的众创空间，无论称号由本平台授予"
                "还是登记为外部称号；仅获弥勒市认定的不在此列",
    ),
]


@hookimpl
def zc_title_prerequisites(jurisdiction, policy):
    if jurisdiction == JURISDICTION.code:
        return list(PREREQUISITES)
