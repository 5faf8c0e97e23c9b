"""The application forms: core.facts.forms.FactsForm and the form of each jurisdiction.

Forms are bound to real request data (``test_request_context`` with form data, as
a browser posts it), rendered with core/facts/templates/forms/application_form.html, and
CSRF is checked once through a real route with the test client.
"""
from __future__ import annotations

import json
from pathlib import Path

import pytest
from flask import render_template
from markupsafe import escape
from werkzeug.datastructures import MultiDict

from core.platform.extensions import db
from core.facts import FACT_KEYS, OPTIONAL_FACT_KEYS, parse_facts
from core.facts.forms import FactsForm
from plugins.kunming.forms import KunmingComprehensiveServiceForm, KunmingTechSupportForm
from plugins.mile.forms import MileComprehensiveForm, MileSpecializedForm
from plugins.xuzhou.forms import XuzhouApplicationForm
from plugins.yunnan.forms import YunnanApplicationForm
from tests.conftest import csrf_token
from tests.factories import make_application

FACTS = json.loads((Path(__file__).parent.parent / "data" / "kunming-comprehensive-service.json").read_text())
NO_CSRF = {"csrf": False}


def facts_formdata(facts: dict) -> MultiDict:
    """The facts as a browser posts the form: text, yes/no radios, percent, ticked boxes, rows."""
    data = MultiDict()
    for key in FACT_KEYS:
        value = facts[key]
        if key == "residents":
            for i, row in enumerate(value):
                data.add(f"residents-{i}-name", row["name"])
                data.add(f"residents-{i}-kind", row["kind"])
                data.add(f"residents-{i}-entered_on", row["entered_on"])
                data.add(f"residents-{i}-established_on", row["established_on"] or "")
                for flag in ("qualifying_field", "registered_in_space"):
                    if row[flag]:
                        data.add(f"residents-{i}-{flag}", "y")
        elif key.startswith("rent_ratio"):
            data.add(key, f"{value * 100:g}")
        elif isinstance(value, bool):
            data.add(key, "yes" if value else "no")
        elif isinstance(value, list):
            for item in value:
                data.add(key, item)
        else:
            data.add(key, str(value))
    return data


MILE_EXTRA = {
    "space_address": "弥勒市髯翁东路 88 号",
    "legal_representative": "张三",
    "phone": "0873-6123456",
    "declared_on": "2026-03-02",
    "mailing_address": "弥勒市髯翁东路 88 号",
    "contact_person": "李四",
    "contact_phone": "13800000000",
    "contact_email": "lisi@example.com",
    "office_address": "弥勒市髯翁东路 88 号 3 楼",
    "bank_account_name": "弥勒创新科技有限公司",
    "bank_name": "农业银行弥勒支行",
    "bank_account_no": "6228480000000000",
    "bank_contact": "王五",
    "bank_phone": "0873-6123457",
    "bank_email": "wangwu@example.com",
    "team_members-0-name": "张三",
    "team_members-0-phone": "13900000000",
    "team_members-0-speciality": "工商管理",
    "team_members-0-full_time": "yes",
    "team_members-0-services": "运营管理",
    "partner_institutions": "红河州创投公司\r\n弥勒农商银行",
    "founder_profile": "从事创业服务十年。",
    "plan_summary": "无",
    "annual_plan": "举办路演 12 次。",
    "promise": "y",
    "reason": "符合条件。",
    **{f"plan_{n}": "无" for n in ("necessity", "basis", "goals", "mechanism", "services", "safeguards", "budget")},
}
KUNMING_EXTRA = {
    "service_theme": "数字经济与高原特色农业",
    "service_team-0-name": "赵六", "service_team-0-position": "总经理", "service_team-0-background": "互联网",
    "service_team-0-experience": "两次创业", "service_team-0-resources": "滇中投资机构",
    "service_team_description": "团队五人，均有创业经历。",
    "mentor_team-0-name": "钱七", "mentor_team-0-organisation": "云南大学 教授",
    "mentor_team-0-field_of_work": "生物技术", "mentor_team-0-full_time": "no",
    **{f"plan_{n}": "无" for n in ("necessity", "basis", "goals", "mechanism", "services", "safeguards")},
    "annual_plan": "全年活动 12 次。",
}
YUNNAN_EXTRA = {
    "development_direction": "面向生物医药", "operating_model": "孵化+投资",
    "management_rules_description": "三项制度", "interaction_mechanism": "每月座谈",
    "typical_cases-0-name": "云岭智造", "typical_cases-0-year": "2025", "typical_cases-0-description": "获投 500 万元",
    "seed_fund_size_10k_cny": "300",
    "investments-0-project": "云岭智造", "investments-0-invested_on": "2025-06-01",
    "investments-0-amount_10k_cny": "50", "investments-0-source": "种子基金",
}
XUZHOU_EXTRA = {
    **{f"residents-{i}-{k}": v for i in range(len(FACTS["residents"]))
       for k, v in (("employees", "5"), ("revenue_last_year", "120.5"))},
    "operating_income_last_year": "300", "service_income_last_year": "80",
    "incubating_enterprises": "12", "graduated_enterprises_total": "3",
    "graduates-0-name": "淮海智能", "graduates-0-graduated_on": "2024-06", "graduates-0-employees": "30",
    "graduates-0-revenue_last_year": "1500",
    "recognised_level": "none", "last_evaluation_grade": "none", "self_assessment": "运行良好。",
}
MILE_RESIDENT_EXTRA = {
    f"residents-{i}-{k}": v for i in range(len(FACTS["residents"]))
    for k, v in (("main_product", "软件"), ("output_value_wan", "100"), ("sales_wan", "80.5"),
                 ("employees", "6"), ("phone", "13700000000"))
}

