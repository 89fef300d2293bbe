"""Durable background jobs: an outbox row per job, written in the caller's transaction.

Flow: ``handler.enqueue(order_id=…)`` inserts a :class:`Job` row inside the open transaction and,
once it commits, pushes a Huey message carrying only the row id. The worker claims the row with a
conditional update (so two messages for one job run it once), runs the handler, and marks the row
done only after the handler returned. A failure schedules the next attempt with exponential
backoff; after ``ANXIN_JOB_MAX_ATTEMPTS`` the row is parked as ``dead`` for staff (admin → Jobs).
A periodic sweeper re-enqueues rows whose message was lost (web killed after commit, worker killed
mid-job, Redis flushed): Huey messages are wake-ups, the table is the truth.

Handlers must be idempotent: a job can run again after a worker died between the handler's side
effect and the ``done`` mark. Messages are sent through ``notifications.services`` which links each
message to its job and never sends a second one for the same job.
"""

from __future__ import annotations

import contextvars
import datetime as dt
import logging
import re
from collections.abc import Callable, Iterator
from functools import partial
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.module_loading import import_string

from anxin.core.rows import rows_insert
from anxin.notifications.choices import JobStatus
from anxin.notifications.models import Job

logger = logging.getLogger("anxin.jobs")

_handlers: dict[str, Callable[..., object]] = {}
_current_job: contextvars.ContextVar[Job | None] = contextvars.ContextVar("anxin_current_job", default=None)


class DurableJob:
    """A registered handler; call it to run inline, ``.enqueue(**ids)`` to run it durably after commit."""

    def __init__(self, fn: Callable[..., object]) -> None:
        self.fn = fn
        self.kind = f"{fn.__module__}.{fn.__name__}"
        self.__doc__ = fn.__doc__
        _handlers[self.kind] = fn

    def __call__(self, **payload: Any) -> object:
        return self.fn(**payload)

    def enqueue(self, *, not_before: dt.datetime | None = None, **payload: int | bool) -> Job:
        """Run after commit, or not before ``not_before`` (a deferred message: quiet hours)."""
        return job_enqueue(kind=self.kind, payload=payload, not_before=not_before)


def durable_job(fn: Callable[..., object]) -> DurableJob:
    return DurableJob(fn)


def current_job() -> Job | None:
    """The job whose handler is running in this thread, if any (used to make sends idempotent)."""
    return _current_job.get()


_PERSONAL = re.compile(r"[\w.+-]+@[\w-]+\.[\w.]+|\+?\d[\d \-]{5,}\d")


def error_text(exc: BaseException) -> str:
    """An exception as stored in job and message rows: carriers echo phone numbers and addresses
    in their errors, so digit runs and e-mail addresses are blanked out first."""
    return _PERSONAL.sub("[…]", f"{type(exc).__name__}: {exc}")[:300]


def _handler_for(kind: str) -> Callable[..., object]:
    if kind not in _handlers:
        module, _, _ = kind.rpartition(".")
        import_string(module + ".__name__")  # importing the module registers its handlers
    try:
        return _handlers[kind]
    except KeyError:
        raise LookupError(f"no durable job handler registered as {kind!r}") from None


def _check_payload(payload: dict[str, Any]) -> None:
    # Structural guarantee that no personal data lands in the job table or in Redis: ids and flags.
    for key, value in payload.items():
        if not isinstance(value, int):  # bool is an int
            raise TypeError(f"job payload {key!r} must be an id or a flag, not {type(value).__name__}")


def job_enqueue(*, kind: str, payload: dict[str, int | bool], not_before: dt.datetime | None = None) -> Job:
    """Insert the job row in the current transaction; wake the worker once it has committed.

    A job deferred with ``not_before`` is scheduled in Huey for that time; the row is the truth, so
    a lost schedule (Redis flushed overnight) is picked up by the sweeper once the row is due.
    """
    _check_payload(payload)
    _handler_for(kind)
    now = timezone.now()
    due = max(not_before, now) if not_before is not None else now
    job = Job.objects.create(kind=kind, payload=payload, next_attempt_at=due)
    eta: dt.datetime | None = due if due > now else None

    def wake() -> None:
        _wake(job.pk, eta=eta)

    transaction.on_commit(wake)
    return job


def jobs_enqueue(jobs: list[tuple[DurableJob, dict[str, int | bool]]]) -> list[Job]:
    """Several jobs in one INSERT (intake enqueues two per order); each wakes its worker after commit."""
    rows = []
    for handler, payload in jobs:
        _check_payload(payload)
        rows.append(Job(kind=handler.kind, payload=payload, next_attempt_at=timezone.now()))
    created = list(rows_insert(rows))  # one INSERT, without bulk_create's per-row bookkeeping
    for job in created:
        transaction.on_commit(partial(_wake, job.pk))  # binds this job's id, not the loop variable
    return created


