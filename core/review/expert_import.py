"""Experts imported into a jurisdiction's pool from an Excel workbook (the officer's, or the admin's).

``template_bytes()`` is the workbook to download: a Chinese header row (``HEADERS``) and an example
row to overwrite.  ``import_workbook(data, code, actor)`` checks every row and writes all of them or
none: ``ImportRefused`` lists one Chinese message per bad cell, naming its row and column
(第 3 行「所在地区代码」：…).  A login not yet known becomes an expert user serving ``code``
with a random temporary password the expert changes at his first login (shown once to the
officer, who hands it over, as for an applicant's reset); the login of an existing expert adds
``code`` to the jurisdictions he serves and updates his profile; the login of any other user is an
error (an import never changes a role).  Every row is audited once.

The file is judged by its content (``core.platform.uploads.detect`` must see an xlsx) and its
size (``core.platform.uploads.max_bytes``), never by its name, as the residents' import does.
"""
from __future__ import annotations

import io
import re
from dataclasses import dataclass

from openpyxl import Workbook
from sqlalchemy import func, select

from core.accounts import account_notices, passwords, roles
from core.accounts.scoping import codes_as
from core.platform import audit, labels
from core.platform.workbooks import ImportRefused, cell_text, template_rows
from core.platform.errors import has_control_character
from core.platform.extensions import db
from core.platform.models import User, UserScope
from core.review.expert_pool import (ACTIVE, PAUSED, STATUS_WORDS, PoolError, clean_fields, clean_region, clean_uscc,
                                     _profile_for_change, served_codes)

HEADERS = ("姓名", "登录名（手机或邮箱）", "专业领域（以、分隔）", "工作单位", "工作单位统一社会信用代码",
           "所在地区代码", "状态（在库/暂停）")
KEYS = ("name", "login", "fields", "organisation_name", "organisation_uscc", "region", "status")
STATUS_OF_WORD = {"在库": ACTIVE, "暂停": PAUSED, "": ACTIVE}
EXAMPLE = ("张三（示例，请删除本行）", "13800000000", "创业孵化、科技金融", "云南大学", "12530000431200047F",
           "530102", "在库")
MAX_ROWS = 1000  # our choice: far above any bureau's pool, keeps a request short
MOBILE_RE = re.compile(r"1\d{10}")
EMAIL_RE = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")



@dataclass
class Imported:
    row: int
    user: User
    created: bool
    temporary_password: str | None  # only for a new account: shown once, never stored in clear


def template_bytes() -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = "专家库"
    sheet.append(HEADERS)
    sheet.append(EXAMPLE)
    for column, width in zip("ABCDEFG", (16, 24, 30, 30, 28, 14, 16)):
        sheet.column_dimensions[column].width = width
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


_text = cell_text  # the cells as every import reads them (core.platform.workbooks)


def _cell_error(number: int, key: str, message: str) -> str:
    return f"第 {number} 行「{HEADERS[KEYS.index(key)]}」：{message}"


def _parse_row(number: int, cells: tuple, errors: list[str]) -> dict | None:
    """One data row's values, or None having added one message per bad cell to ``errors``."""
    raw = dict(zip(KEYS, tuple(_text(c) for c in cells) + ("",) * (len(KEYS) - len(cells))))
    row: dict = {}
    bad = len(errors)

    def check(key: str, parse):
        try:
            row[key] = parse(raw[key])
        except PoolError as exc:
            errors.append(_cell_error(number, key, exc.message))
        except ValueError as exc:
            errors.append(_cell_error(number, key, str(exc)))

    def name(text: str) -> str:
        if not text:
            raise ValueError("不能为空")
        if len(text) > 100:
            raise ValueError(f"不能超过 100 字，实为 {len(text)} 字")
        if has_control_character(text):
            raise ValueError("含有不能保存的控制字符")
        return text

    def login(text: str) -> str:
        if not text:
            raise ValueError("不能为空")
        if not (MOBILE_RE.fullmatch(text) or (EMAIL_RE.fullmatch(text) and len(text) <= 200)):
            raise ValueError(f"“{text[:40]}”不是手机号（11 位）或邮箱地址")
        return text

    def organisation(text: str) -> str | None:
        if len(text) > 200:
            raise ValueError(f"不能超过 200 字，实为 {len(text)} 字")
        if has_control_character(text):
            raise ValueError("含有不能保存的控制字符")
        return text or None

    def status(text: str) -> str:
        if text not in STATUS_OF_WORD:
            raise ValueError(f"应为 在库 或 暂停，实为“{text[:20]}”")
        return STATUS_OF_WORD[text]

    check("name", name)
    check("login", login)
    check("fields", clean_fields)
    check("organisation_name", organisation)
    check("organisation_uscc", clean_uscc)
    check("region", clean_region)
    check("status", status)
    return row if len(errors) == bad else None