FORMS = [
    # (jurisdiction, category, class, extra form data for a valid submission)
    ("mile", "comprehensive", MileComprehensiveForm, {**MILE_EXTRA, **MILE_RESIDENT_EXTRA}),
    ("mile", "specialized", MileSpecializedForm, {**MILE_EXTRA, **MILE_RESIDENT_EXTRA}),
    ("kunming", "comprehensive_service", KunmingComprehensiveServiceForm, KUNMING_EXTRA),
    ("kunming", "tech_support", KunmingTechSupportForm,
     {**KUNMING_EXTRA, "rd_facilities_description": "中试车间 800 m²", "online_platform_url": "https://dc.example.cn"}),
    ("yunnan", "provincial", YunnanApplicationForm, YUNNAN_EXTRA),
    ("xuzhou", "key", XuzhouApplicationForm, XUZHOU_EXTRA),
]


def post(app, form_class, data: MultiDict | dict, **kwargs):
    """Bind ``form_class`` to ``data`` posted in a request, validate it, return it."""
    ctx = app.test_request_context("/apply", method="POST", data=MultiDict(data))
    ctx.push()
    try:
        form = form_class(meta=NO_CSRF, **kwargs)
        form.validate()
        return form
    finally:
        ctx.pop()


def valid_data(extra: dict | None = None, facts: dict | None = None) -> MultiDict:
    data = facts_formdata(facts or FACTS)
    for key, value in (extra or {}).items():
        data.setlist(key, [value])
    return data


def render(app, form) -> str:
    with app.test_request_context("/apply"):
        return render_template("forms/application_form.html", form=form)


# --- the hook ------------------------------------------------------------------------


@pytest.mark.parametrize("code, category, form_class, _extra", FORMS)
def test_each_jurisdiction_answers_its_form_through_the_registry(app, code, category, form_class, _extra):
    registry = app.extensions["zhongchuang"]
    assert registry.application_form(code, category) is form_class
    assert issubclass(form_class, FactsForm)


@pytest.mark.parametrize("code, category", [
    ("mile", "provincial"), ("kunming", "comprehensive"), ("yunnan", "key"), ("xuzhou", "provincial"),
    ("dali", "comprehensive"), ("nowhere", "key"),
])
def test_other_codes_and_categories_get_no_form(app, code, category):
    assert app.extensions["zhongchuang"].application_form(code, category) is None


