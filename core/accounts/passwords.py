"""The password rule, in one place (registration, password change, officer reset,
the admin's user form and ``zhongchuang create-user``), after OWASP ASVS 4.0 V2.1
(NIST SP 800-63B 5.1.1.2):

* at least ``MIN_LENGTH`` (12) characters, at most ``MAX_LENGTH`` (128), counted as
  typed (any Unicode, spaces included); no composition rule;
* not one of the common or breached passwords shipped in ``common-passwords.txt.gz``
  (compared in lower case; where the list comes from and its licences:
  ``common-passwords-LICENSE.txt``);
* not containing the login (in any case), nor the name before the ``@`` of an e-mail
  login when that name is at least ``LOGIN_PART_MIN`` characters long.
"""
from __future__ import annotations

import gzip
import secrets
import string
from functools import lru_cache
from pathlib import Path

from wtforms.validators import ValidationError

MIN_LENGTH = 12  # ASVS 2.1.1
MAX_LENGTH = 128  # ASVS 2.1.2: at least 64 allowed, more than 128 refused
LOGIN_PART_MIN = 4  # our choice: a shorter e-mail name (e.g. "li") may well occur by chance
COMMON_LIST = Path(__file__).with_name("common-passwords.txt.gz")

RULE = f"至少 {MIN_LENGTH} 个字符，不要求字符种类；不能是常见或已泄露的密码，不能包含登录名"


@lru_cache(maxsize=1)
def common_passwords() -> frozenset[str]:
    with gzip.open(COMMON_LIST, "rt", encoding="utf-8") as stream:
        return frozenset(line.strip() for line in stream if line.strip())


def _login_parts(login: str | None) -> list[str]:
    login = (login or "").strip().lower()
    parts = [login] if login else []
    name = login.split("@", 1)[0] if "@" in login else ""
    if len(name) >= LOGIN_PART_MIN:
        parts.append(name)
    return parts


def problem(password: str, login: str | None = None) -> str | None:
    """Why ``password`` is refused for the account ``login`` (Chinese), or None."""
    if len(password) < MIN_LENGTH:
        return f"密码至少 {MIN_LENGTH} 个字符，现为 {len(password)} 个"
    if len(password) > MAX_LENGTH:
        return f"密码不能超过 {MAX_LENGTH} 个字符，现为 {len(password)} 个"
    if password.strip().lower() in common_passwords():
        return "这是常见或已泄露的密码，容易被猜中，请换一个"
    lowered = password.lower()
    if any(part in lowered for part in _login_parts(login)):
        return "密码不能包含登录名"
    return None


def strong_password(login_field: str | None = "login"):
    """WTForms validator for the rule; ``login_field`` names the form's login field
    (None: the logged-in user's login)."""
    def validate(form, field) -> None:
        if login_field is None:
            from flask_login import current_user
            login = getattr(current_user, "login", None)
        else:
            login = form[login_field].data if login_field in form else None
        reason = problem(field.data or "", login)
        if reason:
            raise ValidationError(reason)
    return validate


def temporary() -> str:
    """A random password an officer hands over; it always satisfies the rule."""
    alphabet = string.ascii_letters + string.digits
    while True:
        candidate = "".join(secrets.choice(alphabet) for _ in range(16))  # our choice: 16 characters
        if problem(candidate) is None:
            return candidate
