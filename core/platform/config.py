"""Configuration from the environment, with a safe embedded default (SQLite)."""
from __future__ import annotations

import os
import secrets
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import BinaryIO


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def private_dir(path: Path) -> Path:
    """A folder only the service's own user may open (0700): the instance folder, the uploads."""
    path.mkdir(parents=True, exist_ok=True, mode=0o700)
    path.chmod(0o700)  # also a folder made before, or by mkdir's parents
    return path


def write_private(path: Path, data: bytes) -> None:
    """Write a new file readable by the service's own user only (0600), whatever the umask."""
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "wb") as stream:
        stream.write(data)


def write_atomically(path: Path, write: Callable[[BinaryIO], None]) -> int:
    """Write a file at ``path`` through ``write(stream)`` atomically — a temporary file in the same
    folder (0600 whatever the umask), flushed and synced, then ``os.replace`` — so that a reader sees
    the whole file or none; a failure leaves nothing behind.  Returns its size."""
    descriptor, temporary = tempfile.mkstemp(dir=path.parent, prefix=".", suffix=".part")  # 0600
    try:
        with os.fdopen(descriptor, "wb") as stream:
            write(stream)
            stream.flush()
            os.fsync(stream.fileno())
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return path.stat().st_size


def private_sqlite_file(database_uri: str) -> None:
    """Create the SQLite database file 0600 before SQLAlchemy opens it (SQLite gives its
    journal the same mode); an existing one is narrowed to 0600."""
    from sqlalchemy.engine import make_url

    url = make_url(database_uri)
    if url.get_backend_name() != "sqlite" or not url.database or url.database == ":memory:" \
            or url.database.startswith("file:"):
        return
    path = Path(url.database)
    if path.exists():
        path.chmod(0o600)
    else:
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT, 0o600))


def _secret_key(instance_path: Path) -> str:
    """ZHONGCHUANG_SECRET_KEY, or a random key kept in the instance folder so that
    sessions survive restarts and several gunicorn workers agree."""
    if os.environ.get("ZHONGCHUANG_SECRET_KEY"):
        return os.environ["ZHONGCHUANG_SECRET_KEY"]
    path = instance_path / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_hex(32))
        path.chmod(0o600)
    return path.read_text().strip()


def trusted_proxies() -> int:
    """ZHONGCHUANG_TRUSTED_PROXIES: how many reverse proxies in front of the application
    may set X-Forwarded-For / X-Forwarded-Proto (0: none, the headers are ignored)."""
    value = os.environ.get("ZHONGCHUANG_TRUSTED_PROXIES", "0").strip() or "0"
    if not value.isdigit():
        raise ValueError(f"ZHONGCHUANG_TRUSTED_PROXIES 应为 0 或正整数（可信反向代理的层数），实为 {value!r}")
    return int(value)


def min_free_mb() -> int:
    """ZHONGCHUANG_MIN_FREE_MB: below this much free space in the upload folder ``/healthz``
    answers 503 (a deployment setting, no policy sets it; our default 512 MB)."""
    value = os.environ.get("ZHONGCHUANG_MIN_FREE_MB", "512").strip() or "512"
    if not value.isascii() or not value.isdigit() or len(value) > 9:
        raise ValueError(f"ZHONGCHUANG_MIN_FREE_MB 应为 0 至 999999999 的整数（兆字节），实为 {value[:40]!r}")
    return int(value)


