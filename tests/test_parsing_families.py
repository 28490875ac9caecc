"""One small letter for each family of real-letter variations the issue names (issue 10).

Families already covered elsewhere are not repeated here: see tests/letters.py and
tests/test_parsing_fields.py. Each entry below: (family, letter text, expected fields); only
the fields named are checked.
"""

from datetime import date

import pytest

from proposals.parsing import ParsedReply, Rejection, parse_text
from tests.test_parsing_variations import comparable

# --- The layout stage -------------------------------------------------------------------

TABLE_SEPARATORS = """\
---
| 洛阳市教育局关于市政协十四届二次会议第45号提案的答复 |
===
| 王某某委员： |
| 您提出的《关于加强校园安全管理的提案》收悉。现答复如下： |
｜
| 一、基本情况。我局高度重视校园安全工作，今年已为全市中小学配备专职保安。 |
| 感谢您对教育工作的关心和支持。 |
| 洛阳市教育局 |
| 2023年6月20日 |
---
"""

BREADCRUMBS_AND_WIDGETS = """\
首页 > 政务公开 > 建议提案办理 > 政协提案
【字体：大 中 小】【打印本页】【关闭窗口】
分享到：
洛阳市交通运输局关于市政协十四届二次会议第46号提案的答复
发布时间：2023-06-26  浏览次数：356
字号：大 中 小
李某委员：
    您提出的《关于优化城区公交线路的提案》收悉。现答复如下：
    一、线路优化情况。今年我局新开通公交线路3条。
    感谢您对交通工作的关心。
洛阳市交通运输局
2023年6月21日
联系人：赵某  联系电话：0379-63201234
【打印本页】【关闭窗口】
扫一扫在手机打开当前页
用手机扫描二维码  手机版
主办：洛阳市人民政府办公室  电话：0379-63900000
网站标识码：4103000001  豫ICP备05006212号
"""

BULLET_METADATA = """\
• 索引号：11410300MB1234567X/2023-00012 • 发布机构：洛阳市财政局 • 成文日期：2023-06-18
• 公开方式 • 主动公开
关于市十六届人大二次会议第18号建议的答复
陈某代表：
    您提出的《关于加大农业产业化资金支持的建议》收悉。现答复如下：
    一、资金安排情况。今年市级财政安排农业产业化资金1.2亿元。
    感谢您对财政工作的关心。
2023年6月18日
"""

ONE_LINE = (
    "洛阳市住房和城乡建设局关于市政协十四届二次会议第47号提案的答复\n"
    "王某某委员：您提出的《关于加快老旧小区改造的提案》收悉。现答复如下：我局高度重视，"
    "会同各区政府逐小区制定改造方案，今年已改造老旧小区30个，惠及居民1.2万户，"
    "明年计划再改造老旧小区40个，并同步完善小区停车、充电和养老设施。"
    "二、下步打算。我局将继续争取中央和省级补助资金，加快项目审批，确保按期完工。"
    "感谢您对我们工作的关心。 洛阳市住房和城乡建设局 2023年6月20日\n"
)

ONE_LINE_IN_A_CELL = (
    "| 标题 | 关于市政协十四届二次会议第47号提案的答复 |\n"
    "| 答复内容 | 王某某委员：您提出的《关于加快老旧小区改造的提案》收悉。现答复如下："
    "我局高度重视，会同各区政府逐小区制定改造方案，今年已改造老旧小区30个，惠及居民1.2万户，"
    "明年计划再改造老旧小区40个，并同步完善小区停车、充电和养老设施。"
    "二、下步打算。我局将继续争取中央和省级补助资金，加快项目审批，确保按期完工。"
    "感谢您对我们工作的关心。 洛阳市住房和城乡建设局 2023年6月20日 |\n"
)

TWO_COLUMN_TABLE = """\
| 标题 | 洛阳市文化广电和旅游局关于市政协十四届二次会议第48号提案的答复 |
| --- | --- |
| 答复单位 | 洛阳市文化广电和旅游局 |
| 答复内容 | 刘某委员： |
| | 您提出的《关于擦亮古都文化名片的提案》收悉。现答复如下： |
| | 一、文旅融合情况。我局持续推进文旅融合发展。 |
| | 感谢您对文旅工作的关心。 |
| | 洛阳市文化广电和旅游局 |
| | 2023年7月3日 |
"""

