"""云南省: management after recognition and 动态考核评价 (云科规〔2021〕1号 认定与管理).

The measures set no scored indicators: the yearly assessment checks the four
grounds on which the provincial title is withdrawn (取消省级认定资格), each a
dimension the officer records.  Any one ground withdraws the title; "连续2年未填报
统计数据" is itself one of them, so no count of failed years applies.
"""
from core import hookimpl
from core.policy import AssessmentDimension, AssessmentScheme, Citation
from plugins.yunnan.policy import DOC, JURISDICTION, MANAGEMENT

ASSESSMENT = Citation(DOC, MANAGEMENT, "动态考核评价")
DUTIES_CITATION = Citation(DOC, MANAGEMENT, "管理")

SCHEME = AssessmentScheme(
    citation=ASSESSMENT,
    dimensions=(
        AssessmentDimension("operator_changed", "运营主体注销或发生重大变化，已无法达到认定条件"),
        AssessmentDimension("not_operating", "经营出现问题，无法正常开展业务，经限期一年整改，仍无法正常运营"),
        AssessmentDimension("statistics_missing", "无特殊原因，连续2年未填报统计数据"),
        AssessmentDimension("misconduct", "存在严重失信行为、严重弄虚作假行为或严重违法违规行为"),
    ),
    consequences=(
        "出现上述情形之一的，取消省级认定资格",
        "经营出现问题、无法正常开展业务的，先限期一年整改",
    ),
    removal_after_failed_years=None,
    ranking=False,
    scored=False,  # grounds found by the bureau (findings), not scores
    # Texts as printed; their numbers are also the parameters change_report_months,
    # fraud_ban_years and rectification_years, which the engine reads.
    duties=(
        ("每年按照要求填报相关统计数据，并确保数据的真实性", DUTIES_CITATION),
        ("运营主体、面积范围、场地位置等认定条件发生变化的，在变更后3个月内"
         "向所在州（市）科技局报告，经州（市）科技局核查后，向省科技厅提出变更申请", DUTIES_CITATION),
        ("申报材料存在虚报、瞒报、造假等行为的，一经查实，取消认定资格，且2年内不得再次申报",
         DUTIES_CITATION),
    ),
)


@hookimpl
def zc_assessment_scheme(jurisdiction, policy):
    if jurisdiction == JURISDICTION.code:
        return SCHEME
