"""Uploads capped as they arrive, archives opened member by member with a running count, and
what uploads leave behind purged."""

import io
import os
import tracemalloc
import zipfile
from datetime import timedelta
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from proposals.models import ImportedFile, ImportRun, RegisterImport, Reply
from proposals.services import imports
from proposals.services.imports import Upload, import_run_preview, previews_purge
from tests.test_jobs import run_worker, seed

ADD = "admin:proposals_importrun_add"
MB = 1024 * 1024
BOUNDARY = "----tracker-test-boundary"


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def stored_bytes(media: Path) -> int:
    return sum(path.stat().st_size for path in media.rglob("*") if path.is_file())


def multipart(path: Path, files: list[tuple[str, bytes | int]]) -> int:
    """Write a multipart body to `path` with each (file name, bytes or a size to fill with
    letters) in the field `files`; return its length. Big bodies never sit in memory."""
    with path.open("wb") as body:
        for name, content in files:
            body.write(
                f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="files"; '
                f'filename="{name}"\r\nContent-Type: application/octet-stream\r\n\r\n'.encode()
            )
            if isinstance(content, int):
                for _ in range(content // MB):
                    body.write(b"x" * MB)
                body.write(b"x" * (content % MB))
            else:
                body.write(content)
            body.write(b"\r\n")
        body.write(f"--{BOUNDARY}--\r\n".encode())
    return path.stat().st_size


def post_streamed(client, url: str, body: Path, length: int):
    """POST a body read from disk as the server reads it, in chunks (the test client's own
    post() builds the whole body in memory first)."""
    with body.open("rb") as stream:
        return client.request(
            PATH_INFO=url,
            REQUEST_METHOD="POST",
            CONTENT_TYPE=f"multipart/form-data; boundary={BOUNDARY}",
            CONTENT_LENGTH=str(length),
            **{"wsgi.input": stream},
        )


def memory_peak(action) -> tuple[object, int]:
    """What `action()` returns, and the most memory it held at once."""
    tracemalloc.start()
    try:
        tracemalloc.reset_peak()
        start, _ = tracemalloc.get_traced_memory()
        result = action()
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return result, peak - start


def test_an_upload_past_the_total_is_refused_before_it_is_read_whole(clerk, media, tmp_path):
    length = multipart(tmp_path / "body", [("letters.zip", 60 * MB)])
    response, peak = memory_peak(
        lambda: post_streamed(clerk, reverse(ADD), tmp_path / "body", length)
    )
    assert response.status_code == 200
    assert "一次上传的文件合计不能超过 50 MB" in response.content.decode()
    assert peak < 10 * MB
    assert not ImportRun.objects.exists()
    assert stored_bytes(media) == 0


def test_a_file_past_its_limit_is_skipped_and_the_others_go_on(clerk, media, tmp_path):
    files = [("000.txt", seed("000")), ("huge.txt", 30 * MB), ("002.txt", seed("002"))]
    length = multipart(tmp_path / "body", files)
    response, peak = memory_peak(
        lambda: post_streamed(clerk, reverse(ADD), tmp_path / "body", length)
    )
    assert response.status_code == 302
    assert peak < 10 * MB
    assert stored_bytes(media) < MB
    run_worker()
    outcomes = list(ImportedFile.objects.values_list("name", "preview_status", "preview_error"))
    assert outcomes == [
        ("000.txt", "imported", ""),
        ("huge.txt", "rejected", "文件超过 20 MB，未保存"),
        ("002.txt", "imported", ""),
    ]


def test_more_files_than_allowed_are_refused_in_chinese(clerk, tmp_path):
    length = multipart(tmp_path / "body", [(f"{n}.txt", b"x") for n in range(1001)])
    response = post_streamed(clerk, reverse(ADD), tmp_path / "body", length)
    assert "一次最多上传 1000 个文件" in response.content.decode()
    assert not ImportRun.objects.exists()


def test_the_capped_upload_still_checks_csrf(clerk_user):
    client = Client(enforce_csrf_checks=True)
    client.force_login(clerk_user)
    files = {"files": [SimpleUploadedFile("a.txt", seed("000"))]}
    assert client.post(reverse(ADD), files).status_code == 403
    client.get(reverse(ADD))
    files = {"files": [SimpleUploadedFile("a.txt", seed("000"))]}
    token = client.cookies["csrftoken"].value
    assert client.post(reverse(ADD), {**files, "csrfmiddlewaretoken": token}).status_code == 302


def test_a_register_past_its_limit_is_refused(clerk, session, tmp_path):
    body = tmp_path / "body"
    with body.open("wb") as out:
        for name, value in (("kind", "proposals"), ("session", str(session.pk)), ("body", "cppcc")):
            out.write(
                f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'
                f"{value}\r\n".encode()
            )
    with body.open("ab") as out:
        out.write(
            f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="file"; '
            f'filename="名单.xlsx"\r\n\r\n'.encode()
        )
        for _ in range(21):
            out.write(b"x" * MB)
        out.write(f"\r\n--{BOUNDARY}--\r\n".encode())
    url = reverse("admin:proposals_registerimport_add")
    response = post_streamed(clerk, url, body, body.stat().st_size)
    assert "文件超过 20 MB，未保存" in response.content.decode()
    assert not RegisterImport.objects.exists()


# Archives.


def archive(members: dict[str, bytes]) -> bytearray:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as zipped:
        for name, data in members.items():
            zipped.writestr(name, data)
    return bytearray(buffer.getvalue())


def declare_size(data: bytearray, member: str, size: int) -> bytearray:
    """Falsify the uncompressed size `member`'s local and central headers declare."""
    name = member.encode()
    # (signature, offset of the size field, offset of the name) of each kind of header
    for signature, size_at, name_at in ((b"PK\x03\x04", 22, 30), (b"PK\x01\x02", 24, 46)):
        start = data.find(signature)
        while start != -1:
            if data[start + name_at : start + name_at + len(name)] == name:
                data[start + size_at : start + size_at + 4] = size.to_bytes(4, "little")
            start = data.find(signature, start + 4)
    return data


def upload_archive(clerk, data: bytes, name: str = "letters.zip") -> list[tuple[str, str, str]]:
    clerk.post(reverse(ADD), {"files": [SimpleUploadedFile(name, bytes(data))]})
    run_worker()
    assert ImportRun.objects.get().job_status == "done"
    return list(ImportedFile.objects.values_list("name", "preview_status", "preview_error"))


def test_a_member_whose_header_understates_its_size_is_refused_and_the_others_go_on(clerk):
    data = archive({"a/000.txt": seed("000"), "a/bomb.txt": b"\0" * (21 * MB)})
    assert len(data) < MB
    falsified = declare_size(data, "a/bomb.txt", 100)
    outcomes, peak = memory_peak(lambda: upload_archive(clerk, falsified))
    assert outcomes[0] == ("letters.zip/a/000.txt", "imported", "")
    assert outcomes[1] == ("letters.zip/a/bomb.txt", "rejected", "压缩包内的文件已损坏，无法解压")
    assert peak < 10 * MB


def test_a_member_read_past_the_limit_is_refused_whatever_its_header_says():
    """The count is of the bytes read, never the size declared."""

    class Lying:
        def open(self, info):
            return io.BytesIO(b"\0" * (3 * imports.READ_CHUNK))

    info = zipfile.ZipInfo("bomb.txt")
    info.file_size = 100
    with pytest.raises(imports._TooLarge):
        imports._read_capped(Lying(), info, 2 * imports.READ_CHUNK)


def test_members_past_the_limits_are_refused_with_their_reasons(clerk, monkeypatch):
    monkeypatch.setattr(imports, "MAX_FILE_BYTES", 2 * MB)
    monkeypatch.setattr(imports, "MAX_TOTAL_BYTES", 3 * MB)
    padded = b"\n" * (MB + MB // 5)
    members = {"big.txt": b"\0" * (5 * MB // 2), "0.txt": padded, "1.txt": padded, "2.txt": padded}
    outcomes = upload_archive(clerk, archive(members))
    assert outcomes[0] == ("letters.zip/big.txt", "rejected", "文件超过 2 MB")
    assert ["MB" in error for _, _, error in outcomes[1:3]] == [False, False]  # read
    assert outcomes[3] == ("letters.zip/2.txt", "rejected", "上传的文件合计超过 3 MB，此文件未导入")


def test_a_corrupted_member_is_refused_and_the_others_go_on(clerk):
    data = archive({"000.txt": seed("000"), "002.txt": seed("002")})
    second = data.find(b"PK\x03\x04", 4)
    payload = second + 30 + len("002.txt")
    data[payload + 10 : payload + 60] = bytes(50)  # the deflate stream garbled
    outcomes = upload_archive(clerk, data)
    assert outcomes[0] == ("letters.zip/000.txt", "imported", "")
    assert outcomes[1] == ("letters.zip/002.txt", "rejected", "压缩包内的文件已损坏，无法解压")


def test_a_truncated_archive_is_refused_whole(clerk):
    data = archive({"000.txt": seed("000"), "002.txt": seed("002")})
    outcomes = upload_archive(clerk, data[: len(data) // 2])
    assert outcomes == [("letters.zip", "rejected", "不是有效的 .zip 压缩包")]


def test_member_names_written_in_gbk_by_chinese_windows_are_read(clerk):
    name = "答复函.txt".encode("gbk")
    placeholder = b"x" * (len(name) - 4) + b".txt"
    data = archive({placeholder.decode(): seed("000")}).replace(placeholder, name)
    outcomes = upload_archive(clerk, data)
    assert outcomes == [("letters.zip/答复函.txt", "imported", "")]


# Purging.


def age(run, hours: int) -> None:
    then = timezone.now() - timedelta(hours=hours)
    type(run).objects.filter(pk=run.pk).update(created_at=then, job_updated_at=then)


def files_of(run) -> set[str]:
    return {entry["file"] for entry in run.uploads if "file" in entry} | {
        name for name in run.files.values_list("stored", flat=True) if name
    }


def test_old_previews_go_with_their_files_and_imported_runs_keep_only_their_outcomes(
    clerk_user, media, settings
):
    settings.PREVIEW_RETENTION_HOURS = 72
    old = import_run_preview(uploads=[Upload("a.txt", seed("000"))], actor=clerk_user)
    zipped = archive({"002.txt": seed("002")})
    fresh = import_run_preview(uploads=[Upload("b.zip", bytes(zipped))], actor=clerk_user)
    age(old, 73)
    age(fresh, 71)
    old_files = files_of(old)
    assert len(old_files) == 1 and len(files_of(fresh)) == 2  # the .zip and its member
    assert all((media / name).exists() for name in old_files)

    assert previews_purge().previews == 1
    assert not ImportRun.objects.filter(pk=old.pk).exists()
    assert not any((media / name).exists() for name in old_files)
    assert all((media / name).exists() for name in files_of(fresh))

    imports.import_run_import(run=fresh, actor=clerk_user)
    fresh.refresh_from_db()
    assert fresh.files_purged_at and files_of(fresh) == set() and stored_bytes(media) == 0
    assert fresh.files.get().status == "imported" and Reply.objects.count() == 1
    age(fresh, 1000)
    assert previews_purge().previews == 0
    assert ImportRun.objects.filter(pk=fresh.pk).exists()


def test_each_new_upload_job_purges_first(clerk, clerk_user, media):
    old = import_run_preview(uploads=[Upload("a.txt", seed("000"))], actor=clerk_user)
    age(old, 100)
    clerk.post(reverse(ADD), {"files": [SimpleUploadedFile("b.txt", seed("002"))]})
    run_worker()
    assert list(ImportRun.objects.values_list("uploads__0__name", flat=True)) == ["b.txt"]


def test_the_purge_command_reports_what_it_deleted(clerk_user, session):
    from tests.test_registers import xlsx

    old = import_run_preview(uploads=[Upload("a.txt", seed("000"))], actor=clerk_user)
    age(old, 100)
    register = RegisterImport.objects.create(
        kind="members", body="cppcc", file_name="名册.xlsx", created_by=clerk_user
    )
    register.stored.save("名册.xlsx", ContentFile(xlsx([["姓名"], ["张三"]])))
    age(register, 100)
    out = io.StringIO()
    call_command("purge_previews", stdout=out)
    assert "Deleted 2 expired previews" in out.getvalue()
    assert not RegisterImport.objects.exists() and not ImportRun.objects.exists()
    call_command("purge_previews", "--hours", "0", stdout=out)


def test_files_no_row_refers_to_go_once_old_and_not_before(clerk_user, media):
    kept = import_run_preview(uploads=[Upload("a.txt", seed("000"))], actor=clerk_user)
    folder = media / "uploads/replies"
    left, fresh = folder / "left-by-a-dead-job.txt", folder / "being-recorded-now.txt"
    left.write_bytes(b"x")
    fresh.write_bytes(b"x")
    two_hours_ago = (timezone.now() - timedelta(hours=2)).timestamp()
    os.utime(left, (two_hours_ago, two_hours_ago))
    for name in files_of(kept):
        os.utime(media / name, (two_hours_ago, two_hours_ago))

    assert previews_purge(hours=1).orphans == 1
    assert not left.exists() and fresh.exists()
    assert all((media / name).exists() for name in files_of(kept))


def test_deleting_a_run_in_the_workbench_deletes_its_files(clerk, clerk_user, media):
    run = import_run_preview(uploads=[Upload("a.txt", seed("000"))], actor=clerk_user)
    assert stored_bytes(media) > 0
    clerk.post(
        reverse("admin:proposals_importrun_delete", args=[run.pk]), {"post": "yes"}, follow=True
    )
    assert not ImportRun.objects.exists() and stored_bytes(media) == 0
