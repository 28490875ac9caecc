"""axe-core (npm, pinned in package.json) on every page each kind of reader opens, on a desktop
and a phone-sized window: no serious or critical violation."""

import pytest

from proposals.models import Bureau, HeldLetter, Member, Proposal
from proposals.roles import Role, login_ensure
from tests.browser.conftest import AXE, serious_violations, sign_in

pytestmark = pytest.mark.skipif(not AXE.exists(), reason="axe-core not installed (npm ci)")


def check(driver, live_server, paths: list[str]) -> dict:
    problems = {}
    for path in paths:
        driver.get(live_server.url + path)
        found = serious_violations(driver)
        if found:
            problems[path] = found
    return problems


def public_pages() -> list[str]:
    proposal = Proposal.objects.filter(has_published_reply=True).first()
    bureau, member = Bureau.objects.first(), Member.objects.first()
    pages = ["/", "/proposals/", "/proposals/?is_key=yes", "/bureaus/", "/members/", "/nowhere/"]
    pages += [f"/bureaus/{bureau.pk}/", f"/members/{member.pk}/"]
    return pages + ([f"/proposals/{proposal.pk}/"] if proposal else [])


def clerk_pages() -> list[str]:
    proposal = Proposal.objects.filter(replies__isnull=False).first()
    bureau = Bureau.objects.first()
    HeldLetter.objects.get_or_create(
        source_sha256="0" * 64,
        defaults={"source_name": "无编号.txt", "text": "……", "reason": "待补全"},
    )
    admin = "/admin/proposals"
    return [
        "/",
        "/proposals/?overdue=yes&order=due",
        f"/proposals/{proposal.pk}/",
        "/chase/",
        f"/chase/notice/{bureau.pk}/",
        "/statistics/",
        "/admin/",
        f"{admin}/proposal/",
        f"{admin}/proposal/{proposal.pk}/change/",
        f"{admin}/proposal/{proposal.pk}/history/",
        f"{admin}/reply/",
        f"{admin}/assignment/",
        f"{admin}/extensionrequest/",
        f"{admin}/returnrequest/",
        f"{admin}/feedback/",
        f"{admin}/bureau/",
        f"{admin}/member/",
        f"{admin}/heldletter/",
        f"{admin}/heldletter/{HeldLetter.objects.first().pk}/change/",
        f"{admin}/importrun/add/",
        f"{admin}/registerimport/add/",
        f"{admin}/registerimport/export/",
    ]


@pytest.mark.parametrize("size", [(1280, 900), (390, 844)], ids=["desktop", "phone"])
def test_no_page_has_a_serious_accessibility_violation(browser, live_server, demo, size):
    browser.set_window_size(*size)
    problems = check(browser, live_server, public_pages())
    sign_in(browser, live_server, "/")
    problems |= check(browser, live_server, clerk_pages())
    bureau = Bureau.objects.get(name="焦作市工业和信息化局")
    login_ensure(username="gongxin", password="demo-pass-123", role=Role.BUREAU, bureau=bureau)
    browser.delete_all_cookies()
    sign_in(browser, live_server, "/", username="gongxin")
    problems |= {
        f"officer {path}": found
        for path, found in check(
            browser,
            live_server,
            ["/", "/admin/proposals/reply/add/", "/admin/proposals/extensionrequest/add/"],
        ).items()
    }
    assert problems == {}
