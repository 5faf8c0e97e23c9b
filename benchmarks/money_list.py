"""The money desk at a province's scale (issue 18): the list of entitlements, its totals and the
duplicate-support flags of 云政办发〔2016〕65号 (十五), against a bare page of the same rows.

    PYTHONPATH=$PWD .venv/bin/python benchmarks/money_list.py [--db URL] [--reset] [--orgs 20000] [--n 15] [--quick]

Fills a scratch database (default ``postgresql://postgres@127.0.0.1:5432/bench_h5``; ``sqlite:///path``
works too) with the project's migrations and, deterministically (seed ``SEED``): ``--orgs``
organisations (valid USCC, ``core.facts.make_uscc``) with one space each over 弥勒 / 昆明 / 云南's
cities / 徐州 as ``benchmarks/fill.py`` spreads them; a title of the home jurisdiction for each space
and a 云南 title beside a third of the 昆明 and 弥勒 ones; one entitlement per title (昆明 第十三条
建设引导资金, 云南 (九) 运行补助, 弥勒 第十五条, 徐州 五（一）), in every state (pending 35 %, approved 20 %,
paid 35 %, cancelled 10 %) — so a 昆明 space with a 云南 title holds the pair that (十五) flags; the
approved and paid ones of such a pair carry the flags kept at approval.  Then, interleaved A B A B
after a warm-up round, medians of ``--n`` rounds, as the 昆明 officer:

* ``lifecycle.page_of`` (the project's listing: page, totals over the whole filtered set, flags of
  the rows shown) and the list page ``/admin/money/`` through the Flask test client, signed in — the
  first page, the status filter 待审批, the flagged filter;
* the yardstick: a plain SQLAlchemy SELECT of the same page of rows (the ids the project showed) with
  their space's and organisation's names, and a COUNT of the same WHERE, rendered by a bare Jinja
  template of the same columns;
* the first page's pending rows' flags, the old way (``overlaps.flags_for`` per row, what the list
  did before) against ``overlaps.flags_for_many``; both must agree.

Prints Markdown tables.  ``--quick``: 3,000 organisations, 3 rounds.
"""
from __future__ import annotations

import argparse
import os
import random
import re
import statistics
import sys
import tempfile
import time
from datetime import date, datetime, timezone
from pathlib import Path

BENCHMARKS = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCHMARKS))
sys.path.insert(0, str(BENCHMARKS.parent))

import fill  # noqa: E402  (beside this file)

DEFAULT_DB = "postgresql://postgres@127.0.0.1:5432/bench_h5"
SEED = 20261218
UTC = timezone.utc
OFFICER = "officer@kunming.money.bench.zc"
CITATIONS = {
    "kunming": ("kunming.guidance_fund", "众创空间建设引导资金", 100_000,
                {"document": "昆科发〔2017〕55号", "article": "第十三条", "item": None}),
    "yunnan": ("yunnan.operating_subsidy", "房租、宽带网络费用、公共软件、开发工具、导师培训、宣传推广补助", None,
               {"document": "云政办发〔2016〕65号", "article": "三、加大政策支持力度", "item": "（九）"}),
    "mile": ("mile.assessment_subsidy", "考核优秀众创空间补助", 50_000,
             {"document": "弥政办发〔2017〕5号", "article": "第十五条", "item": None}),
    "xuzhou": ("xuzhou.award_municipal", "市级重点众创空间一次性奖励补助", 300_000,
               {"document": "徐政发〔2016〕12号", "article": "五", "item": "（一）"}),
}
STATES = (("pending", 0.35), ("approved", 0.20), ("paid", 0.35), ("cancelled", 0.10))


# --- the data ----------------------------------------------------------------------------------