def _wake(job_id: int, *, eta: dt.datetime | None = None) -> None:
    from anxin.notifications.tasks import job_run_task

    try:
        if eta is None:
            job_run_task(job_id)
        else:
            job_run_task.schedule((job_id,), eta=eta)
    except Exception:  # the queue is down: the row stays pending and the sweeper picks it up
        logger.exception("could not enqueue job %s; the sweeper will retry it", job_id)


def retry_delay(attempts: int) -> dt.timedelta:
    """Exponential backoff: base, 2×base, 4×base … capped."""
    seconds = settings.ANXIN_JOB_RETRY_BASE_S * 2 ** max(attempts - 1, 0)
    return dt.timedelta(seconds=min(seconds, settings.ANXIN_JOB_RETRY_MAX_S))


def _claim(job_id: int, now: dt.datetime) -> Job | None:
    lease = now + dt.timedelta(seconds=settings.ANXIN_JOB_LEASE_S)
    claimable = Q(status=JobStatus.PENDING, next_attempt_at__lte=now) | Q(
        status=JobStatus.RUNNING, locked_until__lt=now
    )
    claimed = Job.objects.filter(claimable, pk=job_id).update(
        status=JobStatus.RUNNING, locked_until=lease, attempts=F("attempts") + 1
    )
    return Job.objects.get(pk=job_id) if claimed else None


def job_run(*, job_id: int, now: dt.datetime | None = None) -> str:
    """Run one job if it is due and nobody else holds it. Returns what happened, for logs and tests."""
    now = now or timezone.now()
    job = _claim(job_id, now)
    if job is None:
        return "skipped"
    token = _current_job.set(job)
    try:
        # No surrounding transaction: a message sent and recorded must stay recorded even if a
        # later step of the handler fails, or the retry would send it again.
        _handler_for(job.kind)(**job.payload)
    except Exception as exc:
        return _job_failed(job=job, error=error_text(exc), now=now)
    finally:
        _current_job.reset(token)
    Job.objects.filter(pk=job.pk, status=JobStatus.RUNNING).update(
        status=JobStatus.DONE, done_at=timezone.now(), locked_until=None, last_error=""
    )
    return "done"


def _job_failed(*, job: Job, error: str, now: dt.datetime) -> str:
    if job.attempts >= settings.ANXIN_JOB_MAX_ATTEMPTS:
        logger.error("job %s %s is dead after %s attempts: %s", job.pk, job.kind, job.attempts, error)
        Job.objects.filter(pk=job.pk, status=JobStatus.RUNNING).update(
            status=JobStatus.DEAD, locked_until=None, last_error=error[:300]
        )
        return "dead"
    eta = now + retry_delay(job.attempts)
    logger.warning(
        "job %s %s failed (attempt %s), retry at %s: %s", job.pk, job.kind, job.attempts, eta, error
    )
    Job.objects.filter(pk=job.pk, status=JobStatus.RUNNING).update(
        status=JobStatus.PENDING, next_attempt_at=eta, locked_until=None, last_error=error[:300]
    )
    _wake(job.pk, eta=eta)
    return "retry"


def jobs_overdue(*, now: dt.datetime) -> Iterator[int]:
    """Pending rows whose wake-up is late by more than the grace, and rows whose worker's lease ran out."""
    grace = now - dt.timedelta(seconds=settings.ANXIN_JOB_SWEEP_GRACE_S)
    due = Q(status=JobStatus.PENDING, next_attempt_at__lte=grace) | Q(
        status=JobStatus.RUNNING, locked_until__lt=now
    )
    return Job.objects.filter(due).order_by("next_attempt_at").values_list("pk", flat=True)[:1000].iterator()


def jobs_sweep(*, now: dt.datetime | None = None) -> int:
    """Re-enqueue every overdue job. Safe to run anywhere and any number of times (claims are conditional)."""
    now = now or timezone.now()
    count = 0
    for job_id in jobs_overdue(now=now):
        _wake(job_id)
        count += 1
    if count:
        logger.warning("sweeper re-enqueued %s overdue job(s)", count)
    return count


@transaction.atomic
def job_retry(*, job: Job) -> Job:
    """Staff action on a dead job: give it a fresh set of attempts now."""
    Job.objects.filter(pk=job.pk, status=JobStatus.DEAD).update(
        status=JobStatus.PENDING, attempts=0, next_attempt_at=timezone.now(), locked_until=None
    )
    transaction.on_commit(lambda: _wake(job.pk))
    job.refresh_from_db()
    return job
