"""Demo data: users of every role, organisations, spaces and applications in every
state, for each enabled jurisdiction.

``load_demo()`` is idempotent: each row is looked up by its natural key (login,
统一社会信用代码, space name, space + jurisdiction + category) and only what is missing
is added, so running it twice adds nothing.  The facts of every demo space go
through ``core.facts.parse_facts`` like any other input.

Every demo organisation and its applicant account are registered as the registration
page registers them (``core.intake.registration.register_applicant``), and every demo space
saved as 我的众创空间 saves it (``core.intake.spaces.save_space``); staff accounts are
written directly (the admin's user form has no function to call; docs/demo.md).
Every demo application is built through the operations its users trigger (``_Life``):
the draft, its materials uploaded as real PDFs, the submission, each review step as
the user of its role, the expert batch and score sheet, the leaders' decision, the
public notice with an objection, and the award with its subsidy entitlements — so its
timeline, files, scores, notice and title are those a real one would have.
"""
from __future__ import annotations

import copy
import functools
import io
from dataclasses import dataclass, field
from datetime import date, timedelta

from sqlalchemy import select
from werkzeug.datastructures import FileStorage
from werkzeug.security import generate_password_hash

from core.platform import audit, clock

from core.bureau import versions
from core.bureau import data as bureau_data
from core.bureau import operations as bureau_operations
from core.platform.extensions import db
from core.facts import make_uscc, parse_facts
from core.platform.jurisdictions import enabled
from core.platform.models import (
    Download,
    Notification,
    Application,
    Assessment,
    AssessmentRound,
    Batch,
    ApiClient,
    Call,
    Organisation,
    ChangeReport,
    ExternalTitle,
    SubsidyEntitlement,
    Recognition,
    Rectification,
    Revocation,
    Space,
    StatisticsMiss,
    User,
    UserScope,
)
from core.monitoring import assessments as annual_assessments
from core.monitoring import changes as change_reports
from core.monitoring import returns as statistics_returns
from core.monitoring import windows as statistics_windows
from core.monitoring import findings, rectifications, revocations
from core.money import external_titles, funds, lifecycle
from core.accounts.roles import ADMIN, APPLICANT, EXPERT, LEADER, OFFICER, RECOMMENDER, ROLE_LABELS
from core.accounts import scope_roles

DEMO_PASSWORD = "zhongchuang-demo"  # 12+ characters, not in core/common-passwords.txt.gz
ADMIN_LOGIN = "admin@zhongchuang.demo"
JURISDICTION_ROLES = (APPLICANT, RECOMMENDER, OFFICER, EXPERT, LEADER)

# A recommender (推荐单位) is a district bureau: the area it recommends from.
RECOMMENDER_AREAS = {"mile": "532504", "kunming": "530112", "yunnan": "5304", "xuzhou": "320311"}
# The 县区 of the demo spaces outside those areas, for the name of their own recommender (GB/T 2260).
DISTRICT_NAMES = {"530102": "昆明市五华区", "530114": "昆明市呈贡区", "530302": "曲靖市麒麟区",
                  "320302": "徐州市鼓楼区", "320312": "徐州市铜山区"}


def demo_login(role: str, jurisdiction: str) -> str:
    return f"{role}@{jurisdiction}.demo"


@dataclass(frozen=True)
class DemoOrg:
    home: str  # the jurisdiction whose applicant user operates it
    name: str
    region: str
    org_body: str  # the 8-character body of the organisation code inside the USCC
    space_name: str
    opened_on: str
    area: int
    workstations: int
    resident_names: tuple[str, ...]
    address: str

    @property
    def uscc(self) -> str:
        return make_uscc(self.region, self.org_body)


ORGS = (
    DemoOrg("mile", "弥勒市湖泉创新创业服务有限公司", "532504", "MA6K0001", "湖泉众创空间", "2022-05-10",
            1200, 80, ("弥勒红酒文创", "东风韵设计", "可邑农科", "阿细跳月文旅", "甘蔗生物科技", "红河电商服务"),
            "云南省红河州弥勒市湖泉大道 88 号"),
    DemoOrg("mile", "弥勒佛城科技孵化器有限公司", "532504", "MA6K0002", "佛城创客汇", "2023-02-01",
            650, 45, ("锦屏茶业", "温泉康养科技", "弥阳新能源", "竹园智慧农业"),
            "云南省红河州弥勒市弥阳镇髯翁路 16 号"),
    DemoOrg("mile", "弥勒市太平湖创业服务中心有限公司", "532504", "MA6K0003", "太平湖青年创业园", "2024-03-18",
            420, 30, ("葡萄酒庄数字营销", "彝绣文创"),
            "云南省红河州弥勒市西三镇太平湖路 2 号"),
    # issue 17: two older 弥勒 titles, so the annual assessments of two years have a title
    # failing both (due for revocation, 第十五条) and one failing only the last
    DemoOrg("mile", "弥勒市东风韵文创发展有限公司", "532504", "MA6K0004", "东风韵创意工场", "2021-04-01",
            560, 40, ("东风韵陶艺", "弥勒民族乐器"), "云南省红河州弥勒市东风韵小镇 1 号"),
    DemoOrg("mile", "弥勒市可邑创业服务有限公司", "532504", "MA6K0005", "可邑青创空间", "2021-10-10",
            480, 36, ("可邑彝绣", "阿细跳月演艺"), "云南省红河州弥勒市西一镇可邑村 6 号"),
    DemoOrg("kunming", "昆明滇池创新科技有限公司", "530112", "AY4CL12T", "滇池创客空间", "2023-03-15",
            620, 48, ("云岭智造", "滇茶数科", "花城设计", "春城物联", "高原生物", "翠湖软件",
                      "金马碧鸡文创", "呈贡新材", "官渡医疗器械", "西山农科", "盘龙电商", "五华教育"),
            "云南省昆明市西山区滇池路 1299 号"),
    DemoOrg("kunming", "昆明五华云创孵化器管理有限公司", "530102", "MA6N0002", "翠湖云创空间", "2021-09-01",
            900, 70, ("翠湖数据", "云大生命科学", "讲武堂文旅", "圆通山动漫", "五华智能硬件", "滇越跨境"),
            "云南省昆明市五华区学府路 745 号"),
    DemoOrg("kunming", "昆明呈贡大学城众创服务有限公司", "530114", "MA6N0003", "大学城创新工场", "2022-11-20",
            1500, 120, ("呈贡光电", "斗南花卉电商", "雨花智造", "洛龙检测", "乌龙浦环保", "七甸新材料", "吴家营软件"),
            "云南省昆明市呈贡区大学城东外环南路 2 号"),
    # in 西山区 as 滇池创客空间: the demo's 县区 recommender (RECOMMENDER_AREAS) returned it
    DemoOrg("kunming", "昆明西山碧鸡科技园运营有限公司", "530112", "MA6N0004", "碧鸡关科创空间", "2020-06-06",
            1100, 90, ("碧鸡信息", "海埂生态", "前卫数科", "马街机械", "团结水务科技"),
            "云南省昆明市西山区碧鸡路 22 号"),
    # issue 18: a 昆明 title and a 云南 title, each with money for building and running the space
    # (昆科发〔2017〕55号 第十三条; 云政办发〔2016〕65号 (九)) — the overlap (十五) asks the officer to justify
    DemoOrg("kunming", "昆明金碧创业服务有限公司", "530112", "MA6N0005", "金碧创想空间", "2021-05-18",
            1200, 90, ("金碧数字文创", "大观楼智慧旅游", "滇池水环境科技", "西山康养", "近日楼软件", "眠山新材料"),
            "云南省昆明市西山区金碧路 88 号"),
    DemoOrg("yunnan", "玉溪红塔高新创业服务有限公司", "530402", "MA6P0001", "红塔创新谷", "2019-08-08",
            2000, 150, ("玉溪卷烟材料科技", "聂耳音乐文创", "抚仙湖生态农业", "红塔智能装备", "澄江化石文旅", "研和新能源"),
            "云南省玉溪市红塔区高新区龙马路 9 号"),
    DemoOrg("yunnan", "曲靖麒麟创业孵化有限公司", "530302", "MA6P0002", "麒麟众创工场", "2020-04-12",
            800, 60, ("珠江源新材", "麒麟车联网", "越州农业科技", "寥廓山电商"),
            "云南省曲靖市麒麟区南宁北路 100 号"),
    DemoOrg("xuzhou", "徐州泉山大学科技园发展有限公司", "320311", "MA1X0001", "泉山创客空间", "2016-09-01",
            3000, 200, ("矿大智能采掘", "云龙湖文创", "汉画像数字", "淮海工程机械软件", "彭城生物医药", "泉山物联网"),
            "江苏省徐州市泉山区大学路 1 号"),
    DemoOrg("xuzhou", "徐州鼓楼创新创业园管理有限公司", "320302", "MA1X0002", "鼓楼创业天地", "2017-05-20",
            1800, 130, ("黄河故道生态", "鼓楼智慧物流", "户部山文旅", "徐工配套科技"),
            "江苏省徐州市鼓楼区中山北路 288 号"),
    DemoOrg("xuzhou", "徐州铜山高新众创服务有限公司", "320312", "MA1X0003", "铜山智造空间", "2018-03-03",
            1300, 95, ("铜山光伏", "汉王新能源", "大彭机器人", "柳泉农机电商", "张集食品科技"),
            "江苏省徐州市铜山区北京南路 26 号"),
)