QUESTION_ANSWER_TABLE = """\
| 建议标题 | 关于增加东区公交线路的建议 |
| 建议人 | 孙某 |
| 建议内容 | 我市东区公交线路少，群众出行不便，建议增加公交线路。 |
| 答复内容 | 孙某代表：您提出的《关于增加东区公交线路的建议》收悉。现答复如下：我局已新开通公交线路2条。感谢您对交通工作的关心。 洛阳市交通运输局 2023年7月5日 |
"""

QUESTION_ANSWER_LINES = """\
问：关于增加东区公交线路的建议（第19号）
答：孙某代表：您提出的《关于增加东区公交线路的建议》收悉。现答复如下：我局已新开通公交线路2条。感谢您对交通工作的关心。
洛阳市交通运输局
2023年7月5日
"""

HANDLING_FORM = """\
标题：关于加强农村饮水安全保障的提案
提案人：吴某
办理单位：洛阳市水利局
承办人：郑某
办理情况：已办结
吴某委员：
    您提出的《关于加强农村饮水安全保障的提案》收悉。现答复如下：
    一、工作开展情况。今年全市新建农村供水工程12处。
    感谢您对水利工作的关心。
洛阳市水利局
2023年6月30日
联系人：郑某  联系电话：0379-63312345
"""

ROMANISATION = """\
洛阳市教(jiào)育(yù)局(jú)关于市政协十四届二次会(huì)议第51号提案的答复
高某委员：
    您提出的《关于加强学(xué)校体育工作的提案》收悉。现答(dá)复(fù)如下：
    一、工作情况。我局持续加强学校体育工作。
    感谢您对教育工作的关心。
洛阳市教(jiào)育(yù)局(jú)
2023年(nián)6月(yuè)20日(rì)
"""

ZERO_IN_CHINESE_YEAR = """\
洛阳市民政局关于市政协十四届二次会议第52号提案的答复
冯某委员：
    您提出的《关于完善社区养老服务的提案》收悉。现答复如下：
    一、工作情况。全市已建成社区养老服务中心60个。
    感谢您对民政工作的关心。
洛阳市民政局
二O二三年六月二十日
"""

ZERO_DIGIT_IN_CHINESE_YEAR = ZERO_IN_CHINESE_YEAR.replace("二O二三年", "二0二三年")

# --- Readers -----------------------------------------------------------------------------

HANDLING_OPINION_TITLE = """\
洛阳市民政局关于市政协十四届二次会议第12号提案的办理意见
冯某委员：
    您提出的《关于加强困境儿童保障的提案》收悉。现将办理意见答复如下：
    一、工作情况。全市已建立困境儿童信息台账。
    感谢您对民政工作的关心。
洛阳市民政局
2023年6月25日
"""

MOTION_TITLE = """\
洛阳市城市管理局关于市十六届人大二次会议第3号议案的答复
何某等12位代表：
    你们提出的《关于加强城市内涝治理的议案》收悉。现答复如下：
    一、治理情况。今年已改造易涝点15处。
    感谢你们对城市管理工作的关心。
洛阳市城市管理局
2023年7月10日
"""

CRITICISM_TITLE = """\
洛阳市市场监督管理局关于市十六届人大二次会议第16号批评的答复
邓某代表：
    您提出的《关于食品安全监管不到位的批评》收悉。现答复如下：
    一、整改情况。我局已开展专项检查。
    感谢您对市场监管工作的关心。
洛阳市市场监督管理局
2023年7月12日
"""

ISSUER_AFTER_VERB = """\
关于市政协十四届二次会议第45号提案的答复（洛阳市教育局）
王某委员：
    您提出的《关于加强校园安全管理的提案》收悉。现答复如下：
    一、基本情况。我局高度重视校园安全工作。
    感谢您对教育工作的关心和支持。
2023年6月20日
"""

NUMBER_AFTER_QUOTED_TITLE = """\
洛阳市农业农村局对《关于发展乡村旅游的提案》（第123号）的答复
邱某委员：
    您提出的提案收悉。现答复如下：
    一、工作情况。全市已创建乡村旅游重点村20个。
    感谢您对农业农村工作的关心。
洛阳市农业农村局
2023年6月28日
"""

