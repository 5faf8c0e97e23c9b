"""Fill a PostgreSQL database to a province's scale (issue 15), deterministically.

    .venv/bin/python benchmarks/fill.py [--db URL] [--reset] [--scale 1.0]

At scale 1: 100,013 applications over mile / kunming / yunnan / xuzhou, their categories and
every status; 20,000 organisations (valid USCC, ``core.facts.make_uscc``), one space each;
review batches; a recognition per recognised application; 300,005 audit events (mostly
about applications); one open public notice of 40 entries per jurisdiction; the users the
benchmarks sign in as (``BENCH_USERS``: an officer per jurisdiction, and the admin with
two-factor sign-in enabled on the known secret ``ADMIN_TOTP_SECRET``).

The schema comes from the project's own migrations (``flask db upgrade`` in process, as
``zhongchuang db upgrade`` runs it); the rows go in through COPY (psycopg) into the
project's tables, with explicit ids, then each sequence is set past them and the tables
are vacuumed and analysed.  A fixed seed gives the same rows on every run (the notices' period is
placed around the day of the fill, so that their objection form shows, as on a live site).

Idempotent: a database already filled at the same scale is left alone (counts printed);
``--reset`` drops the public schema and fills anew; any other non-empty database is refused.
"""
from __future__ import annotations

import argparse
import json
import random
import sys
import time
from datetime import date, datetime, timedelta, timezone

DEFAULT_DB = "postgresql://postgres@127.0.0.1:5432/bench"
SEED = 20261203
FULL = {"applications": 100_013, "organisations": 20_000, "audit_events": 300_005}
NOTICE_ENTRIES = 40

PASSWORD = "bench-Passw0rd-省级规模"  # core.accounts.passwords: 12+ characters, not a common one
ADMIN_LOGIN = "admin@bench.zc"
ADMIN_TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"  # base32, known to the benchmarks (pyotp)
JURISDICTIONS = ("mile", "kunming", "yunnan", "xuzhou")


STAFF_ROLES = {"officer": "工作人员", "recommender": "推荐单位", "expert": "专家", "leader": "领导"}


def staff_login(role: str, code: str) -> str:
    return f"{role}@{code}.bench.zc"


def officer_login(code: str) -> str:
    return staff_login("officer", code)


# The region codes (GB/T 2260) an organisation of each home jurisdiction is registered in,
# and the share of organisations at home there.
HOMES = {
    "mile": (("532504",), 0.20),
    "kunming": (("530102", "530103", "530111", "530112", "530114"), 0.31),
    "yunnan": (("530402", "530302", "532301", "532501", "530602", "532801"), 0.24),
    "xuzhou": (("320302", "320311", "320312", "320303", "320381"), 0.25),
}
CITY = {"5325": "弥勒", "5301": "昆明", "5304": "玉溪", "5303": "曲靖", "5323": "楚雄", "5306": "昭通",
        "5328": "西双版纳", "3203": "徐州"}
WORDS = ("星火", "青云", "启航", "创源", "智汇", "云岭", "彩云", "湖泉", "滇池", "翠湖", "红塔", "麒麟", "彭城",
         "汉风", "云龙", "泉山", "鼓楼", "铜山", "金马", "碧鸡", "春城", "花城", "高原", "南屏", "北辰", "东方",
         "西山", "明日", "众梦", "聚能")
TRADES = ("科技", "信息技术", "文化创意", "生物科技", "新能源", "智能制造", "农业科技", "电子商务", "数字科技",
          "创业服务")
SPACE_KINDS = ("众创空间", "创客空间", "创新工场", "创业园", "创客汇", "孵化基地")
RESIDENT_WORDS = ("数科", "智造", "文创", "农科", "物联", "电商", "软件", "新材", "生物", "光电", "康养", "环保",
                  "检测", "机器人", "动漫", "教育")
SURNAMES = "张王李赵刘陈杨黄周吴徐孙马朱胡郭何林罗高"

# Status shares of the applications (the order of core.platform.models.APPLICATION_STATUSES).
STATUS_WEIGHTS = {"draft": 8, "submitted": 14, "in_review": 30, "returned": 4, "under_notice": 2,
                  "recognised": 27, "rejected": 10, "withdrawn": 5}
