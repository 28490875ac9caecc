"""External programs that read what Python cannot (old office formats, PDF pages).

Each runs with a time limit in its own process group, so a hung converter is killed whole,
children included. A program that is not installed gives a message naming its Debian package.
"""

import contextlib
import os
import shutil
import signal
import subprocess

from proposals.parsing.result import Rejection

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
    try:
        output, errors = process.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        return Rejection(f"{program} 在 {timeout:.0f} 秒内没有读完这个文件，已停止（timed out）")
    finally:
        # Also what the program started and left behind (LibreOffice's soffice.bin).
        _kill_group(process)
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
