"""弥勒市众创空间认定申报书 (弥政办发〔2017〕5号 附件2) as a web form.

Everything the 申报书 prints is asked, in its order: the cover, 基本信息表, 入驻企业
或创业团队基本情况表 (its rows also carry the resident facts of CONTRACTS §1),
已毕业企业或创业团队基本情况表, 申请理由, and the 编写提纲 of the 众创空间建设运营
方案.  Not fields: the cover's 编号 (filled in by the bureau, 填报须知 三), the
signatures and seals, and the opinions of the 市科技部门 and 市人民政府.  The 申报
认定类型 (综合 / 专业, 填报须知 二) follows from the category applied for.  Facts the
申报书 does not print but 附件1 第五条 checks are asked in sections citing the item;
what neither asks (lease, workstations, seed fund, 单独核算, last-year counts…) is in
one section "本局补充采集", without a citation.

填报须知 四: “表内栏目不得空缺，无该项内容时填‘无’”, so every text box is required.
"""
from __future__ import annotations

from typing import ClassVar

from wtforms import BooleanField

from core import hookimpl
from core.facts.forms import (
    ChoiceField,
    CountField,
    DayField,
    FactsForm,
    LinesField,
    LongTextField,
    MonthField,
    NumberField,
    ResidentRow,
    RowForm,
    Section,
    TableField,
    TextField,
    Required,
    email_address,
    max_chars,
    non_negative,
    ticked,
    yes_no,
)
from core.facts import RESIDENT_KINDS
from core.policy import Citation
from plugins.mile.policy import DOC

FILL = "请填写此项（无该项内容时填“无”）"  # 填报须知 四
PROMISE = "本单位为申请弥勒市众创空间认定所提交的相关信息和材料均真实、准确、有效。"


def _text(label: str, *validators, **kwargs) -> TextField:
    return TextField(label, [Required(FILL), max_chars(200), *validators], **kwargs)


def _long(label: str, *validators, **kwargs) -> LongTextField:
    return LongTextField(label, [Required(FILL), *validators], **kwargs)


class TeamMemberRow(RowForm):
    """团队成员: the first row is the 创办负责人, the others 成员 (columns named as core.platform.models.TeamMember)."""

    row_labels = ("创办负责人",)
    row_label = "成员"

    name = _text("姓名")
    phone = _text("联系电话")
    speciality = _text("专业")
    full_time = ChoiceField("专/兼职", [Required()], choices={"yes": "专职", "no": "兼职"}, coerce=yes_no)
    services = _text("提供服务内容")


class MileResidentRow(ResidentRow):
    """入驻企业或创业团队基本情况表: the printed columns first, then the facts criteria read.

    Every field is declared again so the columns come in the printed order; names
    are those of core.platform.models.Resident.
    """

    name = _text("企业或创业团队名称")
    main_product = _text("主导产品")
    output_value_wan = NumberField("上年度年总产值（万元）", [Required(), non_negative])
    sales_wan = NumberField("上年度年销售额（万元）", [Required(), non_negative])
    entered_on = DayField("入驻时间", [Required()])
    employees = CountField("职工总数（人）", [Required(), non_negative])
    phone = _text("联系电话")
    kind = ChoiceField("类型", [Required()], choices=RESIDENT_KINDS)
    qualifying_field = BooleanField("经营项目符合《国家重点支持的高新技术领域》和现代服务业要求")
    established_on = DayField("成立（注册）日期", description="创业团队尚未注册企业的可不填")
    registered_in_space = BooleanField("注册地址在众创空间内")


class GraduateRow(RowForm):
    """已毕业企业或创业团队基本情况表."""

    name = _text("企业或创业团队名称")
    main_product = _text("主导产品")
    entered_on = MonthField("入驻时间（年、月）", [Required()])
    graduated_on = MonthField("毕业时间（年、月）", [Required()])
    employees = CountField("职工总数（人）", [Required(), non_negative])
    phone = _text("联系电话")


FORM = "附件2"
OUTLINE = "众创空间建设运营方案（编写提纲）"


