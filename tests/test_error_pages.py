"""The pages a clerk sees when something goes wrong are in Chinese and say what to do next.

DEBUG is off here, as in production: with it on, Django shows its English debug pages.
"""

import pytest
from django.test import Client, override_settings
from django.urls import path, reverse


def broken_view(request):
    raise RuntimeError("a bug")


# A page that fails the way a bug would; the 500 page needs no other URL.
urlpatterns = [path("broken/", broken_view)]


@pytest.fixture(autouse=True)
def production():
    with override_settings(DEBUG=False):
        yield


def test_a_missing_page_says_so_in_chinese_and_leads_home(client, db):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    page = response.content.decode()
    assert "页面不存在" in page and "返回首页" in page
    assert "Not Found" not in page


def test_a_page_the_user_may_not_open_says_so_and_offers_another_login(officer):
    # Contacts are edited on their reply's page; a bureau officer may not add one here.
    response = officer.get(reverse("admin:proposals_contact_add"))
    assert response.status_code == 403
    page = response.content.decode()
    assert "没有权限" in page and "返回首页" in page and "换一个账号登录" in page
    assert "Forbidden" not in page


def test_a_bad_request_says_so_in_chinese(client, db):
    response = client.get("/", headers={"host": "not-our-site.example"})
    assert response.status_code == 400
    page = response.content.decode()
    assert "请求有误" in page and "返回首页" in page
    assert "Bad Request" not in page


def test_a_form_posted_without_its_csrf_token_asks_to_reopen_the_page_or_log_in_again(db):
    client = Client(enforce_csrf_checks=True)
    response = client.post(reverse("admin:login"), {"username": "clerk", "password": "x"})
    assert response.status_code == 403
    page = response.content.decode()
    assert "页面已过期" in page and "重新登录" in page and "重新打开这个页面" in page
    assert "CSRF verification failed" not in page


@override_settings(ROOT_URLCONF=__name__)
def test_a_server_error_shows_the_chinese_page_without_touching_the_database():
    # No `db` fixture: were the 500 page to query, the test database would refuse.
    response = Client(raise_request_exception=False).get("/broken/")
    assert response.status_code == 500
    page = response.content.decode()
    assert "系统出错了" in page and "返回首页" in page
    assert "Server Error" not in page


def test_the_error_pages_wear_the_sites_header(client, db):
    page = client.get("/no-such-page/").content.decode()
    assert 'class="brand"' in page and "提案办理跟踪" in page


def test_the_csrf_page_shows_who_is_signed_in(clerk_user):
    client = Client(enforce_csrf_checks=True)
    client.force_login(clerk_user)
    response = client.post(reverse("admin:proposals_proposal_add"), {})
    assert response.status_code == 403
    assert "clerk" in response.content.decode()
