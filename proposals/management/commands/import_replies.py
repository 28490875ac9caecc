import json
import os
import signal
import sys
import threading
from collections import Counter
from contextlib import contextmanager, nullcontext
from dataclasses import replace
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from tqdm import tqdm

from proposals.access import SYSTEM
from proposals.extraction import LETTER_SUFFIXES
from proposals.importing import ImportOutcome, ImportStatus, LetterDefaults, LetterImporter
from proposals.models import Body
from proposals.ownership import label
from proposals.parsing.files import ParserProcesses

# Below this many files a progress bar is more noise than help.
PROGRESS_MIN_FILES = 20
# Below this many files, starting parser processes costs more than it saves.
POOL_MIN_FILES = 200


class DryRunRollback(Exception):
    """Raised to undo a dry run's writes at the end of the batch."""


class Command(BaseCommand):
    help = (
        "导入答复函文件（文本、Word、WPS、PDF、扫描图片、OFD；目录递归）。每个文件一个事务，重复导入不产生重复数据。"
        "退出码：0 全部成功，1 有文件被拒绝（其余照常导入），2 用法错误。"
    )

    def add_arguments(self, parser):
        parser.add_argument("paths", nargs="+", help="答复函文件或目录（目录递归查找）")
        parser.add_argument(
            "--dry-run", action="store_true", help="只报告将会发生什么，不写入数据库"
        )
        parser.add_argument(
            "--json",
            dest="as_json",
            action="store_true",
            help="在标准输出每个文件打印一行 JSON，汇总打印到标准错误",
        )
        parser.add_argument("--issuer", help="来函未写明时的答复单位全称，如“焦作市工业和信息化局”")
        parser.add_argument("--region", help="来函未写明时的地区，如“焦作市”")
        parser.add_argument(
            "--body", choices=Body.values, help="来函未写明时的机构：cppcc（政协）或 npc（人大）"
        )
        parser.add_argument("--no-progress", action="store_true", help="不显示进度条")
        parser.add_argument(
            "--jobs",
            type=int,
            help="解析文件的子进程数（默认：大批量时按 CPU 核数，少量文件时为 0，即不另开进程）",
        )

    def handle(
        self, *args, paths, dry_run, as_json, issuer, region, body, no_progress, jobs, **options
    ):
        files = collect_files(paths)
        if jobs is None:
            jobs = default_parse_workers(len(files))
        counts: Counter[ImportStatus] = Counter()
        rejected: list[ImportOutcome] = []
        out = self.stderr if as_json else self.stdout
        # Each file is its own transaction. A dry run wraps the batch in one more that is rolled
        # back, so a letter that appears twice is reported as an import would see it.
        batch = transaction.atomic() if dry_run else nullcontext()
        try:
            with stopped_by_signals(), ParserProcesses(jobs) as parsers:
                importer = LetterImporter(
                    LetterDefaults(issuer=issuer, region=region, body=body), actor=SYSTEM
                )
                progress = tqdm(
                    parsers.letters(map(str, files)),
                    total=len(files),
                    desc="导入",
                    unit="件",
                    file=sys.stderr,
                    disable=True if no_progress or len(files) < PROGRESS_MIN_FILES else None,
                )
                with batch:
                    for outcome in importer.import_letters(progress):
                        counts[outcome.status] += 1
                        if outcome.status == ImportStatus.REJECTED:
                            rejected.append(replace(outcome, reply=None))
                        if as_json:
                            self.stdout.write(dumps(outcome.to_json()))
                        elif options["verbosity"] >= 2:
                            self.stdout.write(describe(outcome))
                    if dry_run:
                        raise DryRunRollback
        except DryRunRollback:
            pass
        except KeyboardInterrupt as stop:
            # The letter being written was rolled back; those reported are in.
            signum = getattr(stop, "signum", signal.SIGINT)
            self.summarise(counts, rejected, dry_run, out)
            out.write(f"已中止（{signal.Signals(signum).name}）：其余文件未导入，再次运行即可继续")
            sys.exit(128 + signum)
        self.summarise(counts, rejected, dry_run, out)
        if rejected:
            sys.exit(1)

    def summarise(self, counts, rejected: list[ImportOutcome], dry_run: bool, out) -> None:
        head = "试运行（未写入）" if dry_run else "导入完成"
        figures = "，".join(f"{status.label} {counts[status]}" for status in ImportStatus)
        out.write(f"{head}：共 {counts.total()} 个文件；{figures}")
        for outcome in rejected:
            out.write(f"  拒收 {outcome.file}：{outcome.error}")


def default_parse_workers(file_count: int) -> int:
    """Worker processes for parsing: none for small batches, where starting them costs more."""
    if file_count < POOL_MIN_FILES:
        return 0
    return max(1, min((os.cpu_count() or 1) - 1, 4))


def collect_files(paths: list[str]) -> list[Path]:
    """The files named, and the letter files under each directory named, in a stable order."""
    files = []
    for name in paths:
        path = Path(name)
        if path.is_dir():
            files.extend(
                sorted(
                    p
                    for p in path.rglob("*")
                    if p.is_file()
                    and p.suffix.lower() in LETTER_SUFFIXES
                    and not any(part.startswith(".") for part in p.relative_to(path).parts)
                )
            )
        elif path.is_file():
            files.append(path)
        else:
            raise CommandError(f"找不到文件或目录：{name}", returncode=2)
    return files


class Interrupted(KeyboardInterrupt):
    """SIGTERM or SIGHUP, stopping the import as Ctrl-C does."""

    def __init__(self, signum: int) -> None:
        super().__init__(signum)
        self.signum = signum


@contextmanager
def stopped_by_signals():
    """Within the block, SIGTERM and SIGHUP raise Interrupted in the main thread, as SIGINT
    raises KeyboardInterrupt: the letter being written is rolled back (every unit of work is a
    transaction) and the parser processes are stopped on the way out. Later signals are
    ignored while stopping. Outside the main thread (no signals there) it does nothing."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    stopping = signal.Signals.SIGTERM, signal.Signals.SIGHUP

    def stop(signum, frame):
        for number in stopping:
            signal.signal(number, signal.SIG_IGN)
        raise Interrupted(signum)

    previous = {number: signal.signal(number, stop) for number in stopping}
    try:
        yield
    finally:
        for number, handler in previous.items():
            signal.signal(number, handler)


def dumps(data: dict) -> str:
    return json.dumps(data, ensure_ascii=False)


def describe(outcome: ImportOutcome) -> str:
    if outcome.status == ImportStatus.REJECTED:
        return f"拒收 {outcome.file}：{outcome.error}"
    changed = "、".join(label(name) for name in outcome.changes)
    kept = "、".join(label(name) for name in outcome.conflicts)
    notes = (f"（变更：{changed}）" if changed else "") + (
        f"（与工作人员更正不一致，保留更正：{kept}）" if kept else ""
    )
    return f"{outcome.status.label} {outcome.file}{notes}"
