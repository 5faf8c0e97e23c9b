"""徐州市: the conditions for 市重点众创空间.

徐政发〔2016〕12号 sets none: its 五（五） says recognition follows
《徐州市重点众创空间认定管理办法》（徐政发〔2015〕73号）, which we do not have.  So no
threshold is encoded — not even registration in 徐州 (3203), which 12号 does not
state.  One manual criterion stands for 73号's conditions; the bureau enters the
thresholds it applies as bureau criteria (``core.models.BureauCriterion``), each
cited to the document it names.
"""
from core import hookimpl
from core.policy import Criterion
from plugins.xuzhou.policy import DOC, JURISDICTION, SUPERVISION

CATEGORIES = ("key",)

CRITERIA = (
    Criterion(
        id="xuzhou.recognition_conditions",
        title="符合《徐州市重点众创空间认定管理办法》（徐政发〔2015〕73号）规定的认定条件",
        citation=SUPERVISION,
        kind="manual",
        categories=CATEGORIES,
        policy=DOC,
    ),
)


@hookimpl
def zc_criteria(jurisdiction, category, policy):
    if jurisdiction == JURISDICTION.code and category in CATEGORIES:
        return list(CRITERIA)
