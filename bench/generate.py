"""Deterministic synthetic reply letters in the layouts real letters use.

    python bench/generate.py OUT_DIR N [--seed S]

The same N and seed always give the same files. Layouts: a bureau's formal document
(header, 文号, 签发人, grade), a plain letter with co-handlers and per-bureau contacts, a web
page copy with clutter, a markdown conversion with page numbers, and NPC suggestions; some
files are GB18030. Bodies are 2–9 KB of Chinese assembled from a phrase pool.
"""

import argparse
import random
from pathlib import Path

import cn2an

REGIONS = ["焦作市", "三门峡市", "洛阳市", "新乡市", "安阳市", "修武县", "博爱县", "金水区"]
BUREAUS = [
    ("工业和信息化局", "工信局"),
    ("教育局", "教育局"),
    ("财政局", "财政局"),
    ("科学技术局", "科技局"),
    ("商务局", "商务局"),
    ("住房和城乡建设局", "住建局"),
    ("交通运输局", "交通局"),
    ("农业农村局", "农业农村局"),
    ("生态环境局", "环境局"),
    ("卫生健康委员会", "卫健委"),
]
SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕"
GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英华建国红梅玉兰志强海燕"
TOPICS = [
    "加强科技创新促进企业发展",
    "鼓励支持发展专精特新中小企业",
    "改善农村学校办学条件",
    "推进老旧小区改造",
    "优化城市公交线路",
    "加快5G基站建设",
    "推动规上工业企业研发活动全覆盖",
    "加强南水北调配套工程管理",
    "发展特色种植产业",
    "提升基层医疗服务能力",
]
PHRASES = [
    "我局高度重视，专门召开会议研究部署，明确责任科室和办理时限",
    "近年来，在市委、市政府的正确领导下，全市上下坚持稳中求进工作总基调",
    "持续加大政策支持力度，累计安排专项资金",
    "截至目前，已累计培育省级以上创新平台",
    "下一步，我们将继续深化改革，强化服务保障，推动各项措施落地见效",
    "进一步完善工作机制，加强部门协作，形成工作合力",
    "围绕重点产业链，强化要素保障，优化营商环境",
    "积极争取上级资金支持，切实减轻企业负担",
    "组织开展专题调研，深入企业了解实际困难和问题",
    "建立健全长效机制，确保工作取得实效",
]


def person(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.randint(1, 2)))


def paragraph(rng: random.Random) -> str:
    parts = [rng.choice(PHRASES) for _ in range(rng.randint(3, 7))]
    return "，".join(parts) + f"，完成投资{rng.randint(2, 900)}亿元。"


def body(rng: random.Random) -> list[str]:
    lines = []
    for section in range(1, rng.randint(3, 6)):
        lines.append(f"{cn2an.an2cn(section)}、{rng.choice(PHRASES)[:12]}")
        lines.extend(paragraph(rng) for _ in range(rng.randint(2, 6)))
    return lines


# Like real life: each region has a few sessions, each with hundreds of proposals.
SESSIONS = [
    (region, npc, term, meeting)
    for region in REGIONS
    for npc in (False, True)
    for term, meeting in ((14, 5), (15, 1))
]