def test_each_plugin_answers_none_for_the_other_jurisdictions():
    from plugins.kunming.forms import zc_application_form as kunming
    from plugins.mile.forms import zc_application_form as mile
    from plugins.xuzhou.forms import zc_application_form as xuzhou
    from plugins.yunnan.forms import zc_application_form as yunnan

    assert mile(jurisdiction="kunming", category="comprehensive") is None
    assert kunming(jurisdiction="mile", category="tech_support") is None
    assert yunnan(jurisdiction="xuzhou", category="provincial") is None
    assert xuzhou(jurisdiction="yunnan", category="key") is None


# --- a valid submission gives the facts of CONTRACTS §1 --------------------------------


def test_base_form_gives_exactly_the_contract_facts(app):
    form = post(app, FactsForm, valid_data())
    assert form.errors == {}
    facts = form.to_facts()
    assert list(facts) == list(FACT_KEYS)
    assert facts == FACTS
    parse_facts(json.loads(json.dumps(facts)))


@pytest.mark.parametrize("code, category, form_class, extra", FORMS)
def test_valid_submission_of_each_form_parses_as_facts(app, code, category, form_class, extra):
    form = post(app, form_class, valid_data(extra))
    assert form.errors == {}
    facts = form.to_facts()
    # 昆明 asks the optional hosted_by_operating_unit (昆科发〔2017〕55号 第五条（六）); unanswered = 否
    asked = ["hosted_by_operating_unit"] if code == "kunming" else []
    assert list(facts) == list(FACT_KEYS) + asked
    assert parse_facts(json.loads(json.dumps(facts))).residents[0].name == "云岭智造"
    assert {k: facts[k] for k in FACT_KEYS} == FACTS
    assert all(facts[k] is False for k in asked)
    extra_data = form.extra_data()
    json.dumps(extra_data)  # JSON-ready
    assert not set(extra_data) & (set(FACT_KEYS) - {"residents"})


def test_kunming_form_asks_hosted_by_operating_unit_art5_6(app):
    """昆科发〔2017〕55号 第五条（六）依托运营单位的…: the 昆明 forms ask it, the others do not."""
    for _code, _category, form_class, extra in [f for f in FORMS if f[0] == "kunming"]:
        for answer, expected in (("yes", True), ("no", False)):
            data = valid_data(extra)
            data.setlist("hosted_by_operating_unit", [answer])
            form = post(app, form_class, data)
            assert form.errors == {}
            assert form.to_facts()["hosted_by_operating_unit"] is expected
            assert parse_facts(form.to_facts()).hosted_by_operating_unit is expected
    with app.test_request_context("/apply"):
        prefilled = KunmingComprehensiveServiceForm.from_facts(FACTS | {"hosted_by_operating_unit": True},
                                                              meta=NO_CSRF)
        assert prefilled.hosted_by_operating_unit.data is True
        for form_class in (MileComprehensiveForm, YunnanApplicationForm, XuzhouApplicationForm):
            assert set(OPTIONAL_FACT_KEYS).isdisjoint(form_class(meta=NO_CSRF)._fields)


def test_rent_is_typed_as_percent_and_stored_as_fraction(app):
    data = valid_data()
    data.setlist("rent_ratio_year2", ["30"])
    data.setlist("rent_ratio_year3", ["100"])  # 100 % is the whole market price: allowed
    facts = post(app, FactsForm, data).to_facts()
    assert facts["rent_ratio_year2"] == 0.3
    assert facts["rent_ratio_year3"] == 1


@pytest.mark.parametrize("typed", ["100.5", "-1", "三十"])
def test_rent_percent_outside_0_to_100_is_refused(app, typed):
    data = valid_data()
    data.setlist("rent_ratio_year2", [typed])
    form = post(app, FactsForm, data)
    assert form.rent_ratio_year2.errors == ["请填写 0 到 100 之间的数字（按百分数填写，30 表示 30%）"]


def test_public_area_equal_to_total_is_accepted(app):
    data = valid_data()
    data.setlist("public_area_m2", ["620"])
    form = post(app, FactsForm, data)
    assert form.errors == {}
    assert form.to_facts()["public_area_m2"] == 620