@dataclass(frozen=True)
class DemoApplication:
    space: str  # DemoOrg.space_name
    jurisdiction: str
    category: str
    status: str
    submitted_on: str | None
    granted_on: str | None = None  # recognised only: the day of the award (awards.grant numbers it)


APPLICATIONS = (
    DemoApplication("湖泉众创空间", "mile", "comprehensive", "recognised", "2025-04-10", "2025-07-01"),
    DemoApplication("佛城创客汇", "mile", "specialized", "in_review", "2026-09-15"),
    DemoApplication("太平湖青年创业园", "mile", "comprehensive", "draft", None),
    DemoApplication("东风韵创意工场", "mile", "specialized", "recognised", "2023-03-01", "2023-06-20"),
    DemoApplication("可邑青创空间", "mile", "comprehensive", "recognised", "2024-02-20", "2024-06-18"),
    DemoApplication("滇池创客空间", "kunming", "comprehensive_service", "submitted", "2026-10-20"),
    DemoApplication("翠湖云创空间", "kunming", "tech_support", "recognised", "2024-05-08", "2024-08-16"),
    DemoApplication("大学城创新工场", "kunming", "comprehensive_service", "under_notice", "2026-08-03"),
    DemoApplication("碧鸡关科创空间", "kunming", "comprehensive_service", "returned", "2026-09-01"),
    DemoApplication("翠湖云创空间", "yunnan", "provincial", "in_review", "2026-03-20"),
    DemoApplication("红塔创新谷", "yunnan", "provincial", "recognised", "2023-05-15", "2023-09-20"),
    DemoApplication("麒麟众创工场", "yunnan", "provincial", "rejected", "2025-06-02"),
    # issue 17: revoked for fraud by _ensure_rectification_and_revocation (its own title: the others stay live)
    DemoApplication("碧鸡关科创空间", "yunnan", "provincial", "recognised", "2022-03-10", "2022-07-15"),
    DemoApplication("金碧创想空间", "kunming", "comprehensive_service", "recognised", "2024-03-05", "2024-07-22"),
    DemoApplication("金碧创想空间", "yunnan", "provincial", "recognised", "2025-03-10", "2025-08-26"),
    DemoApplication("泉山创客空间", "xuzhou", "key", "recognised", "2017-04-12", "2017-07-28"),
    DemoApplication("鼓楼创业天地", "xuzhou", "key", "withdrawn", "2026-05-06"),
    DemoApplication("铜山智造空间", "xuzhou", "key", "draft", None),
)



# The facts of a space, on the pattern of shared/examples/kunming-comprehensive-service.json.
BASE_FACTS = {
    "entity_type": "enterprise",
    "independent_legal_person": True,
    "premises_tenure": "leased",
    "lease_years": 5,
    "commercial_premises": False,
    "infrastructure_complete": True,
    "rent_ratio_year1": 0,
    "rent_ratio_year2": 0.3,
    "rent_ratio_year3": 0.5,
    "management_staff": 6,
    "full_time_staff": 4,
    "mentors": 5,
    "management_rules": ["admission", "finance", "operations"],
    "separate_accounting": True,
    "services": ["registration", "legal", "finance", "policy", "roadshow", "training"],
    "investor_partners": 2,
    "seed_fund": True,
    "investment_projects": 2,
    "online_platform": True,
    "rd_facilities": True,
    "contracted_residents_last_year": 18,
    "new_enterprises_last_year": 4,
    "financed_teams_last_year": 1,
    "typical_cases_last_year": 3,
    "events_last_year": 10,
}


def space_facts(org: DemoOrg) -> dict:
    """The facts of CONTRACTS §1 for a demo space (checked by ``parse_facts``)."""
    facts = copy.deepcopy(BASE_FACTS)
    opened = date.fromisoformat(org.opened_on)
    entered = max(opened, date(2025, 3, 1)).isoformat()
    facts.update(
        applicant_name=org.name,
        uscc=org.uscc,
        registered_region=org.region,
        space_name=org.space_name,
        space_region=org.region,
        space_opened_on=org.opened_on,
        total_area_m2=org.area,
        public_area_m2=round(org.area * 0.15),
        workstations=org.workstations,
        residents=[
            {
                "name": name,
                "kind": "enterprise" if i % 2 == 0 else "team",
                # the last of a large space's residents is outside the supported fields
                "qualifying_field": not (len(org.resident_names) >= 6 and i == len(org.resident_names) - 1),
                "entered_on": entered,
                "established_on": "2025-01-15" if i % 2 == 0 else None,
                "registered_in_space": i % 2 == 0,
            }
            for i, name in enumerate(org.resident_names)
        ],
        contracted_residents_last_year=max(len(org.resident_names) + 2, 6),
    )
    parse_facts(facts)  # demo data obeys the same contract as any input
    return facts


@dataclass
class DemoReport:
    """What ``load_demo`` added (all zero on a second run) and the logins to show."""

    added: dict[str, int] = field(default_factory=lambda: {
        "users": 0, "organisations": 0, "spaces": 0, "residents": 0, "applications": 0, "recognitions": 0, "notices": 0,
        "calls": 0, "statistics_windows": 0, "statistics_returns": 0, "change_reports": 0,
        "rectifications": 0, "revocations": 0, "external_titles": 0, "funds": 0, "money_steps": 0,
        "notifications_read": 0, "reminders": 0, "downloads": 0, "calls_published": 0, "calls_drafted": 0,
        "api_clients": 0,
    })
    logins: list[tuple[str, str, str]] = field(default_factory=list)  # (login, role label, jurisdiction)
    api_tokens: list[tuple[str, str]] = field(default_factory=list)  # (system, token): shown once, never kept
    password_hash: str = ""

    @property
    def changed(self) -> bool:
        return any(self.added.values())


def load_demo() -> DemoReport:
    """Add whatever demo rows are missing, for the enabled jurisdictions, and commit."""
    report = DemoReport()
    # One hash for every demo user (same password): hashing 21 times costs seconds.
    report.password_hash = generate_password_hash(DEMO_PASSWORD)
    jurisdictions = enabled()
    orgs = {}
    for spec in ORGS:
        if spec.home in jurisdictions:
            orgs[spec.space_name] = _ensure_org_and_space(spec, report)

    _ensure_user(report, ADMIN_LOGIN, "省科技厅系统管理员", ADMIN, None)
    for code, juris in jurisdictions.items():
        home_org = next((o for s, o in orgs.items() if _spec(s).home == code), None)
        for role in JURISDICTION_ROLES:
            _ensure_user(
                report, demo_login(role, code), f"{juris.name}{ROLE_LABELS[role]}（演示）", role, code,
                organisation=home_org[0] if role == APPLICANT and home_org else None,
            )
    _ensure_two_role_user(report, jurisdictions)

    for spec in APPLICATIONS:
        if spec.jurisdiction in jurisdictions and spec.space in orgs:
            organisation, space = orgs[spec.space]
            _ensure_application(spec, organisation, space, jurisdictions[spec.jurisdiction], report)
    for code, juris in jurisdictions.items():
        _ensure_call(code, juris, report)
    _ensure_statistics(report)
    _ensure_change_reports(report)
    _ensure_overdue_change_duty(report)
    _ensure_assessments(report)
    _ensure_rectification_and_revocation(report)
    _ensure_money(report)
    _ensure_reaching_people(report)
    _ensure_expert_draw(report)  # issue 22 draw
    _ensure_calls_published(report)
    _ensure_api_clients(report)
    _ensure_expert_pool(report)  # issue 22 pool

    if report.changed:
        audit.record("demo.load", object_type="demo", added=report.added)
    db.session.commit()
    return report


def _ensure_call(code: str, juris, report: DemoReport, day: date | None = None) -> None:
    """Where applications come only in answer to a call (``PolicyVersion.intake``), a
    call for the year of ``day`` (default today) open all that year, so an application
    can be submitted then."""
    day = day or clock.today()
    policy = versions.policy_in_force(code, day)
    if policy is None or policy.intake != "call":
        return
    title = f"{day.year}年度{juris.name}众创空间认定申报通知（演示）"
    if db.session.scalar(select(Call.id).where(Call.jurisdiction == code, Call.title == title)) is not None:
        return
    db.session.add(Call(jurisdiction=code, title=title, opens_on=date(day.year, 1, 1),
                        closes_on=date(day.year, 12, 31), categories=[c.code for c in policy.categories]))
    db.session.commit()
    report.added["calls"] += 1


CALL_TEXT = ("为贯彻落实《昆明市众创空间认定管理办法（试行）》（昆科发〔2017〕55号），现组织开展{year}年度"
             "市级众创空间认定申报工作。\n\n"
             "一、申报条件：见认定办法第七条。申报前可登录本平台进行申报条件自查（预审）。\n\n"
             "二、申报方式：申报单位登录本平台填写申报书、上传证明材料并在线提交；县区科技局初审推荐。\n\n"
             "三、联系方式：市科技局业务处室（演示）。")


