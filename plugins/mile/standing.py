"""弥勒市: what the annual assessment's result makes of a title (弥政办发〔2017〕5号 附件1 第十五条).

"对考核不合格的众创空间，限期整改；连续两年考核不合格的，取消省州市众创空间称号。"  The
article sets no length for 限期整改 (the bureau's setting ``rectification_months``), no
consequence of a failed rectification beyond the two-year rule, no ban, and no period to
report a change (the bureau's setting ``change_report_months``, core.monitoring.changes).
"""
from core import hookimpl
from core.policy import Citation, StandingPeriod, StandingRule, StandingRules
from plugins.mile.policy import DOC, JURISDICTION

ASSESSMENT = Citation(DOC, "第十五条")

RULES = StandingRules(
    jurisdiction=JURISDICTION.code,
    citation=ASSESSMENT,
    rules=(
        StandingRule(id="mile.failed_assessment", test="assessment_failed", standing="rectification",
                     citation=ASSESSMENT, title="考核不合格，限期整改", message="{years} 年度考核不合格，限期整改"),
        StandingRule(id="mile.two_failed_years", test="assessments_failed_consecutive", count=2,
                     standing="revocation_due", citation=ASSESSMENT, title="连续两年考核不合格",
                     message="{years} 年度连续两年考核不合格", grounds=("assessment",)),
    ),
    change_report=StandingPeriod("change_report_months", "months", bureau_setting=True),
    rectification_period=StandingPeriod("rectification_months", "months", bureau_setting=True),
)


@hookimpl
def zc_standing_rules(jurisdiction, policy):
    if jurisdiction == JURISDICTION.code:
        return RULES
