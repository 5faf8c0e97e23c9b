"""Benchmark of the eligibility engine against a hand-written yardstick (not a test).

Generates 100 000 applications (facts dicts as in CONTRACTS §1, deterministic seed)
spread over the four jurisdictions and their categories, then measures in one run:

* evaluate only (facts parsed beforehand):
  - the engine's full answer (``Prepared.evaluate``: the CONTRACTS §2 object with
    every criterion's result, citation and message),
  - the engine's verdict only (``Prepared.verdict``),
  - a hand-written function per jurisdiction/category with the same thresholds,
    hard-coded, returning the verdict;
* parse + evaluate: ``core.facts.parse_facts`` and then each of the above.

Every engine verdict is checked against the hand-written one, so the yardstick is
known to apply the same rules.  Run:

    .venv/bin/python benchmarks/eligibility.py [--n 100000] [--rounds 5]

The rounds are interleaved (each round runs every measure once, in turn) and the ratio is
taken per round, both sides measured in that round: the median of those is the figure, so
that a machine whose speed drifts during the run does not favour one side.

The database is a fresh SQLite file in a temporary folder, migrated, with the three
bureau criteria a 徐州 bureau might enter (the plugin encodes none of 73号, see
plugins/xuzhou/criteria.py).
"""
from __future__ import annotations

import argparse
import os
import platform
import random
import statistics
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("ZHONGCHUANG_INSTANCE", tempfile.mkdtemp(prefix="zc-bench-"))
os.environ.pop("ZHONGCHUANG_JURISDICTIONS", None)

from flask_migrate import upgrade  # noqa: E402

from core.bureau import operations as bureau_operations  # noqa: E402
from core.app import create_app  # noqa: E402
from core.eligibility.engine import INELIGIBLE, PENDING_REVIEW, prepare  # noqa: E402
from core.facts import make_uscc, parse_facts  # noqa: E402
from core.workdays import add_months, full_months_between  # noqa: E402

# Yunnan's 云科规〔2021〕1号 is in force on this day, so all four apply their criteria.
AS_OF = date(2026, 3, 31)
SEED = 20261123

TARGETS = (
    ("mile", "comprehensive"),
    ("mile", "specialized"),
    ("kunming", "tech_support"),
    ("kunming", "comprehensive_service"),
    ("yunnan", "provincial"),
    ("xuzhou", "key"),
)
HOME_REGIONS = {"mile": "532504", "kunming": "530112", "yunnan": "530402", "xuzhou": "320302"}
SERVICE_CODES = ("registration", "legal", "finance", "policy", "roadshow", "training", "ip", "investment_matching")


# --- generating applications ---------------------------------------------------------------


def _day(rng: random.Random, start: date, end: date) -> date:
    return date.fromordinal(rng.randint(start.toordinal(), end.toordinal()))


def _pick(rng: random.Random, passing: tuple, failing: tuple, p_fail: float = 0.03):
    """A value that meets every jurisdiction's threshold (boundary values included),
    or with probability ``p_fail`` one just below some threshold."""
    return rng.choice(failing) if rng.random() < p_fail else rng.choice(passing)


def _resident(rng: random.Random, j: int) -> dict:
    entered = _day(rng, date(2024, 4, 1), date(2026, 3, 1))
    if rng.random() < 0.3:
        established = None  # a team not yet registered
    else:
        months = _pick(rng, (0, 1, 6, 11, 12), (13,), 0.005)  # ≤ 12 months old at entry (云南)
        established = add_months(entered, -months)
    return {
        "name": f"入驻{j}",
        "kind": "team" if established is None else "enterprise",
        "qualifying_field": rng.random() < 0.97,
        "entered_on": entered.isoformat(),
        "established_on": established.isoformat() if established else None,
        "registered_in_space": established is None or rng.random() < 0.998,
    }


