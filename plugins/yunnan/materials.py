"""云南省: what an application for 省级众创空间 hands in.

云科规〔2021〕1号 lists no 申报材料: it only sets the conditions.  What it implies
is proof of each condition and of the resident rules; the particular documents are
named by the 省科技厅's call for applications, as the notes say.
"""
from core import hookimpl
from core.policy import Citation, Material
from plugins.yunnan.policy import CONDITIONS, DOC, JURISDICTION, RESIDENT_RULES

NOTE = "本办法未列申报材料清单，具体材料以省科技厅当期申报通知为准"

MATERIALS = (
    Material("conditions_proof", "符合申报省级众创空间认定条件（1—10）的证明材料",
             Citation(DOC, CONDITIONS), note=NOTE),
    Material("residents_proof", "入驻企业和创业团队的入驻协议及入驻企业营业执照（注册地址在众创空间内）",
             Citation(DOC, RESIDENT_RULES), note=NOTE),
)


@hookimpl
def zc_required_materials(jurisdiction, category):
    if jurisdiction == JURISDICTION.code and category == "provincial":
        return list(MATERIALS)