LETTER_BEFORE_NUMBER = """\
洛阳市科学技术局关于市政协十四届二次会议第A204号提案的答复
苏某委员：
    您提出的《关于支持中小企业科技创新的提案》收悉。现答复如下：
    一、工作情况。全市高新技术企业已达1500家。
    感谢您对科技工作的关心。
洛阳市科学技术局
2023年7月1日
"""

PAGE_TITLE_WITHOUT_NUMBER = """\
洛阳市商务局关于市政协十四届二次会议《关于推进夜间经济发展的提案》的答复
发布时间：2023-07-02  来源：洛阳市商务局
洛阳市商务局关于市政协十四届二次会议第60号提案的答复
许某委员：
    您提出的《关于推进夜间经济发展的提案》收悉。现答复如下：
    一、工作情况。全市已打造夜间消费集聚区8个。
    感谢您对商务工作的关心。
洛阳市商务局
2023年6月30日
"""

REPLY_AS_FOLLOWS = """\
洛阳市卫生健康委员会关于市政协十四届二次会议第62号提案的答复
谢某委员：
    您提出的《关于加强基层医疗卫生人才队伍建设的提案》，我委高度重视，认真研究办理，现将办理情况答复如下：
    一、工作情况。全市已招聘基层医疗卫生人员300名。
    感谢您对卫生健康工作的关心。
洛阳市卫生健康委员会
2023年6月29日
"""

NARRATIVE_OPENING = """\
洛阳市卫生健康委员会关于市十六届人大二次会议第63号建议的答复
曹某代表：
    关于您提出的《关于加强社区养老医疗服务的建议》，我委高度重视，组织专人进行了调研。现答复如下：
    一、工作情况。全市已建成医养结合机构40家。
    感谢您对卫生健康工作的关心。
洛阳市卫生健康委员会
2023年6月29日
"""

CO_HANDLING_UNITS_WITHOUT_PREPOSITION = """\
洛阳市人力资源和社会保障局关于市政协十四届二次会议第64号提案的答复
彭某委员：
    您提出的《关于促进高校毕业生就业的提案》收悉。经市财政局、市教育局等协办单位共同研究，现答复如下：
    一、工作情况。今年全市新增就业岗位2万个。
    感谢您对人社工作的关心。
洛阳市人力资源和社会保障局
2023年6月27日
"""

WE_LEAD_THEY_CO_HANDLE = """\
洛阳市人力资源和社会保障局关于市政协十四届二次会议第65号提案的答复
彭某委员：
    您提出的《关于完善灵活就业人员社保政策的提案》收悉。该提案由我局主办，市财政局、市医保局协办。经认真研究，现答复如下：
    一、工作情况。全市灵活就业人员参保人数持续增长。
    感谢您对人社工作的关心。
洛阳市人力资源和社会保障局
2023年6月27日
"""

CO_HANDLERS_IN_A_CELL = """\
| 主办单位 | 洛阳市人力资源和社会保障局 |
| 协办单位 | 市财政局、市医保局 |
洛阳市人力资源和社会保障局关于市政协十四届二次会议第66号提案的答复
彭某委员：
    您提出的《关于完善灵活就业人员社保政策的提案》收悉。现答复如下：
    一、工作情况。全市灵活就业人员参保人数持续增长。
    感谢您对人社工作的关心。
洛阳市人力资源和社会保障局
2023年6月27日
"""

FOOTER_BASE = """\
洛阳市教育局关于市政协十四届二次会议第70号提案的答复
王某委员：
    您提出的《关于加强校园安全管理的提案》收悉。现答复如下：
    一、基本情况。我局高度重视校园安全工作。
    感谢您对教育工作的关心和支持。
洛阳市教育局
2023年6月20日
"""

DOC_NUMBER_GRADE = """\
洛阳市教育局
洛教提〔2023〕12号（A）
关于市政协十四届二次会议第71号提案的答复
王某委员：
    您提出的《关于加强校园安全管理的提案》收悉。现答复如下：
    一、基本情况。我局高度重视校园安全工作。
    感谢您对教育工作的关心和支持。
洛阳市教育局
2023年6月20日
"""

