"""徐州市: the conditions for 市重点众创空间.

徐政发〔2016〕12号 sets none: its 五（五） says recognition follows
《徐州市重点众创空间认定管理办法》（徐政发〔2015〕73号）, which we do not have.  So no
threshold is encoded — not even registration in 徐州 (3203), which 12号 does not
state.  One manual criterion stands for 73号's conditions; the bureau enters the
thresholds it applies as bureau criteria (``core.platform.models.BureauCriterion``), each
cited to the document it names.  Until it has, the answer warns that nothing else is
checked (``PolicyVersion.criteria_document``).

One condition is checked: that the space lies in 徐州.  12号 states it nowhere in so
many words; it is a 徐州 municipal document whose 五（五） puts the 市科技局 in charge of
the 众创空间 and refers the recognition of 市重点众创空间 — a title of the city — to 73号,
so a space outside the city is not one it recognises.  Cited to 五（五）, the item that
says so most nearly; the same rule as the portal's offer (``core.location``).
"""
from core import hookimpl
from core.location import space_location_check
from core.policy import Criterion
from plugins.xuzhou.policy import CRITERIA_DOC, DOC, JURISDICTION, SUPERVISION

CATEGORIES = ("key",)

CRITERIA = (
    Criterion(
        id="xuzhou.space_location",
        title="众创空间位于徐州市（市重点众创空间由市科技局管理和认定）",
        citation=SUPERVISION,
        kind="auto",
        check=space_location_check(JURISDICTION),
        categories=CATEGORIES,
        policy=DOC,
    ),
    Criterion(
        id="xuzhou.recognition_conditions",
        title=f"符合《徐州市重点众创空间认定管理办法》（{CRITERIA_DOC}）规定的认定条件",
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
