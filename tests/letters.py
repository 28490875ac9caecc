"""Reply letters written for the tests, one per family of variations in real letters.

Each entry: (name, text, expected fields). Only the fields named are checked.
"""

from datetime import date

COUNTY_NPC_WEB_PAGE = """\
首页 > 政务公开 > 建议提案办理
| 索引号 | 11410821MB0000000X/2023-00045 | 发布机构 | 修武县教育局 |
| 成文日期 | 2023-06-20 | 发布时间 | 2023-06-25 |
修武县教育局关于县十六届人大二次会议第35号建议的答复
发布时间:2023-06-25 浏览次数: 128
修武县教育局关于县第十六届人大第二次会议第35号建议的
答 复(B)
[修教〔2023〕12号]
尊敬的王建国代表:
    您提出的《关于改善农村学校办学条件的建议》收悉。我局会同县财政局、县发改委等协办单位认真研究,现答复如下:
    一、基本情况
    近年来,我县持续加大农村学校投入,改善办学条件。根据《国务院办公厅关于进一步调整优化结构提高教育经费使用效益的意见》(国办发〔2018〕82号)要求,统筹安排资金。
    二、下步打算
    下一步,我局将会同县住建局商议校舍改造计划。
    感谢您对教育工作的关心和支持!
修武县教育局
2023年6月20日
联系人:李明;联系电话:0391-7123456
抄送:县人大常委会人代工委、县政府督查室、县教育局办公室
上一篇:修武县教育局关于县十六届人大二次会议第34号建议的答复
下一篇:修武县教育局关于县十六届人大二次会议第36号建议的答复
【打印】【关闭】
"""

PROVINCE_TRADITIONAL = """\
廣東省教育廳
關於省政協十二屆三次會議第0318號提案的答覆
粵教提函〔2021〕45號
類別：甲類
簽發人：陳國強
尊敬的李華委員：
　　您提出的關於“加強粵港澳大灣區高校合作”的提案收悉。經與省科技廳、省財政廳共同研究，現答覆如下：
　　一、工作情況
　　我廳積極推動大灣區高校合作。
　　特此函復。
廣東省教育廳
2021年7月15日
聯繫人：張偉　　電話：020-37628888
抄送：省政協提案委員會（2份）
"""

NATIONAL_MINISTRY = """\
人力资源社会保障部
关于政协十三届全国委员会第四次会议第00009号（社会事业类003号）提案答复的函
人社提字〔2021〕52号
张三委员：
　　您提出的关于进一步完善灵活就业人员社会保障的提案收悉。经商财政部、国家医保局，现答复如下：
　　一、关于参保政策
　　我部高度重视灵活就业人员参保工作。
　　感谢您对人力资源社会保障工作的关心和支持。
人力资源社会保障部
2021年7月8日
（联系人及电话：王某 010-84201234）
"""

DISTRICT_GRADE_AT_END = """\
郑州市金水区城市管理局
关于区政协十一届三次会议第56号提案办理情况的答复
文号：无
刘洋、陈静等4名委员：
    你们提出的关于“老旧小区停车难问题”的提案已收悉，现将办理情况答复如下：
    一、停车位现状
    全区老旧小区停车位缺口较大。
    以上答复您是否满意，请填写反馈意见表。
郑州市金水区城市管理局
2020年10月15日
领导签发：赵刚
办复类别：C类
联系单位及联系人：市政设施科，孙丽；联系电话：0371-6551234
抄报：区政协提案委员会，区政府督查室
"""

NO_TITLE_GROUP_PROPOSER = """\
民盟焦作市委：
    贵委在市政协十四届二次会议上提出的第88号提案《关于推进城乡教育均衡发展的建议》收悉。现答复如下：
    一、统筹城乡教育资源配置
    我局持续推进义务教育优质均衡发展。
    此致
敬礼
焦作市教育局
20201015
联系人：周敏 联系电话：3512345
"""

