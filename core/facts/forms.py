"""The application form: the base every jurisdiction's form (申请表 / 申报书) builds on.

``FactsForm`` collects the facts of CONTRACTS §1, labelled as the policies word
them, and converts both ways: ``form.to_facts()`` gives the JSON object that
``core.facts.parse_facts`` accepts, ``FactsForm.from_facts(facts, extra)``
pre-fills a form from a space's stored facts.  Whatever a jurisdiction's form
asks beyond §1 (bank details, team members, plans…) comes out of
``form.extra_data()`` and is stored in ``Application.form_data``.

A form describes its own layout in ``sections`` (fieldsets with Chinese titles,
in the order of the jurisdiction's document), so the one template
``templates/forms/application_form.html`` renders any plugin's form without
knowing the city.

Choices made here (the contract is silent):

* Rent ratios are typed as percent (30 = 30 % of the market price), the way the
  policies word them (“按市价的 30%收取租金”); the field's ``data`` is the
  fraction of CONTRACTS §1 (0.3), so ``to_facts`` and ``from_facts`` pass it
  through unchanged.
* Yes/no facts are two radio buttons 是 / 否 that must be answered, so a forgotten
  question is not silently “否”; the tick boxes of a table row are plain
  check boxes (unticked = 否).
* ``lease_years`` is asked only of leased premises: left blank for owned
  premises it is 0 in the facts (criteria do not read it then).
* Text is stripped and its line breaks normalised to ``\\n`` before length
  checks, so “200 字以内” counts what the reader sees.
* Every message is Chinese whatever the locale: the forms reproduce Chinese
  official documents.
"""
from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import ClassVar

from flask_wtf import FlaskForm
from wtforms import Form
from wtforms.fields import (
    BooleanField,
    DateField,
    DecimalField,
    FieldList,
    FormField,
    IntegerField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import Length, StopValidation, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget, MonthInput

from core.facts import (
    FACT_KEYS,
    OPTIONAL_FACT_KEYS,
    MANAGEMENT_RULES,
    MAX_QUANTITY,
    PROVINCE_CODES,
    RESIDENT_KEYS,
    PREMISES_TENURES,
    RESIDENT_KINDS,
    SERVICES,
    is_valid_uscc,
)
from core.platform.labels import ENTITY_TYPE_FORM_WORDS
from core.policy import Citation

__all__ = [
    "Section",
    "FACT_SECTIONS",
    "APPLICANT",
    "SPACE",
    "PREMISES",
    "RENT",
    "STAFF",
    "RULES",
    "SERVICES_SECTION",
    "INVESTMENT",
    "RESIDENTS",
    "FactsForm",
    "HostedByOperatingUnitQuestion",
    "RowForm",
    "ResidentRow",
    "Required",
    "non_negative",
    "max_chars",
    "ticked",
    "email_address",
    "web_address",
    "text_filters",
    "TextField",
    "LongTextField",
    "NumberField",
    "CountField",
    "PercentField",
    "DayField",
    "MonthField",
    "YesNoField",
    "ChoiceField",
    "yes_no",
    "MultiCheckboxField",
    "LinesField",
    "TableField",
    "ENTITY_TYPE_LABELS",
    "PREMISES_TENURE_LABELS",
    "REQUIRED_MESSAGE",
]

REQUIRED_MESSAGE = "请填写此项"

# The tick boxes of 基本信息表: □企业 □事业 □其他.
ENTITY_TYPE_LABELS = ENTITY_TYPE_FORM_WORDS  # the form's own word "事业" (catalogue: wording on the form)
PREMISES_TENURE_LABELS = PREMISES_TENURES  # one definition: core.facts


# ---------------------------------------------------------------------------
# Validators and filters
# ---------------------------------------------------------------------------


class Required:
    """The field must be answered: something typed (not only spaces), chosen or ticked.

    Unlike ``DataRequired`` it accepts 0 and “否”, which are answers.
    """

    field_flags = {"required": True}

    def __init__(self, message: str = REQUIRED_MESSAGE) -> None:
        self.message = message

    def __call__(self, form, field) -> None:
        raw = field.raw_data if field.raw_data is not None else []
        answered = any(_visible(str(v)) for v in raw)
        if field.raw_data is None:  # filled from data, not from a request
            answered = field.data not in (None, "", [])
        if not answered:
            field.errors[:] = []  # “请填写此项” says it all; no parse error besides it
            raise StopValidation(self.message)


# Characters that show nothing: a name of only these is no name (issue 13).
_INVISIBLE = re.compile("[\\s\u200b-\u200f\u2028-\u202f\u2060-\u2064\ufeff\u3164\uffa0]*")


def _visible(text: str) -> bool:
    """Whether ``text`` has a character one can see (not only spaces, 全角空格 or zero-width ones)."""
    return not _INVISIBLE.fullmatch(text)


TOO_LARGE = f"数值过大，不能超过 {MAX_QUANTITY:,}，请核实"


def non_negative(form, field) -> None:
    if field.data is not None and field.data < 0:
        raise ValidationError("不能为负数")


def max_chars(n: int) -> Length:
    """At most ``n`` characters (字), saying how many were typed."""
    return Length(max=n, message=f"应在 {n} 字以内，现为 %(length)d 字")


def ticked(message: str):
    """A tick box that must be ticked (a promise, an acknowledgement)."""

    def check(form, field) -> None:
        if not field.data:
            raise StopValidation(message)

    check.field_flags = {"required": True}
    return check


_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s.]+")


