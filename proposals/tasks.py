"""Background jobs: the preview and the import of workbench uploads, and big exports.

Jobs are django-tasks tasks (the django.tasks interface of Django 6), kept in the database
by django-tasks-db and run by `manage.py db_worker`, on this machine or on as many others as
share the database and MEDIA_ROOT. A request records what to do on a row (an ImportRun, a
RegisterImport, an ExportJob) and queues a job in the same transaction; the job records its
progress on that row, each write a small transaction of its own (never inside the import's
per-file units of work), so that the row's page can show it.

Each queueing gives the row a new job id, which the job carries: a job whose id is no longer
the row's (retried meanwhile, or the row deleted) stops at its next progress write.
"""

import logging
import time
import uuid
from contextlib import contextmanager

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import DatabaseError
from django.utils import timezone
from django_tasks import task

from proposals.access import SYSTEM
from proposals.models.imports import BackgroundJob, ExportJob, ImportRun, JobStatus
from proposals.models.registers import RegisterImport

logger = logging.getLogger(__name__)

# Progress is written at most this often (and always at the start and the end).
PROGRESS_EVERY_SECONDS = 0.5
REASON_MAX = 500


class Superseded(Exception):
    """The row's job was queued again, or the row deleted, while this job ran: stop quietly."""


def job_queue(record: BackgroundJob, job, *args) -> None:
    """Mark `record` queued under a new job id and queue `job(record.pk, job_id, *args)`.

    Call within the transaction that changes the record, so that both happen or neither.
    """
    record.job_id = uuid.uuid4().hex
    record.job_status = JobStatus.QUEUED
    record.processed = record.total = 0
    record.job_error = ""
    record.job_updated_at = timezone.now()
    record.save(
        update_fields=["job_id", "job_status", "processed", "total", "job_error", "job_updated_at"]
        + (["job_kind"] if hasattr(record, "job_kind") else [])
    )
    job.enqueue(record.pk, record.job_id, *args)


def _current(record: BackgroundJob):
    return type(record).objects.filter(pk=record.pk, job_id=record.job_id)


class JobProgress:
    """Records how far a job has got on its row: `progress(processed, total)`.

    Writes at most every PROGRESS_EVERY_SECONDS unless `force`; raises Superseded when the
    row's job is no longer this one.
    """

    def __init__(self, record: BackgroundJob) -> None:
        self.record = record
        self.written_at = 0.0

    def __call__(self, processed: int, total: int | None = None, *, force: bool = False) -> None:
        if total is not None:
            self.record.total = total
        self.record.processed = processed
        now = time.monotonic()
        if not force and now - self.written_at < PROGRESS_EVERY_SECONDS:
            return
        self.written_at = now
        updated = _current(self.record).update(
            job_status=JobStatus.RUNNING,
            processed=processed,
            total=self.record.total,
            job_updated_at=timezone.now(),
        )
        if not updated:
            raise Superseded


def job_finish(record: BackgroundJob, **fields) -> None:
    """Mark the job done, with `fields` changed on the row as well (within the caller's
    transaction, if it has one). Raises Superseded when the row's job is no longer this one."""
    fields = {"job_status": JobStatus.DONE, "job_updated_at": timezone.now(), **fields}
    if not _current(record).update(**fields):
        raise Superseded
    for name, value in fields.items():
        setattr(record, name, value)


def failure_reason(error: Exception) -> str:
    """Why a job failed, in words a clerk can act on."""
    if isinstance(error, ValidationError):
        reason = "；".join(error.messages)
    elif isinstance(error, DatabaseError):
        reason = f"数据库出错，请稍后重试（{type(error).__name__}: {error}）"
    elif isinstance(error, OSError):
        reason = f"读写文件出错，请重试或重新上传（{type(error).__name__}: {error}）"
    else:
        reason = f"处理出错，请重试；仍然出错请告诉维护人员（{type(error).__name__}: {error}）"
    return reason[:REASON_MAX]


@contextmanager
def job_running(model, pk: int, job_id: str):
    """The row whose job this is, marked running; None if it is no longer this job's.

    An exception in the block marks the job failed with its reason (and is raised again for
    the worker's log, unless it is a ValidationError, a refusal already explained)."""
    claimed = model.objects.filter(
        pk=pk, job_id=job_id, job_status__in=[JobStatus.QUEUED, JobStatus.RUNNING]
    ).update(job_status=JobStatus.RUNNING, job_updated_at=timezone.now())
    if not claimed:
        logger.info("%s %s: job %s is no longer queued there; skipped", model.__name__, pk, job_id)
        yield None
        return
    try:
        yield model.objects.get(pk=pk)
    except Superseded:
        logger.info("%s %s: job %s was superseded", model.__name__, pk, job_id)
    except Exception as error:
        model.objects.filter(pk=pk, job_id=job_id).update(
            job_status=JobStatus.FAILED,
            job_error=failure_reason(error),
            job_updated_at=timezone.now(),
        )
        if not isinstance(error, ValidationError):
            raise


def actor_of(user_id: int | None):
    """The user a job acts for: SYSTEM when none was recorded."""
    return SYSTEM if user_id is None else get_user_model().objects.get(pk=user_id)


@task()
def import_run_preview_job(run_id: int, job_id: str) -> None:
    from proposals.services.imports import import_run_preview_build, previews_purge

    previews_purge()  # cheap; keeps uploads from growing without a cron job
    with job_running(ImportRun, run_id, job_id) as run:
        if run is not None:
            import_run_preview_build(run=run)


@task()
def import_run_import_job(run_id: int, job_id: str, actor_id: int | None) -> None:
    from proposals.services.imports import import_run_import

    with job_running(ImportRun, run_id, job_id) as run:
        if run is not None:
            import_run_import(run=run, actor=actor_of(actor_id))


@task()
def register_import_preview_job(run_id: int, job_id: str) -> None:
    from proposals.services.imports import previews_purge
    from proposals.services.registers import register_import_preview

    previews_purge()
    with job_running(RegisterImport, run_id, job_id) as run:
        if run is not None:
            register_import_preview(run=run)


@task()
def register_import_apply_job(run_id: int, job_id: str, actor_id: int | None) -> None:
    from proposals.services.registers import register_import_apply

    with job_running(RegisterImport, run_id, job_id) as run:
        if run is not None:
            register_import_apply(run=run, actor=actor_of(actor_id))


@task()
def export_write_job(export_id: int, job_id: str) -> None:
    from proposals.exports import export_job_write

    with job_running(ExportJob, export_id, job_id) as export:
        if export is not None:
            export_job_write(export=export)
