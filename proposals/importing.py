"""Parsed reply letters to rows: natural-key upserts, one transaction per file.

An import keeps its own provenance (source file, SHA-256, import time, and a ReplyChange
for every update), so its saves skip simple-history, which records what people change.

Importing is idempotent: the same bytes again are found by their SHA-256 and nothing is
written; the same letter with other content updates its reply (found by the natural key
proposal + bureau + round) and records what changed in a ReplyChange.
"""

from dataclasses import dataclass, field, replace
from enum import StrEnum

from django.core.exceptions import ValidationError
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from proposals.bureaus import BureauDirectory
from proposals.models import (
    Assignment,
    Bureau,
    CarbonCopy,
    Contact,
    Grade,
    Member,
    Proposal,
    ProposalProposer,
    Reply,
    ReplyChange,
    Session,
)
from proposals.parsing import ParsedReply, Rejection
from proposals.parsing.files import LetterFile, letter_from_bytes
from proposals.parsing.header import region_of
from proposals.services import proposals_derived_refresh


class ImportStatus(StrEnum):
    IMPORTED = "imported"
    UPDATED = "updated"
    UNCHANGED = "unchanged"
    REJECTED = "rejected"


@dataclass(frozen=True)
class LetterDefaults:
    """What the caller knows that a letter may leave implicit (a letter signed only 我局)."""

    issuer: str | None = None
    region: str | None = None
    body: str | None = None


@dataclass
class ImportOutcome:
    file: str
    status: ImportStatus
    error: str | None = None
    reply: ParsedReply | None = None
    changes: dict = field(default_factory=dict)

    def to_json(self) -> dict:
        return {
            "file": self.file,
            "status": str(self.status),
            "error": self.error,
            "reply": self.reply.to_json() if self.reply else None,
        }


# Compared on re-import; a difference in any of them makes the import an update.
_COMPARED_FIELDS = [
    "doc_number",
    "signer",
    "grade_id",
    "grade_raw",
    "reply_date",
    "text",
    "printed_by",
    "printed_on",
]


class LetterImporter:
    """Imports letters one transaction each, remembering sessions and bureaus across a batch."""

    def __init__(
        self, defaults: LetterDefaults | None = None, only_bureau: Bureau | None = None
    ) -> None:
        """`only_bureau`: accept only letters that this bureau issued (a bureau officer's upload)."""
        self.defaults = defaults or LetterDefaults()
        self.only_bureau = only_bureau
        self._forget()

    def _forget(self) -> None:
        # After a rollback, remembered rows may no longer exist.
        self._sessions: dict[tuple, Session] = {}
        self._members: dict[tuple, dict[str, Member]] = {}
        self._numbers: dict[int, set[int]] = {}
        self._bureaus = BureauDirectory()
        self._grades = set(Grade.objects.values_list("code", flat=True))

    def import_letter(self, *, name: str, data: bytes) -> ImportOutcome:
        """Import one file's bytes. Never raises for bad input: the outcome says what happened."""
        return self.import_file(letter_from_bytes(name, data))

    def import_file(self, letter: LetterFile) -> ImportOutcome:
        """Import a letter read and parsed by `read_letter(s)`."""
        name, parsed = letter.name, letter.result
        if isinstance(parsed, Rejection):
            return ImportOutcome(name, ImportStatus.REJECTED, parsed.reason)
        parsed = with_defaults(parsed, self.defaults)
        missing = missing_key_parts(parsed) or self._not_ours(parsed)
        if missing:
            return ImportOutcome(name, ImportStatus.REJECTED, missing, parsed)
        if Reply.objects.filter(source_sha256=letter.sha256).exists():
            return ImportOutcome(name, ImportStatus.UNCHANGED, None, parsed)
        try:
            with transaction.atomic():
                _commit_without_waiting_for_disk()
                status, changes = self._save(parsed, source_name=name, sha256=letter.sha256)
        except (DatabaseError, ValidationError) as error:
            self._forget()
            return ImportOutcome(
                name, ImportStatus.REJECTED, f"数据库拒绝写入（database error）：{error}", parsed
            )
        return ImportOutcome(name, status, None, parsed, changes)

    def _not_ours(self, parsed: ParsedReply) -> str | None:
        if self.only_bureau is None:
            return None
        issuer = self._bureaus.find(region=parsed.region or "", name=parsed.issuer or "")
        if issuer != self.only_bureau:
            return f"只能导入本单位（{self.only_bureau}）的答复函；此函的答复单位是{parsed.issuer or '不详'}"
        return None

    def _session(self, parsed: ParsedReply) -> Session:
        key = (parsed.body, parsed.region or "", parsed.term, parsed.meeting)
        if key not in self._sessions:
            fields = dict(zip(("body", "region", "term", "meeting"), key, strict=True))
            self._sessions[key] = Session.objects.filter(
                **fields
            ).order_by().first() or Session.objects.create(**fields)
        return self._sessions[key]

    def _numbers_of(self, session: Session) -> set[int]:
        """Numbers of the session's proposals, read once, so a new letter needs no lookup."""
        if session.pk not in self._numbers:
            found = Proposal.objects.filter(session=session).values_list("number", flat=True)
            self._numbers[session.pk] = set(found.order_by())
        return self._numbers[session.pk]

    def _members_of(self, session: Session) -> dict[str, Member]:
        """Members of the session's body and region by name, read once and kept up to date."""
        scope = (session.body, session.region)
        if scope not in self._members:
            found = Member.objects.filter(body=session.body, region=session.region).order_by()
            self._members[scope] = {member.name: member for member in found}
        return self._members[scope]

    def _save(
        self, parsed: ParsedReply, *, source_name: str, sha256: str
    ) -> tuple[ImportStatus, dict]:
        """Upsert every row the letter implies; return the reply's status and its changes."""
        region = parsed.region or ""
        session = self._session(parsed)
        bureau = self._bureaus.resolve(region=region, name=parsed.issuer) if parsed.issuer else None
        numbers = self._numbers_of(session)
        exists = parsed.proposal_number in numbers
        proposal, created = _proposal_upsert(session, parsed, self._members_of(session), exists)
        numbers.add(proposal.number)
        co_handlers = [self._bureaus.resolve(region=region, name=n) for n in parsed.co_handlers]
        notes = _assignments_ensure(proposal, created, bureau, co_handlers)
        values = _reply_values(parsed, bureau, notes, self._grades)
        status, changes = _reply_upsert(
            proposal, created, bureau, values, parsed, source_name, sha256
        )
        if status != ImportStatus.UNCHANGED:
            proposals_derived_refresh([proposal.pk])
        return status, changes