def load(instance_path: Path) -> dict:
    private_dir(instance_path)
    database_url = os.environ.get("DATABASE_URL") or f"sqlite:///{instance_path / 'zhongchuang.db'}"
    if database_url.startswith("postgresql://"):
        database_url = "postgresql+psycopg://" + database_url[len("postgresql://"):]
    return {
        "SECRET_KEY": _secret_key(instance_path),
        "SQLALCHEMY_DATABASE_URI": database_url,
        "ZHONGCHUANG_JURISDICTIONS": os.environ.get("ZHONGCHUANG_JURISDICTIONS", ""),
        "UPLOAD_FOLDER": os.environ.get("ZHONGCHUANG_UPLOAD_FOLDER", str(instance_path / "uploads")),
        "MAX_CONTENT_LENGTH": 20 * 1024 * 1024,
        # Cookies: HttpOnly and SameSite always; Secure unless a plain-http demo says otherwise.
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": env_bool("ZHONGCHUANG_SECURE_COOKIES", True),
        "REMEMBER_COOKIE_HTTPONLY": True,
        "REMEMBER_COOKIE_SECURE": env_bool("ZHONGCHUANG_SECURE_COOKIES", True),
        "PERMANENT_SESSION_LIFETIME": 8 * 3600,
        "BABEL_DEFAULT_LOCALE": "zh_Hans_CN",
        "BABEL_DEFAULT_TIMEZONE": "Asia/Shanghai",
        # Login throttling (core.accounts.auth): after LOGIN_MAX_FAILURES failures in a row each next
        # attempt must wait twice as long (1 s, 2 s, 4 s, ...), at most LOGIN_MAX_DELAY_SECONDS;
        # failed attempts per client address are limited by Flask-Limiter.
        "LOGIN_MAX_FAILURES": 5,
        "LOGIN_MAX_DELAY_SECONDS": 15 * 60,
        "LOGIN_FAILURES_PER_ADDRESS": "10 per minute; 100 per hour",
        "RATELIMIT_ENABLED": True,
        "RATELIMIT_STRATEGY": "moving-window",  # the last minute / hour, not a calendar window one can straddle
        "RATELIMIT_STORAGE_URI": os.environ.get("ZHONGCHUANG_RATELIMIT_STORAGE_URL", "memory://"),
        # The read API's requests per token (core.api.resources; our choice, docs/api.md)
        "API_RATE_LIMIT": os.environ.get("ZHONGCHUANG_API_RATE_LIMIT", "").strip() or "600 per minute",
        "TRUSTED_PROXIES": trusted_proxies(),
        "HEALTH_MIN_FREE_MB": min_free_mb(),
        # Sessions end on the server (core.accounts.user_sessions): after 30 idle minutes for staff
        # (ASVS 3.3.2), after ZHONGCHUANG_APPLICANT_IDLE_MINUTES for applicants (our default:
        # 8 h, a working day), and 12 h after login whatever the activity.
        "SESSION_IDLE_MINUTES_STAFF": 30,
        "SESSION_IDLE_MINUTES_APPLICANT": int(os.environ.get("ZHONGCHUANG_APPLICANT_IDLE_MINUTES", "480")),
        "SESSION_ABSOLUTE_HOURS": 12,
        # The admin signs in with a second factor (core.accounts.two_factor); only the test
        # configuration turns this off, outside its two-factor tests.
        "TWO_FACTOR_REQUIRED_FOR_ADMIN": True,
        # The task queue (core.platform.queue): Celery with this broker (redis://…); none: tasks run inline.
        "BROKER_URL": os.environ.get("ZHONGCHUANG_BROKER_URL", "").strip() or None,
        # Where rendered PDFs are kept (core.documents.store); default <instance>/rendered. A worker on
        # another host of the same deployment must read and write the same folder.
        **({"RENDERED_FOLDER": os.environ["ZHONGCHUANG_RENDERED_FOLDER"]}
           if os.environ.get("ZHONGCHUANG_RENDERED_FOLDER") else {}),
        **_smtp(),
        **_virus_scan(),
    }


def _smtp() -> dict:
    """Mail (core.notify.mail) through the SMTP server named by ``ZHONGCHUANG_SMTP_HOST``; none: mail is
    kept in the outbox as 未发送（未配置发信服务器）.  ZHONGCHUANG_SMTP_SECURITY: none | starttls | ssl."""
    return {
        "SMTP_HOST": os.environ.get("ZHONGCHUANG_SMTP_HOST", "").strip() or None,
        "SMTP_PORT": int(os.environ.get("ZHONGCHUANG_SMTP_PORT", "25").strip() or "25"),
        "SMTP_USER": os.environ.get("ZHONGCHUANG_SMTP_USER") or None,
        "SMTP_PASSWORD": os.environ.get("ZHONGCHUANG_SMTP_PASSWORD") or None,
        "SMTP_FROM": os.environ.get("ZHONGCHUANG_SMTP_FROM", "noreply@localhost"),
        "SMTP_SECURITY": os.environ.get("ZHONGCHUANG_SMTP_SECURITY", "none").strip().lower() or "none",
        "SMTP_TIMEOUT": 30,
        # The site's address as its users reach it (https://zc.example.gov.cn): a mail's links are made
        # absolute with it; unset, a mail names the page without a link a mail reader could follow.
        "SITE_URL": os.environ.get("ZHONGCHUANG_SITE_URL", "").strip().rstrip("/") or None,
    }


def _virus_scan() -> dict:
    """ClamAV through clamd when ``ZHONGCHUANG_CLAMD_SOCKET`` names its socket (core.platform.virus_scan)."""
    socket_path = os.environ.get("ZHONGCHUANG_CLAMD_SOCKET")
    if not socket_path:
        return {}
    from core.platform.virus_scan import clamd

    return {"UPLOAD_VIRUS_SCAN": clamd(socket_path)}