def _ensure_calls_published(report: DemoReport) -> None:
    """Issue 20: the 昆明 bureau's calls in every state the public /calls/ pages show, written as the
    officer writes them on the calls page (``core.intake.calls``): this year's call with its text and
    a document (open), next year's (upcoming, from 1 January), a second call of next year left a
    draft (seen only in the admin's preview); the years the demo applications answered stay closed."""
    from core.intake import calls

    officer = _demo_user(OFFICER, "kunming")
    if officer is None:
        return
    day = clock.today()
    current = db.session.scalar(select(Call).where(Call.jurisdiction == "kunming", Call.opens_on <= day,
                                                   Call.closes_on >= day).order_by(Call.id).limit(1))
    if current is not None and not current.body:
        calls.save_text(current, body=CALL_TEXT.format(year=day.year), published=True, actor=officer)
        calls.add_attachment(current, _demo_evidence(f"{day.year}年度众创空间认定申报通知"), actor=officer)
        report.added["calls_published"] += 1
    policy = versions.policy_in_force("kunming", day)
    if policy is None:
        return
    next_year = day.year + 1
    for title, published in ((f"{next_year}年度昆明市众创空间认定申报通知（演示）", True),
                             (f"{next_year}年度昆明市众创空间认定第二批申报通知（草稿，演示）", False)):
        if db.session.scalar(select(Call.id).where(Call.jurisdiction == "kunming", Call.title == title)) is not None:
            continue
        call = Call(jurisdiction="kunming", title=title, opens_on=date(next_year, 1, 1) if published
                    else date(next_year, 7, 1), closes_on=date(next_year, 3, 31) if published
                    else date(next_year, 8, 31), categories=[c.code for c in policy.categories])
        db.session.add(call)
        db.session.flush()
        audit.record("admin_create", call, actor=officer)
        calls.save_text(call, body=CALL_TEXT.format(year=next_year), published=published, actor=officer)
        report.added["calls_published" if published else "calls_drafted"] += 1


API_DEMO_SYSTEM = "省数据共享平台（演示）"
API_DEMO_REVOKED = "徐州市财政局旧接口（演示，已吊销）"


def _ensure_api_clients(report: DemoReport) -> None:
    """Issue 20: the read API's tokens as the admin issues them on 数据接口令牌 (``core.api.clients``):
    one for the province's data platform reading 昆明 and 云南, shown once in the demo's output (only its
    SHA-256 is kept, so a second run cannot show it again: revoke it and issue another on the page), and a
    revoked one, to show that state.  No fixed token: it would be a known credential wherever the demo ran."""
    from core.api import clients

    admin = db.session.scalar(select(User).where(User.login == ADMIN_LOGIN))
    enabled_now = enabled()
    if admin is None:
        return
    for name, codes, revoke in ((API_DEMO_SYSTEM, ["kunming", "yunnan"], False),
                                (API_DEMO_REVOKED, ["xuzhou"], True)):
        codes = [c for c in codes if c in enabled_now]
        if not codes or db.session.scalar(select(ApiClient.id).where(ApiClient.name == name)) is not None:
            continue
        client, token = clients.issue(name, codes, "演示用令牌", admin)
        if revoke:
            clients.revoke(client, admin)
        else:
            report.api_tokens.append((name, token))
        report.added["api_clients"] += 1


# --- issue 22 pool: the expert pool (专家库) -----------------------------------------------------
# Each jurisdiction's demo expert: fields of expertise, organisation (with its USCC), region.
DEMO_EXPERT_PROFILES = {
    "mile": (["创业孵化", "文旅产业"], "红河学院", make_uscc("532500", "43120101", "12"), "532504"),
    "kunming": (["创业孵化", "科技金融", "知识产权"], "昆明理工大学", make_uscc("530100", "43120102", "12"), "530102"),
    "yunnan": (["众创空间运营", "科技政策"], "云南大学", make_uscc("530000", "43120103", "12"), "530102"),
    "xuzhou": (["智能制造", "创业孵化"], "中国矿业大学", make_uscc("320300", "46600104", "12"), "320311"),
}
# A second 昆明 expert, paused (on leave): in the pool's list, never drawn.
DEMO_PAUSED_EXPERT = ("kunming", "expert-2@kunming.demo", "昆明市评审专家乙（演示，暂停）",
                      (["电子商务"], "云南财经大学", make_uscc("530100", "43120105", "12"), "530102"))
# 昆明's demo expert declares a relationship (回避) with an organisation that applies for nothing in the demo.
DEMO_EXPERT_RELATIONSHIP = ("kunming", make_uscc("530102", "MA6D0E01"), "昆明滇池创投有限公司", "本人任该公司投资顾问")


def _ensure_expert_pool(report: DemoReport) -> None:
    """Through core.review.expert_pool, as each jurisdiction's officer: the demo experts' profiles,
    a paused second 昆明 expert and one declared relationship; nothing when they are there."""
    from core.platform.models import ExpertProfile
    from core.review import expert_pool

    codes = enabled()
    added = 0
    experts = [(code, _demo_user(EXPERT, code), profile) for code, profile in DEMO_EXPERT_PROFILES.items()
               if code in codes]
    paused = None
    if DEMO_PAUSED_EXPERT[0] in codes:
        code, login, name, profile = DEMO_PAUSED_EXPERT
        _ensure_user(report, login, name, EXPERT, code)
        db.session.flush()
        paused = db.session.scalar(select(User).where(User.login == login))
        experts.append((code, paused, profile))
    for code, expert, (fields, organisation, uscc, region) in experts:
        if expert is None or db.session.get(ExpertProfile, expert.id) is not None:
            continue  # kept as the officer left it
        officer = _demo_user(OFFICER, code)
        expert_pool.save_profile(expert, officer, fields=fields, organisation_name=organisation,
                                 organisation_uscc=uscc, region=region, status=expert_pool.ACTIVE)
        if expert is paused:
            expert_pool.set_status(expert, officer, expert_pool.PAUSED, "演示：出国访学，暂停抽取")
        added += 1
    code, uscc, organisation, relation = DEMO_EXPERT_RELATIONSHIP
    expert = _demo_user(EXPERT, code) if code in codes else None
    if expert is not None and not expert_pool.relationships_of(expert):
        expert_pool.add_relationship(expert, expert, organisation_uscc=uscc, organisation_name=organisation,
                                     relation=relation)
        added += 1
    report.added["expert_profiles"] = report.added.get("expert_profiles", 0) + added
# --- end issue 22 pool ---


def _spec(space_name: str) -> DemoOrg:
    return next(o for o in ORGS if o.space_name == space_name)


def applicant_account(spec: DemoOrg) -> tuple[str, str]:
    """The login and name of a demo organisation's applicant account: ``applicant@<home>.demo``
    for the first organisation of its jurisdiction, ``applicant-<code body>@<home>.demo`` for others."""
    if next(o for o in ORGS if o.home == spec.home) == spec:
        juris = enabled().get(spec.home)
        return demo_login(APPLICANT, spec.home), f"{juris.name if juris else spec.home}{ROLE_LABELS[APPLICANT]}（演示）"
    return f"applicant-{spec.org_body.lower()}@{spec.home}.demo", f"{spec.name}（演示）"


class DemoRefused(Exception):
    """A demo organisation or space the users' own forms refuse (a bug in the demo data)."""


def _checked(form, what: str):
    if not form.validate():
        raise DemoRefused(f"{what}: {form.errors}")
    return form


def _ensure_org_and_space(spec: DemoOrg, report: DemoReport) -> tuple[Organisation, Space]:
    """The organisation registered as an applicant registers it (``register_applicant``,
    the registration page's operation), then its space saved as 我的众创空间 saves it
    (``save_space``), both through the users' own forms and checks."""
    from core.intake.registration import RegisterForm, register_applicant
    from core.intake.portal_space import SpaceForm
    from core.intake.spaces import save_space

    org = db.session.scalar(select(Organisation).where(Organisation.uscc == spec.uscc))
    if org is None:
        login, name = applicant_account(spec)
        form = _checked(RegisterForm(formdata=None, meta={"csrf": False}, data={
            "organisation_name": spec.name, "uscc": spec.uscc, "registered_region": spec.region,
            "contact_name": name, "login": login, "password": DEMO_PASSWORD, "password_confirm": DEMO_PASSWORD,
        }), spec.name)
        user = register_applicant(form, password_hash=report.password_hash)
        if user is None:
            raise DemoRefused(f"{spec.name}: {login} 已被其他单位使用")
        org = user.organisation
        # What no applicant page takes: kept by the officer in the admin's organisation form.
        org.entity_type, org.address = "enterprise", spec.address
        org.legal_representative, org.contact_phone = "（演示）", "0871-00000000"
        db.session.commit()
        report.added["organisations"] += 1
        report.added["users"] += 1
    space = db.session.scalar(
        select(Space).where(Space.organisation_id == org.id, Space.name == spec.space_name)
    )
    if space is None:
        facts = space_facts(spec)
        opened = date.fromisoformat(spec.opened_on)
        extra = {
            "residents": [{"main_product": f"{r['name']}主营产品（演示）", "employees": 5, "phone": "0871-60000000"}
                          for r in facts["residents"]],
            # 运营团队 and 已毕业企业, as 我的众创空间 keeps them (carried into the 申报书)
            "team_members": [
                {"name": "（演示）负责人", "position": "founder", "phone": "13800000001", "speciality": "企业管理",
                 "full_time": True, "services": "运营管理、投融资对接"},
                {"name": "（演示）创业导师", "position": "member", "phone": "13800000002", "speciality": "财务法务",
                 "full_time": False, "services": "创业辅导"},
            ],
            "graduates": [
                {"name": f"{spec.resident_names[0]}（已毕业，演示）", "main_product": "软件与技术服务",
                 "entered_on": opened, "graduated_on": opened + timedelta(days=540), "employees": 25,
                 "phone": "0871-60000001"},
            ] if opened + timedelta(days=540) < clock.today() else [],
        }
        data = SpaceForm.facts_to_data(facts, extra)
        data["space_opened_on"] = opened
        for row in data["residents"]:
            for key in ("entered_on", "established_on"):
                row[key] = date.fromisoformat(row[key]) if row[key] else None
        form = _checked(SpaceForm(formdata=None, meta={"csrf": False}, data=data), spec.space_name)
        applicant = db.session.scalar(select(User).where(User.organisation_id == org.id, User.role == APPLICANT)
                                      .order_by(User.id))
        space = save_space(None, org, form, actor=applicant)
        space.address = spec.address  # no page takes it yet (docs/demo.md)
        db.session.commit()
        report.added["spaces"] += 1
        report.added["residents"] += len(facts["residents"])
    return org, space


