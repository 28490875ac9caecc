"""Importing letters in the admin: limits, a preview that writes nothing, a faithful confirm.

The preview and the import are background jobs: each step here runs the worker, then reads
the run's page as the clerk's browser does when it reloads."""

import io
import zipfile
from datetime import date
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from proposals.access import SYSTEM
from proposals.models import Assignment, Bureau, ImportedFile, ImportRun, Proposal, Reply, Session
from proposals.roles import Role, login_ensure
from proposals.services import proposal_save, proposals_assign
from tests.letters import ISSUER_ONLY_OUR_BUREAU
from tests.test_jobs import run_worker

SEEDS = Path(__file__).resolve().parent.parent / "fixtures/replies"
ADD = "admin:proposals_importrun_add"


def seed(name: str) -> SimpleUploadedFile:
    path = next(SEEDS.glob(f"{name}_*.txt"))
    return SimpleUploadedFile(path.name, path.read_bytes())


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def upload(client, *files):
    """Upload, let the worker build the preview, and return the run's page."""
    page = client.post(reverse(ADD), {"files": list(files)}, follow=True)
    run_worker()
    return client.get(page.request["PATH_INFO"])


def confirm(client, run):
    """Confirm and let the worker import; return the page the confirm led to."""
    page = client.post(reverse("admin:proposals_importrun_confirm", args=[run.pk]), follow=True)
    run_worker()
    return page


def domain_rows() -> tuple:
    return (Session.objects.count(), Proposal.objects.count(), Reply.objects.count())


def test_the_preview_writes_nothing_and_says_what_would_happen(clerk):
    page = upload(clerk, seed("000"), seed("002"), seed("004"))
    assert domain_rows() == (0, 0, 0)
    run = ImportRun.objects.get()
    assert [(f.name, f.preview_status) for f in run.files.all()] == [
        ("000_ee2ad97ee7362e9f.txt", "imported"),
        ("002_b90c929a2134fc54.txt", "imported"),
        ("004_ce5cdeeac75771e9.txt", "rejected"),
    ]
    assert "不是答复函" in run.files.get(position=2).preview_error
    assert "确认导入" in page.content.decode()


def test_the_confirm_writes_exactly_what_the_preview_showed(clerk):
    upload(clerk, seed("000"), seed("003"), seed("004"), seed("000"))
    run = ImportRun.objects.get()
    assert "已开始按预览的文件导入" in confirm(clerk, run).content.decode()
    page = clerk.get(reverse("admin:proposals_importrun_change", args=[run.pk]))
    assert "按预览的文件导入，结果见下表" in page.content.decode()
    files = list(run.files.all())
    assert [f.status for f in files] == [f.preview_status for f in files]
    assert [f.status for f in files] == ["imported", "imported", "rejected", "unchanged"]
    assert Reply.objects.count() == 2
    run.refresh_from_db()
    assert run.status == "confirmed" and run.confirmed_at
    page = confirm(clerk, run)
    assert "已经确认过" in page.content.decode()
    assert Reply.objects.count() == 2


def test_a_zip_of_letters_is_opened(clerk):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name in ("000", "001"):
            path = next(SEEDS.glob(f"{name}_*.txt"))
            archive.writestr(f"七月/{path.name}", path.read_bytes())
        archive.writestr("__MACOSX/._junk.txt", b"junk")
    upload(clerk, SimpleUploadedFile("replies.zip", buffer.getvalue()))
    names = list(ImportedFile.objects.values_list("name", flat=True))
    assert names == [
        "replies.zip/七月/000_ee2ad97ee7362e9f.txt",
        "replies.zip/七月/001_4a0811232a8ce13d.txt",
    ]


