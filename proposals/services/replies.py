"""Replies: from letters, from bureaus online, corrected by clerks; graded, reviewed, published.

Field ownership is proposals.ownership: a letter (or its bureau) writes the letter's fields;
a clerk's correction of one of them sticks (re-imports record a conflict instead of writing
over it); the grade that counts, publication and review are clerk decisions. Every change to
an existing reply is kept in ReplyChange, field by field, with who made it.
"""

import difflib
from dataclasses import dataclass
from datetime import date

from django.core.exceptions import ValidationError
from django.utils import timezone

from proposals.access import (
    is_clerk,
    require_bureau_or_clerk,
    require_clerk,
    user_or_none,
)
from proposals.derived import service
from proposals.models import (
    Bureau,
    CarbonCopy,
    Contact,
    Grade,
    HeldLetter,
    Proposal,
    Rehandling,
    Reply,
    ReplyChange,
)
from proposals.ownership import LETTER_REPLY_FIELDS
from proposals.parsing import ParsedReply

ContactRow = tuple[str, str, str]  # unit, name, phone
CopyRow = tuple[str, int | None]  # recipient, copies
# A changed text is recorded by its changed lines, not twice in full.
TEXT_CHANGE_LINES = 20


@dataclass
class LetterContent:
    """What a letter (or a bureau's online form) says: the letter-owned fields of a reply.
    Contacts and copies left None are not part of the change."""

    values: dict
    contacts: list[ContactRow] | None = None
    cc: list[CopyRow] | None = None
    # How the letter's text was read (an imported file only): kept with the file's name.
    extractor: str = ""
    ocr_confidence: int | None = None

    def __post_init__(self) -> None:
        unknown = set(self.values) - set(LETTER_REPLY_FIELDS)
        if unknown:
            raise ValueError(f"not letter-owned: {sorted(unknown)}")


def _contacts_of(reply: Reply) -> list[ContactRow]:
    return [tuple(row) for row in reply.contacts.values_list("unit", "name", "phone")]


def _copies_of(reply: Reply) -> list[CopyRow]:
    return [tuple(row) for row in reply.carbon_copies.values_list("recipient", "copies")]


def _children_replace(
    reply: Reply,
    contacts: list[ContactRow] | None,
    cc: list[CopyRow] | None,
    *,
    new: bool = False,
) -> None:
    """Write the reply's contacts and copies (None: leave them); `new`: it has none yet."""
    if contacts is not None:
        if not new:
            reply.contacts.all().delete()
        Contact.objects.bulk_create(
            Contact(reply=reply, position=i, unit=unit, name=name, phone=phone)
            for i, (unit, name, phone) in enumerate(contacts, start=1)
        )
    if cc is not None:
        if not new:
            reply.carbon_copies.all().delete()
        CarbonCopy.objects.bulk_create(
            CarbonCopy(reply=reply, position=i, recipient=recipient, copies=count)
            for i, (recipient, count) in enumerate(cc, start=1)
        )


def _recorded(name: str, old, new) -> list:
    """How a change of one field is kept: old and new values, a text by its changed lines."""
    if name == "text":
        removed, added = [], []
        for line in difflib.ndiff(old.splitlines(), new.splitlines()):
            if line.startswith("- "):
                removed.append(line[2:])
            elif line.startswith("+ "):
                added.append(line[2:])
        return ["\n".join(removed[:TEXT_CHANGE_LINES]), "\n".join(added[:TEXT_CHANGE_LINES])]
    return [_jsonable(old), _jsonable(new)]


def _jsonable(value):
    if hasattr(value, "isoformat"):
        return value.isoformat()
    if isinstance(value, tuple | list):
        return [_jsonable(item) for item in value]
    return value


def _differences(reply: Reply, content: LetterContent) -> dict[str, tuple]:
    """field → (old, new) for every letter-owned field `content` would change."""
    differences = {
        name: (getattr(reply, name), value)
        for name, value in content.values.items()
        if getattr(reply, name) != value
    }
    for name, old, new in (
        ("contacts", _contacts_of(reply), content.contacts),
        ("cc", _copies_of(reply), content.cc),
    ):
        if new is not None and old != list(new):
            differences[name] = (old, list(new))
    return differences


def _apply(reply: Reply, differences: dict[str, tuple]) -> None:
    for name, (_, new) in differences.items():
        if name not in ("contacts", "cc"):
            setattr(reply, name, new)
    reply.save()
    _children_replace(
        reply,
        differences["contacts"][1] if "contacts" in differences else None,
        differences["cc"][1] if "cc" in differences else None,
    )


