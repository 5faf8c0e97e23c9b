"""徐州市: the opinion sets no consequence for a title's record (徐政发〔2016〕12号 五（五）).

It orders "动态管理" and an assessment, and sends the management of 市重点众创空间 to
徐政发〔2015〕73号, which the platform does not have: no rectification, revocation or ban is
encoded, and the answer says so.  A change may still be reported within the bureau's own
period (``change_report_months``, core.monitoring.changes), never cited as policy.
"""
from core import hookimpl
from core.policy import StandingPeriod, StandingRules
from plugins.xuzhou.policy import CRITERIA_DOC, DOC, JURISDICTION, SUPERVISION

RULES = StandingRules(
    jurisdiction=JURISDICTION.code,
    citation=SUPERVISION,
    change_report=StandingPeriod("change_report_months", "months", bureau_setting=True),
    note=f"{DOC} 未规定考核不合格、整改或撤销称号的后果（市重点众创空间的管理按 {CRITERIA_DOC} 执行，"
         "本系统未收录该文件）：本系统不设定任何后果，称号状态按“正常”答复",
)


@hookimpl
def zc_standing_rules(jurisdiction, policy):
    if jurisdiction == JURISDICTION.code:
        return RULES
