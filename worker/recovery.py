"""Put back on the queue the extraction jobs whose worker died under them.

A worker killed with SIGKILL (OOM killer, power cut, ``docker kill``) leaves its
job in rq's ``StartedJobRegistry`` with status ``started`` and nobody working on
it. rq itself notices only when the execution's heartbeat expires (about
``job_monitoring_interval + 60`` s later): it then retries the job if retries are
left, or moves it to the ``FailedJobRegistry`` with "Moved to FailedJobRegistry,
due to AbandonedJobError". ``requeue_abandoned`` handles both cases, sooner:

- a started job is abandoned when its worker's key is gone (expired), or when the
  worker ran on this host and its process no longer exists — and no process of
  ours still runs the job (an orphaned work-horse keeps working after its parent
  died; its pid is in ``job.meta``);
- a failed job counts when its failure says the worker was lost (abandoned, or
  the work-horse was killed), not when the job raised.

Only extraction jobs (``worker.jobs.extract_document``) whose document is not done
are requeued; each job is recovered at most ``MAX_RECOVERIES`` times, after which
its document is marked failed (``worker_lost``): a file that kills every worker
that reads it must not loop forever.
"""

from __future__ import annotations

import contextlib
import logging
import os
import socket

from redis import Redis
from rq import Queue, Worker
from rq.exceptions import InvalidJobOperation, NoSuchJobError
from rq.job import Job, JobStatus
from rq.registry import FailedJobRegistry, StartedJobRegistry

from worker.queue import EXTRACT_FUNC

log = logging.getLogger(__name__)

MAX_RECOVERIES = 3
_LOST_MARKERS = ("abandoned", "moved to failedjobregistry", "work-horse terminated unexpectedly")


def pid_alive(pid: int | None) -> bool:
    """True when a process with this pid exists on this machine."""
    if not pid or pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # exists, owned by someone else
        return True
    # A zombie (dead, not yet reaped by its parent) is not alive for our purpose.
    with contextlib.suppress(OSError), open(f"/proc/{pid}/stat", encoding="ascii", errors="replace") as fh:
        if fh.read().rsplit(")", 1)[-1].split()[0] == "Z":
            return False
    return True


def _is_ours(job: Job) -> bool:
    try:
        return job.func_name == EXTRACT_FUNC
    except Exception:  # undeserializable job: not ours to touch
        return False


def _document_id(job: Job) -> int | None:
    try:
        return int(job.args[0])
    except Exception:
        return None


def _still_running(job: Job, connection: Redis) -> bool:
    """Whether some process may still be working on a started job."""
    host = socket.gethostname()
    meta_pid, meta_host = job.meta.get("pid"), job.meta.get("host")
    if meta_host == host and pid_alive(meta_pid):
        return True  # the work-horse (maybe orphaned) is alive: let it finish
    name = job.worker_name
    if not name:
        return True  # cannot tell: leave it to rq's heartbeat-based cleanup
    worker = Worker.find_by_key(Worker.redis_worker_namespace_prefix + name, connection=connection)
    if worker is None:
        return False  # the worker's key expired: no heartbeat for a long while
    if worker.hostname == host:
        if not pid_alive(worker.pid):
            return False
        # The worker lives; the job is its current one unless it already moved on.
        current = worker.get_current_job_id()
        return current is None or current == job.id
    return True  # another machine, key not expired: trust its heartbeat


def _lost_reason(job: Job) -> str:
    text = ""
    with contextlib.suppress(Exception):
        result = job.latest_result()
        if result is not None and result.exc_string:
            text = result.exc_string
    if not text:
        text = job.exc_info or ""
    return text


def _requeue(job: Job, q: Queue, from_registry: str) -> bool:
    """Enqueue ``job`` again (or fail its document after too many recoveries); True when requeued."""
    from worker.jobs import WORKER_LOST, document_done, mark_failed

    document_id = _document_id(job)
    if document_id is not None and document_done(document_id):
        log.info("job %s (%s): document %s is done, not requeued", job.id, from_registry, document_id)
        return False
    recovered = int(job.meta.get("recovered", 0))
    if recovered >= MAX_RECOVERIES:
        log.warning("job %s lost its worker %d times; document %s marked failed", job.id, recovered + 1,
                    document_id)
        if document_id is not None:
            mark_failed(document_id, WORKER_LOST)
        return False
    job.meta["recovered"] = recovered + 1
    job.meta.update({"stage": "queued", "done": 0, "total": 0})
    job.meta.pop("pid", None)
    job.save_meta()
    q.enqueue_job(job)
    log.warning("job %s (document %s) requeued: its worker died (%s)", job.id, document_id, from_registry)
    if document_id is not None:
        from worker.jobs import _mark_unless_done

        with contextlib.suppress(Exception):
            _mark_unless_done(document_id, status="queued", stage="requeued")
    return True


def _requeue_started(q: Queue) -> int:
    registry = StartedJobRegistry(queue=q)
    count = 0
    entries = registry.get_job_and_execution_ids(cleanup=False)
    by_job: dict[str, list[str]] = {}
    for job_id, execution_id in entries:
        by_job.setdefault(job_id, []).append(f"{job_id}:{execution_id}" if execution_id else job_id)
    for job_id, keys in by_job.items():
        try:
            job = Job.fetch(job_id, connection=q.connection, serializer=q.serializer)
        except NoSuchJobError:
            q.connection.zrem(registry.key, *keys)
            continue
        if not _is_ours(job) or job.get_status() != JobStatus.STARTED:
            continue
        if _still_running(job, q.connection):
            continue
        # Take it out of the started registry first: only one recoverer wins the ZREM.
        if not q.connection.zrem(registry.key, *keys):
            continue
        with contextlib.suppress(Exception):
            registry.remove_executions(job)
        if _requeue(job, q, "started"):
            count += 1
        else:
            # Done already, or given up: leave a trace in the failed registry.
            with contextlib.suppress(Exception):
                job.set_status(JobStatus.FAILED)
                q.failed_job_registry.add(job, exc_string="worker lost; not requeued")
    return count


def _requeue_failed(q: Queue) -> int:
    registry = FailedJobRegistry(queue=q)
    count = 0
    for job_id in registry.get_job_ids():
        try:
            job = Job.fetch(job_id, connection=q.connection, serializer=q.serializer)
        except NoSuchJobError:
            registry.remove(job_id)
            continue
        if not _is_ours(job) or job.meta.get("recovery_done"):
            continue
        reason = _lost_reason(job).lower()
        if not any(marker in reason for marker in _LOST_MARKERS):
            continue
        if not q.connection.zrem(registry.key, job.id):
            continue  # another worker took it
        if _requeue(job, q, "failed"):
            count += 1
        else:
            job.meta["recovery_done"] = True
            job.save_meta()
            registry.add(job, exc_string=_lost_reason(job) or "worker lost; not requeued")
    return count


def requeue_abandoned(q: Queue | None = None) -> int:
    """Requeue the extraction jobs whose worker died; return how many were put back."""
    if q is None:
        from worker.queue import queue

        q = queue()
    try:
        return _requeue_started(q) + _requeue_failed(q)
    except InvalidJobOperation:
        log.exception("requeue_abandoned: a job changed state under us")
        return 0
