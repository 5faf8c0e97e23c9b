"""Two-factor sign-in for staff (OWASP ASVS 4.0 V2.8 and V2.6): a time-based one-time
code (TOTP, RFC 6238, ``pyotp``) from an authenticator app, after the password.

* Enrolment: a new secret is shown as a QR code drawn here (``segno``, inline SVG; no
  outside service) and as text; it is saved only once the user types a code it makes.
  Ten recovery codes are then shown once and stored hashed (salted PBKDF2); each
  signs in once in place of a code.
* Who must: the admin always (``TWO_FACTOR_REQUIRED_FOR_ADMIN``, on in production; the
  test configuration turns it off except in the two-factor tests), other staff roles
  when a bureau of one of their jurisdictions sets ``staff_two_factor`` (本局要求, a
  bureau setting, off by default); anyone may enrol.  Who must but has not enrolled
  is sent to the enrolment page first (``core.accounts.account_security``).
* A code is accepted for its 30-second step and one step either side (clock drift),
  and never twice: the last accepted step is kept on the user.
* Enabling, disabling, an admin's reset, renewing or using a recovery code are audited
  and notified to the user (``core.accounts.account_notices``); enabling, disabling and a reset
  end the user's other sessions.
"""
from __future__ import annotations

import hmac
import secrets

import pyotp
from flask import current_app
from sqlalchemy import delete, select
from werkzeug.security import check_password_hash, generate_password_hash

from core.accounts import account_notices

from core.platform import audit

from core.accounts import roles

from core.accounts import user_sessions
from core.platform import clock
from core.platform.extensions import db
from core.platform.models import BureauSetting, RecoveryCode, User

ISSUER = "众创空间认定管理平台"
RECOVERY_CODE_COUNT = 10
# No 0/o, 1/l/i: a code is copied from paper.  10 characters: about 49 bits each.
RECOVERY_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"
RECOVERY_LENGTH = 10
STEP_SECONDS = 30
DRIFT_STEPS = 1
# The bureau setting by which a jurisdiction requires a second factor of its staff (the admin
# always must): the bureau's own requirement (本局要求), off by default; core.bureau offers it.
STAFF_TWO_FACTOR = "staff_two_factor"


def enabled(user: User) -> bool:
    return bool(user.totp_secret and user.totp_enabled_at)


def required(user: User) -> bool:
    """Whether ``user`` may use the system only with a second factor."""
    if user.role == roles.ADMIN:
        return bool(current_app.config.get("TWO_FACTOR_REQUIRED_FOR_ADMIN", True))
    if user.role not in roles.STAFF_ROLES or not user.jurisdiction_codes:
        return False
    # Asked on every request of a user not enrolled: one query, not a snapshot per jurisdiction.
    values = db.session.scalars(select(BureauSetting.value).where(
        BureauSetting.key == STAFF_TWO_FACTOR, BureauSetting.jurisdiction.in_(user.jurisdiction_codes)))
    return any(value is True for value in values)


# --- enrolment ----------------------------------------------------------------------


def new_secret() -> str:
    return pyotp.random_base32()  # 160 bits


def provisioning_uri(user: User, secret: str) -> str:
    return pyotp.TOTP(secret).provisioning_uri(name=user.login, issuer_name=ISSUER)


def qr_svg(uri: str) -> str:
    """The QR code of ``uri`` as an inline ``<svg>`` element (no image request, no script)."""
    import segno  # here: only the enrolment page draws one

    return segno.make(uri, error="m").svg_inline(scale=5, border=2)


def _step_now() -> int:
    return int(clock.instant().timestamp()) // STEP_SECONDS


def _matching_step(secret: str, code: str) -> int | None:
    """The time step whose code is ``code`` (this one, or one either side), else None."""
    code = (code or "").strip().replace(" ", "")
    if not (len(code) == 6 and code.isascii() and code.isdigit()):
        return None
    totp = pyotp.TOTP(secret)
    current = _step_now()
    for step in (current, current - DRIFT_STEPS, current + DRIFT_STEPS):
        if hmac.compare_digest(totp.generate_otp(step), code):
            return step
    return None


def _new_recovery_codes(user: User) -> list[str]:
    """Replace the user's recovery codes by ten new ones; returns them in clear (shown once)."""
    db.session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    codes = []
    for _ in range(RECOVERY_CODE_COUNT):
        raw = "".join(secrets.choice(RECOVERY_ALPHABET) for _ in range(RECOVERY_LENGTH))
        codes.append(f"{raw[:5]}-{raw[5:]}")
        db.session.add(RecoveryCode(user_id=user.id, code_hash=generate_password_hash(raw, method="pbkdf2:sha256:10000")))
    return codes


