"""Imports running at once, and imports stopped halfway: nothing lost, nothing doubled, and
no process left behind. Each importer is a real `manage.py import_replies` process.

Four importers on one PostgreSQL database need its tests (DATABASE_URL=postgres://…); the
processes share pytest-django's test database, with `transactional_db` so that what each
commits is what the others see.
"""

import contextlib
import json
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path
from urllib.parse import quote

import pytest
from django.db import connection, transaction

from bench.concurrency import (
    bureau_duplicates,
    incomplete_rows,
    natural_key_duplicates,
    never_imported,
    overlapping_folders,
    run_importers,
    start_importer,
)
from bench.generate import write_letters
from proposals.services.bureaus import BureauDirectory

ROOT = Path(__file__).resolve().parent.parent
IMPORTERS = 4
LETTERS = 240
# Letters given to an importer that is stopped halfway: the whole pool, so that once its
# first batch is committed (importing.BATCH_FILES) several are still to come when the signal
# arrives. (With 120, an importer once finished before it.)
KILLED_LETTERS = LETTERS

on_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="several writers at once need PostgreSQL"
)


@pytest.fixture(scope="module")
def pool(tmp_path_factory) -> list[Path]:
    """LETTERS generated letters, with co-handlers under short names and issuers under full
    ones (bench/generate.py)."""
    folder = tmp_path_factory.mktemp("letters")
    return write_letters(folder, LETTERS)


def environment(database_url: str, **more) -> dict:
    return dict(
        os.environ,
        DATABASE_URL=database_url,
        DEBUG="false",
        SECRET_KEY="concurrent-import-" + "x" * 40,
        PYTHONUNBUFFERED="1",
        **more,
    )


def shared_database_url() -> str:
    """The URL of pytest-django's test database, for processes of their own."""
    settings = connection.settings_dict
    user = quote(settings["USER"] or "")
    password = f":{quote(settings['PASSWORD'])}" if settings["PASSWORD"] else ""
    return (
        f"postgres://{user}{password}@{settings['HOST'] or 'localhost'}:"
        f"{settings['PORT'] or 5432}/{settings['NAME']}"
    )


def statuses(runs) -> list[str]:
    return [outcome["status"] for run in runs for outcome in run.outcomes]


@on_postgresql
def test_four_importers_on_the_same_letters_import_each_once_and_reject_none(
    transactional_db, pool, tmp_path
):
    # Each starts at another point of the same letters: they meet new sessions, members and
    # bureaus (市工信局 here, 焦作市工业和信息化局 there) at the same time, and each other's letters.
    folders = overlapping_folders(pool, tmp_path / "folders", IMPORTERS, LETTERS, "rotated")
    env = environment(shared_database_url())

    runs = run_importers(folders, env=env, timeout=300)

    for run in runs:
        assert run.returncode == 0, run.stderr
        assert len(run.outcomes) == LETTERS
    assert set(statuses(runs)) <= {"imported", "unchanged"}
    assert statuses(runs).count("imported") == LETTERS  # each letter once, by one of them
    assert never_imported(pool) == []
    assert set(natural_key_duplicates().values()) == {0}
    assert bureau_duplicates() == []
    assert set(incomplete_rows().values()) == {0}

    [again] = run_importers([pool[0].parent], env=env, timeout=300)
    assert again.returncode == 0, again.stderr
    assert statuses([again]) == ["unchanged"] * LETTERS


def formal_letter(issuer: str, number: int, co_handler: str | None = None) -> str:
    """A 焦作市 bureau's formal reply to proposal `number` of 市政协十四届五次会议."""
    studied = f"经与{co_handler}等单位共同研究，" if co_handler else ""
    return "\n\n".join(
        [
            f"# {issuer}文件",
            "焦政〔2023〕12号",
            "签发人：王建华",
            f"## {issuer} 对市政协十四届五次会议第{number}号提案的答复",
            "张素平委员：",
            f"您提出的“关于加强科技创新促进企业发展”的提案收悉，{studied}现答复如下：",
            "一、基本情况",
            "我局高度重视，专门召开会议研究部署，明确责任科室和办理时限。",
            "2023年6月1日",
            f"联系单位：{issuer}",
            "联系电话：3456789",
            "联系人：李明",
        ]
    )


