"""The import_replies command: JSON lines, dry runs, directories, summaries and exit codes."""

import json
import os
import shutil
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from proposals.models import Proposal, Reply

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "fixtures/replies"


def run(*args) -> tuple[int, str, str]:
    out, err = StringIO(), StringIO()
    try:
        call_command("import_replies", *args, stdout=out, stderr=err)
        code = 0
    except SystemExit as exit_:
        code = exit_.code
    return code, out.getvalue(), err.getvalue()


@pytest.mark.django_db
def test_json_mode_prints_one_object_per_file_and_nothing_else():
    code, out, err = run("--dry-run", "--json", str(SEEDS))
    lines = out.splitlines()
    assert len(lines) == 5
    reports = [json.loads(line) for line in lines]
    assert [r["status"] for r in reports] == ["imported"] * 4 + ["rejected"]
    assert reports[0]["file"] == str(SEEDS / "000_ee2ad97ee7362e9f.txt")
    assert reports[0]["error"] is None
    assert reports[0]["reply"]["doc_number"] == "焦工信〔2022〕71号"
    assert reports[4]["reply"] is None and "不是答复函" in reports[4]["error"]
    assert "试运行" in err and "拒收 1" in err
    assert code == 1


@pytest.mark.django_db
def test_a_dry_run_writes_nothing():
    run("--dry-run", str(SEEDS))
    assert not Proposal.objects.exists()
    assert not Reply.objects.exists()


@pytest.mark.django_db
def test_a_dry_run_reports_a_duplicate_in_the_batch_as_unchanged(tmp_path):
    shutil.copy(SEEDS / "000_ee2ad97ee7362e9f.txt", tmp_path / "a.txt")
    shutil.copy(SEEDS / "000_ee2ad97ee7362e9f.txt", tmp_path / "b.txt")
    _, out, _ = run("--dry-run", "--json", str(tmp_path))
    assert [json.loads(line)["status"] for line in out.splitlines()] == ["imported", "unchanged"]


@pytest.mark.django_db
def test_importing_twice_reports_unchanged_and_exits_zero_without_rejections(tmp_path):
    nested = tmp_path / "2022" / "july"
    nested.mkdir(parents=True)
    for name in ["000_ee2ad97ee7362e9f.txt", "003_8e3784263eeb7afc.txt"]:
        shutil.copy(SEEDS / name, nested / name)
    (tmp_path / ".hidden.txt").write_text("not read")
    first = run(str(tmp_path))
    second = run(str(tmp_path))
    assert first[0] == 0 and "新增 2" in first[1]
    assert second[0] == 0 and "无变化 2" in second[1]
    assert Reply.objects.count() == 2


@pytest.mark.django_db
def test_rejected_files_are_listed_with_reasons_and_the_rest_still_imported(tmp_path):
    shutil.copy(SEEDS / "000_ee2ad97ee7362e9f.txt", tmp_path / "good.txt")
    (tmp_path / "empty.txt").write_bytes(b"")
    (tmp_path / "damaged.pdf").write_bytes(b"%PDF-1.4 binary")
    code, out, _ = run(str(tmp_path))
    assert code == 1
    assert "empty.txt：空文件" in out
    assert "damaged.pdf：损坏的 PDF 文件" in out
    assert Reply.objects.count() == 1


@pytest.mark.django_db
def test_a_missing_path_is_a_usage_error():
    with pytest.raises(CommandError, match="找不到"):
        call_command("import_replies", "/no/such/place", stdout=StringIO())


def test_exit_codes_from_the_command_line(tmp_path):
    env = dict(os.environ, DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}")
    manage = [sys.executable, "manage.py"]

    def code(*args) -> int:
        return subprocess.run([*manage, *args], cwd=ROOT, env=env, capture_output=True).returncode

    assert code("migrate", "-v0") == 0
    assert code("import_replies", str(SEEDS / "000_ee2ad97ee7362e9f.txt")) == 0
    assert code("import_replies", str(SEEDS)) == 1
    assert code("import_replies", "/no/such/place") == 2
    assert code("import_replies") == 2
    assert code("import_replies", "--body", "senate", str(SEEDS)) == 2


def test_letters_parsed_in_worker_processes_come_back_in_order_and_equal():
    from proposals.parsing.files import read_letters

    paths = [str(p) for p in sorted(SEEDS.iterdir())] * 3
    inline = list(read_letters(paths, workers=0))
    pooled = list(read_letters(paths, workers=2))
    assert [letter.name for letter in pooled] == paths
    assert pooled == inline


@pytest.mark.django_db
def test_an_import_with_parser_processes_imports_the_same():
    code, out, _ = run("--jobs", "2", "--json", str(SEEDS))
    assert code == 1
    assert [json.loads(line)["status"] for line in out.splitlines()] == ["imported"] * 4 + [
        "rejected"
    ]
    assert Reply.objects.count() == 4
