"""A reply letter's text to its fields, or to the reason it is not a reply letter."""

import re

from proposals import extraction
from proposals.parsing import footer, header, opening
from proposals.parsing.result import ParsedReply, Rejection
from proposals.parsing.text import Line, clean_lines

NOT_A_REPLY = "不是答复函：没有“……第N号提案/建议的答复”标题，也没有称呼和“……收悉，现答复如下”（not a reply letter）"
_TITLE_SEARCH_LINES = 60
_CO_HANDLER_OPINION = re.compile(r"协办意见|会办意见|协办单位意见|分办意见")
_CLOSING = re.compile(
    r"此致|特此|感谢|谢谢|敬礼|以上答复|欢迎|满意|联系人|联系电话|抄送|印发|批评指正|意见和建议"
)
_KINDS_OF_NOT_REPLY = [
    (re.compile(r"本报讯|本报记者|记者|通讯员"), "新闻报道（a news report）"),
    (re.compile(r"案由|提案人|领衔人|附议人"), "提案原文（the text of a proposal）"),
    (
        re.compile(r"(?:办理|答复)工作.{0,10}(?:总结|报告|情况)|[ABC甲乙丙]类.{0,6}\d+件"),
        "办理情况统计或总结（a statistics summary）",
    ),
    (re.compile(r"通知|各(?:县|区|市|有关|承办)"), "通知（a notice）"),
]
_APPENDED_FORM = re.compile(
    r"(?:征询意见表|意见反馈表|反馈意见表|办理情况反馈表|满意度测评表|意见征询表|反馈表|回执)$"
)
_PLACEHOLDER = re.compile(r"[X×]{2,}|第[X×]+号|[X×]届|[X×]次会议|[○〇]{2,}号")
_SECOND_ROUND = re.compile(r"再次答复|二次答复|再答复|补充答复|重新办理|再次办理|第二次答复")
_BODY_BY_ADDRESS = {"委员": "cppcc", "代表": "npc"}


def parse_reply(data: bytes) -> ParsedReply | Rejection:
    """Parse one file's bytes; return its fields or why it is not imported."""
    extracted = extraction.extract(data)
    if isinstance(extracted, Rejection):
        return extracted
    parsed = parse_text(extracted.text)
    if isinstance(parsed, ParsedReply):
        parsed.extractor, parsed.ocr_confidence = extracted.extractor, extracted.confidence
    return parsed


# A reply letter is a few thousand characters; a text this long is something else.
MAX_TEXT = 500_000


def parse_text(text: str) -> ParsedReply | Rejection:
    if len(text) > MAX_TEXT:
        return Rejection(f"文字超过 {MAX_TEXT // 10000} 万字，不是一封答复函（text too long）")
    lines = clean_lines(text)
    if not lines:
        return Rejection("空文件：没有文字内容（empty file）")
    title = header.find_title(lines, _TITLE_SEARCH_LINES)
    after_title = title.last + 1 if title else 0
    found = opening.find_opening(lines, after_title, after_title + (12 if title else 40))
    if title and found.salutation_index is None and found.text is None:
        # A page may show the title long before the letter (in its metadata, or twice):
        # the letter's own title is the last one before its salutation.
        later = opening.find_salutation(lines, after_title, _TITLE_SEARCH_LINES)
        if later:
            nearer = header.find_title(lines[: later[0]], later[0], last=True)
            if nearer:
                title, after_title = nearer, nearer.last + 1
                found = opening.find_opening(lines, later[0], later[0] + 1)
    rejection = _rejection(lines, title, found)
    if rejection:
        return rejection

    header_end = found.salutation_index if found.salutation_index is not None else after_title
    reply = ParsedReply(text="\n".join(line.raw for line in lines))
    # A feedback form or receipt may follow the letter; its blanks are not the letter's fields.
    lines = lines[: _letter_end(lines, header_end)]
    session = _session(title, found, lines)
    _read_session(reply, lines, title, found, session)
    _read_header(reply, lines, title, header_end)
    reply.proposers, reply.proposers_more = found.proposers, found.proposers_more
    reply.proposal_title = opening.find_proposal_title(found.text, title.line if title else None)
    reply.co_handlers = opening.find_co_handlers(lines, found.text)
    said = "".join(part.key for part in (title.line if title else None, found.text) if part)
    if _SECOND_ROUND.search(said):
        reply.handling_round = 2
    _read_footer(reply, lines, header_end)
    if reply.region is None and reply.issuer:
        reply.region = header.region_of(reply.issuer, session.level if session else None)
    # Cut off before its closing (no date, signature or contact after the body): a real
    # reply all the same, kept and flagged until a complete copy arrives.
    reply.complete = reply.reply_date is not None or any(
        _CLOSING.search(line.key) for line in lines[header_end + 2 :]
    )
    return reply


def _letter_end(lines: list[Line], start: int) -> int:
    for i in range(start + 1, len(lines)):
        if _APPENDED_FORM.search(lines[i].key.strip()):
            return i
    return len(lines)


# A report to a congress or its standing committee on the year's handling, addressed to its
# leaders: positive evidence of another kind of document, whatever its salutation says.
_REPORT = re.compile(r"请予审议|作(?:了)?汇报|情况(?:的)?汇报|工作(?:情况)?报告")


