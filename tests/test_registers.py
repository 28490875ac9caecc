"""Registers from the spreadsheets clerks keep: headers as they write them, refusals with their
row numbers, idempotent re-imports, the round trip, and assignment from the 立案名单."""

import io
from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone
from openpyxl import Workbook

from proposals.access import SYSTEM
from proposals.exports import register_rows
from proposals.importing import LetterImporter
from proposals.models import Assignment, Bureau, Category, Member, Proposal, RegisterMapping
from proposals.services import proposal_save, return_decide, return_request_create
from proposals.services.registers import (
    Target,
    mapping_remember,
    register_apply,
    register_plan,
    register_preview,
)
from tests.test_importing import SEEDS


def xlsx(rows: list[list], merges: tuple[str, ...] = (), title: str = "Sheet1") -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = title
    for row in rows:
        sheet.append(row)
    for cells in merges:
        sheet.merge_cells(cells)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def run(data: bytes, kind: str, target: Target, name: str = "名单.xlsx", **kwargs):
    plans = register_plan(data=data, file_name=name, kind=kind, **kwargs)
    return register_apply(plans=plans, target=target, actor=SYSTEM)


def statuses(outcomes) -> list[str]:
    return [outcome.status for outcome in outcomes]


@pytest.fixture
def target(session) -> Target:
    return Target("proposals", "cppcc", "焦作市", session)


@pytest.mark.parametrize(
    "headers",
    [
        ["案号", "案由", "提案人", "附议人", "界别", "类别", "是否重点", "立案日期"],
        ["编号", "标题", "领衔人", "联名人", "界别", "分类", "重点提案", "提交日期"],
        ["提案号", "提案名称", "第一提案人", "附议人", "所在界别", "提案类别", "重点", "立案时间"],
        ["提案编号*", "题目（必填）", "提出人", "联名委员", "界别", "类型", "是否重点提案", "日期"],
    ],
    ids=["usual", "variant", "long names", "notes and stars"],
)
def test_a_register_is_read_under_each_way_clerks_name_its_columns(headers, target):
    data = xlsx(
        [
            headers,
            [
                "第12号",
                "关于加快老旧小区改造的提案",
                "张三",
                "李四、王五",
                "经济界",
                "城建",
                "是",
                "2026-01-15",
            ],
        ]
    )
    assert statuses(run(data, "proposals", target)) == ["imported"]
    proposal = Proposal.objects.get(number=12)
    assert (proposal.title, proposal.category, proposal.is_key, proposal.filed_on) == (
        "关于加快老旧小区改造的提案",
        "城建",
        True,
        date(2026, 1, 15),
    )
    assert [link.member.name for link in proposal.proposer_links.all()] == ["张三", "李四", "王五"]
    assert Member.objects.get(name="张三").sector == "经济界"


def test_a_title_row_merged_headers_blank_and_subtotal_rows(target):
    data = xlsx(
        [
            ["焦作市政协十四届五次会议提案立案名单", "", "", ""],
            ["", "", "", ""],
            ["案号", "案由", "提案人", "提案人"],
            ["", "", "领衔人", "附议人"],
            [1, "关于一的提案", "张三", "李四"],
            ["", "", "", ""],
            [2, "关于二的提案", "王五", ""],
            ["合计", "2件", "", ""],
        ],
        merges=("A1:D1", "C3:D3"),
    )
    outcomes = run(data, "proposals", target)
    assert statuses(outcomes) == ["imported", "imported", "skipped"]
    assert outcomes[-1].number == 8
    first = Proposal.objects.get(number=1)
    assert [link.member.name for link in first.proposer_links.all()] == ["张三", "李四"]


@pytest.mark.parametrize("encoding", ["utf-8-sig", "utf-8", "gb18030"])
def test_a_csv_register_in_each_encoding_clerks_save(encoding, target):
    text = "案号,案由,提案人\n7,关于加强科技创新的提案,张素平\n"
    assert statuses(run(text.encode(encoding), "proposals", target, name="名单.csv")) == [
        "imported"
    ]
    assert Proposal.objects.get(number=7).title == "关于加强科技创新的提案"


