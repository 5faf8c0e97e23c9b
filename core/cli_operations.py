"""Operations commands: ``backup``, ``restore`` and ``uploads sweep`` (docs/operations.md).

A backup is one folder: the database (SQLite through its online backup API, or a
PostgreSQL ``pg_dump`` in custom format), then the upload folder, then a check that
every file a row of the backed-up database names is in the copy with its SHA-256, and
``MANIFEST.json`` written last (a folder without it is an unfinished backup).

The database goes first: a file is written before its row commits and removed only
after its row is gone, so a copy of the files taken after the database holds every
file the database names; at worst it holds some newer files with no row, which
``uploads sweep`` lists (and removes with ``--delete``) after a restore.  A file removed
between the two steps (a material replaced meanwhile) is caught by the check: the
backup then fails, exit 1, and is simply run again.

Bad input (an option, a folder) is one line on standard error naming it, exit 2; a
backup or restore that fails on the way is one line, exit 1, and leaves the live data
as it was (a restore checks the whole backup before touching anything).
"""
from __future__ import annotations

import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
import time
from datetime import datetime, timezone
from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext
from sqlalchemy import select, text
from sqlalchemy.engine import make_url

from core.platform import audit, clock
from core.platform.config import private_dir, private_sqlite_file
from core.platform.extensions import db
from core.platform.models import Attachment

BAD_INPUT = 2
FAILED = 1
MANIFEST = "MANIFEST.json"
SQLITE_FILE = "zhongchuang.db"
PG_FILE = "zhongchuang.pgdump"
UPLOADS = "uploads"
FORMAT = 1


class OneLineCommand(click.Command):
    """Usage errors (an unknown or missing option) as one line on standard error, exit 2."""

    def make_context(self, info_name, args, parent=None, **extra):
        try:
            return super().make_context(info_name, args, parent=parent, **extra)
        except click.UsageError as exc:
            _exit(" ".join(exc.format_message().split()), BAD_INPUT)


class OneLineGroup(click.Group):
    command_class = OneLineCommand

    def make_context(self, info_name, args, parent=None, **extra):
        try:
            return super().make_context(info_name, args, parent=parent, **extra)
        except click.UsageError as exc:
            _exit(" ".join(exc.format_message().split()), BAD_INPUT)

    def resolve_command(self, ctx, args):
        try:
            return super().resolve_command(ctx, args)
        except click.UsageError as exc:
            _exit(" ".join(exc.format_message().split()), BAD_INPUT)


