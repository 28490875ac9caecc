"""Reply letters uploaded in the workbench: kept, checked one by one, previewed with nothing
written, then imported when confirmed. The preview and the import are background jobs
(proposals/tasks.py); the request only keeps the upload and queues them.

The upload reaches here already capped (proposals/uploads.py) and on disk; its files are kept
under MEDIA_ROOT/uploads/ until they are imported or the preview expires (previews_purge).
The preview job opens a .zip member by member, reading each with a running byte count (the
sizes an archive declares are never trusted), and runs the very importer the command uses
inside a transaction that is rolled back; confirming imports exactly the files previewed. A
file that cannot be a letter (an empty file, a picture, a broken or oversized archive member)
is refused on its own with the reason; the others go on.
"""

import lzma
import uuid
import zipfile
import zlib
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import timedelta
from pathlib import PurePosixPath
from typing import IO

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile, File
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from proposals.access import import_remit, officer_bureau_id, require_clerk, user_or_none
from proposals.extraction import LETTER_SUFFIXES
from proposals.importing import ImportOutcome, ImportStatus, LetterDefaults, LetterImporter
from proposals.models import Bureau, ImportedFile, ImportRun, RegisterImport
from proposals.models.imports import ExportJob, JobKind, JobStatus
from proposals.parsing.files import LetterFile, letter_from_bytes
from proposals.tasks import (
    JobProgress,
    actor_of,
    import_run_import_job,
    import_run_preview_job,
    job_finish,
    job_queue,
)
from proposals.uploads import Limits

# A scanned letter of several pages runs to a few MB a page.
MAX_FILE_BYTES = 20 * 1024 * 1024
MAX_TOTAL_BYTES = 50 * 1024 * 1024
MAX_FILES = 1000
# What the upload handler lets through: a .zip may hold the whole upload.
UPLOAD_LIMITS = Limits(
    file_bytes=MAX_FILE_BYTES,
    total_bytes=MAX_TOTAL_BYTES,
    files=MAX_FILES,
    archive_bytes=MAX_TOTAL_BYTES,
)
READ_CHUNK = 1024 * 1024
# What can go wrong unpacking one member of a damaged archive.
ZIP_ERRORS = (
    zipfile.BadZipFile,
    zlib.error,
    lzma.LZMAError,
    EOFError,
    OSError,
    ValueError,
    NotImplementedError,
)


@dataclass(frozen=True)
class Upload:
    """One uploaded file: its bytes, or a file to read in chunks (an upload on disk)."""

    name: str
    data: bytes | None = None
    file: IO | File | None = None

    def content(self) -> File:
        if self.file is None:
            return ContentFile(self.data or b"")
        return self.file if isinstance(self.file, File) else File(self.file)


@dataclass(frozen=True)
class Refused:
    """An uploaded file that is not a letter to read, and why."""

    name: str
    reason: str


@dataclass(frozen=True)
class Stored:
    """A file to read, kept in storage under `path`."""

    name: str
    path: str


class _Rollback(Exception):
    pass


class _TooLarge(Exception):
    pass


def upload_store(folder: str, upload: Upload) -> str:
    """Keep an uploaded file under MEDIA_ROOT/uploads/<folder>/; return its storage name.

    An upload already on disk is moved, not read."""
    suffix = PurePosixPath(upload.name).suffix.lower()[:10]
    return default_storage.save(f"uploads/{folder}/{uuid.uuid4().hex}{suffix}", upload.content())


def _stored_bytes(path: str) -> bytes:
    with default_storage.open(path, "rb") as file:
        return file.read()


def _files_delete(paths) -> None:
    for path in set(paths):
        if path:
            default_storage.delete(path)


# The request: keep the upload, queue its preview.


def import_run_upload(*, uploads: Sequence[Upload | Refused], actor) -> ImportRun:
    """Keep the uploaded files with a new run and queue its preview job; return the run.

    `uploads` in the order uploaded, with the files the upload handler refused. Raises
    OutsideRemit for a user who may not import, ValidationError if nothing was uploaded.
    """
    with transaction.atomic():
        run = _run_create(uploads=uploads, actor=actor)
        job_queue(run, import_run_preview_job)
    return run