def generate(n: int, seed: int = SEED) -> list[tuple[str, str, dict]]:
    """``n`` (jurisdiction, category, facts dict): mostly values meeting every threshold
    (so that most criteria run), each failing now and then just below its threshold."""
    rng = random.Random(seed)
    out = []
    for i in range(n):
        code, category = TARGETS[i % len(TARGETS)]
        region = HOME_REGIONS[code] if rng.random() < 0.98 else rng.choice(("530102", "532501", "320102"))
        total = float(_pick(rng, (500, 620, 800, 1200), (199, 299, 499)))
        public = round(total * _pick(rng, (0.1, 0.15, 0.3), (0.0999, 0.05)), 2)
        n_residents = _pick(rng, (12, 14, 16, 20), (8, 9))
        facts = {
            "applicant_name": f"申报单位{i}",
            "uscc": make_uscc(region, f"MA{i:06d}"),
            "entity_type": _pick(rng, ("enterprise", "enterprise", "institution"), ("other",)),
            "independent_legal_person": _pick(rng, (True,), (False,)),
            "registered_region": region,
            "space_name": f"众创空间{i}",
            "space_region": region,
            "space_opened_on": _pick(rng, (_day(rng, date(2020, 1, 1), date(2025, 3, 31)),),
                                     (_day(rng, date(2025, 4, 1), date(2026, 3, 31)),)).isoformat(),
            "total_area_m2": total,
            "public_area_m2": public,
            "workstations": _pick(rng, (20, 40, 80), (19,)),
            "premises_tenure": rng.choice(("owned", "leased", "leased")),
            "lease_years": _pick(rng, (3, 5, 10), (2,)),
            "commercial_premises": _pick(rng, (False,), (True,)),
            "infrastructure_complete": _pick(rng, (True,), (False,)),
            "rent_ratio_year1": _pick(rng, (0,), (0.1,)),
            "rent_ratio_year2": _pick(rng, (0.2, 0.3), (0.35,)),
            "rent_ratio_year3": _pick(rng, (0.4, 0.5), (0.6,)),
            "management_staff": _pick(rng, (5, 6, 10), (4,)),
            "full_time_staff": _pick(rng, (3, 5), (2,)),
            "mentors": _pick(rng, (3, 5, 8), (0, 2)),
            "management_rules": _pick(rng, (["admission", "finance", "operations"],), (["finance"], [])),
            "separate_accounting": _pick(rng, (True,), (False,)),
            "hosted_by_operating_unit": i % 2 == 0,  # no draw: the other values stay as they were
            "services": _pick(rng, (list(SERVICE_CODES), list(SERVICE_CODES[:4])), (["registration", "legal"],)),
            "investor_partners": _pick(rng, (1, 2, 4), (0,)),
            "seed_fund": _pick(rng, (True,), (False,)),
            "investment_projects": _pick(rng, (1, 3), (0,)),
            "online_platform": _pick(rng, (True,), (False,)),
            "rd_facilities": _pick(rng, (True,), (False,)),
            "residents": [_resident(rng, j) for j in range(n_residents)],
            "contracted_residents_last_year": _pick(rng, (15, 20), (14,)),
            "new_enterprises_last_year": rng.choice((0, 2, 3, 5)),  # 云南 6: either this (≥ 3) …
            "financed_teams_last_year": _pick(rng, (1, 2), (0,), 0.3),  # … or this (≥ 1)
            "typical_cases_last_year": _pick(rng, (2, 3), (1,)),
            "events_last_year": _pick(rng, (8, 12), (0, 7)),
        }
        out.append((code, category, facts))
    return out


# --- the bureau's data the benchmark runs with ----------------------------------------------

XUZHOU_BUREAU = (  # (code, fact key, operator, threshold) — also hard-coded in hand_xuzhou_key
    ("area", "total_area_m2", ">=", 500),
    ("workstations", "workstations", ">=", 20),
    ("mentors", "mentors", ">=", 3),
)


def enter_bureau_data() -> None:
    for crit_code, key, op, threshold in XUZHOU_BUREAU:
        bureau_operations.add_bureau_criterion("xuzhou", category="key", crit_code=crit_code, title=key, fact_key=key,
                                               operator=op, threshold=threshold, document="徐政发〔2015〕73号（基准测试数据）")


# --- the hand-written yardstick: the same thresholds, hard-coded ----------------------------

KUNMING_SERVICES = ("registration", "legal", "finance", "policy")
MILE_RULES = ("admission", "finance", "operations")


def _public_share_ok(f, percent) -> bool:
    return round(f.public_area_m2 * 100 - f.total_area_m2 * percent, 6) >= 0


def hand_mile(f, as_of) -> bool:
    # 弥政办发〔2017〕5号 第五条（一）–（七）: same for 综合型 and 专业型 (专业型 adds a manual item).
    return (
        f.registered_region.startswith("532504") and f.independent_legal_person
        and f.entity_type in ("enterprise", "institution")
        and f.space_region.startswith("532504")  # 附件1 第二条
        and f.total_area_m2 >= 200
        and sum(1 for r in f.residents if r.qualifying_field) >= 10
        and _public_share_ok(f, 10)
        and f.infrastructure_complete
        and f.rent_ratio_year1 <= 0 and f.rent_ratio_year2 <= 0.3 and f.rent_ratio_year3 <= 0.5
        and f.management_staff >= 5
        and all(r in f.management_rules for r in MILE_RULES)
        and "registration" in f.services
        and f.investor_partners >= 1
    )


