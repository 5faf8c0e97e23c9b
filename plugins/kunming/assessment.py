"""昆明市: the annual assessment after recognition (昆科发〔2017〕55号 第十八条)."""
from core import hookimpl
from core.policy import AssessmentDimension, AssessmentScheme, Citation
from plugins.kunming.policy import DOC, JURISDICTION

SCHEME = AssessmentScheme(
    citation=Citation(DOC, "第十八条"),
    dimensions=(
        AssessmentDimension("agglomeration", "集聚能力"),
        AssessmentDimension("service", "服务能力"),
        AssessmentDimension("financing", "融资能力"),
        AssessmentDimension("incubation_results", "孵化成果"),
    ),
    consequences=(
        "考核不合格的，提出限期整改",
        "整改不合格的，取消昆明市众创空间称号",
    ),
    # Removal follows a failed rectification, not a count of failed years.
    removal_after_failed_years=None,
    ranking=False,
    duties=(
        ("接受市科技局对集聚能力、服务能力、融资能力、孵化成果等绩效的年度考核", Citation(DOC, "第十八条")),
        ("配合所在地科技主管部门的管理和绩效统计", Citation(DOC, "第四条")),
    ),
)


@hookimpl
def zc_assessment_scheme(jurisdiction, policy):
    if jurisdiction == JURISDICTION.code:
        return SCHEME
