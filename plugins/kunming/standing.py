"""昆明市: what the annual assessment's result makes of a title (昆科发〔2017〕55号 第十八条).

"考核不合格的提出限期整改；整改不合格的，取消昆明市众创空间称号。"  The article sets no
length for 限期整改 (the bureau's setting ``rectification_months``), no ban, and no period to
report a change (the bureau's setting ``change_report_months``, core.monitoring.changes).
"""
from core import hookimpl
from core.policy import Citation, StandingPeriod, StandingRule, StandingRules
from plugins.kunming.policy import DOC, JURISDICTION

ASSESSMENT = Citation(DOC, "第十八条")

RULES = StandingRules(
    jurisdiction=JURISDICTION.code,
    citation=ASSESSMENT,
    rules=(
        StandingRule(id="kunming.failed_assessment", test="assessment_failed", standing="rectification",
                     citation=ASSESSMENT, title="考核不合格，限期整改", message="{years} 年度考核不合格，限期整改"),
        StandingRule(id="kunming.failed_rectification", test="rectification_failed", standing="revocation_due",
                     citation=ASSESSMENT, title="整改不合格",
                     message="整改不合格（{on} 责令整改，期限至 {deadline}）", grounds=("rectification",)),
    ),
    change_report=StandingPeriod("change_report_months", "months", bureau_setting=True),
    rectification_period=StandingPeriod("rectification_months", "months", bureau_setting=True),
)


@hookimpl
def zc_standing_rules(jurisdiction, policy):
    if jurisdiction == JURISDICTION.code:
        return RULES
