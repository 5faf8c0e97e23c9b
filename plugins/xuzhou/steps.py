"""徐州市: the review of an application for 市重点众创空间.

徐政发〔2016〕12号 does not define the procedure: its 五（五） refers the recognition
of 市重点众创空间 to 徐政发〔2015〕73号, which we do not have.  These are the generic
steps, as the 市科技局 (responsible for the day-to-day management, 五（五）) runs
them; no period is set here: the 公示 period is a bureau setting (``notice_days``).
"""
from core import hookimpl
from core.policy import ReviewStep
from plugins.xuzhou.policy import JURISDICTION, SUPERVISION

NOTE = "徐政发〔2016〕12号未规定认定程序，按徐政发〔2015〕73号由市科技局组织实施"

STEPS = (
    ReviewStep("recommend", "县（市）、区科技主管部门推荐", "recommender", "recommendation", SUPERVISION, note=NOTE),
    ReviewStep("expert_review", "市科技局组织评审", "expert", "expert_review", SUPERVISION, note=NOTE),
    ReviewStep("decide", "市科技局认定", "leader", "decision", SUPERVISION, note=NOTE),
    ReviewStep("public_notice", "认定结果公示", "officer", "public_notice", SUPERVISION, days=None,
               note=NOTE + "；公示期由市科技局设定（notice_days）"),
    ReviewStep("award", "认定为徐州市重点众创空间", "officer", "award", SUPERVISION, note=NOTE),
)


@hookimpl
def zc_review_steps(jurisdiction, category, policy):
    if jurisdiction == JURISDICTION.code:
        return list(STEPS)
