"""core.review.aggregates: the flag rule on both sides of its threshold, the ranking's tie rules."""
from __future__ import annotations

from core.review.aggregates import far_totals, flag_threshold, rank, summarise, why_above

MAX = 100  # the sheet's maximum total: 15 % of it is 15


def test_summary_mean_median_spread():
    s = summarise({"a": 80, "b": 70, "c": 90, "d": 60}, MAX)
    assert (s.mean, s.median, s.lowest, s.highest, s.range) == (75, 75, 60, 90, 30)
    assert s.stdev == 11.18  # population: sqrt(125)
    assert summarise({}, MAX) is None


def test_no_flag_below_three_experts():
    assert far_totals({"a": 0, "b": 100}, MAX) == {}


def test_flag_share_of_maximum_both_sides():
    # others 80, 80: median 80, MAD 0 → threshold max(15, 0) = 15
    assert flag_threshold([80, 80], MAX) == 15
    assert far_totals({"a": 80, "b": 80, "c": 65}, MAX) == {}  # exactly 15 away: not flagged
    assert far_totals({"a": 80, "b": 80, "c": 64.99}, MAX) == {"c": 80}  # just beyond
    assert far_totals({"a": 80, "b": 80, "c": 95}, MAX) == {}
    assert far_totals({"a": 80, "b": 80, "c": 95.01}, MAX) == {"c": 80}


def test_flag_twice_the_mad_of_the_others_both_sides():
    # others 60, 80, 90, 100: median 85, deviations 25, 5, 5, 15 → MAD 10 → threshold max(15, 20) = 20
    others = {"a": 60, "b": 80, "c": 90, "d": 100}
    assert flag_threshold(list(others.values()), MAX) == 20
    assert "e" not in far_totals({**others, "e": 65}, MAX)  # 20 away: not flagged
    assert "e" in far_totals({**others, "e": 64.9}, MAX)
    assert "e" not in far_totals({**others, "e": 105}, MAX)
    assert far_totals({**others, "e": 105.1}, MAX)["e"] == 85


def test_threshold_scales_with_the_sheet_maximum():
    # a sheet of 40: 15 % is 6
    assert far_totals({"a": 30, "b": 30, "c": 24}, 40) == {}
    assert far_totals({"a": 30, "b": 30, "c": 23.5}, 40) == {"c": 30}


def test_ranking_by_mean_then_median_then_lowest():
    a = summarise({"x": 80, "y": 80, "z": 80}, MAX)  # mean 80, median 80, lowest 80
    b = summarise({"x": 70, "y": 85, "z": 85}, MAX)  # mean 80, median 85
    c = summarise({"x": 90, "y": 70, "z": 80}, MAX)  # mean 80, median 80, lowest 70
    d = summarise({"x": 95}, MAX)
    rows = rank([("a", a), ("none", None), ("b", b), ("c", c), ("d", d)])
    assert [(r.key, r.rank, r.tied) for r in rows] == [
        ("d", 1, False), ("b", 2, False), ("a", 3, False), ("c", 4, False), ("none", None, False)]
    assert rows[0].why == ""  # the means differ
    assert rows[1].why.startswith("平均分相同（80），按中位数排序：85 高于 80")
    assert "按最低分排序：80 高于 70" in rows[2].why


def test_full_tie_is_shared_and_explained():
    same = {"x": 70, "y": 80, "z": 90}
    rows = rank([("p", summarise(same, MAX)), ("q", summarise(same, MAX)), ("r", summarise({"x": 50}, MAX))])
    assert [(r.key, r.rank, r.tied) for r in rows] == [("p", 1, True), ("q", 1, True), ("r", 3, False)]
    assert rows[0].why.endswith("均相同，并列")
    assert "并列第 1 名" in rows[1].why
    upper, lower = summarise(same, MAX), summarise({"x": 70, "y": 80, "z": 90}, MAX)
    assert why_above(upper, lower).endswith("并列")