def letter(rng: random.Random, numbers: dict, members: dict) -> tuple[str, str]:
    """One letter's text and the encoding to write it in."""
    region, npc, term, meeting = rng.choice(SESSIONS)
    level = region[-1]
    full, short = rng.choice(BUREAUS)
    issuer = region + full
    others = rng.sample([b for b in BUREAUS if b[0] != full], rng.randint(0, 3))
    term_cn, meeting_cn = cn2an.an2cn(term), cn2an.an2cn(meeting)
    session = (
        f"{level}{term_cn}届人大{meeting_cn}次会议"
        if npc
        else f"{level}政协{term_cn}届{meeting_cn}次会议"
    )
    kind, address = ("建议", "代表") if npc else ("提案", "委员")
    key = (region, npc, term, meeting)
    numbers[key] = number = numbers.get(key, 0) + 1
    # About 400 members per body and region, each filing a few proposals.
    pool = members.setdefault((region, npc), [person(rng) for _ in range(400)])
    names = list(dict.fromkeys(rng.choice(pool) for _ in range(rng.choice([1, 1, 1, 2, 3]))))
    more = len(names) > 1 and rng.random() < 0.5
    year = rng.randint(2018, 2025)
    month, day = rng.randint(1, 12), rng.randint(1, 28)
    when = f"{year}年{month}月{day}日"
    grade = rng.choice(["A", "B", "C", "A类", "B类", "甲类", None])
    co = "、".join(f"{level}{s}" for _, s in others)
    opening = (
        f"您提出的“关于{rng.choice(TOPICS)}”的{kind}收悉，"
        + (f"经与{co}等单位共同研究，" if others else "")
        + "现答复如下："
    )
    salutation = "、".join(names) + ("等" if more else "") + f"{address}："
    contact_name, phone = person(rng), str(rng.randint(2000000, 8999999))
    cc = f"抄送：{level}政协提案委（1份），{level}政府督查室（1份）。"
    layout = rng.randrange(5)
    lines: list[str]
    if layout == 0:  # formal document, as the Jiaozuo seeds
        lines = [
            f"# {issuer}文件",
            f"焦工信〔{year}〕{rng.randint(1, 200)}号",
            f"签发人：{person(rng)}",
            *([f"办理结果：{grade}"] if grade else []),
            f"## {issuer} 对{session}第{number}号{kind}的答复",
            salutation,
            opening,
            *body(rng),
            when,
            f"联系单位：{issuer}",
            f"联系电话：{phone}",
            f"联系人：{contact_name}",
            "---",
            cc,
            f"{issuer}办公室",
            f"{when}印发",
        ]
    elif layout == 1:  # plain letter, title split, per-bureau contacts, as the Sanmenxia seed
        lines = [
            f" {issuer}",
            f"关于对{session}第{number}号{kind}的",
            "答  复",
            salutation,
            "　　" + opening,
            *body(rng),
            f"　　　　　　{when}",
            f"联系部门及电话：{level}{short}   {phone}　　联系人：{contact_name}",
            *(
                f"联系部门及电话：{level}{s}   {rng.randint(2000000, 8999999)}　　联系人：{person(rng)}"
                for _, s in others
            ),
            cc,
            f"{issuer}办公室            {when}印发",
        ]
    elif layout == 2:  # web page copy
        lines = [
            "首页 > 政务公开 > 建议提案办理",
            f"| 索引号 | 1141{rng.randint(100000, 999999)}/{year}-{number:05d} | 发布机构 | {issuer} |",
            f"{issuer}关于{session}第{number}号{kind}的答复",
            f"发布时间:{year}-{month:02d}-{day:02d} 浏览次数: {rng.randint(10, 999)}",
            f"{issuer}关于{session}第{number}号{kind}的答复" + (f"({grade[0]})" if grade else ""),
            "尊敬的" + salutation,
            opening,
            *body(rng),
            issuer,
            when,
            f"联系人:{contact_name};联系电话:0391-{phone}",
            "上一篇:" + f"{issuer}关于{session}第{number + 1}号{kind}的答复",
            "【打印】【关闭】",
        ]
    elif layout == 3:  # markdown conversion with page numbers and a broken paragraph
        text_body = body(rng)
        cut = len(text_body) // 2
        lines = [
            f"# **{issuer}**",
            f"## 关于{session}第{number}号{kind}的答复",
            *([f"**办理结果：** {grade}"] if grade else []),
            salutation,
            opening,
            *text_body[:cut],
            "- 2 -",
            *text_body[cut:],
            issuer,
            when,
            f"联系人：{contact_name} 联系电话：{phone}",
        ]
    else:  # grade and signer at the end, cc with 、
        lines = [
            issuer,
            f"关于{session}第{number}号{kind}办理情况的答复",
            salutation,
            opening,
            *body(rng),
            "以上答复您是否满意，请填写反馈意见表。",
            issuer,
            when,
            f"领导签发：{person(rng)}",
            *([f"答复类别：{grade}"] if grade else []),
            f"联系单位及联系人：办公室，{contact_name}；联系电话：{phone}",
            f"抄送：{level}政协提案委、{level}政府督查室",
        ]
    encoding = "gb18030" if rng.random() < 0.2 else "utf-8"
    return "\n\n".join(lines) + "\n", encoding


def write_letters(directory: Path, count: int, seed: int = 0) -> list[Path]:
    """Write `count` letters into `directory` (created); the same arguments give the same files."""
    directory.mkdir(parents=True, exist_ok=True)
    rng = random.Random(seed)
    numbers: dict = {}
    members: dict = {}
    paths = []
    for index in range(count):
        text, encoding = letter(rng, numbers, members)
        path = directory / f"{index:06d}.{'md' if index % 7 == 3 else 'txt'}"
        path.write_bytes(text.encode(encoding))
        paths.append(path)
    return paths


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("directory", type=Path)
    parser.add_argument("count", type=int)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    paths = write_letters(args.directory, args.count, args.seed)
    print(f"wrote {len(paths)} letters to {args.directory}")


if __name__ == "__main__":
    main()