# --- issue 22 roles: one account, two roles in two jurisdictions ---------------------------
# 昆明市科技局 is 昆明's officer and, for 云南's recognition, the 州（市）bureau that checks and
# recommends the spaces of its area (云科规〔2021〕1号: 州（市）科技局负责辖区内众创空间的…认定推荐工作).
TWO_ROLE_LOGIN = "kunming-bureau@two-roles.demo"
TWO_ROLE_AREA = "5301"  # 昆明市 (GB/T 2260)


def _ensure_two_role_user(report: DemoReport, jurisdictions) -> None:
    """Officer in 昆明, recommender in 云南 for 5301: set through the admin's own operation."""
    if "kunming" not in jurisdictions or "yunnan" not in jurisdictions:
        return
    _ensure_user(report, TWO_ROLE_LOGIN, "昆明市科技局（昆明业务经办、云南推荐，演示）", OFFICER, "kunming")
    user = db.session.scalar(select(User).where(User.login == TWO_ROLE_LOGIN))
    if user is None:  # added above, not flushed yet
        db.session.flush()
        user = db.session.scalar(select(User).where(User.login == TWO_ROLE_LOGIN))
    report.logins[-1] = (TWO_ROLE_LOGIN, f"{ROLE_LABELS[OFFICER]} + {ROLE_LABELS[RECOMMENDER]}", "kunming + yunnan")
    if "yunnan" not in user.jurisdiction_codes:
        user.scopes.append(UserScope(jurisdiction="yunnan"))
        db.session.flush()
        scope_roles.set_scope_roles(user, {"yunnan": (RECOMMENDER, TWO_ROLE_AREA)})
# --- end issue 22 roles ---


def _ensure_user(report: DemoReport, login: str, name: str, role: str, jurisdiction: str | None,
                 organisation: Organisation | None = None, region_prefix: str | None = None) -> None:
    report.logins.append((login, str(ROLE_LABELS[role]), jurisdiction or "全部"))
    if db.session.scalar(select(User.id).where(User.login == login)) is not None:
        return
    user = User(login=login, name=name, role=role, organisation=organisation,
                region_prefix=(region_prefix or RECOMMENDER_AREAS.get(jurisdiction)) if role == RECOMMENDER else None)
    user.password_hash = report.password_hash
    if jurisdiction and role != APPLICANT:
        user.scopes.append(UserScope(jurisdiction=jurisdiction))
    db.session.add(user)
    report.added["users"] += 1


def _ensure_application(spec: DemoApplication, organisation: Organisation, space: Space, juris,
                        report: DemoReport) -> None:
    exists = db.session.scalar(select(Application.id).where(
        Application.space_id == space.id, Application.jurisdiction == spec.jurisdiction,
        Application.category == spec.category,
    ))
    if exists is not None:
        return
    _Life(spec, organisation, space, juris, report).run()


# What the reviewer wrote when returning or rejecting a demo application, so that the
# applicant's status page shows a reason, as it would in real use.
DEMO_REASONS = {
    "returned": ("return", "（演示）请补充入驻企业的入驻协议复印件，并核实上年度服务活动场次后重新提交。"),
    "rejected": ("reject", "（演示）经专家评审，孵化服务能力未达到认定条件，不予通过。"),
}
OPINION = "（演示）经审核，申报材料齐全，符合认定条件，同意。"
RECOMMEND = "（演示）经县区科技部门初审，材料齐全、情况属实，同意推荐。"
SITE_VISIT = "（演示）实地查验：场地、运营团队与服务情况与申报材料一致。"
NOTICE_DAYS_DEMO = 7  # where neither the policy nor the bureau sets a period (徐州, 云南): a bureau setting
STEP_GAP = timedelta(days=7)  # between two acts of a demo application's history


@functools.lru_cache(maxsize=64)
def demo_pdf(title: str) -> bytes:
    """A small real PDF (one A4 page naming the material), made on the fly."""
    from reportlab.pdfgen import canvas

    out = io.BytesIO()
    page = canvas.Canvas(out, pagesize=(595, 842), invariant=1)
    page.setTitle(title)
    page.drawString(72, 770, "Demo material (zhongchuang demo data)")
    page.drawString(72, 750, title.encode("unicode_escape").decode("ascii")[:90])
    page.showPage()
    page.save()
    return out.getvalue()


