"""弥勒市: the annual statistics (弥政办发〔2017〕5号 三、组织实施 （四）).

The 实施意见 has the 农科局 do the 统计汇总 of the spaces and report on progress; 附件1 prints
no form, so the core's default return applies, checked by the 农科局 itself.
"""
from core import hookimpl
from core.policy import Citation, StatisticsForm
from plugins.mile.policy import DOC, JURISDICTION

FORM = StatisticsForm(
    jurisdiction=JURISDICTION.code,
    citation=Citation(DOC, "三", "（四）"),
    checked_by="officer",
)


@hookimpl
def zc_statistics_form(jurisdiction, year):
    if jurisdiction == JURISDICTION.code:
        return FORM
