"""Concurrent imports: N `import_replies` processes at once on overlapping folders of M letters.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_concurrency \\
        .venv/bin/python bench/concurrency.py [--processes 4] [--letters 1000]
        [--layout halves|rotated|same] [--reruns 1] [--tree PATH]

Generates letters (bench/generate.py, seed 0) and lays them out as N folders of M letters
(LAYOUTS: each sharing its first half with the one before; or all the same letters, each
importer starting at another point, which makes them meet new sessions, members and bureaus
together; or all the same in the same order). The database at DATABASE_URL is emptied
(PostgreSQL: dropped and created; SQLite: the file deleted) and migrated, the N importers are
started together with `--json`, then one importer runs again over every letter (`--reruns`).
For each run it prints the files imported, updated, unchanged, held and rejected (rejections
by reason) and the wall time; then the letters never imported, the natural keys held by more
than one row, the real bureaus kept under more than one row (市工信局 beside
焦作市工业和信息化局), and rows a whole letter would not leave.

`--tree` runs the importers from another checkout, e.g. the code before a change
(`git clone /work/main /tmp/conc-before`), and reads the figures with its models.
"""

import argparse
import hashlib
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "out"
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/bench_concurrency"


@dataclass
class Run:
    """One importer process: what it said of each file, its exit code and wall time."""

    folder: Path
    returncode: int | None = None
    seconds: float = 0.0
    outcomes: list[dict] = field(default_factory=list)
    stderr: str = ""

    @property
    def statuses(self) -> Counter:
        return Counter(outcome["status"] for outcome in self.outcomes)


LAYOUTS = {
    "halves": "each folder shares its first half with the folder before",
    "same": "every importer the same letters in the same order",
    "rotated": "the same letters, each importer starting at a different point",
}


def pool_size(processes: int, letters: int, layout: str = "halves") -> int:
    """How many distinct letters `layout` needs for `processes` folders of `letters`."""
    return letters // 2 * (processes - 1) + letters if layout == "halves" else letters


