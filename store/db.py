"""Engine, sessions and migrations.

- :func:`engine` returns one SQLAlchemy engine per URL per process (created on first use).
- :func:`session` is a context manager: commit on success, rollback on error, always close.
  Its sessions use ``expire_on_commit=False`` so objects stay readable after the block
  (``doc.id``, ``doc.status``) without another query.
- :func:`migrate` runs Alembic ``upgrade head`` with the scripts in ``store/migrations/``; no
  ``alembic.ini`` is needed (see :func:`alembic_config`). It is safe to call from several
  processes at once on a fresh database: on PostgreSQL the migration runs in one transaction
  holding ``pg_advisory_xact_lock``; on SQLite it runs inside ``BEGIN IMMEDIATE`` (the database
  write lock, waited for with the busy timeout), so the second caller finds the schema at head.

SQLite connections get ``foreign_keys=ON``, WAL journaling (web and worker processes read
while one writes) and a 30 s busy timeout. Engines are not shared across ``fork()`` (rq forks a
work horse per job): the child drops the inherited pools without closing the parent's sockets.
"""

from __future__ import annotations

import json
import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

from store.config import database_url, normalize_url

MIGRATIONS = Path(__file__).resolve().parent / "migrations"
SQLITE_BUSY_TIMEOUT_S = 30
# pg_advisory_xact_lock key for migrations: any constant bigint; this one spells "vanthu".
MIGRATION_LOCK_KEY = int.from_bytes(b"vanthu", "big")

_engines: dict[str, Engine] = {}
_makers: dict[str, sessionmaker[Session]] = {}
_lock = threading.Lock()


def _json_dumps(value: object) -> str:
    # Vietnamese stays readable in the database (no \u escapes); the value is the same either way.
    return json.dumps(value, ensure_ascii=False)


def _resolve(url: str | None) -> str:
    return normalize_url(url) if url else database_url()


def _create(url: str) -> Engine:
    u = make_url(url)
    if u.get_backend_name() == "sqlite":
        db = u.database or ""
        memory = db in ("", ":memory:") or db.startswith("file::memory:")
        if not memory:
            Path(db).expanduser().parent.mkdir(parents=True, exist_ok=True)
        eng = create_engine(
            url,
            json_serializer=_json_dumps,
            connect_args={"timeout": SQLITE_BUSY_TIMEOUT_S, "check_same_thread": False},
        )

        @event.listens_for(eng, "connect")
        def _sqlite_pragmas(dbapi_conn, _record):  # noqa: ANN001
            cur = dbapi_conn.cursor()
            try:
                cur.execute(f"PRAGMA busy_timeout = {SQLITE_BUSY_TIMEOUT_S * 1000}")
                cur.execute("PRAGMA foreign_keys = ON")
                if not memory:
                    cur.execute("PRAGMA journal_mode = WAL")
            finally:
                cur.close()

        return eng
    return create_engine(url, json_serializer=_json_dumps, pool_pre_ping=True)


def engine(url: str | None = None) -> Engine:
    """The engine for ``url`` (default :func:`store.config.database_url`), one per process."""
    url = _resolve(url)
    with _lock:
        eng = _engines.get(url)
        if eng is None:
            eng = _engines[url] = _create(url)
        return eng


def sessionmaker_for(url: str | None = None) -> sessionmaker[Session]:
    """The session factory behind :func:`session` (for callers that manage sessions themselves)."""
    url = _resolve(url)
    eng = engine(url)
    with _lock:
        maker = _makers.get(url)
        if maker is None:
            maker = _makers[url] = sessionmaker(bind=eng, expire_on_commit=False)
        return maker


@contextmanager
def session(url: str | None = None) -> Iterator[Session]:
    """A session that commits when the block ends normally and rolls back when it raises."""
    s = sessionmaker_for(url)()
    try:
        yield s
        s.commit()
    except BaseException:
        s.rollback()
        raise
    finally:
        s.close()


def dispose_engines() -> None:
    """Close every cached engine's pool and forget it (tests; a process changing databases)."""
    with _lock:
        engines = list(_engines.values())
        _engines.clear()
        _makers.clear()
    for eng in engines:
        eng.dispose()


def _after_fork_in_child() -> None:
    # The parent's pooled connections must not be used by the child: drop them unclosed.
    for eng in list(_engines.values()):
        eng.dispose(close=False)


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_after_fork_in_child)


def alembic_config(url: str | None = None) -> Config:
    """An Alembic ``Config`` built in code: script location ``store/migrations``, the given URL."""
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    # configparser interpolates '%'; URLs with escaped passwords contain it.
    cfg.set_main_option("sqlalchemy.url", _resolve(url).replace("%", "%%"))
    return cfg


def migrate(url: str | None = None, revision: str = "head") -> None:
    """Alembic ``upgrade head`` (or ``revision``), serialized across processes (module docstring)."""
    url = _resolve(url)
    eng = engine(url)
    cfg = alembic_config(url)
    with eng.connect() as conn:
        dialect = conn.dialect.name
        with conn.begin():
            if dialect == "sqlite":
                # pysqlite begins no transaction before DDL: open one holding the write lock.
                conn.exec_driver_sql("BEGIN IMMEDIATE")
            elif dialect == "postgresql":
                conn.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": MIGRATION_LOCK_KEY})
            cfg.attributes["connection"] = conn
            command.upgrade(cfg, revision)


def downgrade(revision: str, url: str | None = None) -> None:
    """Alembic ``downgrade`` (tests and manual recovery; the service never calls it)."""
    url = _resolve(url)
    cfg = alembic_config(url)
    with engine(url).begin() as conn:
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, revision)
