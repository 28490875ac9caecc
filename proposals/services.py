"""Writes that clerks and bureaus make; the importer, the admin and the views call these.

Each validates, raises ValidationError with a message a clerk can act on, and saves inside
a transaction.
"""

from collections.abc import Iterable
from datetime import date

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import transaction

from proposals.models import (
    Assignment,
    Bureau,
    ExtensionRequest,
    Feedback,
    Grade,
    Member,
    Proposal,
    Rehandling,
    Reply,
    RequestStatus,
    ReturnRequest,
)
from proposals.rules import deadline_rules
from proposals.search import search_index_refresh


def _status_refresh(*proposal_ids: int) -> None:
    Proposal.objects.filter(pk__in=proposal_ids).refresh_stored_status()


def proposals_derived_refresh(proposal_ids: Iterable[int]) -> None:
    """Bring the stored status and the search index of these proposals up to date.

    For writes that go around the services: imports and the admin's own forms and deletes.
    """
    proposals = Proposal.objects.filter(pk__in=list(proposal_ids))
    proposals.refresh_stored_status()
    search_index_refresh(proposals.only("title"))


def reply_due_on(assigned_on: date) -> date:
    """The reply deadline of a lead assignment made on `assigned_on`."""
    return deadline_rules().due_on(assigned_on, Assignment.Role.LEAD)


@transaction.atomic
def assignment_create(
    *, proposal: Proposal, bureau: Bureau, role: str, assigned_on: date
) -> Assignment:
    """Assign `proposal` to `bureau`, its due date computed from the rule for `role`."""
    assignment = Assignment(
        proposal=proposal,
        bureau=bureau,
        role=role,
        assigned_on=assigned_on,
        due_on=deadline_rules().due_on(assigned_on, role),
    )
    if role == Assignment.Role.LEAD and proposal.assignments.active().filter(role=role).exists():
        raise ValidationError(f"{proposal}已有主办单位；如需改交，请先办理退回。")
    if proposal.assignments.filter(bureau=bureau).exists():
        raise ValidationError(f"{proposal}已交办给{bureau}。")
    assignment.full_clean(validate_constraints=False)
    assignment.save()
    _status_refresh(proposal.pk)
    return assignment


@transaction.atomic
def proposals_assign(
    *,
    proposals: Iterable[Proposal],
    lead: Bureau,
    co_handlers: Iterable[Bureau] = (),
    assigned_on: date,
) -> list[Assignment]:
    """Assign each proposal to one lead bureau and the co-handlers; all or none."""
    co_handlers = [b for b in co_handlers if b != lead]
    created = []
    for proposal in proposals:
        created.append(
            assignment_create(
                proposal=proposal, bureau=lead, role=Assignment.Role.LEAD, assigned_on=assigned_on
            )
        )
        created += [
            assignment_create(
                proposal=proposal,
                bureau=bureau,
                role=Assignment.Role.CO_HANDLER,
                assigned_on=assigned_on,
            )
            for bureau in co_handlers
        ]
    return created


def _require_standing(assignment: Assignment) -> None:
    if assignment.returned_on is not None:
        raise ValidationError(f"{assignment}已于{assignment.returned_on}退回。")
    if assignment.assigned_on is None:
        raise ValidationError(f"{assignment}没有交办日期，请先补录。")


def extension_request_check(*, assignment: Assignment, requested_due_on: date, reason: str) -> None:
    """Raise ValidationError unless the bureau may ask for this extension."""
    _require_standing(assignment)
    cap = deadline_rules().extension_cap(assignment.assigned_on)
    if assignment.due_on and requested_due_on <= assignment.due_on:
        raise ValidationError(f"申请的期限应晚于现有期限 {assignment.due_on}。")
    if requested_due_on > cap:
        raise ValidationError(
            f"延期不能超过交办后 {deadline_rules().extension_cap_months} 个月（{cap}）。"
        )
    if not reason.strip():
        raise ValidationError("请说明延期理由。")
    if assignment.extension_requests.filter(status=RequestStatus.PENDING).exists():
        raise ValidationError("已有一项延期申请在等待审批。")


@transaction.atomic
def extension_request_create(
    *,
    assignment: Assignment,
    requested_due_on: date,
    reason: str,
    user: AbstractBaseUser | None,
    today: date,
) -> ExtensionRequest:
    """A bureau asks for a later due date, no later than the extension cap."""
    extension_request_check(assignment=assignment, requested_due_on=requested_due_on, reason=reason)
    return ExtensionRequest.objects.create(
        assignment=assignment,
        requested_due_on=requested_due_on,
        reason=reason,
        requested_by=user,
        requested_on=today,
    )


@transaction.atomic
def extension_decide(
    *,
    request: ExtensionRequest,
    approve: bool,
    user: AbstractBaseUser | None,
    today: date,
    note: str = "",
) -> ExtensionRequest:
    """A clerk approves (moving the due date) or refuses an extension request."""
    if request.status != RequestStatus.PENDING:
        raise ValidationError("这项申请已经审批过了。")
    request.status = RequestStatus.APPROVED if approve else RequestStatus.REFUSED
    request.decided_by, request.decided_on, request.decision_note = user, today, note
    request.save()
    if approve:
        assignment = request.assignment
        assignment.due_on = request.requested_due_on
        assignment.save(update_fields=["due_on"])
        _status_refresh(assignment.proposal_id)
    return request