def enable(user: User, secret: str, code: str) -> list[str] | None:
    """Save ``secret`` as the user's once ``code`` proves his app has it; returns the
    recovery codes to show once, or None when the code is wrong (nothing saved)."""
    step = _matching_step(secret, code)
    if step is None:
        return None
    user.totp_secret = secret
    user.totp_enabled_at = clock.instant()
    user.totp_last_step = step
    codes = _new_recovery_codes(user)
    audit.record("user.two_factor_enabled", user, actor=user)
    account_notices.notify(user, account_notices.TWO_FACTOR_ENABLED, "您的账户已启用双因素认证。如非本人操作，请立即联系系统管理员。")
    user_sessions.end_all(user, user_sessions.TWO_FACTOR_CHANGED, keep_current=True)
    db.session.commit()
    return codes


# --- signing in ----------------------------------------------------------------------


def _use_recovery_code(user: User, typed: str) -> bool:
    raw = (typed or "").strip().lower().replace("-", "").replace(" ", "")
    if len(raw) != RECOVERY_LENGTH or any(c not in RECOVERY_ALPHABET for c in raw):
        return False
    unused = db.session.scalars(select(RecoveryCode).where(RecoveryCode.user_id == user.id,
                                                           RecoveryCode.used_at.is_(None))).all()
    for row in unused:
        if check_password_hash(row.code_hash, raw):
            row.used_at = clock.instant()
            left = len(unused) - 1
            audit.record("user.recovery_code_used", user, actor=user, remaining=left)
            account_notices.notify(user, account_notices.RECOVERY_CODE_USED,
                                   f"您的账户使用了一个恢复码登录，剩余 {left} 个。如非本人操作，请立即联系系统管理员。")
            return True
    return False


def verify(user: User, typed: str) -> bool:
    """The second factor at login: a current TOTP code not used before, or an unused
    recovery code (then spent).  Commits what it changes."""
    if not enabled(user):
        return False
    step = _matching_step(user.totp_secret, typed)
    if step is not None and step > (user.totp_last_step or -1):
        user.totp_last_step = step
        db.session.commit()
        return True
    if step is None and _use_recovery_code(user, typed):
        db.session.commit()
        return True
    return False


def check_code(user: User, typed: str) -> bool:
    """A fresh TOTP code of an enrolled user, to confirm a change of his own settings."""
    step = _matching_step(user.totp_secret or "", typed) if enabled(user) else None
    if step is None or step <= (user.totp_last_step or -1):
        return False
    user.totp_last_step = step
    return True


def remaining_recovery_codes(user: User) -> int:
    return len(db.session.scalars(select(RecoveryCode.id).where(RecoveryCode.user_id == user.id,
                                                                RecoveryCode.used_at.is_(None))).all())


def renew_recovery_codes(user: User) -> list[str]:
    codes = _new_recovery_codes(user)
    audit.record("user.recovery_codes_renewed", user, actor=user)
    account_notices.notify(user, account_notices.RECOVERY_CODES_RENEWED, "您的双因素认证恢复码已重新生成，原有恢复码作废。")
    db.session.commit()
    return codes


# --- turning it off ---------------------------------------------------------------------


def _clear(user: User) -> None:
    user.totp_secret = None
    user.totp_enabled_at = None
    user.totp_last_step = None
    db.session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))


def disable(user: User) -> None:
    """The user turns his own second factor off (after his password and a code)."""
    _clear(user)
    audit.record("user.two_factor_disabled", user, actor=user)
    account_notices.notify(user, account_notices.TWO_FACTOR_DISABLED,
                           "您的账户已关闭双因素认证。如非本人操作，请立即修改密码并联系系统管理员。")
    user_sessions.end_all(user, user_sessions.TWO_FACTOR_CHANGED, keep_current=True)
    db.session.commit()


def reset(user: User, actor: User) -> None:
    """The admin resets a user's second factor (lost phone): the user enrols again at
    his next login if he must; every session of his ends.  The caller commits."""
    _clear(user)
    audit.record("user.two_factor_reset", user, actor=actor)
    account_notices.notify(user, account_notices.TWO_FACTOR_RESET,
                           f"系统管理员 {actor.name} 重置了您的双因素认证。")
    user_sessions.end_all(user, user_sessions.TWO_FACTOR_CHANGED)
