"""徐州市: who recognises, and the policy versions (徐政发〔2016〕12号).

The recognition criteria of 市重点众创空间 are in 徐政发〔2015〕73号, which we do not
have: none is encoded here; the bureau enters its own thresholds as settings.
"""
from datetime import date

from core import hookimpl
from core.policy import Category, Citation, Jurisdiction, Parameter, PolicyVersion

DOC = "徐政发〔2016〕12号"
# 五（五）: 市重点众创空间的认定 … 按照《徐州市重点众创空间认定管理办法》执行; not in the platform.
CRITERIA_DOC = "徐政发〔2015〕73号"

# The opinion is structured by Chinese-numbered sections, not 第X条: provisions are
# cited by section and item as printed, e.g. 五、保障措施 （一）.
SUPPORT = "五、保障措施"
SPECIAL_SUPPORT = Citation(DOC, SUPPORT, "（一）")  # 专项支持众创空间建设
SUPERVISION = Citation(DOC, SUPPORT, "（五）")  # 加强督查考核; refers to 徐政发〔2015〕73号

PARAMETERS = (
    # "给予 20 万元左右的奖补": the policy's own figure; 左右 leaves the bureau room to adjust.
    Parameter("evaluation_award_cny", "评价考核优秀或良好的奖补（20 万元左右）", 200_000, SPECIAL_SUPPORT, "元"),
    # The 公示 period, like the whole procedure, is in 徐政发〔2015〕73号: a bureau setting.
    Parameter("notice_days", "公示期", None, SUPERVISION, "天", bureau_setting=True),
    # Change reports (变更报告): the document sets no period; the bureau may set one
    # (core.monitoring.changes), shown as its own setting, never cited as policy.
    Parameter("change_report_months", "认定条件变化后报告的期限（本局设定）", None, None, "个月",
              bureau_setting=True, reading="政策未规定报告期限，由本局设定（非政策规定）；"
                      "未设定时变更仍可报告，但无报告期限"),
)

JURISDICTION = Jurisdiction(
    code="xuzhou",
    name="徐州市",
    level="city",
    region_prefixes=("3203",),
    authority="徐州市科学技术局",
    parent=None,
)

POLICY_2016 = PolicyVersion(
    jurisdiction="xuzhou",
    document=DOC,
    title="市政府关于发展众创空间推进大众创新创业的实施意见",
    # The opinion bears the date 2016年2月18日 and sets no other start date.
    effective_from=date(2016, 2, 18),
    effective_to=None,
    categories=(Category("key", "重点众创空间", SUPERVISION),),
    notice_days=None,  # set in 徐政发〔2015〕73号, which we do not have: a bureau setting
    notice_citation=None,
    parameters=PARAMETERS,
    award_title="徐州市重点众创空间",
    award_citation=SUPERVISION,
    # 徐政发〔2016〕12号 refers recognition to 徐政发〔2015〕73号, which we do not have: it
    # says nothing of how applications come in, so year_round (the default).
    intake="year_round",
    note="本意见未规定申报受理方式（认定按徐政发〔2015〕73号执行，平台未收录该文件），平台按常年受理处理。",
    criteria_document=CRITERIA_DOC,
)

POLICIES = [POLICY_2016]


@hookimpl
def zc_jurisdiction():
    return JURISDICTION


@hookimpl
def zc_policies(jurisdiction):
    if jurisdiction == JURISDICTION.code:
        return POLICIES