def make_rows(orgs: int) -> dict[str, list[dict]]:
    from core.facts import make_uscc

    rng = random.Random(SEED)
    homes = list(fill.HOMES)
    weights = [fill.HOMES[h][1] for h in homes]
    created = datetime(2020, 1, 1, tzinfo=UTC)
    tables: dict[str, list[dict]] = {"organisations": [], "spaces": [], "recognitions": [], "subsidy_entitlements": []}
    for i in range(1, orgs + 1):
        home = rng.choices(homes, weights)[0]
        region = rng.choice(fill.HOMES[home][0])
        tables["organisations"].append(dict(id=i, created_at=created, name=f"{fill.CITY.get(region[:4], '云南')}"
                                            f"{rng.choice(fill.WORDS)}资金测试有限公司{i:05d}",
                                            uscc=make_uscc(region, f"MM{i:06d}"), entity_type="enterprise",
                                            registered_region=region))
        tables["spaces"].append(dict(id=i, created_at=created, organisation_id=i,
                                     name=f"{rng.choice(fill.WORDS)}众创空间{i:05d}", region=region,
                                     opened_on=date(2018, 1, 1), facts={}, updated_at=created, version=1))
        held = [home]
        if region.startswith("53") and home != "yunnan" and rng.random() < 0.33:
            held.append("yunnan")
        pair = []
        for code in held:
            granted = date(rng.randint(2019, 2025), rng.randint(1, 12), rng.randint(1, 28))
            n = len(tables["recognitions"]) + 1
            tables["recognitions"].append(dict(id=n, space_id=i, jurisdiction=code, title=f"众创空间{i:05d}",
                                               certificate_number=f"{fill.CERT_PREFIX[code]}资{n:06d}",
                                               level=fill.LEVEL[code], granted_on=granted, status="active"))
            rule, kind, amount, citation = CITATIONS[code]
            status = rng.choices([s for s, _ in STATES], [w for _, w in STATES])[0]
            row = dict(id=len(tables["subsidy_entitlements"]) + 1, recognition_id=n, space_id=i, year=granted.year,
                       jurisdiction=code, rule_code=rule, kind=kind, amount_cny=amount, citation=citation,
                       status=status, version=1, overlap_flags=[], created_at=created)
            decided = amount if amount is not None else rng.choice((20_000, 50_000, None))
            if status in ("approved", "paid"):
                row.update(approved_amount_cny=decided, approved_on=date(granted.year, 12, 1))
            if status == "paid" and decided is not None:
                row.update(paid_amount_cny=decided, paid_on=date(granted.year, 12, 20), voucher_number=f"财拨{n:06d}",
                           paying_body="财政局")
            elif status == "paid":
                row.update(status="approved")
            if status == "cancelled":
                row.update(cancelled_on=date(granted.year, 12, 1), cancel_reason="基准数据")
            tables["subsidy_entitlements"].append(row)
            pair.append(row)
        if len(pair) == 2 and pair[0]["year"] is not None:
            for a, b in ((pair[0], pair[1]), (pair[1], pair[0])):
                if a["status"] in ("approved", "paid") and b["status"] != "cancelled":
                    a["overlap_flags"] = [{"with": b["id"], "rule": "yunnan.same_space_funding",
                                           "message": "同一众创空间的建设运行资金", "citation": {}, "years": None}]
    return tables


def filled(app) -> int:
    from sqlalchemy import func, inspect, select

    from core.platform.extensions import db
    from core.platform.models import SubsidyEntitlement

    with app.app_context():
        if not inspect(db.engine).has_table("subsidy_entitlements"):
            return -1
        return db.session.scalar(select(func.count()).select_from(SubsidyEntitlement))


def fill_db(url: str, orgs: int, reset: bool) -> None:
    from sqlalchemy import insert, text
    from werkzeug.security import generate_password_hash

    from core.platform.extensions import db
    from core.platform.models import Organisation, Recognition, Space, SubsidyEntitlement, User, UserScope

    app = fill.project_app(url)
    if reset:
        with app.app_context():
            if db.engine.dialect.name == "postgresql":
                with db.engine.begin() as conn:
                    conn.execute(text("DROP SCHEMA public CASCADE"))
                    conn.execute(text("CREATE SCHEMA public"))
            else:
                db.drop_all()
                with db.engine.begin() as conn:
                    conn.execute(text("DROP TABLE IF EXISTS alembic_version"))
    found = filled(app)
    if found > 0:
        print(f"already filled: {found:,} entitlements (use --reset to fill anew)")
        return
    started = time.perf_counter()
    fill.migrate(app)
    tables = make_rows(orgs)
    models = {"organisations": Organisation, "spaces": Space, "recognitions": Recognition,
              "subsidy_entitlements": SubsidyEntitlement}
    with app.app_context():
        for name, model in models.items():
            rows = tables[name]
            for start in range(0, len(rows), 5000):
                db.session.execute(insert(model), rows[start:start + 5000])
        now = datetime(2026, 12, 1, tzinfo=UTC)
        db.session.execute(insert(User), [dict(id=1, created_at=now, login=OFFICER, name="昆明工作人员（基准）",
                                               password_hash=generate_password_hash(fill.PASSWORD), role="officer",
                                               active=True, failed_logins=0, must_change_password=False)])
        db.session.execute(insert(UserScope), [dict(id=1, user_id=1, jurisdiction="kunming")])
        db.session.commit()
        if db.engine.dialect.name == "postgresql":
            for table in (*models, "users", "user_scopes"):
                db.session.execute(text(f"SELECT setval(pg_get_serial_sequence('\"{table}\"', 'id'), "
                                        f"(SELECT max(id) FROM \"{table}\"))"))
            db.session.commit()
            with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
                conn.execute(text("VACUUM ANALYZE"))
        else:
            db.session.execute(text("ANALYZE"))
            db.session.commit()
        db.engine.dispose()
    counts = {k: len(v) for k, v in tables.items()}
    print(f"filled in {time.perf_counter() - started:.1f} s: {counts}")


