"""The three roles as groups with model permissions, and staff logins.

What each role may see and change, row by row, is decided in proposals.access.
"""

from django.contrib.auth.models import Group, Permission, User
from django.db import transaction
from django.db.models import Q

from proposals.access import BUREAU_GROUP, CLERK_GROUP, VIEWER_GROUP, Role

# What a bureau officer may do, on top of viewing: answer with replies (and their contacts and
# copies), and ask for extensions and returns. Which rows is decided in proposals.access.
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


def _permissions(codenames: list[str]) -> list[Permission]:
    return list(
        Permission.objects.filter(content_type__app_label="proposals", codename__in=codenames)
    )


def _login_unlock_permissions() -> list[Permission]:
    """A clerk sees who is locked out after failed sign-ins and unlocks them (django-axes'
    AccessAttempt rows, tracker/lockout.py): view and delete."""
    return list(
        Permission.objects.filter(
            content_type__app_label="axes",
            codename__in=["view_accessattempt", "delete_accessattempt"],
        )
    )


@transaction.atomic
def roles_ensure() -> dict[Role, Group]:
    """Create the three groups (or reset their permissions) and return them."""
    proposals_app = Permission.objects.filter(content_type__app_label="proposals")
    clerk, _ = Group.objects.get_or_create(name=CLERK_GROUP)
    clerk.permissions.set([*proposals_app, *_login_unlock_permissions()])
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
def login_ensure(
    *, username: str, password: str, role: Role, bureau=None, full_name: str = ""
) -> User:
    """A staff login acting in `role` (for a bureau officer, for `bureau`), created or reset.
    `full_name`: the name pages greet the user by (a Chinese name is one word: first_name)."""
    from proposals.models import BureauOfficer

    groups = roles_ensure()
    user, _ = User.objects.get_or_create(username=username)
    user.first_name = full_name
    user.is_staff = True
    user.set_password(password)
    user.save()
    user.groups.set([groups[role]])
    if role == Role.BUREAU:
        BureauOfficer.objects.update_or_create(user=user, defaults={"bureau": bureau})
    return user
