"""Which fields a reply letter owns and which a clerk owns, declared once.

A re-import of a letter updates only the fields the letter owns, and among them not those a
clerk has corrected (`Reply.corrected_fields`): a difference there is recorded as a conflict
and shown, never written over. A letter fills a proposal's registration fields only where
they are empty: what a clerk registered wins.
"""

# Written by the letter (or by its bureau editing it online); correctable by a clerk.
LETTER_REPLY_FIELDS = [
    "doc_number",
    "signer",
    "proposed_grade_id",
    "grade_raw",
    "reply_date",
    "text",
    "printed_by",
    "printed_on",
    "completeness",
]
LETTER_REPLY_CHILDREN = ["contacts", "cc"]
LETTER_OWNED = LETTER_REPLY_FIELDS + LETTER_REPLY_CHILDREN

# Decided by clerks only, through their own services: the grade that counts, publication,
# and the review of what an import or a bureau flagged.
CLERK_REPLY_FIELDS = ["grade_id", "published_on", "needs_review", "review_note"]

# A proposal's fields a letter may fill when a clerk has left them empty.
LETTER_FILLS_PROPOSAL = ["title", "proposers", "proposers_more"]

# A proposal's fields the session's register (立案名单) sets: on a re-import it updates them,
# except those a clerk has corrected on the proposal's page (`Proposal.corrected_fields`).
REGISTER_FIELDS = ["title", "proposers", "category", "is_key", "filed_on"]

LABELS = {
    "doc_number": "文号",
    "signer": "签发人",
    "proposed_grade_id": "承办单位所定办理结果",
    "grade_raw": "办理结果（原文）",
    "reply_date": "答复日期",
    "text": "答复全文",
    "printed_by": "印发单位",
    "printed_on": "印发日期",
    "completeness": "完整性",
    "title": "案由",
    "proposers": "提出人",
    "category": "类别",
    "is_key": "重点",
    "filed_on": "立案日期",
    "assignments": "交办",
    "name": "名称",
    "aliases": "简称",
    "region": "地区",
    "sector": "界别",
    "delegation": "代表团",
    "phone": "联系电话",
    "contacts": "联系人",
    "cc": "抄送",
    "grade_id": "办理结果",
    "published_on": "公开日期",
    "needs_review": "待审核",
    "review_note": "待审核事项",
}


def label(field: str) -> str:
    return LABELS.get(field, field)