def email_address(form, field) -> None:
    if field.data and not _EMAIL.fullmatch(field.data):
        raise ValidationError("电子邮件地址格式不正确，如 name@example.com")


def web_address(form, field) -> None:
    if field.data and not re.fullmatch(r"https?://[^\s/$.?#][^\s]*", field.data, re.IGNORECASE):
        raise ValidationError("网址应以 http:// 或 https:// 开头，如 https://www.example.com")


def _strip(value):
    # NUL is never meant (PostgreSQL cannot store it in text): dropped, as a browser would.
    return value.replace("\x00", "").strip() if isinstance(value, str) else value


def _normalise_text(value):
    # Browsers send textarea line breaks as \r\n; one break is one character to the reader.
    if isinstance(value, str):
        return value.replace("\x00", "").replace("\r\n", "\n").replace("\r", "\n").strip()
    return value


def text_filters(multiline: bool = False) -> list:
    return [_normalise_text if multiline else _strip]


def _region_code(form, field) -> None:
    value = field.data or ""
    if not re.fullmatch(r"[0-9]{6}", value):
        raise ValidationError("行政区划代码应为六位数字（GB/T 2260），如 532504")
    if value[:2] not in PROVINCE_CODES:
        raise ValidationError(f"行政区划代码前两位 {value[:2]} 不是省级行政区划代码（GB/T 2260）")


_USCC_CHARS = re.compile(r"[0-9ABCDEFGHJKLMNPQRTUWXY]*")


def _uscc(form, field) -> None:
    value = field.data or ""
    if len(value) != 18:
        raise ValidationError(f"统一社会信用代码应为 18 位，现为 {len(value)} 位")
    if not _USCC_CHARS.fullmatch(value):
        raise ValidationError("统一社会信用代码只能由数字和大写字母（不含 I、O、S、V、Z）组成")
    if not is_valid_uscc(value):
        raise ValidationError("统一社会信用代码校验位不正确")


# ---------------------------------------------------------------------------
# Fields with Chinese messages and JSON-friendly data
# ---------------------------------------------------------------------------


class TextField(StringField):
    """One line of text, stripped."""

    def __init__(self, label=None, validators=None, **kwargs):
        kwargs.setdefault("filters", text_filters())
        super().__init__(label, validators, **kwargs)