ISSUER_ONLY_OUR_BUREAU = """\
关于对市政协十四届五次会议第301号提案的答复
赵磊委员：
    您提出的“关于加快5G基站建设”的提案收悉，我局高度重视，现答复如下：
    一、建设进展
    全市已建成5G基站3000个。
    感谢您的关心。
2022年8月1日
"""

MARKDOWN_PAGE_BREAKS = """\
# **焦作市财政局**

## 关于市政协十四届五次会议第１２３号提案的答复

**办理结果：** Ｂ类

钱进委员：

您提出的《关于加大对中小企业财政支持力度的提案》收悉。现答复如下：

一、支持情况

这是一个很长的段落，讲述了我局在支持中小企业方面所做的大量工作和取得的成效，以及后续的

١٠

安排和打算。

- 3 -

二〇二二年七月二十六日
"""

SPACED_TITLE_BROKEN_SALUTATION = """\
焦作市住房和城乡建设局
关于市十五届人大三次会议第7号建议的
答　　复
孙红、
周强代表
    您们提出的关于加快老旧小区改造的建议收悉，经结合马村区人民政府共同研究，现答复如下：
    一、改造进展
    今年计划改造老旧小区50个。
    谢谢！
焦作市住房和城乡建设局
2023年5月30日
联系人：市住建局，吴某
传真：0391-3560000
邮编：454000
承办人：郑某 联系方式：139******1234
抄　送：市人大代表工委（1份）、市政府督查室（1份）
"""

BETWEEN_MEETINGS = """\
焦作市交通运输局
关于市十五届人大常委会闭会期间第5号建议的答复
焦交函〔2024〕3号
王芳代表：
    您提出的《关于优化公交线路的建议》收悉。现答复如下：
    一、线路调整
    我局已调整公交线路3条。
    特此答复。
焦作市交通运输局
2024年3月12日
"""

