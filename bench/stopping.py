"""Stopping an importer, many times: how often it ends as it should, and how long it takes.

    .venv/bin/python bench/stopping.py [--stops 120] [--signal INT|TERM] [--within 0.4]
        [--tree PATH]

Generates 240 letters (bench/generate.py, seed 0) and migrates an SQLite database once; then,
for each stop, copies that database, starts `import_replies --jobs 2` on the letters as a shell
starts a command, waits for its first batch, waits a random time up to `--within` seconds more
and sends the signal. It prints each stop's exit code and seconds to exit, and in the end how
many ended with 128 + the signal, how many had finished before it, and how many HUNG: still
running after a minute. A hung importer is sent SIGABRT, which makes Python print every
thread's stack (PYTHONFAULTHANDLER), into bench/out/stopping/stop-N.out, and is then killed.

The race this found (a parser process stopped halfway through sending a parsed chunk) hung
5 importers in 82; `--tree` runs the code of another checkout to compare.
"""

import argparse
import os
import random
import shutil
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

from concurrency import ROOT, fresh_database, start_importer
from generate import write_letters

OUT = ROOT / "bench" / "out" / "stopping"
LETTERS = 240
HUNG_AFTER = 60


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--stops", type=int, default=120)
    parser.add_argument("--signal", choices=["INT", "TERM"], default="INT")
    parser.add_argument("--within", type=float, default=0.4, help="seconds after the first batch")
    parser.add_argument("--tree", type=Path, default=ROOT)
    options = parser.parse_args()
    stop = signal.Signals[f"SIG{options.signal}"]

    shutil.rmtree(OUT, ignore_errors=True)
    letters = OUT / "letters"
    letters.mkdir(parents=True)
    write_letters(letters, LETTERS)
    template = OUT / "migrated.sqlite3"
    fresh_database(f"sqlite:///{template}", options.tree)
    database = OUT / "db.sqlite3"
    env = dict(
        os.environ,
        DATABASE_URL=f"sqlite:///{database}",
        DEBUG="false",
        SECRET_KEY="stopping-" + "x" * 50,
        PYTHONUNBUFFERED="1",
        PYTHONFAULTHANDLER="1",
    )
    endings: Counter[str] = Counter()
    rng = random.Random(0)
    for number in range(options.stops):
        shutil.copy(template, database)
        output = OUT / f"stop-{number}.out"
        importer = start_importer(
            env=env, tree=options.tree, args=["--jobs", "2", letters], output=output, session=True
        )
        while output.read_text().count("\n") < 1 and importer.poll() is None:
            time.sleep(0.05)
        time.sleep(rng.random() * options.within)
        importer.send_signal(stop)
        sent = time.monotonic()
        try:
            code = importer.wait(timeout=HUNG_AFTER)
        except subprocess.TimeoutExpired:
            importer.send_signal(signal.SIGABRT)
            time.sleep(2)
            os.killpg(importer.pid, signal.SIGKILL)
            importer.wait()
            ending = "HUNG"
            print(f"{number:>4}  HUNG: stacks in {output}", flush=True)
        else:
            ending = {128 + stop: "stopped", 0: "finished first"}.get(code, f"exit {code}")
            print(f"{number:>4}  exit {code} in {time.monotonic() - sent:.2f} s", flush=True)
            output.unlink()
        endings[ending] += 1
    print(f"{options.stops} stops by SIG{options.signal}:")
    for ending, count in endings.most_common():
        print(f"  {ending:<15}{count:>5}")


if __name__ == "__main__":
    sys.exit(main())
