"""Uploads previewed and imported as background jobs: the request returns at once with a job
queued, the worker (django-tasks-db's db_worker) does the work and records its progress, a
failing job says why in Chinese and can be retried."""

import io
import signal
from contextlib import nullcontext
from pathlib import Path
from unittest import mock

import pytest
from django.core.management import call_command
from django.db import IntegrityError, OperationalError, connection
from django.urls import reverse
from django_tasks_db.management.commands import db_worker
from django_tasks_db.models import DBTaskResult

from proposals import importing, tasks
from proposals.models import ImportRun, Proposal, RegisterImport, Reply, Session
from proposals.services import imports
from proposals.services.imports import Upload, import_run_upload

SEEDS = Path(__file__).resolve().parent.parent / "fixtures/replies"
ADD = "admin:proposals_importrun_add"


def seed(name: str) -> bytes:
    return next(SEEDS.glob(f"{name}_*.txt")).read_bytes()


def run_worker() -> None:
    """Run every queued job with the database backend's own worker (`manage.py db_worker
    --batch`), then return.

    Inside a test's transaction the worker must not close the connection between jobs, as it
    does in production: Django's test client skips that too.
    """
    handlers = {sig: signal.getsignal(sig) for sig in (signal.SIGINT, signal.SIGTERM)}
    keep_connection = (
        mock.patch.object(db_worker, "close_old_connections", lambda: None)
        if connection.in_atomic_block
        else nullcontext()
    )
    try:
        with keep_connection:
            call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)
    finally:
        for sig, handler in handlers.items():
            signal.signal(sig, handler)


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def upload(client, **files: bytes):
    from django.core.files.uploadedfile import SimpleUploadedFile

    sent = [SimpleUploadedFile(name, data) for name, data in files.items()]
    return client.post(reverse(ADD), {"files": sent}, follow=True)


def domain_rows() -> tuple:
    return (Session.objects.count(), Proposal.objects.count(), Reply.objects.count())


def test_uploading_returns_at_once_with_a_job_queued_and_nothing_read(clerk, media, monkeypatch):
    def not_now(name, data):
        raise AssertionError("a letter was read inside the request")

    monkeypatch.setattr(imports, "letter_from_bytes", not_now)
    page = upload(clerk, **{"a.txt": seed("000"), "b.txt": seed("002")}).content.decode()
    run = ImportRun.objects.get()
    assert (run.job_kind, run.job_status, run.files.count()) == ("preview", "queued", 0)
    assert "预览状态：排队中" in page
    job = DBTaskResult.objects.get()
    assert (job.status, job.task_path) == ("READY", "proposals.tasks.import_run_preview_job")
    assert job.args_kwargs["args"] == [run.pk, run.job_id]
    assert domain_rows() == (0, 0, 0)
    assert len(list((media / "uploads/replies").iterdir())) == 2


def test_the_worker_builds_the_preview_and_the_confirm_queues_the_import(clerk):
    upload(clerk, **{"a.txt": seed("000"), "b.txt": seed("002")})
    run_worker()
    run = ImportRun.objects.get()
    assert (run.job_status, run.processed, run.total) == ("done", 2, 2)
    assert list(run.files.values_list("preview_status", flat=True)) == ["imported", "imported"]
    page = clerk.get(reverse("admin:proposals_importrun_change", args=[run.pk]))
    assert "预览状态：已完成" in page.content.decode() and "确认导入" in page.content.decode()
    assert "Refresh" not in page
    assert domain_rows() == (0, 0, 0)

    page = clerk.post(reverse("admin:proposals_importrun_confirm", args=[run.pk]), follow=True)
    run.refresh_from_db()
    assert (run.job_kind, run.job_status, run.status) == ("import", "queued", "preview")
    assert "导入状态：排队中" in page.content.decode()
    assert page.redirect_chain and Reply.objects.count() == 0

    run_worker()
    run.refresh_from_db()
    assert (run.job_status, run.status, run.processed) == ("done", "confirmed", 2)
    assert list(run.files.values_list("status", flat=True)) == ["imported", "imported"]
    assert Reply.objects.count() == 2
    assert DBTaskResult.objects.successful().count() == 2