def test_each_refused_row_names_its_sheet_row_and_reason_and_good_rows_go_on(session, bureau):
    Member.objects.create(body="cppcc", region="焦作市", name="张三")
    Member.objects.create(body="cppcc", region="焦作市", name="李四")
    data = xlsx(
        [
            ["案号", "案由", "提案人", "立案日期", "主办单位"],
            [1, "关于一的提案", "张三", "2026-01-15", "焦作市工业和信息化局"],
            [1, "关于重复的提案", "张三", "", "焦作市工业和信息化局"],
            [2, "关于二的提案", "张山", "", "焦作市工业和信息化局"],
            [3, "关于三的提案", "李四", "2026-13-45", "焦作市工业和信息化局"],
            [4, "关于四的提案", "李四", "", "焦作市工业和信息局"],
            [5, "关于五的提案", "李四", "", "市工信局"],
        ],
        title="立案",
    )
    target = Target("proposals", "cppcc", "焦作市", session, assigned_on=date(2026, 1, 20))
    outcomes = run(data, "proposals", target)
    assert statuses(outcomes) == [
        "imported",
        "refused",
        "refused",
        "refused",
        "refused",
        "imported",
    ]
    reasons = {outcome.number: outcome.reason for outcome in outcomes if outcome.reason}
    assert reasons[3] == "编号 1 与第 2 行重复"
    assert reasons[4] == "提出人“张山”不在名册中（最接近的：张三）"
    assert reasons[5].startswith("立案日期“2026-13-45”不是日期")
    assert reasons[6] == "承办单位“焦作市工业和信息局”不在名录中（最接近的：焦作市工业和信息化局）"
    assert all(outcome.sheet == "立案" for outcome in outcomes)
    assert set(Proposal.objects.values_list("number", flat=True)) == {1, 5}


def test_reimporting_the_same_sheet_changes_nothing_and_a_changed_row_is_listed(target):
    rows = [["案号", "案由", "类别"], [1, "关于一的提案", "城建"], [2, "关于二的提案", "教育"]]
    run(xlsx(rows), "proposals", target)
    assert statuses(run(xlsx(rows), "proposals", target)) == ["unchanged", "unchanged"]
    rows[2][2] = "科技"
    outcomes = run(xlsx(rows), "proposals", target)
    assert statuses(outcomes) == ["unchanged", "updated"]
    assert outcomes[1].changes == {"类别": ["教育", "科技"]}


def test_a_clerks_correction_is_kept_and_reported(target):
    rows = [["案号", "案由", "类别"], [1, "关于一的提案", "城建"]]
    run(xlsx(rows), "proposals", target)
    proposal = Proposal.objects.get(number=1)
    proposal.title = "关于一的提案（更正）"
    proposal_save(proposal=proposal, actor=SYSTEM)
    rows[1][2] = "科技"
    outcome = run(xlsx(rows), "proposals", target)[0]
    proposal.refresh_from_db()
    assert (proposal.title, proposal.category) == ("关于一的提案（更正）", "科技")
    assert outcome.kept == {"案由": ["关于一的提案（更正）", "关于一的提案"]}


def test_a_proposal_created_by_a_reply_letter_is_completed_not_duplicated(session):
    LetterImporter(actor=SYSTEM).import_letter(
        name="252.txt", data=(SEEDS / "000_ee2ad97ee7362e9f.txt").read_bytes()
    )
    letter_proposal = Proposal.objects.get(number=252)
    data = xlsx(
        [
            ["案号", "案由", "类别", "立案日期"],
            [252, "关于加强科技创新促进企业发展的提案", "科技", "2026-01-10"],
        ]
    )
    outcome = run(
        data, "proposals", Target("proposals", "cppcc", "焦作市", letter_proposal.session)
    )[0]
    assert outcome.status == "updated"
    assert Proposal.objects.filter(number=252).count() == 1
    letter_proposal.refresh_from_db()
    assert (letter_proposal.category, letter_proposal.filed_on) == ("科技", date(2026, 1, 10))


