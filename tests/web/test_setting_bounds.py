"""Issue 13: every numeric bureau setting has a range, both ends tested.

云科规〔2021〕1号 认定与管理·认定的基本程序 and 徐政发〔2016〕12号 五、保障措施（五）
leave the 公示期 to the bureau (``notice_days``); no encoded policy bounds it, so the
range 1–60 days is a bureau-setting range whose reason names the periods the other
policies set (昆科发〔2017〕55号 第十一条 7 天, 弥政办发〔2017〕5号 15 天).  A value
stored before the ranges existed (99999999999999999999 days) no longer crashes the
notice engine, the ``notice-period`` command or publishing a 云南 notice."""
from __future__ import annotations

import re
from datetime import date

import pytest
from sqlalchemy import func, select

from core.notice import publication as public_notice

from core.bureau import setting_checks, versions
from core.bureau import data as bureau_data
from core.bureau import operations as bureau_operations

from core.review import moves
from core.platform import clock
from core.cli import cli
from core.platform.extensions import db
from core.platform.jurisdictions import registry
from core.platform.models import BureauPolicyVersion, BureauSetting, PublicNotice
from tests.conftest import csrf_token
from tests.factories import login, make_application, make_user

HUGE = 99999999999999999999


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def post_setting(app, value: str, target: str = "yunnan:notice_days"):
    client = app.test_client()
    assert login(client, make_user("officer", [target.split(":")[0]])).status_code == 302
    url = "/admin/bureausetting/new/"
    return client.post(url, data={"csrf_token": csrf_token(client, url), "target": target, "value": value,
                                  "document": "云科函〔2026〕12号", "note": "保留我输入的说明"})


def test_every_numeric_setting_has_a_range_holding_the_policy_value(app):
    for code in registry().installed():
        declared = {p.key: p.value for v in registry().policies(code) for p in v.parameters}
        for key in bureau_data.known_setting_keys(code):
            bound = setting_checks.setting_bound(code, key)
            value = declared.get(key)
            if isinstance(value, (bool, tuple, list)) or key in (bureau_data.CERTIFICATE_FORMAT,
                                                                 bureau_data.REVIEW_DIMENSIONS,
                                                                 bureau_data.DECISION_MEETING,
                                                                 bureau_data.STAFF_TWO_FACTOR,
                                                                 bureau_data.SUPPORT_APPROVER,
                                                                 bureau_data.EXPERT_SAME_DISTRICT) + bureau_data.ASSESSMENT_KEYS:
                continue  # shapes of their own (yes/no, lists, formats), checked by setting_checks
            assert bound is not None, (code, key)
            assert bound.reason, (code, key)
            if value is not None:  # the policy's own number lies inside
                assert bound.contains(value), (code, key, value, bound)


def test_notice_days_range_reason_cites_the_policies_that_set_one(app):
    bound = setting_checks.setting_bound("yunnan", bureau_data.NOTICE_DAYS)
    assert (bound.low, bound.high) == (1, 60)
    assert "局设置范围" in bound.reason
    assert "昆科发〔2017〕55号 第十一条 7 天" in bound.reason and "弥政办发〔2017〕5号" in bound.reason


@pytest.mark.parametrize("key,low,high", [
    ("notice_days", 1, 60),
    ("min_operating_months", 1, 120),
    ("fraud_ban_years", 1, 20),
    ("min_total_area_m2", 0, 1_000_000),
    ("min_workstations", 0, 100_000),
])
def test_yunnan_boundaries_on_both_sides(app, key, low, high):
    for good in (low, high):
        bureau_operations.set_bureau_setting("yunnan", key, good, document="云科函〔2026〕12号")
    for bad in (low - 1, high + 1, HUGE):
        with pytest.raises(setting_checks.SettingsError) as refused:
            bureau_operations.set_bureau_setting("yunnan", key, bad, document="云科函〔2026〕12号")
        assert refused.value.key == "value"
        if bad > high:  # below the lowest the kind's own message says it ("应为正整数")
            assert f"应在 {low} 至 " in refused.value.message, refused.value.message
    assert db.session.scalar(select(BureauSetting.value).where(BureauSetting.key == key)) == high


def test_amount_and_percent_boundaries(app):
    bureau_operations.set_bureau_setting("xuzhou", "evaluation_award_cny", 10_000_000, document="徐科发〔2026〕3号")
    bureau_operations.set_bureau_setting("xuzhou", "evaluation_award_cny", 0, document="徐科发〔2026〕3号")
    for bad in (-1, 10_000_001):
        with pytest.raises(setting_checks.SettingsError):
            bureau_operations.set_bureau_setting("xuzhou", "evaluation_award_cny", bad, document="徐科发〔2026〕3号")
    bureau_operations.set_bureau_setting("kunming", "min_public_area_percent", 100, document="昆科函〔2026〕1号")
    with pytest.raises(setting_checks.SettingsError):
        bureau_operations.set_bureau_setting("kunming", "min_public_area_percent", 100.5, document="昆科函〔2026〕1号")


