"""Background jobs in a real browser: a clerk uploads letters, sees them queued (排队中), being
read (处理中 已处理 x/y 个文件), then the preview; confirms and sees the import queued, then
its outcome. The worker is the database backend's own (`db_worker --batch`), run by the test
between page loads."""

from pathlib import Path

from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions
from selenium.webdriver.support.ui import WebDriverWait

from proposals import tasks
from proposals.models import ImportRun, Reply
from proposals.services import imports
from tests.browser.conftest import click_and_wait, shoot, sign_in
from tests.test_jobs import run_worker

SEEDS = Path(__file__).resolve().parents[2] / "fixtures" / "replies"


def seed(prefix: str) -> bytes:
    return next(SEEDS.glob(f"{prefix}_*.txt")).read_bytes()


def worked(driver) -> None:
    """Run the queued jobs, then reload the page.

    The page stays still meanwhile (?auto=0): the live server shares the test's SQLite
    connection, so a reload must not come in the middle of the worker's transaction.
    """
    url = driver.current_url.split("?")[0]
    driver.get(f"{url}?auto=0")
    run_worker()
    driver.get(url)


def rows(driver) -> dict[str, str]:
    return {
        cells[0].text: cells[1].text
        for cells in (
            row.find_elements(By.TAG_NAME, "td")
            for row in driver.find_elements(By.CSS_SELECTOR, "table.import-files tbody tr")
        )
    }


def test_a_clerk_follows_the_jobs_that_preview_and_import_an_upload(
    browser, live_server, demo, tmp_path, settings, monkeypatch
):
    settings.MEDIA_ROOT = tmp_path / "media"
    monkeypatch.setattr(tasks, "PROGRESS_EVERY_SECONDS", 0)
    files = {"a.txt": seed("002"), "b.txt": seed("003"), "c.txt": seed("004")}
    for name, data in files.items():
        (tmp_path / name).write_bytes(data)
    replies_before = Reply.objects.count()

    sign_in(browser, live_server, "/admin/proposals/importrun/add/")
    picker = browser.find_element(By.CSS_SELECTOR, "input[type=file][name=files]")
    picker.send_keys("\n".join(str(tmp_path / name) for name in files))
    click_and_wait(browser, browser.find_element(By.CSS_SELECTOR, "input[value=预览]"))
    assert "预览状态：排队中" in browser.page_source
    assert "本页每 2 秒自动刷新" in browser.page_source
    shoot(browser, "jobs-1-queued")
    # The page reloads itself while its job is not finished.
    WebDriverWait(browser, 6).until(
        expected_conditions.staleness_of(browser.find_element(By.TAG_NAME, "html"))
    )
    run_url = browser.current_url.split("?")[0]

    real = imports.letter_from_bytes
    looked = []

    def reading(name, data):
        if name == "c.txt" and not looked:  # two read, the third next: look at the page
            looked.append(name)
            browser.get(run_url)
            assert "预览状态：处理中 已处理 2/3 个文件" in browser.page_source
            assert browser.find_element(By.TAG_NAME, "progress").get_attribute("value") == "2"
            shoot(browser, "jobs-2-running")
            browser.get(f"{run_url}?auto=0")
        return real(name, data)

    monkeypatch.setattr(imports, "letter_from_bytes", reading)
    worked(browser)
    assert looked
    assert "预览状态：已完成" in browser.page_source
    assert rows(browser) == {"a.txt": "新增", "b.txt": "新增", "c.txt": "拒收"}
    assert "本页每 2 秒自动刷新" not in browser.page_source
    assert Reply.objects.count() == replies_before
    shoot(browser, "jobs-3-previewed")

    click_and_wait(browser, browser.find_element(By.CSS_SELECTOR, "input[value=确认导入]"))
    assert "导入状态：排队中" in browser.page_source
    assert not browser.find_elements(By.CSS_SELECTOR, "input[value=确认导入]")
    shoot(browser, "jobs-4-import-queued")
    worked(browser)
    assert "导入状态：已完成" in browser.page_source
    assert "按预览的文件导入，结果见下表" in browser.page_source
    assert rows(browser) == {"a.txt": "新增", "b.txt": "新增", "c.txt": "拒收"}
    assert ImportRun.objects.get().status == "confirmed"
    assert Reply.objects.count() == replies_before + 2
    shoot(browser, "jobs-5-imported")


def test_a_failed_job_says_why_and_the_clerk_retries_it(
    browser, live_server, demo, tmp_path, settings, monkeypatch
):
    settings.MEDIA_ROOT = tmp_path / "media"
    (tmp_path / "a.txt").write_bytes(seed("002"))
    sign_in(browser, live_server, "/admin/proposals/importrun/add/")
    browser.find_element(By.CSS_SELECTOR, "input[type=file][name=files]").send_keys(
        str(tmp_path / "a.txt")
    )
    click_and_wait(browser, browser.find_element(By.CSS_SELECTOR, "input[value=预览]"))

    def broken(name, data):
        raise OSError("disk gone")

    monkeypatch.setattr(imports, "letter_from_bytes", broken)
    worked(browser)
    assert "预览状态：出错（读写文件出错" in browser.page_source
    shoot(browser, "jobs-6-failed")
    monkeypatch.undo()

    click_and_wait(browser, browser.find_element(By.CSS_SELECTOR, "input[value=重试预览]"))
    assert "预览状态：排队中" in browser.page_source
    worked(browser)
    assert rows(browser) == {"a.txt": "新增"}