def _kunming_common(f, as_of) -> bool:
    # 昆科发〔2017〕55号 第五条
    return (
        f.registered_region.startswith("5301") and f.independent_legal_person
        and f.entity_type in ("enterprise", "institution")
        and f.space_region.startswith("5301")
        and full_months_between(f.space_opened_on, as_of) >= 6
        and f.mentors >= 1
        and (f.separate_accounting or not f.hosted_by_operating_unit)  # （六）依托运营单位的
    )


def hand_kunming_tech(f, as_of) -> bool:
    # 第五条 + 第六条
    return _kunming_common(f, as_of) and f.rd_facilities and f.online_platform


def hand_kunming_comprehensive(f, as_of) -> bool:
    # 第五条 + 第七条
    return (
        _kunming_common(f, as_of)
        and f.total_area_m2 >= 300
        and (f.premises_tenure == "owned" or f.lease_years >= 3)
        and not f.commercial_premises
        and _public_share_ok(f, 10)
        and sum(1 for r in f.residents if r.qualifying_field) >= 10
        and all(s in f.services for s in KUNMING_SERVICES)
        and f.events_last_year >= 1
        and f.investor_partners >= 1
    )


def hand_yunnan(f, as_of) -> bool:
    # 云科规〔2021〕1号 认定条件 1–10 and 服务对象及入驻时限要求
    if not (
        f.registered_region.startswith("53") and f.independent_legal_person
        and full_months_between(f.space_opened_on, as_of) >= 12
        and f.total_area_m2 >= 500 and f.workstations >= 20
        and f.management_rules
        and f.contracted_residents_last_year >= 15
        and (f.new_enterprises_last_year >= 3 or f.financed_teams_last_year >= 1)
        and f.typical_cases_last_year >= 2
        and f.full_time_staff >= 3 and f.mentors >= 3
        and f.seed_fund and f.investor_partners >= 1 and f.investment_projects >= 1
        and f.events_last_year >= 8
    ):
        return False
    for r in f.residents:
        if r.established_on is not None and add_months(r.established_on, 12) < r.entered_on:
            return False
        if add_months(r.entered_on, 24) < as_of:
            return False
        if r.kind == "enterprise" and not r.registered_in_space:
            return False
    return True


def hand_xuzhou_key(f, as_of) -> bool:
    # 徐政发〔2015〕73号 not encoded: where the space is (12号 五（五）) and the bureau's three thresholds.
    return (f.space_region.startswith("3203")
            and f.total_area_m2 >= 500 and f.workstations >= 20 and f.mentors >= 3)


HAND = {
    ("mile", "comprehensive"): hand_mile,
    ("mile", "specialized"): hand_mile,
    ("kunming", "tech_support"): hand_kunming_tech,
    ("kunming", "comprehensive_service"): hand_kunming_comprehensive,
    ("yunnan", "provincial"): hand_yunnan,
    ("xuzhou", "key"): hand_xuzhou_key,
}


# --- measuring ---------------------------------------------------------------------------------


def interleaved(rounds: int, measures: dict) -> dict[str, list[float]]:
    """Each round runs every measure once, in turn (A B C … A B C …), so that a machine whose
    speed drifts during the run weighs on every side alike; the seconds of each round."""
    seconds: dict[str, list[float]] = {name: [] for name in measures}
    for _ in range(rounds):
        for name, fn in measures.items():
            start = time.perf_counter()
            fn()
            seconds[name].append(time.perf_counter() - start)
    return seconds