REPLY_LETTERS = [
    (
        "county_npc_web_page",
        COUNTY_NPC_WEB_PAGE,
        {
            "issuer": "修武县教育局",
            "doc_number": "修教〔2023〕12号",
            "grade": "B",
            "body": "npc",
            "region": "修武县",
            "term": 16,
            "meeting": 2,
            "proposal_number": 35,
            "proposal_title": "关于改善农村学校办学条件的建议",
            "proposers": ["王建国"],
            "proposers_more": False,
            "co_handlers": ["县财政局", "县发改委"],
            "reply_date": date(2023, 6, 20),
            "contacts": [("", "李明", "0391-7123456")],
            "cc": [
                ("县人大常委会人代工委", None),
                ("县政府督查室", None),
                ("县教育局办公室", None),
            ],
        },
    ),
    (
        "province_traditional",
        PROVINCE_TRADITIONAL,
        {
            "issuer": "廣東省教育廳",
            "doc_number": "粵教提函〔2021〕45號",
            "signer": "陳國強",
            "grade": "A",
            "body": "cppcc",
            "region": "廣東省",
            "term": 12,
            "meeting": 3,
            "proposal_number": 318,
            "proposal_title": "加強粵港澳大灣區高校合作",
            "proposers": ["李華"],
            "co_handlers": ["省科技廳", "省財政廳"],
            "reply_date": date(2021, 7, 15),
            "contacts": [("", "張偉", "020-37628888")],
            "cc": [("省政協提案委員會", 2)],
        },
    ),
    (
        "national_ministry",
        NATIONAL_MINISTRY,
        {
            "issuer": "人力资源社会保障部",
            "doc_number": "人社提字〔2021〕52号",
            "body": "cppcc",
            "region": "全国",
            "term": 13,
            "meeting": 4,
            "proposal_number": 9,
            "proposal_title": "关于进一步完善灵活就业人员社会保障",
            "proposers": ["张三"],
            "co_handlers": ["财政部", "国家医保局"],
            "reply_date": date(2021, 7, 8),
            "contacts": [("", "王某", "010-84201234")],
        },
    ),
    (
        "district_grade_at_end",
        DISTRICT_GRADE_AT_END,
        {
            "issuer": "郑州市金水区城市管理局",
            "doc_number": None,
            "signer": "赵刚",
            "grade": "C",
            "grade_raw": "C类",
            "body": "cppcc",
            "region": "金水区",
            "term": 11,
            "meeting": 3,
            "proposal_number": 56,
            "proposal_title": "老旧小区停车难问题",
            "proposers": ["刘洋", "陈静"],
            "proposers_more": True,
            "co_handlers": [],
            "reply_date": date(2020, 10, 15),
            "contacts": [("市政设施科", "孙丽", "0371-6551234")],
            "cc": [("区政协提案委员会", None), ("区政府督查室", None)],
        },
    ),
    (
        "no_title_group_proposer",
        NO_TITLE_GROUP_PROPOSER,
        {
            "issuer": "焦作市教育局",
            "body": "cppcc",
            "region": "焦作市",
            "term": 14,
            "meeting": 2,
            "proposal_number": 88,
            "proposal_title": "关于推进城乡教育均衡发展的建议",
            "proposers": ["民盟焦作市委"],
            "reply_date": date(2020, 10, 15),
            "contacts": [("", "周敏", "3512345")],
        },
    ),
    (
        "issuer_only_our_bureau",
        ISSUER_ONLY_OUR_BUREAU,
        {
            "issuer": None,
            "region": None,
            "body": "cppcc",
            "term": 14,
            "meeting": 5,
            "proposal_number": 301,
            "proposal_title": "关于加快5G基站建设",
            "proposers": ["赵磊"],
            "reply_date": date(2022, 8, 1),
        },
    ),
    (
        "markdown_page_breaks",
        MARKDOWN_PAGE_BREAKS,
        {
            "issuer": "焦作市财政局",
            "grade": "B",
            "region": "焦作市",
            "proposal_number": 123,
            "proposal_title": "关于加大对中小企业财政支持力度的提案",
            "proposers": ["钱进"],
            "reply_date": date(2022, 7, 26),
        },
    ),
    (
        "spaced_title_broken_salutation",
        SPACED_TITLE_BROKEN_SALUTATION,
        {
            "issuer": "焦作市住房和城乡建设局",
            "body": "npc",
            "region": "焦作市",
            "term": 15,
            "meeting": 3,
            "proposal_number": 7,
            "proposers": ["孙红", "周强"],
            "co_handlers": ["马村区人民政府"],
            "reply_date": date(2023, 5, 30),
            "contacts": [("市住建局", "吴某", ""), ("", "郑某", "139******1234")],
            "cc": [("市人大代表工委", 1), ("市政府督查室", 1)],
        },
    ),
    (
        "between_meetings",
        BETWEEN_MEETINGS,
        {
            "issuer": "焦作市交通运输局",
            "doc_number": "焦交函〔2024〕3号",
            "body": "npc",
            "region": "焦作市",
            "term": 15,
            "meeting": None,
            "proposal_number": 5,
            "proposers": ["王芳"],
        },
    ),
]

CO_HANDLER_OPINION = """\
焦作市商务局
关于市政协十四届五次会议第120号提案的协办意见
焦作市工业和信息化局：
    李秀萍委员提出的第120号提案收悉，现将我局协办意见函告如下：
    一、支持园区建设。
焦作市商务局
2022年6月1日
联系人：王某 联系电话：3560000
"""

STATISTICS_SUMMARY = """\
关于2022年度市政协提案办理工作情况的报告
    2022年，全市共承办市政协提案356件，已全部办复。其中A类210件、B类120件、C类26件。
    委员满意率98%。
焦作市人民政府督查室
2022年12月20日
"""

REPLY_TEMPLATE = """\
XX局关于对市政协X届X次会议第XX号提案的答复
XX委员：
    您提出的“XXXX”的提案收悉，现答复如下：
    （正文）
XX局
XXXX年XX月XX日
"""