def test_owned_premises_need_no_lease_and_leased_ones_do(app):
    data = valid_data()
    data.setlist("premises_tenure", ["owned"])
    data.setlist("lease_years", [""])
    form = post(app, FactsForm, data)
    assert form.errors == {}
    assert form.to_facts()["lease_years"] == 0

    data.setlist("premises_tenure", ["leased"])
    form = post(app, FactsForm, data)
    assert form.lease_years.errors == ["场地为租赁时请填写租赁期（年）"]


def test_other_rules_and_services_are_kept_after_the_known_codes(app):
    data = valid_data()
    data.setlist("management_rules_other", ["导师管理制度\r\n\r\n 知识产权管理制度 "])
    data.setlist("services_other", ["财税代理"])
    facts = post(app, FactsForm, data).to_facts()
    assert facts["management_rules"] == ["admission", "finance", "operations", "导师管理制度", "知识产权管理制度"]
    assert facts["services"][-1] == "财税代理"


def test_uscc_typed_in_lower_case_is_taken_in_capitals(app):
    data = valid_data()
    data.setlist("uscc", [" " + FACTS["uscc"].lower() + " "])
    form = post(app, FactsForm, data)
    assert form.errors == {}
    assert form.to_facts()["uscc"] == FACTS["uscc"]


# --- bad input: Chinese message on the right field, typed value kept -------------------


BAD_INPUTS = [
    # (field, typed, message)
    ("total_area_m2", "-5", "不能为负数"),
    ("total_area_m2", "六百", "请填写数字，如 120 或 120.5"),
    ("public_area_m2", "620.5", "公共办公（服务）场所面积不能大于众创空间总面积（620 m²）"),
    ("uscc", "91530112AY4CL12T2X", "统一社会信用代码校验位不正确"),
    ("uscc", "91530112AY4CL12T2", "统一社会信用代码应为 18 位，现为 17 位"),
    ("space_opened_on", "2023-02-30", "请填写真实存在的日期，格式为 YYYY-MM-DD，如 2024-03-15"),
    ("space_opened_on", "2023/03/15", "请填写真实存在的日期，格式为 YYYY-MM-DD，如 2024-03-15"),
    ("applicant_name", "   ", "请填写此项"),
    ("workstations", "4.5", "请填写整数，如 5"),
    ("mentors", "-1", "不能为负数"),
    ("lease_years", "-1", "不能为负数"),
    ("lease_years", "五年", "请填写数字，如 120 或 120.5"),
    ("space_region", "53011", "行政区划代码应为六位数字（GB/T 2260），如 532504"),
    ("registered_region", "990112", "行政区划代码前两位 99 不是省级行政区划代码（GB/T 2260）"),
    ("entity_type", "company", "请从列表中选择"),
    ("residents-1-entered_on", "2025-13-01", "请填写真实存在的日期，格式为 YYYY-MM-DD，如 2024-03-15"),
]


@pytest.mark.parametrize("name, typed, message", BAD_INPUTS)
def test_bad_input_is_refused_on_its_field_in_chinese_and_kept(app, name, typed, message):
    data = valid_data()
    data.setlist(name, [typed])
    form = post(app, FactsForm, data)
    field = form
    for part in name.split("-"):
        field = field[part] if not part.isdigit() else field.entries[int(part)].form
    assert field.errors == [message]
    errors_elsewhere = {k for k, v in form.errors.items() if v} - {name.split("-")[0]}
    assert errors_elsewhere == set()
    html = render(app, form)
    assert str(escape(message)) in html
    if typed.strip() and field.type != "ChoiceField":  # a drop-down can only show its options
        assert f'value="{escape(typed)}"' in html  # what the user typed, shown again
    assert f'id="{field.id}-errors"' in html


def test_missing_required_answers_are_named_in_chinese(app):
    data = valid_data()
    for key in ("space_name", "seed_fund", "premises_tenure", "events_last_year"):
        data.poplist(key)
    form = post(app, FactsForm, data)
    assert form.space_name.errors == ["请填写此项"]
    assert form.seed_fund.errors == ["请选择“是”或“否”"]
    assert form.premises_tenure.errors == ["请填写此项"]
    assert form.events_last_year.errors == ["请填写此项"]
    html = render(app, form)
    assert "填写有误，请按各项下方的提示修改后重新提交。" in html
    assert f'value="{FACTS["applicant_name"]}"' in html  # the rest of what was typed stays