# Where each jurisdiction's applications fall in time (inside its policy version).
YEARS = {"mile": (2017, 2026), "kunming": (2017, 2026), "yunnan": (2021, 2025), "xuzhou": (2016, 2026)}
LEVEL = {"mile": "municipal", "kunming": "municipal", "yunnan": "provincial", "xuzhou": "municipal"}
CERT_PREFIX = {"mile": "弥科", "kunming": "昆科", "yunnan": "云科", "xuzhou": "徐科"}
UTC = timezone.utc


def counts_for(scale: float) -> dict[str, int]:
    return {k: max(1, round(v * scale)) for k, v in FULL.items()}


def psycopg_url(url: str) -> str:
    return url.replace("postgresql+psycopg://", "postgresql://", 1)


# --- the project: schema and policy data ---------------------------------------------------


def project_app(url: str):
    import os
    import tempfile

    from core.app import create_app

    # the app's instance folder (a secret key file) out of the work tree, unless one is set
    os.environ.setdefault("ZHONGCHUANG_INSTANCE", tempfile.mkdtemp(prefix="zc-fill-instance-"))

    return create_app({"SQLALCHEMY_DATABASE_URI": url, "SESSION_COOKIE_SECURE": False})


def migrate(app) -> None:
    from flask_migrate import upgrade

    from core.platform.extensions import db

    with app.app_context():
        upgrade()  # what `zhongchuang db upgrade` runs
        db.engine.dispose()


def policy_data(app) -> dict:
    """Per (jurisdiction): its policy document, award title, categories and their review steps."""
    from core.platform.labels import registry

    found = {}
    with app.app_context():
        reg = registry()
        for code in JURISDICTIONS:
            version = reg.policies(code)[-1]
            found[code] = {
                "document": version.document,
                "award_title": version.award_title or "众创空间",
                "categories": {c.code: [s.code for s in reg.review_steps(code, c.code, version)]
                               for c in version.categories},
                "name": reg.installed()[code].name,
            }
    return found


# --- rows ------------------------------------------------------------------------------------