NOTICE = """\
焦作市人民政府办公室
关于做好2022年市人大代表建议和政协提案办理工作的通知
焦政办〔2022〕15号
各县（市）区人民政府，市人民政府各部门：
    为做好建议提案办理工作，现将有关事项通知如下：
    一、提高认识。
"""

PROPOSAL_TEXT = """\
政协焦作市委员会提案
第252号
案由：关于加强科技创新促进企业发展的提案
提案人：张素平
主办单位：市工信局
协办单位：市科技局
办理状态：已办复
"""

NOT_REPLIES = [
    ("co_handler_opinion", CO_HANDLER_OPINION, "协办意见"),
    ("statistics_summary", STATISTICS_SUMMARY, "不是答复函"),
    ("reply_template", REPLY_TEMPLATE, "不是答复函"),
    ("notice", NOTICE, "不是答复函"),
    ("proposal_text", PROPOSAL_TEXT, "不是答复函"),
]

REPLY_BY_FUNCTION_LETTER = """\
政协某县第十一届委员会第三次会议第52号建议案的复函
某县农业农村局
某农函【2022】第8号
类别：提案
类 别：B
领导签字：
分管领导：刘某
王**委员：
    您提出的关于“发展“特色种植”产业的建议”收悉，经结合城关镇人民政府共同研究，现函复如下：
    一、产业现状。
    特此函复。
联系电话：0394-8123456
联系人：马某
某县农业农村局
2022年6月30日
"""

PROVINCE_NPC_WITH_METADATA = """\
| 索引号 | 000014349/2022-00321 | 主题分类 | 教育 |
| 发文字号 | 豫教建议〔2022〕77号 | 成文日期 | 2022年06月28日 |
| 发布机构 | 河南省教育厅 | 发布日期 | 2022年07月05日 |
河南省教育厅关于省十三届人大五次会议第1234号建议答复的函
陈某等10位代表：
    你们提出的《关于加强乡村教师队伍建设的建议》收悉。经与省财政厅、省人力资源社会保障厅共同研究，现答复如下：
    一、关于乡村教师待遇。我厅会同省财政厅和省人社厅分别办理相关事项。
    下一步，我厅将会同有关部门商议具体措施。
    感谢你们对教育工作的关心。
河南省教育厅
2022年6月28日
联系单位：河南省教育厅教师工作处
联系电话：0371-69691234
"""

AUTONOMOUS_REGION_LETTER = """\
广西壮族自治区工业和信息化厅
关于自治区政协十二届一次会议第20210388号提案的回复
桂工信提复字(2023)第03号
尊敬的韦某委员:
    您提出的“关于支持糖业高质量发展的提案”收悉,我厅会同自治区农业农村厅等相关部门认真研究,现回复如下:
    一、主要工作。
    此致
敬礼!
广西壮族自治区工业和信息化厅
2023年7月20日
(联系人:黄某,电话:0771-5812345)
抄送:自治区政协提案委员会,自治区人民政府办公厅
"""

NATIONAL_NPC_TRADITIONAL_NUMBERS = """\
國家發展和改革委員會
對十三屆全國人大五次會議第8888號建議的答覆
發改建議〔2022〕123號
尊敬的劉某代表：
　　您提出的關於加快中西部鐵路建設的建議收悉。現答覆如下：
　　一、總體情況。
　　感謝您對發展改革工作的關心和支持。
國家發展和改革委員會
2022年7月1日
"""

SPELLED_OUT_CONGRESS = """\
焦作市人民政府国有资产监督管理委员会
关于焦作市第十五届人民代表大会第三次会议第东12号建议的答复
尊敬的何某代表：
    您在市十五届人大三次会议上提出的关于“关于“国企改革（第二阶段）”推进情况”的建议收悉，现答复如下：
    一、改革进展。
    以上答复，请提出宝贵意见。
2023年8月8日
联系部门及电话：市国资委  3890000  联系人：冯某
抄送：市人大常委会选工委(1份)，市政府督查室(1份)，市国资委办公室(各1份)
"""

