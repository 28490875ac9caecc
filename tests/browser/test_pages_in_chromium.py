"""The pages in Debian's headless Chromium: home, filter and clear, search, detail, export."""

import time
from pathlib import Path

from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select

from tests.browser.conftest import click_and_wait, shoot, sign_in, wait_for_next_page


def rows(driver) -> list[str]:
    return [
        cell.text
        for cell in driver.find_elements(
            By.CSS_SELECTOR, "table.proposals tbody td:nth-child(2) > a"
        )
    ]


def test_a_clerk_filters_searches_opens_and_exports(browser, live_server, demo, downloads):
    sign_in(browser, live_server)
    browser.find_element(By.CSS_SELECTOR, ".figures")
    figures = browser.find_elements(By.CSS_SELECTOR, ".figure strong")
    assert figures[0].text == "7"
    shoot(browser, "1-home")

    click_and_wait(browser, browser.find_element(By.LINK_TEXT, "提案/建议"))
    assert len(rows(browser)) == 7
    Select(browser.find_element(By.NAME, "status")).select_by_visible_text("已答复")
    click_and_wait(browser, browser.find_element(By.CSS_SELECTOR, "#filters button[type=submit]"))
    assert "status=replied" in browser.current_url
    assert rows(browser) == ["关于培育专精特新企业梯队的提案"]
    shoot(browser, "2-list-filtered")
    click_and_wait(browser, browser.find_element(By.PARTIAL_LINK_TEXT, "办理状态："))
    assert "status=" not in browser.current_url
    assert len(rows(browser)) == 7
    shoot(browser, "3-list-filter-cleared")

    for query, name in (("营商", "4-search-2-characters"), ("专精特新", "5-search-4-characters")):
        box = browser.find_element(By.CSS_SELECTOR, "header input[name=q]")
        box.clear()
        box.send_keys(query)
        # Submitted apart from the typing: an Enter typed with the text can leave chromedriver
        # still holding the box when the page it submits has replaced it.
        wait_for_next_page(browser, box.submit)
        marks = browser.find_elements(By.CSS_SELECTOR, ".passage mark")
        assert marks and all(mark.text == query for mark in marks)
        shoot(browser, name)

    first_result = browser.find_element(
        By.CSS_SELECTOR, "table.proposals tbody td:nth-child(2) > a"
    )
    click_and_wait(browser, first_result)
    assert "专精特新" in browser.find_element(By.TAG_NAME, "h1").text + browser.page_source
    shoot(browser, "6-detail")

    browser.get(f"{live_server.url}/proposals/?q=提案")
    browser.find_element(By.LINK_TEXT, "CSV").click()
    exported = wait_for_file(downloads, ".csv")
    text = exported.read_text(encoding="utf-8-sig")
    assert text.splitlines()[0].startswith("会议,编号,案由") and text.count("\n") == 8
    shoot(browser, "7-export")

    browser.get(f"{live_server.url}/statistics/")
    assert browser.find_elements(By.CSS_SELECTOR, "svg.chart")
    shoot(browser, "8-statistics")


def test_an_anonymous_visitor_sees_only_published_replies(browser, live_server, demo):
    browser.get(f"{live_server.url}/proposals/")
    shown = rows(browser)
    assert shown and "关于发展夜间经济的提案" not in shown
    assert not browser.find_elements(By.LINK_TEXT, "CSV")
    shoot(browser, "9-public-list")


def wait_for_file(directory: Path, suffix: str, seconds: float = 10) -> Path:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        found = [p for p in directory.iterdir() if p.suffix == suffix]
        if found:
            return found[0]
        time.sleep(0.1)
    raise AssertionError(f"no {suffix} file downloaded into {directory}")