def round_ratios(seconds: dict[str, list[float]], engine: str, hand: str) -> list[float]:
    """The ratio engine / hand-written of each round (both measured in that round)."""
    return [e / h for e, h in zip(seconds[engine], seconds[hand])]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=100_000)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()

    tmp = tempfile.mkdtemp(prefix="zc-bench-db-")
    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp}/bench.sqlite"})
    with app.app_context():
        upgrade()
        enter_bureau_data()

        t0 = time.perf_counter()
        apps = generate(args.n)
        generated = time.perf_counter() - t0

        t0 = time.perf_counter()
        prepared = {target: prepare(*target, AS_OF) for target in TARGETS}
        prepare_seconds = time.perf_counter() - t0

        jobs_raw = [(prepared[(c, k)], HAND[(c, k)], d) for c, k, d in apps]
        jobs = [(p, h, parse_facts(d)) for p, h, d in jobs_raw]

        # The yardstick applies the same rules: every verdict must agree.
        counts = {PENDING_REVIEW: 0, INELIGIBLE: 0}
        for p, hand, facts in jobs:
            verdict = p.verdict(facts)
            assert p.evaluate(facts)["verdict"] == verdict
            expected = PENDING_REVIEW if hand(facts, AS_OF) else INELIGIBLE
            if verdict != expected:
                raise SystemExit(f"verdicts differ for {facts.applicant_name} ({p.jurisdiction}/{p.category}): "
                                 f"engine {verdict}, hand-written {expected}")
            counts[verdict] += 1

        def engine_full():
            for p, _, facts in jobs:
                p.evaluate(facts)

        def engine_verdict():
            for p, _, facts in jobs:
                p.verdict(facts)

        def hand_verdict():
            for _, hand, facts in jobs:
                hand(facts, AS_OF)

        def parse_engine_full():
            for p, _, data in jobs_raw:
                p.evaluate(parse_facts(data))

        def parse_engine_verdict():
            for p, _, data in jobs_raw:
                p.verdict(parse_facts(data))

        def parse_hand():
            for _, hand, data in jobs_raw:
                hand(parse_facts(data), AS_OF)

        def parse_only():
            for _, _, data in jobs_raw:
                parse_facts(data)

        seconds = interleaved(args.rounds, {
            "engine_full": engine_full, "engine_verdict": engine_verdict, "hand": hand_verdict,
            "parse_engine_full": parse_engine_full, "parse_engine_verdict": parse_engine_verdict,
            "parse_hand": parse_hand, "parse_only": parse_only,
        })
        timings = {name: min(values) for name, values in seconds.items()}

    n = args.n
    rate = {k: n / v for k, v in timings.items()}
    print(f"Python {platform.python_version()} on {platform.machine()} ({platform.processor() or platform.system()}), "
          f"{n} applications, {args.rounds} interleaved rounds (the table: best round), as of {AS_OF}; "
          f"load average {' '.join(f'{x:.2f}' for x in os.getloadavg())} before the run")
    print(f"generated in {generated:.1f} s; prepare (policy, parameters, criteria of {len(TARGETS)} targets, "
          f"bureau data read once each) {prepare_seconds * 1000:.1f} ms")
    per = {t: sum(1 for c, k, _ in apps if (c, k) == t) for t in TARGETS}
    auto = {t: sum(1 for c in prepared[t].criteria if c.auto) for t in TARGETS}
    print("applications / auto criteria per target: "
          + ", ".join(f"{c}/{k} {per[(c, k)]}/{auto[(c, k)]}" for c, k in TARGETS))
    print(f"verdicts: {counts[PENDING_REVIEW]} eligible_pending_review, {counts[INELIGIBLE]} ineligible "
          "(engine and hand-written agree on every one)")
    print()
    print(f"{'measure':58} {'apps/s':>10} {'µs/app':>8}")
    rows = (
        ("evaluate only — engine, full §2 answer with messages", "engine_full"),
        ("evaluate only — engine, verdict only", "engine_verdict"),
        ("evaluate only — hand-written, verdict", "hand"),
        ("parse + evaluate — engine, full §2 answer", "parse_engine_full"),
        ("parse + evaluate — engine, verdict only", "parse_engine_verdict"),
        ("parse + evaluate — hand-written, verdict", "parse_hand"),
        ("parse only (parse_facts)", "parse_only"),
    )
    for label, key in rows:
        print(f"{label:58} {rate[key]:>10,.0f} {timings[key] / n * 1e6:>8.1f}")
    print()
    print("ratios engine / hand-written (time; goal ≤ 3 for verdict vs verdict), per round, both sides in that round:")
    print(f"  {'':42} {'median':>7} {'min':>6} {'max':>6}")
    for label, engine, hand in (("evaluate only,    verdict vs verdict", "engine_verdict", "hand"),
                                ("evaluate only,    full answer vs verdict", "engine_full", "hand"),
                                ("parse + evaluate, verdict vs verdict", "parse_engine_verdict", "parse_hand"),
                                ("parse + evaluate, full answer vs verdict", "parse_engine_full", "parse_hand")):
        ratios = round_ratios(seconds, engine, hand)
        print(f"  {label:42} {statistics.median(ratios):>7.2f} {min(ratios):>6.2f} {max(ratios):>6.2f}")


if __name__ == "__main__":
    main()
