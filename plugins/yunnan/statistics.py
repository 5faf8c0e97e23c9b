"""云南省: the annual statistics (云科规〔2021〕1号 认定与管理 “管理”).

"通过认定的省级众创空间每年应按照要求填报相关统计数据，并确保数据的真实性": the measures
ask for the figures but print no form, so the core's default return applies.  A return is
checked by the 州（市）科技局 of the space's area, whose role the measures' 总则 sets
(认定推荐; the same bureau checks change reports, 认定与管理), before the province reads it.
"""
from core import hookimpl
from core.policy import Citation, StatisticsForm
from plugins.yunnan.policy import DOC, JURISDICTION, MANAGEMENT

FORM = StatisticsForm(
    jurisdiction=JURISDICTION.code,
    citation=Citation(DOC, MANAGEMENT, "管理"),
    checked_by="region",
    checked_by_citation=Citation(DOC, "总则"),
)


@hookimpl
def zc_statistics_form(jurisdiction, year):
    if jurisdiction == JURISDICTION.code:
        return FORM
