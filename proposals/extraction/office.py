"""Old Word (.doc), WPS (.wps), RTF and OpenDocument letters to text with LibreOffice.

LibreOffice reads Chinese in these formats correctly; lighter converters (antiword, catdoc)
lose or garble it. It runs headless, with a profile of its own per process: two converters
sharing one profile block each other.
"""

import atexit
import functools
import shutil
import tempfile
from pathlib import Path

from proposals.extraction import tools
from proposals.parsing.result import Rejection

SECONDS = 120


def convert(data: bytes, suffix: str) -> str | Rejection:
    """The text of an office document, or why LibreOffice could not read it."""
    with tempfile.TemporaryDirectory(prefix="letter-office-") as folder:
        source = Path(folder, f"letter.{suffix}")
        source.write_bytes(data)
        output = tools.run(
            "soffice",
            [
                f"-env:UserInstallation={_profile().as_uri()}",
                "--headless",
                "--norestore",
                "--convert-to",
                "txt:Text (encoded):UTF8",
                "--outdir",
                folder,
                str(source),
            ],
            timeout=SECONDS,
        )
        if isinstance(output, Rejection):
            return output
        converted = source.with_suffix(".txt")
        if not converted.exists():
            return Rejection(
                "LibreOffice 无法把这个文件转换为文字，它不是 Word、WPS 或 RTF 文档（not a document）"
            )
        return converted.read_bytes().decode("utf-8-sig", "replace")


@functools.cache
def _profile() -> Path:
    folder = Path(tempfile.mkdtemp(prefix="letter-office-profile-"))
    atexit.register(shutil.rmtree, folder, ignore_errors=True)
    return folder