def return_request_check(*, assignment: Assignment, reason: str, today: date) -> None:
    """Raise ValidationError unless the bureau may still ask to return this assignment."""
    _require_standing(assignment)
    window_ends = deadline_rules().return_deadline(assignment.assigned_on)
    if today > window_ends:
        raise ValidationError(
            f"退回须在交办后 {deadline_rules().return_window_days} 天内（{window_ends}前）提出。"
        )
    if not reason.strip():
        raise ValidationError("请说明退回理由。")
    if assignment.return_requests.filter(status=RequestStatus.PENDING).exists():
        raise ValidationError("已有一项退回申请在等待审批。")


@transaction.atomic
def return_request_create(
    *, assignment: Assignment, reason: str, user: AbstractBaseUser | None, today: date
) -> ReturnRequest:
    """A bureau asks to hand back an assignment, within the return window after assignment."""
    return_request_check(assignment=assignment, reason=reason, today=today)
    return ReturnRequest.objects.create(
        assignment=assignment, reason=reason, requested_by=user, requested_on=today
    )


@transaction.atomic
def return_decide(
    *,
    request: ReturnRequest,
    approve: bool,
    user: AbstractBaseUser | None,
    today: date,
    reassign_to: Bureau | None = None,
    note: str = "",
) -> ReturnRequest:
    """A clerk approves a return (and may re-assign the same role to another bureau) or refuses it."""
    if request.status != RequestStatus.PENDING:
        raise ValidationError("这项申请已经审批过了。")
    request.status = RequestStatus.APPROVED if approve else RequestStatus.REFUSED
    request.decided_by, request.decided_on, request.decision_note = user, today, note
    if approve:
        returned = request.assignment
        returned.returned_on = today
        returned.save(update_fields=["returned_on"])
        _status_refresh(returned.proposal_id)
        if reassign_to is not None:
            request.reassigned_to = assignment_create(
                proposal=returned.proposal,
                bureau=reassign_to,
                role=returned.role,
                assigned_on=today,
            )
    request.save()
    return request


@transaction.atomic
def co_handler_opinion_record(*, assignment: Assignment, on: date) -> Assignment:
    """A co-handler has given its opinion to the lead bureau."""
    if assignment.role != Assignment.Role.CO_HANDLER:
        raise ValidationError("只有协办单位提出协办意见。")
    _require_standing(assignment)
    assignment.opinion_on = on
    assignment.save(update_fields=["opinion_on"])
    _status_refresh(assignment.proposal_id)
    return assignment


def feedback_check(*, proposal: Proposal, member: Member) -> int:
    """The handling round `member`'s feedback would belong to; ValidationError if refused."""
    handling_round = 2 if Rehandling.objects.filter(proposal=proposal).exists() else 1
    if not proposal.replies.filter(round=handling_round).exists():
        raise ValidationError(f"第{handling_round}轮尚未答复，不能录入反馈。")
    if not proposal.proposer_links.filter(member=member).exists():
        raise ValidationError(f"{member}不是该件的提出人。")
    if proposal.feedback.filter(member=member, round=handling_round).exists():
        raise ValidationError(f"{member}第{handling_round}轮的反馈已录入。")
    return handling_round


@transaction.atomic
def feedback_record(
    *,
    proposal: Proposal,
    member: Member,
    satisfaction: str,
    source: str,
    received_on: date,
    comment: str = "",
) -> Feedback:
    """A proposer's rating of the current round's reply. 不满意 in round 1 opens re-handling."""
    handling_round = feedback_check(proposal=proposal, member=member)
    rehandling = Rehandling.objects.filter(proposal=proposal).first()
    feedback = Feedback.objects.create(
        proposal=proposal,
        member=member,
        round=handling_round,
        satisfaction=satisfaction,
        source=source,
        received_on=received_on,
        comment=comment,
    )
    if satisfaction == Feedback.Satisfaction.NOT_SATISFIED and rehandling is None:
        Rehandling.objects.create(
            proposal=proposal,
            feedback=feedback,
            opened_on=received_on,
            due_on=deadline_rules().rehandling_due_on(received_on),
        )
    _status_refresh(proposal.pk)
    return feedback


@transaction.atomic
def proposal_close(*, proposal: Proposal, on: date) -> Proposal:
    """A clerk closes a replied proposal (办结)."""
    if not proposal.replies.exists():
        raise ValidationError("尚未答复，不能办结。")
    proposal.closed_on = on
    proposal.save(update_fields=["closed_on"])
    _status_refresh(proposal.pk)
    return proposal


@transaction.atomic
def extension_grant(
    *, assignment: Assignment, due_on: date, reason: str, user: AbstractBaseUser, today: date
) -> ExtensionRequest:
    """A clerk extends an assignment directly: recorded as a request the clerk approved."""
    request = extension_request_create(
        assignment=assignment, requested_due_on=due_on, reason=reason, user=user, today=today
    )
    return extension_decide(request=request, approve=True, user=user, today=today)


@transaction.atomic
def reply_grade_set(*, reply: Reply, grade: Grade) -> Reply:
    reply.grade = grade
    reply.save(update_fields=["grade"])
    return reply


@transaction.atomic
def reply_publish(*, reply: Reply, on: date) -> Reply:
    """Make a reply public (its phone numbers stay hidden on public pages)."""
    if reply.published_on is None:
        reply.published_on = on
        reply.save(update_fields=["published_on"])
        _status_refresh(reply.proposal_id)
    return reply
