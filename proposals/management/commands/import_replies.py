import json
import sys
from collections import Counter
from contextlib import nullcontext
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from tqdm import tqdm

from proposals.importing import ImportOutcome, ImportStatus, LetterDefaults, LetterImporter
from proposals.models import Body

LETTER_SUFFIXES = {".txt", ".md", ".markdown", ".text", ".docx", ".doc", ".pdf", ".htm", ".html"}
# Below this many files a progress bar is more noise than help.
PROGRESS_MIN_FILES = 20


class DryRunRollback(Exception):
    """Raised to undo a dry run's writes at the end of the batch."""


class Command(BaseCommand):
    help = (
        "导入答复函文件（.txt/.md/.docx；目录递归）。每个文件一个事务，重复导入不产生重复数据。"
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

    def handle(self, *args, paths, dry_run, as_json, issuer, region, body, no_progress, **options):
        files = collect_files(paths)
        importer = LetterImporter(LetterDefaults(issuer=issuer, region=region, body=body))
        report = self.stderr if as_json else self.stdout
        progress = tqdm(
            files,
            desc="导入",
            unit="件",
            file=sys.stderr,
            disable=True if no_progress or len(files) < PROGRESS_MIN_FILES else None,
        )
        outcomes: list[ImportOutcome] = []
        # Each file is its own transaction. A dry run wraps the batch in one more that is rolled
        # back, so a letter that appears twice is reported as an import would see it.
        batch = transaction.atomic() if dry_run else nullcontext()
        try:
            with batch:
                for path in progress:
                    outcome = import_path(path, importer)
                    outcomes.append(outcome)
                    if as_json:
                        self.stdout.write(dumps(outcome.to_json()))
                    elif options["verbosity"] >= 2:
                        self.stdout.write(describe(outcome))
                if dry_run:
                    raise DryRunRollback
        except DryRunRollback:
            pass
        self.summarise(outcomes, dry_run, report)
        if any(o.status == ImportStatus.REJECTED for o in outcomes):
            sys.exit(1)

    def summarise(self, outcomes: list[ImportOutcome], dry_run: bool, out) -> None:
        counts = Counter(o.status for o in outcomes)
        labels = {
            ImportStatus.IMPORTED: "新导入",
            ImportStatus.UPDATED: "已更新",
            ImportStatus.UNCHANGED: "无变化",
            ImportStatus.REJECTED: "被拒绝",
        }
        head = "试运行（未写入）" if dry_run else "导入完成"
        figures = "，".join(f"{labels[s]} {counts[s]}" for s in ImportStatus)
        out.write(f"{head}：共 {len(outcomes)} 个文件；{figures}")
        for outcome in outcomes:
            if outcome.status == ImportStatus.REJECTED:
                out.write(f"  被拒绝 {outcome.file}：{outcome.error}")


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


def import_path(path: Path, importer: LetterImporter) -> ImportOutcome:
    try:
        data = path.read_bytes()
    except OSError as error:
        return ImportOutcome(str(path), ImportStatus.REJECTED, f"无法读取文件：{error.strerror}")
    return importer.import_letter(name=str(path), data=data)


def dumps(data: dict) -> str:
    return json.dumps(data, ensure_ascii=False)


def describe(outcome: ImportOutcome) -> str:
    if outcome.status == ImportStatus.REJECTED:
        return f"被拒绝 {outcome.file}：{outcome.error}"
    changed = f"（变更：{'、'.join(outcome.changes)}）" if outcome.changes else ""
    return f"{outcome.status} {outcome.file}{changed}"
