"""The password rule, in one place (registration, password change, officer reset,
the admin's user form and ``zhongchuang create-user``).

Our choice (no policy names one): at least ``MIN_LENGTH`` characters, with at least
one letter and one digit.
"""
from __future__ import annotations

import secrets
import string

from wtforms.validators import ValidationError

MIN_LENGTH = 8  # our choice


def problem(password: str) -> str | None:
    """Why ``password`` is refused (Chinese), or None when it is acceptable."""
    if len(password) < MIN_LENGTH:
        return f"密码至少 {MIN_LENGTH} 位，现为 {len(password)} 位"
    if not any(c.isascii() and c.isalpha() for c in password) or not any(c.isdigit() for c in password):
        return "密码须同时包含字母和数字"
    return None


def strong_password(form, field) -> None:
    """WTForms validator for the rule."""
    reason = problem(field.data or "")
    if reason:
        raise ValidationError(reason)


def temporary() -> str:
    """A random password an officer hands over; it always satisfies the rule."""
    alphabet = string.ascii_letters + string.digits
    while True:
        candidate = "".join(secrets.choice(alphabet) for _ in range(12))  # our choice: 12 characters
        if problem(candidate) is None:
            return candidate