def test_messages_stay_chinese_when_the_browser_asks_for_english(app):
    data = valid_data()
    data.setlist("total_area_m2", ["x"])
    data.setlist("seed_fund", ["maybe"])
    with app.test_request_context("/apply", method="POST", data=data, headers={"Accept-Language": "en"}):
        form = FactsForm(meta=NO_CSRF)
        assert not form.validate()
    assert form.total_area_m2.errors == ["请填写数字，如 120 或 120.5"]
    assert form.seed_fund.errors == ["请选择“是”或“否”"]


def test_the_macros_can_be_imported_by_another_page(app):
    from flask import render_template_string

    page = '{% from "forms/application_form.html" import render_form %}<main>{{ render_form(f, action="/x", submit_label="提交申请") }}</main>'
    with app.test_request_context("/apply"):
        html = render_template_string(page, f=YunnanApplicationForm(meta=NO_CSRF))
    assert '<form method="post" action="/x"' in html
    assert "提交申请</button>" in html
    assert html.count("<form") == 1


def test_typed_text_is_escaped_when_shown_again(app):
    data = valid_data()
    data.setlist("applicant_name", ['<script>alert("x")</script>'])
    data.setlist("total_area_m2", ["-1"])
    html = render(app, post(app, FactsForm, data))
    assert "<script>alert" not in html
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in html


# --- tables: rows added and removed by the client -----------------------------------------


def test_residents_rows_with_gaps_become_the_residents_list_in_order(app):
    data = valid_data(facts={**FACTS, "residents": []})
    # the client added rows 0, 1, 2 and removed row 1
    for i, name in ((0, "甲团队"), (2, "乙公司")):
        data.add(f"residents-{i}-name", name)
        data.add(f"residents-{i}-kind", "team" if i == 0 else "enterprise")
        data.add(f"residents-{i}-entered_on", "2025-03-01")
        data.add(f"residents-{i}-established_on", "" if i == 0 else "2025-01-15")
    data.add("residents-2-qualifying_field", "y")
    form = post(app, FactsForm, data)
    assert form.errors == {}
    assert form.to_facts()["residents"] == [
        {"name": "甲团队", "kind": "team", "qualifying_field": False, "entered_on": "2025-03-01",
         "established_on": None, "registered_in_space": False},
        {"name": "乙公司", "kind": "enterprise", "qualifying_field": True, "entered_on": "2025-03-01",
         "established_on": "2025-01-15", "registered_in_space": False},
    ]


def test_removing_every_row_leaves_no_residents_even_when_prefilled(app):
    data = valid_data(facts={**FACTS, "residents": []})
    with app.test_request_context("/apply", method="POST", data=data):
        form = FactsForm.from_facts(FACTS, meta=NO_CSRF)  # pre-filled, but the POST wins
        assert form.validate(), form.errors
        assert form.to_facts()["residents"] == []


def test_table_renders_a_row_template_for_the_client_and_the_local_script(app, client):
    with app.test_request_context("/apply"):
        form = MileComprehensiveForm(meta=NO_CSRF)
        html = render_template("forms/application_form.html", form=form)
    assert 'name="residents-__index__-name"' in html
    assert 'data-zc-add-row="residents-table"' in html
    assert 'data-next-index="0"' in html
    assert 'data-next-index="1"' in html  # 团队成员 starts with the 创办负责人 row
    assert "创办负责人" in html
    assert '<script src="/static/forms.js">' in html
    assert "http://" not in html and "https://" not in html  # nothing from the network
    js = client.get("/static/forms.js")
    assert js.status_code == 200
    assert "__index__" in js.get_data(as_text=True)


# --- pre-filling from a space ----------------------------------------------------------------


@pytest.mark.parametrize("code, category, form_class, extra", FORMS)
def test_from_facts_gives_back_the_same_facts_and_form_data(app, code, category, form_class, extra):
    submitted = post(app, form_class, valid_data(extra))
    facts, form_data = submitted.to_facts(), submitted.extra_data()
    with app.test_request_context("/apply"):
        form = form_class.from_facts(facts, form_data, meta=NO_CSRF)
        assert form.validate(), form.errors
        assert form.to_facts() == facts
        assert form.extra_data() == form_data
        html = render_template("forms/application_form.html", form=form)
    assert 'value="30"' in html  # rent ratio 0.3 shown as percent
    assert f'value="{FACTS["uscc"]}"' in html