def current_round(proposal: Proposal) -> int:
    return 2 if Rehandling.objects.filter(proposal=proposal).exists() else 1


def reply_submit_check(*, proposal: Proposal, bureau: Bureau, actor) -> int:
    """The round a reply from `bureau` would answer; ValidationError if it is refused."""
    require_bureau_or_clerk(actor, bureau.pk, "为该单位提交答复")
    if not proposal.assignments.active().filter(bureau=bureau).exists():
        raise ValidationError(f"{proposal}没有交办给{bureau}。")
    handling_round = current_round(proposal)
    if Reply.objects.filter(proposal=proposal, bureau=bureau, round=handling_round).exists():
        raise ValidationError(f"{bureau}第{handling_round}轮的答复已经录入，请修改原答复。")
    return handling_round


@service
def reply_submit(*, proposal: Proposal, bureau: Bureau, content: LetterContent, actor) -> Reply:
    """A bureau answers online (or a clerk types a paper reply in): a reply for the current
    round, from a bureau the proposal is assigned to. A bureau's own reply awaits review."""
    handling_round = reply_submit_check(proposal=proposal, bureau=bureau, actor=actor)
    by_bureau = not is_clerk(actor)
    reply = Reply(
        proposal=proposal,
        bureau=bureau,
        round=handling_round,
        needs_review=by_bureau,
        review_note="承办单位在线提交，待提案委审核" if by_bureau else "",
        **content.values,
    )
    reply.full_clean(validate_constraints=False)
    reply.save()
    _children_replace(reply, content.contacts, content.cc, new=True)
    return reply


@service
def reply_edit(*, reply: Reply, content: LetterContent, actor) -> ReplyChange | None:
    """Change the letter-owned fields of a reply. A clerk's change is a correction that
    later imports will not overwrite; a bureau's change of its own reply goes back to the
    clerks for review. Returns the change recorded, or None when nothing changed."""
    require_bureau_or_clerk(actor, reply.bureau_id, "修改这份答复")
    differences = _differences(reply, content)
    if not differences:
        return None
    clerk = is_clerk(actor)
    if clerk:
        reply.corrected_fields = sorted(set(reply.corrected_fields) | set(differences))
    else:
        reply.needs_review = True
        reply.review_note = "承办单位修改了答复，待提案委审核"
    _apply(reply, differences)
    return ReplyChange.objects.create(
        reply=reply,
        kind=ReplyChange.Kind.CLERK if clerk else ReplyChange.Kind.BUREAU,
        recorded_by=user_or_none(actor),
        changes={name: _recorded(name, *pair) for name, pair in differences.items()},
    )


@service
def reply_from_letter(
    *,
    reply: Reply | None,
    proposal: Proposal,
    bureau: Bureau | None,
    handling_round: int,
    content: LetterContent,
    review_notes: list[str],
    source_name: str,
    sha256: str,
) -> tuple[Reply, dict, dict]:
    """Create or update the reply a letter is (remit is the importer's to check).

    Returns the reply, the changes made ({} for a new reply) and the conflicts with a clerk's
    corrections that were left as the clerk had them.
    """
    provenance = {
        "source_name": source_name,
        "source_sha256": sha256,
        "imported_at": timezone.now(),
        "extractor": content.extractor,
        "ocr_confidence": content.ocr_confidence,
    }
    review = {"needs_review": bool(review_notes), "review_note": "；".join(review_notes)[:255]}
    if (
        reply is not None
        and reply.counts
        and content.values.get("completeness") == Reply.Completeness.INCOMPLETE
    ):
        # A cut-off copy of a letter whose complete text is in already changes nothing.
        return reply, {}, {}
    if reply is None:
        reply = Reply(
            proposal=proposal,
            bureau=bureau,
            round=handling_round,
            **content.values,
            **provenance,
            **review,
        )
        reply.save_without_historical_record()
        _children_replace(reply, content.contacts, content.cc, new=True)
        return reply, {}, {}
    differences = _differences(reply, content)
    conflicts = {
        name: _recorded(name, *pair)
        for name, pair in differences.items()
        if name in reply.corrected_fields
    }
    changes = {name: pair for name, pair in differences.items() if name not in conflicts}
    if not changes and not conflicts:
        return reply, {}, {}
    for name, value in provenance.items():
        setattr(reply, name, value)
    if conflicts:
        review_notes = [*review_notes, "再次导入的来函与工作人员的更正不一致"]
    reply.needs_review = bool(review_notes)
    reply.review_note = "；".join(review_notes)[:255]
    reply.skip_history_when_saving = True
    try:
        _apply(reply, changes)
    finally:
        del reply.skip_history_when_saving
    recorded = {name: _recorded(name, *pair) for name, pair in changes.items()}
    ReplyChange.objects.create(
        reply=reply,
        kind=ReplyChange.Kind.IMPORT,
        source_name=source_name,
        source_sha256=sha256,
        changes=recorded,
        conflicts=conflicts,
    )
    return reply, recorded, conflicts