def test_a_page_whose_job_is_not_finished_reloads_itself_unless_told_not_to(clerk):
    upload(clerk, **{"a.txt": seed("000")})
    url = reverse("admin:proposals_importrun_change", args=[ImportRun.objects.get().pk])
    assert clerk.get(url)["Refresh"] == "2"
    stopped = clerk.get(url, {"auto": "0"})
    assert "Refresh" not in stopped and "自动刷新已停止" in stopped.content.decode()


def test_progress_moves_file_by_file_in_commits_of_its_own(clerk, monkeypatch):
    upload(clerk, **{"a.txt": seed("000"), "b.txt": seed("001"), "c.txt": seed("002")})
    monkeypatch.setattr(tasks, "PROGRESS_EVERY_SECONDS", 0)
    seen = []
    real = imports.letter_from_bytes

    def reading(name, data):
        seen.append(ImportRun.objects.values_list("job_status", "processed", "total").get())
        return real(name, data)

    monkeypatch.setattr(imports, "letter_from_bytes", reading)
    run_worker()
    assert seen == [("running", 0, 3), ("running", 1, 3), ("running", 2, 3)]
    run = ImportRun.objects.get()
    assert (run.job_status, run.processed) == ("done", 3)

    seen.clear()
    clerk.post(reverse("admin:proposals_importrun_confirm", args=[run.pk]))
    run_worker()
    assert seen == [("running", 0, 3), ("running", 1, 3), ("running", 2, 3)]


def test_a_failing_job_records_its_reason_and_is_retried(clerk, monkeypatch):
    upload(clerk, **{"a.txt": seed("000")})

    def broken(name, data):
        raise MemoryError("out of memory")

    monkeypatch.setattr(imports, "letter_from_bytes", broken)
    run_worker()
    run = ImportRun.objects.get()
    assert run.job_status == "failed"
    assert run.job_error.startswith("处理出错，请重试") and "MemoryError" in run.job_error
    assert DBTaskResult.objects.failed().count() == 1
    page = clerk.get(reverse("admin:proposals_importrun_change", args=[run.pk])).content.decode()
    assert "预览状态：出错（处理出错" in page and "重试预览" in page
    assert "确认导入" not in page

    monkeypatch.undo()
    clerk.post(reverse("admin:proposals_importrun_retry", args=[run.pk]))
    run.refresh_from_db()
    assert (run.job_status, run.job_error) == ("queued", "")
    run_worker()
    run.refresh_from_db()
    assert (run.job_status, run.files.get().preview_status) == ("done", "imported")


def test_an_import_that_fails_halfway_goes_on_from_where_it_stopped(clerk, monkeypatch):
    upload(clerk, **{"a.txt": seed("000"), "b.txt": seed("002")})
    run_worker()
    run = ImportRun.objects.get()
    clerk.post(reverse("admin:proposals_importrun_confirm", args=[run.pk]))
    real = imports.letter_from_bytes

    def second_fails(name, data):
        if name == "b.txt":
            raise OSError("disk gone")
        return real(name, data)

    monkeypatch.setattr(imports, "letter_from_bytes", second_fails)
    monkeypatch.setattr(importing, "BATCH_FILES", 1)  # each letter committed before the next
    run_worker()
    run.refresh_from_db()
    assert run.job_status == "failed" and "读写文件出错" in run.job_error
    assert list(run.files.values_list("status", flat=True)) == ["imported", ""]

    monkeypatch.undo()
    clerk.post(reverse("admin:proposals_importrun_retry", args=[run.pk]))
    run_worker()
    run.refresh_from_db()
    assert (run.status, run.job_status) == ("confirmed", "done")
    assert list(run.files.values_list("status", flat=True)) == ["imported", "imported"]
    assert Reply.objects.count() == 2


def test_a_job_queued_again_meanwhile_stops_the_one_it_replaced(clerk_user, monkeypatch):
    run = import_run_upload(
        uploads=[Upload("a.txt", seed("000")), Upload("b.txt", seed("001"))], actor=clerk_user
    )
    monkeypatch.setattr(tasks, "PROGRESS_EVERY_SECONDS", 0)
    real = imports.letter_from_bytes

    def retried_meanwhile(name, data):
        ImportRun.objects.filter(pk=run.pk).update(job_id="a-newer-job", job_status="queued")
        return real(name, data)

    monkeypatch.setattr(imports, "letter_from_bytes", retried_meanwhile)
    run_worker()
    run.refresh_from_db()
    assert (run.job_id, run.job_status, run.files.count()) == ("a-newer-job", "queued", 0)
    assert DBTaskResult.objects.get().status == "SUCCESSFUL"
    # A job whose run has moved on does nothing at all.
    tasks.import_run_preview_job.call(run.pk, "an-older-job")
    assert ImportRun.objects.get().job_status == "queued"


