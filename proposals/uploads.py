"""Reply letters uploaded in the admin: checked, previewed with nothing written, then confirmed.

The preview runs the very importer the command uses, inside a transaction that is rolled
back; the uploaded bytes are kept with the run, so confirming imports exactly those files.
"""

import io
import zipfile
from dataclasses import dataclass
from pathlib import PurePosixPath

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from proposals.importing import LetterDefaults, LetterImporter
from proposals.models import Bureau, ImportedFile, ImportRun

LETTER_SUFFIXES = {".txt", ".md", ".docx"}
MAX_FILE_BYTES = 5 * 1024 * 1024
MAX_TOTAL_BYTES = 50 * 1024 * 1024
MAX_FILES = 1000


@dataclass(frozen=True)
class Upload:
    name: str
    data: bytes


class _Rollback(Exception):
    pass


def letters_from_uploads(uploads: list[Upload]) -> list[Upload]:
    """The letter files in the uploads, a .zip opened; ValidationError naming what is refused."""
    letters: list[Upload] = []
    for upload in uploads:
        suffix = PurePosixPath(upload.name).suffix.lower()
        if suffix == ".zip":
            letters += _zip_members(upload)
        elif suffix in LETTER_SUFFIXES:
            letters.append(upload)
        else:
            raise ValidationError(f"{upload.name}：只接受 .txt、.md、.docx 或 .zip 文件。")
    for letter in letters:
        if len(letter.data) > MAX_FILE_BYTES:
            raise ValidationError(f"{letter.name}：超过 {MAX_FILE_BYTES // 1024 // 1024} MB。")
    if len(letters) > MAX_FILES:
        raise ValidationError(f"一次最多导入 {MAX_FILES} 个文件。")
    if sum(len(letter.data) for letter in letters) > MAX_TOTAL_BYTES:
        raise ValidationError(f"一次上传的文件合计不能超过 {MAX_TOTAL_BYTES // 1024 // 1024} MB。")
    if not letters:
        raise ValidationError("没有可导入的答复函文件。")
    return letters


def _zip_members(upload: Upload) -> list[Upload]:
    try:
        archive = zipfile.ZipFile(io.BytesIO(upload.data))
    except zipfile.BadZipFile as error:
        raise ValidationError(f"{upload.name}：不是有效的 .zip 文件。") from error
    members = [
        info
        for info in archive.infolist()
        if not info.is_dir()
        and PurePosixPath(info.filename).suffix.lower() in LETTER_SUFFIXES
        and not any(
            part.startswith((".", "__MACOSX")) for part in PurePosixPath(info.filename).parts
        )
    ]
    # Sizes as the archive declares them, checked before anything is unpacked.
    if sum(info.file_size for info in members) > MAX_TOTAL_BYTES or len(members) > MAX_FILES:
        raise ValidationError(f"{upload.name}：解压后过大或文件过多。")
    return [Upload(f"{upload.name}/{info.filename}", archive.read(info)) for info in members]


def _importer(bureau: Bureau | None) -> LetterImporter:
    if bureau is None:
        return LetterImporter()
    # A bureau's own letters may be signed only 我局: they are the bureau's.
    return LetterImporter(
        LetterDefaults(issuer=bureau.name, region=bureau.region or None), only_bureau=bureau
    )


def import_run_preview(
    *, uploads: list[Upload], user: AbstractBaseUser, bureau: Bureau | None
) -> ImportRun:
    """Store the uploaded letters with what importing them would do; write no domain rows."""
    letters = letters_from_uploads(uploads)
    outcomes = []
    try:
        with transaction.atomic():
            importer = _importer(bureau)
            outcomes = [importer.import_letter(name=f.name, data=f.data) for f in letters]
            raise _Rollback
    except _Rollback:
        pass
    with transaction.atomic():
        run = ImportRun.objects.create(created_by=user, bureau=bureau)
        ImportedFile.objects.bulk_create(
            ImportedFile(
                run=run,
                position=position,
                name=letter.name,
                data=letter.data,
                preview_status=outcome.status,
                preview_error=outcome.error or "",
                preview_changes=list(outcome.changes),
            )
            for position, (letter, outcome) in enumerate(zip(letters, outcomes, strict=True))
        )
    return run


def import_run_confirm(*, run: ImportRun) -> ImportRun:
    """Import the run's files for real, each in its own transaction, recording the outcomes."""
    if run.status != ImportRun.Status.PREVIEW:
        raise ValidationError("这次导入已经确认过了。")
    importer = _importer(run.bureau)
    for file in run.files.all():
        outcome = importer.import_letter(name=file.name, data=bytes(file.data))
        file.status, file.error = outcome.status, outcome.error or ""
        file.save(update_fields=["status", "error"])
    run.status, run.confirmed_at = ImportRun.Status.CONFIRMED, timezone.now()
    run.save(update_fields=["status", "confirmed_at"])
    return run