@on_postgresql
@pytest.mark.parametrize(
    ("first", "second"),
    [("市工信局", "焦作市工业和信息化局"), ("焦作市工业和信息化局", "市工信局")],
)
def test_a_short_and_a_full_name_resolved_at_once_make_one_bureau(transactional_db, first, second):
    from proposals.models import Bureau

    resolved = threading.Event()
    errors = []

    def resolve(name: str, *, hold: bool) -> None:
        try:
            with transaction.atomic():
                BureauDirectory().resolve(region="焦作市", name=name)
                if hold:
                    # Not committed yet when the other import resolves its name.
                    resolved.set()
                    time.sleep(1)
        except Exception as error:
            errors.append(error)
        finally:
            resolved.set()
            connection.close()

    holding = threading.Thread(target=resolve, args=[first], kwargs={"hold": True})
    holding.start()
    resolved.wait(timeout=30)
    meanwhile = threading.Thread(target=resolve, args=[second], kwargs={"hold": False})
    meanwhile.start()
    holding.join()
    meanwhile.join()

    assert errors == []
    [bureau] = Bureau.objects.filter(region="焦作市")
    assert bureau.name == "焦作市工业和信息化局"
    assert "市工信局" in set(bureau.aliases.values_list("name", flat=True))


def test_a_region_holding_one_bureau_twice_resolves_both_names_to_the_full_one(db):
    from proposals.models import Bureau

    # What concurrent imports used to leave: the short name's row older than the full one's.
    short = Bureau.objects.create(region="金水区", name="区教育局", needs_review=True)
    full = Bureau.objects.create(region="金水区", name="金水区教育局", needs_review=True)

    with transaction.atomic():
        directory = BureauDirectory()
        assert directory.resolve(region="金水区", name="金水区教育局") == full
        assert directory.resolve(region="金水区", name="区教育局") == full

    short.refresh_from_db()
    assert short.name == "区教育局"  # never renamed into the full one's name


def test_a_letter_that_loses_a_race_is_imported_again_not_rejected(db):
    from proposals.access import SYSTEM
    from proposals.importing import ImportStatus, LetterImporter
    from proposals.models import Proposal

    ours, theirs = LetterImporter(actor=SYSTEM), LetterImporter(actor=SYSTEM)
    first = ours.import_letter(name="1.txt", data=formal_letter("焦作市财政局", 1).encode())
    # Another import adds No. 2 after ours has read the session's numbers.
    theirs.import_letter(name="2.txt", data=formal_letter("焦作市财政局", 2).encode())
    copy = formal_letter("焦作市财政局", 2) + "\n\n附件：无\n"
    again = ours.import_letter(name="2-copy.txt", data=copy.encode())

    assert first.status == ImportStatus.IMPORTED
    assert again.status == ImportStatus.UPDATED, again.error
    assert Proposal.objects.count() == 2


# Stopping an importer.


@pytest.fixture(scope="module")
def migrated_sqlite(tmp_path_factory) -> Path:
    """An empty SQLite database with every migration applied, copied by each test."""
    path = tmp_path_factory.mktemp("sqlite") / "template.sqlite3"
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "--noinput", "-v0"],
        cwd=ROOT,
        env=environment(f"sqlite:///{path}"),
        check=True,
    )
    return path


@pytest.fixture
def database_url(request, tmp_path) -> str:
    """A database the importer processes share: a migrated SQLite file, or on PostgreSQL the
    test database (its rows committed, and emptied after the test, which is transactional)."""
    if request.param == "sqlite":
        path = tmp_path / "db.sqlite3"
        shutil.copy(request.getfixturevalue("migrated_sqlite"), path)
        return f"sqlite:///{path}"
    if connection.vendor != "postgresql":
        pytest.skip("needs DATABASE_URL=postgres://…")
    return shared_database_url()


