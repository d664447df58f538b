"""A throwaway PostgreSQL server for tests.

``postgresql_server()`` is a context manager: ``initdb`` into a fresh temporary directory,
``pg_ctl start`` listening on 127.0.0.1 at a free port (unix socket inside the same directory),
then, when the block ends (also on failure or KeyboardInterrupt), ``pg_ctl stop -m immediate``
and the directory is deleted. It yields a :class:`PgServer` that creates and drops databases.

PostgreSQL refuses to run as root. When the tests run as root, every server command is run as
the unprivileged ``postgres`` system user (created by the Debian ``postgresql`` package) with
``runuser -u postgres --``, and the temporary directory is created under /tmp (not a 0700
directory of root's) and chowned to that user. As any other user the commands run directly.

Binaries are looked up in ``$PG_BINDIR``, then ``/usr/lib/postgresql/<newest>/bin`` (Debian),
then ``PATH``. When they are missing, :class:`PostgresMissing` names the Debian package to
install: tests must fail, not skip, without PostgreSQL.
"""

from __future__ import annotations

import contextlib
import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

SUPERUSER = "vanthu"
DEBIAN_PACKAGE = "postgresql"  # pulls postgresql-15 on Debian 12 (bookworm)
RUN_AS = "postgres"


class PostgresMissing(RuntimeError):
    pass


def bindir() -> Path:
    """The directory holding ``initdb`` and ``pg_ctl``."""
    candidates: list[Path] = []
    if os.environ.get("PG_BINDIR"):
        candidates.append(Path(os.environ["PG_BINDIR"]))

    def version(p: str) -> int:
        try:
            return int(Path(p).parent.parent.name)
        except ValueError:
            return -1

    candidates += [Path(p).parent for p in sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=version, reverse=True)]
    found = shutil.which("initdb")
    if found:
        candidates.append(Path(found).parent)
    for c in candidates:
        if (c / "initdb").is_file() and (c / "pg_ctl").is_file():
            return c
    raise PostgresMissing(
        "PostgreSQL server binaries (initdb, pg_ctl) not found in $PG_BINDIR, /usr/lib/postgresql/*/bin "
        f"or PATH: install the Debian package '{DEBIAN_PACKAGE}' (apt-get install {DEBIAN_PACKAGE}, "
        "which provides postgresql-15 on Debian 12)"
    )


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _as_root() -> bool:
    return os.geteuid() == 0


def _prefix() -> list[str]:
    return ["runuser", "-u", RUN_AS, "--"] if _as_root() else []


def _run(args: list[str], what: str) -> None:
    proc = subprocess.run([*_prefix(), *args], capture_output=True, text=True, stdin=subprocess.DEVNULL)
    if proc.returncode != 0:
        raise RuntimeError(f"{what} failed ({proc.returncode}): {' '.join(args)}\n{proc.stdout}\n{proc.stderr}")


@dataclass
class PgServer:
    base: Path
    port: int
    user: str = SUPERUSER

    def url(self, dbname: str = "postgres") -> str:
        return f"postgresql+psycopg://{self.user}@127.0.0.1:{self.port}/{dbname}"

    def _admin(self):  # noqa: ANN202
        import psycopg

        return psycopg.connect(host="127.0.0.1", port=self.port, user=self.user, dbname="postgres", autocommit=True)

    def create_database(self, prefix: str = "t") -> str:
        """A new empty database (UTF-8); returns its SQLAlchemy URL."""
        name = f"{prefix}_{uuid.uuid4().hex[:12]}"
        with self._admin() as conn:
            conn.execute(f'CREATE DATABASE "{name}" TEMPLATE template0 ENCODING \'UTF8\'')
        return self.url(name)

    def drop_database(self, url: str) -> None:
        name = url.rsplit("/", 1)[1]
        with self._admin() as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _make_base() -> Path:
    if not _as_root():
        return Path(tempfile.mkdtemp(prefix="vanthu-pg-"))
    try:
        pw = pwd.getpwnam(RUN_AS)
    except KeyError:
        raise PostgresMissing(
            f"running as root needs the '{RUN_AS}' system user to run PostgreSQL as: install the Debian "
            f"package '{DEBIAN_PACKAGE}'"
        ) from None
    if shutil.which("runuser") is None:
        raise PostgresMissing("running as root needs runuser (Debian package util-linux) to drop privileges")
    base = Path(tempfile.mkdtemp(prefix="vanthu-pg-", dir="/tmp"))
    os.chown(base, pw.pw_uid, pw.pw_gid)
    return base


@contextlib.contextmanager
def postgresql_server(attempts: int = 5) -> Iterator[PgServer]:
    """Start a private PostgreSQL server; stop it and delete its files when the block ends."""
    bins = bindir()
    base = _make_base()
    data, sock, log = base / "data", base / "sock", base / "server.log"
    started = False
    try:
        _run(["mkdir", str(sock)], "mkdir")
        _run(
            [str(bins / "initdb"), "-D", str(data), "-U", SUPERUSER, "--auth=trust", "-E", "UTF8",
             "--no-locale", "--no-sync"],
            "initdb",
        )
        last_error: Exception | None = None
        for _ in range(attempts):  # the port can be taken between free_port() and the server's bind
            port = free_port()
            opts = f"-c listen_addresses=127.0.0.1 -p {port} -k {sock} -c fsync=off -c full_page_writes=off"
            try:
                _run([str(bins / "pg_ctl"), "-D", str(data), "-l", str(log), "-w", "-t", "60", "-o", opts, "start"],
                     "pg_ctl start")
            except RuntimeError as e:
                last_error = RuntimeError(f"{e}\nserver log:\n{_tail(log)}")
                continue
            started = True
            yield PgServer(base=base, port=port)
            return
        raise RuntimeError(f"PostgreSQL did not start after {attempts} attempts") from last_error
    finally:
        if started or (data / "postmaster.pid").exists():
            with contextlib.suppress(Exception):
                _run([str(bins / "pg_ctl"), "-D", str(data), "-m", "immediate", "-w", "-t", "60", "stop"], "pg_ctl stop")
        shutil.rmtree(base, ignore_errors=True)


def _tail(log: Path, lines: int = 30) -> str:
    try:
        return "\n".join(log.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return "(no log)"
