"""The columns of each register and the names clerks give them."""

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class Column:
    field: str
    label: str
    # Header texts clerks write for this column, compared after normalise().
    names: tuple[str, ...]
    required: bool = False


# Per register, in the order an export writes them; the first name is the export's header.
COLUMNS: dict[str, tuple[Column, ...]] = {
    "proposals": (
        Column(
            "number",
            "案号",
            (
                "案号",
                "编号",
                "提案号",
                "建议号",
                "提案编号",
                "建议编号",
                "案件编号",
                "提案案号",
                "建议案号",
            ),
            True,
        ),
        Column(
            "title",
            "案由",
            (
                "案由",
                "标题",
                "提案名称",
                "建议名称",
                "题目",
                "提案题目",
                "建议题目",
                "提案标题",
                "建议标题",
                "名称",
            ),
            True,
        ),
        Column(
            "proposer",
            "提案人",
            (
                "提案人",
                "领衔人",
                "第一提案人",
                "领衔代表",
                "领衔委员",
                "提出人",
                "提案者",
                "建议人",
                "第一领衔人",
            ),
        ),
        Column(
            "co_proposers",
            "附议人",
            (
                "附议人",
                "联名人",
                "联名代表",
                "附议代表",
                "联名委员",
                "附议委员",
                "其他提案人",
                "联名提案人",
            ),
        ),
        Column(
            "sector",
            "界别",
            ("界别", "代表团", "界别/代表团", "所在界别", "所属界别", "界别或代表团"),
        ),
        Column("category", "类别", ("类别", "分类", "提案类别", "建议类别", "类型", "所属类别")),
        Column(
            "is_key",
            "是否重点",
            ("是否重点", "重点提案", "重点建议", "重点", "是否重点提案", "是否重点建议"),
        ),
        Column(
            "filed_on",
            "立案日期",
            ("立案日期", "提交日期", "提交时间", "立案时间", "提出日期", "日期"),
        ),
        Column(
            "lead_bureau",
            "主办单位",
            ("主办单位", "承办单位", "主办", "主办部门", "承办部门", "主办单位（部门）"),
        ),
        Column(
            "co_bureaus",
            "协办单位",
            ("协办单位", "会办单位", "协办", "会办", "协办部门", "会办部门"),
        ),
    ),
    "members": (
        Column("name", "姓名", ("姓名", "委员姓名", "代表姓名", "名字", "委员", "代表"), True),
        Column("sector", "界别", ("界别", "所在界别", "所属界别")),
        Column("delegation", "代表团", ("代表团", "所在代表团", "所属代表团")),
        Column("region", "地区", ("地区", "所属地区", "所在地区")),
        Column("phone", "联系电话", ("联系电话", "电话", "手机", "联系方式", "手机号码")),
    ),
    "bureaus": (
        Column(
            "name", "单位全称", ("单位全称", "全称", "单位名称", "承办单位", "名称", "单位"), True
        ),
        Column("region", "地区", ("地区", "所属地区", "行政区划")),
        Column("aliases", "简称", ("简称", "别名", "简称/别名", "其他名称", "简称及别名")),
        Column("parent", "上级单位", ("上级单位", "主管部门", "上级主管部门", "上级")),
    ),
    "categories": (Column("name", "类别", ("类别", "类别名称", "分类", "名称"), True),),
    "sectors": (Column("name", "界别", ("界别", "界别名称", "代表团", "名称"), True),),
}

_NOISE = re.compile(r"[\s\u3000*＊:：]|[(（](?:必填|选填|可选|多个用.{0,6}分隔)[)）]")


def normalise(header: str) -> str:
    """A header as compared: no blanks, stars, colons or 必填 notes."""
    return _NOISE.sub("", header)


def recognised(kind: str, header: str) -> str | None:
    """The field a column header names in a `kind` register, or None."""
    text = normalise(header)
    for column in COLUMNS[kind]:
        if text in column.names:
            return column.field
    return None


def labels(kind: str) -> dict[str, str]:
    return {column.field: column.label for column in COLUMNS[kind]}


def automatic(kind: str, headers: list[str]) -> dict[int, str]:
    """Column index → field for the headers recognised, each field taken once (leftmost)."""
    mapping: dict[int, str] = {}
    for index, header in enumerate(headers):
        field = recognised(kind, header)
        if field and field not in mapping.values():
            mapping[index] = field
    return mapping
