"""弥勒市: who recognises, and the policy versions (弥政办发〔2017〕5号 附件1)."""
from datetime import date

from core import hookimpl
from core.policy import Category, Citation, Jurisdiction, PolicyVersion

DOC = "弥政办发〔2017〕5号"

JURISDICTION = Jurisdiction(
    code="mile",
    name="弥勒市",
    level="county",
    region_prefixes=("532504",),
    authority="弥勒市农业和科学技术局",
    parent="yunnan",
)

POLICY_2017 = PolicyVersion(
    jurisdiction="mile",
    document=DOC,
    title="弥勒市众创空间认定管理办法（试行）",
    # 第十六条: 自印发之日起施行; 印发 2017年1月12日.
    effective_from=date(2017, 1, 12),
    effective_to=None,
    categories=(
        Category("comprehensive", "综合型", Citation(DOC, "第二条")),
        Category("specialized", "专业型", Citation(DOC, "第二条")),
    ),
    notice_days=15,
    notice_citation=Citation(DOC, "第七条"),
    award_title="弥科xxx众创空间",
    award_citation=Citation(DOC, "第七条"),
)

POLICIES = [POLICY_2017]


@hookimpl
def zc_jurisdiction():
    return JURISDICTION


@hookimpl
def zc_policies(jurisdiction):
    if jurisdiction == JURISDICTION.code:
        return POLICIES