class LongTextField(TextAreaField):
    """Several lines of text, stripped, line breaks normalised."""

    def __init__(self, label=None, validators=None, **kwargs):
        kwargs.setdefault("filters", text_filters(multiline=True))
        super().__init__(label, validators, **kwargs)


def _to_decimal(value) -> Decimal | None:
    """A stored number (int, float, str, Decimal) as a Decimal, or None."""
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        raise ValueError("not a number")
    d = value if isinstance(value, Decimal) else Decimal(str(value))
    return d.quantize(Decimal(1)) if d == d.to_integral_value() else d.normalize()


class NumberField(DecimalField):
    """A number as typed (120, 120.5); blank is no answer (``Required`` decides)."""

    message = "请填写数字，如 120 或 120.5"

    def __init__(self, label=None, validators=None, **kwargs):
        kwargs.setdefault("places", None)
        super().__init__(label, validators, **kwargs)

    def process_data(self, value):
        try:
            self.data = _to_decimal(value)
        except (ValueError, InvalidOperation):
            self.data = None

    def process_formdata(self, valuelist):
        if not valuelist or not valuelist[0].strip():
            self.data = None
            return
        try:
            number = Decimal(valuelist[0].strip())
        except InvalidOperation:
            self.data = None
            raise ValueError(self.message) from None
        if not number.is_finite():
            self.data = None
            raise ValueError(self.message)
        if abs(number) > MAX_QUANTITY:  # 1e309, 1e5000: no area or count is this large (core.facts)
            self.data = None
            raise ValueError(TOO_LARGE)
        self.data = number


class CountField(IntegerField):
    """A whole number (人数、个数、次数)."""

    message = "请填写整数，如 5"

    def process_data(self, value):
        try:
            self.data = None if value in (None, "") else int(value)
        except (TypeError, ValueError):
            self.data = None

    def process_formdata(self, valuelist):
        if not valuelist or not valuelist[0].strip():
            self.data = None
            return
        text = valuelist[0].strip()
        if len(text.lstrip("+-")) > len(str(MAX_QUANTITY)) and text.lstrip("+-").isdigit():
            self.data = None  # int() refuses 4300+ digits with its own English message
            raise ValueError(TOO_LARGE)
        try:
            self.data = int(text)
        except ValueError:
            self.data = None
            raise ValueError(self.message) from None
        if abs(self.data) > MAX_QUANTITY:
            self.data = None
            raise ValueError(TOO_LARGE)


class PercentField(NumberField):
    """A ratio typed as percent (30 = 30 %); ``data`` is the fraction (0.3), as in CONTRACTS §1."""

    message = "请填写 0 到 100 之间的数字（按百分数填写，30 表示 30%）"

    def __init__(self, label=None, validators=None, **kwargs):
        super().__init__(label, validators, **kwargs)
        self.render_kw = {"min": "0", "max": "100", "step": "any", **(self.render_kw or {})}

    def process_formdata(self, valuelist):
        super().process_formdata(valuelist)
        if self.data is not None:
            self.data = self.data / 100

    def pre_validate(self, form):
        if self.data is not None and not 0 <= self.data <= 1:
            raise ValidationError(self.message)

    def _value(self):
        if self.raw_data:
            return self.raw_data[0]
        if self.data is None:
            return ""
        return str(_to_decimal(self.data * 100))


class DayField(DateField):
    """A date, typed YYYY-MM-DD (the browser's date picker sends that)."""

    message = "请填写真实存在的日期，格式为 YYYY-MM-DD，如 2024-03-15"
    date_format = "%Y-%m-%d"

    def __init__(self, label=None, validators=None, **kwargs):
        kwargs.setdefault("format", self.date_format)
        super().__init__(label, validators, **kwargs)

    def process_data(self, value):
        if isinstance(value, str):
            try:
                value = datetime.strptime(value, self.date_format).date()
            except ValueError:
                value = None
        self.data = value if isinstance(value, date) else None

    def process_formdata(self, valuelist):
        if not valuelist or not valuelist[0].strip():
            self.data = None
            return
        try:
            self.data = datetime.strptime(valuelist[0].strip(), self.date_format).date()
        except ValueError:
            self.data = None
            raise ValueError(self.message) from None

    def json_value(self):
        return self.data.isoformat() if self.data else None


