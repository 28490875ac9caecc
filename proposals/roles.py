"""Who may do what: the groups clerks and others belong to."""

from django.contrib.auth.models import Group, Permission, User
from django.db import transaction

CLERK_GROUP = "提案委工作人员"


@transaction.atomic
def clerk_group_ensure() -> Group:
    """The clerks' group, holding every permission on the proposals app."""
    group, _ = Group.objects.get_or_create(name=CLERK_GROUP)
    group.permissions.set(Permission.objects.filter(content_type__app_label="proposals"))
    return group


@transaction.atomic
def demo_clerk_ensure(*, username: str, password: str) -> User:
    """A staff login in the clerks' group with `password`, created or reset."""
    user, _ = User.objects.get_or_create(username=username)
    user.is_staff = True
    user.set_password(password)
    user.save()
    user.groups.add(clerk_group_ensure())
    return user
