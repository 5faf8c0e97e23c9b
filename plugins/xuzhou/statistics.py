"""徐州市: the statistics report system (徐政发〔2016〕12号 五、保障措施 （五）).

"建立众创空间统计报表制度，及时收集、整理和分析众创空间自身、在孵企业和毕业企业的数据
信息": the opinion asks for the system and prints no form, so the core's default return
applies (its figures cover the space, the enterprises it serves and those that graduated),
checked by the city bureau.
"""
from core import hookimpl
from core.policy import StatisticsForm
from plugins.xuzhou.policy import JURISDICTION, SUPERVISION

FORM = StatisticsForm(jurisdiction=JURISDICTION.code, citation=SUPERVISION, checked_by="officer")


@hookimpl
def zc_statistics_form(jurisdiction, year):
    if jurisdiction == JURISDICTION.code:
        return FORM
