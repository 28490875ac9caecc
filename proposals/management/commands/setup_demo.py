from django.core.management.base import BaseCommand
from django.utils import timezone

from proposals.demo.session import demo_session_advance, demo_session_summary
from proposals.demo.seven import DEMO_SESSION, demo_proposals_ensure
from proposals.demo.seven import LEAD as DEMO_BUREAU
from proposals.models import Bureau, Session
from proposals.roles import Role, login_ensure

DEMO_LOGINS = [
    ("clerk", Role.CLERK, "王丽", "提案委工作人员：可做一切"),
    ("gongxin", Role.BUREAU, "李端阳", f"{DEMO_BUREAU[1]}工作人员：只见本单位承办的提案"),
    ("leader", Role.VIEWER, "张建华", "领导及督查：只读"),
]


class Command(BaseCommand):
    help = (
        "创建演示账号，每个角色一个（已存在则重设密码），并打印登录信息；"
        "再补充处于各个办理阶段的演示提案（已有的不重复创建），"
        "并把演示会议中导入的提案推进到今天（有人办理过的不再改动）。"
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--password", default="tian-demo-2026", help="密码（默认 tian-demo-2026）"
        )

    def handle(self, *args, password, **options):
        bureau, _ = Bureau.objects.get_or_create(region=DEMO_BUREAU[0], name=DEMO_BUREAU[1])
        self.stdout.write(f"演示账号（密码均为 {password}）：")
        for username, role, name, description in DEMO_LOGINS:
            login_ensure(
                username=username,
                password=password,
                role=role,
                bureau=bureau if role == Role.BUREAU else None,
                full_name=name,
            )
            self.stdout.write(self.style.SUCCESS(f"  {username:<8} {name}，{description}"))
        today = timezone.localdate()
        created = demo_proposals_ensure(today)
        self.stdout.write(
            f"演示提案：新建 {len(created)} 件（办理中、即将到期、超期、已答复、满意、重新办理、未交办）。"
        )
        session = Session.objects.get(**DEMO_SESSION)
        advanced = demo_session_advance(session=session, today=today)
        self.stdout.write(f"演示会议：本次推进 {advanced.total()} 件。")
        self.stdout.write(demo_session_summary(session, today))