DOC_NUMBER_WITHOUT_SERIAL = DOC_NUMBER_GRADE.replace("洛教提〔2023〕12号（A）", "洛教提〔2023〕号")

ISSUER_UNDER_TITLE = """\
关于市政协十四届二次会议第72号提案的答复
洛阳市生态环境局
韩某委员：
    您提出的《关于加强大气污染防治的提案》收悉。现答复如下：
    一、工作情况。今年全市空气优良天数同比增加15天。
    感谢您对生态环境工作的关心。
2023年6月26日
"""

ISSUER_IN_UNDATED_SIGNATURE = """\
关于市政协十四届二次会议第73号提案的答复
韩某委员：
    您提出的《关于加强大气污染防治的提案》收悉。现答复如下：
    一、工作情况。今年全市空气优良天数同比增加15天。
    感谢您对生态环境工作的关心。
承办单位：洛阳市生态环境局
"""

SEVEN_DIGIT_DATE = FOOTER_BASE.replace("2023年6月20日", "2023615")

DATE_AT_END_OF_A_LONG_LINE = """\
洛阳市教育局关于市政协十四届二次会议第74号提案的答复
王某委员：
    您提出的《关于加强校园安全管理的提案》收悉。现答复如下：
    一、基本情况。我局高度重视校园安全工作。
    以上答复，如有不妥，请提出宝贵意见。感谢您对教育工作的关心和支持！ 洛阳市教育局 2023年6月20日
"""

SALUTATION_WITH_A_COUNT = """\
洛阳市发展和改革委员会关于市十六届人大二次会议第75号建议的答复
王某某(等10位)代表：
    你们提出的《关于加快轨道交通建设的建议》收悉。现答复如下：
    一、工作情况。轨道交通3号线已开工建设。
    感谢你们对发展改革工作的关心。
洛阳市发展和改革委员会
2023年7月6日
"""

LEAD_REPLY_CITING_CO_HANDLER_OPINIONS = """\
洛阳市发展和改革委员会关于市政协十四届二次会议第76号提案的答复
冯某委员：
    您提出的《关于推进城乡融合发展的提案》收悉。我委综合市财政局、市自然资源和规划局等协办单位意见，现答复如下：
    一、工作情况。全市城乡融合发展试点稳步推进。
    感谢您对发展改革工作的关心。
洛阳市发展和改革委员会
2023年7月6日
"""

