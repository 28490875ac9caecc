"""Importing letters in the admin: limits, a preview that writes nothing, a faithful confirm."""

import io
import zipfile
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from proposals.models import ImportedFile, ImportRun, Proposal, Reply, Session
from proposals.roles import Role, login_ensure
from tests.letters import ISSUER_ONLY_OUR_BUREAU

SEEDS = Path(__file__).resolve().parent.parent / "fixtures/replies"
ADD = "admin:proposals_importrun_add"


def seed(name: str) -> SimpleUploadedFile:
    path = next(SEEDS.glob(f"{name}_*.txt"))
    return SimpleUploadedFile(path.name, path.read_bytes())


@pytest.fixture
def clerk(client, db):
    client.force_login(login_ensure(username="clerk", password="x", role=Role.CLERK))
    return client


def upload(client, *files):
    return client.post(reverse(ADD), {"files": list(files)}, follow=True)


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
    clerk.post(reverse("admin:proposals_importrun_confirm", args=[run.pk]))
    files = list(run.files.all())
    assert [f.status for f in files] == [f.preview_status for f in files]
    assert [f.status for f in files] == ["imported", "imported", "rejected", "unchanged"]
    assert Reply.objects.count() == 2
    run.refresh_from_db()
    assert run.status == "confirmed" and run.confirmed_at
    page = clerk.post(reverse("admin:proposals_importrun_confirm", args=[run.pk]), follow=True)
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
        (SimpleUploadedFile("scan.pdf", b"%PDF-1.4"), "只接受"),
        (SimpleUploadedFile("broken.zip", b"PK-not-really"), "不是有效的 .zip"),
        (SimpleUploadedFile("huge.txt", b"x" * (5 * 1024 * 1024 + 1)), "超过 5 MB"),
    ],
)
def test_refused_uploads_say_why_and_store_nothing(clerk, upload_file, message):
    page = upload(clerk, upload_file)
    assert message in page.content.decode()
    assert not ImportRun.objects.exists()


def test_a_bureau_officer_imports_only_their_own_bureaus_letters(client, db, bureau):
    officer = login_ensure(username="gongxin", password="x", role=Role.BUREAU, bureau=bureau)
    client.force_login(officer)
    ours_signed_only_by_us = SimpleUploadedFile("ours.txt", ISSUER_ONLY_OUR_BUREAU.encode())
    upload(client, seed("000"), seed("003"), ours_signed_only_by_us)
    run = ImportRun.objects.get()
    outcomes = {f.name: (f.preview_status, f.preview_error) for f in run.files.all()}
    assert outcomes["000_ee2ad97ee7362e9f.txt"] == ("imported", "")
    assert outcomes["ours.txt"] == ("imported", "")
    assert outcomes["003_8e3784263eeb7afc.txt"][0] == "rejected"
    assert "只能导入本单位" in outcomes["003_8e3784263eeb7afc.txt"][1]
    client.post(reverse("admin:proposals_importrun_confirm", args=[run.pk]))
    assert set(Reply.objects.values_list("bureau__name", flat=True)) == {"焦作市工业和信息化局"}


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
