"""徐州市重点众创空间认定申请 (徐政发〔2016〕12号) as a web form.

The application form of 市重点众创空间 belongs to 徐政发〔2015〕73号, which we do
not have.  Until a bureau supplies it, the form asks the facts of CONTRACTS §1
and, modestly, what 12号 五（五）names for the 统计报表制度 — data on the space
itself, its 在孵企业 and its 毕业企业 — and for the 评价: the last evaluation and a
self-assessment of the space's construction and development.
"""
from __future__ import annotations

from wtforms.validators import ValidationError

from core import hookimpl
from core.facts.forms import (
    FACT_SECTIONS,
    ChoiceField,
    CountField,
    FactsForm,
    LongTextField,
    MonthField,
    NumberField,
    Required,
    ResidentRow,
    RowForm,
    Section,
    TableField,
    TextField,
    max_chars,
    non_negative,
)
from plugins.xuzhou.policy import SPECIAL_SUPPORT, SUPERVISION


class XuzhouResidentRow(ResidentRow):
    """在孵企业 with the figures of the 统计报表 (五（五）)."""

    employees = CountField("从业人员（人）", [Required(), non_negative])
    revenue_last_year = NumberField("上年度营业收入（万元）", [Required(), non_negative])


class GraduateRow(RowForm):
    """毕业企业 (五（五）)."""

    name = TextField("企业名称", [Required(), max_chars(200)])
    graduated_on = MonthField("毕业时间（年、月）", [Required()])
    employees = CountField("从业人员（人）", [Required(), non_negative])
    revenue_last_year = NumberField("上年度营业收入（万元）", [Required(), non_negative])


EVALUATION_GRADES = {"none": "尚未参加评价", "excellent": "优秀", "good": "良好", "qualified": "合格",
                     "unqualified": "不合格"}
RECOGNITION_LEVELS = {"none": "无", "municipal": "市级", "provincial": "省级", "national": "国家级"}


class XuzhouApplicationForm(FactsForm):
    title = "徐州市重点众创空间认定申请表"
    note = ("市重点众创空间的认定条件和申请表见徐政发〔2015〕73号，本系统尚未收录其原文；"
            "本表收集通用申报事实及徐政发〔2016〕12号 五（五）所列统计、评价信息，认定条件由市科技局设置。")
    labels = {"residents": "在孵企业（入驻企业或创业团队）"}
    sections = FACT_SECTIONS + (
        Section("统计报表：众创空间自身", ("operating_income_last_year", "service_income_last_year",
                                           "incubating_enterprises", "graduated_enterprises_total"), SUPERVISION,
                "在孵企业的从业人员、营业收入填在上方入驻企业表中。"),
        Section("统计报表：毕业企业", ("graduates",), SUPERVISION),
        Section("评价", ("recognised_level", "last_evaluation_grade", "self_assessment"), SPECIAL_SUPPORT,
                "由社会机构对众创空间建设和发展情况进行评价考核（五（一）、五（五））。"),
    )

    residents = TableField(XuzhouResidentRow, "在孵企业（入驻企业或创业团队）")
    operating_income_last_year = NumberField("上年度众创空间总收入（万元）", [Required(), non_negative])
    service_income_last_year = NumberField("其中：服务收入（万元）", [Required(), non_negative])
    incubating_enterprises = CountField("在孵企业数（家）", [Required(), non_negative])
    graduated_enterprises_total = CountField("累计毕业企业数（家）", [Required(), non_negative])
    graduates = TableField(GraduateRow, "毕业企业")
    recognised_level = ChoiceField("已获认定的众创空间级别", [Required()], choices=RECOGNITION_LEVELS)
    last_evaluation_grade = ChoiceField("最近一次评价考核结果", [Required()], choices=EVALUATION_GRADES)
    self_assessment = LongTextField("众创空间建设和发展情况自评", [Required(), max_chars(2000)])

    def validate_service_income_last_year(self, field):
        total = self.operating_income_last_year.data
        if total is not None and field.data is not None and field.data > total:
            raise ValidationError("服务收入不能大于众创空间总收入")


@hookimpl
def zc_application_form(jurisdiction, category):
    if jurisdiction == "xuzhou" and category == "key":
        return XuzhouApplicationForm
    return None
