"""External programs that read what Python cannot (old office formats, PDF pages).

Each runs with a time limit in its own process group, so a hung converter is killed whole,
children included. A program that is not installed gives a message naming its Debian package.

Being in a group of its own, a program is out of reach of whoever stops the process that ran
it: that process stops its programs itself (stop_programs), and a worker process that runs
them for another stops them when told to stop or when its parent dies (stop_with_parent).
"""

import contextlib
import ctypes
import os
import shutil
import signal
import subprocess
import sys

from proposals.parsing.result import Rejection

# The process groups of the programs running now, by this process.
_running: set[int] = set()

# Program → the Debian packages that provide it (what an administrator installs).
DEBIAN_PACKAGES = {
    "soffice": "libreoffice-writer-nogui",
    "pdftoppm": "poppler-utils",
}


def missing(program: str) -> Rejection | None:
    """A Rejection naming the package to install when `program` is absent, else None."""
    if shutil.which(program):
        return None
    packages = DEBIAN_PACKAGES[program]
    return Rejection(
        f"服务器没有安装读取此类文件所需的 {program}，请管理员安装 Debian 软件包："
        f"apt-get install {packages}，然后重新导入"
    )


def run(
    program: str, args: list[str], *, timeout: float, env: dict | None = None
) -> bytes | Rejection:
    """`program`'s standard output, or a Rejection saying it is missing, timed out or failed."""
    absent = missing(program)
    if absent:
        return absent
    process = subprocess.Popen(
        [shutil.which(program), *args],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env={**os.environ, **(env or {})},
        start_new_session=True,
    )
    _running.add(process.pid)
    try:
        output, errors = process.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        return Rejection(f"{program} 在 {timeout:.0f} 秒内没有读完这个文件，已停止（timed out）")
    finally:
        # Also what the program started and left behind (LibreOffice's soffice.bin).
        _kill_group(process)
        _running.discard(process.pid)
    if process.returncode != 0:
        detail = errors.decode("utf-8", "replace").strip().splitlines()[-1:] or [""]
        return Rejection(f"{program} 无法读取这个文件（{detail[0][:120]}）")
    return output


def _kill_group(process: subprocess.Popen) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGKILL)
    process.wait()
    process.stdout.close()
    process.stderr.close()


def stop_programs() -> None:
    """Kill every program this process is running now (run()), with what each started."""
    for group in list(_running):
        with contextlib.suppress(ProcessLookupError):
            os.killpg(group, signal.SIGKILL)


# prctl(2) option: the signal the kernel sends this process when its parent thread ends.
_PR_SET_PDEATHSIG = 1


def stop_with_parent(parent: int) -> None:
    """Make this process, a worker of `parent` (a pool's initializer, given os.getpid() of the
    parent), stop with it, however the parent ends: on SIGTERM it kills the programs it runs
    and exits at once.

    The parent stops its workers with SIGTERM. Killed outright (SIGKILL), it cannot: on Linux
    the kernel then sends SIGTERM itself (PR_SET_PDEATHSIG, asked for here through libc; it
    fires when the thread that started the worker ends, the parent's main thread for a pool
    started from it). Elsewhere a worker outlives a killed parent. Ctrl-C in a terminal reaches
    the whole process group: workers ignore it and leave stopping to the parent.
    """
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, _stop_now)
    if sys.platform.startswith("linux"):
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGTERM, 0, 0, 0)
    if os.getppid() != parent:
        # The parent ended before the kernel was asked: no signal will come.
        _stop_now(signal.SIGTERM, None)


def _stop_now(signum, frame) -> None:
    stop_programs()
    os._exit(128 + signum)
