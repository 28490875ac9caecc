"""Letter files to parsed letters, optionally in worker processes (pure; no Django).

Parsing needs no database, so a batch can parse in other processes while the importer
writes: on a machine with two cores the two overlap instead of adding up.
"""

import hashlib
import multiprocessing
import os
from collections import deque
from collections.abc import Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass
from itertools import islice

from proposals.extraction import tools
from proposals.parsing.letter import parse_reply
from proposals.parsing.result import ParsedReply, Rejection
from proposals.tokens import TextIndex

# Letters handed to a worker at a time, and chunks in flight: enough to keep a worker busy,
# few enough that parsed letters never pile up in memory ahead of the importer.
CHUNK = 16
CHUNKS_IN_FLIGHT = 8
# How long a stopped parser process may take to stop its programs before it is killed.
WORKER_STOP_SECONDS = 5


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
    with ParserProcesses(workers) as parsers:
        yield from parsers.letters(paths)


class ParserProcesses:
    """Worker processes that read and parse this command's letters while it writes, stopped
    with it however it ends (none for `workers` 0: the letters are read in this process).

    Left normally, the block waits for them. Left by an exception (Ctrl-C, stopped_by_signals)
    it terminates them: each kills the program it may be running (LibreOffice, pdftoppm) and
    exits (tools.stop_with_parent, their initializer). Should this process be killed outright,
    the kernel stops them (PR_SET_PDEATHSIG, set there). They start with "spawn", so that none
    shares this process's database connection; multiprocessing's resource tracker, which that
    starts, holds only their semaphores and exits by itself once they and this process are gone.
    """

    def __init__(self, workers: int) -> None:
        self.workers = workers
        self.pool: ProcessPoolExecutor | None = None

    def __enter__(self) -> "ParserProcesses":
        if self.workers > 0:
            self._others = set(multiprocessing.active_children())
            self.pool = ProcessPoolExecutor(
                max_workers=self.workers,
                mp_context=multiprocessing.get_context("spawn"),
                initializer=tools.stop_with_parent,
                initargs=(os.getpid(),),
            )
        return self

    def __exit__(self, kind, error, traceback) -> None:
        if self.pool is None:
            # A program run here is stopped by tools.run itself as the exception goes by.
            return
        if kind is None:
            self.pool.shutdown(wait=True)
            return
        # Taken before shutdown() lets go of it (a private attribute; see below).
        results = self.pool._result_queue
        self.pool.shutdown(wait=False, cancel_futures=True)
        workers = [p for p in multiprocessing.active_children() if p not in self._others]
        for worker in workers:
            worker.terminate()
        for worker in workers:
            worker.join(timeout=WORKER_STOP_SECONDS)
            if worker.is_alive():
                worker.kill()
                worker.join()
        # A worker stopped halfway through sending a parsed chunk leaves the pool's own thread
        # waiting for the rest of it, and the interpreter waits for that thread at exit: the
        # importer hung after Ctrl-C in 5 of 82 stops (bench/stopping.py). With the workers gone, this
        # process holds the pipe's only writing end; closing it ends that wait (end of file,
        # which the pool takes as a broken worker).
        results._writer.close()
        self.pool.shutdown(wait=True)

    def letters(self, paths: Iterable[str]) -> Iterator[LetterFile]:
        """The letters at `paths` in order: a few chunks ahead in the workers, so that parsed
        letters never pile up in memory."""
        if self.pool is None:
            yield from map(read_letter, paths)
            return
        chunks = _chunked(paths)
        pending: deque[Future] = deque(
            self.pool.submit(_read_chunk, chunk) for chunk in islice(chunks, CHUNKS_IN_FLIGHT)
        )
        while pending:
            done = pending.popleft().result()
            following = next(chunks, None)
            if following:
                pending.append(self.pool.submit(_read_chunk, following))
            yield from done