class _Life:
    """One demo application carried, from the draft to its demo state, through the same
    service functions the pages call — each act as the demo user whose role it is, on a
    day of its history (``submitted_on`` and then a week per step, never after today):
    the draft and its materials (real PDFs through ``core.platform.uploads``), ``workflow.act``
    (submit, withdraw, recommend, return), the expert batch (``core.review.batches``: batch,
    expert, declaration, score sheet, conclusion, the leaders' decision), the public
    notice and an objection (``core.notice.publication``), and the title with its subsidy
    entitlements (``core.award.titles.grant``)."""

    def __init__(self, spec: DemoApplication, organisation: Organisation, space: Space, juris, report: DemoReport):
        self.spec, self.organisation, self.space, self.juris, self.report = spec, organisation, space, juris, report
        self.code = juris.code
        self.today = clock.today()
        self.day = date.fromisoformat(spec.submitted_on) if spec.submitted_on else self.today
        self.app: Application | None = None

    # -- people ---------------------------------------------------------------------------
    def user(self, role: str) -> User:
        if role == APPLICANT:
            return self.applicant()
        if role == RECOMMENDER:
            return self.recommender()
        return db.session.scalar(select(User).where(User.login == demo_login(role, self.code)))

    def applicant(self) -> User:
        """The organisation's applicant account (``applicant@<code>.demo`` for the first
        organisation of a jurisdiction, ``applicant-<code body>@<home>.demo`` for others)."""
        found = db.session.scalar(select(User).where(User.organisation_id == self.organisation.id,
                                                     User.role == APPLICANT).order_by(User.id))
        if found is not None:
            return found
        spec = _spec(self.space.name)
        login = f"applicant-{spec.org_body.lower()}@{spec.home}.demo"
        _ensure_user(self.report, login, f"{self.organisation.name}（演示）", APPLICANT, spec.home,
                     organisation=self.organisation)
        db.session.flush()
        return db.session.scalar(select(User).where(User.login == login))

    def recommender(self) -> User:
        """A recommender (推荐单位) whose area covers the space: the jurisdiction's demo
        recommender, or one for the space's own 县区 (``recommender-<region>@<code>.demo``)."""
        for user in db.session.scalars(select(User).where(User.role == RECOMMENDER).order_by(User.id)):
            if self.code in user.jurisdiction_codes and self.space.region.startswith(user.region_prefix or ""):
                return user
        login = f"recommender-{self.space.region}@{self.code}.demo"
        district = DISTRICT_NAMES.get(self.space.region, f"{self.juris.name}所辖县区")
        _ensure_user(self.report, login, f"{district}科技部门（演示）", RECOMMENDER, self.code,
                     region_prefix=self.space.region)
        db.session.flush()
        return db.session.scalar(select(User).where(User.login == login))

    def next_day(self) -> date:
        self.day = min(self.day + STEP_GAP, self.today)
        return self.day

    # -- the story -------------------------------------------------------------------------
    def run(self) -> None:
        from core.review import moves, steps, workflow

        target = self.spec.status
        self.draft()
        self.materials(partial=target == "draft")
        if target == "draft":
            return
        self.submit()
        if target == "withdrawn":
            workflow.act(self.app, "withdraw", self.applicant(), today=self.next_day())
            return
        while self.app.status in moves.ACTIVE:  # until the step where the demo state is reached
            step = steps.step_of(self.app)
            if target == "submitted" or step is None:
                return
            if target == "returned" and DEMO_REASONS["returned"][0] in workflow.allowed_actions(
                    self.app, self.user(step.role), today=self.day):
                self.decide_with_reason("returned", step)
                return
            if target == "in_review" and step.kind == "expert_review":
                self.expert_review(conclude=False)
                return
            if target == "rejected" and step.kind == "decision":
                self.decide_with_reason("rejected", step)
                return
            self.advance(step)

    def draft(self) -> None:
        from core.intake.spaces import space_facts

        applicant = self.applicant()
        app = Application(jurisdiction=self.code, category=self.spec.category, space=self.space,
                          organisation=self.organisation, status="draft", facts=space_facts(self.space),
                          form_data={})
        db.session.add(app)
        db.session.flush()
        audit.record("application.created", app, actor=applicant, from_state=None, to_state="draft:-")
        db.session.commit()
        self.app = app
        self.report.added["applications"] += 1

    def materials(self, *, partial: bool) -> None:
        """Each required material as a real PDF (a draft: only the first, still to finish)."""
        from core.platform import uploads
        from core.intake.materials import materials_of

        applicant = self.applicant()
        wanted = [m for m in materials_of(self.app) if m.required]
        for material in wanted[:1] if partial else wanted:
            upload = FileStorage(io.BytesIO(demo_pdf(material.name)), filename=f"{material.name}.pdf",
                                 content_type="application/pdf")
            saved = uploads.save(upload, key=material.code, actor=applicant, application_id=self.app.id,
                                 material=material.code)
            audit.record("application.material_uploaded", self.app, actor=applicant, from_state="draft",
                         to_state="draft", material=material.code, material_name=material.name,
                         file=saved.original_name, sha256=saved.sha256, size=saved.size, replaced=[])
            db.session.commit()

    def submit(self) -> None:
        from core.review import workflow

        _ensure_call(self.code, self.juris, self.report, self.day)
        workflow.act(self.app, "submit", self.applicant(), today=self.day)

    def decide_with_reason(self, status: str, step) -> None:
        from core.review import decisions
        from core.review import workflow

        action, reason = DEMO_REASONS[status]
        actor = self.user(step.role)
        day = self.next_day()
        if step.kind == "decision" and step.role == LEADER and self.app.batch_id is not None:
            decisions.decide(db.session.get(Batch, self.app.batch_id), actor, meeting_on=day.isoformat(),
                           minutes_ref=f"{day.year}年局务会纪要第{day.month}期（演示）",
                           choices={self.app.id: (action, reason)}, today=day)
        else:
            workflow.act(self.app, action, actor, opinion=reason, today=day)

    def advance(self, step) -> None:
        from core.award import titles as awards
        from core.review import decisions
        from core.review import meetings, workflow

        day = self.next_day()
        if step.kind == "expert_review":
            self.expert_review(conclude=True)
        elif step.kind == "decision" and step.role == LEADER and self.app.batch_id is not None:
            decisions.decide(db.session.get(Batch, self.app.batch_id), self.user(LEADER), meeting_on=day.isoformat(),
                           minutes_ref=f"{day.year}年局务会纪要第{day.month}期（演示）",
                           choices={self.app.id: ("approve", OPINION)}, today=day)
        elif step.kind == "public_notice":
            self.notice()
        elif step.kind == "award":
            granted = date.fromisoformat(self.spec.granted_on) if self.spec.granted_on else day
            awards.grant(self.app, self.user(OFFICER), max(granted, self.day))
            self.report.added["recognitions"] += 1
        else:  # recommendation, initial review, a decision by an officer
            detail = {}
            if meetings.meeting_requirement(self.code, step) is not None:
                detail = {"meeting_on": day.isoformat(), "minutes_ref": f"{day.year}年局务会纪要第{day.month}期（演示）"}
            opinion = RECOMMEND if step.kind in ("recommendation", "initial_review") else OPINION
            workflow.act(self.app, "approve", self.user(step.role), opinion=opinion, today=day, detail=detail)

    def expert_review(self, *, conclude: bool) -> None:
        """A batch of its own, the jurisdiction's demo expert assigned; he declares no
        conflict and (when the review is to end) fills the score sheet, then the officer
        concludes the review."""
        from core.review import batches, experts
        from core.review.score_sheet import review_dimensions

        officer, expert = self.user(OFFICER), self.user(EXPERT)
        batch = batches.create_batch(self.code, f"{self.day.year}年众创空间认定评审·{self.space.name}（演示）",
                                     officer)
        batches.add_application(batch, self.app.id, officer)
        batches.assign_expert(batch, expert.id, officer)
        if not conclude:
            return  # the expert has the declaration and the score sheet to do
        experts.declare(batch, expert, conflict=False)
        sheet, _ = review_dimensions(self.code)
        experts.score(batch, self.app.id, expert, {d.name: f"{d.max * 0.85:g}" for d in sheet}, SITE_VISIT)
        experts.conclude(batch, officer, today=self.next_day())

    def notice(self) -> None:
        """The public notice (公示): published by the officer; for the application still
        under notice today an open objection (with its receipt number); for a recognised
        one an objection dismissed with reasons, and the notice closed after its period."""
        from core.notice import publication as public_notice

        officer = self.user(OFFICER)
        recognised = self.spec.status == "recognised"
        day = self.day if recognised else self.today
        if bureau_data.bureau_setting(self.code, bureau_data.NOTICE_DAYS) is None:
            try:
                public_notice.notice_period_for(self.code, day, policy=_policy_of(self.app))
            except Exception:  # the policy sets no period: the bureau sets one (as on its settings page)
                bureau_operations.set_bureau_setting(self.code, bureau_data.NOTICE_DAYS, NOTICE_DAYS_DEMO,
                                                     actor=officer, note="（演示）政策未规定公示期，本局设定")
        notice = public_notice.publish([self.app], officer, day, f"{self.juris.name}众创空间认定结果公示（演示）",
                                       f"{self.juris.authority}（演示）0000-00000000")
        self.report.added["notices"] += 1
        objection = public_notice.file_objection(
            notice, name="（演示）异议人", contact="13800000000",
            content="（演示）该空间上年度服务活动场次与申报不符。", application_id=self.app.id,
            today=notice.first_day, client_address=f"demo-{self.app.id}")
        if not recognised:
            return
        public_notice.resolve_objection(objection, "dismissed", "（演示）经核实，服务活动台账与申报一致，异议不成立。",
                                        officer, today=notice.first_day)
        self.day = notice.last_day + timedelta(days=1)
        public_notice.close(notice, officer, self.day)


def _policy_of(application: Application):
    from core.review import steps

    return steps.policy_of(application)


# --- the years after recognition: annual statistics -------------------------------------

# The demo's returns: (space, jurisdiction) → what happened to the return of the year before
# last (``"earlier"``) and of last year (``"last"``).  Every state of the feature is shown:
# two years of returns accepted (翠湖, 昆明), a year not filed with a special reason recorded
# and a late filer (红塔, 云南), a return sent back for correction (泉山, 徐州), a draft with
# days left (湖泉, 弥勒, whose title dates from last year).
STATISTICS_PLAN = {
    "kunming": ("翠湖云创空间", {"earlier": "accepted", "last": "accepted"}),
    "yunnan": ("红塔创新谷", {"earlier": "excused", "last": "late"}),
    "xuzhou": ("泉山创客空间", {"earlier": "accepted", "last": "returned"}),
    "mile": ("湖泉众创空间", {"last": "draft"}),
}
STATISTICS_EXCUSE = "当年5月至8月场地整体改造、暂停运营，经州（市）科技局核实（演示）"
STATISTICS_RETURN_REASON = "投融资总额与所附凭证合计不符，请核对后重新填报（演示）"


def demo_figures(space: Space, year: int) -> dict:
    """Plausible figures of a return, different per space and year, passing every check."""
    seed = space.id * 7 + (year % 100)
    teams, startups = 8 + seed % 9, 12 + seed % 11
    income = 2400 + 37 * (seed % 13)
    return {
        "area_m2": space.facts.get("total_area_m2", 1000), "workstations": space.facts.get("workstations", 80),
        "service_staff": space.facts.get("management_staff", 6), "mentors": space.facts.get("mentors", 5),
        "teams_served": teams, "team_members": teams * 3, "startups_served": startups,
        "startup_jobs": startups * 6, "new_enterprises": 3 + seed % 4, "financed": 2, "financing_total": 1850.5,
        "events": 24 + seed % 10, "trainings": 10, "investment_events": 4,
        "income_total": income, "income_services": income // 3, "income_rent": income // 4,
        "income_investment": 120, "income_subsidies": 300, "operating_cost": income - 200,
        "ip_valid": 18 + seed % 7, "invention_patents": 2, "graduated": 2, "listed": 0,
    }


