"""Loader throughput and memory: parse-only, import into SQLite and PostgreSQL, and loaddata.

    .venv/bin/python bench/loader.py [--sizes 1000 10000] [--databases sqlite postgres]

For each size it generates that many letters (bench/generate.py, seed 0), then in a fresh
process each: parses them all (no database); imports them with `import_replies` into an empty
database; dumps the resulting rows with `dumpdata` and loads them with `loaddata` into another
empty database, Django's own loader being the baseline. Each process reports wall time and its
peak resident memory (ru_maxrss), and for the import also its largest parser process
(import_replies parses in worker processes for large batches). Figures go in bench/README.md.
"""

import argparse
import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "out"
PG_SERVER = "postgres://postgres@127.0.0.1:5432"
PG_DATABASE = "bench_tracker"


def worker(kind: str, target: str) -> dict:
    """Run one measured step in this process and return its figures."""
    import django

    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tracker.settings")
    django.setup()
    from django.core.management import call_command

    started = time.perf_counter()
    if kind == "parse":
        from proposals.parsing import ParsedReply, parse_reply

        files = sorted(Path(target).iterdir())
        parsed = sum(isinstance(parse_reply(p.read_bytes()), ParsedReply) for p in files)
        count = len(files)
        assert parsed == count, f"only {parsed} of {count} parsed"
    elif kind == "import":
        count = len(list(Path(target).iterdir()))
        with open(os.devnull, "w") as quiet:
            call_command("import_replies", target, "--no-progress", stdout=quiet)
    elif kind == "loaddata":
        count = None
        call_command("loaddata", target, verbosity=0)
    elif kind == "dumpdata":
        count = None
        call_command("dumpdata", "proposals", output=target, verbosity=0)
    seconds = time.perf_counter() - started
    return {
        "seconds": seconds,
        "count": count,
        "peak_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "worker_mib": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024,
    }


def median_of(repeat: int, measure, *args) -> dict:
    """The run with the median time of `repeat` runs of `measure(*args)`."""
    runs = sorted((measure(*args) for _ in range(repeat)), key=lambda figures: figures["seconds"])
    return runs[len(runs) // 2]


def measure_parse(letters: Path) -> dict:
    return spawn("parse", str(letters), None)


def measure_import(letters: Path, database: str) -> dict:
    return spawn("import", str(letters), fresh_database(database, f"{PG_DATABASE}_import"))


def measure_loaddata(dump: Path, database: str) -> dict:
    return spawn("loaddata", str(dump), fresh_database(database, f"{PG_DATABASE}_loaddata"))


def spawn(kind: str, target: str, database_url: str | None) -> dict:
    # Production settings: DEBUG on would log every query and skew both sides.
    env = dict(os.environ, DEBUG="false", SECRET_KEY="bench-" + "x" * 40)
    if database_url:
        env["DATABASE_URL"] = database_url
    result = subprocess.run(
        [sys.executable, __file__, "--worker", kind, target],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(result.stdout.splitlines()[-1])


def fresh_database(kind: str, name: str) -> str:
    """An empty, migrated database of `kind`; returns its URL."""
    if kind == "sqlite":
        path = OUT / f"{name}.sqlite3"
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        url = f"sqlite:///{path}"
    else:
        import psycopg

        with psycopg.connect(f"{PG_SERVER}/postgres", autocommit=True) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}"')
            connection.execute(f'CREATE DATABASE "{name}"')
        url = f"{PG_SERVER}/{name}"
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "--noinput", "-v0"],
        cwd=ROOT,
        env=dict(os.environ, DATABASE_URL=url),
        check=True,
    )
    return url


def row_count(url: str) -> int:
    code = (
        "from django.apps import apps;"
        "print(sum(m.objects.count() for m in apps.get_app_config('proposals').get_models()))"
    )
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "-v0", "-c", code],
        cwd=ROOT,
        env=dict(os.environ, DATABASE_URL=url),
        capture_output=True,
        text=True,
        check=True,
    )
    return int(result.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000])
    parser.add_argument("--databases", nargs="+", default=["sqlite", "postgres"])
    parser.add_argument("--repeat", type=int, default=3, help="runs per step; the median is shown")
    parser.add_argument("--worker", nargs=2, metavar=("KIND", "TARGET"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        print(json.dumps(worker(*args.worker)))
        return

    sys.path.insert(0, str(ROOT))
    from bench.generate import write_letters

    OUT.mkdir(parents=True, exist_ok=True)
    print(f"machine: {os.cpu_count()} cores; python {sys.version.split()[0]}")
    print(
        f"{'step':<28}{'files':>7}{'rows':>9}{'seconds':>9}{'files/s':>9}{'peak MiB':>10}"
        f"{'parser MiB':>11}"
    )
    for size in args.sizes:
        letters = OUT / f"letters-{size}"
        if not letters.exists() or len(list(letters.iterdir())) != size:
            write_letters(letters, size)
        parse = median_of(args.repeat, measure_parse, letters)
        print(
            f"{'parse only':<28}{size:>7}{'':>9}{parse['seconds']:>9.2f}"
            f"{size / parse['seconds']:>9.0f}{parse['peak_mib']:>10.0f}"
        )
        for database in args.databases:
            imported = median_of(args.repeat, measure_import, letters, database)
            # The rows the import wrote, dumped once and loaded by Django as the baseline.
            url = fresh_database(database, f"{PG_DATABASE}_import")
            spawn("import", str(letters), url)
            rows = row_count(url)
            dump = OUT / f"dump-{database}-{size}.json"
            spawn("dumpdata", str(dump), url)
            loaded = median_of(args.repeat, measure_loaddata, dump, database)
            for label, figures in (("import_replies", imported), ("loaddata (baseline)", loaded)):
                print(
                    f"{label + ' → ' + database:<28}{size:>7}{rows:>9}{figures['seconds']:>9.2f}"
                    f"{size / figures['seconds']:>9.0f}{figures['peak_mib']:>10.0f}"
                    f"{figures['worker_mib'] if label == 'import_replies' else 0:>11.0f}"
                )
            print(
                f"{'  import / loaddata time':<28}{imported['seconds'] / loaded['seconds']:>34.2f}"
            )


if __name__ == "__main__":
    main()
