"""Demo data: users of every role, organisations, spaces and applications in every
state, for each enabled jurisdiction.

``load_demo()`` is idempotent: each row is looked up by its natural key (login,
统一社会信用代码, space name, space + jurisdiction + category) and only what is missing
is added, so running it twice adds nothing.  The facts of every demo space go
through ``core.facts.parse_facts`` like any other input.
"""
from __future__ import annotations

import copy
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import select
from werkzeug.security import generate_password_hash

from core import audit, settings
from core.extensions import db
from core.facts import make_uscc, parse_facts
from core.jurisdictions import enabled, registry
from core.models import (
    Application,
    Call,
    Organisation,
    Recognition,
    Resident,
    Space,
    User,
    UserScope,
)
from core.roles import ADMIN, APPLICANT, EXPERT, LEADER, OFFICER, RECOMMENDER, ROLE_LABELS

DEMO_PASSWORD = "zhongchuang-demo"  # 12+ characters, not in core/common-passwords.txt.gz
ADMIN_LOGIN = "admin@zhongchuang.demo"
JURISDICTION_ROLES = (APPLICANT, RECOMMENDER, OFFICER, EXPERT, LEADER)

# A recommender (推荐单位) is a district bureau: the area it recommends from.
RECOMMENDER_AREAS = {"mile": "532504", "kunming": "530112", "yunnan": "5304", "xuzhou": "320311"}


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
    granted_on: str | None = None  # recognised only
    certificate_number: str | None = None


APPLICATIONS = (
    DemoApplication("湖泉众创空间", "mile", "comprehensive", "recognised", "2025-04-10", "2025-07-01", "弥科众创〔2025〕01号"),
    DemoApplication("佛城创客汇", "mile", "specialized", "in_review", "2026-09-15"),
    DemoApplication("太平湖青年创业园", "mile", "comprehensive", "draft", None),
    DemoApplication("滇池创客空间", "kunming", "comprehensive_service", "submitted", "2026-10-20"),
    DemoApplication("翠湖云创空间", "kunming", "tech_support", "recognised", "2024-05-08", "2024-08-16", "昆科众创〔2024〕008号"),
    DemoApplication("大学城创新工场", "kunming", "comprehensive_service", "under_notice", "2026-08-03"),
    DemoApplication("碧鸡关科创空间", "kunming", "comprehensive_service", "returned", "2026-09-01"),
    DemoApplication("翠湖云创空间", "yunnan", "provincial", "in_review", "2026-03-20"),
    DemoApplication("红塔创新谷", "yunnan", "provincial", "recognised", "2023-05-15", "2023-09-20", "云科众创〔2023〕15号"),
    DemoApplication("麒麟众创工场", "yunnan", "provincial", "rejected", "2025-06-02"),
    DemoApplication("泉山创客空间", "xuzhou", "key", "recognised", "2017-04-12", "2017-07-28", "徐科众创〔2017〕3号"),
    DemoApplication("鼓楼创业天地", "xuzhou", "key", "withdrawn", "2026-05-06"),
    DemoApplication("铜山智造空间", "xuzhou", "key", "draft", None),
)

# Where the application stands in its jurisdiction's steps (a step kind of core.policy.STEP_KINDS).
STEP_KIND_OF_STATUS = {
    "submitted": None,  # untouched: at the first step
    "in_review": "expert_review",
    "returned": "initial_review",
    "rejected": "decision",
    "under_notice": "public_notice",
}
LEVEL_OF_JURISDICTION = {"county": "municipal", "city": "municipal", "province": "provincial"}


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
        "calls": 0,
    })
    logins: list[tuple[str, str, str]] = field(default_factory=list)  # (login, role label, jurisdiction)
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

    for spec in APPLICATIONS:
        if spec.jurisdiction in jurisdictions and spec.space in orgs:
            organisation, space = orgs[spec.space]
            _ensure_application(spec, organisation, space, jurisdictions[spec.jurisdiction], report)
    for code, juris in jurisdictions.items():
        _ensure_call(code, juris, report)

    if report.changed:
        audit.record("demo.load", object_type="demo", added=report.added)
    db.session.commit()
    return report


def _ensure_call(code: str, juris, report: DemoReport) -> None:
    """Where applications come only in answer to a call (``PolicyVersion.intake``), a
    call for the current year open today, so a new application can be submitted."""
    today = date.today()
    policy = settings.policy_in_force(code, today)
    if policy is None or policy.intake != "call":
        return
    title = f"{today.year}年度{juris.name}众创空间认定申报通知（演示）"
    if db.session.scalar(select(Call.id).where(Call.jurisdiction == code, Call.title == title)) is not None:
        return
    db.session.add(Call(jurisdiction=code, title=title, opens_on=date(today.year, 1, 1),
                        closes_on=date(today.year, 12, 31), categories=[c.code for c in policy.categories]))
    report.added["calls"] += 1


def _spec(space_name: str) -> DemoOrg:
    return next(o for o in ORGS if o.space_name == space_name)