def test_confirming_twice_or_before_the_preview_is_refused(clerk):
    upload(clerk, **{"a.txt": seed("000")})
    run = ImportRun.objects.get()
    confirm = reverse("admin:proposals_importrun_confirm", args=[run.pk])
    assert "预览尚未完成" in clerk.post(confirm, follow=True).content.decode()
    run_worker()
    clerk.post(confirm)
    assert "已经开始" in clerk.post(confirm, follow=True).content.decode()
    assert DBTaskResult.objects.filter(task_path__endswith="import_job").count() == 1


def test_a_register_is_previewed_and_imported_by_jobs(clerk, session):
    from tests.test_registers import xlsx

    data = xlsx(
        [["案号", "案由", "提案人"], [1, "关于一的提案", "张三"], [2, "关于二的提案", "李四"]]
    )
    page = clerk.post(
        reverse("admin:proposals_registerimport_add"),
        {"kind": "proposals", "session": session.pk, "body": "cppcc", "file": _file(data)},
        follow=True,
    ).content.decode()
    run = RegisterImport.objects.get()
    assert (run.job_status, run.outcomes) == ("queued", [])
    assert "预览状态：排队中" in page
    run_worker()
    run.refresh_from_db()
    assert (run.job_status, run.processed, run.total) == ("done", 2, 2)
    assert [o["status"] for o in run.outcomes] == ["imported", "imported"]
    assert not Proposal.objects.exists()
    clerk.post(reverse("admin:proposals_registerimport_confirm", args=[run.pk]))
    assert RegisterImport.objects.get().job_status == "queued"
    run_worker()
    run.refresh_from_db()
    assert (run.status, run.job_status, run.stored.name) == ("confirmed", "done", "")
    assert Proposal.objects.filter(session=session).count() == 2


@pytest.mark.parametrize(
    ("error", "tries", "outcome"),
    [
        # Another import held the write lock past the busy timeout: written on the next try.
        (OperationalError("database is locked"), 2, ("confirmed", "done")),
        # Not a race: trying again cannot help, and the clerk is told.
        (
            IntegrityError("NOT NULL constraint failed: proposals_member.name"),
            1,
            ("preview", "failed"),
        ),
    ],
    ids=["lost a race", "not a race"],
)
def test_a_register_that_loses_a_race_with_another_import_is_written_again_whole(
    clerk, session, monkeypatch, error, tries, outcome
):
    from proposals.services import registers
    from tests.test_registers import xlsx

    written, calls = registers.register_apply, []

    def racing(**kwargs):
        calls.append(kwargs)
        outcomes = written(**kwargs)
        if len(calls) == 1:
            raise error  # after writing: all of it is rolled back
        return outcomes

    data = xlsx(
        [["案号", "案由", "提案人"], [1, "关于一的提案", "张三"], [2, "关于二的提案", "李四"]]
    )
    clerk.post(
        reverse("admin:proposals_registerimport_add"),
        {"kind": "proposals", "session": session.pk, "body": "cppcc", "file": _file(data)},
    )
    run_worker()
    monkeypatch.setattr(registers, "register_apply", racing)
    clerk.post(
        reverse("admin:proposals_registerimport_confirm", args=[RegisterImport.objects.get().pk])
    )
    run_worker()
    run = RegisterImport.objects.get()
    assert ((run.status, run.job_status), len(calls)) == (outcome, tries)
    assert Proposal.objects.filter(session=session).count() == (2 if tries == 2 else 0)


def test_a_register_that_cannot_be_read_fails_with_its_reason(clerk, session):
    clerk.post(
        reverse("admin:proposals_registerimport_add"),
        {"kind": "members", "body": "cppcc", "file": _file(b"\xd0\xcf\x11\xe0" + bytes(100))},
    )
    run_worker()
    run = RegisterImport.objects.get()
    assert run.job_status == "failed" and "另存为 .xlsx" in run.job_error
    # A refusal already explained is not a fault for the maintainers' log.
    assert DBTaskResult.objects.successful().count() == 1


