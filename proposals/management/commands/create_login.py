import getpass
import os

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from proposals.models import Bureau
from proposals.roles import Role, login_ensure

ROLE_NAMES = {
    Role.CLERK: "提案委工作人员",
    Role.BUREAU: "承办单位工作人员",
    Role.VIEWER: "领导及督查（只读）",
}
PASSWORD_VARIABLE = "CREATE_LOGIN_PASSWORD"


class Command(BaseCommand):
    help = (
        "创建一个工作人员账号（已存在则重设密码和角色）。密码在终端输入两遍；"
        f"加 --no-input 时从环境变量 {PASSWORD_VARIABLE} 读取。"
    )

    def add_arguments(self, parser):
        parser.add_argument("username", help="登录用户名")
        parser.add_argument(
            "--role",
            required=True,
            choices=[role.value for role in ROLE_NAMES],
            help="clerk（提案委工作人员）、bureau（承办单位工作人员）或 viewer（领导及督查，只读）",
        )
        parser.add_argument("--bureau", help="承办单位全称（--role bureau 时必填）")
        parser.add_argument("--name", default="", help="姓名，页面上用它称呼用户")
        parser.add_argument(
            "--no-input",
            action="store_false",
            dest="interactive",
            help=f"不提问：密码取自环境变量 {PASSWORD_VARIABLE}",
        )

    def handle(self, *args, username, role, bureau, name, interactive, **options):
        role = Role(role)
        unit = self._bureau(bureau) if role == Role.BUREAU else None
        if role != Role.BUREAU and bureau:
            raise CommandError("只有承办单位工作人员（--role bureau）需要 --bureau。")
        password = self._password(interactive)
        try:
            validate_password(password)
        except ValidationError as error:
            raise CommandError("密码不符合要求：" + "；".join(error.messages)) from error
        login_ensure(username=username, password=password, role=role, bureau=unit, full_name=name)
        where = f"（{unit.name}）" if unit else ""
        self.stdout.write(
            self.style.SUCCESS(f"账号 {username}：{ROLE_NAMES[role]}{where}，可在 /admin/ 登录。")
        )

    def _bureau(self, name: str | None) -> Bureau:
        if not name:
            raise CommandError("承办单位工作人员需要 --bureau 单位全称。")
        found = list(Bureau.objects.filter(name=name))
        if not found:
            raise CommandError(f"没有名为“{name}”的承办单位：请先导入单位名录，或核对全称。")
        if len(found) > 1:
            regions = "、".join(bureau.region or "（无地区）" for bureau in found)
            raise CommandError(f"“{name}”在多个地区都有（{regions}）：请在工作台中核对。")
        return found[0]

    def _password(self, interactive: bool) -> str:
        if not interactive:
            password = os.environ.get(PASSWORD_VARIABLE, "")
            if not password:
                raise CommandError(f"--no-input 需要环境变量 {PASSWORD_VARIABLE}。")
            return password
        password = getpass.getpass("密码：")
        if password != getpass.getpass("再输一遍："):
            raise CommandError("两次输入的密码不一致。")
        return password