def read_rows(data: bytes) -> list[tuple[int, dict]]:
    """(row number, values) of every filled row of the workbook, or ``ImportRefused``."""
    numbered = template_rows(data, HEADERS)
    errors: list[str] = []
    parsed: list[tuple[int, dict]] = []
    seen: dict[str, int] = {}
    for number, cells in numbered:
        if all(_text(c) == "" for c in cells):
            continue  # blank lines are skipped
        if len(parsed) >= MAX_ROWS:
            errors.append(f"行数超过 {MAX_ROWS} 行，请分批导入")
            break
        if tuple(_text(c) for c in cells[:len(KEYS)]) == EXAMPLE:
            errors.append(f"第 {number} 行是模板的示例，请删除后再上传")
            continue
        row = _parse_row(number, tuple(cells)[:len(KEYS)], errors)
        if row is None:
            continue
        key = row["login"].lower()
        if key in seen:
            errors.append(_cell_error(number, "login", f"“{row['login']}”与第 {seen[key]} 行重复"))
            continue
        seen[key] = number
        parsed.append((number, row))
    if errors:
        raise ImportRefused(errors)
    if not parsed:
        raise ImportRefused(["工作簿中没有数据行"])
    return parsed


def import_workbook(data: bytes, code: str, actor, file_name: str = "") -> list[Imported]:
    """Write every row of the workbook into ``code``'s pool, or none (``ImportRefused``)."""
    keeping = codes_as(actor, roles.ADMIN, roles.OFFICER)  # by the role held there (issue 22)
    if not keeping:
        raise ImportRefused(["专家由主管部门经办人员或系统管理员导入"])
    if code not in keeping:
        raise ImportRefused(["请选择您所辖的辖区"])
    rows = read_rows(data)
    existing = {u.login.lower(): u for u in db.session.scalars(
        select(User).where(func.lower(User.login).in_([r["login"].lower() for _, r in rows])))}
    errors = [_cell_error(number, "login", f"“{row['login']}”已是{roles.ROLE_LABELS.get(user.role, user.role)}"
                                           "的账户，不能导入为专家（导入不改变账户的角色）")
              for number, row in rows if (user := existing.get(row["login"].lower())) and user.role != roles.EXPERT]
    if errors:
        raise ImportRefused(errors)
    done: list[Imported] = []
    for number, row in rows:
        user = existing.get(row["login"].lower())
        temporary = None
        if user is None:
            temporary = passwords.temporary()
            user = User(login=row["login"], name=row["name"], role=roles.EXPERT, active=True,
                        must_change_password=True, scopes=[UserScope(jurisdiction=code)])
            user.set_password(temporary)
            db.session.add(user)
            db.session.flush()
            account_notices.notify(user, account_notices.PASSWORD_RESET,
                                   f"{actor.name} 已将您录入专家库并设置了临时密码，请在首次登录后修改。")
        elif code not in user.jurisdiction_codes:
            user.scopes.append(UserScope(jurisdiction=code))
        profile = _profile_for_change(user)
        for key in ("fields", "organisation_name", "organisation_uscc", "region", "status"):
            setattr(profile, key, row[key])
        db.session.flush()
        audit.record_for(served_codes(user), "expert.imported", user, actor=actor, row=number, login=user.login,
                         user_name=user.name, created=temporary is not None, jurisdiction_added=labels.jurisdiction_label(code),
                         fields=row["fields"], pool_status=STATUS_WORDS[row["status"]], file=file_name[:200])
        done.append(Imported(number, user, temporary is not None, temporary))
    db.session.commit()
    return done
