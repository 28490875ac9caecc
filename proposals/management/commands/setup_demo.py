from django.core.management.base import BaseCommand

from proposals.roles import demo_clerk_ensure


class Command(BaseCommand):
    help = "创建演示用的工作人员账号（已存在则重设密码），并打印登录信息。"

    def add_arguments(self, parser):
        parser.add_argument("--username", default="clerk", help="账号名（默认 clerk）")
        parser.add_argument(
            "--password", default="tian-demo-2026", help="密码（默认 tian-demo-2026）"
        )

    def handle(self, *args, username, password, **options):
        demo_clerk_ensure(username=username, password=password)
        self.stdout.write(self.style.SUCCESS(f"演示工作人员账号：{username}  密码：{password}"))
