"""Handling a proposal: assignment, what bureaus ask, co-handlers' opinions, feedback, closing.

Each function is one unit of work (`derived.service`): it checks the actor's remit
(proposals.access), validates, writes, and leaves the derived state to proposals.derived.
Refusals raise ValidationError (OutsideRemit for remit) with a message a clerk can act on.
"""

from collections.abc import Iterable
from datetime import date

from django.core.exceptions import ValidationError

from proposals.access import (
    require_bureau_or_clerk,
    require_clerk,
    user_or_none,
)
from proposals.derived import service
from proposals.models import (
    Assignment,
    Bureau,
    ExtensionRequest,
    Feedback,
    Member,
    Proposal,
    Rehandling,
    RequestStatus,
    ReturnRequest,
)
from proposals.rules import deadline_rules


def reply_due_on(assigned_on: date) -> date:
    """The reply deadline of a lead assignment made on `assigned_on`."""
    return deadline_rules().due_on(assigned_on, Assignment.Role.LEAD)


def assignment_check(
    *,
    proposal: Proposal,
    bureau: Bureau,
    role: str | None,
    existing: list[Assignment] | None = None,
) -> None:
    """Raise ValidationError unless `proposal` may be assigned to `bureau` in `role`.

    `existing`: the proposal's assignments, returned ones included, when the caller has them.
    """
    region = proposal.session.region
    if bureau.region and region and bureau.region != region:
        raise ValidationError(
            f"{bureau}是{bureau.region}的单位，{proposal}只能交给{region}的单位。"
        )
    if existing is None:
        existing = list(proposal.assignments.all())
    if role == Assignment.Role.LEAD and any(
        a.role == role and a.returned_on is None for a in existing
    ):
        raise ValidationError(f"{proposal}已有主办单位；如需改交，请先办理退回。")
    if any(a.bureau_id == bureau.pk for a in existing):
        raise ValidationError(f"{proposal}已交办给{bureau}。")


@service
def assignment_create(
    *,
    proposal: Proposal,
    bureau: Bureau,
    role: str,
    assigned_on: date | None,
    actor,
    existing: list[Assignment] | None = None,
) -> Assignment:
    """Assign `proposal` to `bureau`; the due date follows the rule for `role`.

    `assigned_on` None records an assignment known only from a reply letter: its date, and
    so its due date, wait for a clerk (assignment_date_set). `existing`: as assignment_check.
    """
    require_clerk(actor, "交办")
    due_on = deadline_rules().due_on(assigned_on, role) if assigned_on else None
    assignment = Assignment(
        proposal=proposal,
        bureau=bureau,
        role=role,
        assigned_on=assigned_on,
        due_on=due_on,
        on_time_by=due_on,
    )
    assignment_check(proposal=proposal, bureau=bureau, role=role, existing=existing)
    # The proposal and the bureau are rows already (instances): no query to confirm they exist.
    assignment.full_clean(exclude=["proposal", "bureau"], validate_constraints=False)
    assignment.save()
    return assignment


@service
def assignment_delete(*, assignment: Assignment, actor) -> None:
    """Undo an assignment made by mistake; one with requests or replies is returned instead."""
    require_clerk(actor, "删除交办")
    if assignment.extension_requests.exists() or assignment.return_requests.exists():
        raise ValidationError(f"{assignment}已有延期或退回申请，不能删除；请办理退回。")
    if assignment.proposal.replies.filter(bureau=assignment.bureau_id).exists():
        raise ValidationError(f"{assignment}已有该单位的答复，不能删除。")
    assignment.delete()