def _file(data: bytes, name: str = "名单.xlsx"):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, data)


# Big exports.


def test_a_big_xlsx_export_is_written_by_a_job_and_downloaded_by_its_owner(
    clerk, make_proposal, settings, client, viewer_user
):
    from openpyxl import load_workbook

    from proposals.models.imports import ExportJob

    for number in (1, 2, 3):
        make_proposal(number=number, title=f"关于第{number}件事的提案")
    settings.EXPORT_INLINE_ROWS = 2
    response = clerk.get(reverse("proposal-export", args=["xlsx"]), {"q": "", "order": ""})
    export = ExportJob.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("admin:proposals_exportjob_change", args=[export.pk])
    assert export.job_status == "queued" and export.query == {"filter": {"q": [""], "order": [""]}}
    page = clerk.get(response["Location"])
    assert "导出状态：排队中" in page.content.decode() and page["Refresh"] == "2"

    run_worker()
    export.refresh_from_db()
    assert (export.job_status, export.processed, export.total) == ("done", 3, 3)
    page = clerk.get(response["Location"]).content.decode()
    assert "下载 提案办理情况.xlsx（3 行）" in page
    download = clerk.get(reverse("admin:proposals_exportjob_download", args=[export.pk]))
    book = load_workbook(io.BytesIO(b"".join(download.streaming_content)))
    titles = [row[2] for row in book.active.iter_rows(min_row=2, values_only=True)]
    assert titles == ["关于第1件事的提案", "关于第2件事的提案", "关于第3件事的提案"]

    client.force_login(viewer_user)  # another user: not theirs to see
    assert client.get(response["Location"]).status_code == 404
    assert (
        client.get(reverse("admin:proposals_exportjob_download", args=[export.pk])).status_code
        == 404
    )


def test_a_small_xlsx_export_is_sent_at_once(clerk, make_proposal):
    from proposals.models.imports import ExportJob

    make_proposal(number=1)
    response = clerk.get(reverse("proposal-export", args=["xlsx"]))
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert not ExportJob.objects.exists()


def test_an_export_job_by_ids_sees_only_what_its_owner_may(officer_user, make_proposal):
    from proposals.exports import export_job_start
    from proposals.models.imports import ExportJob

    hidden = make_proposal(number=7)
    export_job_start(user=officer_user, query={"pk": [hidden.pk]}, name="所选")
    run_worker()
    assert (ExportJob.objects.get().job_status, ExportJob.objects.get().processed) == ("done", 0)


def test_a_job_whose_worker_stopped_is_shown_stalled_and_can_be_retried(clerk):
    from datetime import timedelta

    from django.utils import timezone

    upload(clerk, **{"a.txt": seed("000")})
    run = ImportRun.objects.get()
    url = reverse("admin:proposals_importrun_change", args=[run.pk])
    assert "重试预览" not in clerk.get(url).content.decode()
    # A worker killed mid-job leaves it running, with no progress since.
    then = timezone.now() - timedelta(minutes=20)
    ImportRun.objects.filter(pk=run.pk).update(job_status="running", job_updated_at=then)
    page = clerk.get(url).content.decode()
    assert "作业可能已中断" in page and "重试预览" in page
    clerk.post(reverse("admin:proposals_importrun_retry", args=[run.pk]))
    run_worker()
    assert ImportRun.objects.get().job_status == "done"
    assert DBTaskResult.objects.successful().count() == 2  # the first job found itself replaced


def test_a_big_selection_is_exported_by_its_ids(clerk_user, make_proposal, settings):
    """What the workbench's export action hands over: the selected proposals."""
    from proposals.exports import proposals_xlsx
    from proposals.models.imports import ExportJob

    first, _, third = (make_proposal(number=n) for n in (1, 2, 3))
    settings.EXPORT_INLINE_ROWS = 1
    selected = Proposal.objects.filter(pk__in=[first.pk, third.pk])
    response = proposals_xlsx(user=clerk_user, selected=selected)
    assert response.status_code == 302
    assert ExportJob.objects.get().query == {"pk": [first.pk, third.pk]}
    run_worker()
    assert ExportJob.objects.get().processed == 2
