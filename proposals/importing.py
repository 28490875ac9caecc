"""Parsed reply letters to rows through the services: natural keys, one unit of work per file.

An import keeps its own provenance (source file, SHA-256, import time, and a ReplyChange
for every update), so its saves skip simple-history, which records what people change.

Importing is idempotent: the same bytes again are found by their SHA-256 and nothing is
written; the same letter with other content updates its reply (found by the natural key
proposal + bureau + round) in the fields the letter owns (proposals.ownership) and records
what changed in a ReplyChange, and where a clerk had corrected a field, the conflict.

Several imports may run at once (processes, workbench uploads) on overlapping letters. What
one letter writes is found or created by natural key, so two imports may reach for the same
missing row together; the database lets one have it (a unique constraint, or on PostgreSQL a
deadlock broken) and the other's letter is then imported again, whole, in a transaction of
its own with everything it remembered read afresh: it finds the row the other made. Bureau
names, which no constraint can tell apart (市工信局 is 焦作市工业和信息化局), are decided under
a lock per region (services.bureaus.BureauDirectory).
"""

import random
import time
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from itertools import islice

from django.core.exceptions import ValidationError
from django.db import DatabaseError, IntegrityError, OperationalError, connection

from proposals.access import OutsideRemit, import_remit
from proposals.derived import changes, precomputed
from proposals.models import Bureau, Grade, HeldLetter, ImportStatus, Reply, Session
from proposals.parsing import ParsedReply, Rejection
from proposals.parsing.files import LetterFile, letter_from_bytes
from proposals.parsing.header import region_of
from proposals.services.bureaus import BureauDirectory, RegionLockNeeded
from proposals.services.proposals import LetterProposals
from proposals.services.replies import letter_content, letter_hold, reply_from_letter


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
    conflicts: dict = field(default_factory=dict)
    # What a clerk must complete or check (a held letter, an incomplete copy).
    note: str | None = None

    def to_json(self) -> dict:
        return {
            "file": self.file,
            "status": str(self.status),
            "error": self.error,
            "note": self.note,
            "reply": self.reply.to_json() if self.reply else None,
        }


# Letters committed together (each within its own savepoint).
BATCH_FILES = 50
# Tries of a letter that loses a race with another import before it is rejected. Each lost
# race means another import made a row this letter needs, which the next try finds: a letter
# needs only a handful of such rows.
RACE_ATTEMPTS = 8
# Before each further try, a pause of a random share of RACE_PAUSE × 2^(try - 2) seconds, at
# most RACE_PAUSE_MAX: two imports that deadlocked would otherwise meet again at once.
RACE_PAUSE = 0.02
RACE_PAUSE_MAX = 0.5


@dataclass(frozen=True)
class _Raced:
    """A letter whose unit of work lost a race and was rolled back: it must be tried again."""

    error: DatabaseError


# How the databases say that a concurrent transaction got there first: SQLSTATE unique
# violation, foreign key violation (a bureau merged away meanwhile), serialization failure,
# deadlock detected, lock not available; SQLite's messages for the same, and for a write lock
# another process held past the busy timeout.
_RACE_SQLSTATES = {"23505", "23503", "40001", "40P01", "55P03"}
_RACE_MESSAGES = ("UNIQUE constraint failed", "FOREIGN KEY constraint failed", "database is locked")


def lost_race(error: DatabaseError) -> bool:
    """Whether `error` says another transaction got there first (so trying again can succeed),
    rather than that this letter's rows can never be written."""
    if not isinstance(error, IntegrityError | OperationalError):
        return False
    sqlstate = getattr(error.__cause__, "sqlstate", None)
    if sqlstate is not None:
        return sqlstate in _RACE_SQLSTATES
    return any(message in str(error) for message in _RACE_MESSAGES)


def pause_before(attempt: int) -> None:
    """Wait before try `attempt` (2, 3, …) of a unit of work that lost a race (RACE_PAUSE)."""
    time.sleep(random.uniform(0, min(RACE_PAUSE * 2 ** (attempt - 2), RACE_PAUSE_MAX)))