@service
def proposals_assign(
    *,
    proposals: Iterable[Proposal],
    lead: Bureau,
    co_handlers: Iterable[Bureau] = (),
    assigned_on: date,
    actor,
) -> list[Assignment]:
    """Assign each proposal to one lead bureau and the co-handlers; all or none."""
    co_handlers = [b for b in co_handlers if b != lead]
    created = []
    for proposal in proposals:
        for bureau, role in [(lead, Assignment.Role.LEAD)] + [
            (b, Assignment.Role.CO_HANDLER) for b in co_handlers
        ]:
            created.append(
                assignment_create(
                    proposal=proposal,
                    bureau=bureau,
                    role=role,
                    assigned_on=assigned_on,
                    actor=actor,
                )
            )
    return created


@service
def assignment_date_set(*, assignment: Assignment, assigned_on: date, actor) -> Assignment:
    """Complete an assignment known only from a letter with the date it was made."""
    require_clerk(actor, "补录交办日期")
    if assignment.assigned_on is not None:
        raise ValidationError(f"{assignment}已有交办日期 {assignment.assigned_on}。")
    assignment.assigned_on = assigned_on
    assignment.due_on = assignment.on_time_by = deadline_rules().due_on(
        assigned_on, assignment.role
    )
    assignment.save(update_fields=["assigned_on", "due_on", "on_time_by"])
    return assignment


def _require_standing(assignment: Assignment) -> None:
    if assignment.returned_on is not None:
        raise ValidationError(f"{assignment}已于{assignment.returned_on}退回。")
    if assignment.assigned_on is None:
        raise ValidationError(f"{assignment}没有交办日期，请先补录。")


def extension_request_check(
    *, assignment: Assignment, requested_due_on: date, reason: str, actor
) -> None:
    """Raise ValidationError unless `actor` may ask for this extension."""
    require_bureau_or_clerk(actor, assignment.bureau_id, "为该交办申请延期")
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


@service
def extension_request_create(
    *, assignment: Assignment, requested_due_on: date, reason: str, actor, today: date
) -> ExtensionRequest:
    """A bureau asks for a later due date, no later than the extension cap. Asked after the
    due date has passed, the request is marked late."""
    extension_request_check(
        assignment=assignment, requested_due_on=requested_due_on, reason=reason, actor=actor
    )
    return ExtensionRequest.objects.create(
        assignment=assignment,
        requested_due_on=requested_due_on,
        reason=reason,
        requested_by=user_or_none(actor),
        requested_on=today,
        late=assignment.due_on is not None and today > assignment.due_on,
    )


def extension_is_late(request: ExtensionRequest, today: date) -> bool:
    """Asked for, or decided, after the due date then in force."""
    due_on = request.assignment.due_on
    return request.late or (due_on is not None and today > due_on)


def decision_note_check(
    *, request: ExtensionRequest | ReturnRequest, approve: bool, note: str, today: date
) -> None:
    """Raise ValidationError unless `note` (审批意见) is enough for this decision.

    A refusal must say why and what the bureau should do next, or the bureau is left with a
    bare "no"; approving a late extension must say why (it is counted as not on time).
    """
    if note.strip():
        return
    if not approve:
        raise ValidationError("不批准须写明审批意见：为什么不批准，承办单位下一步该怎么办。")
    if isinstance(request, ExtensionRequest) and extension_is_late(request, today):
        raise ValidationError(
            f"该交办已于 {request.assignment.due_on} 到期，这是逾期后的延期：批准须写明理由；"
            "批准后统计仍计为未按期。"
        )


@service
def extension_decide(
    *, request: ExtensionRequest, approve: bool, actor, today: date, note: str = ""
) -> ExtensionRequest:
    """A clerk approves (moving the due date) or refuses an extension request.

    A late extension (asked or approved after the due date) needs a reason to be approved;
    it moves the due date bureaus are chased by, but timeliness is still judged by the due
    date that was in force when the reply was due (Assignment.on_time_by). A refusal needs
    a note (decision_note_check).
    """
    require_clerk(actor, "审批延期申请")
    if request.status != RequestStatus.PENDING:
        raise ValidationError("这项申请已经审批过了。")
    decision_note_check(request=request, approve=approve, note=note, today=today)
    late = extension_is_late(request, today)
    request.status = RequestStatus.APPROVED if approve else RequestStatus.REFUSED
    request.decided_by, request.decided_on, request.decision_note = user_or_none(actor), today, note
    request.late = late
    request.save()
    if approve:
        assignment = request.assignment
        assignment.due_on = request.requested_due_on
        if not late:
            assignment.on_time_by = request.requested_due_on
        assignment.save(update_fields=["due_on", "on_time_by"])
    return request