def _ensure_statistics(report: DemoReport) -> None:
    """Filing windows and returns, made through the operations an officer and an applicant
    use (core.monitoring.windows and .returns), each on the day it would have happened."""
    returns, windows = statistics_returns, statistics_windows
    today = clock.today()
    last, earlier = today.year - 1, today.year - 2
    codes = enabled()
    for code, (space_name, plan) in STATISTICS_PLAN.items():
        space = db.session.scalar(select(Space).where(Space.name == space_name))
        if code not in codes or space is None:
            continue
        officer = db.session.scalar(select(User).where(User.login == demo_login(OFFICER, code)))
        applicant = db.session.scalar(select(User).where(User.organisation_id == space.organisation_id,
                                                         User.role == APPLICANT).order_by(User.id))
        for which, year in (("earlier", earlier), ("last", last)):
            outcome = plan.get(which)
            if outcome is None or windows.window(code, year) is not None:
                continue
            if which == "earlier":  # a whole season in the year after: opened, filed, closed
                opens_on, deadline = date(year + 1, 1, 5), date(year + 1, 3, 31)
            elif outcome == "draft":  # a bureau that opened late: days still left
                opens_on, deadline = max(date(year + 1, 1, 1), today - timedelta(days=14)), today + timedelta(days=28)
            else:  # the deadline has passed and the bureau has not closed the filing yet
                opens_on, usual = date(year + 1, 1, 5), date(year + 1, 3, 31)
                opens_on = min(opens_on, today)
                deadline = usual if usual < today else max(opens_on, today - timedelta(days=20))
            with clock.on(opens_on):
                windows.open_window(code, year, opens_on, deadline, officer, "请于截止日期前在“年度统计”中填报（演示）")
            report.added["statistics_windows"] += 1
            if outcome in ("accepted", "returned", "draft"):
                filed_on = min(opens_on + timedelta(days=20), today)
                with clock.on(filed_on):
                    if outcome == "draft":
                        figures = {k: v for k, v in demo_figures(space, year).items() if k.startswith(("area", "work", "serv", "ment"))}
                        returns.save_draft(space, year, figures, {}, applicant)
                    else:
                        found = returns.submit(space, year, demo_figures(space, year), {}, applicant)
                        checker = officer
                        if outcome == "accepted":
                            returns.accept(found, checker)
                        else:
                            returns.send_back(found, STATISTICS_RETURN_REASON, checker)
                report.added["statistics_returns"] += 1
            if which == "earlier":
                with clock.on(deadline + timedelta(days=15)):
                    window = windows.window(code, year)
                    windows.close_window(window, officer)
                    if outcome == "excused":
                        miss = db.session.scalar(select(StatisticsMiss).where(
                            StatisticsMiss.jurisdiction == code, StatisticsMiss.year == year))
                        windows.excuse(miss, STATISTICS_EXCUSE, officer)
            elif code == "kunming" and deadline < today:  # all accepted: the bureau closed it
                with clock.on(deadline + timedelta(days=1)):
                    windows.close_window(windows.window(code, year), officer)


# --- the years after recognition: change reports (云科规〔2021〕1号 认定与管理) ------------


def _ensure_change_reports(report: DemoReport) -> None:
    """红塔创新谷 (云南): a change of its area the bureau found and the space never reported,
    overdue (3 months after the change); and a change of its location reported in time, checked
    and forwarded by the 州（市） bureau (the demo recommender of 玉溪), awaiting the province."""
    if "yunnan" not in enabled():
        return
    space = db.session.scalar(select(Space).where(Space.name == "红塔创新谷"))
    title = db.session.scalar(select(Recognition).where(Recognition.space_id == space.id,
                                                        Recognition.jurisdiction == "yunnan")) if space else None
    if title is None or db.session.scalar(select(ChangeReport.id).where(ChangeReport.recognition_id == title.id)):
        return
    # inside 云科规〔2021〕1号's period: a change made after it lapsed has no period to report in
    today = min(clock.today(), YUNNAN_LAST_DAY)
    officer = db.session.scalar(select(User).where(User.login == demo_login(OFFICER, "yunnan")))
    with clock.on(today - timedelta(days=20)):
        change_reports.record_found(officer, title, "area", today - timedelta(days=150),
                                    "年度检查发现：空间已退租二层部分场地，使用面积减少约300平方米，未报告（演示）")
    applicant = db.session.scalar(select(User).where(User.organisation_id == space.organisation_id,
                                                     User.role == APPLICANT).order_by(User.id))
    evidence = FileStorage(io.BytesIO(demo_pdf("新场地租赁合同")), filename="新场地租赁合同.pdf",
                           content_type="application/pdf")
    with clock.on(today - timedelta(days=30)):
        reported = change_reports.file_change(applicant, title.id, "location", today - timedelta(days=45),
                                              "众创空间整体迁至红塔区玉兴路18号，面积不变（演示）", evidence)
    recommender = next(u for u in db.session.scalars(select(User).where(User.role == RECOMMENDER))
                       if "yunnan" in u.jurisdiction_codes and space.region.startswith(u.region_prefix or "-"))
    with clock.on(today - timedelta(days=25)):
        change_reports.act(recommender, reported, "forward", "经实地核查，新场地符合认定条件（演示）")
    report.added["change_reports"] += 2


def _ensure_overdue_change_duty(report: DemoReport) -> None:
    """湖泉众创空间 (弥勒): a change of its operator the bureau found, not reported within the period
    the 弥勒 bureau set (5号 sets none: 本局设定, 3 months) — an overdue duty on a title whose
    standing stays 正常, for no document attaches a consequence to a late report (CONTRACTS §6)."""
    if "mile" not in enabled():
        return
    title = db.session.scalar(select(Recognition).join(Space, Space.id == Recognition.space_id).where(
        Space.name == "湖泉众创空间", Recognition.jurisdiction == "mile"))
    if title is None or db.session.scalar(select(ChangeReport.id).where(ChangeReport.recognition_id == title.id)):
        return
    today = clock.today()
    officer = _demo_user(OFFICER, "mile")
    if bureau_data.bureau_setting("mile", bureau_data.CHANGE_REPORT_MONTHS) is None:
        bureau_operations.set_bureau_setting("mile", bureau_data.CHANGE_REPORT_MONTHS, 3,
                                             document=DEMO_SETTING_DOCUMENTS["mile"], note="演示数据：本局设定",
                                             actor=officer)
    changed_on = max(title.granted_on, today - timedelta(days=130))
    with clock.on(today - timedelta(days=5)):
        change_reports.record_found(officer, title, "operator", changed_on,
                                    "核查发现：运营主体已由弥勒湖泉科技有限公司变更为其全资子公司，未报告（演示）")
    report.added["change_reports"] += 1


# --- the years after recognition: annual assessments (issue 17, docs/assessment.md) --------

#: the bureaus' settings for the demo: their own, not the policies' (弥政办发〔2017〕5号 第十五条 and
#: 昆科发〔2017〕55号 第十八条 set no weights, no grade bands, no amount)
DEMO_BANDS = [{"grade": "excellent", "min_total": 90}, {"grade": "good", "min_total": 80},
              {"grade": "qualified", "min_total": 60}]
DEMO_ASSESSMENT_SETTINGS = {
    "mile": {"assessment_weights": {"carrying_capacity": 40, "service_capacity": 40, "collaboration_capacity": 20},
             "assessment_bands": DEMO_BANDS, "assessment_subsidy_cny": 50_000},
    "kunming": {"assessment_weights": {"agglomeration": 25, "service": 25, "financing": 25, "incubation_results": 25},
                "assessment_bands": DEMO_BANDS},
}
DEMO_SETTING_DOCUMENTS = {"mile": "弥农科发〔演示〕1号", "kunming": "昆科通〔演示〕1号"}
#: the scores by jurisdiction, years back and space, for the rounds scored, approved and published:
#: 东风韵 fails both years (弥勒 第十五条: due for revocation), 可邑 only the last (限期整改); 翠湖 fails
#: the year before last (昆明 第十八条: 限期整改, which its demo then fails)
DEMO_SCORES = {
    "mile": {2: {"东风韵创意工场": 52, "可邑青创空间": 84},
             1: {"东风韵创意工场": 48, "可邑青创空间": 57, "湖泉众创空间": 91}},
    "kunming": {2: {"翠湖云创空间": 50}},
}
DEMO_AGENCY = "徐州市科技创新评估中心（演示）"


def _demo_user(role: str, code: str) -> User:
    return db.session.scalar(select(User).where(User.login == demo_login(role, code)))


def _demo_round(code: str, year: int) -> int | None:
    return db.session.scalar(select(AssessmentRound.id).where(AssessmentRound.jurisdiction == code,
                                                              AssessmentRound.year == year))