def test_facts_and_form_data_survive_the_database(app):
    submitted = post(app, MileComprehensiveForm, valid_data({**MILE_EXTRA, **MILE_RESIDENT_EXTRA}))
    application = make_application("mile", "comprehensive", status="draft")
    application.facts = submitted.to_facts()
    application.form_data = submitted.extra_data()
    db.session.commit()
    db.session.expire_all()
    stored = db.session.get(type(application), application.id)
    assert stored.form_data["declared_type"] == "综合"
    assert stored.form_data["residents"][0] == {
        "main_product": "软件", "output_value_wan": 100, "sales_wan": 80.5, "employees": 6, "phone": "13700000000"}
    with app.test_request_context("/apply"):
        form = MileComprehensiveForm.from_facts(stored.facts, stored.form_data, meta=NO_CSRF)
        assert form.validate(), form.errors
        assert form.to_facts() == FACTS
        assert form.residents.entries[0].form.sales_wan.data == 80.5


# --- 弥勒 申报书 ---------------------------------------------------------------------------


MILE_LABELS = [
    # 封面
    "申报单位", "众创空间名称", "众创空间地址", "法人代表", "联系电话", "申报认定类型：综合", "申报日期",
    # 基本信息表
    "基本信息表", "申请单位名称", "单位性质", "拟认定众创空间名称", "通讯地址", "行政区划", "法定代表人",
    "联系人", "电话/手机", "电子邮件", "成立时间", "办公地址", "面积（m²）",
    "银行财务信息", "账户名", "开户行", "开户账号", "电子邮箱",
    "团队成员", "姓名", "专业", "专/兼职", "提供服务内容", "创办负责人",
    "制度建设", "合作机构", "创办/负责人简介（简述 200 字以内）", "申请众创空间建设运营方案概要",
    "年度工作计划", "申请单位承诺", "本单位为申请弥勒市众创空间认定所提交的相关信息和材料均真实、准确、有效。",
    # 入驻 / 已毕业
    "入驻企业或创业团队基本情况表", "企业或创业团队名称", "主导产品", "上年度年总产值（万元）",
    "上年度年销售额（万元）", "入驻时间", "职工总数（人）",
    "已毕业企业或创业团队基本情况表", "入驻时间（年、月）", "毕业时间（年、月）",
    "申请理由",
    # 建设运营方案（编写提纲）
    "众创空间建设运营方案", "一、建设的必要性", "二、具备的基础条件", "三、建设和运营目标", "四、运营机制",
    "五、可提供的服务", "六、保障措施", "七、经费预算",
    # □企业 □事业 □其他
    ">企业<", ">事业<", ">其他<",
]


def test_mile_form_has_every_section_of_the_shenbaoshu(app):
    with app.test_request_context("/apply"):
        html = render_template("forms/application_form.html", form=MileComprehensiveForm(meta=NO_CSRF))
    missing = [label for label in MILE_LABELS if label not in html]
    assert missing == []
    assert "编号由弥勒市农业和科学技术局填写" in html
    assert 'name="official_number"' not in html and "编号</label>" not in html


def test_mile_declared_type_follows_the_category(app):
    assert post(app, MileSpecializedForm, valid_data({**MILE_EXTRA, **MILE_RESIDENT_EXTRA})) \
        .extra_data()["declared_type"] == "专业"
    with app.test_request_context("/apply"):
        html = render_template("forms/application_form.html", form=MileSpecializedForm(meta=NO_CSRF))
    assert "申报认定类型：专业" in html


