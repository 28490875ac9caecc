from django.core.management.base import BaseCommand
from django.db import transaction

from proposals.models import Proposal
from proposals.search import search_index_rebuild


class Command(BaseCommand):
    help = (
        "重算所有提案/建议的办理状态快照并重建全文检索索引。导入、工作台和各项办理操作会自动更新；"
        "只有直接改库或升级之后才需要运行。"
    )

    def handle(self, *args, **options):
        with transaction.atomic():
            Proposal.objects.all().refresh_stored_status()
            count = search_index_rebuild()
        self.stdout.write(f"已为 {count} 件提案/建议重算办理状态并重建检索索引。")