REPLY_LETTERS = [
    (
        "table_separators",
        TABLE_SEPARATORS,
        {
            "issuer": "洛阳市教育局",
            "region": "洛阳市",
            "body": "cppcc",
            "term": 14,
            "meeting": 2,
            "proposal_number": 45,
            "proposal_title": "关于加强校园安全管理的提案",
            "proposers": ["王某某"],
            "reply_date": date(2023, 6, 20),
        },
    ),
    (
        "breadcrumbs_and_site_widgets",
        BREADCRUMBS_AND_WIDGETS,
        {
            "issuer": "洛阳市交通运输局",
            "proposal_number": 46,
            "proposers": ["李某"],
            "reply_date": date(2023, 6, 21),
            "contacts": [("", "赵某", "0379-63201234")],
        },
    ),
    (
        "bullet_metadata",
        BULLET_METADATA,
        {
            "issuer": "洛阳市财政局",
            "region": "洛阳市",
            "body": "npc",
            "proposal_number": 18,
            "proposers": ["陈某"],
            "reply_date": date(2023, 6, 18),
        },
    ),
    (
        "one_line_letter",
        ONE_LINE,
        {
            "issuer": "洛阳市住房和城乡建设局",
            "proposal_number": 47,
            "proposal_title": "关于加快老旧小区改造的提案",
            "proposers": ["王某某"],
            "reply_date": date(2023, 6, 20),
        },
    ),
    (
        "one_line_letter_in_a_cell",
        ONE_LINE_IN_A_CELL,
        {
            "issuer": "洛阳市住房和城乡建设局",
            "proposal_number": 47,
            "proposal_title": "关于加快老旧小区改造的提案",
            "proposers": ["王某某"],
            "reply_date": date(2023, 6, 20),
        },
    ),
    (
        "two_column_table",
        TWO_COLUMN_TABLE,
        {
            "issuer": "洛阳市文化广电和旅游局",
            "proposal_number": 48,
            "proposal_title": "关于擦亮古都文化名片的提案",
            "proposers": ["刘某"],
            "reply_date": date(2023, 7, 3),
        },
    ),
    (
        "question_answer_table",
        QUESTION_ANSWER_TABLE,
        {
            "issuer": "洛阳市交通运输局",
            "body": "npc",
            "proposal_title": "关于增加东区公交线路的建议",
            "proposers": ["孙某"],
            "reply_date": date(2023, 7, 5),
        },
    ),
    (
        "question_answer_lines",
        QUESTION_ANSWER_LINES,
        {
            "issuer": "洛阳市交通运输局",
            "body": "npc",
            "proposal_number": 19,
            "proposal_title": "关于增加东区公交线路的建议",
            "proposers": ["孙某"],
            "reply_date": date(2023, 7, 5),
        },
    ),
    (
        "handling_form_before_the_salutation",
        HANDLING_FORM,
        {
            "issuer": "洛阳市水利局",
            "proposal_title": "关于加强农村饮水安全保障的提案",
            "proposers": ["吴某"],
            "reply_date": date(2023, 6, 30),
            "contacts": [("", "郑某", "0379-63312345")],
        },
    ),
    (
        "romanisation",
        ROMANISATION,
        {
            "issuer": "洛阳市教育局",
            "region": "洛阳市",
            "term": 14,
            "meeting": 2,
            "proposal_number": 51,
            "proposal_title": "关于加强学校体育工作的提案",
            "proposers": ["高某"],
            "reply_date": date(2023, 6, 20),
        },
    ),
    (
        "chinese_year_with_latin_o",
        ZERO_IN_CHINESE_YEAR,
        {"issuer": "洛阳市民政局", "reply_date": date(2023, 6, 20)},
    ),
    (
        "chinese_year_with_zero_digit",
        ZERO_DIGIT_IN_CHINESE_YEAR,
        {"issuer": "洛阳市民政局", "reply_date": date(2023, 6, 20)},
    ),
    (
        "title_verb_handling_opinion",
        HANDLING_OPINION_TITLE,
        {
            "issuer": "洛阳市民政局",
            "body": "cppcc",
            "term": 14,
            "meeting": 2,
            "proposal_number": 12,
            "proposers": ["冯某"],
            "reply_date": date(2023, 6, 25),
        },
    ),
    (
        "document_type_motion",
        MOTION_TITLE,
        {
            "issuer": "洛阳市城市管理局",
            "body": "npc",
            "term": 16,
            "meeting": 2,
            "proposal_number": 3,
            "proposal_title": "关于加强城市内涝治理的议案",
            "proposers": ["何某"],
            "proposers_more": True,
        },
    ),
    (
        "document_type_criticism",
        CRITICISM_TITLE,
        {
            "issuer": "洛阳市市场监督管理局",
            "body": "npc",
            "term": 16,
            "meeting": 2,
            "proposal_number": 16,
            "proposal_title": "关于食品安全监管不到位的批评",
            "proposers": ["邓某"],
        },
    ),
    (
        "issuer_in_parentheses_after_the_verb",
        ISSUER_AFTER_VERB,
        {
            "issuer": "洛阳市教育局",
            "grade": None,
            "proposal_number": 45,
            "proposers": ["王某"],
            "reply_date": date(2023, 6, 20),
        },
    ),
    (
        "number_in_parentheses_after_quoted_title",
        NUMBER_AFTER_QUOTED_TITLE,
        {
            "issuer": "洛阳市农业农村局",
            "proposal_number": 123,
            "proposal_title": "关于发展乡村旅游的提案",
            "proposers": ["邱某"],
        },
    ),
    (
        "number_in_lenticular_brackets_without_di",
        NUMBER_AFTER_QUOTED_TITLE.replace("（第123号）", "〔123号〕"),
        {
            "issuer": "洛阳市农业农村局",
            "doc_number": None,
            "proposal_number": 123,
            "proposal_title": "关于发展乡村旅游的提案",
        },
    ),
    (
        "number_in_ascii_parentheses_without_di",
        NUMBER_AFTER_QUOTED_TITLE.replace("（第123号）", "(123号)"),
        {
            "issuer": "洛阳市农业农村局",
            "doc_number": None,
            "proposal_number": 123,
            "proposal_title": "关于发展乡村旅游的提案",
        },
    ),
    (
        "letter_before_the_number",
        LETTER_BEFORE_NUMBER,
        {"issuer": "洛阳市科学技术局", "proposal_number": 204, "term": 14, "meeting": 2},
    ),
    (
        "page_title_without_the_number",
        PAGE_TITLE_WITHOUT_NUMBER,
        {
            "issuer": "洛阳市商务局",
            "term": 14,
            "meeting": 2,
            "proposal_number": 60,
            "proposal_title": "关于推进夜间经济发展的提案",
            "proposers": ["许某"],
            "reply_date": date(2023, 6, 30),
        },
    ),
    (
        "opening_reply_as_follows_without_shouxi",
        REPLY_AS_FOLLOWS,
        {
            "proposal_number": 62,
            "proposal_title": "关于加强基层医疗卫生人才队伍建设的提案",
            "proposers": ["谢某"],
        },
    ),
    (
        "opening_narrative_sentence",
        NARRATIVE_OPENING,
        {
            "proposal_number": 63,
            "proposal_title": "关于加强社区养老医疗服务的建议",
            "proposers": ["曹某"],
        },
    ),
    (
        "co_handling_units_without_preposition",
        CO_HANDLING_UNITS_WITHOUT_PREPOSITION,
        {"co_handlers": ["市财政局", "市教育局"]},
    ),
    (
        "we_lead_they_co_handle",
        WE_LEAD_THEY_CO_HANDLE,
        {"co_handlers": ["市财政局", "市医保局"]},
    ),
    (
        "co_handlers_in_a_table_cell",
        CO_HANDLERS_IN_A_CELL,
        {"issuer": "洛阳市人力资源和社会保障局", "co_handlers": ["市财政局", "市医保局"]},
    ),
    (
        "footer_contact_label_with_a_semicolon",
        FOOTER_BASE + "联系人；张某  联系电话；0379-63211234\n",
        {"contacts": [("", "张某", "0379-63211234")]},
    ),
    (
        "footer_leader_line_between_contact_lines",
        FOOTER_BASE + "联系人：张某\n分管领导：李某\n联系电话：0379-63211234\n",
        {"contacts": [("", "张某", "0379-63211234")], "signer": None},
    ),
    (
        "footer_two_labels_run_together",
        FOOTER_BASE + "联系人：张某联系电话：0379-63211234\n",
        {"contacts": [("", "张某", "0379-63211234")]},
    ),
    (
        "footer_combined_name_and_phone_label",
        FOOTER_BASE + "联系人及电话：张某 63211234\n",
        {"contacts": [("", "张某", "63211234")]},
    ),
    (
        "footer_unit_in_charge_label",
        FOOTER_BASE + "主办处室：安全稳定科\n联系人：张某\n联系电话：0379-63211234\n",
        {"contacts": [("安全稳定科", "张某", "0379-63211234")]},
    ),
    (
        "footer_copy_counts_in_bare_parentheses",
        FOOTER_BASE + "抄送：市政协提案委（1），市政府督查室（1）\n",
        {"cc": [("市政协提案委", 1), ("市政府督查室", 1)]},
    ),
    (
        "grade_in_parentheses_after_the_document_number",
        DOC_NUMBER_GRADE,
        {"doc_number": "洛教提〔2023〕12号", "grade": "A", "issuer": "洛阳市教育局"},
    ),
    (
        "document_number_without_its_serial",
        DOC_NUMBER_WITHOUT_SERIAL,
        {"doc_number": "洛教提〔2023〕号", "grade": None, "proposal_number": 71},
    ),
    (
        "issuer_alone_on_a_line_under_the_title",
        ISSUER_UNDER_TITLE,
        {"issuer": "洛阳市生态环境局", "region": "洛阳市", "proposers": ["韩某"]},
    ),
    (
        "issuer_only_in_an_undated_signature",
        ISSUER_IN_UNDATED_SIGNATURE,
        {"issuer": "洛阳市生态环境局", "region": "洛阳市", "reply_date": None},
    ),
    (
        "seven_digit_compact_date",
        SEVEN_DIGIT_DATE,
        {"issuer": "洛阳市教育局", "reply_date": date(2023, 6, 15)},
    ),
    (
        "date_at_the_end_of_a_long_line",
        DATE_AT_END_OF_A_LONG_LINE,
        {"issuer": "洛阳市教育局", "reply_date": date(2023, 6, 20)},
    ),
    (
        "salutation_with_a_count_in_parentheses",
        SALUTATION_WITH_A_COUNT,
        {"body": "npc", "proposers": ["王某某"], "proposers_more": True},
    ),
    (
        "lead_reply_citing_co_handler_opinions",
        LEAD_REPLY_CITING_CO_HANDLER_OPINIONS,
        {
            "issuer": "洛阳市发展和改革委员会",
            "proposal_number": 76,
            "proposers": ["冯某"],
            "co_handlers": ["市财政局", "市自然资源和规划局"],
        },
    ),
]