def _ensure_assessments(report: DemoReport) -> None:
    """Through core.monitoring.assessments, each on its day: 弥勒's rounds of the year before
    last and of last year, and 昆明's of the year before last, scored, approved and published;
    昆明's of last year opened, awaiting its scorers; 徐州's of last year an agency's report with
    优秀, approved (the 20 万 of 五（一））."""
    today, codes = clock.today(), enabled()
    added = 0
    for code, plans in DEMO_SCORES.items():
        if code not in codes:
            continue
        officer, leader, expert = (_demo_user(r, code) for r in (OFFICER, LEADER, EXPERT))
        for key, value in DEMO_ASSESSMENT_SETTINGS[code].items():
            if bureau_data.bureau_setting(code, key) is None:
                bureau_operations.set_bureau_setting(code, key, value, document=DEMO_SETTING_DOCUMENTS[code],
                                                     note="演示数据：本局设定", actor=officer)
        weights = DEMO_ASSESSMENT_SETTINGS[code]["assessment_weights"]
        for back, plan in plans.items():
            year = today.year - back
            if _demo_round(code, year):
                continue
            with clock.on(date(year + 1, 1, 15)):
                rnd = annual_assessments.open_round(code, year, officer, "请各众创空间配合年度考核（演示）")
                annual_assessments.assign_scorer(rnd, expert.id, officer)
                annual_assessments.declare(rnd, expert, conflict=False)
            with clock.on(date(year + 1, 2, 10)):
                for a in sorted(rnd.assessments, key=lambda a: a.id):
                    value = str(plan.get(a.recognition.space.name, 75))
                    annual_assessments.score(rnd, a.id, expert, dict.fromkeys(weights, value),
                                             "（演示）按实地考核情况评分")
                annual_assessments.submit(rnd, officer)
            with clock.on(date(year + 1, 3, 1)):
                annual_assessments.approve(rnd, leader, "（演示）经局务会研究，同意考核结果")
                annual_assessments.publish(rnd, officer)
            added += 1
    year = today.year - 1
    if "kunming" in codes and not _demo_round("kunming", year):
        with clock.on(min(today, date(year + 1, 11, 20))):
            annual_assessments.open_round("kunming", year, _demo_user(OFFICER, "kunming"), "（演示）年度绩效考核")
        added += 1
    if "xuzhou" in codes and not _demo_round("xuzhou", year):
        officer = _demo_user(OFFICER, "xuzhou")
        report_file = FileStorage(io.BytesIO(demo_pdf("众创空间评价考核报告")), filename="评价考核报告.pdf",
                                  content_type="application/pdf")
        with clock.on(min(today, date(year + 1, 4, 1))):
            rnd = annual_assessments.open_round("xuzhou", year, officer, "（演示）委托社会机构评价考核")
            grades = {f"grade-{a.id}": "excellent" for a in rnd.assessments}
            annual_assessments.record_agency(rnd, officer, DEMO_AGENCY, grades, report_file)
            annual_assessments.submit(rnd, officer)
            annual_assessments.approve(rnd, _demo_user(LEADER, "xuzhou"), "（演示）同意评价结果")
        added += 1
    if added:
        report.added["assessment_rounds"] = report.added.get("assessment_rounds", 0) + added
# --- the years after recognition (2): rectification and revocation (issue 17) -----------------

# The 云南 title revoked for fraud (in APPLICATIONS): its own space's, so the other demos' titles stay live.
REVOKED_SPACE = "碧鸡关科创空间"
# 云科规〔2021〕1号 is in force through 2026-04-03 (附则): the 云南 demo acts inside it, as the bureau did,
# since a lapsed policy names no ground (core.monitoring.grounds)
YUNNAN_LAST_DAY = date(2026, 4, 3)


def _demo_evidence(name: str) -> FileStorage:
    return FileStorage(io.BytesIO(demo_pdf(name)), filename=f"{name}.pdf", content_type="application/pdf")


def _demo_unqualified(title: Recognition, year: int) -> Assessment | None:
    """The approved unqualified assessment of ``year`` a rectification rests on (the assessment
    demo's), or None."""
    found = db.session.scalar(select(Assessment).join(AssessmentRound, AssessmentRound.id == Assessment.round_id)
                              .where(Assessment.recognition_id == title.id, Assessment.year == year,
                                     AssessmentRound.status.in_(("approved", "published"))))
    return found if found is not None and found.grade == "unqualified" else None


def _ensure_rectification_and_revocation(report: DemoReport) -> None:
    """Through the operations officers, leaders and applicants use (core.monitoring.findings,
    rectifications, revocations), each on its day:

    - 红塔创新谷 (云南): 无法正常运营 found, 限期一年整改 (动态考核评价), reported, passed — the title stands;
    - 可邑青创空间 (弥勒), unqualified last year: 限期整改 running with its report and a statement;
    - 翠湖云创空间 (昆明): the year before last unqualified, the rectification failed (no report by the deadline),
      revocation proposed under 第十八条 — awaiting the leader;
    - 碧鸡关科创空间 (云南, titled 2022): 弄虚作假 found, revocation proposed and decided by the leader —
      revoked with the 2-year ban (认定与管理 “管理”), its certificate printed 已撤销.
    A second load adds nothing (each part is skipped when its title already has its record)."""
    today = clock.today()
    codes = enabled()

    def title_of(space_name: str, code: str) -> Recognition | None:
        return db.session.scalar(select(Recognition).join(Space, Space.id == Recognition.space_id).where(
            Space.name == space_name, Recognition.jurisdiction == code)) if code in codes else None

    def staff(role: str, code: str) -> User:
        return db.session.scalar(select(User).where(User.login == demo_login(role, code)))

    def applicant_of(title: Recognition) -> User:
        return db.session.scalar(select(User).where(User.organisation_id == title.space.organisation_id,
                                                    User.role == APPLICANT).order_by(User.id))

    def untouched(title: Recognition | None) -> bool:
        return title is not None and db.session.scalar(
            select(Rectification.id).where(Rectification.recognition_id == title.id)) is None \
            and db.session.scalar(select(Revocation.id).where(Revocation.recognition_id == title.id)) is None

    hongta = title_of("红塔创新谷", "yunnan")
    begun = min(today, YUNNAN_LAST_DAY) - timedelta(days=300)
    if untouched(hongta) and begun > hongta.granted_on:
        officer = staff(OFFICER, "yunnan")
        with clock.on(begun):
            found = findings.record(officer, hongta, "cannot_operate", begun,
                                    "实地检查：二层孵化区停用三个月，服务活动中断（演示）", "年度实地检查")
            rect = rectifications.order(officer, hongta, "cannot_operate", "恢复孵化区运营，补齐专职服务人员（演示）",
                                        finding_id=found.id)
        with clock.on(begun + timedelta(days=200)):
            rectifications.file_report(applicant_of(hongta), rect, "孵化区已恢复运营，新聘专职服务人员3名（演示）",
                                       _demo_evidence("整改情况报告"))
        with clock.on(begun + timedelta(days=210)):
            rectifications.judge(officer, rect, "passed", "经实地复查，已恢复正常运营，整改合格（演示）")
        report.added["rectifications"] += 1

    # 弥勒: 可邑青创空间, unqualified last year (the assessment demo)
    running = title_of("可邑青创空间", "mile")
    assessed = _demo_unqualified(running, today.year - 1) if untouched(running) else None
    if assessed is not None:
        officer = staff(OFFICER, "mile")
        with clock.on(today - timedelta(days=40)):
            rect = rectifications.order(officer, running, "assessment", "完善创业导师队伍，增加服务活动场次（演示）",
                                        assessment_id=assessed.id, deadline=today + timedelta(days=60))
        with clock.on(today - timedelta(days=10)):
            rectifications.file_report(applicant_of(running), rect, "已新聘创业导师4名，本季度举办活动6场（演示）",
                                       _demo_evidence("整改报告"))
            rectifications.file_statement(applicant_of(running), rect, "考核期间运营团队调整，现已稳定（演示）")
        report.added["rectifications"] += 1

    # 昆明: the year before last (last year's round may still be being scored)
    cuihu = title_of("翠湖云创空间", "kunming")
    assessed = _demo_unqualified(cuihu, today.year - 2) if untouched(cuihu) and \
        cuihu.granted_on.year <= today.year - 2 else None
    if assessed is not None:
        officer = staff(OFFICER, "kunming")
        with clock.on(today - timedelta(days=120)):
            rect = rectifications.order(officer, cuihu, "assessment", "提高融资服务能力，完善孵化成果统计（演示）",
                                        assessment_id=assessed.id, deadline=today - timedelta(days=30))
        with clock.on(today - timedelta(days=25)):
            rectifications.judge(officer, rect, "failed", "整改期限届满未提交整改报告，整改不合格（演示）")
        with clock.on(today - timedelta(days=20)):
            revocations.propose(cuihu, ["rectification"], None, "考核不合格，限期整改不合格，提请撤销称号（演示）", officer)
        report.added["rectifications"] += 1
        report.added["revocations"] += 1

    bijiguan = title_of(REVOKED_SPACE, "yunnan")
    if untouched(bijiguan):
        officer, leader = staff(OFFICER, "yunnan"), staff(LEADER, "yunnan")
        meeting = min(today, YUNNAN_LAST_DAY) - timedelta(days=20)
        with clock.on(meeting - timedelta(days=15)):
            findings.record(officer, bijiguan, "fraud", meeting - timedelta(days=17),
                            "复核发现申报材料中3份入驻协议系伪造（演示）", "省科技厅复核",
                            _demo_evidence("复核情况说明"))
            proposed = revocations.propose(bijiguan, ["fraud"], None,
                                           "申报材料存在造假行为，经查实，提请撤销省级众创空间称号（演示）", officer)
        with clock.on(meeting):
            revocations.decide(proposed, leader, "revoke", meeting_on=meeting.isoformat(),
                               minutes_ref="云科党组会纪要〔演示〕1号", opinion="同意撤销（演示）")
        report.added["revocations"] += 1


