"""云南省: support for 众创空间 in the provincial opinion on 众创空间 serving the real
economy (support measures; 云科规〔2021〕1号 itself grants no money).

Our copy of that opinion carries no document number.  昆科发〔2017〕55号 cites it as
《云南省人民政府办公厅关于加快众创空间发展服务实体经济转型升级的实施意见》
（云政办发（2016）65号）: that is the number used here, with the usual 〔〕 brackets.

The opinion fixes no amount: every rule is ``amount_cny=None`` with a note, and it
applies to 众创空间 of every level (``levels=None``).

The opinion has no end date and does not depend on the 办法: its rules are bound to
their own :class:`~core.policy.SupportDocument`, so they are listed while the opinion
is in force even after 云科规〔2021〕1号 lapsed (2026-04-03).  Its (十五)
(扶持情况上网公示，避免多头重复支持) is not implemented here.
"""
from datetime import date

from core import hookimpl
from core.policy import Citation, SubsidyRule, SupportDocument
from plugins.yunnan.policy import JURISDICTION

OPINION_NUMBER = "云政办发〔2016〕65号"
SUPPORT = "三、加大政策支持力度"

# Our copy carries no date.  The number says it was issued in 2016 and such an opinion
# applies from issue, so it was surely in force on the last day of 2016 (and 昆科发〔2017〕55号
# of 2017-06-06 cites it as in force): we take 2016-12-31, never claiming support
# before the document surely existed.
OPINION = SupportDocument(
    document=OPINION_NUMBER,
    title="云南省人民政府办公厅关于加快众创空间发展服务实体经济转型升级的实施意见",
    effective_from=date(2016, 12, 31),
    effective_to=None,
    note="本平台所存文本无印发日期、无有效期限：文号表明2016年印发，平台自2016-12-31起适用"
         "（昆科发〔2017〕55号于2017-06-06引用该意见）；未规定有效期止，长期适用，与云科规〔2021〕1号的有效期无关",
)

RULES = (
    SubsidyRule(
        code="yunnan.operating_subsidy",
        name="房租、宽带网络费用、公共软件、开发工具、导师培训、宣传推广补助",
        event="recognized",
        citation=Citation(OPINION_NUMBER, SUPPORT, "（九）"),
        note="各级政府综合运用无偿资助、业务奖励、后补助等方式给予持续稳定的补助；未定金额",
        support=OPINION,
        category="space_funding",
    ),
    SubsidyRule(
        code="yunnan.tax_incentives",
        name="税收优惠（研发仪器设备加速折旧、进口科研仪器设备税收优惠、研发费用加计扣除、科技企业孵化器税收政策）",
        event="recognized",
        citation=Citation(OPINION_NUMBER, SUPPORT, "（十）"),
        note="符合有关规定条件的，按税收规定享受；非定额资金",
        support=OPINION,
    ),
    SubsidyRule(
        code="yunnan.financial_support",
        name="金融资本支持（天使投资、创业投资与众创空间结合，省科技成果转化与创业投资基金支持）",
        event="recognized",
        citation=Citation(OPINION_NUMBER, SUPPORT, "（十一）"),
        note="引导性支持，未定金额",
        support=OPINION,
    ),
)


@hookimpl
def zc_subsidy_rules(jurisdiction, policy):
    if jurisdiction == JURISDICTION.code:
        return list(RULES)