@pytest.mark.parametrize(
    ("text", "expected"),
    [pytest.param(text, expected, id=name) for name, text, expected in REPLY_LETTERS],
)
def test_a_letter_of_each_family_yields_its_fields(text, expected):
    reply = parse_text(text)
    assert isinstance(reply, ParsedReply), reply
    got = {field: comparable(reply, field) for field in expected}
    assert got == expected


# --- Not replies: refused on positive evidence, with a reason naming the kind -------------

NEWS_REPORT = """\
市教育局高质量办理政协提案
本报讯（记者 张某 通讯员 李某）近日，记者从市教育局获悉，今年该局承办的市政协十四届二次会议
第45号提案《关于加强校园安全管理的提案》已办理完毕，提案人王某委员对答复表示满意。
据介绍，该局会同市公安局等单位认真研究，逐项落实。
"""

STATISTICS = """\
洛阳市教育局2023年政协提案办理工作总结
    2023年，我局共承办市政协十四届二次会议提案45件，均已按期办复。其中A类30件、B类12件、C类3件，
委员满意率100%。
洛阳市教育局
2023年12月10日
"""

NOTICE = """\
洛阳市人民政府办公室关于做好市政协十四届二次会议提案办理工作的通知
洛政办〔2023〕20号
各县（市、区）人民政府，市人民政府各部门：
    为做好市政协十四届二次会议提案办理工作，现将有关事项通知如下：
    一、提高思想认识。
"""

