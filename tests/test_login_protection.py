"""Login protection (django-axes, settings and tracker/lockout.py): after 5 failed sign-ins a
user name, and the address they came from, are refused for 15 minutes with a Chinese page; a
clerk unlocks in the workbench."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from axes.models import AccessAttempt
from django.contrib.auth import SESSION_KEY
from django.test import Client
from django.urls import reverse

from proposals.roles import Role, login_ensure
from tracker.lockout import proxy_address_check

LOGIN = reverse("admin:login")
PASSWORD = "right-password-123"
LOCKED = "登录失败次数过多，账号已暂时锁定，请 15 分钟后再试，或请提案委工作人员解锁"
ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def officer_login(db, bureau):
    return login_ensure(username="gongxin", password=PASSWORD, role=Role.BUREAU, bureau=bureau)


@pytest.fixture
def viewer_login(db):
    return login_ensure(username="leader", password=PASSWORD, role=Role.VIEWER)


def sign_in(username: str, password: str, address: str = "10.0.0.1"):
    """A fresh browser's sign-in from `address`: the response and whether it got in."""
    client = Client(REMOTE_ADDR=address)
    response = client.post(LOGIN, {"username": username, "password": password, "next": "/"})
    return response, SESSION_KEY in client.session


def fail(username: str, times: int, address: str = "10.0.0.1") -> list[int]:
    return [sign_in(username, "wrong", address)[0].status_code for _ in range(times)]


def test_five_wrong_passwords_lock_the_login_and_then_the_right_one_is_refused(officer_login):
    # Four failures show the form again; the fifth locks.
    assert fail("gongxin", 5) == [200, 200, 200, 200, 429]
    response, signed_in = sign_in("gongxin", PASSWORD)
    assert response.status_code == 429 and not signed_in
    page = response.content.decode()
    assert LOCKED in page
    # The site's page, not axes' English line.
    assert "跳到正文" in page and "Account locked" not in page


def test_four_failures_then_the_right_password_signs_in_and_counts_again_from_zero(officer_login):
    fail("gongxin", 4)
    assert sign_in("gongxin", PASSWORD)[1]
    assert fail("gongxin", 4) == [200] * 4


def test_the_count_is_per_user_name_whatever_address_the_guesses_come_from(officer_login):
    # 230 guesses spread over 230 addresses, the right password among them: after the fifth,
    # every one is refused, the right one too.
    outcomes = [
        sign_in("gongxin", PASSWORD if guess == 100 else f"guess-{guess}", f"10.1.{guess}.1")
        for guess in range(230)
    ]
    assert [response.status_code for response, _ in outcomes[:5]] == [200, 200, 200, 200, 429]
    assert {response.status_code for response, _ in outcomes[5:]} == {429}
    assert not any(signed_in for _, signed_in in outcomes)


def test_the_address_is_locked_for_every_user_name_and_other_addresses_are_not(
    officer_login, viewer_login
):
    # One machine trying user names in turn is stopped too (settings.AXES_LOCKOUT_PARAMETERS).
    for username in ["gongxin", "leader", "admin", "root", "clerk"]:
        fail(username, 1, address="10.0.0.9")
    response, signed_in = sign_in("leader", PASSWORD, address="10.0.0.9")
    assert response.status_code == 429 and not signed_in
    assert sign_in("leader", PASSWORD, address="10.0.0.10")[1]


def test_a_clerk_sees_the_lock_and_unlocks_it_in_the_workbench(clerk, officer_login):
    fail("gongxin", 5)
    changelist = reverse("admin:axes_accessattempt_changelist")
    page = clerk.get(changelist).content.decode()
    assert "登录失败记录" in page and "gongxin" in page and "已锁定" in page
    assert "解除锁定" in page and "delete_selected" not in page

    attempts = AccessAttempt.objects.filter(username="gongxin")
    response = clerk.post(
        changelist,
        {"action": "unlock", "_selected_action": [a.pk for a in attempts]},
        follow=True,
    )
    assert "已解除锁定：gongxin" in response.content.decode()
    assert sign_in("gongxin", PASSWORD)[1]


def test_the_workbench_index_names_the_lock_list_in_chinese(clerk):
    page = clerk.get(reverse("admin:index")).content.decode()
    assert "登录保护" in page and "登录失败记录" in page and "Access attempt" not in page


def test_a_bureau_officer_and_a_viewer_cannot_see_or_lift_locks(client, officer_user, viewer_user):
    changelist = reverse("admin:axes_accessattempt_changelist")
    for user in (officer_user, viewer_user):
        client.force_login(user)
        assert client.get(changelist).status_code == 403


def client_addresses(environment: dict, requests: list[dict]) -> list[str]:
    """The address axes counts for each request (its META), under settings read from
    `environment` (in a fresh process: the proxy settings are read at start)."""
    code = (
        "import django; django.setup();"
        "from django.test import RequestFactory; from axes.helpers import get_client_ip_address;"
        f"[print(get_client_ip_address(RequestFactory().get('/', **meta))) for meta in {requests!r}]"
    )
    env = {k: v for k, v in os.environ.items() if k != "PROXY_COUNT"}
    env.update(environment, DJANGO_SETTINGS_MODULE="tracker.settings")
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.split()


def test_the_client_address_comes_from_x_forwarded_for_only_behind_a_configured_proxy():
    requests = [
        # nginx appends the address it saw to what the client wrote itself.
        {"REMOTE_ADDR": "127.0.0.1", "HTTP_X_FORWARDED_FOR": "10.2.3.4"},
        {"REMOTE_ADDR": "127.0.0.1", "HTTP_X_FORWARDED_FOR": "6.6.6.6, 10.2.3.4"},
    ]
    assert client_addresses({}, requests) == ["127.0.0.1", "127.0.0.1"]
    assert client_addresses({"PROXY_COUNT": "1"}, requests) == ["10.2.3.4", "10.2.3.4"]


def test_the_deployment_check_warns_behind_a_proxy_whose_client_address_is_not_read(settings):
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    settings.AXES_IPWARE_META_PRECEDENCE_ORDER = ("REMOTE_ADDR",)
    assert [warning.id for warning in proxy_address_check()] == ["tracker.W001"]
    settings.AXES_IPWARE_META_PRECEDENCE_ORDER = ("HTTP_X_FORWARDED_FOR",)
    assert proxy_address_check() == []
