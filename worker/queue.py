"""The rq queue the web app and the workers share, and the local Redis behind it.

Everything about Redis lives here: where it is (``REDIS_URL``), the one queue
(``vanthu``), how an extraction job is enqueued (retries, timeout, failure
callback), and ``ensure_redis()``, which starts a private ``redis-server`` under
``$VANTHU_HOME/redis`` when none answers so that ``vanthu serve`` works on a
bare machine.
"""

from __future__ import annotations

import atexit
import logging
import os
import shutil
import signal
import socket
import subprocess
import time
import uuid
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from redis import Redis
from redis.exceptions import RedisError
from rq import Callback, Queue, Retry

if TYPE_CHECKING:
    from rq.job import Job as RqJob
    from sqlalchemy.orm import Session

log = logging.getLogger(__name__)

QUEUE_NAME = "vanthu"
DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/0"
DEFAULT_JOB_TIMEOUT = 1800
RETRY_INTERVALS = [5, 30, 120]
# The function path, not the function: enqueuing must not import the readers (OCR, spaCy).
EXTRACT_FUNC = "worker.jobs.extract_document"
EXTRACT_FAILURE_CALLBACK = "worker.jobs.on_extract_failure"
# Failed jobs are kept a week for inspection (`rq info`); the document row keeps the reason for good.
FAILURE_TTL = 7 * 24 * 3600
RESULT_TTL = 24 * 3600
_LOOPBACK = {"127.0.0.1", "localhost", "::1"}
_START_DEADLINE = 15.0

# The redis-server this process started (None when we reuse one that was already running).
_redis_process: subprocess.Popen | None = None


def redis_url() -> str:
    """``REDIS_URL``, or the local default."""
    return os.environ.get("REDIS_URL") or DEFAULT_REDIS_URL


def connect(url: str | None = None) -> Redis:
    """A Redis client for ``url`` (default ``REDIS_URL``); does not talk to the server yet."""
    return Redis.from_url(url or redis_url(), socket_connect_timeout=5, health_check_interval=30)


def job_timeout() -> int:
    """Seconds one extraction may run (``VANTHU_JOB_TIMEOUT``, default 1800)."""
    try:
        value = int(os.environ.get("VANTHU_JOB_TIMEOUT", DEFAULT_JOB_TIMEOUT))
    except ValueError:
        return DEFAULT_JOB_TIMEOUT
    return value if value > 0 else DEFAULT_JOB_TIMEOUT


def queue(connection: Redis | None = None) -> Queue:
    """The ``vanthu`` queue."""
    return Queue(QUEUE_NAME, connection=connection or connect(), default_timeout=job_timeout())


def enqueue_extract(
    document_id: int, *, session: Session | None = None, connection: Redis | None = None
) -> RqJob:
    """Queue the extraction of one stored document and record it as a ``Job`` row.

    Call it after the document row is committed (a worker may start at once).
    With ``session`` the ``Job`` row and the document's ``queued`` status are added
    to the caller's transaction; without it they are committed here.
    Retried by rq up to 3 times (after 5, 30, 120 s) on transient errors; a
    ``ReadError`` is final and never retried (see ``worker.jobs``).
    """
    rq_id = uuid.uuid4().hex
    if session is not None:
        _record_job(session, document_id, rq_id)
        return _enqueue(document_id, rq_id, connection)  # raising rolls the caller's transaction back
    from store.db import session as open_session

    with open_session() as own:
        _record_job(own, document_id, rq_id)
    try:
        return _enqueue(document_id, rq_id, connection)
    except Exception as exc:  # Redis down: the Job row must not claim a queued job
        with open_session() as own:
            _job_row_failed(own, rq_id, f"not queued: {exc}")
        raise


def _enqueue(document_id: int, rq_id: str, connection: Redis | None) -> RqJob:
    return queue(connection).enqueue(
        EXTRACT_FUNC,
        document_id,
        job_id=rq_id,
        job_timeout=job_timeout(),
        retry=Retry(max=3, interval=list(RETRY_INTERVALS)),
        on_failure=Callback(EXTRACT_FAILURE_CALLBACK),
        result_ttl=RESULT_TTL,
        failure_ttl=FAILURE_TTL,
        description=f"extract document {document_id}",
        meta={"kind": "extract", "document_id": document_id, "stage": "queued", "done": 0, "total": 0},
    )


def _job_row_failed(session: Session, rq_id: str, error: str) -> None:
    from sqlalchemy import select

    from store.models import Job, utcnow

    row = session.scalars(select(Job).where(Job.rq_id == rq_id)).first()
    if row is not None:
        row.status, row.error, row.finished_at = "failed", error, utcnow()


def _record_job(session: Session, document_id: int, rq_id: str) -> None:
    from store.models import Document, Job

    document = session.get(Document, document_id)
    if document is None:
        raise LookupError(f"document {document_id} does not exist")
    if document.status != "running":
        document.status = "queued"
        document.stage = None
        document.progress_done = 0
        document.progress_total = 0
        document.error_code = document.error_vi = document.error_en = None
    session.add(Job(document_id=document_id, rq_id=rq_id, kind="extract", status="queued", attempts=0))
    session.flush()


# --- drafts and consolidations -----------------------------------------------------------------

# Jobs that render drafts and read consolidation batches: (function, failure callback) by kind.
TASKS = {
    "draft": ("worker.drafts.render_draft", "worker.drafts.on_task_failure"),
    "consolidation": ("worker.drafts.consolidate_batch", "worker.drafts.on_task_failure"),
}


