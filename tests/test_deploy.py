"""Production settings (README, Deployment): `check --deploy` finds nothing, static files are
served after collectstatic, errors and slow requests are logged one JSON line each; and
`create_login` makes the first logins.

The settings tests run manage.py or a script in a fresh process with the production
environment, because the settings read it once, at start.
"""

import io
import json
import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.contrib.auth.models import User
from django.core.management import CommandError, call_command
from django.urls import reverse

from proposals.access import CLERK_GROUP

ROOT = Path(__file__).resolve().parent.parent


def production_environment(**settings: str) -> dict[str, str]:
    """The environment of a production process: DEBUG off, a real key, a host name, and none
    of the developer's own settings."""
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("DEBUG", "SECRET_KEY", "ALLOWED_HOSTS", "SECURE_", "DATABASE_URL"))
    }
    return env | {
        "DEBUG": "false",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "tian.example.org,testserver",
        "DJANGO_SETTINGS_MODULE": "tracker.settings",
        **settings,
    }


def run(env: dict, *arguments: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, *arguments], cwd=ROOT, env=env, capture_output=True, text=True
    )


@pytest.fixture(scope="module")
def production(tmp_path_factory) -> dict[str, str]:
    """A production environment with its own database file and its static files collected,
    as the README's deployment does (pages fail without them: they link hashed names)."""
    folder = tmp_path_factory.mktemp("production")
    env = production_environment(
        DATABASE_URL=f"sqlite:///{folder / 'db.sqlite3'}",
        STATIC_ROOT=str(folder / "static"),
    )
    collected = run(env, "manage.py", "collectstatic", "--noinput", "-v", "0")
    assert collected.returncode == 0, collected.stderr
    return env


def in_django(env: dict, code: str) -> subprocess.CompletedProcess:
    """Run `code` in a fresh process after django.setup(), with `env`."""
    return run(env, "-c", "import django; django.setup()\n" + code)


def test_the_deployment_check_finds_nothing_in_production(production):
    result = run(production, "manage.py", "check", "--deploy", "--fail-level", "WARNING")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout


# The pages ask for static files by their hashed names; the request comes as the proxy sends it.
STATIC_PAGES = """
import json, re
from django.test import Client
client = Client(HTTP_X_FORWARDED_PROTO="https")
login = client.get("/admin/login/")
sheets = re.findall(r'href="(/static/[^"]+\\.css)"', login.content.decode())
found = {"login": login.status_code, "sheets": sheets}
for path in sheets + ["/static/admin/css/base.css", "/static/proposals/tracker.css"]:
    response = client.get(path, HTTP_ACCEPT_ENCODING="gzip")
    found[path] = [response.status_code, response.get("Cache-Control", ""),
                   response.get("Content-Encoding", ""),
                   response.get("Content-Type", "")]
plain = Client().get("/static/proposals/tracker.css")
found["plain http"] = [plain.status_code, plain.get("Location", "")]
print(json.dumps(found))
"""


def test_static_files_are_served_in_production_after_collectstatic(production):
    result = in_django(production | {"SECURE_PROXY_SSL_HEADER": "X-Forwarded-Proto"}, STATIC_PAGES)
    assert result.returncode == 0, result.stderr
    found = json.loads(result.stdout)
    assert found["login"] == 200
    # The login page links the admin's and our stylesheet under names with their content hash,
    # served compressed and cached for good; the plain names are served too.
    hashed = {re.sub(r"\.[0-9a-f]{12}\.css$", ".css", sheet): sheet for sheet in found["sheets"]}
    for plain in ["/static/admin/css/base.css", "/static/proposals/tracker.css"]:
        assert hashed[plain] != plain
        status, cache, encoding, kind = found[hashed[plain]]
        assert (status, encoding) == (200, "gzip") and kind.startswith("text/css")
        assert "immutable" in cache
        assert found[plain][0] == 200
    # Over plain HTTP (no proxy header) even a stylesheet is sent to HTTPS.
    assert found["plain http"] == [301, "https://testserver/static/proposals/tracker.css"]
    # Nothing took SLOW_REQUEST_MS (1000 ms), so nothing was logged.
    assert result.stderr == ""


# A view that fails, and a slow-request threshold every request passes.
FAILING_PAGE = """
from unittest import mock
from django.test import Client
with mock.patch("proposals.views.HomeView.get", side_effect=RuntimeError("boom")):
    response = Client(raise_request_exception=False).get("/?q=1", secure=True)
print(response.status_code)
"""


def test_an_unhandled_error_is_logged_as_one_json_line_with_its_path(production):
    result = in_django(production | {"SLOW_REQUEST_MS": "0"}, FAILING_PAGE)
    assert result.stdout.strip() == "500", result.stderr
    records = [json.loads(line) for line in result.stderr.splitlines()]
    errors = [r for r in records if r["logger"] == "django.request"]
    assert len(errors) == 1
    error = errors[0]
    assert error["level"] == "ERROR" and error["status"] == 500
    assert error["method"] == "GET" and error["path"] == "/"
    assert error["traceback"].startswith("Traceback") and "RuntimeError: boom" in error["traceback"]
    # The slow-request line: method, path, status and duration.
    (slow,) = [r for r in records if r["logger"] == "tracker.slow"]
    assert (slow["level"], slow["method"], slow["path"], slow["status"]) == (
        "WARNING",
        "GET",
        "/",
        500,
    )
    assert isinstance(slow["duration_ms"], int)


# The first logins of a deployment: manage.py create_login.


@pytest.mark.django_db
def test_create_login_makes_a_clerk_who_can_sign_in(monkeypatch, client):
    monkeypatch.setenv("CREATE_LOGIN_PASSWORD", "Qiu-shui-2026-lan")
    out = io.StringIO()
    call_command(
        "create_login", "wangli", "--role", "clerk", "--name", "王丽", "--no-input", stdout=out
    )
    assert "账号 wangli：提案委工作人员" in out.getvalue()
    user = User.objects.get(username="wangli")
    assert user.first_name == "王丽" and user.is_staff and not user.is_superuser
    assert [group.name for group in user.groups.all()] == [CLERK_GROUP]
    response = client.post(
        reverse("admin:login"), {"username": "wangli", "password": "Qiu-shui-2026-lan"}
    )
    assert response.status_code == 302


@pytest.mark.django_db
def test_create_login_puts_a_bureau_officer_in_their_bureau(monkeypatch, bureau):
    monkeypatch.setenv("CREATE_LOGIN_PASSWORD", "Qiu-shui-2026-lan")
    call_command(
        "create_login", "gongxin", "--role", "bureau", "--bureau", bureau.name, "--no-input"
    )
    assert User.objects.get(username="gongxin").bureau_officer.bureau == bureau


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("arguments", "password", "message"),
    [
        (["--role", "bureau"], "Qiu-shui-2026-lan", "需要 --bureau"),
        (["--role", "bureau", "--bureau", "不存在局"], "Qiu-shui-2026-lan", "没有名为“不存在局”"),
        (["--role", "clerk"], "", "CREATE_LOGIN_PASSWORD"),
        (["--role", "clerk"], "12345678", "密码不符合要求"),
    ],
)
def test_create_login_explains_what_is_missing(monkeypatch, arguments, password, message):
    monkeypatch.setenv("CREATE_LOGIN_PASSWORD", password)
    with pytest.raises(CommandError, match=message):
        call_command("create_login", "someone", *arguments, "--no-input")
    assert not User.objects.filter(username="someone").exists()