RULES = """\
洛阳市政协提案答复函写作规范
    一、答复函标题格式为“XX局关于市政协X届X次会议第XX号提案的答复”。
    二、称呼写“XX委员：”。
    三、开头写“您提出的《XXXX》提案收悉，现答复如下：”。
"""

PROPOSAL_ITSELF = """\
政协洛阳市第十四届委员会第二次会议提案
第45号
案由：关于加强校园安全管理的提案
提案人：王某某
主办单位：市教育局
协办单位：市公安局
办理状态：已办复
    当前校园安全形势依然严峻，建议如下：一、加强校园安保力量。
"""

CO_HANDLER_OPINION_TO_THE_LEAD = """\
洛阳市公安局关于市政协十四届二次会议第45号提案的协办意见
洛阳市教育局：
    王某某委员提出的《关于加强校园安全管理的提案》收悉，现将我局协办意见函告如下：
    一、加强校园周边巡逻防控。
洛阳市公安局
2023年6月1日
联系人：孙某  联系电话：0379-63112345
"""

NOT_REPLIES = [
    ("news_report", NEWS_REPORT, "新闻报道"),
    ("statistics_summary", STATISTICS, "统计或总结"),
    ("notice", NOTICE, "通知"),
    ("rules_for_writing_replies", RULES, "写作规范"),
    ("the_proposal_itself", PROPOSAL_ITSELF, "提案原文"),
    ("co_handler_opinion_to_the_lead_bureau", CO_HANDLER_OPINION_TO_THE_LEAD, "协办意见"),
]


@pytest.mark.parametrize(
    ("text", "kind"),
    [pytest.param(text, kind, id=name) for name, text, kind in NOT_REPLIES],
)
def test_a_document_that_is_not_a_reply_is_refused_naming_its_kind(text, kind):
    result = parse_text(text)
    assert isinstance(result, Rejection), result
    assert kind in result.reason
