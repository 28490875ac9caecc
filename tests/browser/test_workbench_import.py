"""The workbench import in a real browser: upload several files, read the preview, confirm.
The preview and the import are background jobs: the test runs the worker between page loads."""

import zlib
from pathlib import Path

from selenium.webdriver.common.by import By

from proposals.access import SYSTEM
from proposals.importing import LetterImporter
from proposals.models import ImportRun, Reply
from tests.browser.conftest import click_and_wait, shoot, sign_in
from tests.browser.test_import_jobs import worked

SEEDS = Path(__file__).resolve().parents[2] / "fixtures" / "replies"


def seed(prefix: str) -> bytes:
    return next(SEEDS.glob(f"{prefix}_*.txt")).read_bytes()


def png() -> bytes:
    """A real one-pixel PNG picture."""
    raw = b"\x00\xff\x00\x00"
    chunks = [
        (b"IHDR", (1).to_bytes(4, "big") * 2 + bytes([8, 2, 0, 0, 0])),
        (b"IDAT", zlib.compress(raw)),
        (b"IEND", b""),
    ]
    body = b"".join(
        len(data).to_bytes(4, "big") + kind + data + zlib.crc32(kind + data).to_bytes(4, "big")
        for kind, data in chunks
    )
    return b"\x89PNG\r\n\x1a\n" + body


def rows(driver) -> dict[str, tuple[str, str]]:
    found = {}
    for row in driver.find_elements(By.CSS_SELECTOR, "table.import-files tbody tr"):
        name, status, note = (cell.text for cell in row.find_elements(By.TAG_NAME, "td"))
        found[name] = (status, note)
    return found


def test_a_clerk_uploads_previews_and_confirms_in_the_browser(
    browser, live_server, demo, tmp_path, settings
):
    settings.MEDIA_ROOT = tmp_path / "media"
    importer = LetterImporter(actor=SYSTEM)
    for prefix in ("000", "001"):
        importer.import_letter(name=f"{prefix}.txt", data=seed(prefix))
    files = {
        "new.txt": seed("002"),
        "changed.txt": seed("000").replace(b"3569133", b"3569999"),
        "same.txt": seed("001"),
        "empty.txt": b"",
        "photo.png": png(),
        "setup.exe": b"MZ",
    }
    for name, data in files.items():
        (tmp_path / name).write_bytes(data)
    replies_before = Reply.objects.count()

    sign_in(browser, live_server, "/admin/proposals/importrun/add/")
    picker = browser.find_element(By.CSS_SELECTOR, "input[type=file][name=files]")
    picker.send_keys("\n".join(str(tmp_path / name) for name in files))
    shoot(browser, "import-1-upload")
    click_and_wait(browser, browser.find_element(By.CSS_SELECTOR, "input[value=预览]"))
    worked(browser)

    preview = rows(browser)
    assert preview["new.txt"][0] == "新增"
    assert preview["changed.txt"][0] == "更新"
    assert (
        "联系人：焦作市工业和信息化局 李端阳 3569133 → 焦作市工业和信息化局 李端阳 3569999"
        in (preview["changed.txt"][1])
    )
    assert preview["same.txt"][0] == "无变化"
    assert preview["empty.txt"][0] == "拒收" and "空" in preview["empty.txt"][1]
    assert preview["photo.png"][0] == "拒收" and "没有识别出文字" in preview["photo.png"][1]
    assert preview["setup.exe"][0] == "拒收" and "只接受" in preview["setup.exe"][1]
    assert "预览：尚未写入任何数据" in browser.page_source
    assert Reply.objects.count() == replies_before
    shoot(browser, "import-2-preview")

    click_and_wait(browser, browser.find_element(By.CSS_SELECTOR, "input[value=确认导入]"))
    worked(browser)
    assert "按预览的文件导入，结果见下表" in browser.page_source
    done = rows(browser)
    assert {name: status for name, (status, _) in done.items()} == {
        name: status for name, (status, _) in preview.items()
    }
    assert not browser.find_elements(By.CSS_SELECTOR, "input[value=确认导入]")
    assert ImportRun.objects.get().status == "confirmed"
    assert Reply.objects.count() == replies_before + 1
    assert Reply.objects.get(proposal__number=252).contacts.get().phone == "3569999"
    shoot(browser, "import-3-confirmed")
