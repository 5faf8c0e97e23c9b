"""徐州市: who recognises, and the policy versions (徐政发〔2016〕12号).

The recognition criteria of 市重点众创空间 are in 徐政发〔2015〕73号, which we do not
have: none is encoded here; the bureau enters its own thresholds as settings.
"""
from datetime import date

from core import hookimpl
from core.policy import Category, Citation, Jurisdiction, PolicyVersion

DOC = "徐政发〔2016〕12号"

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
    categories=(Category("key", "重点众创空间", Citation(DOC, "五、保障措施", "（五）")),),
    notice_days=None,  # set in 徐政发〔2015〕73号, which we do not have: a bureau setting
    notice_citation=None,
    award_title="徐州市重点众创空间",
    award_citation=Citation(DOC, "五、保障措施", "（五）"),
)

POLICIES = [POLICY_2016]


@hookimpl
def zc_jurisdiction():
    return JURISDICTION


@hookimpl
def zc_policies(jurisdiction):
    if jurisdiction == JURISDICTION.code:
        return POLICIES