def _sections(declared_type: str) -> tuple[Section, ...]:
    return (
        Section("封面", ("applicant_name", "space_name", "space_address", "legal_representative",
                         "phone", "declared_on"),
                Citation(DOC, FORM, "申报书封面"),
                f"申报认定类型：{declared_type}（按所申报的类别填写）；编号由弥勒市农业和科学技术局填写。"),
        Section("基本信息表", ("uscc", "entity_type", "independent_legal_person", "mailing_address",
                               "registered_region", "contact_person", "contact_phone", "contact_email",
                               "space_opened_on", "office_address", "total_area_m2"),
                Citation(DOC, FORM, "基本信息表"),
                "申请单位名称、拟认定众创空间名称、法定代表人及其联系电话见封面。"),
        Section("银行财务信息", ("bank_account_name", "bank_name", "bank_account_no", "bank_contact",
                                 "bank_phone", "bank_email"), Citation(DOC, FORM, "基本信息表")),
        Section("团队成员", ("team_members",), Citation(DOC, FORM, "基本信息表")),
        Section("制度建设", ("management_rules", "management_rules_other"), Citation(DOC, FORM, "基本信息表")),
        Section("合作机构", ("partner_institutions",), Citation(DOC, FORM, "基本信息表")),
        Section("创办/负责人简介", ("founder_profile",), Citation(DOC, FORM, "基本信息表")),
        Section("申请众创空间建设运营方案概要", ("plan_summary",), Citation(DOC, FORM, "基本信息表")),
        Section("年度工作计划", ("annual_plan",), Citation(DOC, "第六条", "（四）")),
        Section("申请单位承诺", ("promise",), Citation(DOC, FORM, "基本信息表")),
        Section("入驻企业或创业团队基本情况表", ("residents",), Citation(DOC, FORM, "入驻企业或创业团队基本情况表")),
        Section("已毕业企业或创业团队基本情况表", ("graduates",),
                Citation(DOC, FORM, "已毕业企业或创业团队基本情况表")),
        Section("申请理由", ("reason",), Citation(DOC, FORM, "申请理由")),
        Section("众创空间建设运营方案", ("plan_necessity", "plan_basis", "plan_goals", "plan_mechanism",
                                         "plan_services", "plan_safeguards", "plan_budget"),
                Citation(DOC, FORM, OUTLINE),
                "八、附件（年度工作总结、未来两年工作计划、法人证或营业执照、场地证明、入驻企业或团队证明、"
                "相关合作协议、团队成员能力证明、相关制度等）另行上传。"),
        # Facts the 申报书 does not print but 附件1 第五条 checks, each section citing the
        # item that asks exactly that.
        Section("场地情况", ("space_region", "public_area_m2"), Citation(DOC, "第五条", "（二）")),
        Section("基础设施和入驻收费", ("infrastructure_complete", "rent_ratio_year1", "rent_ratio_year2",
                                       "rent_ratio_year3"), Citation(DOC, "第五条", "（三）"),
                "按占市价的百分比填写：免费入驻填 0，按市价的 30% 收取填 30。"),
        Section("管理服务人员", ("management_staff",), Citation(DOC, "第五条", "（四）")),
        Section("创业服务功能", ("services", "services_other"), Citation(DOC, "第五条", "（六）")),
        Section("投资机构合作", ("investor_partners",), Citation(DOC, "第五条", "（七）")),
        # The 编写提纲's 二、具备的基础条件 names these two counts.
        Section("具备的基础条件", ("events_last_year", "financed_teams_last_year"),
                Citation(DOC, FORM, OUTLINE + " 二"),
                "举办创新创业活动次数、获得投融资的企业个数（运营方案编写提纲 二）。"),
        # Asked by neither the 申报书 nor 第五条: the bureau's own collection, no citation.
        Section("本局补充采集", ("workstations", "premises_tenure", "lease_years", "commercial_premises",
                               "full_time_staff", "mentors", "separate_accounting", "rd_facilities",
                               "online_platform", "seed_fund", "investment_projects",
                               "contracted_residents_last_year", "new_enterprises_last_year",
                               "typical_cases_last_year"), None,
                "以下各项不是弥政办发〔2017〕5号 附件1 第五条的认定条件，也不在附件2 申报书中："
                "本局补充采集，供统计和审查参考。"),
    )