@pytest.mark.parametrize(
    ("upload_file", "message"),
    [
        (SimpleUploadedFile("setup.exe", b"MZ"), "只接受"),
        (SimpleUploadedFile("photo.png", b"\x89PNG\r\n\x1a\n"), "损坏或无法识别的图片"),
        (SimpleUploadedFile("broken.zip", b"PK-not-really"), "不是有效的 .zip"),
        (SimpleUploadedFile("huge.txt", b"x" * (20 * 1024 * 1024 + 1)), "超过 20 MB"),
        (SimpleUploadedFile("empty.txt", b""), "空"),
    ],
)
def test_a_file_that_cannot_be_read_is_refused_on_its_own(clerk, upload_file, message):
    page = upload(clerk, seed("000"), upload_file)
    assert message in page.content.decode()
    run = ImportRun.objects.get()
    outcomes = [(f.preview_status, f.stored.name == "") for f in run.files.all()]
    assert outcomes[0] == ("imported", False)
    assert outcomes[1][0] == "rejected"
    confirm(clerk, run)
    assert Reply.objects.count() == 1


def test_an_upload_with_no_file_is_explained(clerk):
    page = clerk.post(reverse(ADD), {}, follow=True)
    assert "没有上传任何文件" in page.content.decode()
    assert not ImportRun.objects.exists()


def test_a_bureau_officer_imports_only_their_replies_to_what_is_assigned_to_them(
    client, officer_user, bureau
):
    """Own bureau, proposals already assigned to it: never a new proposal, assignment or bureau."""
    session = Session.objects.create(body="cppcc", region="焦作市", term=14, meeting=5)
    ours = proposal_save(proposal=Proposal(session=session, number=252), actor=SYSTEM)
    proposals_assign(proposals=[ours], lead=bureau, assigned_on=date(2022, 4, 1), actor=SYSTEM)
    others = Bureau.objects.create(region="焦作市", name="焦作市科学技术局")
    theirs = proposal_save(proposal=Proposal(session=session, number=153), actor=SYSTEM)
    proposals_assign(proposals=[theirs], lead=others, assigned_on=date(2022, 1, 1), actor=SYSTEM)
    before = (Proposal.objects.count(), Assignment.objects.count(), Bureau.objects.count())
    client.force_login(officer_user)
    ours_signed_only_by_us = SimpleUploadedFile("ours.txt", ISSUER_ONLY_OUR_BUREAU.encode())
    upload(client, seed("000"), seed("001"), seed("003"), ours_signed_only_by_us)
    run = ImportRun.objects.get()
    outcomes = {f.name: (f.preview_status, f.preview_error) for f in run.files.all()}
    assert outcomes["000_ee2ad97ee7362e9f.txt"] == ("imported", "")
    assert outcomes["001_4a0811232a8ce13d.txt"][0] == "rejected"  # No. 153: another bureau's
    assert "未交办给本单位" in outcomes["001_4a0811232a8ce13d.txt"][1]
    assert "只能导入本单位" in outcomes["003_8e3784263eeb7afc.txt"][1]
    assert outcomes["ours.txt"][0] == "rejected"  # No. 301 is not in the system
    confirm(client, run)
    assert list(Reply.objects.values_list("proposal__number", "bureau__name")) == [
        (252, "焦作市工业和信息化局")
    ]
    assert (Proposal.objects.count(), Assignment.objects.count(), Bureau.objects.count()) == before
    assert Proposal.objects.get(number=153).status == "assigned"


def test_who_may_upload_and_see_import_runs(client, db, bureau):
    clerk = login_ensure(username="clerk", password="x", role=Role.CLERK)
    client.force_login(clerk)
    upload(client, seed("000"))
    client.force_login(login_ensure(username="leader", password="x", role=Role.VIEWER))
    assert client.get(reverse(ADD)).status_code == 403
    assert client.get(reverse("admin:proposals_importrun_changelist")).status_code == 200
    officer = login_ensure(username="gongxin", password="x", role=Role.BUREAU, bureau=bureau)
    client.force_login(officer)
    listing = client.get(reverse("admin:proposals_importrun_changelist"))
    assert list(listing.context["cl"].result_list) == []
    run = ImportRun.objects.get()
    assert (
        client.post(reverse("admin:proposals_importrun_confirm", args=[run.pk])).status_code == 404
    )