def overlapping_folders(
    pool: list[Path], out: Path, processes: int, letters: int, layout: str = "halves"
) -> list[Path]:
    """`processes` folders of `letters` files of `pool` laid out as LAYOUTS says, as hard
    links; in a rotated folder the names are prefixed so that they sort in its order."""
    assert len(pool) >= pool_size(processes, letters, layout), "pool too small"
    shutil.rmtree(out, ignore_errors=True)
    folders = []
    for index in range(processes):
        folder = out / f"importer-{index}"
        folder.mkdir(parents=True)
        if layout == "halves":
            start = index * (letters // 2)
            chosen = pool[start : start + letters]
        elif layout == "rotated":
            start = index * letters // processes
            chosen = pool[start:letters] + pool[:start]
        else:
            chosen = pool[:letters]
        for rank, path in enumerate(chosen):
            os.link(
                path, folder / (f"{rank:06d}-{path.name}" if layout == "rotated" else path.name)
            )
        folders.append(folder)
    return folders


def _interruptible() -> None:
    """Ctrl-C's default action, as a shell gives the command it starts in the foreground. (Run
    in the background, as by `nohup … &`, a test would pass SIGINT on ignored, and an ignored
    SIGINT stops nothing.)"""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def start_importer(
    *, env: dict, tree: Path = ROOT, args=(), output: Path | None = None, session: bool = False
) -> subprocess.Popen:
    """`import_replies --json --no-progress` with `args` (the folders last), its output into
    `output` (a pipe when None); `session`: in a session and process group of its own, as a
    shell starts a command."""
    out = open(output, "w") if output else subprocess.PIPE  # noqa: SIM115 - the child holds it
    try:
        return subprocess.Popen(
            [sys.executable, "manage.py", "import_replies", "--json", "--no-progress", *args],
            cwd=tree,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT if output else subprocess.PIPE,
            text=True,
            start_new_session=session,
            preexec_fn=_interruptible if session else None,
        )
    finally:
        if output:
            out.close()


def run_importers(
    folders: list[Path], *, env: dict, tree: Path = ROOT, args=(), timeout: float | None = None
) -> list[Run]:
    """Start one importer per folder at once and wait for them all. Their output goes to
    files beside each folder: through pipes read one at a time they would wait for the reader."""
    runs = [Run(folder) for folder in folders]
    outputs = [folder.with_name(folder.name + ".out") for folder in folders]
    started = time.perf_counter()
    processes = [
        start_importer(env=env, tree=tree, args=[*args, run.folder], output=output)
        for run, output in zip(runs, outputs, strict=True)
    ]
    for run, process, output in zip(runs, processes, outputs, strict=True):
        run.returncode = process.wait(timeout=timeout)
        run.seconds = time.perf_counter() - started
        lines = output.read_text().splitlines()
        run.outcomes = [json.loads(line) for line in lines if line.startswith("{")]
        run.stderr = "\n".join(line for line in lines if not line.startswith("{"))
    return runs


def rejection_reason(error: str) -> str:
    """A rejection's reason without what names one file: the constraint for a database error."""
    constraint = re.search(r'constraint "?(\w+)"?|UNIQUE constraint failed: ([\w., ]+)', error)
    if constraint:
        return f"数据库拒绝写入：{constraint.group(1) or constraint.group(2)}"
    return error.split("\n")[0][:80]


def rejections(runs: list[Run]) -> Counter:
    return Counter(
        rejection_reason(outcome["error"] or "")
        for run in runs
        for outcome in run.outcomes
        if outcome["status"] == "rejected"
    )


# Read with Django set up on the measured database (the bench's own process, or a test's).


def never_imported(pool: list[Path]) -> list[Path]:
    """Files of `pool` whose bytes are in no reply and no held letter."""
    from proposals.models import HeldLetter, Reply

    kept = set(Reply.objects.values_list("source_sha256", flat=True))
    kept |= set(HeldLetter.objects.values_list("source_sha256", flat=True))
    return [path for path in pool if hashlib.sha256(path.read_bytes()).hexdigest() not in kept]


def natural_key_duplicates() -> dict[str, int]:
    """For each natural key, how many keys are held by more than one row."""
    from django.db.models import Count

    from proposals.models import (
        Assignment,
        Bureau,
        BureauAlias,
        HeldLetter,
        Member,
        Proposal,
        ProposalProposer,
        Reply,
        SearchDocument,
        Session,
    )

    keys = {
        "session (body, region, term, meeting)": (
            Session,
            ["body", "region", "term", "meeting"],
        ),
        "proposal (session, number)": (Proposal, ["session", "number"]),
        "member (body, region, name)": (Member, ["body", "region", "name"]),
        "bureau (region, name)": (Bureau, ["region", "name"]),
        "bureau alias (bureau, name)": (BureauAlias, ["bureau", "name"]),
        "proposer (proposal, member)": (ProposalProposer, ["proposal", "member"]),
        "assignment (proposal, bureau)": (Assignment, ["proposal", "bureau"]),
        "reply (proposal, bureau, round)": (Reply, ["proposal", "bureau", "round"]),
        "held letter (sha256)": (HeldLetter, ["source_sha256"]),
        "search document (proposal, reply)": (SearchDocument, ["proposal", "reply"]),
    }
    return {
        label: model.objects.order_by()
        .values(*fields)
        .annotate(rows=Count("pk"))
        .filter(rows__gt=1)
        .count()
        for label, (model, fields) in keys.items()
    }


def bureau_duplicates() -> list[list[str]]:
    """Real bureaus kept as more than one row: bureaus of one region whose names or aliases
    mean the same bureau (services.bureaus.canonical_key), as lists of their names."""
    from proposals.models import Bureau
    from proposals.services.bureaus import canonical_key

    by_key: dict[tuple[str, str], set[int]] = {}
    names: dict[int, str] = {}
    for bureau in Bureau.objects.prefetch_related("aliases"):
        names[bureau.pk] = bureau.name
        for name in [bureau.name, *(alias.name for alias in bureau.aliases.all())]:
            by_key.setdefault((bureau.region, canonical_key(bureau.region, name)), set()).add(
                bureau.pk
            )
    groups = {frozenset(ids) for ids in by_key.values() if len(ids) > 1}
    return sorted(sorted(names[pk] for pk in group) for group in groups)


def incomplete_rows() -> dict[str, int]:
    """Rows that a whole letter's unit of work would not leave: a proposal without a reply or
    an assignment, a reply without its search document, a stored status that is stale."""
    from proposals.derived import snapshots, stored_snapshot
    from proposals.models import Proposal, Reply

    proposals = list(Proposal.objects.order_by("pk"))
    derived = snapshots([p.pk for p in proposals])
    return {
        "proposal without reply": Proposal.objects.filter(replies__isnull=True).count(),
        "proposal without assignment": Proposal.objects.filter(assignments__isnull=True).count(),
        "reply without search document": Reply.objects.filter(search_document__isnull=True).count(),
        "proposal with stale status": sum(derived[p.pk] != stored_snapshot(p) for p in proposals),
    }


# The benchmark itself.


def fresh_database(url: str, tree: Path) -> None:
    """Empty the database at `url` and migrate it with `tree`'s migrations."""
    if url.startswith("sqlite"):
        path = url.removeprefix("sqlite:///")
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
    else:
        import psycopg

        server, name = url.rsplit("/", 1)
        with psycopg.connect(f"{server}/postgres", autocommit=True) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            connection.execute(f'CREATE DATABASE "{name}"')
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "--noinput", "-v0"],
        cwd=tree,
        env=dict(os.environ, DATABASE_URL=url),
        check=True,
    )


