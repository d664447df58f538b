"""Running the service's processes: what ``vanthu worker`` and ``vanthu serve`` call.

- ``run_worker(burst)``: migrate the database, requeue jobs abandoned by dead
  workers, then run one rq worker on the ``vanthu`` queue (with rq's scheduler,
  which the retry intervals need). Blocks until the worker stops (SIGTERM or
  SIGINT: finish the current job and exit; a second signal: stop at once).
- ``start_worker_process()`` / ``stop_process(p)``: a worker as a child process of
  ``vanthu serve``, and stopping it cleanly (then less cleanly).
- ``kill_tree(pid)``: a worker and its work-horse (own process group) and tesseract at once.
"""

from __future__ import annotations

import contextlib
import logging
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from rq import Worker

log = logging.getLogger(__name__)

ROOT = Path(__file__).resolve().parent.parent
WORKER_COMMAND = "from service.runtime import run_worker; run_worker()"
# rq's defaults are 30 s and 10 min; shorter, a dead worker's job is noticed sooner.
JOB_MONITORING_INTERVAL = 10
MAINTENANCE_INTERVAL = 60
REDIS_WAIT = 30.0


class VanthuWorker(Worker):
    """An rq worker that also requeues abandoned jobs at each maintenance round."""

    def run_maintenance_tasks(self) -> None:
        super().run_maintenance_tasks()
        from worker.recovery import requeue_abandoned

        for q in self.queues:
            try:
                requeue_abandoned(q)
            except Exception:
                self.log.exception("requeue_abandoned failed on queue %s", q.name)


def _wait_for_redis(url: str, deadline_s: float = REDIS_WAIT) -> None:
    from worker.queue import ping

    deadline = time.monotonic() + deadline_s
    while not ping(url):
        if time.monotonic() > deadline:
            raise SystemExit(f"vanthu worker: Redis does not answer at {url} (set REDIS_URL, or run `vanthu serve`)")
        time.sleep(0.5)


def run_worker(burst: bool = False) -> None:
    """Run one rq worker on the ``vanthu`` queue (``vanthu worker``); blocks until it stops."""
    from store.db import dispose_engines, migrate
    from store.registry import ensure_seeded
    from worker.queue import connect, queue, redis_url
    from worker.recovery import requeue_abandoned

    logging.basicConfig(level=os.environ.get("VANTHU_LOG_LEVEL", "INFO"),
                        format="%(asctime)s %(process)d %(name)s %(levelname)s %(message)s")
    migrate()
    ensure_seeded()
    dispose_engines()  # no pooled connection crosses the work-horse fork
    import worker.analyze  # noqa: F401  (loaded once here; every forked work-horse inherits it)
    url = redis_url()
    _wait_for_redis(url)
    connection = connect(url)
    q = queue(connection)
    requeued = requeue_abandoned(q)
    if requeued:
        log.warning("requeued %d job(s) abandoned by dead workers", requeued)
    worker = VanthuWorker([q], connection=connection, job_monitoring_interval=JOB_MONITORING_INTERVAL,
                          maintenance_interval=MAINTENANCE_INTERVAL)
    worker.work(burst=burst, with_scheduler=True, logging_level=os.environ.get("VANTHU_LOG_LEVEL", "INFO"))


def start_worker_process(env: dict[str, str] | None = None, *, burst: bool = False,
                         stdout=None, stderr=None) -> subprocess.Popen:
    """Start ``run_worker()`` in a child process (its own session, so a Ctrl-C reaches only the parent).

    ``env`` defaults to this process's environment (``REDIS_URL`` as set by
    ``ensure_redis()``, ``DATABASE_URL``, ``VANTHU_HOME``); the repository root is
    put on ``PYTHONPATH`` so an uninstalled checkout works too.
    """
    env = dict(os.environ if env is None else env)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(ROOT), env.get("PYTHONPATH", "")) if p)
    code = WORKER_COMMAND if not burst else "from service.runtime import run_worker; run_worker(burst=True)"
    return subprocess.Popen([sys.executable, "-c", code], env=env, cwd=str(ROOT), stdin=subprocess.DEVNULL,
                            stdout=stdout, stderr=stderr, start_new_session=True)


def descendants(pid: int) -> list[int]:
    """Every live descendant of ``pid`` (Linux ``/proc``; empty elsewhere), children first."""
    found: list[int] = []
    todo = [pid]
    while todo:
        parent = todo.pop()
        for task in Path(f"/proc/{parent}/task").glob("*"):
            with contextlib.suppress(OSError, ValueError):
                for child in (task / "children").read_text().split():
                    if int(child) not in found:
                        found.append(int(child))
                        todo.append(int(child))
    return found


def kill_tree(pid: int, sig: int = signal.SIGKILL) -> None:
    """Send ``sig`` to ``pid`` and to all its descendants (an rq work-horse runs in its own process group)."""
    family = descendants(pid)
    for target in [pid, *family]:
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.kill(target, sig)


def stop_process(p: subprocess.Popen, timeout: float = 60.0) -> int | None:
    """Stop a worker process started by ``start_worker_process``; return its exit code.

    SIGTERM first (rq's warm shutdown: the current job finishes) for ``timeout``
    seconds; then a second SIGTERM (cold shutdown: rq kills the work-horse, the job
    is retried or requeued later) for 10 s; then SIGKILL to it and its descendants.
    """
    if p.poll() is not None:
        return p.returncode
    for sig, wait in ((signal.SIGTERM, timeout), (signal.SIGTERM, 10.0)):
        with contextlib.suppress(ProcessLookupError):
            p.send_signal(sig)
        try:
            return p.wait(wait)
        except subprocess.TimeoutExpired:
            continue
    kill_tree(p.pid, signal.SIGKILL)
    try:
        return p.wait(10)
    except subprocess.TimeoutExpired:
        log.error("process %s did not die after SIGKILL", p.pid)
        return None

