"""Each role's day in a real browser: the clerk's to-do list, chase list and 催办通知; a bureau
officer's items and an extension asked from the home page; the same on a phone."""

from datetime import timedelta

from django.utils import timezone
from selenium.webdriver.common.by import By

from proposals.models import Bureau, ExtensionRequest
from proposals.roles import Role, login_ensure
from tests.browser.conftest import click_and_wait, shoot, sign_in


def task(driver, label: str):
    return driver.find_element(
        By.XPATH, f"//li[contains(@class,'task')][.//a[contains(., '{label}')]]//a"
    )


def test_a_clerk_starts_the_day_from_the_to_do_list_and_chases_a_late_bureau(
    browser, live_server, demo
):
    sign_in(browser, live_server, "/")
    assert "今日待办" in browser.page_source
    shoot(browser, "day-clerk-1-home")
    overdue = task(browser, "已超期")
    count = int(overdue.find_element(By.TAG_NAME, "strong").text)
    assert count > 0
    click_and_wait(browser, overdue)
    assert len(browser.find_elements(By.CSS_SELECTOR, "table.proposals tbody tr")) == count
    shoot(browser, "day-clerk-2-overdue-list")

    click_and_wait(browser, browser.find_element(By.LINK_TEXT, "催办"))
    assert "已超期" in browser.page_source
    shoot(browser, "day-clerk-3-chase")
    click_and_wait(browser, browser.find_element(By.LINK_TEXT, "打印催办通知"))
    assert "催办通知" in browser.page_source and "请抓紧办理" in browser.page_source
    shoot(browser, "day-clerk-4-notice")


def test_a_bureau_officer_asks_for_an_extension_from_the_home_page_on_a_phone(
    browser, live_server, demo
):
    bureau = Bureau.objects.get(name="焦作市工业和信息化局")
    login_ensure(username="gongxin", password="demo-pass-123", role=Role.BUREAU, bureau=bureau)
    browser.set_window_size(390, 844)
    sign_in(browser, live_server, "/", username="gongxin")
    assert "轮到本单位的事项" in browser.page_source
    shoot(browser, "day-officer-1-home-phone")
    first = browser.find_element(By.CSS_SELECTOR, "table.items tbody tr")
    click_and_wait(browser, first.find_element(By.LINK_TEXT, "申请延期"))
    later = timezone.localdate() + timedelta(days=20)
    browser.find_element(By.NAME, "requested_due_on").send_keys(later.isoformat())
    browser.find_element(By.NAME, "reason").send_keys("需要会同多个部门调研")
    shoot(browser, "day-officer-2-extension-form")
    click_and_wait(browser, browser.find_element(By.CSS_SELECTOR, "input[name=_save]"))
    shoot(browser, "day-officer-3-requested")
    request = ExtensionRequest.objects.get(reason="需要会同多个部门调研")
    assert request.assignment.bureau == bureau and request.status == "pending"
