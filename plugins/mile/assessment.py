"""弥勒市: the annual assessment after recognition (弥政办发〔2017〕5号 附件1 第十五条)."""
from core import hookimpl
from core.policy import AssessmentDimension, AssessmentScheme, Citation
from plugins.mile.policy import DOC, JURISDICTION

SCHEME = AssessmentScheme(
    citation=Citation(DOC, "第十五条"),
    dimensions=(
        AssessmentDimension("carrying_capacity", "创业承载能力"),
        AssessmentDimension("service_capacity", "支撑服务能力"),
        AssessmentDimension("collaboration_capacity", "社会协作能力"),
    ),
    consequences=(
        "根据量化打分考核排序，给予政策性补助（金额由市农科局设定）",
        "考核不合格的，限期整改",
        "连续两年考核不合格的，取消众创空间称号",
    ),
    removal_after_failed_years=2,
    ranking=True,
    duties=(
        ("接受工商、税务、人力资源社会保障、质监、科技等部门的指导和监督", Citation(DOC, "第八条")),
        ("接受年度考核与动态管理", Citation(DOC, "第十五条")),
    ),
)


@hookimpl
def zc_assessment_scheme(jurisdiction, policy):
    if jurisdiction == JURISDICTION.code:
        return SCHEME
