"""云南省: duplicate support across jurisdictions (云政办发〔2016〕65号 四、组织实施 (十五)).

(十五) asks that "各地各部门对众创空间等平台的扶持情况要上网公示，做到公开透明，避免多头重复支持".
It prohibits nothing by itself: the rule below flags the same kind of money for the building and
running of one space (昆明 第十三条 建设引导资金, the opinion's own (九) 房租、宽带网络等补助) from two
jurisdictions of 云南 (the province, 昆明, 弥勒), so the approving officer sees it and writes why the
support is not a duplicate.  How many years apart still count is not in the text: the provincial
bureau's setting ``overlap_years``; unset, every year counts.
"""
from core import hookimpl
from core.policy import Citation, OverlapRule
from plugins.yunnan.policy import JURISDICTION
from plugins.yunnan.subsidies import OPINION_NUMBER

ORGANISATION = "四、组织实施"

OVERLAP_YEARS = "overlap_years"

RULES = (
    OverlapRule(
        code="yunnan.same_space_funding",
        message="同一众创空间在两个层级获得同类建设运营资金支持（建设引导资金、房租宽带等运行补助）",
        citation=Citation(OPINION_NUMBER, ORGANISATION, "（十五）"),
        categories=("space_funding",),
        same="space",
        different_levels=True,
        years_setting=OVERLAP_YEARS,
        reading="（十五）要求“避免多头重复支持”，未列举何为重复、未规定年限：平台把昆明市第十三条建设引导资金、"
                "本意见（九）房租宽带等补助、徐州市五（一）运行补助视为同类“建设运营资金支持”；同一众创空间在云南省内"
                "两个不同的认定机关获得此类支持、且年份相差不超过省科技厅设定的年限（overlap_years，未设定时不限年份）的，"
                "标记为可能重复；标记不禁止审批，经办人员写明理由后可以审批，标记与理由留存备查",
    ),
)


@hookimpl
def zc_overlap_rules(jurisdiction):
    if jurisdiction == JURISDICTION.code:
        return list(RULES)