def test_the_register_assigns_lead_and_co_handlers_with_the_assignment_date(session, bureau):
    Bureau.objects.create(region="焦作市", name="焦作市财政局")
    data = xlsx(
        [["案号", "案由", "主办单位", "协办单位"], [3, "关于三的提案", "市工信局", "市财政局"]]
    )
    target = Target("proposals", "cppcc", "焦作市", session, assigned_on=date(2026, 1, 20))
    run(data, "proposals", target)
    assignments = Assignment.objects.select_related("bureau")
    assert {a.bureau.name: (a.role, a.assigned_on) for a in assignments} == {
        "焦作市工业和信息化局": (Assignment.Role.LEAD, date(2026, 1, 20)),
        "焦作市财政局": (Assignment.Role.CO_HANDLER, date(2026, 1, 20)),
    }
    assert all(a.due_on for a in assignments)
    assert statuses(run(data, "proposals", target)) == ["unchanged"]


def test_a_register_reimported_after_its_lead_was_returned_and_reassigned_is_unchanged(
    session, bureau
):
    # The register records how the session was assigned; a return decided since is history
    # that a second import of the same sheet must neither undo nor be refused by.
    finance = Bureau.objects.create(region="焦作市", name="焦作市财政局")
    data = xlsx([["案号", "案由", "主办单位"], [3, "关于三的提案", "市工信局"]])
    assigned_on = timezone.localdate() - timedelta(days=3)
    target = Target("proposals", "cppcc", "焦作市", session, assigned_on=assigned_on)
    run(data, "proposals", target)
    lead = Assignment.objects.get()
    request = return_request_create(
        assignment=lead, reason="不属于本单位职责", actor=SYSTEM, today=timezone.localdate()
    )
    return_decide(
        request=request,
        approve=True,
        reassign_to=finance,
        actor=SYSTEM,
        today=timezone.localdate(),
    )
    assert statuses(run(data, "proposals", target)) == ["unchanged"]
    assert Proposal.objects.get().lead_bureau == finance


def export_bytes(kind: str, **where) -> bytes:
    headers, rows = register_rows(kind, **where)
    return xlsx([headers, *rows])


def test_an_unchanged_export_imports_as_a_no_op(session, bureau):
    Category.objects.create(body="cppcc", name="城建", position=1)
    members = xlsx(
        [["姓名", "界别", "联系电话"], ["张三", "经济界", "13900000000"], ["李四", "", ""]]
    )
    run(members, "members", Target("members", "cppcc", "焦作市"))
    bureaus = xlsx(
        [
            ["单位全称", "简称", "上级单位"],
            ["焦作市财政局", "市财政局", ""],
            ["焦作市国库中心", "", "焦作市财政局"],
        ]
    )
    run(bureaus, "bureaus", Target("bureaus", "cppcc", "焦作市"))
    register = xlsx(
        [
            ["案号", "案由", "提案人", "附议人", "类别", "是否重点", "立案日期"],
            [1, "-关于一的提案", "张三", "李四", "城建", "是", date(2026, 1, 5)],
        ]
    )
    run(register, "proposals", Target("proposals", "cppcc", "焦作市", session))
    for kind, where in [
        ("proposals", {"body": "cppcc", "session": session}),
        ("members", {"body": "cppcc", "region": "焦作市"}),
        ("bureaus", {"body": "cppcc", "region": "焦作市"}),
        ("categories", {"body": "cppcc"}),
    ]:
        target = Target(kind, "cppcc", "焦作市", session)
        outcomes = run(export_bytes(kind, **where), kind, target)
        assert outcomes and set(statuses(outcomes)) == {"unchanged"}, (kind, outcomes)
    assert Bureau.objects.get(name="焦作市国库中心").parent.name == "焦作市财政局"


def test_a_corrected_column_mapping_is_remembered_for_the_same_headers(target):
    data = xlsx([["序", "提案内容摘要", "提案人"], [1, "关于一的提案", "张三"]])
    plan = register_plan(data=data, file_name="名单.xlsx", kind="proposals")[0]
    assert "案号" in plan.problem and not plan.rows
    corrected = register_plan(
        data=data,
        file_name="名单.xlsx",
        kind="proposals",
        mappings={"Sheet1": {0: "number", 1: "title", 2: "proposer"}},
    )
    mapping_remember("proposals", corrected[0])
    again = register_plan(data=data, file_name="名单.xlsx", kind="proposals")[0]
    assert again.mapping == {0: "number", 1: "title", 2: "proposer"} and len(again.rows) == 1
    assert RegisterMapping.objects.count() == 1


