#!/usr/bin/env python3
"""Set up and run the tracker with nothing but python3.

    python3 dev.py run     # venv, install, migrate, demo session and logins, serve with a job worker
    python3 dev.py test    # venv, install, run the whole test suite (extra args go to pytest)

Both create `.venv/` on first use and reinstall only when a requirements file changes.
"""

import contextlib
import hashlib
import os
import shutil
import signal
import subprocess
import sys
import venv
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
PYTHON = VENV / ("Scripts/python.exe" if os.name == "nt" else "bin/python")


def sh(*args: str | Path) -> None:
    print("+", " ".join(str(a) for a in args), flush=True)
    subprocess.run([str(a) for a in args], cwd=ROOT, check=True)


def install(requirements: str) -> None:
    """Create the virtual environment and install `requirements` unless already done."""
    if not PYTHON.exists():
        venv.EnvBuilder(with_pip=True).create(VENV)
    files = sorted({ROOT / requirements, ROOT / "requirements.txt"})
    digest = hashlib.sha256(b"".join(f.read_bytes() for f in files)).hexdigest()
    stamp = VENV / f".installed-{requirements}"
    if stamp.exists() and stamp.read_text() == digest:
        return
    sh(PYTHON, "-m", "pip", "install", "--quiet", "--disable-pip-version-check", "-r", requirements)
    stamp.write_text(digest)


def run(args: list[str]) -> int:
    install("requirements.txt")
    manage = [PYTHON, "manage.py"]
    sh(*manage, "migrate", "--noinput")
    # The demo session's registers (fixtures/registers, made by bench/registers.py), its
    # proposals assigned five months ago as the 立案名单 says; then the sample replies.
    # setup_demo then takes the session through those months (proposals.demo): most replied,
    # some late or overdue, extensions still possible under the six-month cap.
    assigned_on = (date.today() - timedelta(days=150)).isoformat()
    for kind, name, *more in [
        ("categories", "类别.csv"),
        ("sectors", "界别.csv"),
        ("members", "委员名册.xlsx"),
        ("bureaus", "承办单位名录.xlsx"),
        (
            "proposals",
            "立案名单.xlsx",
            "--term",
            "14",
            "--meeting",
            "5",
            "--assign-on",
            assigned_on,
        ),
    ]:
        register = ["import_register", kind, f"fixtures/registers/{name}", *more]
        sh(*manage, *register, "--body", "cppcc", "--region", "焦作市")
    # Exit 1 from the importer means some sample files were rejected (the newspaper article
    # is there on purpose), which is not a set-up failure.
    subprocess.run([str(a) for a in (*manage, "import_replies", "fixtures/replies")], cwd=ROOT)
    sh(*manage, "setup_demo")
    address = args[0] if args else "127.0.0.1:8000"
    print(
        f"\n网页：http://{address}/  工作台：http://{address}/admin/（使用上面的演示账号登录）",
        flush=True,
    )
    # Uploads, previews, imports and large exports run as background jobs (django-tasks):
    # one worker beside the development server, both stopped with dev.py.
    children = [
        start(PYTHON, "manage.py", "db_worker", "--no-reload"),
        start(PYTHON, "manage.py", "runserver", address),
    ]
    for name in ("SIGTERM", "SIGHUP"):
        if hasattr(signal, name):
            signal.signal(getattr(signal, name), lambda *_: sys.exit(0))
    try:
        return children[-1].wait()
    except KeyboardInterrupt:
        return 0
    finally:
        for child in children:
            stop(child)


def start(*args: str | Path) -> subprocess.Popen:
    # Each in its own process group, so stop() also reaches runserver's autoreloading child.
    return subprocess.Popen([str(a) for a in args], cwd=ROOT, start_new_session=os.name != "nt")


def stop(child: subprocess.Popen) -> None:
    if os.name == "nt":
        child.terminate()
    else:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(child.pid, signal.SIGTERM)
    child.wait(timeout=30)


def test(args: list[str]) -> int:
    install("requirements-dev.txt")
    install_axe()
    return subprocess.run([str(PYTHON), "-m", "pytest", *args], cwd=ROOT).returncode


def install_axe() -> None:
    """axe-core for the browser tests' accessibility checks, from npm as package-lock.json pins
    it; without npm those checks are skipped (unless REQUIRE_BROWSER is set)."""
    lock = ROOT / "package-lock.json"
    stamp = ROOT / "node_modules" / ".installed-lock"
    digest = hashlib.sha256(lock.read_bytes()).hexdigest()
    if shutil.which("npm") is None or (stamp.exists() and stamp.read_text() == digest):
        return
    sh("npm", "ci", "--no-audit", "--no-fund", "--loglevel=error")
    stamp.write_text(digest)


def main() -> int:
    commands = {"run": run, "test": test}
    if len(sys.argv) < 2 or sys.argv[1] not in commands:
        print(__doc__, file=sys.stderr)
        return 2
    return commands[sys.argv[1]](sys.argv[2:])


if __name__ == "__main__":
    sys.exit(main())