def import_run_preview(*, uploads: Sequence[Upload | Refused], actor) -> ImportRun:
    """Keep the uploaded files and preview them at once, without a job; return the run."""
    run = _run_create(uploads=uploads, actor=actor)
    return import_run_preview_build(run=run)


def _run_create(*, uploads: Sequence[Upload | Refused], actor) -> ImportRun:
    import_remit(actor)  # raises OutsideRemit for a reader who may not import at all
    if not uploads:
        raise ValidationError("没有上传任何文件。")
    kept = []
    try:
        for upload in uploads:
            if isinstance(upload, Refused):
                kept.append({"name": upload.name, "reason": upload.reason})
            else:
                kept.append({"name": upload.name, "file": upload_store("replies", upload)})
        return ImportRun.objects.create(
            created_by=user_or_none(actor),
            bureau_id=officer_bureau_id(actor),
            uploads=kept,
            job_id=uuid.uuid4().hex,
            job_status=JobStatus.QUEUED,
            job_updated_at=timezone.now(),
        )
    except BaseException:
        _files_delete(entry.get("file") for entry in kept)
        raise


# The preview job.


def import_run_preview_build(*, run: ImportRun) -> ImportRun:
    """The preview's work: open the run's upload, check each file, read each letter and record
    what importing it would do, writing no domain rows; return the run.

    Records its progress on the run as it goes (one file read, one step). Started again (a
    retry), it begins afresh from the upload.
    """
    progress = JobProgress(run)
    _preview_forget(run)
    files = _checked_files(run.uploads)
    progress(0, len(files), force=True)
    letters: list[LetterFile] = []
    for position, file in enumerate(files, start=1):
        if isinstance(file, Stored):
            letters.append(letter_from_bytes(file.name, _stored_bytes(file.path)))
        progress(position)
    importer = _importer(_uploader(run), run.bureau)
    outcomes: list[ImportOutcome] = []
    try:
        with transaction.atomic():
            outcomes = list(importer.import_letters(letters))
            raise _Rollback
    except _Rollback:
        pass
    read = iter(outcomes)
    with transaction.atomic():
        ImportedFile.objects.bulk_create(
            _previewed(run, position, file, next(read) if isinstance(file, Stored) else None)
            for position, file in enumerate(files)
        )
        job_finish(run, processed=len(files), total=len(files))
    return run


def _previewed(run, position: int, file, outcome: ImportOutcome | None) -> ImportedFile:
    if outcome is None:
        return ImportedFile(
            run=run,
            position=position,
            name=file.name,
            readable=False,
            preview_status=ImportStatus.REJECTED,
            preview_error=file.reason,
        )
    return ImportedFile(
        run=run,
        position=position,
        name=file.name,
        stored=file.path,
        preview_status=outcome.status,
        preview_error=outcome.error or "",
        preview_changes=outcome.changes,
        preview_conflicts=outcome.conflicts,
    )


def _preview_forget(run: ImportRun) -> None:
    """Remove what an earlier attempt at the preview left: its rows and unpacked members."""
    originals = {entry.get("file") for entry in run.uploads}
    unpacked = [
        path
        for path in run.files.values_list("stored", flat=True)
        if path and path not in originals
    ]
    run.files.all().delete()
    _files_delete(unpacked)


def _uploader(run: ImportRun):
    """Who the preview reads for: the uploader (SYSTEM for a run nobody is recorded on)."""
    if run.created_by_id is None and run.bureau_id is not None:
        raise ValidationError("上传人的账号已不存在，请重新上传。")
    return actor_of(run.created_by_id)


def _checked_files(uploads: list[dict]) -> list[Stored | Refused]:
    """Each uploaded file, a .zip opened, as a letter to read or a refusal with its reason.

    Past MAX_FILES files, or MAX_TOTAL_BYTES read, what follows is refused."""
    budget = _Budget()
    files: list[Stored | Refused] = []
    for entry in uploads:
        name = entry["name"]
        if "reason" in entry:
            files.append(Refused(name, entry["reason"]))
        elif PurePosixPath(name).suffix.lower() == ".zip":
            files += _zip_members(name, entry["file"], budget)
        else:
            files.append(_checked(name, entry["file"], budget))
    originals = {entry.get("file") for entry in uploads}
    for position in range(MAX_FILES, len(files)):
        file = files[position]
        if isinstance(file, Stored) and file.path not in originals:
            _files_delete([file.path])
        files[position] = Refused(file.name, f"一次最多导入 {MAX_FILES} 个文件")
    return files