def test_a_preview_writes_nothing(target):
    data = xlsx([["案号", "案由"], [1, "关于一的提案"]])
    plans = register_plan(data=data, file_name="名单.xlsx", kind="proposals")
    assert statuses(register_preview(plans=plans, target=target, actor=SYSTEM)) == ["imported"]
    assert not Proposal.objects.exists()


def test_a_file_that_is_not_a_spreadsheet_is_refused_with_a_reason():
    with pytest.raises(ValidationError, match="xls"):
        register_plan(data=b"\xd0\xcf\x11\xe0" + bytes(100), file_name="名单.xls", kind="proposals")


def test_the_workbench_exports_a_register_that_imports_unchanged(clerk, session):
    from django.urls import reverse
    from openpyxl import load_workbook

    run(
        xlsx([["案号", "案由", "提案人"], [1, "关于一的提案", "张三"]]),
        "proposals",
        Target("proposals", "cppcc", "焦作市", session),
    )
    response = clerk.get(
        reverse("admin:proposals_registerimport_export"),
        {"kind": "proposals", "session": session.pk, "body": "cppcc"},
    )
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    rows = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    assert rows[0][:3] == ("案号", "案由", "提案人") and rows[1][:3] == (1, "关于一的提案", "张三")
    target = Target("proposals", "cppcc", "焦作市", session)
    assert statuses(run(response.content, "proposals", target)) == ["unchanged"]


def test_only_clerks_import_registers(officer):
    from django.urls import reverse

    assert officer.get(reverse("admin:proposals_registerimport_add")).status_code == 403


@pytest.mark.parametrize(
    "headers",
    [
        ["姓名", "界别", "代表团", "地区", "联系电话"],
        ["委员姓名", "所在界别", "所属代表团", "所属地区", "手机"],
    ],
    ids=["usual", "variant"],
)
def test_a_roster_is_read_under_each_way_clerks_name_its_columns(headers, db):
    data = xlsx([headers, ["张三", "经济界", "", "修武县", "13900001111"]])
    assert statuses(run(data, "members", Target("members", "cppcc", "焦作市"))) == ["imported"]
    member = Member.objects.get(name="张三")
    assert (member.region, member.sector, member.phone) == ("修武县", "经济界", "13900001111")


@pytest.mark.parametrize(
    "headers",
    [["单位全称", "地区", "简称", "上级单位"], ["单位名称", "所属地区", "简称/别名", "主管部门"]],
    ids=["usual", "variant"],
)
def test_a_bureau_directory_is_read_under_each_way_clerks_name_its_columns(headers, db):
    data = xlsx(
        [
            headers,
            ["焦作市教育局直属学校", "焦作市", "", "焦作市教育局"],
            ["焦作市教育局", "焦作市", "市教育局、教育局", ""],
        ]
    )
    outcomes = run(data, "bureaus", Target("bureaus", "cppcc", "焦作市"))
    assert statuses(outcomes) == ["imported", "imported"]
    school = Bureau.objects.get(name="焦作市教育局直属学校")
    assert school.parent.name == "焦作市教育局" and not school.needs_review
    assert set(school.parent.aliases.values_list("name", flat=True)) >= {"市教育局", "教育局"}


def test_a_bureau_created_from_a_letters_short_name_gets_its_full_name(db):
    from proposals.services.bureaus import BureauDirectory

    BureauDirectory().resolve(region="焦作市", name="市财政局")
    data = xlsx([["单位全称", "简称"], ["焦作市财政局", "市财政局"]])
    outcome = run(data, "bureaus", Target("bureaus", "cppcc", "焦作市"))[0]
    assert outcome.status == "updated" and outcome.changes["名称"] == ["市财政局", "焦作市财政局"]
    bureau = Bureau.objects.get()
    assert (bureau.name, bureau.needs_review) == ("焦作市财政局", False)


def test_sector_and_category_lists_keep_their_order_and_round_trip(db):
    from proposals.models import Sector

    data = "界别\n经济界\n教育界\n".encode("gb18030")
    run(data, "sectors", Target("sectors", "cppcc"), name="界别.csv")
    assert list(Sector.objects.values_list("name", "position")) == [("经济界", 1), ("教育界", 2)]
    outcomes = run(export_bytes("sectors", body="cppcc"), "sectors", Target("sectors", "cppcc"))
    assert statuses(outcomes) == ["unchanged", "unchanged"]