# --- the yardstick -------------------------------------------------------------------------------

BARE = """<!doctype html><html lang="zh"><head><meta charset="utf-8"><title>补助资金</title></head><body>
<h4>补助资金</h4><p>{{ count }} 项</p>
<table><thead><tr><th>编号</th><th>辖区</th><th>众创空间</th><th>补助项目</th><th>政策依据</th><th>年度</th>
<th>金额（元）</th><th>状态</th><th>审批金额（元）</th><th>已支付（元）</th><th>支付凭证号</th></tr></thead><tbody>
{% for r in rows %}<tr id="entitlement-{{ r.id }}"><td><a href="/admin/money/{{ r.id }}">{{ r.id }}</a></td>
<td>{{ r.jurisdiction }}</td><td>{{ r.space }}<br>{{ r.organisation }}</td><td>{{ r.kind }}</td>
<td>{{ r.citation.document }} {{ r.citation.article }}</td><td>{{ r.year }}</td><td>{{ r.amount_cny }}</td>
<td>{{ r.status }}</td><td>{{ r.approved_amount_cny or '' }}</td><td>{{ r.paid_amount_cny or '' }}</td>
<td>{{ r.voucher_number or '' }}</td></tr>{% endfor %}</tbody></table></body></html>"""


def bare_page(engine, template, ids: list[int], where) -> str:
    from sqlalchemy import func, select

    from core.platform.models import Organisation, Space, SubsidyEntitlement as E

    with engine.connect() as conn:
        count = conn.execute(select(func.count()).select_from(E).where(*where)).scalar()
        rows = conn.execute(
            select(E.id, E.jurisdiction, E.kind, E.citation, E.year, E.amount_cny, E.status, E.approved_amount_cny,
                   E.paid_amount_cny, E.voucher_number, Space.name.label("space"), Organisation.name.label("organisation"))
            .join(Space, Space.id == E.space_id).join(Organisation, Organisation.id == Space.organisation_id)
            .where(E.id.in_(ids)).order_by(E.id.desc())).all()
    return template.render(rows=rows, count=count)


# --- the measurement -------------------------------------------------------------------------------

def timed(samples: dict, label: str, run):
    started = time.perf_counter()
    value = run()
    samples.setdefault(label, []).append(time.perf_counter() - started)
    return value


def sign_in(client) -> None:
    html = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html) or re.search(
        r'value="([^"]+)"[^>]*name="csrf_token"', html)
    answer = client.post("/login", data={"login": OFFICER, "password": fill.PASSWORD,
                                         "csrf_token": token.group(1) if token else ""})
    if answer.status_code != 302:
        raise SystemExit(f"sign-in refused: {answer.status_code}")


