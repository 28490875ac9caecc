"""An upload handler that counts an upload's bytes as they arrive and stops it at the limits.

Django writes an upload past FILE_UPLOAD_MAX_MEMORY_SIZE to a temporary file; this handler,
put first in request.upload_handlers before anything reads request.POST or request.FILES,
sees every chunk before that file does. A file past its limit is skipped (SkipFile: the
others go on, and the view lists it as refused with its reason); an upload past the total, or
with too many files, is stopped whole (StopUpload), its rest read in chunks and dropped.
Nothing past a limit is kept, in memory or on disk.

Use it through `capped_upload_view`, which installs it and then checks CSRF as Django
documents for changing upload handlers ("Modifying upload handlers on the fly"): the view is
exempted from the middleware's check, which would read request.POST first, and protected
inside once the handler is in place.
"""

from dataclasses import dataclass, field
from functools import partial, wraps
from pathlib import PurePosixPath

from django.core.files.uploadhandler import FileUploadHandler, SkipFile, StopUpload
from django.http import HttpRequest
from django.views.decorators.csrf import csrf_exempt, csrf_protect

# A multipart body carries headers and boundaries besides the files.
MULTIPART_OVERHEAD = 64 * 1024
MB = 1024 * 1024
# The rest of a stopped upload is read and dropped, so that the browser, still sending, gets
# the page that says why; past this many times the limit the connection is dropped instead.
DRAIN_TIMES = 4
DRAIN_CHUNK = 64 * 1024


@dataclass(frozen=True)
class Limits:
    file_bytes: int  # one file (not an archive)
    total_bytes: int  # every file of the upload together
    files: int  # files in one upload
    archive_bytes: int | None = None  # one .zip, which holds many files (default file_bytes)
    archive_suffixes: tuple[str, ...] = (".zip",)

    def for_name(self, name: str) -> int:
        if PurePosixPath(name).suffix.lower() in self.archive_suffixes:
            return self.archive_bytes or self.file_bytes
        return self.file_bytes

    def file_refusal(self, limit: int) -> str:
        return f"文件超过 {limit // MB} MB，未保存"

    def total_refusal(self) -> str:
        if self.files == 1:
            return self.file_refusal(self.total_bytes)
        return f"一次上传的文件合计不能超过 {self.total_bytes // MB} MB。"


@dataclass
class UploadReport:
    """What the handler refused: files skipped (by their position in the upload) and, if the
    upload was stopped whole, why."""

    skipped: dict[int, tuple[str, str]] = field(default_factory=dict)  # position → name, reason
    stopped: str = ""


class CappedUploadHandler(FileUploadHandler):
    def __init__(self, request=None, *, limits: Limits) -> None:
        super().__init__(request)
        self.limits = limits
        self.report = UploadReport()
        self.position = -1
        self.total = 0
        self.file_limit = 0
        self.file_bytes = 0
        self.body_length = 0
        self.body_too_large = False

    def handle_raw_input(self, input_data, META, content_length, boundary, encoding=None):
        # The body's declared length decides before a byte is read; StopUpload cannot be
        # raised here, so the first file stops it.
        self.body_length = content_length or 0
        self.body_too_large = self.body_length > self.limits.total_bytes + MULTIPART_OVERHEAD

    def new_file(self, field_name, file_name, *args, **kwargs):
        super().new_file(field_name, file_name, *args, **kwargs)
        self.position += 1
        if self.body_too_large:
            self._stop(self.limits.total_refusal())
        if self.position >= self.limits.files:
            self._stop(f"一次最多上传 {self.limits.files} 个文件。")
        self.file_limit = self.limits.for_name(file_name)
        self.file_bytes = 0

    def receive_data_chunk(self, raw_data, start):
        self.file_bytes += len(raw_data)
        self.total += len(raw_data)
        if self.file_bytes > self.file_limit:
            self.total -= self.file_bytes
            self.report.skipped[self.position] = (
                self.file_name,
                self.limits.file_refusal(self.file_limit),
            )
            raise SkipFile
        if self.total > self.limits.total_bytes:
            self._stop(self.limits.total_refusal())
        return raw_data

    def file_complete(self, file_size):
        return None  # the next handler (memory or temporary file) keeps the file

    def _stop(self, reason: str):
        self.report.stopped = reason
        # Django's own draining (connection_reset=False) reads the rest line by line: a body
        # without a line break would be read whole into memory. This reads it in chunks.
        if self.request is not None and self.body_length <= DRAIN_TIMES * (
            self.limits.total_bytes + MULTIPART_OVERHEAD
        ):
            while self.request.read(DRAIN_CHUNK):
                pass
        raise StopUpload(connection_reset=True)


def capped_upload_view(limits: Limits):
    """Decorate a view (a function, or a method such as ModelAdmin.add_view) so that its
    uploads are capped at `limits`; the view finds the handler's report in
    request.upload_report."""

    def decorate(view):
        @wraps(view)
        def capped(*args, **kwargs):
            at = next(i for i, arg in enumerate(args) if isinstance(arg, HttpRequest))
            request = args[at]
            if request.method == "POST":
                handler = CappedUploadHandler(request, limits=limits)
                # The setter refuses once the upload has been read: the cap would not apply.
                request.upload_handlers = [handler, *request.upload_handlers]
                request.upload_report = handler.report
            else:
                request.upload_report = UploadReport()
            protected = csrf_protect(partial(view, *args[:at]))
            return protected(request, *args[at + 1 :], **kwargs)

        return csrf_exempt(capped)

    return decorate