class LetterImporter:
    """Imports letters one unit of work each, remembering sessions and bureaus across a batch.

    What it may write is the actor's import remit (proposals.access.import_remit): a clerk's
    import creates the proposals, assignments and bureaus a letter reveals; a bureau
    officer's import only adds or updates that bureau's replies to proposals already
    assigned to it.
    """

    def __init__(self, defaults: LetterDefaults | None = None, *, actor) -> None:
        self.defaults = defaults or LetterDefaults()
        self.remit = import_remit(actor)
        self._forget()

    def _forget(self) -> None:
        # After a rollback, remembered rows may no longer exist.
        self._sessions: dict[tuple, Session | None] = {}
        self._proposals = LetterProposals(may_create=self.remit.may_create)
        self._bureaus = BureauDirectory()
        self._grades = set(Grade.objects.values_list("code", flat=True))

    def import_letter(self, *, name: str, data: bytes) -> ImportOutcome:
        """Import one file's bytes. Never raises for bad input: the outcome says what happened."""
        return self.import_file(letter_from_bytes(name, data))

    def import_file(self, letter: LetterFile) -> ImportOutcome:
        """Import one letter read and parsed by `read_letter(s)`, in a transaction of its own."""
        [outcome] = self._batch([letter])
        return outcome

    def import_letters(self, letters: Iterable[LetterFile]) -> Iterator[ImportOutcome]:
        """Import letters in order, yielding each outcome once it is committed.

        Up to BATCH_FILES letters share a transaction, each within a savepoint of its own:
        every file is still all or nothing, and the derived state is refreshed once per
        batch rather than once per file. Should a commit fail, each letter of the batch is
        imported again in a transaction of its own; so is a letter that lost a race.
        """
        remaining = iter(letters)
        while batch := list(islice(remaining, BATCH_FILES)):
            yield from self._batch(batch)

    def _batch(self, letters: Sequence[LetterFile]) -> list[ImportOutcome]:
        outcomes: list[ImportOutcome | _Raced] = []
        while len(outcomes) < len(letters):
            outcomes += self._attempt(letters[len(outcomes) :])
        return [
            self._again(letter, outcome) if isinstance(outcome, _Raced) else outcome
            for letter, outcome in zip(letters, outcomes, strict=True)
        ]

    def _again(self, letter: LetterFile, raced: _Raced) -> ImportOutcome:
        """A letter that lost a race, tried alone until it is written or found (RACE_ATTEMPTS);
        rejected, naming the last error, if it never is."""
        for attempt in range(1, RACE_ATTEMPTS):
            if attempt > 1:
                pause_before(attempt)
            [outcome] = self._attempt(letters=[letter])
            if not isinstance(outcome, _Raced):
                return outcome
            raced = outcome
        parsed = letter.result if isinstance(letter.result, ParsedReply) else None
        return ImportOutcome(
            letter.name,
            ImportStatus.REJECTED,
            f"与同时进行的导入冲突，试了 {RACE_ATTEMPTS} 次仍未写入（database error）：{raced.error}",
            parsed,
        )

    def _attempt(self, letters: Sequence[LetterFile]) -> list[ImportOutcome | _Raced]:
        """Letters from the first on, in one transaction; returns the outcomes of those it
        took (at least the first), _Raced for each that lost a race and was rolled back, and
        for all of them if the transaction itself failed.

        A letter that must add or rename a bureau is imported in a transaction of its own,
        which takes the region's lock before it writes anything (BureauDirectory.resolve):
        the transaction ends before such a letter and right after it. A transaction that waits
        for a region's lock then holds no rows another may be waiting for, so the lock never
        closes a deadlock, and it is held for one letter only.
        """
        taken: list[ImportOutcome | _Raced] = []
        try:
            with changes():
                _commit_without_waiting_for_disk()
                shas = [letter.sha256 for letter in letters if letter.sha256]
                known = {
                    sha
                    for model in (Reply, HeldLetter)
                    for sha in model.objects.filter(source_sha256__in=shas)
                    .order_by()
                    .values_list("source_sha256", flat=True)
                }
                self._bureaus.transaction_begins()
                for letter in letters:
                    outcome = self._import(letter, known, first=not taken)
                    if outcome is None:
                        break
                    taken.append(outcome)
                    if self._bureaus.locked:
                        break
            return taken
        except DatabaseError as error:
            # The commit failed (a deferred foreign key) or the transaction could not start
            # (SQLite's write lock): nothing of it was written.
            self._forget()
            if len(letters) == 1 and not lost_race(error):
                raise
            return [_Raced(error)] * (len(taken) or len(letters))

    def _import(
        self, letter: LetterFile, known: set[str], *, first: bool
    ) -> ImportOutcome | _Raced | None:
        """One letter within a batch: a savepoint of its own, `known` the SHA-256 already in;
        _Raced if it lost a race and was rolled back; None, having written nothing, if it
        must add or rename a bureau and is not the `first` of its transaction."""
        name, parsed = letter.name, letter.result
        if isinstance(parsed, Rejection):
            return ImportOutcome(name, ImportStatus.REJECTED, parsed.reason)
        parsed = with_defaults(parsed, self.defaults)
        missing = missing_key_parts(parsed)
        note = missing or (None if parsed.complete else INCOMPLETE_NOTE)
        if letter.sha256 in known:
            return ImportOutcome(name, ImportStatus.UNCHANGED, None, parsed, note=note)
        self._bureaus.may_lock = first
        try:
            with changes(isolated=True):
                if missing:
                    letter_hold(
                        parsed=parsed,
                        source_name=name,
                        sha256=letter.sha256,
                        reason=missing,
                        bureau_id=self.remit.bureau_id,
                    )
                    status, changed, conflicts = ImportStatus.HELD, {}, {}
                else:
                    if letter.index is not None:
                        precomputed(parsed.text, letter.index)
                    status, changed, conflicts = self._save(parsed, name, letter.sha256)
        except RegionLockNeeded:
            # Raised before the letter wrote a row (bureaus are resolved first): nothing
            # remembered was rolled back.
            return None
        except OutsideRemit as refusal:
            self._forget()
            return ImportOutcome(name, ImportStatus.REJECTED, refusal.messages[0], parsed)
        except (DatabaseError, ValidationError) as error:
            # What this letter's rolled-back savepoint made may still be remembered.
            self._forget()
            if isinstance(error, DatabaseError) and lost_race(error):
                return _Raced(error)
            return ImportOutcome(
                name, ImportStatus.REJECTED, f"数据库拒绝写入（database error）：{error}", parsed
            )
        known.add(letter.sha256)
        return ImportOutcome(name, status, None, parsed, changed, conflicts, note)

    def _session(self, parsed: ParsedReply) -> Session:
        key = (parsed.body, parsed.region or "", parsed.term, parsed.meeting)
        if key not in self._sessions:
            fields = dict(zip(("body", "region", "term", "meeting"), key, strict=True))
            if self.remit.may_create:
                # Every letter of a new session reaches for it: get_or_create, in a savepoint
                # of its own, reads the row another import created first instead of failing.
                session, _ = Session.objects.get_or_create(**fields)
            else:
                session = Session.objects.filter(**fields).order_by().first()
            self._sessions[key] = session
        if self._sessions[key] is None:
            raise OutsideRemit("系统中没有这次会议，承办单位不能导入；请提案委先登记")
        return self._sessions[key]

    def _issuer(self, parsed: ParsedReply, region: str) -> Bureau | None:
        if not parsed.issuer:
            bureau = None
        elif self.remit.may_create:
            bureau = self._bureaus.resolve(region=region, name=parsed.issuer)
        else:
            bureau = self._bureaus.find(region=region, name=parsed.issuer)
        if not self.remit.may_create and (bureau is None or bureau.pk != self.remit.bureau_id):
            raise OutsideRemit(f"只能导入本单位的答复函；此函的答复单位是{parsed.issuer or '不详'}")
        return bureau

    def _save(self, parsed: ParsedReply, source_name: str, sha256: str):
        """Write every row the letter implies; return the reply's status, changes and conflicts."""
        region = parsed.region or ""
        # Bureaus first: one that must be added takes its region's lock before this
        # transaction writes anything (see _attempt).
        bureau = self._issuer(parsed, region)
        co_handlers = [
            found
            for found in (self._co_handler(region, name) for name in parsed.co_handlers)
            if found is not None
        ]
        session = self._session(parsed)
        proposal, created = self._proposals.find_or_create(
            session=session,
            number=parsed.proposal_number,
            title=parsed.proposal_title,
            proposers=parsed.proposers,
            proposers_more=parsed.proposers_more,
        )
        if proposal is None or not (
            self.remit.may_create
            or proposal.assignments.active().filter(bureau=self.remit.bureau_id).exists()
        ):
            raise OutsideRemit(f"第{parsed.proposal_number}号未交办给本单位，不能导入其答复")
        notes = self._proposals.assignments_ensure(proposal, created, bureau, co_handlers)
        existing = None
        if not created:
            existing = (
                Reply.objects.filter(proposal=proposal, bureau=bureau, round=parsed.handling_round)
                .order_by()
                .first()
            )
        _, changed, conflicts = reply_from_letter(
            reply=existing,
            proposal=proposal,
            bureau=bureau,
            handling_round=parsed.handling_round,
            content=letter_content(parsed, self._grades),
            review_notes=_review_notes(parsed, bureau, notes),
            source_name=source_name,
            sha256=sha256,
        )
        if existing is None:
            return ImportStatus.IMPORTED, {}, {}
        if changed or conflicts:
            return ImportStatus.UPDATED, changed, conflicts
        return ImportStatus.UNCHANGED, {}, {}

    def _co_handler(self, region: str, name: str) -> Bureau | None:
        if self.remit.may_create:
            return self._bureaus.resolve(region=region, name=name)
        return self._bureaus.find(region=region, name=name)


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


INCOMPLETE_NOTE = "来函不完整（结尾缺失），收到完整文本前不算已答复"


def missing_key_parts(parsed: ParsedReply) -> str | None:
    """What a clerk must complete before the letter can be filed under its proposal (待补全),
    or None when it can be filed now."""
    missing = [
        label
        for label, known in (
            ("提案/建议编号", parsed.proposal_number is not None),
            ("会议届次", parsed.term is not None),
            ("政协提案还是人大建议", parsed.body is not None),
        )
        if not known
    ]
    return f"待补全：来函中找不到{'、'.join(missing)}" if missing else None


def _review_notes(parsed: ParsedReply, bureau: Bureau | None, notes: list[str]) -> list[str]:
    """What a clerk must complete or check on the reply this letter becomes."""
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
    if parsed.extractor == "ocr":
        notes = [*notes, f"文字由图像识别（置信度 {parsed.ocr_confidence}），请对照原件核对"]
    return [f"{'、'.join(missing)}不详", *notes] if missing else notes
