"""昆明市: who recognises, and the policy versions (昆科发〔2017〕55号)."""
from datetime import date

from core import hookimpl
from core.policy import Category, Citation, Jurisdiction, PolicyVersion

DOC = "昆科发〔2017〕55号"

JURISDICTION = Jurisdiction(
    code="kunming",
    name="昆明市",
    level="city",
    region_prefixes=("5301",),
    authority="昆明市科学技术局",
    parent="yunnan",
)

POLICY_2017 = PolicyVersion(
    jurisdiction="kunming",
    document=DOC,
    title="昆明市众创空间认定管理办法",
    # 第十九条: 自印发之日起施行; 印发 2017年6月6日.
    effective_from=date(2017, 6, 6),
    effective_to=None,
    categories=(
        Category("tech_support", "技术支撑类", Citation(DOC, "第二条")),
        Category("comprehensive_service", "综合服务类", Citation(DOC, "第二条")),
    ),
    notice_days=7,
    notice_citation=Citation(DOC, "第十一条"),
    award_title="昆明市众创空间",
    award_citation=Citation(DOC, "第十二条"),
)

POLICIES = [POLICY_2017]


@hookimpl
def zc_jurisdiction():
    return JURISDICTION


@hookimpl
def zc_policies(jurisdiction):
    if jurisdiction == JURISDICTION.code:
        return POLICIES
