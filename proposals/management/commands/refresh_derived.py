from django.core.management.base import BaseCommand

from proposals.derived import refresh_all


class Command(BaseCommand):
    help = (
        "重算所有提案/建议的办理状态快照、答复的公开文本，并重建全文检索索引。"
        "导入、工作台和各项办理操作会自动更新；只有直接改库之后才需要运行。"
    )

    def handle(self, *args, **options):
        count = refresh_all()
        self.stdout.write(f"已为 {count} 件提案/建议重算办理状态并重建检索索引。")