def _entitlement(space_name: str, code: str, rule: str) -> SubsidyEntitlement | None:
    return db.session.scalar(select(SubsidyEntitlement).join(Space, Space.id == SubsidyEntitlement.space_id).where(
        Space.name == space_name, SubsidyEntitlement.jurisdiction == code, SubsidyEntitlement.rule_code == rule)
        .order_by(SubsidyEntitlement.id))


def _ensure_money(report: DemoReport) -> None:
    """Money after the award (issue 18), through the operations bureaus use (core.money), so every
    state is there to see:

    - 金碧创想空间 holds a 昆明 title (第十三条 建设引导资金 10 万元) and a 云南 title (云政办发〔2016〕65号 (九)
      房租、宽带等补助, no amount): the pair is flagged under (十五); 昆明's leader approves the 10 万元 with a
      written justification, against 昆明's fund of the year (本局设定 amount: no document sets one up);
      云南's stays pending, flagged;
    - 泉山创客空间 (徐州): the 徐州 bureau records its 江苏省 省级 title won elsewhere (the demo's document
      number and evidence), which makes 五（一）'s 40 万元 owed: approved and paid against 徐州's fund of the
      year (2000 万元, 五（一）); its own 市级 award's 30 万元 approved, awaiting payment; the running subsidy
      without an amount cancelled with the bureau's reason — the fund shows committed, paid and remaining;
    - 湖泉众创空间 (弥勒): its 红河州 州级 title recorded, which makes 二（四）'s 争取项目资金扶持 owed.
    Each part is skipped when its records exist (a second load adds nothing)."""
    today = clock.today()
    codes = enabled()
    # every action on a day of this year, so each approval is charged to this year's fund
    approve_day = max(date(today.year, 1, 1), today - timedelta(days=20))
    pay_day = max(approve_day, today - timedelta(days=6))

    def staff(role: str, code: str) -> User:
        return db.session.scalar(select(User).where(User.login == demo_login(role, code)))

    def fund(code: str, amount: int | None, note: str) -> None:
        if funds.fund_for(code, approve_day.year) is None:
            with clock.on(approve_day):
                funds.open_fund(code, approve_day.year, staff(OFFICER, code), amount=amount, note=note)
            report.added["funds"] += 1

    if {"kunming", "yunnan"} <= set(codes):
        guidance = _entitlement("金碧创想空间", "kunming", "kunming.guidance_fund")
        if guidance is not None and guidance.status == "pending":
            fund("kunming", 2_000_000, "市科技局年度众创空间引导资金预算（演示；文件未设立资金，金额为本局设定）")
            with clock.on(approve_day):
                lifecycle.approve(guidance, staff(LEADER, "kunming"), justification=(
                    "省级补助用于房租和宽带网络等日常运行，市级引导资金用于新建路演厅和共享实验室，用途不同，"
                    "不属于重复支持（演示）"))
            report.added["money_steps"] += 1

    quanshan = db.session.scalar(select(Space).where(Space.name == "泉山创客空间"))
    if "xuzhou" in codes and quanshan is not None and db.session.scalar(
            select(ExternalTitle.id).where(ExternalTitle.space_id == quanshan.id)) is None:
        officer, leader = staff(OFFICER, "xuzhou"), staff(LEADER, "xuzhou")
        with clock.on(approve_day - timedelta(days=5)):
            recorded = external_titles.record(officer, quanshan, "xuzhou", "provincial", "江苏省科学技术厅",
                                              "江苏省省级众创空间", "苏科高发〔演示〕18号", date(2018, 12, 20),
                                              _demo_evidence("江苏省省级众创空间认定文件"))
        report.added["external_titles"] += 1
        fund("xuzhou", None, "2026 年度预算按 五（一） 所定 2000 万元登记（演示）")
        provincial = next(e for e in recorded.entitlements if e.rule_code == "xuzhou.award_provincial")
        with clock.on(approve_day):
            lifecycle.approve(provincial, leader)
            own = _entitlement("泉山创客空间", "xuzhou", "xuzhou.award_municipal")
            if own is not None and own.status == "pending":
                lifecycle.approve(own, leader)
            running = _entitlement("泉山创客空间", "xuzhou", "xuzhou.operating_subsidy")
            if running is not None and running.status == "pending":
                lifecycle.cancel(running, officer, "本年度运行补助已并入泉山区配套奖补资金统一安排（演示）")
        with clock.on(pay_day):
            lifecycle.pay(provincial, officer, voucher_number="徐财拨〔演示〕0001号", paid_on=pay_day,
                          paid_amount=provincial.approved_amount_cny, paying_body="徐州市财政局")
        report.added["money_steps"] += 4

    huquan = db.session.scalar(select(Space).where(Space.name == "湖泉众创空间"))
    if "mile" in codes and huquan is not None and db.session.scalar(
            select(ExternalTitle.id).where(ExternalTitle.space_id == huquan.id)) is None:
        with clock.on(approve_day - timedelta(days=3)):
            external_titles.record(staff(OFFICER, "mile"), huquan, "mile", "municipal", "红河州科学技术局",
                                   "红河州州级众创空间", "红科发〔演示〕7号", date(2026, 5, 8),
                                   _demo_evidence("红河州州级众创空间认定文件"))
        report.added["external_titles"] += 1



def _ensure_reaching_people(report: DemoReport) -> None:
    """Issue 19, through the same operations as the pages and the daily task: every act above has
    already reached the inboxes (and the outbox, held: the demo has no mail server).  Here the 昆明
    officer has read his three oldest notifications (read and unread side by side), the day's
    reminders are given (once a day: a second run gives none), and the 徐州 officer has a finished
    money workbook in 我的下载 (made by the queue when the command ends)."""
    from core.money import export as money_export
    from core.notify import inbox, reminders
    from core.platform import downloads

    officer = _demo_user(OFFICER, "kunming")
    if officer is not None and not db.session.scalar(select(Notification.id).where(
            Notification.user_id == officer.id, Notification.read_at.is_not(None)).limit(1)):
        for notification_id in db.session.scalars(select(Notification.id).where(Notification.user_id == officer.id)
                                                  .order_by(Notification.id).limit(3)).all():
            inbox.mark_read(officer, notification_id)
            report.added["notifications_read"] += 1
    report.added["reminders"] += reminders.send(clock.today())
    xuzhou = _demo_user(OFFICER, "xuzhou")
    if xuzhou is not None and not db.session.scalar(select(Download.id).where(Download.user_id == xuzhou.id).limit(1)):
        row = downloads.request(xuzhou, money_export.DOWNLOAD_KIND, "补助资金（演示）", {})
        audit.record("download.requested", row, actor=xuzhou, kind=row.kind, filters={})
        report.added["downloads"] += 1
    db.session.commit()


# --- issue 22 draw: a batch whose experts were drawn, and a replacement after a declared conflict ---

# 弥勒's pool beside its demo expert: one works for 佛城创客汇's organisation (kept away, 同单位回避).
DEMO_POOL = (("pool1", "李晓岚（专家库·演示）", ["创业服务"]), ("pool2", "王振华（专家库·演示）", ["科技金融"]),
             ("pool3", "赵明远（专家库·演示）", ["创业服务", "科技金融"]), ("pool4", "陈思远（专家库·演示）", ["创业服务"]))


def _ensure_expert_draw(report: DemoReport) -> None:
    """Through core.review.draws: 弥勒's officer draws two experts for the open batch of 佛城创客汇 (its
    demo expert was assigned by hand); the first drawn declares a conflict and the system draws his
    replacement.  Once: a batch already drawn is left alone."""
    from core.platform.models import ExpertProfile
    from core.review import draws, expert_pool, experts

    if "mile" not in enabled():
        return
    officer = _demo_user(OFFICER, "mile")
    application = db.session.scalar(select(Application).join(Space, Space.id == Application.space_id)
                                    .where(Application.jurisdiction == "mile", Space.name == "佛城创客汇",
                                           Application.batch_id.is_not(None)))
    if officer is None or application is None:
        return
    for suffix, name, fields in DEMO_POOL:
        login = f"expert-{suffix}@mile.demo"
        _ensure_user(report, login, name, EXPERT, "mile")
        db.session.flush()
        user = db.session.scalar(select(User).where(User.login == login))
        if db.session.get(ExpertProfile, user.id) is None:  # kept in the pool as the officer keeps it
            colleague = suffix == "pool4"
            expert_pool.save_profile(
                user, officer, fields=fields, region="530102",
                organisation_name=application.organisation.name if colleague else "云南省科技创新研究院（演示）",
                organisation_uscc=application.organisation.uscc if colleague else None)
    db.session.commit()
    batch = db.session.get(Batch, application.batch_id)
    if batch.status != "open" or draws.draws_of(batch):
        return
    drawn = draws.draw(batch, 2, [], officer, today=clock.today())
    declarer = db.session.get(User, drawn.drawn[0])
    experts.declare(batch, declarer, conflict=True, note="本人曾为该众创空间运营单位提供有偿咨询（演示）")
    report.added["expert_draws"] = report.added.get("expert_draws", 0) + 1
# --- end issue 22 draw ---
