"""Registers: the demo session's sample registers, and the time to import a large 立案名单.

    .venv/bin/python bench/registers.py --write-samples fixtures/registers   # the sample files
    .venv/bin/python bench/registers.py [--rows 5000] [--databases sqlite postgres]

The samples look like a municipal CPPCC year: 类别 and 界别 lists, a roster, the bureau
directory with the short names letters use, and a 立案名单 of 320 proposals (with a title
row above the header) naming lead and co-handling bureaus. The benchmark generates a roster
and a 立案名单 of --rows proposals the same way and times `import_register` on each into an
empty, migrated database (wall time of the command, Django's start included).
"""

import argparse
import os
import random
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

from openpyxl import Workbook

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.loader import fresh_database  # noqa: E402

REGION = "焦作市"
SECTORS = [
    "中国共产党",
    "中国国民党革命委员会",
    "中国民主同盟",
    "中国民主建国会",
    "中国民主促进会",
    "中国农工民主党",
    "中国致公党",
    "九三学社",
    "无党派人士",
    "共青团",
    "总工会",
    "妇联",
    "工商联",
    "科技界",
    "经济界",
    "农业界",
    "教育界",
    "文化艺术界",
    "医药卫生界",
    "体育界",
    "新闻出版界",
    "社会科学界",
    "社会福利和社会保障界",
    "特邀人士",
]
# Category → (the bureaus that usually lead, topics proposals raise).
CATEGORIES = {
    "经济发展": (
        ["工业和信息化局", "发展和改革委员会", "商务局"],
        [
            "中小企业融资服务",
            "营商环境建设",
            "数字经济发展",
            "县域经济发展",
            "招商引资工作",
            "专精特新企业培育",
            "民营经济发展",
        ],
    ),
    "城乡建设": (
        ["住房和城乡建设局", "自然资源和规划局", "城市管理局"],
        [
            "老旧小区改造",
            "城市停车设施建设",
            "城市更新",
            "背街小巷整治",
            "海绵城市建设",
            "物业服务管理",
        ],
    ),
    "农业农村": (
        ["农业农村局", "水利局"],
        [
            "高标准农田建设",
            "农村人居环境整治",
            "特色农业产业发展",
            "农村饮水安全",
            "乡村振兴人才队伍建设",
        ],
    ),
    "教育": (
        ["教育局"],
        [
            "学前教育资源供给",
            "职业教育产教融合",
            "中小学课后服务",
            "乡村教师队伍建设",
            "校园周边交通安全",
        ],
    ),
    "科技": (
        ["科学技术局"],
        ["科技创新平台建设", "科技成果转化", "企业研发投入激励", "高新技术企业培育"],
    ),
    "文化旅游": (
        ["文化广电和旅游局"],
        ["全域旅游发展", "非物质文化遗产保护", "公共文化服务体系建设", "太极文化传承"],
    ),
    "医疗卫生": (
        ["卫生健康委员会", "医疗保障局"],
        ["基层医疗服务能力", "医保异地结算", "中医药事业发展", "心理健康服务"],
    ),
    "社会保障": (
        ["人力资源和社会保障局", "民政局"],
        ["居家养老服务", "高校毕业生就业", "灵活就业人员社保", "困难群众救助"],
    ),
    "生态环境": (
        ["生态环境局"],
        ["大气污染防治", "南太行生态保护", "黄河流域生态保护", "农村生活污水治理"],
    ),
    "政法": (["公安局"], ["电信网络诈骗防范", "交通秩序管理", "矛盾纠纷多元化解"]),
}
VERBS = ["加快", "推进", "加强", "完善", "支持", "优化", "促进", "规范", "提升", "健全"]
OTHER_BUREAUS = [
    "财政局",
    "教育局",
    "公安局",
    "民政局",
    "水利局",
    "交通运输局",
    "市场监督管理局",
    "应急管理局",
]
SHORT = {
    "发展和改革委员会": "市发展改革委",
    "工业和信息化局": "市工信局",
    "住房和城乡建设局": "市住建局",
    "自然资源和规划局": "市自然资源规划局",
    "人力资源和社会保障局": "市人社局",
    "卫生健康委员会": "市卫健委",
    "文化广电和旅游局": "市文广旅局",
    "科学技术局": "市科技局",
    "市场监督管理局": "市市场监管局",
}
SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕苏卢蒋蔡贾丁魏薛叶阎余潘杜戴夏钟汪田任姜范方石姚谭廖邹熊金陆郝孔白崔康毛邱秦江史顾侯邵孟龙万段雷钱汤尹黎易常武乔贺赖龚文"
GIVEN = "建国秀英伟芳静洋磊军勇艳杰娟涛明超霞平刚桂英华玉兰红梅丽敏强志鹏宇浩凯晨阳欣怡佳琪子涵雨轩思远海波东升素萍卫增康辉玮"
# Proposals the sample replies answer (fixtures/replies), with their proposers and bureaus.
LETTER_PROPOSALS = {
    120: (
        "关于支持在中心城区设立高端制造业开发园区的提案",
        "李秀萍",
        "经济发展",
        "市工信局",
        ["市商务局", "市发展改革委", "市自然资源规划局"],
    ),
    153: ("关于鼓励支持发展专精特新中小企业的提案", "李卫超", "经济发展", "市工信局", []),
    252: ("关于加强科技创新促进企业发展的提案", "张素平", "科技", "市工信局", []),
}


def names(count: int, rng: random.Random, keep: list[str]) -> list[str]:
    found = list(dict.fromkeys(keep))
    while len(found) < count:
        name = rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2))))
        if name not in found:
            found.append(name)
    return found