class MonthField(DayField):
    """A month (年、月), typed YYYY-MM; ``data`` is the first day of that month."""

    widget = MonthInput()
    message = "请按 YYYY-MM 格式填写年月，如 2024-03"
    date_format = "%Y-%m"

    def json_value(self):
        return self.data.strftime(self.date_format) if self.data else None


def yes_no(value):
    """Coerce "yes" / "no" (and True / False) to a bool; "" and None are no answer."""
    if isinstance(value, bool) or value is None:
        return value
    if value == "yes":
        return True
    if value == "no":
        return False
    if value == "":
        return None
    raise ValueError("not yes/no")


class YesNoField(RadioField):
    """A question answered 是 / 否; ``data`` is True / False (None until answered)."""

    render_kind = "choices"

    def __init__(self, label=None, validators=None, **kwargs):
        kwargs.setdefault("choices", {"yes": "是", "no": "否"})
        kwargs.setdefault("invalid_value_message", "请选择“是”或“否”")
        kwargs.setdefault("invalid_choice_message", "请选择“是”或“否”")
        super().__init__(label, validators, coerce=yes_no, **kwargs)


class ChoiceField(SelectField):
    """A drop-down of coded values with Chinese labels; the blank first option is no answer."""

    def __init__(self, label=None, validators=None, choices=None, **kwargs):
        kwargs.setdefault("invalid_choice_message", "请从列表中选择")
        super().__init__(label, validators, choices={"": "请选择", **dict(choices or {})}, **kwargs)


