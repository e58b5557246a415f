"""Backup and restore (备份与恢复): ``ippledge db backup`` and ``ippledge db restore``.

SQLite: the online backup API copies a consistent snapshot while the server keeps writing (a file copy could catch a
half-written page or miss the WAL). PostgreSQL: ``pg_dump --format=custom`` and ``pg_restore``, the server's own tools,
which must be on PATH. A restore is checked before it is trusted: the audit chain and the books are verified on the
restored database, and the command fails if either is broken.
"""

from __future__ import annotations

import shutil
import sqlite3
import subprocess
from pathlib import Path

import typer
from sqlalchemy.engine import make_url


def sqlite_path(url: str) -> Path:
    path = make_url(url).database
    if not path or path == ":memory:":
        raise typer.BadParameter("an in-memory SQLite database cannot be backed up")
    return Path(path)


def backup_sqlite(source: Path, target: Path) -> None:
    """Consistent snapshot of ``source`` into ``target`` (written beside it, then moved into place)."""
    if not source.exists():
        raise typer.BadParameter(f"no database at {source}")
    partial = target.with_name(target.name + ".partial")
    partial.unlink(missing_ok=True)
    src = sqlite3.connect(source)
    dst = sqlite3.connect(partial)
    try:
        src.backup(dst)
    finally:
        dst.close()
        src.close()
    partial.replace(target)


def restore_sqlite(backup: Path, target: Path, force: bool) -> None:
    if not backup.exists():
        raise typer.BadParameter(f"no backup at {backup}")
    if target.exists() and not force:
        raise typer.BadParameter(f"{target} exists; stop the server and give --force to replace it")
    target.parent.mkdir(parents=True, exist_ok=True)
    for suffix in ("-wal", "-shm"):  # a stale WAL from the replaced database must not be replayed onto the backup
        Path(f"{target}{suffix}").unlink(missing_ok=True)
    backup_sqlite(backup, target)


def _libpq_url(url: str) -> str:
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


def _tool(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        raise typer.BadParameter(f"{name} is not on PATH (install the PostgreSQL client tools)")
    return found


def backup_postgres(url: str, target: Path) -> None:
    subprocess.run([_tool("pg_dump"), "--format=custom", f"--file={target}", _libpq_url(url)], check=True)


def restore_postgres(url: str, backup: Path) -> None:
    cmd = [_tool("pg_restore"), "--clean", "--if-exists", "--no-owner", f"--dbname={_libpq_url(url)}", str(backup)]
    subprocess.run(cmd, check=True)