def _rejection(lines: list[Line], title, found: opening.Opening) -> Rejection | None:
    head = "".join(line.key for line in lines[: (title.last + 4 if title else 8)])
    if _REPORT.search(head):
        return Rejection(f"{NOT_A_REPLY}；看起来是办理情况统计或总结（a statistics summary）")
    if _PLACEHOLDER.search(head):
        return Rejection(f"{NOT_A_REPLY}；看起来是答复函模板或写作规范（a template）")
    # A co-handler's opinion is addressed to the lead bureau; a lead bureau's reply to a member
    # may well mention the co-handlers' opinions.
    to_member = found.salutation_index is not None and re.search(
        r"委员|代表|同志|先生|女士", lines[found.salutation_index].key
    )
    if _CO_HANDLER_OPINION.search(head) and not to_member:
        return Rejection(
            "这是协办单位给主办单位的协办意见，不是给提出人的答复（a co-handler's opinion）"
        )
    if title and (found.salutation_index is not None or found.text is not None):
        return None
    if (
        not title
        and found.salutation_index is not None
        and found.text is not None
        and re.search(r"答复|复函|函复|回复|收悉", found.text.key)
    ):
        return None
    whole = "".join(line.key for line in lines[:40])
    for pattern, kind in _KINDS_OF_NOT_REPLY:
        if pattern.search(whole):
            return Rejection(f"{NOT_A_REPLY}；看起来是{kind}")
    return Rejection(NOT_A_REPLY)


def _session(title, found: opening.Opening, lines: list[Line]):
    for source in (title.line if title else None, found.text):
        if source is not None:
            session = header.find_session(source.key)
            if session:
                return session
    for line in lines[:40]:
        session = header.find_session(line.key)
        if session:
            return session
    return None


def _read_session(
    reply: ParsedReply, lines: list[Line], title, found: opening.Opening, session
) -> None:
    if session:
        reply.body, reply.term, reply.meeting = session.body, session.term, session.meeting
        reply.region = session.place
    for source in (title.line if title else None, found.text):
        if source is None:
            continue
        # The number follows the session phrase (a year or term before it is not the number).
        here = header.find_session(source.key)
        number = header.find_number(source.key, here.end if here else 0)
        if number is None and here:
            number = header.find_number(source.key)
        if number is not None:
            reply.proposal_number = number
            break
    if reply.proposal_number is None and title is None and found.salutation_index:
        # No title: a line just above the salutation may name the proposal and its number
        # (问：关于…的建议（第19号）).
        for line in lines[max(0, found.salutation_index - 3) : found.salutation_index]:
            named = header.NAMED_NUMBER.search(line.key) if "号" in line.key else None
            if named:
                reply.proposal_number = int(named["n"])
                break
    if reply.body is None:
        address = (
            re.search(r"委员|代表", lines[found.salutation_index].key)
            if found.salutation_index is not None
            else None
        )
        if address:
            reply.body = _BODY_BY_ADDRESS[address.group(0)]
        elif title and "提案" in title.line.key:
            reply.body = "cppcc"
        elif title and "建议" in title.line.key:
            reply.body = "npc"


def _read_header(reply: ParsedReply, lines: list[Line], title, header_end: int) -> None:
    reply.doc_number = header.find_doc_number(
        lines, max(header_end, title.last + 1 if title else 0)
    )
    grade = header.find_grade(lines, header_end, title)
    if grade:
        reply.grade, reply.grade_raw = grade
    reply.signer = header.find_signer(lines)
    reply.issuer = header.title_issuer(title) if title else None
    if reply.issuer is None:
        for line in lines[:header_end]:
            key = line.compact().key
            if key.endswith("文件") and header.is_org(key[:-2]):
                reply.issuer = line.compact().raw[:-2]
                break
    if reply.issuer is None and title:
        # A unit alone on a line between the title and the salutation signs the letter.
        for line in lines[title.last + 1 : min(header_end, title.last + 3)]:
            if header.is_org(line.key.strip()):
                reply.issuer = line.raw.strip()
                break


def _read_footer(reply: ParsedReply, lines: list[Line], header_end: int) -> None:
    dated = footer.find_reply_date(lines, header_end + 1)
    if dated is None and header_end < len(lines):
        # A letter that arrived as one line: the signature and date end the salutation's line.
        dated = footer.find_reply_date(lines[: header_end + 1], header_end)
    if dated:
        reply.reply_date = dated[1]
        if reply.issuer is None:
            reply.issuer = footer.find_signature_issuer(lines, dated[0])
    reply.printed_by, reply.printed_on = footer.find_printed(lines)
    if reply.issuer is None and reply.printed_by and reply.printed_by.endswith("办公室"):
        reply.issuer = reply.printed_by.removesuffix("办公室") or None
    if reply.issuer is None:
        reply.issuer = footer.find_undated_signature(lines, header_end + 1)
    if reply.issuer is None:
        reply.issuer = header.find_metadata_issuer(lines)
    reply.contacts = footer.find_contacts(lines)
    reply.cc = footer.find_carbon_copies(lines)
