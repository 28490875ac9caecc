import json
from collections import Counter
from datetime import date
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from proposals.access import SYSTEM
from proposals.models import Body, RegisterKind, Session
from proposals.services.registers import (
    RowStatus,
    Target,
    register_apply,
    register_plan,
    register_preview,
)


class Command(BaseCommand):
    help = (
        "从 .xlsx 或 .csv 导入名单：立案名单（proposals）、委员/代表名册（members）、"
        "承办单位名录（bureaus）、类别（categories）、界别（sectors）。"
        "逐行导入，重复导入不产生变化；退出码：0 全部成功，1 有行被拒收，2 用法错误。"
    )

    def add_arguments(self, parser):
        parser.add_argument("kind", choices=RegisterKind.values, help="名单种类")
        parser.add_argument("path", help=".xlsx 或 .csv 文件")
        parser.add_argument("--body", choices=Body.values, required=True, help="cppcc 或 npc")
        parser.add_argument("--region", default="", help="地区，如“焦作市”")
        parser.add_argument("--term", type=int, help="届（立案名单必填）")
        parser.add_argument("--meeting", type=int, help="次（立案名单必填）")
        parser.add_argument(
            "--assign-on",
            type=date.fromisoformat,
            help="按名单写明的主办、协办单位交办，交办日期如 2026-01-20",
        )
        parser.add_argument("--dry-run", action="store_true", help="只报告将会发生什么")
        parser.add_argument(
            "--json", dest="as_json", action="store_true", help="每行一个 JSON 结果"
        )

    def handle(
        self, *args, kind, path, body, region, term, meeting, assign_on, dry_run, as_json, **options
    ):
        file = Path(path)
        if not file.is_file():
            raise CommandError(f"找不到文件：{path}")
        session = None
        if kind == RegisterKind.PROPOSALS:
            if term is None or meeting is None:
                raise CommandError("导入立案名单须给出 --term 和 --meeting")
            session, _ = Session.objects.get_or_create(
                body=body, region=region, term=term, meeting=meeting
            )
        target = Target(kind, body, region, session, assign_on)
        try:
            plans = register_plan(data=file.read_bytes(), file_name=file.name, kind=kind)
        except ValidationError as error:
            raise CommandError(error.messages[0]) from error
        for plan in plans:
            if plan.problem:
                self.stderr.write(f"工作表“{plan.name}”：{plan.problem}")
        apply = register_preview if dry_run else register_apply
        outcomes = apply(plans=plans, target=target, actor=SYSTEM)
        counts = Counter(outcome.status for outcome in outcomes)
        for outcome in outcomes:
            if as_json:
                self.stdout.write(json.dumps(outcome.to_json(), ensure_ascii=False))
            elif outcome.status == RowStatus.REFUSED:
                self.stderr.write(f"  拒收 {outcome.sheet} 第{outcome.number}行：{outcome.reason}")
        summary = "，".join(
            f"{label} {counts[status]}" for status, label in RowStatus.LABELS.items()
        )
        self.stderr.write(f"{'预览' if dry_run else '导入完成'}：{summary}")
        if counts[RowStatus.REFUSED] or any(plan.problem for plan in plans):
            raise SystemExit(1)
