"""Proposals as registered: created by clerks (or from a reply letter), their registration
fields and proposers, and the assignments a letter reveals."""

from collections.abc import Iterable

from django.core.exceptions import ValidationError

from proposals.access import require_clerk
from proposals.derived import service
from proposals.models import Assignment, Bureau, Member, Proposal, ProposalProposer, Session
from proposals.ownership import REGISTER_FIELDS

# Registration fields a clerk edits on a proposal's page. Closing and everything derived
# have services of their own.
REGISTRATION_FIELDS = [
    "session",
    "number",
    "title",
    "proposers_more",
    "category",
    "is_key",
    "disposition",
    "filed_on",
]


def _proposers_set(proposal: Proposal, members: list[Member], *, new: bool = False) -> None:
    wanted = list(dict.fromkeys(members))
    current = [] if new else _proposers_of(proposal)
    if current == wanted:
        return
    if current:
        proposal.proposer_links.all().delete()
    ProposalProposer.objects.bulk_create(
        ProposalProposer(proposal=proposal, member=member, position=position)
        for position, member in enumerate(wanted, start=1)
    )


@service
def proposal_save(*, proposal: Proposal, proposers: list[Member] | None = None, actor) -> Proposal:
    """A clerk registers a proposal or corrects its registration fields (and proposers, in
    order, when given). The closing date and the derived state are not registration."""
    require_clerk(actor, "登记或修改提案/建议")
    if proposal.pk is not None:
        stored = Proposal.objects.get(pk=proposal.pk)
        if stored.closed_on != proposal.closed_on:
            raise ValidationError("办结日期只能通过“办结”操作设定。")
        # What a clerk changes here wins over the register's next import.
        changed = [
            name
            for name in REGISTER_FIELDS
            if name != "proposers" and getattr(stored, name) != getattr(proposal, name)
        ]
        if proposers is not None and proposers != _proposers_of(stored):
            changed.append("proposers")
        proposal.corrected_fields = sorted({*stored.corrected_fields, *changed})
    elif proposal.closed_on is not None:
        raise ValidationError("新登记的提案/建议不能直接办结。")
    registration_save(proposal, proposers)
    return proposal


def registration_save(
    proposal: Proposal, proposers: list[Member] | None, *, imported: bool = False
) -> None:
    """Validate and save a proposal's registration and its proposers (for the services).

    `imported`: written by a register import, which has found the proposal by its key and
    keeps its own record of what it changed (RegisterImport), as letters do.
    """
    new = proposal.pk is None
    if imported:
        # The importer looked the number up and holds the session row: no query re-checks them.
        proposal.full_clean(exclude=["session"], validate_unique=False)
        proposal.save_without_historical_record()
    else:
        proposal.full_clean()
        proposal.save()
    if proposers is not None:
        _proposers_set(proposal, proposers, new=new)


def _proposers_of(proposal: Proposal) -> list[Member]:
    return [link.member for link in proposal.proposer_links.select_related("member")]


@service
def proposal_delete(*, proposal: Proposal, actor) -> None:
    require_clerk(actor, "删除提案/建议")
    proposal.delete()


class LetterProposals:
    """The writes a reply letter implies for its proposal, within an import's remit.

    Caches what a batch reads repeatedly (numbers per session, members per region): callers
    that roll back a transaction must drop the instance.
    """

    def __init__(self, *, may_create: bool) -> None:
        self.may_create = may_create
        self._numbers: dict[int, set[int]] = {}
        self._members: dict[tuple, dict[str, Member]] = {}

    def _numbers_of(self, session: Session) -> set[int]:
        if session.pk not in self._numbers:
            found = Proposal.objects.filter(session=session).values_list("number", flat=True)
            self._numbers[session.pk] = set(found.order_by())
        return self._numbers[session.pk]

    def _members_of(self, session: Session) -> dict[str, Member]:
        scope = (session.body, session.region)
        if scope not in self._members:
            found = Member.objects.filter(body=session.body, region=session.region).order_by()
            self._members[scope] = {member.name: member for member in found}
        return self._members[scope]

    def find_or_create(
        self,
        *,
        session: Session,
        number: int,
        title: str | None,
        proposers: list[str],
        proposers_more: bool,
    ) -> tuple[Proposal | None, bool]:
        """The proposal numbered `number`, created when new (and allowed); a letter fills
        only what a clerk left empty. Returns (proposal or None, created)."""
        numbers = self._numbers_of(session)
        proposal = None
        if number in numbers:
            proposal = Proposal.objects.get(session=session, number=number)
        elif not self.may_create:
            return None, False
        created = proposal is None
        if created:
            proposal = Proposal(
                session=session, number=number, title=title or "", proposers_more=proposers_more
            )
            proposal.save_without_historical_record()
            numbers.add(number)
        elif not proposal.title and title:
            proposal.title = title
            proposal.save_without_historical_record(update_fields=["title"])
        if proposers and (created or not proposal.proposer_links.exists()):
            members = self._members_of(session)
            missing = [name for name in dict.fromkeys(proposers) if name not in members]
            if missing:
                # Another import may be adding the same members: their rows are kept, and
                # read back with these, instead of this letter failing on the constraint.
                Member.objects.bulk_create(
                    [Member(body=session.body, region=session.region, name=n) for n in missing],
                    ignore_conflicts=True,
                )
                members.update(
                    (member.name, member)
                    for member in Member.objects.filter(
                        body=session.body, region=session.region, name__in=missing
                    ).order_by()
                )
            ProposalProposer.objects.bulk_create(
                ProposalProposer(proposal=proposal, member=members[name], position=position)
                for position, name in enumerate(dict.fromkeys(proposers), start=1)
            )
            if proposers_more and not proposal.proposers_more:
                proposal.proposers_more = True
                proposal.save_without_historical_record(update_fields=["proposers_more"])
        return proposal, created

    def assignments_ensure(
        self, proposal: Proposal, created: bool, lead: Bureau | None, co_handlers: Iterable[Bureau]
    ) -> list[str]:
        """The lead and co-handler assignments the letter shows, made when missing (a clerk's
        import only; their dates wait for a clerk). Returns notes for the clerk's review."""
        notes = []
        existing = (
            {}
            if created
            else dict(proposal.assignments.order_by().values_list("bureau_id", "role"))
        )
        new = []
        if lead and lead.pk not in existing:
            if Assignment.Role.LEAD in existing.values():
                notes.append("答复单位不是该件的主办单位")
            elif self.may_create:
                new.append(Assignment(proposal=proposal, bureau=lead, role=Assignment.Role.LEAD))
                existing[lead.pk] = Assignment.Role.LEAD
        for co_handler in co_handlers:
            if co_handler.pk not in existing and self.may_create:
                new.append(
                    Assignment(
                        proposal=proposal, bureau=co_handler, role=Assignment.Role.CO_HANDLER
                    )
                )
                existing[co_handler.pk] = Assignment.Role.CO_HANDLER
        for assignment in new:
            # A letter's assignments are provenance of the import, not a person's change.
            assignment.save_without_historical_record()
        return notes