def extension_decision_outcome(request: ExtensionRequest) -> str:
    """What a decided extension means from now on, told to the clerk who decided it."""
    if request.status == RequestStatus.APPROVED:
        outcome = (
            f"已批准：答复期限延至{request.requested_due_on:%Y-%m-%d}，"
            "承办单位将在首页看到新的期限。"
        )
        if request.late:
            outcome += "这是逾期后的延期，统计仍按原期限计为未按期。"
        return outcome
    return (
        f"未批准：原期限{request.assignment.due_on:%Y-%m-%d}不变，已超期的将继续出现在催办清单中。"
    )


@service
def extension_grant(
    *, assignment: Assignment, due_on: date, reason: str, actor, today: date
) -> ExtensionRequest:
    """A clerk extends an assignment directly: recorded as a request the clerk approved."""
    require_clerk(actor, "延长答复期限")
    request = extension_request_create(
        assignment=assignment, requested_due_on=due_on, reason=reason, actor=actor, today=today
    )
    return extension_decide(request=request, approve=True, actor=actor, today=today, note=reason)


def return_request_check(*, assignment: Assignment, reason: str, today: date, actor) -> None:
    """Raise ValidationError unless `actor` may still ask to return this assignment."""
    require_bureau_or_clerk(actor, assignment.bureau_id, "为该交办申请退回")
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


@service
def return_request_create(
    *, assignment: Assignment, reason: str, actor, today: date
) -> ReturnRequest:
    """A bureau asks to hand back an assignment, within the return window after assignment."""
    return_request_check(assignment=assignment, reason=reason, today=today, actor=actor)
    return ReturnRequest.objects.create(
        assignment=assignment, reason=reason, requested_by=user_or_none(actor), requested_on=today
    )


@service
def return_decide(
    *,
    request: ReturnRequest,
    approve: bool,
    actor,
    today: date,
    reassign_to: Bureau | None = None,
    note: str = "",
) -> ReturnRequest:
    """A clerk approves a return (and may re-assign the same role to another bureau) or
    refuses it, saying why and what next (decision_note_check)."""
    require_clerk(actor, "审批退回申请")
    if request.status != RequestStatus.PENDING:
        raise ValidationError("这项申请已经审批过了。")
    decision_note_check(request=request, approve=approve, note=note, today=today)
    request.status = RequestStatus.APPROVED if approve else RequestStatus.REFUSED
    request.decided_by, request.decided_on, request.decision_note = user_or_none(actor), today, note
    if approve:
        returned = request.assignment
        returned.returned_on = today
        returned.save(update_fields=["returned_on"])
        if reassign_to is not None:
            request.reassigned_to = assignment_create(
                proposal=returned.proposal,
                bureau=reassign_to,
                role=returned.role,
                assigned_on=today,
                actor=actor,
            )
    request.save()
    return request


def return_decision_outcome(request: ReturnRequest) -> str:
    """What a decided return means from now on, told to the clerk who decided it."""
    returned = request.assignment
    if request.status != RequestStatus.APPROVED:
        return f"未批准退回：{returned.bureau}继续承办，答复期限{returned.due_on:%Y-%m-%d}不变。"
    outcome = f"已批准退回：{returned.bureau}不再承办此件。"
    if request.reassigned_to is not None:
        new = request.reassigned_to
        return outcome + f"已改交{new.bureau}，答复期限为{new.due_on:%Y-%m-%d}。"
    if returned.role == Assignment.Role.LEAD:
        return outcome + "此件现在没有主办单位，已回到待交办，请重新交办。"
    return outcome


