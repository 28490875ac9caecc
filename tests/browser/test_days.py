"""Each role's day in a real browser: the clerk's to-do list, chase list and 催办通知; a bureau
officer's items, an extension asked from the home page and the bureau's chase list, on a
phone; a leader's rates, key items and report; the public reading a published reply on a phone. Every step is checked by
axe-core as its screenshot is saved (conftest.shoot)."""

from datetime import timedelta

from django.utils import timezone
from openpyxl import load_workbook
from selenium.webdriver.common.by import By

from proposals.access import SYSTEM
from proposals.models import Bureau, ExtensionRequest, Proposal
from proposals.roles import Role, login_ensure
from proposals.services import proposal_save
from tests.browser.conftest import click_and_wait, shoot, sign_in, wait_for_next_page
from tests.browser.test_pages_in_chromium import rows, wait_for_file


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

    # The chase list holds the bureau's own late items, with no bureau to pick and no notice
    # to print: those are the clerks'.
    click_and_wait(browser, browser.find_element(By.LINK_TEXT, "返回网页"))
    click_and_wait(browser, browser.find_element(By.LINK_TEXT, "催办"))
    shoot(browser, "day-officer-4-chase-phone")
    assert browser.find_elements(By.ID, "chase-bureau") == []
    assert "打印催办通知" not in browser.page_source
    leads = [
        cell.text
        for cell in browser.find_elements(By.CSS_SELECTOR, "table.chase tbody td:nth-child(3)")
    ]
    assert leads and set(leads) == {bureau.name}, leads


def test_a_leader_reads_the_headline_rates_the_key_items_and_the_report(
    browser, live_server, demo, downloads
):
    key = Proposal.objects.get(number=906)
    key.is_key = True
    proposal_save(proposal=key, actor=SYSTEM)
    login_ensure(username="leader", password="demo-pass-123", role=Role.VIEWER)
    sign_in(browser, live_server, "/", username="leader")
    rates = {
        figure.find_element(By.TAG_NAME, "strong").text: figure.text
        for figure in browser.find_elements(
            By.CSS_SELECTOR, "section[aria-labelledby=rates-title] a"
        )
    }
    assert any("办复率" in text for text in rates.values()), rates
    shoot(browser, "day-leader-1-home")

    click_and_wait(browser, task(browser, "重点提案"))
    assert rows(browser) == [key.title]
    shoot(browser, "day-leader-2-key-items")
    click_and_wait(browser, browser.find_element(By.LINK_TEXT, key.title))
    assert "不满意" in browser.page_source or "已反馈" in browser.page_source
    # A leader reads; the page offers nothing to do.
    assert not browser.find_elements(By.CSS_SELECTOR, "p.actions")
    shoot(browser, "day-leader-3-key-item")

    click_and_wait(browser, browser.find_element(By.LINK_TEXT, "统计"))
    overview = browser.find_element(By.XPATH, "//td[contains(., '已答复（办复率）')]/..").text
    home_rate = next(
        rate for rate, text in rates.items() if "办复率" in text and "按期" not in text
    )
    assert home_rate in overview
    shoot(browser, "day-leader-4-statistics")
    browser.find_element(By.LINK_TEXT, "下载 Excel").click()
    workbook = wait_for_file(downloads, ".xlsx")
    assert load_workbook(workbook).sheetnames[0] == "概况"


def test_the_public_reads_a_published_reply_on_a_phone(browser, live_server, demo):
    browser.set_window_size(390, 844)
    browser.get(f"{live_server.url}/")
    shoot(browser, "day-public-1-home-phone")
    search = browser.find_element(By.CSS_SELECTOR, "header input[name=q]")
    search.send_keys("营商")
    wait_for_next_page(browser, search.submit)
    assert rows(browser) == ["关于优化营商环境的提案"]
    shoot(browser, "day-public-2-search-phone")
    click_and_wait(browser, browser.find_element(By.LINK_TEXT, "关于优化营商环境的提案"))
    page = browser.page_source
    assert "现答复如下" in page and "联系电话" not in page
    assert browser.execute_script("return document.documentElement.scrollWidth") <= 390
    shoot(browser, "day-public-3-reply-phone")
