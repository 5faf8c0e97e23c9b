"""徐州市: 五、保障措施 （一）专项支持众创空间建设 (徐政发〔2016〕12号).

One-time awards for 重点众创空间 recognised at national / provincial / municipal
level (50 / 40 / 30 万元); about 20 万元 for 优秀 or 良好 in the evaluation by a
social (third-party) organisation; operating subsidies without a fixed amount.
Paid from the 2000 万元 市众创空间奖补资金 of the same item.
"""
from core import hookimpl
from core.policy import SubsidyRule, SupportFundRule
from plugins.xuzhou.policy import JURISDICTION, SPECIAL_SUPPORT

RECOGNITION_NOTE = "一次性奖励补助"

RULES = (
    SubsidyRule("xuzhou.award_national", "国家级重点众创空间一次性奖励补助", "recognized", SPECIAL_SUPPORT,
                amount_cny=500_000, levels=("national",), note=RECOGNITION_NOTE, category="title_award"),
    SubsidyRule("xuzhou.award_provincial", "省级重点众创空间一次性奖励补助", "recognized", SPECIAL_SUPPORT,
                amount_cny=400_000, levels=("provincial",), note=RECOGNITION_NOTE, category="title_award"),
    SubsidyRule("xuzhou.award_municipal", "市级重点众创空间一次性奖励补助", "recognized", SPECIAL_SUPPORT,
                amount_cny=300_000, levels=("municipal",), note=RECOGNITION_NOTE, category="title_award"),
    SubsidyRule(
        "xuzhou.evaluation_award", "评价考核优秀或良好奖补", "evaluated", SPECIAL_SUPPORT,
        amount_cny=200_000, grades=("excellent", "good"),
        note="由社会机构评价考核；政策为“20 万元左右”，市科技局可在本局设定中调整金额",
        setting_key="evaluation_award_cny", approximate=True, category="assessment_award",
        reading="“给予20万元左右的奖补”是约数：平台以政策所述的20万元列出并计入合计，标注为政策约数；"
                "市科技局确定实际金额的，以其设置（evaluation_award_cny）为准",
    ),
    SubsidyRule(
        "xuzhou.operating_subsidy", "运行补助及房租、宽带网络、公共软件、公共技术服务平台建设和运行补贴",
        "recognized", SPECIAL_SUPPORT,
        note="从市众创空间奖补资金中给予运行补助和适当补贴；未定金额",
        category="space_funding",
    ),
)


@hookimpl
def zc_subsidy_rules(jurisdiction, policy):
    if jurisdiction == JURISDICTION.code:
        return list(RULES)


# 五（一）: "设立 2000 万元的市众创空间奖补资金": the awards above are paid from it.
FUND = SupportFundRule(
    code="xuzhou.award_fund",
    name="市众创空间奖补资金",
    citation=SPECIAL_SUPPORT,
    amount_cny=20_000_000,
    reading="五（一）“设立 2000 万元的市众创空间奖补资金”未写明是一年的额度还是总额：平台按年度登记资金，"
            "登记时默认金额为文件所定的 2000 万元（注明出处），市科技局可按当年预算改为本局金额（注明为本局设定）",
)


@hookimpl
def zc_support_funds(jurisdiction, policy):
    if jurisdiction == JURISDICTION.code:
        return [FUND]