@pytest.mark.parametrize("profile, ok", [
    ("创" * 200, True),
    ("创" * 201, False),
    ("创" * 100 + "\r\n" + "业" * 99, True),  # a line break is one character, as the reader sees it
    ("  " + "创" * 200 + "\r\n", True),  # surrounding blanks are not counted
])
def test_mile_founder_profile_is_200_characters_at_most(app, profile, ok):
    data = valid_data({**MILE_EXTRA, **MILE_RESIDENT_EXTRA, "founder_profile": profile})
    form = post(app, MileComprehensiveForm, data)
    if ok:
        assert form.errors == {}
        assert len(form.extra_data()["founder_profile"]) <= 200
    else:
        assert form.founder_profile.errors == ["应在 200 字以内，现为 201 字"]
        html = render(app, form)
        assert "应在 200 字以内，现为 201 字" in html
        assert "创" * 201 in html  # kept for the user to shorten


def test_mile_blank_boxes_must_say_wu(app):
    data = valid_data({**MILE_EXTRA, **MILE_RESIDENT_EXTRA, "reason": "", "team_members-0-speciality": ""})
    form = post(app, MileComprehensiveForm, data)
    assert form.reason.errors == ["请填写此项（无该项内容时填“无”）"]
    assert form.team_members.entries[0].form.speciality.errors == ["请填写此项（无该项内容时填“无”）"]


def test_mile_team_keeps_its_founder_row(app):
    data = valid_data({**MILE_EXTRA, **MILE_RESIDENT_EXTRA})
    for key in [k for k in data if k.startswith("team_members-")]:
        data.poplist(key)
    form = post(app, MileComprehensiveForm, data)
    # the 创办负责人 row cannot be removed: it comes back empty, to be filled in
    assert len(form.team_members.entries) == 1
    assert form.team_members.entries[0].form.name.errors == ["请填写此项（无该项内容时填“无”）"]
    html = render(app, form)
    assert '<th scope="row">创办负责人</th>' in html


def test_mile_promise_must_be_ticked(app):
    data = valid_data({**MILE_EXTRA, **MILE_RESIDENT_EXTRA})
    data.poplist("promise")
    form = post(app, MileComprehensiveForm, data)
    assert form.promise.errors == ["请勾选申请单位承诺"]


def test_mile_residents_table_carries_both_sets_of_columns(app):
    data = valid_data({**MILE_EXTRA, **MILE_RESIDENT_EXTRA, "residents-3-sales_wan": "-2"})
    form = post(app, MileComprehensiveForm, data)
    row = form.residents.entries[3].form
    assert row.sales_wan.errors == ["不能为负数"]
    assert [f.short_name for f in row][:7] == [
        "name", "main_product", "output_value_wan", "sales_wan", "entered_on", "employees", "phone"]


def test_mile_graduates_months_and_email(app):
    data = valid_data({**MILE_EXTRA, **MILE_RESIDENT_EXTRA,
                       "graduates-0-name": "弥勒酒业", "graduates-0-main_product": "葡萄酒",
                       "graduates-0-entered_on": "2019-03", "graduates-0-graduated_on": "2021-13",
                       "graduates-0-employees": "40", "graduates-0-phone": "0873-1",
                       "contact_email": "lisi.example.com"})
    form = post(app, MileComprehensiveForm, data)
    assert form.graduates.entries[0].form.graduated_on.errors == ["请按 YYYY-MM 格式填写年月，如 2024-03"]
    assert form.contact_email.errors == ["电子邮件地址格式不正确，如 name@example.com"]
    data.setlist("graduates-0-graduated_on", ["2021-12"])
    data.setlist("contact_email", ["lisi@example.com"])
    form = post(app, MileComprehensiveForm, data)
    assert form.errors == {}
    assert form.extra_data()["graduates"][0]["graduated_on"] == "2021-12"


# --- the other jurisdictions' additions ---------------------------------------------------


def test_kunming_tech_support_asks_for_the_platform_address(app):
    extra = dict(FORMS[3][3])
    extra["online_platform_url"] = ""
    form = post(app, KunmingTechSupportForm, valid_data(extra))
    assert form.online_platform_url.errors == ["具有线上平台的，请填写线上平台网址"]
    extra["online_platform_url"] = "www.example.cn"
    form = post(app, KunmingTechSupportForm, valid_data(extra))
    assert form.online_platform_url.errors == ["网址应以 http:// 或 https:// 开头，如 https://www.example.com"]
    assert not hasattr(KunmingComprehensiveServiceForm, "online_platform_url")