def living_processes(group: int, marker: str) -> list[str]:
    """Processes, zombies aside, of process group `group` or whose environment holds
    `marker` (what left the group: a program started in a session of its own)."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            # pid (comm) state ppid pgrp …: comm may hold spaces, so split after its ')'.
            state, _, pgrp = stat.rsplit(")", 1)[1].split()[:3]
            environ = (entry / "environ").read_bytes() if int(pgrp) != group else b""
            command = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode()
        except (OSError, IndexError, ValueError):
            continue  # gone meanwhile, or another user's
        if state != "Z" and (int(pgrp) == group or marker.encode() in environ):
            found.append(f"{entry.name} {command[:120]}")
    return found


def database_figures(url: str, pool: list[Path]) -> dict:
    """What bench.concurrency finds in the database at `url` (read in a process of its own for
    SQLite, whose tests run on another database)."""
    if url.startswith("postgres"):
        return {
            "incomplete": incomplete_rows(),
            "duplicates": natural_key_duplicates(),
            "never imported": len(never_imported(pool)),
        }
    code = (
        "import json, sys; from pathlib import Path; from bench.concurrency import *;"
        "pool = [Path(p) for p in sys.argv[1:]];"
        "print(json.dumps({'incomplete': incomplete_rows(), 'duplicates':"
        " natural_key_duplicates(), 'never imported': len(never_imported(pool))}))"
    )
    result = subprocess.run(
        [sys.executable, "-c", f"import django; django.setup(); {code}", *map(str, pool)],
        cwd=ROOT,
        env=environment(url, DJANGO_SETTINGS_MODULE="tracker.settings"),
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(result.stdout.splitlines()[-1])


# What the importer exits with, stopped by each signal.
STOPPED = {
    signal.SIGTERM: 128 + signal.SIGTERM,
    signal.SIGINT: 128 + signal.SIGINT,
    signal.SIGKILL: -signal.SIGKILL,
}


# Transactional, so that what the importers commit is emptied after each test. (Asked for
# from the database_url fixture, transactional_db left the test in a transaction rolled
# back at its end: the letters stayed in, and the next test found them all "unchanged".)
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(
    ("database_url", "stop"),
    [
        ("sqlite", signal.SIGTERM),
        ("sqlite", signal.SIGKILL),
        # Ctrl-C takes the same way out as SIGTERM.
        ("sqlite", signal.SIGINT),
        ("postgresql", signal.SIGTERM),
        ("postgresql", signal.SIGKILL),
    ],
    ids=lambda value: signal.Signals(value).name if isinstance(value, int) else value,
    indirect=["database_url"],
)
def test_a_stopped_importer_leaves_no_process_behind_and_only_whole_letters(
    database_url, stop, pool, tmp_path
):
    marker = f"stopped-importer-{uuid.uuid4()}"
    env = environment(database_url, IMPORT_TEST_MARKER=marker)
    output = tmp_path / "importer.out"
    folder = pool[0].parent
    letters = pool
    assert database_figures(database_url, letters)["never imported"] == KILLED_LETTERS
    # In a process group of its own, as a shell starts a command: only the importer itself is
    # signalled, and whatever it leaves in its group is its own.
    importer = start_importer(env=env, args=["--jobs", "2", folder], output=output, session=True)
    try:
        deadline = time.monotonic() + 120
        # Stopped halfway: once its first batch is committed, with its parser processes busy.
        while not (output.exists() and output.read_text().count("\n") >= 1):
            assert importer.poll() is None, output.read_text()
            assert time.monotonic() < deadline, "the importer never got going"
            time.sleep(0.1)
        assert len(living_processes(importer.pid, marker)) > 2  # the parsers, the tracker
        importer.send_signal(stop)
        assert importer.wait(timeout=60) == STOPPED[stop]

        deadline = time.monotonic() + 15
        while (left := living_processes(importer.pid, marker)) and time.monotonic() < deadline:
            time.sleep(0.2)
        assert left == []
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(importer.pid, signal.SIGKILL)

    reported = [line for line in output.read_text().splitlines() if line.startswith("{")]
    assert 0 < len(reported) < KILLED_LETTERS
    figures = database_figures(database_url, letters)
    assert set(figures["incomplete"].values()) == {0}, figures
    assert set(figures["duplicates"].values()) == {0}, figures
    # Letters are committed in order, and reported once committed (the last batch may have
    # been committed and not reported).
    committed = KILLED_LETTERS - figures["never imported"]
    assert committed >= len(reported)

    # Run again, it takes up where it stopped.
    [again] = run_importers([folder], env=env, timeout=300)
    assert again.returncode == 0, again.stderr
    assert statuses([again]) == ["unchanged"] * committed + ["imported"] * (
        KILLED_LETTERS - committed
    )