def _commit_without_waiting_for_disk() -> None:
    """Let PostgreSQL acknowledge this transaction's commit before its WAL reaches the disk.

    A server crash can then lose the last few imports, never corrupt them, and importing is
    idempotent: running the batch again restores them. It spares a disk flush per letter.
    """
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL synchronous_commit TO OFF")


def with_defaults(parsed: ParsedReply, defaults: LetterDefaults) -> ParsedReply:
    """The letter with what it leaves implicit filled from the caller's defaults."""
    issuer = parsed.issuer or defaults.issuer
    region = parsed.region or defaults.region
    if region is None and issuer and not parsed.issuer:
        region = region_of(issuer, None)
    return replace(parsed, issuer=issuer, region=region, body=parsed.body or defaults.body)


def missing_key_parts(parsed: ParsedReply) -> str | None:
    """Why the letter cannot be filed under a proposal, or None when it can."""
    if parsed.proposal_number is None:
        return "找不到提案/建议编号（第N号）（no proposal number）"
    if parsed.term is None:
        return "找不到会议届次（……届……次会议）（no session term）"
    if parsed.body is None:
        return (
            "无法判断是政协提案还是人大建议，请用 --body cppcc 或 --body npc 指定（body unknown）"
        )
    return None


def _reply_upsert(
    proposal: Proposal,
    proposal_created: bool,
    bureau: Bureau | None,
    values: dict,
    parsed: ParsedReply,
    source_name: str,
    sha256: str,
) -> tuple[ImportStatus, dict]:
    contacts = [(c.unit or "", c.name or "", c.phone or "") for c in parsed.contacts]
    copies = [(cc.recipient, cc.copies) for cc in parsed.cc]
    provenance = {
        "source_name": source_name,
        "source_sha256": sha256,
        "imported_at": timezone.now(),
    }
    reply = None
    if not proposal_created:
        reply = (
            Reply.objects.filter(proposal=proposal, bureau=bureau, round=parsed.handling_round)
            .order_by()
            .first()
        )
    if reply is None:
        reply = Reply(
            proposal=proposal, bureau=bureau, round=parsed.handling_round, **values, **provenance
        )
        reply.save_without_historical_record()
        _children_create(reply, contacts, copies)
        return ImportStatus.IMPORTED, {}

    changes = {
        name: [_jsonable(getattr(reply, name)), _jsonable(values[name])]
        for name in _COMPARED_FIELDS
        if getattr(reply, name) != values[name]
    }
    old_contacts = [tuple(c) for c in reply.contacts.values_list("unit", "name", "phone")]
    old_copies = [tuple(c) for c in reply.carbon_copies.values_list("recipient", "copies")]
    if old_contacts != contacts:
        changes["contacts"] = [old_contacts, contacts]
    if old_copies != copies:
        changes["cc"] = [old_copies, copies]
    if not changes:
        return ImportStatus.UNCHANGED, {}
    for name, value in (values | provenance).items():
        setattr(reply, name, value)
    reply.save_without_historical_record()
    reply.contacts.all().delete()
    reply.carbon_copies.all().delete()
    _children_create(reply, contacts, copies)
    ReplyChange.objects.create(
        reply=reply, source_name=source_name, source_sha256=sha256, changes=changes
    )
    return ImportStatus.UPDATED, changes


