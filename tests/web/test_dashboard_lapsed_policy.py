"""The dashboard says when a jurisdiction's titles stand under no policy version (issue 17:
云科规〔2021〕1号 附则 — in force 2021-04-04 … 2026-04-03, then no successor encoded), and
reads the successor a bureau registers as the version in force."""
from __future__ import annotations

from datetime import date

import pytest

from core.bureau import operations as bureau_operations
from core.platform import clock
from tests.factories import login, make_title, make_user


def yunnan_card(app, role="officer"):
    client = app.test_client()
    assert login(client, make_user(role, ["yunnan"])).status_code == 302
    html = client.get("/admin/").get_data(as_text=True)
    card = html[html.index('id="jurisdiction-yunnan"'):]
    return card[:card.index('id="jurisdiction-', 10)] if 'id="jurisdiction-' in card[10:] else card


# 云科规〔2021〕1号 附则: 有效期至2026年4月3日止 — the last day in force, then none.
@pytest.mark.parametrize("day,lapsed", [(date(2026, 4, 3), False), (date(2026, 4, 4), True)])
def test_live_titles_without_a_version_are_counted_after_expiry_only(app, day, lapsed):
    make_title("yunnan", granted_on=date(2023, 5, 1))
    make_title("yunnan", granted_on=date(2024, 5, 1))
    make_title("yunnan", granted_on=date(2024, 5, 1), status="revoked", revoked_on=date(2025, 1, 6))
    clock.freeze(day)
    card = yunnan_card(app)
    assert ("2 个有效称号不在任何有效政策版本之下" in card) is lapsed
    if lapsed:
        assert "云科规〔2021〕1号 2021-04-04 – 2026-04-03" in " ".join(card.split())
        assert "/admin/bureaupolicyversion/" in card  # an officer registers the successor


def test_the_leader_is_told_but_offered_no_link_he_may_not_follow(app):
    make_title("yunnan", granted_on=date(2023, 5, 1))
    clock.freeze(date(2026, 12, 1))
    card = yunnan_card(app, "leader")
    assert "1 个有效称号不在任何有效政策版本之下" in card and "/admin/bureaupolicyversion/" not in card


def test_a_registered_successor_is_the_version_in_force(app):
    make_title("yunnan", granted_on=date(2023, 5, 1))
    clock.freeze(date(2026, 12, 1))
    bureau_operations.add_bureau_policy_version(
        "yunnan", document="云科规〔2026〕2号", title="云南省众创空间认定管理办法（2026年修订）",
        effective_from=date(2026, 5, 1), based_on="云科规〔2021〕1号", actor=make_user("officer", ["yunnan"]))
    card = yunnan_card(app)
    assert "云科规〔2026〕2号" in card and "当前无有效政策" not in card and "不在任何有效政策版本之下" not in card