class Rows:
    """Every row to insert, as tuples in the column order of ``COLUMNS``."""

    def __init__(self, scale: float, policies: dict, today: date) -> None:
        self.rng = random.Random(SEED)
        self.n = counts_for(scale)
        self.policies = policies
        self.today = today
        self.tables: dict[str, list[tuple]] = {t: [] for t in COLUMNS}
        self.password_hash = ""

    # organisations and spaces
    def organisations(self) -> None:
        from core.facts import make_uscc

        rng = self.rng
        homes = list(HOMES)
        weights = [HOMES[h][1] for h in homes]
        self.org_home, self.org_region, self.space_name = {}, {}, {}
        for i in range(1, self.n["organisations"] + 1):
            home = rng.choices(homes, weights)[0]
            region = rng.choice(HOMES[home][0])
            city = CITY.get(region[:4], "云南")
            word, trade = rng.choice(WORDS), rng.choice(TRADES)
            name = f"{city}{word}{trade}有限公司{i:05d}"
            uscc = make_uscc(region, f"MB{i:06d}")
            created = datetime(2016, 1, 1, tzinfo=UTC) + timedelta(minutes=i * 23)
            self.tables["organisations"].append((
                i, created, name, uscc, "enterprise", region, f"{rng.choice(SURNAMES)}某某",
                f"{city}市{word}路{rng.randint(1, 999)}号", f"{rng.choice(SURNAMES)}经理",
                f"0871-{rng.randint(1000000, 9999999)}", f"contact{i}@org{i}.example.cn", None, None, None))
            space_name = f"{word}{rng.choice(SPACE_KINDS)}{i:05d}"
            opened = date(2014, 1, 1) + timedelta(days=rng.randint(0, 3300))
            facts = self.facts(name, uscc, region, space_name, opened)
            self.tables["spaces"].append((
                i, created, i, space_name, region, f"{city}市{word}大道{rng.randint(1, 500)}号", opened,
                json.dumps(facts, ensure_ascii=False), created, 1))
            self.org_home[i], self.org_region[i], self.space_name[i] = home, region, space_name

    def facts(self, name: str, uscc: str, region: str, space_name: str, opened: date) -> dict:
        """Facts of CONTRACTS §1 on the pattern of the demo's (core.demo.space_facts), 8–16 residents."""
        rng = self.rng
        area = rng.randint(300, 3000)
        residents = [{
            "name": f"{rng.choice(WORDS)}{rng.choice(RESIDENT_WORDS)}{k}",
            "kind": "enterprise" if k % 2 == 0 else "team",
            "qualifying_field": rng.random() < 0.9,
            "entered_on": (opened + timedelta(days=rng.randint(30, 700))).isoformat(),
            "established_on": "2023-01-15" if k % 2 == 0 else None,
            "registered_in_space": k % 2 == 0,
        } for k in range(rng.randint(8, 16))]
        return {
            "entity_type": "enterprise", "independent_legal_person": True, "premises_tenure": "leased",
            "lease_years": rng.randint(3, 10), "commercial_premises": False, "infrastructure_complete": True,
            "rent_ratio_year1": 0, "rent_ratio_year2": 0.3, "rent_ratio_year3": 0.5,
            "management_staff": rng.randint(4, 12), "full_time_staff": rng.randint(3, 8), "mentors": rng.randint(3, 9),
            "management_rules": ["admission", "finance", "operations"], "separate_accounting": True,
            "services": ["registration", "legal", "finance", "policy", "roadshow", "training"],
            "investor_partners": rng.randint(1, 5), "seed_fund": True, "investment_projects": rng.randint(1, 6),
            "online_platform": True, "rd_facilities": True,
            "contracted_residents_last_year": len(residents) + rng.randint(2, 8),
            "new_enterprises_last_year": rng.randint(2, 9), "financed_teams_last_year": rng.randint(0, 4),
            "typical_cases_last_year": rng.randint(1, 5), "events_last_year": rng.randint(6, 30),
            "applicant_name": name, "uscc": uscc, "registered_region": region, "space_name": space_name,
            "space_region": region, "space_opened_on": opened.isoformat(), "total_area_m2": area,
            "public_area_m2": round(area * 0.15), "workstations": rng.randint(20, 200), "residents": residents,
        }

    def form_data(self, space_name: str) -> dict:
        """What a plugin's form keeps beside the facts (core.facts.forms extra_data): texts, team, partners."""
        rng = self.rng
        return {
            "declared_on": self.today.isoformat(),
            "operation_summary": f"{space_name}坚持“专业化、市场化、网络化”运营，" * rng.randint(4, 8),
            "service_summary": "提供工商注册、法律财务、政策申报、路演融资、创业培训等全链条服务。" * rng.randint(3, 6),
            "partner_institutions": [f"{rng.choice(WORDS)}{rng.choice(('投资', '律所', '会计师事务所', '大学'))}"
                                     for _ in range(rng.randint(2, 5))],
            "team_members": [{"name": f"{rng.choice(SURNAMES)}{rng.choice('明华伟芳娜强军平')}",
                              "position": "founder" if k == 0 else "member", "phone": f"1390000{k:04d}",
                              "speciality": rng.choice(TRADES), "full_time": True, "services": "创业辅导"}
                             for k in range(rng.randint(3, 6))],
            "promise": True,
        }

    # applications, batches, recognitions
    def application_rows(self):
        """The applications, one row at a time (COPY takes them as they come: a hundred thousand
        rows of JSON are never all in memory); recognitions and each one's history kept."""
        rng = self.rng
        statuses, weights = list(STATUS_WEIGHTS), list(STATUS_WEIGHTS.values())
        self.history: list[tuple] = []  # (application id, jurisdiction, status, step, steps, submitted_on)
        self.under_notice: list[tuple] = []  # (application id, jurisdiction, batch id)
        official = {code: 0 for code in JURISDICTIONS}
        certificates: dict[tuple[str, int], int] = {}
        n_orgs = self.n["organisations"]
        for i in range(1, self.n["applications"] + 1):
            org = rng.randint(1, n_orgs)
            region = self.org_region[org]
            code = self.org_home[org]
            if region.startswith("53") and code != "yunnan" and rng.random() < 0.12:
                code = "yunnan"  # a municipal title's holder applying to the province
            policy = self.policies[code]
            category = rng.choice(sorted(policy["categories"]))
            steps = policy["categories"][category]
            status = rng.choices(statuses, weights)[0]
            first, last = YEARS[code]
            year = rng.randint(first, last)
            submitted = None if status == "draft" else date(year, 1, 1) + timedelta(days=rng.randint(0, 330))
            step = self.step_of(status, steps)
            batch = None
            if status in ("under_notice", "recognised", "rejected") or (
                    status == "in_review" and step and steps.index(step) >= steps.index("expert_review")):
                batch = self.batch(code, year, rng.randint(1, 2))
            number = None
            if status not in ("draft", "submitted"):
                official[code] += 1
                number = f"{CERT_PREFIX[code]}申〔{year}〕{official[code]:06d}"
            created = datetime.combine(submitted or date(2026, 6, 1), datetime.min.time(), UTC) \
                - timedelta(days=rng.randint(1, 30))
            facts = self.application_facts(org)
            yield (i, created, code, category, policy["document"] if submitted else None, org, org, None, batch,
                   status, step, json.dumps(facts, ensure_ascii=False),
                   json.dumps(self.form_data(self.space_name[org]), ensure_ascii=False), number, None, submitted,
                   created + timedelta(days=rng.randint(0, 200)), 1)
            if status == "recognised":
                granted = submitted + timedelta(days=rng.randint(60, 150))
                key = (code, granted.year)
                certificates[key] = certificates.get(key, 0) + 1
                self.tables["recognitions"].append((
                    len(self.tables["recognitions"]) + 1, i, org, code,
                    f"{policy['name']}{policy['award_title'].removeprefix(policy['name'])}（{self.space_name[org]}）",
                    f"{CERT_PREFIX[code]}众创〔{granted.year}〕{certificates[key]:05d}号", LEVEL[code], granted,
                    "active", None, None))
            self.history.append((i, code, status, step, steps, submitted))
            if status == "under_notice":
                self.under_notice.append((i, code, batch))

    def application_facts(self, org: int) -> dict:
        """The space's facts at the time of application, a few numbers moved."""
        rng = self.rng
        facts = json.loads(self.tables["spaces"][org - 1][7])
        facts["workstations"] = max(10, facts["workstations"] + rng.randint(-10, 10))
        facts["events_last_year"] = rng.randint(6, 30)
        return facts

    def step_of(self, status: str, steps: list[str]) -> str | None:
        if status in ("submitted", "returned"):
            return steps[0]
        if status == "in_review":  # a step before the notice
            return self.rng.choice(steps[1:steps.index("public_notice")])
        if status == "under_notice":
            return "public_notice"
        return None

    def batch(self, code: str, year: int, k: int) -> int:
        return self.batches[(code, year * 10 + k)]

    def all_batches(self) -> None:
        """Two review batches a year per jurisdiction, made before the applications that cite them."""
        self.batches: dict[tuple[str, int], int] = {}
        for code in JURISDICTIONS:
            first, last = YEARS[code]
            for year in range(first, last + 1):
                for k in (1, 2):
                    batch_id = len(self.batches) + 1
                    self.batches[(code, year * 10 + k)] = batch_id
                    decided = year < 2026
                    self.tables["batches"].append((
                        batch_id, datetime(year, 3 * k, 1, tzinfo=UTC), code, f"{year}年第{k}批",
                        "decided" if decided else "open", "approved" if decided else None,
                        date(year, 3 * k + 2, 15) if decided else None, f"{year}年局务会第{k}次" if decided else None,
                        None))

    # audit events
    def audit_events(self, officers: dict[str, tuple[int, str]]) -> None:
        rng = self.rng
        target = self.n["audit_events"]
        about_applications = round(target * 0.92)
        events = self.tables["audit_events"]
        # the application's life, one event per move, in the order of the applications
        for application_id, code, status, step, steps, submitted in self.history:
            if len(events) >= about_applications:
                break
            actor_id, actor_name = officers[code]
            moves = [("workflow.submit", "draft:-", f"submitted:{steps[0]}")] if submitted else []
            if status in ("in_review", "under_notice", "recognised", "rejected"):
                moves.append(("workflow.approve", f"submitted:{steps[0]}", f"in_review:{steps[1]}"))
            if status in ("under_notice", "recognised"):
                moves.append(("workflow.publish", f"in_review:{steps[-3]}", "under_notice:public_notice"))
            if status == "recognised":
                moves.append(("workflow.close_notice", "under_notice:public_notice", f"in_review:{steps[-1]}"))
                moves.append(("workflow.approve", f"in_review:{steps[-1]}", "recognised:-"))
            if status == "rejected":
                moves.append(("workflow.reject", f"in_review:{steps[-3]}", "rejected:-"))
            if status == "returned":
                moves.append(("workflow.return", f"submitted:{steps[0]}", f"returned:{steps[0]}"))
            if status == "withdrawn":
                moves.append(("workflow.withdraw", f"submitted:{steps[0]}", "withdrawn:-"))
            if not moves:
                moves = [("admin_update", None, None)]
            when = datetime.combine(submitted or date(2026, 6, 1), datetime.min.time(), UTC)
            for action, before, after in moves:
                if len(events) >= about_applications:
                    break
                when += timedelta(days=rng.randint(1, 20), minutes=rng.randint(0, 600))
                step_code = (after or "-").split(":")[-1]
                events.append((
                    len(events) + 1, when, actor_id, actor_name, "127.0.0.1", action, "Application",
                    str(application_id), code, before, after, "同意。" if action == "workflow.approve" else None,
                    json.dumps({"step": step_code if step_code != "-" else None}, ensure_ascii=False)))
        # the rest: changes to organisations, spaces and sign-ins
        others = ("Organisation", "Space", "UserSession")
        while len(events) < target:
            k = len(events)
            object_type = others[k % 3]
            code = JURISDICTIONS[k % 4]
            actor_id, actor_name = officers[code]
            object_id = actor_id if object_type == "UserSession" else rng.randint(1, self.n["organisations"])
            events.append((
                k + 1, datetime(2026, 1, 1, tzinfo=UTC) + timedelta(minutes=k), actor_id, actor_name, "127.0.0.1",
                "login" if object_type == "UserSession" else "admin_update", object_type, str(object_id), code,
                None, None, None, json.dumps({"fields": ["address"]} if object_type != "UserSession" else {})))

    # the public notices: one open per jurisdiction, its entries the first under-notice applications
    def notices(self) -> None:
        published = self.today - timedelta(days=2)
        for n, code in enumerate(JURISDICTIONS, 1):
            entries = [entry for entry in self.under_notice if entry[1] == code][:NOTICE_ENTRIES]
            batch = entries[0][2] if entries else None
            name = self.policies[code]["name"]
            self.tables["public_notices"].append((
                n, datetime.combine(published, datetime.min.time(), UTC), code, batch,
                f"关于{published.year}年第{n}批{name}众创空间认定结果的公示", published, published + timedelta(days=1),
                published + timedelta(days=21), 15, "政策规定的公示期（工作日）", f"{name}科技局 0871-0000000{n}", "open",
                None))
            for entry in entries:
                self.tables["notice_entries"].append((len(self.tables["notice_entries"]) + 1, n, entry[0]))

    def users(self) -> dict[str, tuple[int, str]]:
        from werkzeug.security import generate_password_hash

        self.password_hash = generate_password_hash(PASSWORD)
        now = datetime(2026, 12, 1, tzinfo=UTC)
        self.tables["users"].append((1, now, ADMIN_LOGIN, "省科技厅系统管理员（基准）", self.password_hash, "admin",
                                     None, None, True, 0, None, None, False, ADMIN_TOTP_SECRET, now, None))
        officers = {}
        # every acting role of a jurisdiction has an account, as on a live site: no step waits for
        # nobody (the dashboard's 无人可办理 list stays empty); the recommender covers the whole city
        for code in JURISDICTIONS:
            for role in STAFF_ROLES:
                user_id = len(self.tables["users"]) + 1
                name = f"{self.policies[code]['name']}{STAFF_ROLES[role]}（基准）"
                login = staff_login(role, code)
                self.tables["users"].append((user_id, now, login, name, self.password_hash, role, None, None, True,
                                             0, None, None, False, None, None, None))
                self.tables["user_scopes"].append((len(self.tables["user_scopes"]) + 1, user_id, code))
                if role == "officer":
                    officers[code] = (user_id, f"{name}（{login}）")
        return officers

    def before_applications(self) -> None:
        self.officers = self.users()
        self.organisations()
        self.all_batches()

    def after_applications(self) -> None:
        self.audit_events(self.officers)
        self.notices()