def letter_content(parsed: ParsedReply, grades: set[str]) -> LetterContent:
    """The letter-owned fields of a reply as a parsed letter gives them."""
    return LetterContent(
        values={
            "doc_number": parsed.doc_number or "",
            "signer": parsed.signer or "",
            "proposed_grade_id": parsed.grade if parsed.grade in grades else None,
            "grade_raw": parsed.grade_raw or "",
            "reply_date": parsed.reply_date,
            "text": parsed.text,
            "printed_by": parsed.printed_by or "",
            "printed_on": parsed.printed_on,
            "completeness": Reply.Completeness.COMPLETE
            if parsed.complete
            else Reply.Completeness.INCOMPLETE,
        },
        contacts=[(c.unit or "", c.name or "", c.phone or "") for c in parsed.contacts],
        cc=[(cc.recipient, cc.copies) for cc in parsed.cc],
        extractor=parsed.extractor,
        ocr_confidence=parsed.ocr_confidence,
    )


@service
def letter_hold(
    *, parsed: ParsedReply, source_name: str, sha256: str, reason: str, bureau_id: int | None
) -> HeldLetter:
    """Keep a real reply that cannot be filed yet, with everything read, for a clerk (待补全)."""
    return HeldLetter.objects.create(
        source_name=source_name,
        source_sha256=sha256,
        text=parsed.text,
        fields=parsed.to_json(),
        handling_round=parsed.handling_round,
        complete=parsed.complete,
        reason=reason[:255],
        bureau_id=bureau_id,
    )


@service
def reply_grade_decide(*, reply: Reply, grade: Grade | None, actor) -> Reply:
    """A clerk sets the grade that counts (None: the bureau's proposed grade confirmed)."""
    require_clerk(actor, "确定办理结果")
    chosen = grade or reply.proposed_grade
    if chosen is None:
        raise ValidationError("承办单位没有提出办理结果，请选择一个类别。")
    reply.grade = chosen
    reply.save(update_fields=["grade"])
    return reply


@service
def reply_review_done(*, reply: Reply, actor) -> Reply:
    """A clerk has checked what an import or a bureau flagged on this reply."""
    require_clerk(actor, "审核答复")
    reply.needs_review, reply.review_note = False, ""
    reply.save(update_fields=["needs_review", "review_note"])
    return reply


@service
def reply_publish(*, reply: Reply, on: date, actor) -> Reply:
    """Make a reply public; its contact details stay masked on public pages."""
    require_clerk(actor, "公开答复")
    if not reply.counts:
        raise ValidationError("答复不完整，收到完整文本后才能公开。")
    if reply.published_on is None:
        reply.published_on = on
        reply.save(update_fields=["published_on"])
    return reply


@service
def reply_delete(*, reply: Reply, actor) -> None:
    require_clerk(actor, "删除答复")
    reply.delete()


@service
def letter_complete(
    *,
    held: HeldLetter,
    proposal: Proposal,
    bureau: Bureau | None,
    handling_round: int,
    actor,
) -> Reply:
    """A clerk files a held letter under its proposal; it becomes an ordinary reply."""
    require_clerk(actor, "补全来函")
    if held.status != HeldLetter.Status.OPEN:
        raise ValidationError("这封来函已经补全过了。")
    if (
        held.bureau_id is not None
        and not proposal.assignments.active().filter(bureau=held.bureau_id).exists()
    ):
        raise ValidationError(f"这封来函由承办单位上传，{proposal}没有交办给该单位。")
    parsed = ParsedReply.from_json(held.fields, text=held.text, handling_round=handling_round)
    grades = set(Grade.objects.values_list("code", flat=True))
    existing = Reply.objects.filter(proposal=proposal, bureau=bureau, round=handling_round).first()
    reply, _, _ = reply_from_letter(
        reply=existing,
        proposal=proposal,
        bureau=bureau,
        handling_round=handling_round,
        content=letter_content(parsed, grades),
        review_notes=[],
        source_name=held.source_name,
        sha256=held.source_sha256,
    )
    held.status, held.reply = HeldLetter.Status.DONE, reply
    held.save(update_fields=["status", "reply"])
    return reply
