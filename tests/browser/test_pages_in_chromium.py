"""The pages in Debian's headless Chromium: home, filter and clear, search, detail, export.

Each step saves a screenshot under screenshots/ (see README) for a person to look at.
Skipped where chromium or chromedriver is not installed, unless REQUIRE_BROWSER is set
(.ci/run sets it, after installing both from Debian).
"""

import os
import shutil
import time
from functools import partial
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.utils import timezone

from proposals.demo import demo_proposals_ensure
from proposals.roles import Role, login_ensure

SCREENSHOTS = Path(__file__).resolve().parents[2] / "screenshots"
CHROMEDRIVER = shutil.which("chromedriver") or "/usr/bin/chromedriver"
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"

if not (Path(CHROMEDRIVER).exists() and Path(CHROMIUM).exists()):
    if os.environ.get("REQUIRE_BROWSER"):
        raise RuntimeError("REQUIRE_BROWSER is set but chromium/chromedriver are not installed")
    pytest.skip("Debian chromium and chromium-driver are not installed", allow_module_level=True)

from selenium import webdriver  # noqa: E402
from selenium.webdriver.chrome.service import Service  # noqa: E402
from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.support import expected_conditions  # noqa: E402
from selenium.webdriver.support.ui import Select, WebDriverWait  # noqa: E402


@pytest.fixture
def downloads(tmp_path):
    return tmp_path


@pytest.fixture
def browser(downloads):
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for argument in (
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--window-size=1280,900",
        "--lang=zh-CN",
    ):
        options.add_argument(argument)
    options.add_experimental_option(
        "prefs",
        {"download.default_directory": str(downloads), "download.prompt_for_download": False},
    )
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    driver.implicitly_wait(5)
    yield driver
    driver.quit()


@pytest.fixture
def demo(transactional_db):
    # A live server needs committed rows, so each test flushes the tables, grades included.
    call_command("loaddata", Path(settings.BASE_DIR) / "fixtures" / "grades.json", verbosity=0)
    login_ensure(username="clerk", password="demo-pass-123", role=Role.CLERK)
    return demo_proposals_ensure(timezone.localdate())


def shoot(driver, name: str) -> None:
    SCREENSHOTS.mkdir(exist_ok=True)
    driver.save_screenshot(str(SCREENSHOTS / f"{name}.png"))


def wait_for_next_page(driver, action) -> None:
    """Run action (a click, an Enter) and wait until the browser has left the current page.

    Reading the URL or the rows right after a click can still see the old page.
    """
    old_page = driver.find_element(By.TAG_NAME, "html")
    action()
    WebDriverWait(driver, 10).until(expected_conditions.staleness_of(old_page))


def sign_in(driver, live_server) -> None:
    driver.get(f"{live_server.url}/admin/login/?next=/")
    driver.find_element(By.NAME, "username").send_keys("clerk")
    driver.find_element(By.NAME, "password").send_keys("demo-pass-123")
    wait_for_next_page(driver, driver.find_element(By.CSS_SELECTOR, "input[type=submit]").click)
    driver.find_element(By.CSS_SELECTOR, ".figures")


def rows(driver) -> list[str]:
    return [
        cell.text
        for cell in driver.find_elements(
            By.CSS_SELECTOR, "table.proposals tbody td:nth-child(2) > a"
        )
    ]


def test_a_clerk_filters_searches_opens_and_exports(browser, live_server, demo, downloads):
    sign_in(browser, live_server)
    figures = browser.find_elements(By.CSS_SELECTOR, ".figure strong")
    assert figures[0].text == "7"
    shoot(browser, "1-home")

    wait_for_next_page(browser, browser.find_element(By.LINK_TEXT, "提案/建议").click)
    assert len(rows(browser)) == 7
    Select(browser.find_element(By.NAME, "status")).select_by_visible_text("已答复")
    wait_for_next_page(
        browser, browser.find_element(By.CSS_SELECTOR, "#filters button[type=submit]").click
    )
    assert "status=replied" in browser.current_url
    assert rows(browser) == ["关于培育专精特新企业梯队的提案"]
    shoot(browser, "2-list-filtered")
    wait_for_next_page(browser, browser.find_element(By.PARTIAL_LINK_TEXT, "办理状态：").click)
    assert "status=" not in browser.current_url
    assert len(rows(browser)) == 7
    shoot(browser, "3-list-filter-cleared")

    for query, name in (("营商", "4-search-2-characters"), ("专精特新", "5-search-4-characters")):
        box = browser.find_element(By.CSS_SELECTOR, "header input[name=q]")
        box.clear()
        wait_for_next_page(browser, partial(box.send_keys, query + "\n"))
        marks = browser.find_elements(By.CSS_SELECTOR, ".passage mark")
        assert marks and all(mark.text == query for mark in marks)
        shoot(browser, name)

    first_result = browser.find_element(
        By.CSS_SELECTOR, "table.proposals tbody td:nth-child(2) > a"
    )
    wait_for_next_page(browser, first_result.click)
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