class _Budget:
    """The bytes an upload's letters may still take, all together."""

    def __init__(self) -> None:
        self.left = MAX_TOTAL_BYTES

    def limit(self) -> int:
        return min(MAX_FILE_BYTES, self.left)

    def refusal(self, size: int) -> str:
        if size > MAX_FILE_BYTES:
            return f"文件超过 {MAX_FILE_BYTES // 1024 // 1024} MB"
        return f"上传的文件合计超过 {MAX_TOTAL_BYTES // 1024 // 1024} MB，此文件未导入"


def _suffix_refusal(name: str) -> str | None:
    if PurePosixPath(name).suffix.lower() not in LETTER_SUFFIXES:
        kinds = "、".join(sorted(LETTER_SUFFIXES))
        return f"不是可读取的答复函文件（只接受 {kinds} 或 .zip）"
    return None


def _checked(name: str, path: str, budget: _Budget) -> Stored | Refused:
    if refusal := _suffix_refusal(name):
        return Refused(name, refusal)
    size = default_storage.size(path)
    if size > budget.limit():
        return Refused(name, budget.refusal(size))
    budget.left -= size
    return Stored(name, path)


def _zip_members(name: str, path: str, budget: _Budget) -> list[Stored | Refused]:
    with default_storage.open(path, "rb") as handle:
        try:
            archive = zipfile.ZipFile(handle)
            members = [
                info
                for info in archive.infolist()
                if not info.is_dir()
                and not any(
                    part.startswith((".", "__MACOSX"))
                    for part in PurePosixPath(info.filename).parts
                )
            ]
        except (zipfile.BadZipFile, OSError, ValueError, EOFError):
            return [Refused(name, "不是有效的 .zip 压缩包")]
        if len(members) > MAX_FILES:
            return [Refused(name, f"压缩包内的文件超过 {MAX_FILES} 个")]
        return [
            _zip_member(archive, info, f"{name}/{_member_name(info)}", budget) for info in members
        ]


def _member_name(info: zipfile.ZipInfo) -> str:
    """The member's name as its maker wrote it: archives made on Chinese Windows name their
    files in GBK without saying so, which zipfile reads as CP437."""
    if info.flag_bits & 0x800:
        return info.filename
    try:
        return info.filename.encode("cp437").decode("gbk")
    except (UnicodeEncodeError, UnicodeDecodeError):
        return info.filename


def _zip_member(
    archive: zipfile.ZipFile, info: zipfile.ZipInfo, name: str, budget: _Budget
) -> Stored | Refused:
    if refusal := _suffix_refusal(name):
        return Refused(name, refusal)
    if info.flag_bits & 0x1:
        return Refused(name, "压缩包内的文件已加密，无法解压")
    try:
        data = _read_capped(archive, info, budget.limit())
    except _TooLarge as too_large:
        return Refused(name, budget.refusal(too_large.args[0]))
    except ZIP_ERRORS:
        return Refused(name, "压缩包内的文件已损坏，无法解压")
    budget.left -= len(data)
    upload = Upload(name, data=data)
    return Stored(name, upload_store("replies", upload))


def _read_capped(archive: zipfile.ZipFile, info: zipfile.ZipInfo, limit: int) -> bytes:
    """The member's bytes, read in chunks and counted: _TooLarge(size so far) past `limit`,
    whatever size its header declares."""
    if info.file_size > limit:
        raise _TooLarge(info.file_size)
    data = bytearray()
    with archive.open(info) as member:
        while chunk := member.read(READ_CHUNK):
            data += chunk
            if len(data) > limit:
                raise _TooLarge(len(data))
    return bytes(data)


