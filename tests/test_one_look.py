"""The site and the workbench are one product: one stylesheet, one header colour, a skip link,
and the workbench's wording reviewed where Django's stock Chinese reads as machine text."""

from django.urls import reverse

STYLESHEET = "proposals/tracker.css"


def test_the_site_and_the_workbench_load_the_same_stylesheet(clerk, make_proposal):
    for url in (reverse("home"), reverse("proposal-list"), reverse("admin:index")):
        assert STYLESHEET in clerk.get(url).content.decode(), url


def test_every_site_page_offers_a_skip_link_to_its_main_content(client, db):
    page = client.get(reverse("proposal-list")).content.decode()
    assert '<a class="skip-link" href="#main">跳到正文</a>' in page
    assert '<main id="main"' in page


def test_the_workbench_has_no_dark_theme_switch_of_its_own(clerk, db):
    page = clerk.get(reverse("admin:index")).content.decode()
    assert "dark_mode.css" not in page


def test_the_workbench_speaks_plain_chinese_not_djangos_stock_phrases(clerk, make_proposal):
    make_proposal()
    page = clerk.get(reverse("admin:proposals_proposal_changelist")).content.decode()
    assert "新增提案/建议" in page and "筛选" in page and "批量操作：" in page
    for stock in ("增加 提案/建议", "过滤器", "显示计数", "欢迎，", "查看站点", "条结果。"):
        assert stock not in page, stock
    change = clerk.get(reverse("admin:proposals_proposal_add")).content.decode()
    assert "新增提案/建议" in change and "保存并新增下一件" in change


def test_the_workbench_lists_its_tables_in_the_order_of_a_clerks_work(clerk, db):
    models = clerk.get(reverse("admin:index")).context["app_list"][0]["models"]
    names = [model["name"] for model in models]
    assert names[:5] == ["提案/建议", "交办", "答复", "答复函导入", "待补全来函"]