def _exit(line: str, code: int):
    click.echo(line, err=True)
    raise click.exceptions.Exit(code)


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as stream:
        for chunk in iter(lambda: stream.read(1024 * 1024), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _url():
    return make_url(current_app.config["SQLALCHEMY_DATABASE_URI"])


def _backend() -> str:
    return _url().get_backend_name()


def _sqlite_path() -> Path:
    database = _url().database
    if not database or database == ":memory:" or database.startswith("file:"):
        _exit(f"SQLALCHEMY_DATABASE_URI: 无法备份或恢复的 SQLite 数据库 {database!r}（须为数据库文件）", BAD_INPUT)
    return Path(database)


def _libpq(url) -> tuple[str, dict]:
    """A libpq connection string without the password, and the environment carrying it
    (a password on the command line would show in ``ps``)."""
    env = dict(os.environ)
    if url.password:
        env["PGPASSWORD"] = url.password
    plain = url.set(drivername="postgresql", password=None)
    return plain.render_as_string(hide_password=False), env


def _run_tool(args: list[str], env: dict, what: str) -> None:
    if shutil.which(args[0]) is None:
        _exit(f"{args[0]}: 未找到该程序（PostgreSQL 客户端工具，Debian 包 postgresql-client），无法{what}", FAILED)
    done = subprocess.run(args, env=env, capture_output=True, text=True)
    if done.returncode != 0:
        reason = " ".join((done.stderr or done.stdout or "").split())[:500]
        _exit(f"{args[0]}: {what}失败（退出码 {done.returncode}）：{reason}", FAILED)


def _alembic_revision() -> str | None:
    try:
        return db.session.execute(text("SELECT version_num FROM alembic_version")).scalar()
    except Exception:
        db.session.rollback()
        return None


# --- backup ------------------------------------------------------------------------------


def _backup_sqlite(dest: Path) -> None:
    target = dest / SQLITE_FILE
    private_sqlite_file(f"sqlite:///{target}")
    source = sqlite3.connect(_sqlite_path())
    copy = sqlite3.connect(target)
    try:
        with copy:
            source.backup(copy)  # a consistent snapshot, even while the service writes
    finally:
        copy.close()
        source.close()


def _backup_postgresql(dest: Path) -> None:
    target = dest / PG_FILE
    connection, env = _libpq(_url())
    _run_tool(["pg_dump", "--format=custom", "--no-owner", "--file", str(target), "--dbname", connection], env,
              "导出数据库")
    target.chmod(0o600)


def _rows_in_backup(dest: Path, backend: str) -> dict[str, str] | None:
    """stored name → SHA-256 of every attachment row in the backed-up database (SQLite:
    read from the copy itself; PostgreSQL: the dump is taken in one transaction, so the
    rows read just before and after it bracket it — None: check from the live rows)."""
    if backend != "sqlite":
        return None
    with sqlite3.connect(dest / SQLITE_FILE) as copy:
        return dict(copy.execute("SELECT stored_name, sha256 FROM attachments").fetchall())


@click.command("backup", cls=OneLineCommand)
@click.argument("dest", type=click.Path(file_okay=False, path_type=Path))
@with_appcontext
def backup_command(dest: Path) -> None:
    """备份数据库与上传文件到 DEST 文件夹 / back up the database and the uploads into DEST."""
    if dest.exists() and any(dest.iterdir()):
        _exit(f"DEST: {dest} 已存在且不为空；请指定新的文件夹，以免覆盖已有备份", BAD_INPUT)
    backend = _backend()
    if backend not in ("sqlite", "postgresql"):
        _exit(f"SQLALCHEMY_DATABASE_URI: 不支持备份 {backend} 数据库", BAD_INPUT)
    try:
        private_dir(dest)
    except OSError as exc:
        _exit(f"DEST: 无法创建 {dest}（{exc.strerror}）", BAD_INPUT)
    started = clock.utcnow()
    revision = _alembic_revision()
    pg_rows_before = None
    if backend == "postgresql":
        pg_rows_before = dict(db.session.execute(select(Attachment.stored_name, Attachment.sha256)).all())
    db.session.rollback()  # no transaction of ours open during the copy

    # 1. the database
    try:
        if backend == "sqlite":
            _backup_sqlite(dest)
        else:
            _backup_postgresql(dest)
    except (sqlite3.Error, OSError) as exc:
        _exit(f"database: 备份数据库失败：{exc}", FAILED)

    # 2. the upload folder, after the database
    source = Path(current_app.config["UPLOAD_FOLDER"])
    copy = private_dir(dest / UPLOADS)
    copied = 0
    try:
        if source.is_dir():
            for path in sorted(source.iterdir()):
                if path.is_file():
                    shutil.copyfile(path, copy / path.name)
                    (copy / path.name).chmod(0o600)
                    copied += 1
    except OSError as exc:
        _exit(f"uploads: 复制上传文件失败：{exc.filename or ''} {exc.strerror}", FAILED)

    # 3. every row's file is in the copy, unchanged
    rows = _rows_in_backup(dest, backend)
    if rows is None:  # PostgreSQL: the rows that existed both before and after the dump
        after = dict(db.session.execute(select(Attachment.stored_name, Attachment.sha256)).all())
        db.session.rollback()
        rows = {k: v for k, v in after.items() if k in pg_rows_before}
    missing = [name for name in sorted(rows) if not (copy / name).is_file()]
    damaged = [name for name in sorted(rows) if name not in missing and _sha256(copy / name) != rows[name]]
    if missing or damaged:
        problems = "；".join(filter(None, [
            f"缺少 {len(missing)} 个文件（如 {missing[0]}）" if missing else "",
            f"{len(damaged)} 个文件与数据库记录的 SHA-256 不符（如 {damaged[0]}）" if damaged else ""]))
        _exit(f"uploads: 备份不完整：{problems}；可能是备份期间有材料被替换，请重新备份", FAILED)

    manifest = {
        "format": FORMAT,
        "created_at": started.isoformat(timespec="seconds"),
        "backend": backend,
        "database": SQLITE_FILE if backend == "sqlite" else PG_FILE,
        "alembic_revision": revision,
        "attachments": len(rows),
        "upload_files": copied,
    }
    path = dest / MANIFEST
    path.write_text(json.dumps(manifest, ensure_ascii=False, indent=2), encoding="utf-8")
    path.chmod(0o600)
    click.echo(f"已备份到 {dest}：数据库（{backend}），上传文件 {copied} 个（数据库记录的 {len(rows)} 个均已核对）")


# --- restore -----------------------------------------------------------------------------


def _read_manifest(src: Path) -> dict:
    path = src / MANIFEST
    if not src.is_dir():
        _exit(f"SRC: {src} 不是文件夹", BAD_INPUT)
    if not path.is_file():
        _exit(f"SRC: {src} 中没有 {MANIFEST}（不是备份文件夹，或备份未完成）", BAD_INPUT)
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except (ValueError, UnicodeDecodeError):
        _exit(f"SRC: {path} 不是有效的 JSON", BAD_INPUT)
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        _exit(f"SRC: {path} 的格式版本不受支持", BAD_INPUT)
    return manifest


def _check_backup(src: Path, manifest: dict) -> dict[str, str] | None:
    backend = manifest.get("backend")
    if backend != _backend():
        _exit(f"SRC: 该备份来自 {backend} 数据库，当前配置为 {_backend()}；请按 docs/operations.md 迁移", BAD_INPUT)
    database = src / str(manifest.get("database"))
    if not database.is_file():
        _exit(f"SRC: 缺少数据库备份文件 {database.name}", BAD_INPUT)
    if not (src / UPLOADS).is_dir():
        _exit(f"SRC: 缺少上传文件夹 {UPLOADS}/", BAD_INPUT)
    if backend != "sqlite":
        return None
    try:
        with sqlite3.connect(f"file:{database}?mode=ro", uri=True) as copy:
            if copy.execute("PRAGMA integrity_check").fetchone()[0] != "ok":
                _exit(f"SRC: 数据库备份文件 {database.name} 已损坏（integrity_check 未通过）", BAD_INPUT)
            rows = dict(copy.execute("SELECT stored_name, sha256 FROM attachments").fetchall())
    except sqlite3.Error as exc:
        _exit(f"SRC: 数据库备份文件 {database.name} 无法读取：{exc}", BAD_INPUT)
    missing = [name for name in sorted(rows) if not (src / UPLOADS / name).is_file()]
    if missing:
        _exit(f"SRC: 备份中缺少 {len(missing)} 个上传文件（如 {missing[0]}），不予恢复", BAD_INPUT)
    return rows


@click.command("restore", cls=OneLineCommand)
@click.argument("src", type=click.Path(path_type=Path))
@click.option("--yes", is_flag=True, help="确认以备份替换当前数据库（先停止服务）")
@with_appcontext
def restore_command(src: Path, yes: bool) -> None:
    """从 SRC 备份恢复数据库与上传文件（先停止服务） / restore the database and the uploads from SRC."""
    manifest = _read_manifest(src)
    _check_backup(src, manifest)  # the whole backup checked before anything is touched
    if not yes:
        _exit(f"--yes: 恢复将以 {manifest.get('created_at')} 的备份替换当前数据库；请先停止服务，确认后加 --yes", BAD_INPUT)
    db.session.remove()
    db.engine.dispose()  # no connection of ours left on the database being replaced

    # 1. the database
    database = src / manifest["database"]
    if manifest["backend"] == "sqlite":
        target = _sqlite_path()
        private_sqlite_file(f"sqlite:///{target}")
        try:
            source = sqlite3.connect(f"file:{database}?mode=ro", uri=True)
            live = sqlite3.connect(target)
            try:
                with live:
                    source.backup(live)  # page by page, in one transaction of the live file
            finally:
                live.close()
                source.close()
        except sqlite3.Error as exc:
            _exit(f"database: 恢复数据库失败（当前数据库未改变）：{exc}", FAILED)
    else:
        connection, env = _libpq(_url())
        _run_tool(["pg_restore", "--clean", "--if-exists", "--no-owner", "--single-transaction",
                   "--dbname", connection, str(database)], env, "恢复数据库")

    # 2. the upload folder: every file of the backup (files are immutable, named uniquely)
    folder = private_dir(Path(current_app.config["UPLOAD_FOLDER"]))
    restored = 0
    try:
        for path in sorted((src / UPLOADS).iterdir()):
            if path.is_file() and not (folder / path.name).is_file():
                partial = folder / f".{path.name}.restoring"
                shutil.copyfile(path, partial)
                partial.chmod(0o600)
                partial.replace(folder / path.name)
                restored += 1
    except OSError as exc:
        _exit(f"uploads: 恢复上传文件失败：{exc.filename or ''} {exc.strerror}；数据库已恢复，请处理后重新运行恢复", FAILED)

    audit.record("system.restore", object_type="Backup", object_id=manifest.get("created_at"), actor=None,
                 backup_created_at=manifest.get("created_at"), upload_files_restored=restored, via="cli")
    db.session.commit()
    orphans = len(_orphans(folder, min_age_minutes=0))
    click.echo(f"已从 {src}（{manifest.get('created_at')} 的备份）恢复：数据库，上传文件 {restored} 个")
    if orphans:
        click.echo(f"上传文件夹中有 {orphans} 个文件没有数据库记录：请用 zhongchuang uploads sweep 查看，"
                   "核对后用 --delete 删除")


# --- uploads sweep -----------------------------------------------------------------------


def _orphans(folder: Path, *, min_age_minutes: int) -> list[Path]:
    """Regular files in ``folder`` that no attachment row names, older than the given age."""
    if not folder.is_dir():
        return []
    known = set(db.session.scalars(select(Attachment.stored_name)))
    cutoff = time.time() - min_age_minutes * 60
    return [p for p in sorted(folder.iterdir())
            if p.is_file() and p.name not in known and p.stat().st_mtime <= cutoff]


@click.group("uploads", cls=OneLineGroup)
def uploads_group() -> None:
    """上传文件夹的维护 / upload folder maintenance."""


@uploads_group.command("sweep")
@click.option("--delete", is_flag=True, help="删除列出的文件 / remove the files listed")
@click.option("--min-age", "min_age", default="10", show_default=True,
              help="只看修改时间早于此分钟数的文件（更新的可能正在上传） / minutes")
@with_appcontext
def sweep_command(delete: bool, min_age: str) -> None:
    """列出（--delete 则删除）上传文件夹中没有数据库记录的文件 / list (remove) files with no row.

    One line per file on standard output: its path, size in bytes and modification
    time; a summary line on standard error."""
    if not min_age.isdigit() or len(min_age) > 6:
        _exit(f"--min-age: 应为不小于 0 的整数（分钟），实为 {min_age!r}", BAD_INPUT)
    folder = Path(current_app.config["UPLOAD_FOLDER"])
    found = _orphans(folder, min_age_minutes=int(min_age))
    db.session.rollback()
    removed = 0
    for path in found:
        stat = path.stat()
        when = datetime.fromtimestamp(stat.st_mtime, timezone.utc).isoformat(timespec="seconds")
        if delete:
            path.unlink(missing_ok=True)
            removed += 1
        click.echo(f"{'已删除' if delete else '无记录'}\t{path}\t{stat.st_size}\t{when}")
    if delete:
        click.echo(f"已删除 {removed} 个没有数据库记录的文件（{folder}）", err=True)
        if removed:
            audit.record("uploads.sweep", object_type="UploadFolder", object_id=None, actor=None,
                         removed=[p.name for p in found], via="cli")
            db.session.commit()
    else:
        click.echo(f"{len(found)} 个文件没有数据库记录（{folder}）" + ("；加 --delete 删除" if found else ""), err=True)


COMMANDS = [backup_command, restore_command, uploads_group]