COLUMNS = {
    "users": ("id", "created_at", "login", "name", "password_hash", "role", "organisation_id", "region_prefix",
              "active", "failed_logins", "locked_until", "last_login_at", "must_change_password", "totp_secret",
              "totp_enabled_at", "totp_last_step"),
    "user_scopes": ("id", "user_id", "jurisdiction"),
    "organisations": ("id", "created_at", "name", "uscc", "entity_type", "registered_region",
                      "legal_representative", "address", "contact_name", "contact_phone", "contact_email",
                      "verified_at", "verified_by_id", "verified_attachment_id"),
    "spaces": ("id", "created_at", "organisation_id", "name", "region", "address", "opened_on", "facts",
               "updated_at", "version"),
    "batches": ("id", "created_at", "jurisdiction", "name", "status", "decision", "decided_on", "minutes_ref",
                "decided_by_id"),
    "applications": ("id", "created_at", "jurisdiction", "category", "policy_document", "space_id",
                     "organisation_id", "call_id", "batch_id", "status", "current_step", "facts", "form_data",
                     "official_number", "certificate_title", "submitted_on", "updated_at", "version"),
    "recognitions": ("id", "application_id", "space_id", "jurisdiction", "title", "certificate_number", "level",
                     "granted_on", "status", "revoked_on", "revoked_reason"),
    "audit_events": ("id", "occurred_at", "actor_id", "actor_name", "client_address", "action", "object_type",
                     "object_id", "jurisdiction", "from_state", "to_state", "opinion", "detail"),
    "public_notices": ("id", "created_at", "jurisdiction", "batch_id", "title", "published_on", "first_day",
                       "last_day", "days", "period_source", "contact", "status", "closed_at"),
    "notice_entries": ("id", "notice_id", "application_id"),
}