def report(title: str, runs: list[Run]) -> None:
    statuses = sum((run.statuses for run in runs), Counter())
    wall = max(run.seconds for run in runs)
    print(f"{title}: {len(runs)} process(es), {statuses.total()} files, {wall:.1f} s wall")
    for status in ("imported", "updated", "unchanged", "held", "rejected"):
        print(f"  {status:<10}{statuses[status]:>7}")
    for reason, count in rejections(runs).most_common():
        print(f"    {count:>6}  {reason}")
    for run in runs:
        files = sum(1 for path in run.folder.iterdir() if path.is_file())
        # A traceback exits 1 too, as rejections do: a short count tells them apart.
        stopped = len(run.outcomes) < files or run.returncode not in (0, 1)
        print(
            f"  {run.folder.name}: exit {run.returncode}, {run.seconds:.1f} s"
            + (
                f"; STOPPED after {len(run.outcomes)} of {files} files:"
                f" {run.stderr.strip().splitlines()[-1:]}"
                if stopped
                else ""
            )
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--processes", type=int, default=4)
    parser.add_argument("--letters", type=int, default=1000, help="letters per folder")
    parser.add_argument(
        "--layout",
        choices=LAYOUTS,
        default="halves",
        help="; ".join(f"{name}: {text}" for name, text in LAYOUTS.items()),
    )
    parser.add_argument("--tree", type=Path, default=ROOT, help="checkout the importers run from")
    parser.add_argument("--reruns", type=int, default=1, help="single-importer runs afterwards")
    parser.add_argument("--jobs", help="import_replies --jobs (default: its own choice)")
    args = parser.parse_args()
    url = os.environ.get("DATABASE_URL", DEFAULT_URL)
    tree = args.tree.resolve()

    sys.path.insert(0, str(ROOT))
    from bench.generate import write_letters

    size = pool_size(args.processes, args.letters, args.layout)
    letters = OUT / f"concurrency-pool-{size}"
    if not letters.exists() or len(list(letters.iterdir())) != size:
        shutil.rmtree(letters, ignore_errors=True)
        write_letters(letters, size)
    pool = sorted(letters.iterdir())
    folders = overlapping_folders(
        pool, OUT / "concurrency", args.processes, args.letters, args.layout
    )

    fresh_database(url, tree)
    env = dict(os.environ, DATABASE_URL=url, DEBUG="false", SECRET_KEY="bench-" + "x" * 40)
    importer_args = ["--jobs", args.jobs] if args.jobs else []
    print(f"machine: {os.cpu_count()} cores; database {url.split('@')[-1]}; tree {tree}")
    print(
        f"{args.processes} importers × {args.letters} letters, {LAYOUTS[args.layout]}:"
        f" {size} distinct letters"
    )
    report("concurrent run", run_importers(folders, env=env, tree=tree, args=importer_args))
    for rerun in range(1, args.reruns + 1):
        report(f"re-run {rerun}", run_importers([letters], env=env, tree=tree, args=importer_args))

    # Read with the tree's own models and settings (the same models before and after a change).
    sys.path.insert(0, str(tree))
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tracker.settings")
    import django

    django.setup()
    missing = never_imported(pool)
    print(f"letters never imported: {len(missing)}")
    print("natural keys held by more than one row:")
    for label, count in natural_key_duplicates().items():
        print(f"  {count:>5}  {label}")
    duplicates = bureau_duplicates()
    print(f"real bureaus kept as more than one row: {len(duplicates)}")
    for names in duplicates[:10]:
        print(f"    {' / '.join(names)}")
    for label, count in incomplete_rows().items():
        print(f"  {count:>5}  {label}")


if __name__ == "__main__":
    main()
