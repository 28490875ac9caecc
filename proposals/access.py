"""Who may see and do what: roles, visibility, privacy and remit, decided here and nowhere else.

Roles: clerks (提案委、督查室工作人员) do everything; bureau officers see and answer only what is
assigned to their bureau; viewers (leaders, supervision) read everything and change nothing;
anonymous visitors see proposals with a published reply, with contact details masked. Views,
admin classes, templates and services ask this module; none of them decides on its own.

Services take an `actor`: a user, or `SYSTEM` for commands and data set-up, which acts with a
clerk's remit. A service refused by remit raises `OutsideRemit`.
"""

from dataclasses import dataclass
from enum import StrEnum
from urllib.parse import urlencode

from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.urls import reverse


class Role(StrEnum):
    CLERK = "clerk"
    BUREAU = "bureau"
    VIEWER = "viewer"
    NONE = "none"


CLERK_GROUP = "提案委工作人员"
BUREAU_GROUP = "承办单位工作人员"
VIEWER_GROUP = "领导及督查（只读）"


class SystemActor:
    """Commands, migrations and demo data: a clerk's remit, recorded as nobody."""

    is_authenticated = True
    is_active = True
    is_superuser = True
    is_staff = True
    pk = None

    def __str__(self) -> str:
        return "系统"


SYSTEM = SystemActor()


class OutsideRemit(ValidationError):
    """The actor may not make this change."""


def role_of(user) -> Role:
    """The role a user acts in; an inactive or anonymous user has none. Read once per user object."""
    if user is SYSTEM:
        return Role.CLERK
    if not user.is_authenticated or not user.is_active:
        return Role.NONE
    if not hasattr(user, "_tracker_role"):
        user._tracker_role = _role_from_groups(user)
    return user._tracker_role


def _role_from_groups(user) -> Role:
    if user.is_superuser:
        return Role.CLERK
    groups = {group.name for group in user.groups.all()}
    if CLERK_GROUP in groups:
        return Role.CLERK
    if BUREAU_GROUP in groups and hasattr(user, "bureau_officer"):
        return Role.BUREAU
    if VIEWER_GROUP in groups:
        return Role.VIEWER
    return Role.NONE


def officer_bureau_id(user) -> int | None:
    """The bureau a bureau officer acts for; None for every other role."""
    return user.bureau_officer.bureau_id if role_of(user) == Role.BUREAU else None


def user_or_none(actor):
    """The user to record as having acted (None for SYSTEM)."""
    return None if actor is SYSTEM else actor


# Visibility.


def visible_proposals(user, proposals: QuerySet) -> QuerySet:
    """Those of `proposals` that `user` may see: clerks and viewers all, a bureau officer the
    proposals assigned (and not returned) to their bureau, an anonymous visitor the proposals
    with a published reply, any other login none."""
    from proposals import derived
    from proposals.models import Assignment

    role = role_of(user)
    if role in (Role.CLERK, Role.VIEWER):
        return proposals
    if role == Role.BUREAU:
        mine = Assignment.objects.active().filter(bureau=officer_bureau_id(user))
        return proposals.filter(pk__in=mine.values("proposal_id"))
    if not user.is_authenticated:
        return proposals.filter(derived.published())
    return proposals.none()


def visible_sessions(user) -> QuerySet:
    """The sessions holding any proposal `user` may see, latest first."""
    from proposals.models import Proposal, Session

    visible = Proposal.objects.visible_to(user)
    if role_of(user) == Role.BUREAU:
        # A bureau's proposals are few among many: their sessions are read from them in one
        # pass (26 ms at a million on PostgreSQL), where asking each session for one of them
        # read the sessions of other regions through (270 ms).
        held = visible.order_by().values("session").distinct()
        return Session.objects.filter(pk__in=held).order_by("-term", "-meeting")
    return Session.objects.holding(visible)


def sees_unpublished(user) -> bool:
    """Signed-in staff see every reply of a proposal they may see; the public only published ones."""
    return role_of(user) != Role.NONE


def sees_contacts(user) -> bool:
    """Phone numbers, ID numbers and e-mail addresses: staff only."""
    return role_of(user) != Role.NONE


def reply_text_for(user, reply) -> str:
    """The reply's text as `user` may read it: masked for those who may not see contacts."""
    return reply.text if sees_contacts(user) else reply.public_text


@dataclass(frozen=True)
class Capabilities:
    """What pages may offer a reader; templates read this rather than deciding."""

    staff: bool  # every reply and handling detail of the proposals they see
    contacts: bool  # phone numbers and the like
    statistics: bool
    export: bool
    workbench: bool


