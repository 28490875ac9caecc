from django.core.management.base import BaseCommand

from proposals.roles import roles_ensure


class Command(BaseCommand):
    help = (
        "创建（或重置）三个角色组及其权限：提案委工作人员、承办单位工作人员、领导及督查（只读）。"
    )

    def handle(self, *args, **options):
        for role, group in roles_ensure().items():
            self.stdout.write(f"{group.name}（{role}）：{group.permissions.count()} 项权限")
