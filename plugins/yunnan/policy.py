"""云南省: who recognises, and the policy versions (云科规〔2021〕1号).

The 2021 measures replaced 云科办发〔2015〕4号 (whose text we do not have, so it is
not encoded) and lapsed after 2026-04-03.  No successor is encoded: until a bureau
registers one, the system answers that no Yunnan policy is in force.
"""
from datetime import date

from core import hookimpl
from core.policy import Category, Citation, Jurisdiction, PolicyVersion

DOC = "云科规〔2021〕1号"

JURISDICTION = Jurisdiction(
    code="yunnan",
    name="云南省",
    level="province",
    region_prefixes=("53",),
    authority="云南省科学技术厅",
    parent=None,
)

POLICY_2021 = PolicyVersion(
    jurisdiction="yunnan",
    document=DOC,
    title="云南省众创空间认定管理办法",
    # 附则: 自2021年4月4日起施行，有效期至2026年4月3日止.
    effective_from=date(2021, 4, 4),
    effective_to=date(2026, 4, 3),
    categories=(Category("provincial", "省级众创空间", Citation(DOC, "申报省级众创空间的认定条件")),),
    notice_days=None,  # the measures set no 公示 period: a bureau setting
    notice_citation=None,
    replaces="云科办发〔2015〕4号",
    award_title="云南省省级众创空间",
    award_citation=Citation(DOC, "认定与管理"),
)

POLICIES = [POLICY_2021]


@hookimpl
def zc_jurisdiction():
    return JURISDICTION


@hookimpl
def zc_policies(jurisdiction):
    if jurisdiction == JURISDICTION.code:
        return POLICIES
