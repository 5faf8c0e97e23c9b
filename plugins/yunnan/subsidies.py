"""云南省: support for 众创空间 in the provincial opinion on 众创空间 serving the real
economy (support measures; 云科规〔2021〕1号 itself grants no money).

Our copy of that opinion carries no document number.  昆科发〔2017〕55号 cites it as
《云南省人民政府办公厅关于加快众创空间发展服务实体经济转型升级的实施意见》
（云政办发（2016）65号）: that is the number used here, with the usual 〔〕 brackets.

The opinion fixes no amount: every rule is ``amount_cny=None`` with a note, and it
applies to 众创空间 of every level (``levels=None``).
"""
from core import hookimpl
from core.policy import Citation, SubsidyRule
from plugins.yunnan.policy import JURISDICTION

OPINION = "云政办发〔2016〕65号"
SUPPORT = "三、加大政策支持力度"

RULES = (
    SubsidyRule(
        code="yunnan.operating_subsidy",
        name="房租、宽带网络费用、公共软件、开发工具、导师培训、宣传推广补助",
        event="recognized",
        citation=Citation(OPINION, SUPPORT, "（九）"),
        note="各级政府综合运用无偿资助、业务奖励、后补助等方式给予持续稳定的补助；未定金额",
    ),
    SubsidyRule(
        code="yunnan.tax_incentives",
        name="税收优惠（研发仪器设备加速折旧、进口科研仪器设备税收优惠、研发费用加计扣除、科技企业孵化器税收政策）",
        event="recognized",
        citation=Citation(OPINION, SUPPORT, "（十）"),
        note="符合有关规定条件的，按税收规定享受；非定额资金",
    ),
    SubsidyRule(
        code="yunnan.financial_support",
        name="金融资本支持（天使投资、创业投资与众创空间结合，省科技成果转化与创业投资基金支持）",
        event="recognized",
        citation=Citation(OPINION, SUPPORT, "（十一）"),
        note="引导性支持，未定金额",
    ),
)


@hookimpl
def zc_subsidy_rules(jurisdiction, policy):
    if jurisdiction == JURISDICTION.code:
        return list(RULES)
