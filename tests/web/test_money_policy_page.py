"""The policy page's money section (issue 18): the fund 徐政发〔2016〕12号 五（一） sets up, the
duplicate-support rule of 云政办发〔2016〕65号 (十五) shown wherever it governs (云南 and 昆明, declared by
云南), 弥勒's support owed only to a 省/州 title (弥政办发〔2017〕5号 二（四）), and who approves — a bureau
setting, shown as such."""
from __future__ import annotations

import re
from datetime import date

from core.bureau.operations import set_bureau_setting
from core.platform import clock
from tests.factories import login, make_user


def money_section(app, code: str) -> str:
    clock.freeze(date(2026, 12, 4))
    client = app.test_client()
    assert login(client, make_user("admin")).status_code == 302
    response = client.get(f"/admin/policy/{code}")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    section = html.split('id="money-policy"', 1)[1].split('class="card mb-4', 1)[0]
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", section))


def test_xuzhou_五_一_fund_of_2000_wan_with_its_reading(app):
    text = money_section(app, "xuzhou")
    assert "市众创空间奖补资金" in text and "20000000" in text
    assert "徐政发〔2016〕12号 五、保障措施 （一）" in text or "徐政发〔2016〕12号 五、保障措施（一）" in text
    assert "未写明是一年的额度还是总额" in text
    assert "文件未设立此项资金" not in text


def test_十五_duplicate_support_rule_governs_yunnan_and_kunming_not_xuzhou(app):
    for code in ("yunnan", "kunming", "mile"):
        text = money_section(app, code)
        assert "同一众创空间在两个层级获得同类建设运营资金支持" in text, code
        assert "（十五）" in text and "云南省" in text
    assert "同一众创空间在两个层级" not in money_section(app, "xuzhou")


def test_十五_the_years_are_the_provincial_bureaus_setting(app):
    assert "不限年份（未设定）" in money_section(app, "kunming")
    set_bureau_setting("yunnan", "overlap_years", 3)
    text = money_section(app, "kunming")
    assert re.search(r"3 (years|年)", text), text


def test_mile_二_四_project_funds_only_with_a_provincial_or_prefecture_title(app):
    text = money_section(app, "mile")
    assert "争取项目资金扶持" in text and "须持有省级或州级众创空间称号" in text
    assert "弥政办发〔2017〕5号" in text


def test_kunming_sets_up_no_fund_and_the_approver_is_a_bureau_setting(app):
    text = money_section(app, "kunming")
    assert "20000000" not in text and "文件未设立此项资金：由本局按年度登记资金并自定金额" in text
    assert "审批人: 局领导（局务会） 本局设定 文件未规定补助由谁审批" in text
    set_bureau_setting("kunming", "support_officer_approves", True)
    after = money_section(app, "kunming")
    assert "审批人: 业务经办人员 本局设定 资金" in after
