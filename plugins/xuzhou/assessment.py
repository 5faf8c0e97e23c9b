"""徐州市: statistics, evaluation and dynamic management (徐政发〔2016〕12号 五（五）).

The opinion orders an evaluation indicator system but does not set it (nor does
it say more of 市重点众创空间's assessment than "按徐政发〔2015〕73号执行"): no
dimension is encoded; the bureau's indicator system is its own.  The evaluation by
a social organisation with grades 优秀 / 良好 is what the award of 五（一） reads.
"""
from core import hookimpl
from core.policy import AssessmentScheme
from plugins.xuzhou.policy import JURISDICTION, SPECIAL_SUPPORT, SUPERVISION

SCHEME = AssessmentScheme(
    citation=SUPERVISION,
    dimensions=(),
    consequences=(
        "由社会机构对众创空间建设和发展情况进行评价考核，获得优秀或良好的给予 20 万元左右的奖补",
        "实行动态管理",
    ),
    removal_after_failed_years=None,
    ranking=False,
    duties=(
        ("市科技局负责众创空间、科技企业孵化器的日常管理工作", SUPERVISION),
        ("建立众创空间统计报表制度，及时收集、整理和分析众创空间自身、在孵企业和毕业企业的数据信息",
         SUPERVISION),
        ("建立众创空间评价指标体系，实行动态管理，对众创空间建设和发展情况进行考核评估", SUPERVISION),
        ("市重点众创空间的认定、管理、评估和表彰工作按徐政发〔2015〕73号执行", SUPERVISION),
        ("由社会机构对众创空间、孵化器建设和发展情况进行评价考核", SPECIAL_SUPPORT),
    ),
)


@hookimpl
def zc_assessment_scheme(jurisdiction, policy):
    if jurisdiction == JURISDICTION.code:
        return SCHEME
