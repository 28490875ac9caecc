"""Readable on a 390 px phone and usable from the keyboard: filters fold away, table rows become
cards that name each field, nothing scrolls sideways; a skip link and a visible focus ring."""

from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys

from tests.browser.conftest import click_and_wait, shoot, sign_in

PHONE = (390, 844)


def page_width(driver) -> int:
    return driver.execute_script("return document.documentElement.scrollWidth")


def test_on_a_phone_the_list_folds_its_filters_and_shows_each_proposal_as_a_card(
    browser, live_server, demo
):
    browser.set_window_size(*PHONE)
    browser.get(f"{live_server.url}/proposals/")
    filters = browser.find_element(By.CSS_SELECTOR, "details.filters")
    assert filters.get_attribute("open") is None
    search = browser.find_element(By.CSS_SELECTOR, "details.filters [name=q]")
    assert not search.is_displayed()
    row = browser.find_element(By.CSS_SELECTOR, "table.proposals tbody tr")
    labels = [td.get_attribute("data-label") for td in row.find_elements(By.TAG_NAME, "td")]
    assert labels[:3] == ["编号", "案由", "提出人"]
    assert row.rect["width"] <= PHONE[0] and page_width(browser) <= PHONE[0]
    shoot(browser, "phone-1-list-cards")

    browser.find_element(By.CSS_SELECTOR, "details.filters summary").click()
    assert search.is_displayed()
    shoot(browser, "phone-2-list-filters-open")


def test_on_a_phone_the_workbench_list_puts_filters_first_and_rows_as_cards(
    browser, live_server, demo
):
    browser.set_window_size(*PHONE)
    sign_in(browser, live_server, "/admin/proposals/proposal/")
    filters = browser.find_element(By.ID, "changelist-filter")
    results = browser.find_element(By.ID, "result_list")
    assert filters.rect["y"] < results.rect["y"]
    title = browser.find_element(By.CSS_SELECTOR, "#result_list tbody tr td.field-title")
    assert title.get_attribute("data-label") == "案由"
    # The title reads across the card, not one character per line.
    assert title.rect["width"] > PHONE[0] / 2 and page_width(browser) <= PHONE[0]
    shoot(browser, "phone-3-workbench-list")


def test_the_keyboard_reaches_a_skip_link_first_and_sees_where_focus_is(browser, live_server, demo):
    browser.get(f"{live_server.url}/proposals/")
    browser.find_element(By.TAG_NAME, "body").send_keys(Keys.TAB)
    skip = browser.switch_to.active_element
    assert skip.text == "跳到正文" and skip.rect["y"] >= 0 and skip.is_displayed()
    assert skip.value_of_css_property("outline-style") == "solid"
    shoot(browser, "keyboard-1-skip-link")
    skip.send_keys(Keys.ENTER)
    assert browser.switch_to.active_element.get_attribute("id") == "main"

    # The workbench has the same ring.
    sign_in(browser, live_server, "/admin/")
    link = browser.find_element(By.CSS_SELECTOR, "#content a")
    browser.execute_script("arguments[0].focus()", link)
    link.send_keys(Keys.SHIFT, Keys.TAB)
    link.send_keys(Keys.TAB)
    focused = browser.switch_to.active_element
    assert focused.value_of_css_property("outline-color") == "rgba(250, 204, 21, 1)"
    click_and_wait(browser, focused)
