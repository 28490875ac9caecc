"""The review queue in a real browser: a letter whose number cannot be read is held (待补全) and
a clerk files it by finding its proposal; a letter cut off before its end is 不完整 until the
complete copy arrives."""

from pathlib import Path

from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions
from selenium.webdriver.support.ui import WebDriverWait

from proposals.access import SYSTEM
from proposals.models import HeldLetter, Proposal, Reply, Session
from proposals.services import proposal_save
from tests.browser.conftest import click_and_wait, shoot, sign_in
from tests.browser.test_import_jobs import worked

SEEDS = Path(__file__).resolve().parents[2] / "fixtures" / "replies"
LETTER = (SEEDS / "000_ee2ad97ee7362e9f.txt").read_text(encoding="utf-8")
# The number gone and the title reworded: nothing to match automatically.
NO_NUMBER = LETTER.replace("第252号", "").replace("关于加强科技创新促进企业发展", "科技创新一事")
COMPLETE_120 = (SEEDS / "002_b90c929a2134fc54.txt").read_text(encoding="utf-8")
# Cut off in its body, as a page saved before it had loaded: no closing, date or signature.
CUT_OFF_120 = COMPLETE_120[: len(COMPLETE_120) * 4 // 10]


def upload(driver, live_server, folder: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        (folder / name).write_text(text, encoding="utf-8")
    driver.get(f"{live_server.url}/admin/proposals/importrun/add/")
    picker = driver.find_element(By.CSS_SELECTOR, "input[type=file][name=files]")
    picker.send_keys("\n".join(str(folder / name) for name in files))
    click_and_wait(driver, driver.find_element(By.CSS_SELECTOR, "input[value=预览]"))
    worked(driver)
    click_and_wait(driver, driver.find_element(By.CSS_SELECTOR, "input[value=确认导入]"))
    worked(driver)


def choose(driver, field: str, typed: str, option: str) -> None:
    """Pick in an admin search box (select2): open it, type, click the matching option."""
    driver.find_element(By.CSS_SELECTOR, f"#id_{field} + .select2 .select2-selection").click()
    driver.find_element(By.CSS_SELECTOR, ".select2-search__field").send_keys(typed)
    WebDriverWait(driver, 10).until(
        expected_conditions.element_to_be_clickable(
            (
                By.XPATH,
                f"//li[contains(@class, 'select2-results__option') and contains(., '{option}')]",
            )
        )
    ).click()


def test_a_clerk_files_a_held_letter_and_a_cut_off_letter_waits_for_its_copy(
    browser, live_server, demo, tmp_path
):
    session, _ = Session.objects.get_or_create(body="cppcc", region="焦作市", term=14, meeting=5)
    proposal = proposal_save(
        proposal=Proposal(session=session, number=252, title="关于加强科技创新促进企业发展"),
        actor=SYSTEM,
    )
    sign_in(browser, live_server, "/admin/")
    upload(browser, live_server, tmp_path, {"无编号.txt": NO_NUMBER, "截断.txt": CUT_OFF_120})
    assert "1 封来函待补全" in browser.page_source
    shoot(browser, "held-1-imported")

    # The held letter: what was read is shown; the clerk finds its proposal and files it.
    click_and_wait(browser, browser.find_element(By.PARTIAL_LINK_TEXT, "封来函待补全"))
    click_and_wait(browser, browser.find_element(By.PARTIAL_LINK_TEXT, "科技创新一事"))
    assert "焦工信〔2022〕71号" in browser.page_source
    read = browser.find_element(By.TAG_NAME, "body").text
    assert "文本文件" in read and "机构：政协" in read
    shoot(browser, "held-2-letter")
    choose(browser, "proposal", "科技创新", "252")
    choose(browser, "issuer", "工业和信息化", "焦作市工业和信息化局")
    shoot(browser, "held-3-chosen")
    click_and_wait(browser, browser.find_element(By.CSS_SELECTOR, "input[name=_save]"))
    assert "科技创新一事（已补全）" in browser.page_source
    held = HeldLetter.objects.get()
    assert held.status == "done" and held.reply.proposal == proposal
    assert held.reply.counts

    # The cut-off letter is a reply flagged 不完整; it answers nothing until the full copy.
    browser.get(f"{live_server.url}/admin/proposals/reply/?completeness__exact=incomplete")
    shoot(browser, "held-4-incomplete")
    cut_off = Reply.objects.get(proposal__number=120)
    assert not cut_off.counts
    assert "第120号提案" in browser.find_element(By.ID, "result_list").text
    upload(browser, live_server, tmp_path, {"完整.txt": COMPLETE_120})
    browser.get(f"{live_server.url}/admin/proposals/reply/?completeness__exact=incomplete")
    assert "第120号提案" not in browser.page_source
    cut_off.refresh_from_db()
    assert cut_off.counts
