"""云南省: the review of an application for 省级众创空间 (云科规〔2021〕1号).

The measures' 总则 set who acts: 州（市）科技局 recommend (认定推荐), 省科技厅
recognises (认定管理).  The "认定的基本程序" heading of our copy carries no
text (the steps were a graphic of the printed document), so the expert review and
the public notice are declared with that heading as citation and a note; the
measures set no 公示 period: its length is a bureau setting (``notice_days``).
"""
from core import hookimpl
from core.policy import Citation, ReviewStep
from plugins.yunnan.policy import DOC, JURISDICTION, MANAGEMENT

GENERAL = Citation(DOC, "总则")
PROCEDURE = Citation(DOC, MANAGEMENT, "认定的基本程序")
PROCEDURE_NOTE = "本办法“认定的基本程序”未列明具体做法，按省科技厅当期申报通知执行"

STEPS = (
    ReviewStep("recommend", "州（市）科技局认定推荐", "recommender", "recommendation", GENERAL),
    ReviewStep("expert_review", "省科技厅组织评审", "expert", "expert_review", PROCEDURE,
               note=PROCEDURE_NOTE),
    ReviewStep("decide", "省科技厅认定", "leader", "decision", GENERAL),
    ReviewStep("public_notice", "认定结果公示", "officer", "public_notice", PROCEDURE,
               days=None, note="本办法未规定公示期，由省科技厅设定（notice_days）"),
    ReviewStep("award", "认定为云南省省级众创空间", "officer", "award", Citation(DOC, MANAGEMENT)),
)


@hookimpl
def zc_review_steps(jurisdiction, category, policy):
    if jurisdiction == JURISDICTION.code:
        return list(STEPS)