def _ensure_org_and_space(spec: DemoOrg, report: DemoReport) -> tuple[Organisation, Space]:
    org = db.session.scalar(select(Organisation).where(Organisation.uscc == spec.uscc))
    if org is None:
        org = Organisation(
            name=spec.name, uscc=spec.uscc, entity_type="enterprise", registered_region=spec.region,
            address=spec.address, legal_representative="（演示）", contact_name="（演示）联系人",
            contact_phone="0871-00000000", contact_email=f"contact@{spec.org_body.lower()}.demo",
        )
        db.session.add(org)
        db.session.flush()
        report.added["organisations"] += 1
    space = db.session.scalar(
        select(Space).where(Space.organisation_id == org.id, Space.name == spec.space_name)
    )
    if space is None:
        facts = space_facts(spec)
        space = Space(
            organisation=org, name=spec.space_name, region=spec.region, address=spec.address,
            opened_on=date.fromisoformat(spec.opened_on), facts=facts,
        )
        for r in facts["residents"]:
            space.residents.append(Resident(
                name=r["name"], kind=r["kind"], qualifying_field=r["qualifying_field"],
                entered_on=date.fromisoformat(r["entered_on"]),
                established_on=date.fromisoformat(r["established_on"]) if r["established_on"] else None,
                registered_in_space=r["registered_in_space"], employees=5,
            ))
        db.session.add(space)
        db.session.flush()
        report.added["spaces"] += 1
        report.added["residents"] += len(facts["residents"])
    return org, space


def _ensure_user(report: DemoReport, login: str, name: str, role: str, jurisdiction: str | None,
                 organisation: Organisation | None = None) -> None:
    report.logins.append((login, str(ROLE_LABELS[role]), jurisdiction or "全部"))
    if db.session.scalar(select(User.id).where(User.login == login)) is not None:
        return
    user = User(login=login, name=name, role=role, organisation=organisation,
                region_prefix=RECOMMENDER_AREAS.get(jurisdiction) if role == RECOMMENDER else None)
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
    submitted = date.fromisoformat(spec.submitted_on) if spec.submitted_on else None
    reg = registry()
    # the version in force on the submission date, bureau-registered versions included
    day = submitted or date.today()
    policy = settings.policy_in_force(spec.jurisdiction, day) or settings.nearest_policy(spec.jurisdiction, day)
    app = Application(
        jurisdiction=spec.jurisdiction, category=spec.category, space=space, organisation=organisation,
        status=spec.status, submitted_on=submitted, facts=copy.deepcopy(space.facts),
        policy_document=policy.document if policy and submitted else None,
        current_step=_step_code(reg, spec, policy),
    )
    db.session.add(app)
    db.session.flush()
    report.added["applications"] += 1
    if spec.status == "recognised":
        title = policy.award_title if policy else f"{juris.name}众创空间"
        db.session.add(Recognition(
            application_id=app.id, space_id=space.id, jurisdiction=spec.jurisdiction,
            title=title.replace("xxx", space.name.removesuffix("众创空间")),
            certificate_number=spec.certificate_number, level=LEVEL_OF_JURISDICTION[juris.level],
            granted_on=date.fromisoformat(spec.granted_on),
        ))
        report.added["recognitions"] += 1
    if spec.status == "under_notice":
        _publish_notice(app, juris, report)
    if spec.status in DEMO_REASONS:
        _decide_with_reason(app, spec, juris)


# What the reviewer wrote when returning or rejecting a demo application, so that the
# applicant's status page shows a reason, as it would in real use.
DEMO_REASONS = {
    "returned": ("return", "（演示）请补充入驻企业的入驻协议复印件，并核实上年度服务活动场次后重新提交。"),
    "rejected": ("reject", "（演示）经专家评审，孵化服务能力未达到认定条件，不予通过。"),
}


def _decide_with_reason(app: Application, spec: DemoApplication, juris) -> None:
    """Return or reject ``app`` through ``core.workflow.act`` as the user whose role the
    step names, so that the review record (with its reason) and the audit event exist."""
    from core import workflow

    action, reason = DEMO_REASONS[spec.status]
    step = workflow.step_of(app)
    actor = step and db.session.scalar(select(User).where(User.login == demo_login(step.role, juris.code)))
    app.status = "submitted" if step and app.current_step == workflow.steps_of(app)[0].code else "in_review"
    try:
        if actor is None:
            raise workflow.WorkflowError(action, "no demo user for the step")
        workflow.act(app, action, actor, opinion=reason, commit=False)
    except workflow.WorkflowError:  # the step is not one that decides: the status alone
        app.status = spec.status


def _publish_notice(app: Application, juris, report: DemoReport) -> None:
    """The public notice (公示) an application under notice is listed on: published on
    the day the demo is loaded by the jurisdiction's demo officer, as in real use
    (``core.public_notice.publish``: the period from the policy or the bureau setting,
    the workflow's ``publish`` act, the audit events)."""
    from core import public_notice
    from core.workflow import WorkflowError

    officer = db.session.scalar(select(User).where(User.login == demo_login(OFFICER, juris.code)))
    app.status = "in_review"  # at the public-notice step; publish() puts it under notice
    try:
        public_notice.publish([app], officer, date.today(), f"{juris.name}众创空间认定结果公示（演示）",
                              f"{juris.authority}（演示）", commit=False)
    except WorkflowError:  # neither the policy nor the bureau sets a period: no notice
        app.status = "under_notice"
        return
    report.added["notices"] += 1


def _step_code(reg, spec: DemoApplication, policy) -> str | None:
    """The code of the jurisdiction's step matching the demo status, if it has one."""
    if spec.status not in STEP_KIND_OF_STATUS or policy is None:
        return None
    kind = STEP_KIND_OF_STATUS[spec.status]
    steps = reg.review_steps(spec.jurisdiction, spec.category, policy)
    return next((s.code for s in steps if s.kind == kind), steps[0].code if steps else None)