@service
def co_handler_opinion_record(*, assignment: Assignment, on: date, actor) -> Assignment:
    """A co-handler has given its opinion to the lead bureau."""
    require_bureau_or_clerk(actor, assignment.bureau_id, "登记协办意见")
    if assignment.role != Assignment.Role.CO_HANDLER:
        raise ValidationError("只有协办单位提出协办意见。")
    _require_standing(assignment)
    assignment.opinion_on = on
    assignment.save(update_fields=["opinion_on"])
    return assignment


def feedback_check(*, proposal: Proposal, member: Member, actor) -> int:
    """The handling round `member`'s feedback would belong to; ValidationError if refused."""
    require_clerk(actor, "录入反馈")
    handling_round = 2 if Rehandling.objects.filter(proposal=proposal).exists() else 1
    if not proposal.replies.filter(round=handling_round).exists():
        raise ValidationError(f"第{handling_round}轮尚未答复，不能录入反馈。")
    if not proposal.proposer_links.filter(member=member).exists():
        raise ValidationError(f"{member}不是该件的提出人。")
    if proposal.feedback.filter(member=member, round=handling_round).exists():
        raise ValidationError(f"{member}第{handling_round}轮的反馈已录入。")
    return handling_round


@service
def feedback_record(
    *,
    proposal: Proposal,
    member: Member,
    satisfaction: str,
    source: str,
    received_on: date,
    actor,
    comment: str = "",
) -> Feedback:
    """A proposer's rating of the current round's reply. 不满意 in round 1 opens re-handling."""
    handling_round = feedback_check(proposal=proposal, member=member, actor=actor)
    feedback = Feedback.objects.create(
        proposal=proposal,
        member=member,
        round=handling_round,
        satisfaction=satisfaction,
        source=source,
        received_on=received_on,
        comment=comment,
    )
    if satisfaction == Feedback.Satisfaction.NOT_SATISFIED and handling_round == 1:
        Rehandling.objects.create(
            proposal=proposal,
            feedback=feedback,
            opened_on=received_on,
            due_on=deadline_rules().rehandling_due_on(received_on),
        )
    return feedback


@service
def feedback_delete(*, feedback: Feedback, actor) -> None:
    """Withdraw feedback entered by mistake, with the re-handling it opened if nothing was
    replied in it yet."""
    require_clerk(actor, "删除反馈")
    rehandling = Rehandling.objects.filter(feedback=feedback).first()
    if rehandling is not None:
        if feedback.proposal.replies.filter(round=2).exists():
            raise ValidationError("这条反馈引起的重新办理已有答复，不能删除。")
        rehandling.delete()
    feedback.delete()


def proposals_awaiting_feedback(proposals: Iterable[Proposal]) -> dict[int, int]:
    """The round (2 once re-handling opened, else 1) each of `proposals` still has no
    feedback for, by proposal id; those with feedback for their current round are left out."""
    selected = [proposal.pk for proposal in proposals]
    rehandled = set(
        Rehandling.objects.filter(proposal__in=selected).values_list("proposal_id", flat=True)
    )
    rated = set(Feedback.objects.filter(proposal__in=selected).values_list("proposal_id", "round"))
    rounds = {pk: 2 if pk in rehandled else 1 for pk in selected}
    return {
        pk: handling_round
        for pk, handling_round in rounds.items()
        if (pk, handling_round) not in rated
    }


@service
def proposal_close(*, proposal: Proposal, on: date, actor) -> Proposal:
    """A clerk closes a replied proposal (办结)."""
    require_clerk(actor, "办结")
    if not any(reply.counts for reply in proposal.replies.all()):
        raise ValidationError("尚未答复（或答复不完整），不能办结。")
    proposal.closed_on = on
    proposal.save(update_fields=["closed_on"])
    return proposal
