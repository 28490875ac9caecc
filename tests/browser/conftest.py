"""Headless Chromium for the browser tests: Debian's chromium through its chromedriver.

Each step saves a screenshot under screenshots/ (see README) for a person to look at, and runs
axe-core (npm, pinned in package.json) on the page: no serious or critical violation.
Skipped where chromium or chromedriver is not installed, unless REQUIRE_BROWSER is set
(.ci/run sets it, after installing both from Debian).
"""

import os
import shutil
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.utils import timezone

from proposals.demo.seven import demo_proposals_ensure
from proposals.roles import Role, login_ensure

ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = ROOT / "screenshots"
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
SERIOUS = {"serious", "critical"}
CHROMEDRIVER = shutil.which("chromedriver") or "/usr/bin/chromedriver"
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"

if not (Path(CHROMEDRIVER).exists() and Path(CHROMIUM).exists()):
    if os.environ.get("REQUIRE_BROWSER"):
        raise RuntimeError("REQUIRE_BROWSER is set but chromium/chromedriver are not installed")
    collect_ignore_glob = ["test_*.py"]
elif not AXE.exists() and os.environ.get("REQUIRE_BROWSER"):
    raise RuntimeError("REQUIRE_BROWSER is set but axe-core is not installed: run npm ci")

from selenium import webdriver  # noqa: E402
from selenium.webdriver.chrome.service import Service  # noqa: E402
from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.support import expected_conditions  # noqa: E402
from selenium.webdriver.support.ui import WebDriverWait  # noqa: E402


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


def serious_violations(driver) -> list[tuple]:
    """axe-core's serious and critical findings on the current page: (rule, help, where)."""
    driver.execute_script(AXE.read_text())
    found = driver.execute_async_script(
        "const done = arguments[arguments.length - 1];"
        "axe.run(document, {resultTypes: ['violations']})"
        ".then(r => done(r.violations), e => done([{id: 'axe-error', impact: 'critical',"
        " help: String(e), nodes: []}]));"
    )
    return [
        (v["id"], v["help"], [node["target"] for node in v["nodes"]][:3])
        for v in found
        if v["impact"] in SERIOUS
    ]


def shoot(driver, name: str) -> None:
    """Save the page as screenshots/<name>.png and check it with axe-core (where installed)."""
    SCREENSHOTS.mkdir(exist_ok=True)
    driver.save_screenshot(str(SCREENSHOTS / f"{name}.png"))
    if AXE.exists():
        assert serious_violations(driver) == [], name


def wait_for_next_page(driver, action) -> None:
    """Run action (a click, an Enter) and wait until the browser has left the current page.

    Reading the URL or the rows right after a click can still see the old page.
    """
    old_page = driver.find_element(By.TAG_NAME, "html")
    action()
    WebDriverWait(driver, 10).until(expected_conditions.staleness_of(old_page))
    # Left is not yet loaded: elements found while the new page still loads can go stale.
    WebDriverWait(driver, 10).until(
        lambda d: d.execute_script("return document.readyState") == "complete"
    )


def click_and_wait(driver, element) -> None:
    """Click `element` (a link or a submit button) and wait for the page it opens.

    The click is a script's: chromedriver's own click, when it navigates at once, now and then
    fails with "Node with given id does not belong to the document" as the page is replaced.
    """
    wait_for_next_page(driver, lambda: driver.execute_script("arguments[0].click();", element))


def sign_in(driver, live_server, next_page: str = "/", username: str = "clerk") -> None:
    driver.get(f"{live_server.url}/admin/login/?next={next_page}")
    driver.find_element(By.NAME, "username").send_keys(username)
    driver.find_element(By.NAME, "password").send_keys("demo-pass-123")
    click_and_wait(driver, driver.find_element(By.CSS_SELECTOR, "input[type=submit]"))
