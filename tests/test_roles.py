"""Who sees and changes what: the permission matrix, enforced on the server."""

from datetime import date

import pytest
from django.contrib.auth.models import AnonymousUser, User
from django.urls import reverse

from proposals.access import SYSTEM
from proposals.models import Assignment, Bureau, ExtensionRequest, Proposal, Reply
from proposals.roles import Role, login_ensure
from proposals.services import assignment_create, extension_request_create


@pytest.fixture
def world(make_proposal, make_reply, bureau):
    """Two proposals: one assigned to 工信局 (the bureau fixture), one to 商务局, each replied."""
    commerce = Bureau.objects.create(region="焦作市", name="焦作市商务局")
    ours, theirs = (
        make_proposal(number=1, title="我们的提案"),
        make_proposal(number=2, title="别人的提案"),
    )
    for proposal, owner in ((ours, bureau), (theirs, commerce)):
        assignment_create(
            proposal=proposal, bureau=owner, role="lead", assigned_on=date(2022, 4, 1), actor=SYSTEM
        )
        make_reply(proposal, bureau=owner, doc_number=f"文号{proposal.number}")
    return {"ours": ours, "theirs": theirs, "commerce": commerce}


@pytest.fixture
def logins(db, bureau):
    return {
        Role.CLERK: login_ensure(username="clerk", password="x", role=Role.CLERK),
        Role.BUREAU: login_ensure(
            username="gongxin", password="x", role=Role.BUREAU, bureau=bureau
        ),
        Role.VIEWER: login_ensure(username="leader", password="x", role=Role.VIEWER),
        Role.NONE: User.objects.create_user("stranger", password="x", is_staff=True),
    }


def client_for(client, logins, role):
    client.force_login(logins[role])
    return client


def listed(client, model: str) -> set:
    everything = {"attention": "all"} if model == "proposal" else {}
    response = client.get(reverse(f"admin:proposals_{model}_changelist"), everything)
    if response.status_code != 200:
        return response.status_code
    return {str(obj.pk) for obj in response.context["cl"].result_list}


@pytest.mark.parametrize(
    ("role", "sees"),
    [(Role.CLERK, {"ours", "theirs"}), (Role.BUREAU, {"ours"}), (Role.VIEWER, {"ours", "theirs"})],
)
def test_who_sees_which_proposals_and_replies(client, logins, world, role, sees):
    client = client_for(client, logins, role)
    expected = {str(world[name].pk) for name in sees}
    assert listed(client, "proposal") == expected
    replies = {str(r.pk) for r in Reply.objects.filter(proposal__pk__in=[int(p) for p in expected])}
    assert listed(client, "reply") == replies


def test_a_login_without_a_role_sees_nothing(client, logins, world):
    client = client_for(client, logins, Role.NONE)
    assert listed(client, "proposal") == 403


@pytest.mark.parametrize(
    ("role", "viewable", "changeable"),
    [
        (Role.CLERK, True, True),
        (Role.BUREAU, True, False),
        (Role.VIEWER, True, False),
    ],
)
def test_who_may_view_and_change_a_proposal(client, logins, world, role, viewable, changeable):
    client = client_for(client, logins, role)
    response = client.get(reverse("admin:proposals_proposal_change", args=[world["ours"].pk]))
    assert (response.status_code == 200) is viewable
    assert response.context["has_change_permission"] is changeable


def test_a_bureau_officer_cannot_reach_another_bureaus_proposal_by_url(client, logins, world):
    client = client_for(client, logins, Role.BUREAU)
    theirs = world["theirs"]
    for url in [
        reverse("admin:proposals_proposal_change", args=[theirs.pk]),
        reverse("admin:proposals_reply_change", args=[theirs.replies.get().pk]),
        reverse("admin:proposals_assignment_change", args=[theirs.assignments.get().pk]),
    ]:
        response = client.get(url, follow=True)
        assert "别人的提案" not in response.content.decode()
        assert "文号2" not in response.content.decode()
    response = client.post(
        reverse("admin:proposals_reply_change", args=[theirs.replies.get().pk]),
        {"doc_number": "篡改"},
    )
    assert response.status_code == 302
    assert not Reply.objects.filter(doc_number="篡改").exists()


def test_a_bureau_officer_may_change_their_own_reply_only(client, logins, world):
    client = client_for(client, logins, Role.BUREAU)
    ours = world["ours"].replies.get()
    response = client.get(reverse("admin:proposals_reply_change", args=[ours.pk]))
    assert response.context["has_change_permission"] is True


def test_only_clerks_may_approve_requests(client, logins, world):
    assignment = world["ours"].assignments.get()
    request = extension_request_create(
        assignment=assignment,
        requested_due_on=date(2022, 8, 31),
        reason="理由",
        actor=SYSTEM,
        today=date(2022, 6, 1),
    )
    url = reverse("admin:proposals_extensionrequest_changelist")
    for role in (Role.BUREAU, Role.VIEWER):
        client = client_for(client, logins, role)
        assert 'value="approve"' not in client.get(url).content.decode()
        client.post(url, {"action": "approve", "_selected_action": [request.pk]})
        request.refresh_from_db()
        assert request.status == "pending"
    client = client_for(client, logins, Role.CLERK)
    form = {"action": "approve", "_selected_action": [request.pk], "apply": "1"}
    client.post(url, {**form, "note": "同意"})
    request.refresh_from_db()
    assert request.status == "approved"