def capabilities(user) -> Capabilities:
    staff = sees_unpublished(user)
    return Capabilities(
        staff=staff,
        contacts=sees_contacts(user),
        statistics=staff,
        export=staff,
        workbench=staff and bool(getattr(user, "is_staff", False)),
    )


@dataclass(frozen=True)
class Action:
    """A step a reader may take on a proposal now, and where in the workbench to take it."""

    label: str
    url: str


def _workbench(model: str, page: str, **query) -> str:
    return f"{reverse(f'admin:proposals_{model}_{page}')}?{urlencode(query)}"


def proposal_actions(user, proposal) -> list[Action]:
    """The workbench steps `user` may take on `proposal` now, as its turn says: a clerk
    assigns, reviews a flagged reply and closes; an officer of the bureau whose turn it is
    answers (as lead or in re-handling) and may ask for more time or to hand it back. None
    for viewers and the public. Reads the proposal's assignments (prefetch them)."""
    from proposals.models import Turn

    if not capabilities(user).workbench:
        return []
    turn, pk = proposal.current_turn, proposal.pk
    if role_of(user) == Role.CLERK:
        if turn == Turn.CLERK_ASSIGN:
            return [Action("交办", _workbench("assignment", "add", proposal=pk))]
        if turn == Turn.CLERK_REVIEW:
            flagged = _workbench(
                "reply", "changelist", proposal__id__exact=pk, needs_review__exact=1
            )
            return [Action("审核答复", flagged)]
        if turn == Turn.CLERK_CLOSE:
            # Closing is an action of the proposal list: the list of this one proposal.
            return [
                Action("办结", _workbench("proposal", "changelist", attention="all", id__exact=pk))
            ]
        return []
    bureau_id = officer_bureau_id(user)
    if bureau_id is None or proposal.turn_bureau_id != bureau_id:
        return []
    actions = []
    if turn in (Turn.LEAD, Turn.REHANDLING):
        actions.append(Action("答复", _workbench("reply", "add", proposal=pk)))
    # One assignment per bureau and proposal (assignment_unique_bureau); a returned one is done.
    held = next(
        (a for a in proposal.assignments.all() if a.bureau_id == bureau_id and not a.returned_on),
        None,
    )
    if held is not None:
        actions += [
            Action("申请延期", _workbench("extensionrequest", "add", assignment=held.pk)),
            Action("申请退回", _workbench("returnrequest", "add", assignment=held.pk)),
        ]
    return actions


# The list filters each kind of reader may use. The public sees what is public about a
# published reply; whose turn, satisfaction, overdue and member ids are the clerks' business.
PUBLIC_FILTERS = frozenset(
    {
        "q",
        "session",
        "body",
        "bureau",
        "lead",
        "proposer",
        "grade",
        "is_key",
        "category",
        "filed",
        "order",
    }
)


def list_filters_for(user, names: list[str]) -> list[str]:
    return names if sees_unpublished(user) else [n for n in names if n in PUBLIC_FILTERS]


# The list's sort orders for the public: not by whose-turn deadline, which would tell them.
PUBLIC_SORTS = frozenset({"number", "due", "filed"})


def list_sorts_for(user, orders: list[str]) -> list[str]:
    """Those of `orders` (a sort's URL values, "-" first for descending) `user` may use."""
    if sees_unpublished(user):
        return orders
    return [order for order in orders if order.removeprefix("-") in PUBLIC_SORTS]


# Remit.


def require_clerk(actor, what: str) -> None:
    if role_of(actor) != Role.CLERK:
        raise OutsideRemit(f"只有提案委工作人员可以{what}。")


def require_bureau_or_clerk(actor, bureau_id: int | None, what: str) -> None:
    """A clerk, or an officer of `bureau_id`."""
    role = role_of(actor)
    if role == Role.CLERK:
        return
    if role == Role.BUREAU and bureau_id is not None and officer_bureau_id(actor) == bureau_id:
        return
    raise OutsideRemit(f"只有本单位工作人员或提案委工作人员可以{what}。")


def is_clerk(actor) -> bool:
    return role_of(actor) == Role.CLERK


@dataclass(frozen=True)
class ImportRemit:
    """What an import by this actor may write. A bureau officer's import may only add or
    update its own bureau's replies to proposals already assigned to that bureau."""

    bureau_id: int | None

    @property
    def may_create(self) -> bool:
        """Proposals, assignments and bureaus: a clerk's import only."""
        return self.bureau_id is None


def import_remit(actor) -> ImportRemit:
    role = role_of(actor)
    if role == Role.CLERK:
        return ImportRemit(bureau_id=None)
    if role == Role.BUREAU:
        return ImportRemit(bureau_id=officer_bureau_id(actor))
    raise OutsideRemit("没有导入答复函的权限。")
