"""昆明市: the annual statistics (昆科发〔2017〕55号 第四条 绩效统计, 第十八条).

第四条 has the district bureaus assist with 绩效统计 of the city's spaces; 第十八条 assesses
集聚能力、服务能力、融资能力、孵化成果 every year, which the figures of the core's default
return describe.  The measures print no form; the city bureau checks the returns.
"""
from core import hookimpl
from core.policy import Citation, StatisticsForm
from plugins.kunming.policy import DOC, JURISDICTION

FORM = StatisticsForm(
    jurisdiction=JURISDICTION.code,
    citation=Citation(DOC, "第四条"),
    checked_by="officer",
    note="第十八条按集聚能力、服务能力、融资能力、孵化成果进行年度考核，统计数据为其依据",
)


@hookimpl
def zc_statistics_form(jurisdiction, year):
    if jurisdiction == JURISDICTION.code:
        return FORM
