"""A clerk decides an overdue bureau's extension request in a real browser: the queue, the
confirmation page with its warnings, the refusal that needs a note, and the message after."""

from datetime import timedelta

from django.utils import timezone
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select

from proposals.access import SYSTEM
from proposals.models import Assignment
from proposals.services import extension_request_create
from tests.browser.conftest import click_and_wait, shoot, sign_in


def test_a_clerk_refuses_an_overdue_extension_after_seeing_why(browser, live_server, demo):
    today = timezone.localdate()
    overdue = Assignment.objects.active().filter(due_on__lt=today, role="lead").first()
    request = extension_request_create(
        assignment=overdue,
        requested_due_on=overdue.due_on + timedelta(days=30),
        reason="需要会同多个部门调研",
        actor=SYSTEM,
        today=today,
    )
    sign_in(browser, live_server, "/admin/proposals/extensionrequest/")
    page = browser.page_source
    assert f"第{overdue.proposal.number}号" in page and "（已超期）" in page
    shoot(browser, "requests-1-queue")
    browser.find_element(
        By.CSS_SELECTOR, f"input[name=_selected_action][value='{request.pk}']"
    ).click()
    Select(browser.find_element(By.NAME, "action")).select_by_value("refuse")
    click_and_wait(browser, browser.find_element(By.NAME, "index"))
    assert "已超期" in browser.page_source and "逾期延期" in browser.page_source
    shoot(browser, "requests-2-confirm-refusal")
    click_and_wait(browser, browser.find_element(By.NAME, "apply"))
    assert "不批准须写明审批意见" in browser.page_source
    browser.find_element(By.NAME, "note").send_keys("材料齐全，请按原期限尽快答复")
    click_and_wait(browser, browser.find_element(By.NAME, "apply"))
    assert "未批准：原期限" in browser.page_source
    shoot(browser, "requests-3-refused")
    request.refresh_from_db()
    assert (request.status, request.decision_note) == ("refused", "材料齐全，请按原期限尽快答复")
