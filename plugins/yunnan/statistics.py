"""云南省: the annual statistics (云科规〔2021〕1号 认定与管理 “管理”).

"通过认定的省级众创空间每年应按照要求填报相关统计数据，并确保数据的真实性": the measures
ask for the figures but print no form, so the core's default return applies.  A return is
checked by the 州（市）科技局 of the space's area, whose role the measures' 总则 sets
(认定推荐; the same bureau checks change reports, 认定与管理), before the province reads it.

The measures were in force from 2021-04-04 to 2026-04-03: they ask for the figures of the
years they covered, 2021 to 2026 (our reading: a year is covered when the measures were in
force on any of its days).  For a later year no document of ours asks for them: the return
is then the bureau's own requirement, with no citation, until a successor is registered.
"""
from core import hookimpl
from core.policy import Citation, StatisticsForm
from plugins.yunnan.policy import DOC, JURISDICTION, MANAGEMENT, POLICY_2021

FORM = StatisticsForm(
    jurisdiction=JURISDICTION.code,
    citation=Citation(DOC, MANAGEMENT, "管理"),
    checked_by="region",
    checked_by_citation=Citation(DOC, "总则"),
)


AFTER = StatisticsForm(
    jurisdiction=JURISDICTION.code,
    checked_by="region",
    note=f"{DOC}已于{POLICY_2021.effective_to.isoformat()}失效；此后年度的统计数据由省科技厅自行要求（本局设定），"
         "未登记新的政策依据",
)


@hookimpl
def zc_statistics_form(jurisdiction, year):
    if jurisdiction == JURISDICTION.code:
        covered = POLICY_2021.effective_from.year <= year <= POLICY_2021.effective_to.year
        return FORM if covered else AFTER
