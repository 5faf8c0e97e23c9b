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
    assert_bad_input(run(app, "support", "--uscc", good, "--space-id", "x"), "--space-id")