class MultiCheckboxField(SelectMultipleField):
    """Tick boxes for an open list of codes (制度、服务)."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()
    render_kind = "choices"

    def __init__(self, label=None, validators=None, **kwargs):
        kwargs.setdefault("invalid_choice_message", "选项“%(value)s”不在列表中")
        super().__init__(label, validators, **kwargs)

    def process_data(self, value):
        self.data = list(value or [])


class LinesField(LongTextField):
    """A list typed one item per line (其他制度、合作机构…); ``data`` is the list."""

    def process_data(self, value):
        self.data = [str(v) for v in value] if isinstance(value, (list, tuple)) else []

    def process_formdata(self, valuelist):
        text = _normalise_text(valuelist[0]) if valuelist else ""
        self.data = [line.strip() for line in text.split("\n") if line.strip()]

    def _value(self):
        if self.raw_data:
            return self.raw_data[0]
        return "\n".join(self.data or [])


class TableField(FieldList):
    """A table whose rows the user adds and removes (FieldList of FormField rows).

    Rows are numbered by the client; gaps after a removal are fine (WTForms sorts
    the indices and renumbers the rows).
    """

    render_kind = "table"

    def __init__(self, row_form, label=None, validators=None, **kwargs):
        kwargs.setdefault("min_entries", 0)
        super().__init__(FormField(row_form), label, validators, **kwargs)
        self.row_form = row_form

    def blank_row(self, index: str = "__index__"):
        """An empty row named with ``index``: the template the client copies to add a row."""
        options = dict(name=f"{self.name}{self._separator}{index}", id=f"{self.id}{self._separator}{index}",
                       _meta=self.meta, translations=self._translations)
        field = self.meta.bind_field(self._form, self.unbound_field, options)
        field.process(None)
        return field

    def next_index(self) -> int:
        """The index for a row added by the client: past every index in use.  WTForms keeps
        the posted indices (rows 0 and 2 after row 1 was removed), so the number of rows
        could name a row that is already there."""
        return self.last_index + 1

    @property
    def table_errors(self) -> list[str]:
        """The messages about the table as a whole.  WTForms also lists each row's
        errors here as a dict (``{'full_time': ['请填写此项']}``); those are shown in
        their cells instead."""
        return [message for message in self.errors if isinstance(message, str)]


# ---------------------------------------------------------------------------
# Rows of tables
# ---------------------------------------------------------------------------


class RowForm(Form):
    """One row of a table inside an application form.

    ``row_labels`` name the first rows (e.g. ``("创办负责人",)``) and
    ``row_label`` the others (``"成员"``), for tables whose rows have a printed
    heading; empty when rows have none.
    """

    row_labels: ClassVar[tuple[str, ...]] = ()
    row_label: ClassVar[str] = ""

    @classmethod
    def label_for(cls, index: int) -> str:
        return cls.row_labels[index] if index < len(cls.row_labels) else cls.row_label


class ResidentRow(RowForm):
    """入驻企业或创业团队 (CONTRACTS §1 ``residents``); a jurisdiction may add columns."""

    name = TextField("企业或创业团队名称", [Required(), max_chars(200)])  # the column's length (residents.name)
    kind = ChoiceField("类型", [Required()], choices=RESIDENT_KINDS)
    qualifying_field = BooleanField("属于国家重点支持的高新技术领域、创意设计或当地重点产业")
    entered_on = DayField("入驻日期", [Required()])
    established_on = DayField("成立（注册）日期", description="创业团队尚未注册企业的可不填")
    registered_in_space = BooleanField("注册地址在众创空间内")

    def to_fact(self) -> dict:
        return {
            "name": self.name.data,
            "kind": self.kind.data,
            "qualifying_field": bool(self.qualifying_field.data),
            "entered_on": self.entered_on.json_value(),
            "established_on": self.established_on.json_value(),
            "registered_in_space": bool(self.registered_in_space.data),
        }


# ---------------------------------------------------------------------------
# Sections
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Section:
    """A fieldset of the form: a Chinese title, the field names in order, and where it comes from."""

    title: str
    fields: tuple[str, ...]
    citation: Citation | None = None
    note: str = ""

    def plus(self, *names: str, title: str | None = None, citation: Citation | None = None) -> Section:
        """This section with more fields (and optionally another title or citation)."""
        return Section(title or self.title, self.fields + names, citation or self.citation, self.note)


@dataclass(frozen=True)
class BoundSection:
    title: str
    fields: list
    citation: Citation | None
    note: str


# The facts of CONTRACTS §1 grouped as the policies group the conditions.
APPLICANT = Section("申报单位基本情况", (
    "applicant_name", "uscc", "entity_type", "independent_legal_person", "registered_region"))
SPACE = Section("众创空间基本情况", ("space_name", "space_region", "space_opened_on"))
PREMISES = Section("场地和设施", (
    "total_area_m2", "public_area_m2", "workstations", "premises_tenure", "lease_years",
    "commercial_premises", "infrastructure_complete", "rd_facilities", "online_platform"))
RENT = Section("向入驻企业、团队收取租金", ("rent_ratio_year1", "rent_ratio_year2", "rent_ratio_year3"),
               note="按占市价的百分比填写：免租金填 0，按市价的 30% 收取填 30。")
STAFF = Section("服务团队", ("management_staff", "full_time_staff", "mentors"))
RULES = Section("管理制度", ("management_rules", "management_rules_other", "hosted_by_operating_unit",
                           "separate_accounting"))
SERVICES_SECTION = Section("创新创业服务", ("services", "services_other", "events_last_year"))
INVESTMENT = Section("投融资服务", (
    "investor_partners", "seed_fund", "investment_projects", "financed_teams_last_year"))
RESIDENTS = Section("入驻企业和创业团队", (
    "residents", "contracted_residents_last_year", "new_enterprises_last_year",
    "typical_cases_last_year"))

FACT_SECTIONS = (APPLICANT, SPACE, PREMISES, RENT, STAFF, RULES, SERVICES_SECTION, INVESTMENT, RESIDENTS)

# Form fields that feed ``to_facts`` besides the keys themselves.
_OTHER_OF = {"management_rules": "management_rules_other", "services": "services_other"}
_FACT_FIELD_NAMES = frozenset(FACT_KEYS) | frozenset(OPTIONAL_FACT_KEYS) | frozenset(_OTHER_OF.values())


# ---------------------------------------------------------------------------
# The form
# ---------------------------------------------------------------------------


def _json_number(d: Decimal) -> int | float:
    return int(d) if d == d.to_integral_value() else float(d)


def _json_value(field):
    """A bound field's data, JSON-ready (dates as ISO text, numbers as numbers)."""
    if isinstance(field, FieldList):
        return [_json_value(entry) for entry in field.entries]
    if isinstance(field, FormField):
        return {sub.short_name: _json_value(sub) for sub in field.form}
    if hasattr(field, "json_value"):
        return field.json_value()
    data = field.data
    if isinstance(data, Decimal):
        return _json_number(data)
    if isinstance(data, date):
        return data.isoformat()
    return data