def _importer(actor, bureau: Bureau | None) -> LetterImporter:
    if bureau is None:
        return LetterImporter(actor=actor)
    # A bureau's own letters may be signed only 我局: they are the bureau's.
    return LetterImporter(
        LetterDefaults(issuer=bureau.name, region=bureau.region or None), actor=actor
    )


# The confirm: queue the import; the import job.


def _may_import(run: ImportRun, actor) -> None:
    if run.created_by_id is not None and user_or_none(actor) != run.created_by:
        require_clerk(actor, "确认他人上传的导入")
    import_remit(actor)


def import_run_confirm(*, run: ImportRun, actor) -> ImportRun:
    """Queue the import of the run's previewed files; return the run.

    Raises ValidationError if the run was confirmed already, its import has begun, its
    preview is not ready, or its files have expired; OutsideRemit for a user who may not."""
    _may_import(run, actor)
    with transaction.atomic():
        run = ImportRun.objects.select_for_update().get(pk=run.pk)
        if run.status != ImportRun.Status.PREVIEW:
            raise ValidationError("这次导入已经确认过了。")
        if run.job_kind == JobKind.IMPORT:
            raise ValidationError("这次导入已经开始，进度见本页。")
        if run.job_status != JobStatus.DONE:
            raise ValidationError("预览尚未完成，完成后才能确认导入。")
        if run.files_purged_at:
            raise ValidationError("这次预览已过期，上传的文件已清除，请重新上传。")
        run.job_kind = JobKind.IMPORT
        job_queue(run, import_run_import_job, user_or_none(actor) and actor.pk)
    return run


def import_run_retry(*, run: ImportRun, actor) -> ImportRun:
    """Queue again the run's job that failed or stalled: the preview (from the upload) or the
    import (of the files not yet imported). Raises ValidationError if there is none to retry."""
    if run.job_kind == JobKind.IMPORT:
        _may_import(run, actor)
    elif run.created_by_id is not None and user_or_none(actor) != run.created_by:
        require_clerk(actor, "重试他人上传的预览")
    with transaction.atomic():
        run = ImportRun.objects.select_for_update().get(pk=run.pk)
        _retriable(run)
        if run.job_kind == JobKind.IMPORT:
            job_queue(run, import_run_import_job, user_or_none(actor) and actor.pk)
        else:
            job_queue(run, import_run_preview_job)
    return run


def _retriable(run) -> None:
    if run.status == run.Status.CONFIRMED:
        raise ValidationError("这次导入已经完成。")
    if not run.job_retriable:
        raise ValidationError("作业没有出错，无需重试。")
    if run.files_purged_at:
        raise ValidationError("上传的文件已过期清除，请重新上传。")


def import_run_import(*, run: ImportRun, actor) -> ImportRun:
    """The import's work: import each previewed file not yet imported, in order, each in its
    own unit of work, recording its outcome once that is committed; mark the run confirmed
    and delete its files at the end; return the run.

    Records its progress on the run as it goes; started again after a failure, it goes on
    with the files not yet imported."""
    files = list(run.files.order_by("position"))
    progress = JobProgress(run)
    done = sum(1 for file in files if file.status)
    progress(done, len(files), force=True)
    waiting = [file for file in files if not file.status]
    for file in waiting:
        if not file.readable:
            file.status, file.error = ImportStatus.REJECTED, file.preview_error
            file.save(update_fields=["status", "error"])
    readable = [file for file in waiting if file.readable]
    read = done + len(waiting) - len(readable)

    def letters() -> Iterator[LetterFile]:
        # Pulled by the importer between its units of work, never inside one.
        nonlocal read
        for file in readable:
            yield letter_from_bytes(file.name, _stored_bytes(file.stored.name))
            read += 1
            progress(read)

    importer = _importer(actor, run.bureau)
    for file, outcome in zip(readable, importer.import_letters(letters()), strict=True):
        file.status, file.error = outcome.status, outcome.error or ""
        file.save(update_fields=["status", "error"])
    with transaction.atomic():
        job_finish(
            run,
            status=ImportRun.Status.CONFIRMED,
            confirmed_at=timezone.now(),
            processed=len(files),
        )
    _run_files_purge(run)
    return run


# Purging.


