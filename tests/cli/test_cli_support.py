"""``zhongchuang support --uscc`` (CONTRACTS §8): every support the deployment records for an
organisation (or one space), across jurisdictions, and the pairs the duplicate-support rules flag
(云政办发〔2016〕65号 (十五)); unknown → empty lists; malformed → one line, exit 2."""
from __future__ import annotations

import json
from datetime import date

from core.facts import make_uscc
from core.platform.extensions import db
from core.platform.models import SubsidyEntitlement
from tests.cli_helpers import assert_bad_input, run
from tests.factories import REGIONS, make_org, make_space, make_title

KEYS = {"jurisdiction", "space", "kind", "amount_cny", "status", "year", "citation"}


def answer_of(app, *args):
    result = run(app, "support", *args)
    assert result.exit_code == 0, result.stderr
    assert result.stderr == ""
    return json.loads(result.stdout)


def test_support_lists_every_jurisdictions_money_and_the_十五_overlap(app):
    org = make_org(region=REGIONS["kunming"])
    space = make_space(org, name="螺蛳湾创想空间", region=REGIONS["kunming"])
    kunming = make_title("kunming", space, granted_on=date(2024, 6, 1))
    yunnan = make_title("yunnan", space, granted_on=date(2025, 9, 1))
    db.session.add_all([
        SubsidyEntitlement(recognition_id=kunming.id, space_id=space.id, year=2024, jurisdiction="kunming",
                           rule_code="kunming.guidance_fund", kind="众创空间建设引导资金", amount_cny=100_000,
                           citation={"document": "昆科发〔2017〕55号", "article": "第十三条", "item": None},
                           status="paid", approved_amount_cny=100_000, paid_amount_cny=98_000),
        SubsidyEntitlement(recognition_id=yunnan.id, space_id=space.id, year=2025, jurisdiction="yunnan",
                           rule_code="yunnan.operating_subsidy", kind="房租、宽带网络费用补助", amount_cny=None,
                           citation={"document": "云政办发〔2016〕65号", "article": "三、加大政策支持力度", "item": "（九）"}),
    ])
    db.session.commit()
    answer = answer_of(app, "--uscc", org.uscc)
    assert answer["uscc"] == org.uscc
    assert [set(e) for e in answer["entitlements"]] == [KEYS, KEYS]
    first, second = answer["entitlements"]
    assert (first["jurisdiction"], first["space"], first["amount_cny"], first["status"], first["year"]) == \
        ("kunming", "螺蛳湾创想空间", 98_000, "paid", 2024)   # paid: the amount paid
    assert (second["jurisdiction"], second["amount_cny"], second["status"]) == ("yunnan", None, "pending")
    assert second["citation"]["item"] == "（九）"
    [overlap] = answer["overlaps"]
    assert overlap["entitlements"] == [0, 1] and overlap["rule"] == "yunnan.same_space_funding"
    assert overlap["justification"] is None and "（十五）" not in overlap["message"]
    # one space of the organisation
    other = make_space(org, name="第二空间", region=REGIONS["kunming"])
    assert answer_of(app, "--uscc", org.uscc, "--space-id", str(other.id))["entitlements"] == []
    assert len(answer_of(app, "--uscc", org.uscc, "--space-id", str(space.id))["entitlements"]) == 2


def test_support_unknown_uscc_answers_empty_lists(app):
    unknown = make_uscc("530102", "MA6X9999")
    assert answer_of(app, "--uscc", unknown) == {"uscc": unknown, "entitlements": [], "overlaps": []}


def test_support_malformed_uscc_is_bad_input(app):
    good = make_uscc("530102", "MA6X9999")
    wrong_check = good[:-1] + ("0" if good[-1] != "0" else "1")
    for bad in ("12345", wrong_check, "91530102MA6X99999!"):
        assert_bad_input(run(app, "support", "--uscc", bad), "--uscc")
    for bad in ("x", "²", "٣", "0"):  # Unicode digits are not an id
        assert_bad_input(run(app, "support", "--uscc", good, "--space-id", bad), "--space-id")


def test_support_on_the_demo_data_answers_as_contracts_8_says(app):
    """The demo (core.demo._ensure_money): 金碧创想空间's 昆明 建设引导资金 (第十三条, approved with a
    justification) and 云南 (九) subsidy (pending) are one flagged pair under (十五); 泉山创客空间's 徐州
    money in every state, its 江苏省 title's 40 万元 (五（一）) paid."""
    from sqlalchemy import select

    from core.platform.models import Organisation

    assert run(app, "demo").exit_code == 0
    jinbi = db.session.scalar(select(Organisation.uscc).where(Organisation.name == "昆明金碧创业服务有限公司"))
    answer = answer_of(app, "--uscc", jinbi)
    rows = answer["entitlements"]
    assert all(set(e) == KEYS for e in rows)
    guidance = next(i for i, e in enumerate(rows) if e["kind"] == "众创空间建设引导资金")
    running = next(i for i, e in enumerate(rows) if e["jurisdiction"] == "yunnan" and e["citation"]["item"] == "（九）")
    assert (rows[guidance]["status"], rows[guidance]["amount_cny"], rows[guidance]["year"]) == ("approved", 100_000, 2024)
    assert rows[guidance]["citation"] == {"document": "昆科发〔2017〕55号", "article": "第十三条", "item": None}
    assert (rows[running]["status"], rows[running]["amount_cny"]) == ("pending", None)
    [overlap] = answer["overlaps"]
    assert overlap["entitlements"] == [guidance, running] and overlap["rule"] == "yunnan.same_space_funding"
    assert "用途不同" in overlap["justification"]

    quanshan = db.session.scalar(select(Organisation.uscc).where(Organisation.name == "徐州泉山大学科技园发展有限公司"))
    states = {(e["kind"], e["status"], e["amount_cny"]) for e in answer_of(app, "--uscc", quanshan)["entitlements"]}
    assert ("省级重点众创空间一次性奖励补助", "paid", 400_000) in states
    assert ("市级重点众创空间一次性奖励补助", "approved", 300_000) in states
    assert {s for _k, s, _a in states} >= {"pending", "approved", "paid", "cancelled"}
    assert answer_of(app, "--uscc", quanshan)["overlaps"] == []