class FactsForm(FlaskForm):
    """The facts of CONTRACTS §1, as a web form; the base of every jurisdiction's form.

    Class attributes a subclass sets:

    ``sections``  the fieldsets in document order (:class:`Section`); a field in no
                  section is shown in a last section “其他”, so nothing is lost.
    ``labels``    field name → label as the jurisdiction's document words it.
    ``title``     the form's title as printed (e.g. 昆明市众创空间认定申请表).
    ``note``      a remark shown under the title.
    """

    title: ClassVar[str] = "众创空间认定申请表"
    note: ClassVar[str] = ""
    sections: ClassVar[tuple[Section, ...]] = FACT_SECTIONS
    labels: ClassVar[dict[str, str]] = {}

    # -- 申报单位 ---------------------------------------------------------
    applicant_name = TextField("申报单位名称", [Required(), max_chars(200)])
    uscc = TextField("统一社会信用代码", [Required(), _uscc],
                     filters=[lambda v: v.strip().upper() if isinstance(v, str) else v],
                     render_kw={"maxlength": "18", "autocomplete": "off"})
    entity_type = ChoiceField("单位性质", [Required()], choices=ENTITY_TYPE_LABELS)
    independent_legal_person = YesNoField("是否具有独立法人资格", [Required("请选择“是”或“否”")])
    registered_region = TextField("注册地行政区划代码", [Required(), _region_code],
                                  description="六位数字（GB/T 2260），如 532504 弥勒市",
                                  render_kw={"maxlength": "6", "inputmode": "numeric"})
    # -- 众创空间 ---------------------------------------------------------
    space_name = TextField("众创空间名称", [Required(), max_chars(200)])
    space_region = TextField("众创空间所在地行政区划代码", [Required(), _region_code],
                             description="六位数字（GB/T 2260）",
                             render_kw={"maxlength": "6", "inputmode": "numeric"})
    space_opened_on = DayField("众创空间成立（开始运营）日期", [Required()])
    # -- 场地 ---------------------------------------------------------------
    total_area_m2 = NumberField("众创空间（使用）总面积（m²）", [Required(), non_negative])
    public_area_m2 = NumberField("公共办公（服务）场所面积（m²）", [Required(), non_negative])
    workstations = CountField("创业工位数（个）", [Required(), non_negative])
    premises_tenure = ChoiceField("场地自有或租赁", [Required()], choices=PREMISES_TENURE_LABELS)
    lease_years = NumberField("租赁期（年）", description="场地为租赁时填写")
    commercial_premises = YesNoField("是否商业经营性场所", [Required("请选择“是”或“否”")])
    infrastructure_complete = YesNoField(
        "供电、供水、消防、通讯、网络等配套基础设施齐备，具备“即入即开”条件",
        [Required("请选择“是”或“否”")])
    rd_facilities = YesNoField("具有专业化的研发设计、检验检测、模型加工、中试生产等设备设施",
                               [Required("请选择“是”或“否”")])
    online_platform = YesNoField("具有开放式的互联网线上平台", [Required("请选择“是”或“否”")])
    # -- 租金 ---------------------------------------------------------------
    rent_ratio_year1 = PercentField("第一年收取租金占市价的比例（%）", [Required()])
    rent_ratio_year2 = PercentField("第二年收取租金占市价的比例（%）", [Required()])
    rent_ratio_year3 = PercentField("第三年收取租金占市价的比例（%）", [Required()])
    # -- 人员 ---------------------------------------------------------------
    management_staff = CountField("管理服务人员数（人）", [Required(), non_negative])
    full_time_staff = CountField("具备专业服务能力的专职人员数（人）", [Required(), non_negative])
    mentors = CountField("专兼职创业导师数（人）", [Required(), non_negative])
    # -- 制度 ---------------------------------------------------------------
    management_rules = MultiCheckboxField("已建立的管理制度", choices=MANAGEMENT_RULES)
    management_rules_other = LinesField("其他制度（每行一项）")
    separate_accounting = YesNoField("建设运营财务单独核算", [Required("请选择“是”或“否”")])
    # -- 服务 ---------------------------------------------------------------
    services = MultiCheckboxField("可提供的创新创业服务", choices=SERVICES)
    services_other = LinesField("其他服务（每行一项）")
    events_last_year = CountField("近一年举办沙龙、路演、培训、训练营等活动次数", [Required(), non_negative])
    # -- 投融资 -------------------------------------------------------------
    investor_partners = CountField("与天使投资、风险投资、私募基金、投资及担保机构的合作关系数（家）",
                                   [Required(), non_negative])
    seed_fund = YesNoField("设立种子基金", [Required("请选择“是”或“否”")])
    investment_projects = CountField("实际投资项目数（个）", [Required(), non_negative])
    financed_teams_last_year = CountField("近一年获得投融资的团队数", [Required(), non_negative])
    # -- 入驻 ---------------------------------------------------------------
    residents = TableField(ResidentRow, "入驻企业或创业团队")
    contracted_residents_last_year = CountField("近一年协议入驻的创业团队和企业数", [Required(), non_negative])
    new_enterprises_last_year = CountField("近一年入驻团队注册成为新企业数", [Required(), non_negative])
    typical_cases_last_year = CountField("近一年典型孵化案例数", [Required(), non_negative])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, text in self.labels.items():
            if name in self._fields:
                self._fields[name].label.text = text

    # -- cross-field checks, attached to the field they are about ----------

    def validate_public_area_m2(self, field):
        total = self.total_area_m2.data
        if total is None or total < 0:
            return  # the total's own error says what is wrong
        if field.data is not None and field.data > total:
            raise ValidationError(
                f"公共办公（服务）场所面积不能大于众创空间总面积（{_to_decimal(total)} m²）")

    def validate_space_opened_on(self, field):
        from core.platform import clock  # the site clock (a fixed day in tests and demos)

        today = clock.today()
        if field.data is not None and field.data > today:
            raise ValidationError(f"成立（开始运营）日期 {field.data.isoformat()} 晚于今天（{today.isoformat()}）")

    def validate_lease_years(self, field):
        if field.process_errors:
            return
        if self.premises_tenure.data == "leased" and field.data is None:
            raise ValidationError("场地为租赁时请填写租赁期（年）")
        if field.data is not None and field.data < 0:
            raise ValidationError("不能为负数")

    # -- layout ------------------------------------------------------------

    def field_groups(self) -> list[BoundSection]:
        """The sections with their bound fields, in order; fields in no section come last."""
        placed: set[str] = set()
        groups = []
        for section in self.sections:
            fields = [self._fields[n] for n in section.fields if n in self._fields and n not in placed]
            placed.update(f.short_name for f in fields)
            if fields:
                groups.append(BoundSection(section.title, fields, section.citation, section.note))
        rest = [f for name, f in self._fields.items() if name not in placed and name != "csrf_token"]
        if rest:
            groups.append(BoundSection("其他", rest, None, ""))
        return groups

    # -- conversions -------------------------------------------------------

    def to_facts(self) -> dict:
        """The facts of CONTRACTS §1 (exactly its keys, and the optional ones the form asks;
        JSON-ready); call after ``validate()``."""
        facts = {}
        for key in FACT_KEYS:
            field = self._fields[key]
            if key == "residents":
                facts[key] = [entry.form.to_fact() for entry in field.entries]
            elif key in _OTHER_OF:
                known = list(dict.fromkeys(field.data or []))
                other = [v for v in self._fields[_OTHER_OF[key]].data if v not in known]
                facts[key] = known + other
            else:
                facts[key] = _json_value(field)
        if facts["lease_years"] is None:
            facts["lease_years"] = 0  # owned premises: not asked, not read
        # An optional key only where the form asks it (absent = its default, CONTRACTS §1).
        facts.update({key: _json_value(self._fields[key]) for key in OPTIONAL_FACT_KEYS if key in self._fields})
        return facts

    def extra_data(self) -> dict:
        """What the form collects beyond §1 (for ``Application.form_data``), JSON-ready.

        Columns a jurisdiction adds to the residents' table come under
        ``"residents"``, one dict per row in the same order as the facts.
        """
        extra = {name: _json_value(field) for name, field in self._fields.items()
                 if name not in _FACT_FIELD_NAMES and name != "csrf_token"}
        added = [n for n in self.residents.row_form().data if n not in RESIDENT_KEYS]
        if added:
            extra["residents"] = [
                {n: _json_value(entry.form[n]) for n in added} for entry in self.residents.entries]
        return extra

    @classmethod
    def facts_to_data(cls, facts: Mapping, extra: Mapping | None = None) -> dict:
        """The ``data=`` that pre-fills a form from stored facts and form data."""
        data = dict(extra or {})
        data.update({k: v for k, v in facts.items() if k != "residents"})
        for key, other in _OTHER_OF.items():
            field_choices = MANAGEMENT_RULES if key == "management_rules" else SERVICES
            values = list(facts.get(key) or [])
            data[key] = [v for v in values if v in field_choices]
            data[other] = [v for v in values if v not in field_choices]
        rows = [dict(r) for r in facts.get("residents") or []]
        for row, added in zip(rows, (extra or {}).get("residents") or []):
            row.update({k: v for k, v in added.items() if k not in RESIDENT_KEYS})
        data["residents"] = rows
        return data

    @classmethod
    def from_facts(cls, facts: Mapping, extra: Mapping | None = None, **kwargs) -> FactsForm:
        """A form pre-filled from a space's facts (and an application's ``form_data``).

        In a POST request the submitted values win, as with any FlaskForm; pass
        ``formdata=None`` to ignore them.
        """
        return cls(data=cls.facts_to_data(facts, extra), **kwargs)


class HostedByOperatingUnitQuestion:
    """Mixin: asks the optional fact ``hosted_by_operating_unit`` (CONTRACTS §1).

    Only 昆科发〔2017〕55号 第五条（六） reads it ("依托运营单位的，建设运营财务应单独核算"),
    so the 昆明 forms ask it, and 我的众创空间 asks it once so that it flows into every
    application.  Unanswered means 否, as an absent key does.
    """

    hosted_by_operating_unit = YesNoField(
        "众创空间是否依托运营单位建设", default=False,
        description="运营单位的业务不止于本众创空间（如企业、高校、园区等下设的众创空间）时选“是”；"
                    "依托运营单位的，建设运营财务应单独核算。")

