"""昆明市: support attached to recognition (昆科发〔2017〕55号 第十三条至第十七条).

Only 第十三条 fixes an amount; the others are support without one.  第十八条's annual
assessment carries no money (rectification and removal only), so there is no
``evaluated`` rule.
"""
from core import hookimpl
from core.policy import Citation, SubsidyRule
from plugins.kunming.policy import DOC, JURISDICTION

MUNICIPAL = ("municipal",)  # the 昆明市众创空间 title is a municipal-level recognition

RULES = [
    SubsidyRule("kunming.guidance_fund", "众创空间建设引导资金", "recognized", Citation(DOC, "第十三条"),
                amount_cny=100_000, levels=MUNICIPAL, note="一次性给予，用于众创空间条件建设", category="space_funding"),
    SubsidyRule("kunming.listing_financing", "鼓励挂牌和融资", "recognized", Citation(DOC, "第十四条"),
                levels=MUNICIPAL,
                note="鼓励孵化的企业在股权众筹平台、区域股权交易市场、“新三板”进行挂牌和融资"),
    SubsidyRule("kunming.resource_sharing", "科技资源开放共享", "recognized", Citation(DOC, "第十五条"),
                levels=MUNICIPAL, note="市级工程（技术）研究中心、重点实验室、院士工作站等科技创新平台向市众创空间开放"),
    SubsidyRule("kunming.mentor_support", "人才和智力支持", "recognized", Citation(DOC, "第十六条"),
                levels=MUNICIPAL, note="发挥市科技创新创业梦想导师作用，提供全流程创新创业指导服务"),
    SubsidyRule("kunming.priority", "申报科技创新服务平台优先", "recognized", Citation(DOC, "第十七条"),
                levels=MUNICIPAL, note="申报下一年度市级科技孵化器、重点实验室等科技创新服务平台，同等条件下予以优先"),
]


@hookimpl
def zc_subsidy_rules(jurisdiction, policy):
    if jurisdiction == JURISDICTION.code:
        return list(RULES)
