"""A 立案名单 in a real browser: upload, correct the columns the system did not recognise, preview
again, confirm; the same headers are mapped by themselves the next time. The preview and the
import are background jobs: the test runs the worker between page loads."""

from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select

from proposals.models import Proposal, RegisterImport, Session
from tests.browser.conftest import click_and_wait, shoot, sign_in
from tests.browser.test_import_jobs import worked
from tests.test_registers import xlsx

ROWS = [
    ["政协修武县第十届委员会第三次会议提案立案名单"],
    ["流水号", "提案内容摘要", "第一提案人", "所属界别", "是否重点"],
    ["1", "关于加快老旧小区改造的提案", "张三", "经济界", "是"],
    ["2", "关于发展托育服务的提案", "李四", "妇联界", "否"],
    ["合计", "2 件"],
]


def upload(driver, live_server, path, session) -> None:
    driver.get(f"{live_server.url}/admin/proposals/registerimport/add/")
    Select(driver.find_element(By.NAME, "kind")).select_by_value("proposals")
    Select(driver.find_element(By.NAME, "session")).select_by_value(str(session.pk))
    driver.find_element(By.NAME, "file").send_keys(str(path))
    click_and_wait(driver, driver.find_element(By.CSS_SELECTOR, "input[value=预览]"))
    worked(driver)


def results(driver) -> list[tuple[str, str]]:
    return [
        (cells[1].text, cells[2].text)
        for cells in (
            row.find_elements(By.TAG_NAME, "td")
            for row in driver.find_elements(By.CSS_SELECTOR, "table.register-rows tbody tr")
        )
        if len(cells) == 4
    ]


def test_a_clerk_corrects_a_column_and_imports_a_register(
    browser, live_server, demo, tmp_path, settings
):
    settings.MEDIA_ROOT = tmp_path / "media"
    # A county whose roster is not in yet: the register's proposers are added to it.
    session = Session.objects.create(body="cppcc", region="修武县", term=10, meeting=3)
    path = tmp_path / "立案名单.xlsx"
    path.write_bytes(xlsx(ROWS))
    sign_in(browser, live_server, "/admin/")
    upload(browser, live_server, path, session)
    assert "没有找到“案号”“案由”列" in browser.page_source
    shoot(browser, "register-1-unrecognised-column")

    Select(browser.find_element(By.NAME, "map-Sheet1-0")).select_by_visible_text("案号")
    Select(browser.find_element(By.NAME, "map-Sheet1-1")).select_by_visible_text("案由")
    click_and_wait(browser, browser.find_element(By.CSS_SELECTOR, "input[value=按这些列重新预览]"))
    worked(browser)
    assert results(browser) == [("第 3 行", "新增"), ("第 4 行", "新增"), ("第 5 行", "跳过")]
    assert not Proposal.objects.filter(session=session).exists()
    shoot(browser, "register-2-preview")

    click_and_wait(browser, browser.find_element(By.CSS_SELECTOR, "input[value=确认导入]"))
    worked(browser)
    assert "列对应关系已记住" in browser.page_source
    proposal = Proposal.objects.get(session=session, number=1)
    assert (proposal.title, proposal.is_key) == ("关于加快老旧小区改造的提案", True)
    shoot(browser, "register-3-confirmed")

    # The same headers again: mapped as the clerk mapped them, and nothing changes.
    upload(browser, live_server, path, session)
    assert "没有找到" not in browser.page_source
    assert [status for _, status in results(browser)] == ["无变化", "无变化", "跳过"]
    assert RegisterImport.objects.count() == 2