class MileApplicationForm(FactsForm):
    """弥勒市众创空间认定申报书; use the subclass of the category (综合 / 专业)."""

    title = "弥勒市众创空间认定申报书"
    note = ("申报书须据实填报，文字描述和数据应真实、准确、可靠，表内栏目不得空缺，"
            "无该项内容时填“无”（填报须知 四）。")
    declared_type: ClassVar[str] = ""
    sections = _sections("")
    labels = {
        "applicant_name": "申报单位（申请单位名称）",
        "space_name": "众创空间名称（拟认定众创空间名称）",
        "registered_region": "行政区划（代码）",
        "space_opened_on": "成立时间",
        "total_area_m2": "众创空间面积（m²）",
        "public_area_m2": "公共办公场所面积（m²）",
        "management_staff": "具有相应专业知识、技能的管理服务人员数（人）",
        "management_rules": "制度建设（创业实体评估准入、财务管理、日常管理服务等规章制度）",
        "investor_partners": "与天使投资、风险投资、私募基金、投资及担保机构等的合作关系数（家）",
        "residents": "入驻企业或创业团队基本情况表",
    }

    # 封面
    space_address = _text("众创空间地址")
    legal_representative = _text("法人代表（法定代表人）")
    phone = _text("联系电话")
    declared_on = DayField("申报日期", [Required()])
    # 基本信息表
    mailing_address = _text("通讯地址")
    contact_person = _text("联系人")
    contact_phone = _text("电话/手机")
    contact_email = _text("电子邮件", email_address)
    office_address = _text("办公地址")
    bank_account_name = _text("账户名")
    bank_name = _text("开户行")
    bank_account_no = _text("开户账号")
    bank_contact = _text("联系人")
    bank_phone = _text("联系电话")
    bank_email = _text("电子邮箱", email_address)
    team_members = TableField(TeamMemberRow, "团队成员", min_entries=1,
                              description="第一行填创办负责人，其余为成员。")
    partner_institutions = LinesField("合作机构（每行一家）", [Required(FILL)])
    founder_profile = _long("创办/负责人简介（简述 200 字以内）", max_chars(200))
    plan_summary = _long("申请众创空间建设运营方案概要")
    annual_plan = _long("年度工作计划")
    promise = BooleanField(PROMISE, [ticked("请勾选申请单位承诺")])
    residents = TableField(MileResidentRow, "入驻企业或创业团队基本情况表")
    graduates = TableField(GraduateRow, "已毕业企业或创业团队基本情况表")
    reason = _long("申请理由")
    # 众创空间建设运营方案（编写提纲）一至七
    plan_necessity = _long("一、建设的必要性")
    plan_basis = _long("二、具备的基础条件",
                       description="包括但不限于入驻企业团队数，举办创新创业活动次数、开展创业教育培训次数、"
                                   "获得投融资的企业个数、服务的团队及企业当年获得投资总额、科技成果转移转化个数等")
    plan_goals = _long("三、建设和运营目标")
    plan_mechanism = _long("四、运营机制")
    plan_services = _long("五、可提供的服务")
    plan_safeguards = _long("六、保障措施")
    plan_budget = _long("七、经费预算",
                        description="主要用于众创空间的房租、宽带接入、公共软硬件、教育培训、导师服务、创业活动等支出")

    def extra_data(self) -> dict:
        return {**super().extra_data(), "declared_type": self.declared_type}


class MileComprehensiveForm(MileApplicationForm):
    declared_type = "综合"
    sections = _sections("综合")


class MileSpecializedForm(MileApplicationForm):
    declared_type = "专业"
    sections = _sections("专业")


FORMS = {"comprehensive": MileComprehensiveForm, "specialized": MileSpecializedForm}


@hookimpl
def zc_application_form(jurisdiction, category):
    if jurisdiction != "mile":
        return None
    return FORMS.get(category)
