"""The read-only policy page (/admin/policy/): each jurisdiction as the system applies
it, checked against the documents — through real HTTP, on the real database."""
from __future__ import annotations

import re
from datetime import date

import pytest

from core.bureau import operations as bureau_operations
from core.platform import clock
from tests.factories import login, make_user

DAY_IN_FORCE = date(2026, 3, 2)  # the Yunnan measures are still in force
DAY_LAPSED = date(2026, 11, 23)  # 云科规〔2021〕1号 lapsed after 2026-04-03


@pytest.fixture
def on_day(monkeypatch):
    def set_day(day: date):
        clock.freeze(day)

    set_day(DAY_LAPSED)
    return set_day


@pytest.fixture
def admin_client(app, on_day):
    client = app.test_client()
    assert login(client, make_user("admin")).status_code == 302
    return client


def text_of(response) -> str:
    assert response.status_code == 200, response.status_code
    return response.get_data(as_text=True)


def plain(html: str) -> str:
    """The page's text without tags, spaces collapsed (citations are split over spans), and without
    the policy cases under each rule (a case's words may name another rule: tests/web/test_policy_page_cases.py)."""
    html = re.sub(r'<details class="zc-cases".*?</details>', "", html, flags=re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", html))


def test_index_lists_visible_jurisdictions_with_policy_in_force(admin_client):
    html = text_of(admin_client.get("/admin/policy/"))
    for name in ("云南省", "昆明市", "徐州市", "弥勒市"):
        assert name in html
    assert "昆科发〔2017〕55号" in html
    assert "当前无有效政策" in html or "无有效政策" in html  # Yunnan on 2026-11-23


def test_kunming_page(admin_client):
    html = text_of(admin_client.get("/admin/policy/kunming"))
    text = plain(html)
    assert "昆明市科学技术局" in text and "市级" in text and "5301" in text
    assert "昆科发〔2017〕55号" in text and "昆明市众创空间认定管理办法" in text
    assert "现行有效" in text
    # criteria of 综合服务类 under 第七条, each with its article and item
    assert "kunming.area" in html
    assert "昆科发〔2017〕55号 第七条（一）" in text
    assert "第五条（一）" in text
    # 公示 7 days, cited to 第十一条
    notice = plain(re.search(r'class="zc-notice">(.*?)</p>', html, re.S).group(1))
    assert "7 天" in notice and "第十一条" in notice and "政策规定" in notice
    # 第十三条: 10 万元 guidance fund
    assert "100000 元" in text and "第十三条" in text
    assert "未规定具体金额" in text  # 第十四条 etc. grant support without an amount
    # review steps in order, with the acting role's label
    assert "评审专家" in text and "专家评审" in text
    # required materials with citations
    assert "第九条（一）" in text
    # assessment scheme
    assert "第十八条" in text


def test_mile_page(admin_client):
    text = plain(text_of(admin_client.get("/admin/policy/mile")))
    assert "弥政办发〔2017〕5号" in text and "弥勒市农业和科学技术局" in text and "县级" in text
    assert "弥政办发〔2017〕5号 第五条（二）" in text
    notice = text[text.index("公示期"):]
    assert notice.startswith("公示期 15 天")
    assert "第七条" in notice[:200]
    # 第十五条: the assessment subsidy amount is left to the bureau
    assert "第十五条" in text and "未规定具体金额" in text


def test_mile_page_er_4_project_funds_and_new_criteria(admin_client):
    """实施意见 二（四）省州级认定 → 认定 · 省级 · 市级, as ``subsidies`` lists it; 附件1 第二条 (where
    the space is) and the manual 第五条（二）固定的办公场所 / （三）免互联网费用 are on the page."""
    text = plain(text_of(admin_client.get("/admin/policy/mile")))
    funds = text[text.index("争取项目资金扶持"):][:200]
    assert "认定 · 省级 · 市级" in funds and "仅获弥勒市认定的不在此列" in funds
    assert "众创空间位于弥勒市境内" in text and "弥政办发〔2017〕5号 第二条" in text
    assert "有固定的办公场所" in text and "免互联网费用" in text


def test_xuzhou_page(admin_client):
    text = plain(text_of(admin_client.get("/admin/policy/xuzhou")))
    assert "徐政发〔2016〕12号" in text and "徐州市科学技术局" in text
    assert "500000 元" in text and "400000 元" in text and "300000 元" in text
    assert "五、保障措施（一）" in text
    # 徐政发〔2016〕12号 sets no 公示 period: shown as unset, awaiting the bureau
    assert "公示期 未设置 · 政策未规定，待局设置" in text


def test_xuzhou_evaluation_award_labelled_approximate_with_its_reading(app, admin_client):
    """徐政发〔2016〕12号 五（一）“20万元左右”: 政策约数 with the reading; the bureau's amount replaces it."""
    html = text_of(admin_client.get("/admin/policy/xuzhou"))
    row = plain(html.split('id="subsidy-xuzhou.evaluation_award"', 1)[1].split("</tr>", 1)[0])
    assert "200000 元" in row and "政策约数" in row
    assert "适用解读 “给予20万元左右的奖补”是约数" in row
    national = plain(html.split('id="subsidy-xuzhou.award_national"', 1)[1].split("</tr>", 1)[0])
    assert "政策约数" not in national
    bureau_operations.set_bureau_setting("xuzhou", "evaluation_award_cny", 180_000, document="徐科发〔2026〕8号")
    html = text_of(admin_client.get("/admin/policy/xuzhou"))
    row = plain(html.split('id="subsidy-xuzhou.evaluation_award"', 1)[1].split("</tr>", 1)[0])
    assert "180000 元" in row and "局设置" in row and "政策约数" not in row.split("适用解读")[0]


def test_yunnan_in_force_then_lapsed(admin_client, on_day):
    on_day(DAY_IN_FORCE)
    text = plain(text_of(admin_client.get("/admin/policy/yunnan")))
    assert "云科规〔2021〕1号" in text and "2021-04-04 – 2026-04-03" in text
    assert "已失效，当前无有效政策" not in text
    assert "现行有效" in text
    on_day(DAY_LAPSED)
    text = plain(text_of(admin_client.get("/admin/policy/yunnan")))
    assert "已失效，当前无有效政策；可由主管部门登记后续版本" in text
    assert "云科办发〔2015〕4号" in text  # the version it replaced
    # the measures name no 公示 period: "政策未规定，待局设置" until the bureau sets one
    assert "公示期 未设置 · 政策未规定，待局设置" in text
    assert "申报省级众创空间的认定条件" in text
    assert "云政办发〔2016〕65号" in text  # the provincial opinion's support measures


def test_bureau_setting_shows_with_its_source(app, admin_client):
    bureau_operations.set_bureau_setting("yunnan", "notice_days", 10, document="云科函〔2026〕9号", article="二",
                                         note="按厅务会决定")
    text = plain(text_of(admin_client.get("/admin/policy/yunnan")))
    assert "公示期 10 天 · 局设置 （云科函〔2026〕9号 二）" in text
    assert "按厅务会决定" in text


def test_scoped_officer_gets_404_for_other_jurisdiction(app, on_day):
    client = app.test_client()
    login(client, make_user("officer", ["mile"]))
    assert client.get("/admin/policy/kunming").status_code == 404
    assert client.get("/admin/policy/nowhere").status_code == 404
    assert client.get("/admin/policy/mile").status_code == 200
    index = text_of(client.get("/admin/policy/"))
    assert "弥勒市" in index and "昆明市" not in index


@pytest.mark.parametrize("role", ["recommender", "expert", "leader"])
def test_every_staff_role_may_read(app, on_day, role):
    client = app.test_client()
    login(client, make_user(role, ["kunming"]))
    assert client.get("/admin/policy/kunming").status_code == 200


def test_applicant_forbidden_anonymous_to_login(app, on_day):
    from tests.factories import make_org

    client = app.test_client()
    assert client.get("/admin/policy/kunming").status_code == 302
    login(client, make_user("applicant", organisation=make_org()))
    assert client.get("/admin/policy/kunming").status_code == 403
    assert client.get("/admin/policy/").status_code == 403


def test_intake_is_shown_with_its_article(admin_client):
    kunming = plain(text_of(admin_client.get("/admin/policy/kunming")))
    assert "in answer to a call" in kunming or "按申报通知受理" in kunming
    assert "昆科发〔2017〕55号 第八条" in kunming
    mile = plain(text_of(admin_client.get("/admin/policy/mile")))
    assert "all year round" in mile or "常年受理" in mile


def test_yunnan_opinion_65_support_shown_with_its_own_window_after_the_measures_lapsed(admin_client, on_day):
    """云政办发〔2016〕65号 三（九）–（十一): shown as its own document, in force (no end date) on
    2026-11-23 while 云科规〔2021〕1号 has lapsed; the chosen start date is stated as a reading."""
    text = plain(text_of(admin_client.get("/admin/policy/yunnan")))
    assert "已失效，当前无有效政策" in text
    support = text.split("独立有效的支持文件", 1)[1]
    assert "云政办发〔2016〕65号" in support and "2016-12-31 – 长期" in support
    assert "现行有效" in support.split("适用解读", 1)[0]
    assert "适用解读 本平台所存文本无印发日期" in support
    assert "三、加大政策支持力度（九）" in support and "三、加大政策支持力度（十一）" in support
    # not listed again under the lapsed measures
    measures = text.split("独立有效的支持文件", 1)[0]
    assert "三、加大政策支持力度" not in measures
    on_day(date(2016, 12, 30))
    before = plain(text_of(admin_client.get("/admin/policy/yunnan"))).split("独立有效的支持文件", 1)[1]
    assert "尚未施行" in before.split("适用解读", 1)[0]


def criterion_row(html: str, cid: str) -> str:
    return plain(re.search(rf'<tr>\s*<td><code class="small zc-config-code">{re.escape(cid)}</code>.*?</tr>', html, re.S).group(0))


def test_kunming_area_as_a_rule_and_commercial_premises_reading_article_7_item_1(admin_client):
    """昆科发〔2017〕55号 第七条（一）: the area says 原则上 (experts may record an exception) and the
    reading of “商业经营性场所除外” is written next to the criterion (适用解读)."""
    html = text_of(admin_client.get("/admin/policy/kunming"))
    area = criterion_row(html, "kunming.area")
    assert "原则上在300平方米以上" in area and "原则上：专家可记录例外" in area
    assert "适用解读 “面积原则上在300平方米以上”：300㎡本身符合" in area
    commercial = criterion_row(html, "kunming.not_commercial")
    assert "适用解读" in commercial and "商业经营性场所不能作为众创空间场地（无论自有或租赁）" in commercial
    assert "原则上" not in criterion_row(html, "kunming.lease")  # 租赁期不少于3年 is not stated 原则上


def test_mile_area_as_a_rule_article_5_item_2(admin_client):
    """弥政办发〔2017〕5号 附件1 第五条（二）“面积原则上在200平方米以上（含200平方米）”."""
    html = text_of(admin_client.get("/admin/policy/mile"))
    area = criterion_row(html, "mile.area")
    assert "原则上在200平方米以上" in area and "原则上：专家可记录例外" in area and "适用解读" in area


def test_decision_meeting_record_shown_as_policy_for_mile_and_bureau_setting_elsewhere(app, admin_client):
    """弥政办发〔2017〕5号 附件1 第七条 names the 局务会; 昆科发〔2017〕55号 第十一条 names none, so the
    meeting record is a bureau setting (本局要求), off by default."""
    mile = plain(text_of(admin_client.get("/admin/policy/mile")))
    assert "审定会议记录（日期、纪要编号）的依据： 弥政办发〔2017〕5号 附件1 第七条" in mile
    kunming = plain(text_of(admin_client.get("/admin/policy/kunming")))
    assert "审定会议记录：不要求" in kunming and "本局要求" not in kunming
    bureau_operations.set_bureau_setting("kunming", "decision_meeting_record", True, note="局务会议事规则")
    kunming = plain(text_of(admin_client.get("/admin/policy/kunming")))
    assert "审定会议记录（日期、纪要编号）：本局要求 本局要求" in kunming
    assert "本局要求：局领导审定时记录会议日期和纪要编号" in kunming  # listed among the bureau's settings