def _proposal_upsert(
    session: Session, parsed: ParsedReply, members: dict[str, Member], exists: bool
) -> tuple[Proposal, bool]:
    """The proposal the letter answers and whether it was created just now."""
    proposal = None
    if exists:
        proposal = Proposal.objects.get(session=session, number=parsed.proposal_number)
    created = proposal is None
    if created:
        proposal = Proposal(
            session=session,
            number=parsed.proposal_number,
            title=parsed.proposal_title or "",
            proposers_more=parsed.proposers_more,
        )
        proposal.save_without_historical_record()
    # What a clerk registered wins over what a letter says; a letter only fills gaps.
    elif not proposal.title and parsed.proposal_title:
        proposal.title = parsed.proposal_title
        proposal.save_without_historical_record(update_fields=["title"])
    if parsed.proposers and (created or not proposal.proposer_links.exists()):
        _members_ensure(session, parsed.proposers, members)
        ProposalProposer.objects.bulk_create(
            ProposalProposer(proposal=proposal, member=members[name], position=position)
            for position, name in enumerate(dict.fromkeys(parsed.proposers), start=1)
        )
        if parsed.proposers_more and not proposal.proposers_more:
            proposal.proposers_more = True
            proposal.save_without_historical_record(update_fields=["proposers_more"])
    return proposal, created


def _members_ensure(session: Session, names: list[str], members: dict[str, Member]) -> None:
    """Add the members named to `members`, creating those the database lacks."""
    missing = [
        Member(body=session.body, region=session.region, name=name)
        for name in dict.fromkeys(names)
        if name not in members
    ]
    for member in Member.objects.bulk_create(missing):
        members[member.name] = member


def _assignments_ensure(
    proposal: Proposal, created: bool, bureau: Bureau | None, co_handlers: list[Bureau]
) -> list[str]:
    """Create the lead and co-handler assignments the letter shows; return notes for a clerk."""
    notes = []
    existing = (
        {} if created else dict(proposal.assignments.order_by().values_list("bureau_id", "role"))
    )
    new = []
    if bureau and bureau.pk not in existing:
        if Assignment.Role.LEAD in existing.values():
            notes.append("答复单位不是该件的主办单位")
        else:
            new.append(Assignment(proposal=proposal, bureau=bureau, role=Assignment.Role.LEAD))
            existing[bureau.pk] = Assignment.Role.LEAD
    for co_handler in co_handlers:
        if co_handler.pk not in existing:
            new.append(
                Assignment(proposal=proposal, bureau=co_handler, role=Assignment.Role.CO_HANDLER)
            )
            existing[co_handler.pk] = Assignment.Role.CO_HANDLER
    Assignment.objects.bulk_create(new)
    return notes


def _reply_values(
    parsed: ParsedReply, bureau: Bureau | None, notes: list[str], grades: set[str]
) -> dict:
    missing = [
        label
        for label, known in [
            ("答复单位", bureau),
            ("地区", parsed.region),
            ("提出人", parsed.proposers),
            ("答复日期", parsed.reply_date),
        ]
        if not known
    ]
    if missing:
        notes = [f"{'、'.join(missing)}不详", *notes]
    return {
        "doc_number": parsed.doc_number or "",
        "signer": parsed.signer or "",
        "grade_id": parsed.grade if parsed.grade in grades else None,
        "grade_raw": parsed.grade_raw or "",
        "reply_date": parsed.reply_date,
        "text": parsed.text,
        "printed_by": parsed.printed_by or "",
        "printed_on": parsed.printed_on,
        "needs_review": bool(notes),
        "review_note": "；".join(notes)[:255],
    }


def _children_create(reply: Reply, contacts: list[tuple], copies: list[tuple]) -> None:
    Contact.objects.bulk_create(
        Contact(reply=reply, position=i, unit=unit, name=name, phone=phone)
        for i, (unit, name, phone) in enumerate(contacts, start=1)
    )
    CarbonCopy.objects.bulk_create(
        CarbonCopy(reply=reply, position=i, recipient=recipient, copies=count)
        for i, (recipient, count) in enumerate(copies, start=1)
    )


def _jsonable(value):
    return value.isoformat() if hasattr(value, "isoformat") else value