# --- the database ------------------------------------------------------------------------------


def table_counts(conn) -> dict[str, int]:
    return {t: conn.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0] for t in COLUMNS}


def schema_exists(conn) -> bool:
    return conn.execute("SELECT to_regclass('public.applications')").fetchone()[0] is not None


def copy_rows(conn, table: str, rows) -> None:
    columns = COLUMNS[table]
    with conn.cursor() as cur:
        with cur.copy(f'COPY "{table}" ({", ".join(columns)}) FROM STDIN') as copy:
            for row in rows:
                copy.write_row(row)
        if "id" in columns:
            cur.execute(f"SELECT setval(pg_get_serial_sequence('\"{table}\"', 'id'), (SELECT max(id) FROM \"{table}\"))")


def fill(url: str, *, reset: bool = False, scale: float = 1.0, quiet: bool = False) -> dict[str, int]:
    """Fill ``url`` (see the module's docstring); returns the row count of each table filled."""
    import psycopg

    say = (lambda *a: None) if quiet else (lambda *a: print(*a, flush=True))
    started = time.perf_counter()
    expected = counts_for(scale)
    with psycopg.connect(psycopg_url(url), autocommit=True) as conn:
        if reset:
            conn.execute("DROP SCHEMA public CASCADE")
            conn.execute("CREATE SCHEMA public")
        elif schema_exists(conn):
            counts = table_counts(conn)
            # (the benchmarks' sign-ins add audit events and sessions: those do not count)
            if counts["applications"] == expected["applications"] \
                    and counts["organisations"] == expected["organisations"]:
                say("already filled at this scale (use --reset to fill anew)")
                return counts
            if any(counts.values()):
                raise SystemExit(f"{url}: holds other data ({counts['applications']} applications); "
                                 "refusing to add to it: use --reset")
    app = project_app(url)
    migrate(app)
    say(f"migrated ({time.perf_counter() - started:.1f} s)")
    rows = Rows(scale, policy_data(app), date.today())
    rows.before_applications()
    with psycopg.connect(psycopg_url(url)) as conn:  # one transaction: all or nothing
        for table in ("users", "user_scopes", "organisations", "spaces", "batches"):
            copy_rows(conn, table, rows.tables[table])
        copy_rows(conn, "applications", rows.application_rows())
        say(f"organisations, spaces, applications copied ({time.perf_counter() - started:.1f} s)")
        rows.after_applications()
        for table in ("recognitions", "audit_events", "public_notices", "notice_entries"):
            copy_rows(conn, table, rows.tables[table])
        conn.commit()
    with psycopg.connect(psycopg_url(url), autocommit=True) as conn:
        # VACUUM too: it sets the visibility map that index-only scans rely on, as autovacuum
        # has long done on a live database; a fresh COPY without it makes the dashboard's
        # counts read the table.
        conn.execute("VACUUM ANALYZE")
        counts = table_counts(conn)
    say(f"filled in {time.perf_counter() - started:.1f} s")
    return counts


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", default=DEFAULT_DB, help=f"PostgreSQL URL (default {DEFAULT_DB})")
    parser.add_argument("--reset", action="store_true", help="drop the public schema and fill anew")
    parser.add_argument("--scale", type=float, default=1.0, help="fraction of the issue's row counts (default 1)")
    args = parser.parse_args(argv)
    counts = fill(args.db, reset=args.reset, scale=args.scale)
    width = max(map(len, counts))
    for table, count in counts.items():
        print(f"{table:<{width}}  {count:>9,}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
