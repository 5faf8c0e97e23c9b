"""Platform commands: plugins, create-user, demo.

Bad input prints one line on standard error naming the offending option and exits 2,
with nothing written to the database.
"""
from __future__ import annotations

import importlib
import json
import sys
import unicodedata

import click
from flask.cli import with_appcontext
from sqlalchemy import select

from core.platform import audit
from core.accounts import account_notices
from core.accounts import passwords, scope_roles
from core.platform.extensions import db
from core.facts import is_valid_uscc
from core.platform.jurisdictions import enabled_codes, registry
from core.platform.models import Organisation, User, UserScope
from core.accounts.roles import ADMIN, APPLICANT, ROLES



def fail(option: str, message: str) -> None:
    click.echo(f"{option}: {message}", err=True)
    sys.exit(2)


# --- plugins -------------------------------------------------------------------------


def plugins_report() -> dict:
    """Every installed jurisdiction with its policy versions, and the broken plugins."""
    reg = registry()
    on = set(enabled_codes())
    rows = []
    for code, j in reg.installed().items():
        rows.append({
            "code": code,
            "name": j.name,
            "level": j.level,
            "authority": j.authority,
            "parent": j.parent,
            "region_prefixes": list(j.region_prefixes),
            "installed": True,
            "enabled": code in on,
            "policies": [v.to_dict() for v in reg.policies(code)],
        })
    return {"jurisdictions": rows, "broken": dict(reg.broken)}


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _pad(text: str, width: int) -> str:
    return text + " " * (width - _width(text))


def format_table(rows: list[list[str]]) -> str:
    widths = [max(_width(r[i]) for r in rows) for i in range(len(rows[0]))]
    return "\n".join("  ".join(_pad(c, w) for c, w in zip(r, widths)).rstrip() for r in rows)


@click.command("plugins")
@click.option("--json", "as_json", is_flag=True, help="以 JSON 输出 / print JSON")
@with_appcontext
def plugins_command(as_json: bool) -> None:
    """列出已安装的辖区插件 / list installed jurisdiction plugins."""
    report = plugins_report()
    if as_json:
        click.echo(json.dumps(report, ensure_ascii=False, indent=2))
        return
    from core.policy import LEVEL_LABELS

    rows = [["代码", "名称", "级别", "认定机关", "上级", "区划代码前缀", "启用", "政策文件（有效期）"]]
    for j in report["jurisdictions"]:
        policies = "；".join(
            f"{p['document']}（{p['effective_from']} 至 {p['effective_to'] or '长期'}）" for p in j["policies"]
        ) or "（无）"
        rows.append([
            j["code"], j["name"], LEVEL_LABELS[j["level"]], j["authority"], j["parent"] or "—",
            ",".join(j["region_prefixes"]), "是" if j["enabled"] else "否", policies,
        ])
    click.echo(format_table(rows))
    if report["broken"]:
        click.echo("\n加载失败的插件：")
        for name, error in report["broken"].items():
            click.echo(f"  {name}: {error}")


# --- create-user ---------------------------------------------------------------------


@click.command("create-user")
@click.option("--login", default="", help="登录名（邮箱或手机号）")
@click.option("--name", default="", help="姓名")
@click.option("--role", default="", help="角色：" + " / ".join(ROLES))
@click.option("--jurisdiction", "jurisdictions", multiple=True,
              help="辖区代码（工作人员必填，可重复）；可写作 代码:角色[:地区代码前缀]，即在该辖区担任的角色，"
                   "如 yunnan:recommender:5301（留空为用户本身的角色）")