def bureaus() -> list[list[str]]:
    keys = {key for lead, _ in CATEGORIES.values() for key in lead} | set(OTHER_BUREAUS)
    keys |= {"人民政府办公室"}
    return [[REGION + key, SHORT.get(key, "市" + key), ""] for key in sorted(keys)]


def roster(count: int, rng: random.Random) -> list[list[str]]:
    keep = [p for _, p, *_ in LETTER_PROPOSALS.values()]
    return [
        [name, rng.choice(SECTORS), f"13{rng.randrange(10**8, 10**9)}"]
        for name in names(count, rng, keep)
    ]


def register(count: int, members: list[str], rng: random.Random, year: int) -> list[list]:
    """A 立案名单 of `count` proposals across categories, with the letters' own among them."""
    titles = [
        (f"关于{verb}{topic}的提案", category)
        for category, (_, topics) in CATEGORIES.items()
        for topic in topics
        for verb in VERBS
    ]
    rng.shuffle(titles)
    rows = []
    for number in range(1, count + 1):
        filed = date(year, 1, 8) + timedelta(days=rng.randrange(12))
        if number in LETTER_PROPOSALS:
            title, proposer, category, lead, co = LETTER_PROPOSALS[number]
            co_proposers = []
        else:
            title, category = titles[(number - 1) % len(titles)]
            if number > len(titles):
                title = title.replace("的提案", f"（{number}）的提案")
            proposer = rng.choice(members)
            co_proposers = rng.sample(members, rng.choice((0, 0, 1, 2, 3)))
            leads = CATEGORIES[category][0]
            key = rng.choice(leads)
            lead = SHORT.get(key, REGION + key) if rng.random() < 0.3 else REGION + key
            co = [REGION + b for b in rng.sample(OTHER_BUREAUS, rng.choice((0, 1, 1, 2)))]
        co_proposers = [m for m in co_proposers if m != proposer]
        rows.append(
            [
                f"第{number}号",
                title,
                proposer,
                "、".join(co_proposers),
                category,
                "是" if rng.random() < 0.06 else "否",
                filed,
                lead,
                "、".join(co),
            ]
        )
    return rows


PROPOSAL_HEADERS = [
    "案号",
    "案由",
    "提案人",
    "附议人",
    "类别",
    "是否重点",
    "立案日期",
    "主办单位",
    "协办单位",
]


def xlsx(path: Path, headers: list[str], rows: list[list], title: str | None = None) -> None:
    book = Workbook()
    sheet = book.active
    sheet.title = "名单"
    if title:
        sheet.append([title])
        sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(headers))
    sheet.append(headers)
    for row in rows:
        sheet.append(row)
    book.save(path)


def write_samples(folder: Path) -> None:
    rng = random.Random(0)
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "类别.csv").write_text("类别\n" + "\n".join(CATEGORIES) + "\n", encoding="utf-8-sig")
    (folder / "界别.csv").write_bytes(("界别\n" + "\n".join(SECTORS) + "\n").encode("gb18030"))
    members = roster(400, rng)
    xlsx(
        folder / "委员名册.xlsx",
        ["姓名", "界别", "联系电话"],
        members,
        "政协焦作市第十四届委员会委员名册",
    )
    xlsx(folder / "承办单位名录.xlsx", ["单位全称", "简称", "上级单位"], bureaus())
    rows = register(320, [m[0] for m in members], rng, 2026)
    xlsx(
        folder / "立案名单.xlsx",
        PROPOSAL_HEADERS,
        rows,
        "政协焦作市第十四届委员会第五次会议提案立案名单",
    )


def benchmark(rows: int, database: str) -> dict:
    rng = random.Random(1)
    with tempfile.TemporaryDirectory() as folder:
        members = roster(max(400, rows // 3), rng)
        xlsx(Path(folder, "roster.xlsx"), ["姓名", "界别", "联系电话"], members)
        xlsx(Path(folder, "bureaus.xlsx"), ["单位全称", "简称", "上级单位"], bureaus())
        xlsx(
            Path(folder, "register.xlsx"),
            PROPOSAL_HEADERS,
            register(rows, [m[0] for m in members], rng, 2026),
        )
        url = fresh_database(database, "bench_registers")
        env = dict(os.environ, DATABASE_URL=url, DEBUG="false", SECRET_KEY="bench-" + "x" * 40)
        figures = {}
        register_args = ["proposals", "register.xlsx", "--term", "14", "--meeting", "5"]
        register_args += ["--assign-on", "2026-01-20"]
        steps = [
            ("roster", ["members", "roster.xlsx"], len(members)),
            ("bureaus", ["bureaus", "bureaus.xlsx"], len(bureaus())),
            ("立案名单 + assignment", register_args, rows),
            ("the same again (no-op)", register_args, rows),
        ]
        for name, args, count in steps:
            started = time.perf_counter()
            subprocess.run(
                [
                    sys.executable,
                    "manage.py",
                    "import_register",
                    args[0],
                    str(Path(folder, args[1])),
                    *args[2:],
                    "--body",
                    "cppcc",
                    "--region",
                    REGION,
                ],
                cwd=ROOT,
                env=env,
                check=True,
                capture_output=True,
            )
            figures[name] = (count, time.perf_counter() - started)
        return figures


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument(
        "--write-samples", type=Path, help="write the sample registers to this folder"
    )
    parser.add_argument("--rows", type=int, default=5000)
    parser.add_argument("--databases", nargs="+", default=["sqlite"])
    args = parser.parse_args()
    if args.write_samples:
        write_samples(args.write_samples)
        return
    print("| database | step | rows | seconds | rows/s |")
    print("|---|---|---:|---:|---:|")
    for database in args.databases:
        for step, (count, seconds) in benchmark(args.rows, database).items():
            print(f"| {database} | {step} | {count:,} | {seconds:.2f} | {count / seconds:,.0f} |")


if __name__ == "__main__":
    main()
