"""昆明市: the review steps after submission (昆科发〔2017〕55号 第十条至第十二条).

Applications come in answer to the bureau's call (第八条, see the policy's note):
the call window is where submission happens, not a review step.
"""
from core import hookimpl
from core.policy import Citation, ReviewStep
from plugins.kunming.policy import DOC, JURISDICTION

STEPS = [
    # 第十条: the materials go to the 科技主管部门 where the space operates, which checks
    # them on paper and on site, then recommends the best (择优推荐) to the city.
    ReviewStep("district_review", "县（市）区科技主管部门初审和实地查验", "recommender", "initial_review",
               Citation(DOC, "第十条")),
    ReviewStep("district_recommend", "科技主管部门择优推荐上报市科技局", "recommender", "recommendation",
               Citation(DOC, "第十条")),
    ReviewStep("expert_review", "专家现场调研、实地审核", "expert", "expert_review", Citation(DOC, "第十一条"),
               note="市科技局组织相关专家"),
    # 第十一条 publishes "审核通过的结果"; who passes it is the bureau (its leader).  The 办法
    # names no meeting for this decision (the 局长办公会 of the issuing notice adopted the
    # 办法 itself): recording a meeting is the bureau's own setting (decision_meeting_record).
    ReviewStep("bureau_decision", "市科技局审核决定", "leader", "decision", Citation(DOC, "第十一条"),
               note="审核通过的结果向社会公示"),
    ReviewStep("public_notice", "审核结果向社会公示", "officer", "public_notice", Citation(DOC, "第十一条"), days=7),
    ReviewStep("award", "向社会公布，授予“昆明市众创空间”称号", "officer", "award", Citation(DOC, "第十二条"),
               note="公示无异议的，由市科技局统一向社会公布"),
]


@hookimpl
def zc_review_steps(jurisdiction, category, policy):
    if jurisdiction == JURISDICTION.code:
        return list(STEPS)