def test_kunming_categories_differ_by_article(app):
    with app.test_request_context("/apply"):
        tech = render_template("forms/application_form.html", form=KunmingTechSupportForm(meta=NO_CSRF))
        comprehensive = render_template("forms/application_form.html",
                                        form=KunmingComprehensiveServiceForm(meta=NO_CSRF))
    assert "研发设计、检验检测、模型加工、中试生产等设备设施和厂房说明" in tech
    assert "线上平台网址" in tech and "线上平台网址" not in comprehensive
    assert "依据：昆科发〔2017〕55号 第六条（三）" in tech
    assert "依据：昆科发〔2017〕55号 第七条（一）" in comprehensive
    for label in ("服务主题", "服务团队及主要负责人", "导师团队", "建设的必要性", "具备的基础条件", "建设和运营目标",
                  "运营机制", "可提供的服务", "保障措施", "年度工作计划"):
        assert label in tech and label in comprehensive


def test_yunnan_asks_what_conditions_3_4_7_9_ask(app):
    with app.test_request_context("/apply"):
        html = render_template("forms/application_form.html", form=YunnanApplicationForm(meta=NO_CSRF))
    for label, item in (("发展方向", "3"), ("与入驻团队和企业之间的互动机制", "4"), ("典型孵化案例", "7"),
                        ("种子基金规模（万元）", "9"), ("实际投资项目", "9")):
        assert label in html
        assert f"依据：云科规〔2021〕1号 申报省级众创空间的认定条件{item}" in html
    data = valid_data({**YUNNAN_EXTRA, "seed_fund_size_10k_cny": ""})
    form = post(app, YunnanApplicationForm, data)
    assert form.seed_fund_size_10k_cny.errors == ["设立有种子基金的，请填写种子基金规模（万元）"]


def test_xuzhou_form_says_the_73_form_is_missing_and_asks_statistics(app):
    with app.test_request_context("/apply"):
        html = render_template("forms/application_form.html", form=XuzhouApplicationForm(meta=NO_CSRF))
    assert "徐政发〔2015〕73号" in html and "尚未收录" in html
    assert "依据：徐政发〔2016〕12号 五、保障措施（五）" in html
    data = valid_data({**XUZHOU_EXTRA, "service_income_last_year": "301"})
    assert post(app, XuzhouApplicationForm, data).service_income_last_year.errors == ["服务收入不能大于众创空间总收入"]


@pytest.mark.parametrize("code, category, form_class, _extra", FORMS)
def test_every_field_of_every_form_is_in_a_titled_section(app, code, category, form_class, _extra):
    with app.test_request_context("/apply"):
        groups = form_class(meta=NO_CSRF).field_groups()
    assert "其他" not in [g.title for g in groups]
    names = [f.short_name for g in groups for f in g.fields]
    assert len(names) == len(set(names))
    assert set(FACT_KEYS) <= set(names)


# --- CSRF through a real route ---------------------------------------------------------------


@pytest.fixture
def apply_route(app):
    """A small page showing 昆明's form, as the portal will."""

    def apply():
        form = KunmingComprehensiveServiceForm()
        if form.validate_on_submit():
            return {"facts": form.to_facts(), "form_data": form.extra_data()}
        return render_template("forms/application_form.html", form=form, submit_label="提交")

    app.add_url_rule("/test-apply", "test_apply", apply, methods=["GET", "POST"])
    return "/test-apply"


def test_csrf_is_required_and_a_valid_post_gives_the_facts(app, client, apply_route):
    data = valid_data(KUNMING_EXTRA)
    refused = client.post(apply_route, data=data)
    assert refused.status_code == 400

    data.add("csrf_token", csrf_token(client, apply_route))
    answer = client.post(apply_route, data=data)
    assert answer.status_code == 200
    assert answer.json["facts"] == FACTS | {"hosted_by_operating_unit": False}  # 昆明 asks it; unanswered = 否
    assert answer.json["form_data"]["service_theme"] == "数字经济与高原特色农业"

    data.setlist("public_area_m2", ["700"])
    page = client.post(apply_route, data=data)
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert 'value="700"' in html
    assert "公共办公（服务）场所面积不能大于众创空间总面积（620 m²）" in html