UNBALANCED_QUOTE_NO_SALUTATION = """\
焦作市水利局关于市政协十四届五次会议第77号提案的答复（A类）
    您提出的《关于加强南水北调配套工程管理的提案收悉。现答复如下：
    一、工程管理。
    特此答复。
焦作市水利局
2022年7月15日
"""

REPLY_LETTERS += [
    (
        "reply_by_function_letter",
        REPLY_BY_FUNCTION_LETTER,
        {
            "issuer": "某县农业农村局",
            "doc_number": "某农函【2022】第8号",
            "signer": None,
            "grade": "B",
            "body": "cppcc",
            "region": "某县",
            "term": 11,
            "meeting": 3,
            "proposal_number": 52,
            "proposal_title": "发展“特色种植”产业的建议",
            "proposers": ["王**"],
            "co_handlers": ["城关镇人民政府"],
            "reply_date": date(2022, 6, 30),
            "contacts": [("", "马某", "0394-8123456")],
        },
    ),
    (
        "province_npc_with_metadata",
        PROVINCE_NPC_WITH_METADATA,
        {
            "issuer": "河南省教育厅",
            "doc_number": "豫教建议〔2022〕77号",
            "body": "npc",
            "region": "河南省",
            "term": 13,
            "meeting": 5,
            "proposal_number": 1234,
            "proposal_title": "关于加强乡村教师队伍建设的建议",
            "proposers": ["陈某"],
            "proposers_more": True,
            "co_handlers": ["省财政厅", "省人力资源社会保障厅"],
            "reply_date": date(2022, 6, 28),
            "contacts": [("河南省教育厅教师工作处", "", "0371-69691234")],
        },
    ),
    (
        "autonomous_region_letter",
        AUTONOMOUS_REGION_LETTER,
        {
            "issuer": "广西壮族自治区工业和信息化厅",
            "doc_number": "桂工信提复字(2023)第03号",
            "body": "cppcc",
            "region": "广西壮族自治区",
            "term": 12,
            "meeting": 1,
            "proposal_number": 20210388,
            "proposal_title": "关于支持糖业高质量发展的提案",
            "proposers": ["韦某"],
            "co_handlers": ["自治区农业农村厅"],
            "reply_date": date(2023, 7, 20),
            "contacts": [("", "黄某", "0771-5812345")],
            "cc": [("自治区政协提案委员会", None), ("自治区人民政府办公厅", None)],
        },
    ),
    (
        "national_npc_traditional",
        NATIONAL_NPC_TRADITIONAL_NUMBERS,
        {
            "issuer": "國家發展和改革委員會",
            "doc_number": "發改建議〔2022〕123號",
            "body": "npc",
            "region": "全国",
            "term": 13,
            "meeting": 5,
            "proposal_number": 8888,
            "proposers": ["劉某"],
            "reply_date": date(2022, 7, 1),
        },
    ),
    (
        "spelled_out_congress",
        SPELLED_OUT_CONGRESS,
        {
            "issuer": "焦作市人民政府国有资产监督管理委员会",
            "body": "npc",
            "region": "焦作市",
            "term": 15,
            "meeting": 3,
            "proposal_number": 12,
            "proposal_title": "关于“国企改革（第二阶段）”推进情况",
            "proposers": ["何某"],
            "reply_date": date(2023, 8, 8),
            "contacts": [("市国资委", "冯某", "3890000")],
            "cc": [("市人大常委会选工委", 1), ("市政府督查室", 1), ("市国资委办公室", 1)],
        },
    ),
    (
        "unbalanced_quote_no_salutation",
        UNBALANCED_QUOTE_NO_SALUTATION,
        {
            "issuer": "焦作市水利局",
            "grade": "A",
            "region": "焦作市",
            "proposal_number": 77,
            "proposal_title": "关于加强南水北调配套工程管理",
            "proposers": [],
            "reply_date": date(2022, 7, 15),
        },
    ),
]
