"""The Content-Security-Policy (settings.CONTENT_SECURITY_POLICY) holds on every page each kind
of reader opens: Chromium reports no violation in its console, and the scripts that replaced
inline handlers still work.

Chromium writes each refused inline script, style or outside resource to its console (source
"security": "… violates the following Content Security Policy directive …"); the driver here
keeps that log.
"""

import urllib.request

import pytest
from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select

from proposals.models import Bureau, HeldLetter, Proposal
from proposals.roles import Role, login_ensure
from tests.browser.conftest import CHROMEDRIVER, CHROMIUM, sign_in, wait_for_next_page


@pytest.fixture
def browser():
    """The suite's headless Chromium, with its console log kept for get_log("browser")."""
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for argument in ("--headless=new", "--no-sandbox", "--disable-gpu", "--window-size=1280,900"):
        options.add_argument(argument)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    driver.implicitly_wait(5)
    yield driver
    driver.quit()


def violations(driver, live_server, paths: list[str]) -> dict[str, list[str]]:
    """Each path's console messages about the Content Security Policy, where there are any."""
    found = {}
    for path in paths:
        driver.get(live_server.url + path)
        messages = [
            entry["message"]
            for entry in driver.get_log("browser")
            if entry["source"] == "security" or "Content Security Policy" in entry["message"]
        ]
        if messages:
            found[path] = messages
    return found


def test_the_pages_send_a_policy_without_inline_script_or_style(live_server, demo):
    with urllib.request.urlopen(live_server.url + "/") as response:
        policy = response.headers["Content-Security-Policy"]
    assert "default-src 'self'" in policy and "script-src 'self'" in policy
    assert "style-src 'self'" in policy and "unsafe-inline" not in policy


def test_no_page_breaks_the_content_security_policy(browser, live_server, demo):
    published = Proposal.objects.filter(has_published_reply=True).first()
    replied = Proposal.objects.filter(replies__isnull=False).first()
    bureau = Bureau.objects.first()
    Bureau.objects.create(region=bureau.region, name="市新设局", needs_review=True)  # a badge
    held, _ = HeldLetter.objects.get_or_create(
        source_sha256="0" * 64,
        defaults={"source_name": "无编号.txt", "text": "……\n第二行", "reason": "待补全"},
    )
    public = ["/", "/proposals/", "/bureaus/", "/members/", "/admin/login/", "/nowhere/"]
    public += [f"/proposals/{published.pk}/"] if published else []
    problems = violations(browser, live_server, public)

    sign_in(browser, live_server, "/")
    admin = "/admin/proposals"
    problems |= violations(
        browser,
        live_server,
        [
            "/",
            "/proposals/?overdue=yes&order=due",
            f"/proposals/{replied.pk}/",
            "/statistics/",
            "/chase/",
            f"/chase/notice/{bureau.pk}/",
            "/admin/",
            f"{admin}/proposal/",
            f"{admin}/proposal/{replied.pk}/change/",
            f"{admin}/proposal/{replied.pk}/history/",
            f"{admin}/reply/",
            f"{admin}/reply/{replied.replies.first().pk}/change/",
            f"{admin}/assignment/",
            f"{admin}/bureau/",
            f"{admin}/heldletter/{held.pk}/change/",
            f"{admin}/importrun/",
            f"{admin}/importrun/add/",
            f"{admin}/registerimport/add/",
            "/admin/axes/accessattempt/",
        ],
    )

    # A reader who may change nothing gets lists without actions: Django's own list page then
    # adds a <style> of its own.
    login_ensure(username="leader", password="demo-pass-123", role=Role.VIEWER)
    browser.delete_all_cookies()
    sign_in(browser, live_server, "/", username="leader")
    problems |= violations(
        browser, live_server, ["/", "/statistics/", f"{admin}/proposal/", f"{admin}/reply/"]
    )
    assert problems == {}


def test_choosing_a_bureau_on_the_chase_list_still_applies_it(browser, live_server, demo):
    sign_in(browser, live_server, "/chase/")
    choice = Select(browser.find_element(By.ID, "chase-bureau"))
    bureau = choice.options[1]
    name, pk = bureau.text, bureau.get_attribute("value")
    wait_for_next_page(browser, lambda: choice.select_by_value(pk))
    assert browser.current_url.endswith(f"/chase/?bureau={pk}")
    assert Select(browser.find_element(By.ID, "chase-bureau")).first_selected_option.text == name


def test_the_workbench_widgets_draw_within_the_policy(browser, live_server, demo):
    """select2's search box and the date picker build their markup in the page, after load."""
    bureau = Bureau.objects.first()
    sign_in(browser, live_server, f"/admin/proposals/bureau/{bureau.pk}/change/")
    browser.find_element(By.CSS_SELECTOR, ".select2-selection").click()
    browser.find_element(By.CSS_SELECTOR, ".select2-search__field").send_keys("局")
    browser.find_element(By.CSS_SELECTOR, ".select2-results__option")
    browser.get(f"{live_server.url}/admin/proposals/session/add/")
    browser.find_element(By.ID, "calendarlink0").click()
    assert browser.find_element(By.ID, "calendarbox0").is_displayed()
    messages = [entry["message"] for entry in browser.get_log("browser")]
    assert [m for m in messages if "Content Security Policy" in m] == []