def test_a_bureau_officer_asks_for_an_extension_of_their_own_assignment_only(client, logins, world):
    client = client_for(client, logins, Role.BUREAU)
    url = reverse("admin:proposals_extensionrequest_add")
    ours, theirs = (world[n].assignments.get() for n in ("ours", "theirs"))
    response = client.post(
        url, {"assignment": theirs.pk, "requested_due_on": "2022-08-31", "reason": "理由"}
    )
    assert response.status_code == 200 and not ExtensionRequest.objects.exists()
    response = client.post(
        url, {"assignment": ours.pk, "requested_due_on": "2022-12-31", "reason": "理由"}
    )
    assert "延期不能超过" in response.content.decode()
    response = client.post(
        url, {"assignment": ours.pk, "requested_due_on": "2022-08-31", "reason": "等待政策"}
    )
    assert response.status_code == 302
    created = ExtensionRequest.objects.get()
    assert (created.assignment, created.requested_by.username) == (ours, "gongxin")


def test_visibility_rules_outside_the_admin(logins, world, bureau):
    assert not Proposal.objects.visible_to(AnonymousUser()).exists()
    officer = logins[Role.BUREAU]
    assert list(Proposal.objects.visible_to(officer)) == [world["ours"]]
    officer.is_active = False
    assert not Proposal.objects.visible_to(officer).exists()
    returned = Assignment.objects.get(proposal=world["ours"])
    returned.returned_on = date(2022, 4, 5)
    returned.save()
    assert not Proposal.objects.visible_to(User.objects.get(username="gongxin")).exists()


def test_the_demo_set_up_creates_one_login_per_role(db):
    from io import StringIO

    from django.core.management import call_command

    call_command("setup_demo", stdout=StringIO())
    roles = {u.username: {g.name for g in u.groups.all()} for u in User.objects.all()}
    assert roles == {
        "clerk": {"提案委工作人员"},
        "gongxin": {"承办单位工作人员"},
        "leader": {"领导及督查（只读）"},
    }
    # Each is greeted by a Chinese name, not by the login.
    names = dict(User.objects.values_list("username", "first_name"))
    assert names == {"clerk": "王丽", "gongxin": "李端阳", "leader": "张建华"}


def test_a_bureau_officer_files_replies_and_contacts_under_their_own_bureau_only(
    client, logins, world
):
    client = client_for(client, logins, Role.BUREAU)
    form = client.get(reverse("admin:proposals_reply_add")).context["adminform"].form
    assert list(form.fields["bureau"].queryset) == [world["ours"].assignments.get().bureau]
    assert list(form.fields["proposal"].queryset) == [world["ours"]]
    assert client.get(reverse("admin:proposals_contact_add")).status_code == 403


def test_history_is_kept_with_who_and_shown_only_to_those_who_see_the_object(client, logins, world):
    ours, theirs = world["ours"].assignments.get(), world["theirs"].assignments.get()
    request = extension_request_create(
        assignment=ours,
        requested_due_on=date(2022, 8, 15),
        reason="理由",
        actor=SYSTEM,
        today=date(2022, 6, 1),
    )
    clerk = client_for(client, logins, Role.CLERK)
    clerk.post(
        reverse("admin:proposals_extensionrequest_changelist"),
        {"action": "approve", "_selected_action": [request.pk], "apply": "1", "note": "同意"},
    )
    latest = ours.history.latest()
    assert (latest.history_user.username, latest.due_on) == ("clerk", date(2022, 8, 15))
    assert latest.prev_record.due_on == date(2022, 7, 1)
    history = clerk.get(reverse("admin:proposals_assignment_history", args=[ours.pk]))
    assert history.status_code == 200

    officer = client_for(client, logins, Role.BUREAU)
    assert (
        officer.get(reverse("admin:proposals_assignment_history", args=[ours.pk])).status_code
        == 200
    )
    for url in [
        reverse("admin:proposals_assignment_history", args=[theirs.pk]),
        reverse("admin:proposals_proposal_history", args=[world["theirs"].pk]),
        reverse(
            "admin:proposals_assignment_simple_history",
            args=[theirs.pk, theirs.history.latest().history_id],
        ),
    ]:
        assert officer.get(url).status_code == 404


def test_the_demo_data_shows_every_state(db):
    from io import StringIO

    from django.core.management import call_command

    from proposals.models import Turn

    call_command("setup_demo", stdout=StringIO())
    call_command("setup_demo", stdout=StringIO())  # twice: nothing is duplicated
    proposals = list(Proposal.objects.filter(number__gte=900).with_status())
    assert len(proposals) == 7
    turns = {p.current_turn for p in proposals}
    assert turns == {Turn.CLERK_ASSIGN, Turn.LEAD, Turn.MEMBER, Turn.CLERK_CLOSE, Turn.REHANDLING}
    assert sum(p.is_overdue for p in proposals) == 1
    assert sum(p.is_due_soon for p in proposals) >= 1
    assert {p.status for p in proposals} >= {
        "unassigned",
        "assigned",
        "replied",
        "feedback",
    }


def test_each_reader_is_offered_the_sessions_holding_what_they_may_see(logins, world, bureau):
    from proposals.access import visible_sessions
    from proposals.models import Session

    later = Session.objects.create(body="cppcc", region="焦作市", term=15, meeting=1)
    Proposal.objects.filter(pk=world["theirs"].pk).update(session=later)
    Session.objects.create(body="cppcc", region="焦作市", term=15, meeting=2)  # holds nothing
    first = world["ours"].session

    assert list(visible_sessions(logins[Role.CLERK])) == [later, first]
    assert list(visible_sessions(logins[Role.BUREAU])) == [first]  # 工信局's only
    assert list(visible_sessions(AnonymousUser())) == []  # nothing published