def enqueue_task(kind: str, row_id: int, *, connection: Redis | None = None) -> str:
    """Queue the job of a ``Draft`` (``kind="draft"``) or ``Consolidation`` row; return the rq id.

    The row keeps its own status and ``rq_id`` (set here), so no ``Job`` row is written.
    Retried like extractions; a bad context or template is final (``worker.drafts``).
    """
    func, on_failure = TASKS[kind]
    rq_id = uuid.uuid4().hex
    from store.db import session as open_session
    from store.models import Consolidation, Draft

    model = Draft if kind == "draft" else Consolidation
    with open_session() as own:
        row = own.get(model, row_id)
        if row is None:
            raise LookupError(f"{kind} {row_id} does not exist")
        row.rq_id, row.status = rq_id, "queued"
    queue(connection).enqueue(
        func, row_id, job_id=rq_id, job_timeout=job_timeout(),
        retry=Retry(max=3, interval=list(RETRY_INTERVALS)), on_failure=Callback(on_failure),
        result_ttl=RESULT_TTL, failure_ttl=FAILURE_TTL, description=f"{kind} {row_id}",
        meta={"kind": kind, f"{kind}_id": row_id, "stage": "queued", "done": 0, "total": 0},
    )
    return rq_id


# --- a local Redis ---------------------------------------------------------------------------


def ping(url: str, timeout: float = 1.0) -> bool:
    """True when a Redis server answers at ``url``."""
    client = Redis.from_url(url, socket_connect_timeout=timeout, socket_timeout=timeout)
    try:
        return bool(client.ping())
    except (RedisError, OSError):
        return False
    finally:
        client.close()


def _home() -> Path:
    try:
        from store.config import home

        return Path(home())
    except ImportError:  # store/ not importable: same default as store.config
        return Path(os.environ.get("VANTHU_HOME") or "./var")


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _port_free(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        try:
            sock.bind(("127.0.0.1", port))
        except OSError:
            return False
        return True


def ensure_redis() -> str:
    """Return the URL of a Redis that answers, starting a local one when none does.

    ``REDIS_URL`` is pinged first. If nothing answers and it names this machine
    (or is unset), ``redis-server`` is started as a child process bound to
    127.0.0.1 with its data in ``$VANTHU_HOME/redis`` (append-only file, so queued
    jobs survive a restart), on the URL's port when free or else on a free port.
    ``REDIS_URL`` is then set in ``os.environ`` so worker processes started later
    use the same server. Stop it with ``stop_redis()`` (also run at exit).
    """
    global _redis_process

    url = redis_url()
    if ping(url):
        return url
    if _redis_process is not None and _redis_process.poll() is None:
        raise RuntimeError(f"the local redis-server (pid {_redis_process.pid}) no longer answers at {url}")
    parts = urlsplit(url)
    if parts.scheme not in ("redis", "") or (parts.hostname or "127.0.0.1") not in _LOOPBACK:
        raise RuntimeError(f"Redis does not answer at {url}; start it, or unset REDIS_URL to run a local one")
    binary = shutil.which("redis-server")
    if binary is None:
        raise RuntimeError("Redis does not answer and redis-server is not installed (apt install redis-server)")

    explicit = bool(os.environ.get("REDIS_URL"))
    port = parts.port or 6379
    if not _port_free(port):
        if explicit and parts.port:
            raise RuntimeError(f"port {port} of REDIS_URL={url} is taken by something that is not Redis")
        port = free_port()
    db = (parts.path or "/0").lstrip("/") or "0"
    new_url = f"redis://127.0.0.1:{port}/{db}"

    data_dir = _home() / "redis"
    data_dir.mkdir(parents=True, exist_ok=True)
    logfile = data_dir / "redis.log"
    args = [binary, "--bind", "127.0.0.1", "--port", str(port), "--dir", str(data_dir),
            "--appendonly", "yes", "--daemonize", "no", "--logfile", str(logfile)]
    log.info("starting redis-server on %s (data in %s)", new_url, data_dir)
    # Own session: a Ctrl-C meant for `vanthu serve` must not kill Redis before the workers stop.
    process = subprocess.Popen(args, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL, start_new_session=True)
    deadline = time.monotonic() + _START_DEADLINE
    while not ping(new_url, timeout=0.5):
        if process.poll() is not None:
            raise RuntimeError(f"redis-server exited with {process.returncode}; see {logfile}:\n{_tail(logfile)}")
        if time.monotonic() > deadline:
            _terminate(process)
            raise RuntimeError(f"redis-server did not answer within {_START_DEADLINE:.0f} s; see {logfile}")
        time.sleep(0.1)
    _redis_process = process
    (data_dir / "redis.pid").write_text(f"{process.pid}\n")
    os.environ["REDIS_URL"] = new_url
    atexit.register(stop_redis)
    return new_url


def started_redis() -> subprocess.Popen | None:
    """The redis-server process ``ensure_redis()`` started, if any."""
    return _redis_process


def stop_redis(timeout: float = 10.0) -> None:
    """Stop the redis-server that ``ensure_redis()`` started (SIGTERM saves the data; no-op otherwise)."""
    global _redis_process

    process, _redis_process = _redis_process, None
    if process is None:
        return
    _terminate(process, timeout)
    pidfile = _home() / "redis" / "redis.pid"
    try:
        if pidfile.read_text().strip() == str(process.pid):
            pidfile.unlink()
    except OSError:
        pass


def _terminate(process: subprocess.Popen, timeout: float = 10.0) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(5)


def _tail(path: Path, lines: int = 20) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return ""