@click.option("--organisation-uscc", default=None, help="申报单位的统一社会信用代码（申报用户）")
@click.option("--region-prefix", default=None, help="推荐单位所辖区划代码前缀")
@click.option("--password", default=None, help="密码（会留在 shell 历史中，建议用 --password-stdin）")
@click.option("--password-stdin", is_flag=True, help="从标准输入读取密码")
@click.option("--update", is_flag=True, help="用户已存在时更新其资料并重设密码")
@with_appcontext
def create_user_command(login, name, role, jurisdictions, organisation_uscc, region_prefix, password,
                        password_stdin, update) -> None:
    """创建用户（或以 --update 更新） / create a user."""
    login, name = login.strip(), name.strip()
    if not login or len(login) > 200:
        fail("--login", "必填，且不超过 200 个字符")
    if not name or len(name) > 100:
        fail("--name", "必填，且不超过 100 个字符")
    if role not in ROLES:
        fail("--role", f"未知角色 {role!r}，可选：{', '.join(ROLES)}")

    # CODE[:ROLE[:PREFIX]] (issue 22): the role and area held in that jurisdiction, else his own.
    held = {}
    for spec in jurisdictions:
        code, _, rest = spec.strip().partition(":")
        role_there, _, prefix_there = rest.partition(":")
        held[code] = (role_there or None, prefix_there or None)
    codes = list(held)
    allowed = enabled_codes()
    for code in codes:
        if code not in allowed:
            fail("--jurisdiction", f"{code!r} 不是已启用的辖区，可选：{', '.join(allowed)}")
    if role == ADMIN and codes:
        fail("--jurisdiction", "系统管理员可见全部辖区，不分配辖区")
    if role not in (ADMIN, APPLICANT) and not codes:
        fail("--jurisdiction", "工作人员至少需要一个辖区")

    organisation = None
    if organisation_uscc is not None:
        if role != APPLICANT:
            fail("--organisation-uscc", "仅申报用户（applicant）属于申报单位")
        if not is_valid_uscc(organisation_uscc):
            fail("--organisation-uscc", f"{organisation_uscc!r} 不是有效的统一社会信用代码")
        organisation = db.session.scalar(select(Organisation).where(Organisation.uscc == organisation_uscc))
        if organisation is None:
            fail("--organisation-uscc", f"没有统一社会信用代码为 {organisation_uscc} 的申报单位")

    if region_prefix is not None:
        juris = registry().installed()
        if not (region_prefix.isdigit() and 2 <= len(region_prefix) <= 6):
            fail("--region-prefix", f"{region_prefix!r} 应为 2 至 6 位数字的行政区划代码前缀")
        if not any(juris[c].covers(region_prefix) for c in codes):
            fail("--region-prefix", f"{region_prefix} 不在所选辖区（{', '.join(codes) or '无'}）范围内")

    if password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    elif password is None:
        fail("--password", "需要 --password 或 --password-stdin")
    reason = passwords.problem(password, login)
    if reason:
        fail("--password", reason)

    user = db.session.scalar(select(User).where(User.login == login))
    if user is not None and not update:
        fail("--login", f"用户 {login} 已存在（要重设请加 --update）")
    action = "user.update" if user is not None else "user.create"
    if user is None:
        user = User(login=login)
        db.session.add(user)
    user.name, user.role, user.organisation, user.region_prefix = name, role, organisation, region_prefix
    user.active = True
    user.set_password(password)
    if action == "user.update":
        account_notices.password_reset(user, by="系统管理员（命令行）")
    kept = {s.jurisdiction: s for s in user.scopes}  # reuse rows: (user, jurisdiction) is unique
    user.scopes = [kept.get(c) or UserScope(jurisdiction=c) for c in codes]
    db.session.flush()
    try:
        scope_roles.set_scope_roles(user, held)
    except scope_roles.ScopeRoleRefused as refused:
        db.session.rollback()
        fail("--jurisdiction", refused.message)
    audit.record(action, user, jurisdiction=codes[0] if len(codes) == 1 else None,
                 login=login, role=role, jurisdictions=codes, via="cli")
    db.session.commit()
    click.echo(f"{'已更新' if action == 'user.update' else '已创建'}用户 {login}（{role}）")


# --- demo ----------------------------------------------------------------------------


@click.command("demo")
@with_appcontext
def demo_command() -> None:
    """载入演示数据（可重复运行） / load demo data (idempotent)."""
    from core.demo import DEMO_PASSWORD, load_demo
    # The demo publishes notices: their PDFs rendered ahead, as the site does. The hook is
    # registered by core.documents.views (core.notice.publication.published), which the core
    # app the commands run on does not import.
    importlib.import_module("core.documents.views")

    report = load_demo()
    added = "，".join(f"{k} {v}" for k, v in report.added.items())
    click.echo(f"演示数据已就绪（本次新增：{added}）")
    click.echo(f"演示账号（密码均为 {DEMO_PASSWORD}）：")
    click.echo(format_table([["登录名", "角色", "辖区"]] + [list(row) for row in report.logins]))
    for system, token in report.api_tokens:  # only its SHA-256 is kept: this is the one time it is seen
        click.echo(f"数据接口 /api/v1 演示令牌（{system}，仅显示这一次）：{token}")


COMMANDS = [plugins_command, create_user_command, demo_command]
