"""Letter files to parsed letters, optionally in worker processes (pure; no Django).

Parsing needs no database, so a batch can parse in other processes while the importer
writes: on a machine with two cores the two overlap instead of adding up.
"""

import hashlib
import multiprocessing
from collections import deque
from collections.abc import Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass
from itertools import islice

from proposals.parsing.letter import parse_reply
from proposals.parsing.result import ParsedReply, Rejection
from proposals.tokens import TextIndex

# Letters handed to a worker at a time, and chunks in flight: enough to keep a worker busy,
# few enough that parsed letters never pile up in memory ahead of the importer.
CHUNK = 16
CHUNKS_IN_FLIGHT = 8


@dataclass(frozen=True)
class LetterFile:
    name: str
    sha256: str | None
    result: ParsedReply | Rejection
    index: TextIndex | None = None


def letter_from_bytes(name: str, data: bytes) -> LetterFile:
    """Hash and parse one file's bytes. Never raises: a parser fault becomes a rejection."""
    try:
        result = parse_reply(data)
    except Exception as error:  # the batch must go on; the reason names the fault
        result = Rejection(
            f"解析出错，请把文件交给维护人员（parser error: {type(error).__name__}）"
        )
    index = TextIndex.of(result.text) if isinstance(result, ParsedReply) else None
    return LetterFile(name, hashlib.sha256(data).hexdigest(), result, index)


def read_letter(path: str) -> LetterFile:
    try:
        with open(path, "rb") as file:
            data = file.read()
    except OSError as error:
        return LetterFile(path, None, Rejection(f"无法读取文件（cannot read）：{error.strerror}"))
    return letter_from_bytes(path, data)


def _read_chunk(paths: list[str]) -> list[LetterFile]:
    return [read_letter(path) for path in paths]


def _chunked(paths: Iterable[str]) -> Iterator[list[str]]:
    remaining = iter(paths)
    while chunk := list(islice(remaining, CHUNK)):
        yield chunk


def read_letters(paths: Iterable[str], workers: int = 0) -> Iterator[LetterFile]:
    """The letters at `paths`, in order; parsed by `workers` processes when workers > 0."""
    if workers <= 0:
        yield from map(read_letter, paths)
        return
    chunks = _chunked(paths)
    # spawn, not fork: a forked worker would share the parent's database connection.
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
        pending: deque[Future] = deque(
            pool.submit(_read_chunk, c) for c in islice(chunks, CHUNKS_IN_FLIGHT)
        )
        while pending:
            done = pending.popleft().result()
            following = next(chunks, None)
            if following:
                pending.append(pool.submit(_read_chunk, following))
            yield from done
