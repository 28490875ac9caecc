"""Reply letters uploaded in the workbench: checked one by one, previewed with nothing written,
then confirmed.

The preview runs the very importer the command uses, inside a transaction that is rolled
back; the uploaded bytes are kept with the run, so confirming imports exactly those files.
A file that cannot be a letter (an empty file, a picture, a broken archive) is refused on
its own with the reason; the others go on.
"""

import io
import zipfile
from dataclasses import dataclass
from pathlib import PurePosixPath

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from proposals.access import import_remit, officer_bureau_id, require_clerk, user_or_none
from proposals.extraction import LETTER_SUFFIXES
from proposals.importing import ImportOutcome, ImportStatus, LetterDefaults, LetterImporter
from proposals.models import Bureau, ImportedFile, ImportRun
from proposals.parsing.files import letter_from_bytes

# A scanned letter of several pages runs to a few MB a page.
MAX_FILE_BYTES = 20 * 1024 * 1024
MAX_TOTAL_BYTES = 50 * 1024 * 1024
MAX_FILES = 1000


@dataclass(frozen=True)
class Upload:
    name: str
    data: bytes


@dataclass(frozen=True)
class Refused:
    """An uploaded file that is not a letter to read, and why."""

    name: str
    reason: str


class _Rollback(Exception):
    pass


def letters_from_uploads(uploads: list[Upload]) -> list[Upload | Refused]:
    """Each uploaded file, a .zip opened, as a letter to read or a refusal with its reason.

    ValidationError only for the upload as a whole: too many files, too large in total, or
    nothing at all.
    """
    files: list[Upload | Refused] = []
    for upload in uploads:
        suffix = PurePosixPath(upload.name).suffix.lower()
        if suffix == ".zip":
            files += _zip_members(upload)
        else:
            files.append(_checked(upload))
    if not files:
        raise ValidationError("没有上传任何文件。")
    if len(files) > MAX_FILES:
        raise ValidationError(f"一次最多导入 {MAX_FILES} 个文件。")
    if sum(len(f.data) for f in files if isinstance(f, Upload)) > MAX_TOTAL_BYTES:
        raise ValidationError(f"一次上传的文件合计不能超过 {MAX_TOTAL_BYTES // 1024 // 1024} MB。")
    return files


def _checked(upload: Upload) -> Upload | Refused:
    suffix = PurePosixPath(upload.name).suffix.lower()
    if suffix not in LETTER_SUFFIXES:
        kinds = "、".join(sorted(LETTER_SUFFIXES))
        return Refused(upload.name, f"不是可读取的答复函文件（只接受 {kinds} 或 .zip）")
    if len(upload.data) > MAX_FILE_BYTES:
        return Refused(upload.name, f"文件超过 {MAX_FILE_BYTES // 1024 // 1024} MB")
    return upload


def _zip_members(upload: Upload) -> list[Upload | Refused]:
    try:
        archive = zipfile.ZipFile(io.BytesIO(upload.data))
        members = [
            info
            for info in archive.infolist()
            if not info.is_dir()
            and not any(
                part.startswith((".", "__MACOSX")) for part in PurePosixPath(info.filename).parts
            )
        ]
    except zipfile.BadZipFile:
        return [Refused(upload.name, "不是有效的 .zip 压缩包")]
    # Sizes as the archive declares them, checked before anything is unpacked.
    if sum(info.file_size for info in members) > MAX_TOTAL_BYTES or len(members) > MAX_FILES:
        return [Refused(upload.name, "压缩包解压后过大或文件过多")]
    files: list[Upload | Refused] = []
    for info in members:
        name = f"{upload.name}/{info.filename}"
        try:
            files.append(_checked(Upload(name, archive.read(info))))
        except (zipfile.BadZipFile, OSError, ValueError):
            files.append(Refused(name, "压缩包内的文件已损坏，无法解压"))
    return files


def _importer(actor, bureau: Bureau | None) -> LetterImporter:
    if bureau is None:
        return LetterImporter(actor=actor)
    # A bureau's own letters may be signed only 我局: they are the bureau's.
    return LetterImporter(
        LetterDefaults(issuer=bureau.name, region=bureau.region or None), actor=actor
    )


def _outcomes(importer: LetterImporter, files: list[Upload | Refused]) -> list[ImportOutcome]:
    """What importing each file does, in order; refused files are not read."""
    letters = [letter_from_bytes(f.name, f.data) for f in files if isinstance(f, Upload)]
    imported = iter(importer.import_letters(letters))
    return [
        ImportOutcome(f.name, ImportStatus.REJECTED, f.reason)
        if isinstance(f, Refused)
        else next(imported)
        for f in files
    ]


def import_run_preview(*, uploads: list[Upload], actor) -> ImportRun:
    """Store the uploaded letters with what importing them would do; write no domain rows."""
    import_remit(actor)  # raises OutsideRemit for a reader who may not import at all
    bureau_id = officer_bureau_id(actor)
    bureau = Bureau.objects.get(pk=bureau_id) if bureau_id else None
    files = letters_from_uploads(uploads)
    outcomes = []
    try:
        with transaction.atomic():
            outcomes = _outcomes(_importer(actor, bureau), files)
            raise _Rollback
    except _Rollback:
        pass
    with transaction.atomic():
        run = ImportRun.objects.create(created_by=user_or_none(actor), bureau=bureau)
        ImportedFile.objects.bulk_create(
            ImportedFile(
                run=run,
                position=position,
                name=file.name,
                data=file.data if isinstance(file, Upload) else b"",
                readable=isinstance(file, Upload),
                preview_status=outcome.status,
                preview_error=outcome.error or "",
                preview_changes=outcome.changes,
                preview_conflicts=outcome.conflicts,
            )
            for position, (file, outcome) in enumerate(zip(files, outcomes, strict=True))
        )
    return run


def import_run_confirm(*, run: ImportRun, actor) -> ImportRun:
    """Import the run's files for real, each in its own unit of work, recording the outcomes."""
    if run.created_by_id is not None and user_or_none(actor) != run.created_by:
        require_clerk(actor, "确认他人上传的导入")
    if run.status != ImportRun.Status.PREVIEW:
        raise ValidationError("这次导入已经确认过了。")
    files = list(run.files.all())
    uploads = [
        Upload(f.name, bytes(f.data)) if f.readable else Refused(f.name, f.preview_error)
        for f in files
    ]
    for file, outcome in zip(files, _outcomes(_importer(actor, run.bureau), uploads), strict=True):
        file.status, file.error = outcome.status, outcome.error or ""
        file.save(update_fields=["status", "error"])
    run.status, run.confirmed_at = ImportRun.Status.CONFIRMED, timezone.now()
    run.save(update_fields=["status", "confirmed_at"])
    return run