def test_the_huge_notice_days_through_the_form_is_refused_in_chinese_and_kept(app):
    response = post_setting(app, str(HUGE))
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "公示期（天）应在 1 至 60 天 之间" in html and "局设置范围" in html
    assert f'value="{HUGE}"' in html and "保留我输入的说明" in html
    assert count(BureauSetting) == 0
    assert post_setting(app, "61").status_code == 200 and count(BureauSetting) == 0
    assert post_setting(app, "60").status_code == 302 and count(BureauSetting) == 1


def test_the_form_shows_each_range(app):
    client = app.test_client()
    assert login(client, make_user("officer", ["yunnan"])).status_code == 302
    page = client.get("/admin/bureausetting/new/").get_data(as_text=True)
    assert "允许 1 至 60 天" in page and "允许 1 至 120 个月" in page


def test_a_bureau_version_notice_days_is_bounded(app):
    for bad in (0, 61, HUGE):
        with pytest.raises(setting_checks.SettingsError) as refused:
            bureau_operations.add_bureau_policy_version("yunnan", document="云科规〔2026〕1号", title="新办法",
                                                        effective_from=date(2027, 1, 1), based_on="云科规〔2021〕1号",
                                                        notice_days=bad)
        assert refused.value.key == "notice_days"
    assert count(BureauPolicyVersion) == 0


def store_absurd(key: str = bureau_data.NOTICE_DAYS, value=HUGE, code: str = "yunnan") -> None:
    """A value written before the ranges existed (straight into the table)."""
    db.session.add(BureauSetting(jurisdiction=code, key=key, value=value, document="云科函〔2026〕12号"))
    db.session.commit()


def test_stored_absurd_notice_days_the_cli_says_one_line_exit_2(app):
    store_absurd()
    result = app.test_cli_runner().invoke(cli, ["notice-period", "--jurisdiction", "yunnan",
                                                "--published-on", "2026-11-02"])
    assert result.exit_code == 2, (result.stdout, result.stderr)
    assert result.stdout == ""
    [line] = result.stderr.splitlines()
    assert "notice_days" in line and "超出允许范围" in line


def test_stored_absurd_notice_days_publishing_a_yunnan_notice_is_refused_not_500(app, monkeypatch):
    store_absurd()
    clock.freeze(date(2026, 11, 2))
    application = make_application("yunnan", registry().policies("yunnan")[0].categories[0].code,
                                   status="in_review", current_step="public_notice",
                                   policy_document="云科规〔2021〕1号")
    user = make_user("officer", ("yunnan",))
    with pytest.raises(moves.WorkflowError) as refused:
        public_notice.publish([application], user, date(2026, 11, 2), "公示", "省科技厅 0871-1")
    assert "超出允许范围" in refused.value.message
    assert count(PublicNotice) == 0


def test_stored_absurd_parameter_is_not_applied_and_the_policy_row_says_so(app):
    store_absurd("min_operating_months", HUGE)
    policy = registry().policies("yunnan")[0]
    assert versions.parameters("yunnan", policy)["min_operating_months"] == 12  # the policy's own
    row = next(r for r in versions.parameter_rows("yunnan", policy) if r["key"] == "min_operating_months")
    assert row["source"] == "政策规定" and "超出允许范围" in row["note"]
    client = app.test_client()
    assert login(client, make_user("officer", ["yunnan"])).status_code == 302
    assert client.get("/admin/policy/yunnan").status_code == 200


@pytest.mark.parametrize("typed,stored", [("60", True), ("61", False), (str(HUGE), False)])
def test_a_bureau_version_through_the_form_notice_days_boundary(app, typed, stored):
    """A successor to 云科规〔2021〕1号 registered by the bureau, its 公示期 typed in."""
    client = app.test_client()
    assert login(client, make_user("officer", ["yunnan"])).status_code == 302
    url = "/admin/bureaupolicyversion/new/"
    response = client.post(url, data={
        "csrf_token": csrf_token(client, url), "jurisdiction": "yunnan", "document": "云科规〔2026〕2号",
        "title": "云南省众创空间认定管理办法（2026年修订）", "effective_from": "2026-05-01", "effective_to": "",
        "based_on": "云科规〔2021〕1号", "notice_days": typed, "note": "沿用 2021 年办法的条件"})
    if stored:
        assert response.status_code == 302
        assert db.session.scalar(select(BureauPolicyVersion.notice_days)) == 60
    else:
        assert response.status_code == 200
        html = response.get_data(as_text=True)
        assert "公示期应为 1 至 60 天 之间的整数" in html and f'value="{typed}"' in html
        assert count(BureauPolicyVersion) == 0
