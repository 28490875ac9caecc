"""Who may do what: the three roles, their groups and permissions, and the demo logins.

Clerks (提案委、督查室工作人员) may do everything; bureau officers see and answer only what is
assigned to their bureau; viewers (leaders, supervision) read everything and change nothing.
What each may *see* is decided by Proposal.objects.visible_to(user).
"""

from enum import StrEnum

from django.contrib.auth.models import Group, Permission, User
from django.db import transaction
from django.db.models import Q

CLERK_GROUP = "提案委工作人员"
BUREAU_GROUP = "承办单位工作人员"
VIEWER_GROUP = "领导及督查（只读）"

# What a bureau officer may do, on top of viewing: answer with replies and contacts, and ask
# for extensions and returns. Object-level limits (their own bureau only) are in the admin.
BUREAU_PERMISSIONS = {
    "reply": ["view", "add", "change"],
    "contact": ["view", "add", "change", "delete"],
    "carboncopy": ["view", "add", "change", "delete"],
    "extensionrequest": ["view", "add"],
    "returnrequest": ["view", "add"],
    "proposal": ["view"],
    "assignment": ["view"],
    "session": ["view"],
    "bureau": ["view"],
    "member": ["view"],
    "grade": ["view"],
    "feedback": ["view"],
    "importrun": ["view", "add"],
    "importedfile": ["view"],
}


class Role(StrEnum):
    CLERK = "clerk"
    BUREAU = "bureau"
    VIEWER = "viewer"
    NONE = "none"


def role_of(user) -> Role:
    """The role a user acts in; an inactive or anonymous user has none. Read once per user object."""
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


def _permissions(codenames: list[str]) -> list[Permission]:
    return list(
        Permission.objects.filter(content_type__app_label="proposals", codename__in=codenames)
    )


@transaction.atomic
def roles_ensure() -> dict[Role, Group]:
    """Create the three groups (or reset their permissions) and return them."""
    proposals_app = Permission.objects.filter(content_type__app_label="proposals")
    clerk, _ = Group.objects.get_or_create(name=CLERK_GROUP)
    clerk.permissions.set(proposals_app)
    viewer, _ = Group.objects.get_or_create(name=VIEWER_GROUP)
    viewer.permissions.set(proposals_app.filter(Q(codename__startswith="view_")))
    bureau, _ = Group.objects.get_or_create(name=BUREAU_GROUP)
    bureau.permissions.set(
        _permissions(
            [
                f"{action}_{model}"
                for model, actions in BUREAU_PERMISSIONS.items()
                for action in actions
            ]
        )
    )
    return {Role.CLERK: clerk, Role.VIEWER: viewer, Role.BUREAU: bureau}


@transaction.atomic
def login_ensure(*, username: str, password: str, role: Role, bureau=None) -> User:
    """A staff login acting in `role` (for a bureau officer, for `bureau`), created or reset."""
    from proposals.models import BureauOfficer

    groups = roles_ensure()
    user, _ = User.objects.get_or_create(username=username)
    user.is_staff = True
    user.set_password(password)
    user.save()
    user.groups.set([groups[role]])
    if role == Role.BUREAU:
        BureauOfficer.objects.update_or_create(user=user, defaults={"bureau": bureau})
    return user
