"""弥勒市: the review steps after submission (弥政办发〔2017〕5号 附件1 第四条、第七条, 附件2 填报须知 六).

Applications are received all year round and reviewed in batches (第七条); there
is no call window.
"""
from core import hookimpl
from core.policy import Citation, ReviewStep
from plugins.mile.policy import DOC, JURISDICTION

STEPS = [
    # 第四条: 市工信局、弥勒工业园区、市农科局、国家级和省级科技园区 recommend the spaces of
    # their area; 填报须知 六: "按属地化管理原则".
    ReviewStep("recommend", "推荐单位推荐", "recommender", "recommendation", Citation(DOC, "第四条"),
               note="由市工业和信息化局、弥勒工业园区、市农科局、国家级和省级科技园区按属地推荐"),
    ReviewStep("expert_review", "专家实地查验和集中评审", "expert", "expert_review", Citation(DOC, "第七条"),
               note="市农科局分批组织"),
    # 第七条 "经市农科局局务会下班办公会审定通过": the one policy that names the meeting.
    ReviewStep("bureau_decision", "市农科局局务会审定", "leader", "decision", Citation(DOC, "第七条"),
               meeting=Citation(DOC, "附件1 第七条")),
    ReviewStep("public_notice", "审定结果公示", "officer", "public_notice", Citation(DOC, "第七条"), days=15),
    # 填报须知 六: 市农科局 "组织审核合格形成意见，呈报弥勒市人民政府认定" (the 申报书 has a
    # 市人民政府意见 box).  第七条 publishes the 局务会's result straight away, so the
    # government's recognition comes after the notice and before the plaque.  The
    # government is not a user: the bureau's officer records its opinion.
    ReviewStep("government_recognition", "呈报弥勒市人民政府认定", "officer", "decision",
               Citation(DOC, "附件2 填报须知", "六"), note="由市农科局工作人员录入市人民政府意见"),
    ReviewStep("award", "颁发“弥科xxx众创空间”牌匾", "officer", "award", Citation(DOC, "第七条"),
               note="公示无异议的，由弥勒市农业和科学技术局颁发"),
]


@hookimpl
def zc_review_steps(jurisdiction, category, policy):
    if jurisdiction == JURISDICTION.code:
        return list(STEPS)