# Where uploads and exports are kept (under MEDIA_ROOT).
FOLDERS = ("uploads/replies", "uploads/registers", "exports")
# A file no row refers to is left alone this long: its row may not be committed yet.
ORPHAN_AGE = timedelta(hours=1)


@dataclass
class Purged:
    previews: int = 0  # unconfirmed previews deleted, with their files
    runs: int = 0  # confirmed (or expired) runs whose files were deleted, outcomes kept
    exports: int = 0  # export files deleted
    jobs: int = 0  # finished job records deleted
    orphans: int = 0  # files no row refers to (a job stopped between writing and recording)


def upload_runs_delete(runs) -> None:
    """Delete import runs or register imports with their files (a clerk deleting them)."""
    for run in runs:
        paths = _run_paths(run)
        run.delete()
        _files_delete(paths)


def previews_purge(*, hours: int | None = None) -> Purged:
    """Delete what uploads leave behind: previews never confirmed whose last activity is older
    than PREVIEW_RETENTION_HOURS, with their files; the files of confirmed runs, and of runs
    whose import began but expired (their outcomes stay as the record); exports, finished job
    records and files no row refers to, older than that. Returns the counts."""
    hours = settings.PREVIEW_RETENTION_HOURS if hours is None else hours
    cutoff = timezone.now() - timedelta(hours=hours)
    idle = Q(job_updated_at__lt=cutoff) | Q(job_updated_at__isnull=True, created_at__lt=cutoff)
    purged = Purged()
    for model in (ImportRun, RegisterImport):
        waiting = model.objects.filter(idle, status=model.Status.PREVIEW)
        for run in waiting.filter(job_kind=JobKind.PREVIEW):
            paths = _run_paths(run)
            run.delete()
            _files_delete(paths)
            purged.previews += 1
        kept = model.objects.filter(files_purged_at__isnull=True).filter(
            Q(status=model.Status.CONFIRMED) | Q(idle, job_kind=JobKind.IMPORT)
        )
        for run in kept:
            _run_files_purge(run)
            purged.runs += 1
    for export in ExportJob.objects.filter(created_at__lt=cutoff):
        path = export.file.name
        export.delete()
        _files_delete([path])
        purged.exports += 1
    purged.jobs = _finished_jobs_purge(cutoff)
    purged.orphans = _orphans_purge(min(cutoff, timezone.now() - ORPHAN_AGE))
    return purged


def _orphans_purge(cutoff) -> int:
    referenced = set(ImportedFile.objects.exclude(stored="").values_list("stored", flat=True))
    for uploads in ImportRun.objects.filter(files_purged_at__isnull=True).values_list(
        "uploads", flat=True
    ):
        referenced.update(entry["file"] for entry in uploads if entry.get("file"))
    referenced.update(RegisterImport.objects.exclude(stored="").values_list("stored", flat=True))
    referenced.update(ExportJob.objects.exclude(file="").values_list("file", flat=True))
    deleted = 0
    for folder in FOLDERS:
        try:
            _, names = default_storage.listdir(folder)
        except FileNotFoundError:
            continue
        for name in names:
            path = f"{folder}/{name}"
            if path not in referenced and default_storage.get_modified_time(path) < cutoff:
                default_storage.delete(path)
                deleted += 1
    return deleted


def _run_paths(run) -> list[str]:
    if isinstance(run, RegisterImport):
        return [run.stored.name]
    return [entry.get("file") for entry in run.uploads] + list(
        run.files.values_list("stored", flat=True)
    )


def _run_files_purge(run) -> None:
    """Delete a run's files; its outcomes stay."""
    paths = _run_paths(run)
    with transaction.atomic():
        if isinstance(run, RegisterImport):
            type(run).objects.filter(pk=run.pk).update(stored="", files_purged_at=timezone.now())
        else:
            run.files.update(stored="")
            ImportRun.objects.filter(pk=run.pk).update(
                uploads=[{"name": entry["name"]} for entry in run.uploads],
                files_purged_at=timezone.now(),
            )
    _files_delete(paths)


def _finished_jobs_purge(cutoff) -> int:
    from django_tasks_db.models import DBTaskResult

    deleted, _ = DBTaskResult.objects.finished().filter(finished_at__lt=cutoff).delete()
    return deleted