def measure(url: str, rounds: int) -> tuple[list[list[str]], list[list[str]]]:
    from jinja2 import Environment
    from sqlalchemy import select

    from core.award import overlaps
    from core.money import lifecycle
    from core.platform.extensions import db
    from core.platform.models import SubsidyEntitlement as E, User

    os.environ.setdefault("ZHONGCHUANG_INSTANCE", tempfile.mkdtemp(prefix="zc-money-bench-"))
    app = fill.project_app(url)
    app.config.update(WTF_CSRF_ENABLED=True, RATELIMIT_ENABLED=False)
    template = Environment(autoescape=True).from_string(BARE)
    cases = {"first page": ("", {}), "status 待审批": ("?status=pending", {"status": "pending"}),
             "flagged": ("?flagged=1", {"flagged": "1"})}
    samples: dict[str, list[float]] = {}
    rows_of: dict[str, tuple[int, int]] = {}
    with app.app_context():
        client = app.test_client()
        sign_in(client)
        engine = db.engine
        officer = db.session.scalars(select(User).where(User.login == OFFICER)).one()
        ids_of, where_of = {}, {}
        for name, (query, args) in cases.items():
            with app.test_request_context("/admin/money/" + query):
                page = lifecycle.page_of(officer, lifecycle.Filters.parse(args, officer))
                ids_of[name] = [e.id for e in page.rows]
                rows_of[name] = (page.totals["count"], len(page.rows))
                db.session.rollback()
            where = [E.jurisdiction == "kunming"]
            if args.get("status"):
                where.append(E.status == args["status"])
            if args.get("flagged"):
                where.append(E.id.in_(ids_of[name]))  # the yardstick does not decide the flags: the page's rows
            where_of[name] = where
        first_ids = ids_of["first page"]
        pending = list(db.session.scalars(select(E).where(E.id.in_(first_ids), E.status == "pending")))
        old = {e.id: overlaps.flags_for(e) for e in pending}
        if overlaps.flags_for_many(pending) != old:
            raise SystemExit("flags_for_many disagrees with flags_for")
        flagged_pending = sum(1 for v in old.values() if v)
        db.session.rollback()
        for round_ in range(rounds + 1):
            if round_ == 1:
                samples.clear()  # round 0 warms every side up
            for name, (query, args) in cases.items():
                def listing():
                    with app.test_request_context("/admin/money/" + query):
                        lifecycle.page_of(officer, lifecycle.Filters.parse(args, officer))
                        db.session.rollback()
                timed(samples, f"listing {name}", listing)
                timed(samples, f"bare {name}", lambda: bare_page(engine, template, ids_of[name], where_of[name]))
                response = timed(samples, f"page {name}", lambda: client.get("/admin/money/" + query))
                if response.status_code != 200:
                    raise SystemExit(f"/admin/money/{query}: {response.status_code}")
                timed(samples, f"bare page {name}", lambda: bare_page(engine, template, ids_of[name], where_of[name]))
            rows = list(db.session.scalars(select(E).where(E.id.in_([e.id for e in pending]))))
            timed(samples, "old flags", lambda: [overlaps.flags_for(e) for e in rows])
            db.session.rollback()
            rows = list(db.session.scalars(select(E).where(E.id.in_([e.id for e in pending]))))
            timed(samples, "batch flags", lambda: overlaps.flags_for_many(rows))
            db.session.rollback()

    def med(label: str) -> float:
        return statistics.median(samples[label]) * 1000

    table = []
    for name in cases:
        count, shown = rows_of[name]
        for side, label in (("listing", "`lifecycle.page_of`"), ("page", "`/admin/money/` (test client, signed in)")):
            a, b = med(f"{side} {name}"), med(f"bare {'page ' if side == 'page' else ''}{name}")
            table.append([f"{label}, {name}", f"{count:,} / {shown}", f"{a:.1f}", f"{b:.1f}", f"{a / b:.2f}"])
    a, b = med("old flags"), med("batch flags")
    flags = [[f"flags of the first page's {len(pending)} pending rows ({flagged_pending} flagged)",
              f"{a:.1f}", f"{b:.1f}", f"{a / b:.1f}×"]]
    return table, flags


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", default=DEFAULT_DB, help=f"database URL (default {DEFAULT_DB}; sqlite:///… too)")
    parser.add_argument("--reset", action="store_true", help="drop everything and fill anew")
    parser.add_argument("--orgs", type=int, default=20_000, help="organisations, one space each (20,000)")
    parser.add_argument("--n", type=int, default=15, help="measured rounds after one warm-up (15)")
    parser.add_argument("--quick", action="store_true", help="3,000 organisations, 3 rounds")
    args = parser.parse_args(argv)
    if args.quick:
        args.orgs, args.n = min(args.orgs, 3_000), min(args.n, 3)
    fill_db(args.db, args.orgs, args.reset)
    print(f"money desk: {args.db}; {args.n} rounds, medians; the 昆明 officer")
    print(f"load average at start: {'/'.join(f'{x:.2f}' for x in os.getloadavg())} "
          f"({time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())})")
    table, flags = measure(args.db, args.n)
    print("\n| what | rows (filtered / shown) | project ms | bare ms | ratio |")
    print("|---|---:|---:|---:|---:|")
    for row in table:
        print("| " + " | ".join(row) + " |")
    print("\n| flags | per row (`flags_for`) ms | batch (`flags_for_many`) ms | gain |")
    print("|---|---:|---:|---:|")
    for row in flags:
        print("| " + " | ".join(row) + " |")
    print(f"load average at end: {'/'.join(f'{x:.2f}' for x in os.getloadavg())}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
