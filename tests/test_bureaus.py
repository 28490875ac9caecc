"""Cleaning the bureau list: merging a duplicate into the real bureau, and pickers that offer
only the bureaus of the proposals' region."""

from datetime import date, timedelta
from pathlib import Path

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.urls import reverse

from proposals.access import SYSTEM, OutsideRemit
from proposals.importing import LetterDefaults, LetterImporter
from proposals.models import (
    Assignment,
    Body,
    Bureau,
    BureauAlias,
    BureauOfficer,
    HeldLetter,
    ImportRun,
    Proposal,
    Reply,
    Session,
)
from proposals.roles import Role, login_ensure
from proposals.services import (
    assignment_create,
    bureau_merge,
    extension_request_create,
    return_request_create,
)
from proposals.services.bureaus import BUREAU_REFERENCES, BureauDirectory
from proposals.services.imports import Upload, import_run_preview

BUREAUS = "admin:proposals_bureau_changelist"
PROPOSALS = "admin:proposals_proposal_changelist"
SEED_120 = Path(__file__).resolve().parent.parent / "fixtures/replies/002_b90c929a2134fc54.txt"
ASSIGNED_ON = date(2022, 4, 15)


@pytest.fixture
def commerce(db) -> Bureau:
    """The real bureau, as a clerk keeps it."""
    return Bureau.objects.create(region="焦作市", name="焦作市商务局")


@pytest.fixture
def duplicate(db) -> Bureau:
    """The same bureau created from a letter's short name, waiting for review."""
    duplicate = Bureau.objects.create(region="焦作市", name="市商务局", needs_review=True)
    BureauAlias.objects.create(bureau=duplicate, name="市商务粮食局")
    return duplicate


def assign(proposal, bureau, role=Assignment.Role.LEAD) -> Assignment:
    return assignment_create(
        proposal=proposal, bureau=bureau, role=role, assigned_on=ASSIGNED_ON, actor=SYSTEM
    )


def pointing_at(bureau) -> dict[str, int]:
    return {
        f"{model.__name__}.{field}": model.objects.filter(**{field: bureau}).count()
        for _, model, field in BUREAU_REFERENCES
    }


def test_merging_moves_every_kind_of_row_to_the_real_bureau(
    make_proposal, make_reply, commerce, duplicate
):
    proposal = make_proposal()
    assignment = assign(proposal, duplicate)
    extension = extension_request_create(
        assignment=assignment,
        requested_due_on=assignment.due_on + timedelta(days=30),
        reason="需要会同有关部门调研",
        actor=SYSTEM,
        today=ASSIGNED_ON,
    )
    returned = return_request_create(
        assignment=assignment, reason="不属本单位职责", actor=SYSTEM, today=ASSIGNED_ON
    )
    reply = make_reply(proposal, bureau=duplicate)
    officer = login_ensure(username="shangwu", password="x", role=Role.BUREAU, bureau=duplicate)
    run = import_run_preview(uploads=[Upload("a.txt", b"")], actor=officer)
    held = HeldLetter.objects.create(
        source_name="a.txt", source_sha256="0" * 64, text="", reason="提案号不详", bureau=duplicate
    )
    office = Bureau.objects.create(region="焦作市", name="市商务局办公室", parent=duplicate)

    assert bureau_merge(duplicate=duplicate, into=commerce, actor=SYSTEM) == commerce

    assert not Bureau.objects.filter(pk=duplicate.pk).exists()
    assert (Assignment.objects.get(pk=assignment.pk).bureau, Reply.objects.get().bureau) == (
        commerce,
        commerce,
    )
    assert {extension.assignment.pk, returned.assignment.pk} == {assignment.pk}
    assert BureauOfficer.objects.get(user=officer).bureau == commerce
    assert ImportRun.objects.get(pk=run.pk).bureau == commerce
    assert HeldLetter.objects.get(pk=held.pk).bureau == commerce
    assert Bureau.objects.get(pk=office.pk).parent == commerce
    assert Proposal.objects.get(pk=proposal.pk).lead_bureau == commerce  # derived, refreshed
    # The history before the merge stays readable, and the merge is in it.
    history = Assignment.objects.get(pk=assignment.pk).history
    assert {entry.bureau for entry in history.all()} == {commerce}
    assert "市商务局”并入“焦作市商务局" in history.latest().history_change_reason
    assert reply.history.latest().bureau == commerce


def test_every_relation_to_a_bureau_is_moved_by_the_merge():
    # A relation added later and not moved would be silently emptied (SET_NULL) or block the
    # merge (PROTECT). Aliases are merged by name; a proposal's lead and turn bureau are derived.
    relations = {
        (field.model, field.name)
        for model in apps.get_app_config("proposals").get_models()
        if not model.__name__.startswith("Historical")
        for field in model._meta.get_fields()
        if field.concrete and field.is_relation and field.related_model is Bureau
    }
    moved = {(model, field) for _, model, field in BUREAU_REFERENCES}
    derived = {(Proposal, "turn_bureau"), (Proposal, "lead_bureau")}
    assert relations == moved | derived | {(BureauAlias, "bureau")}


def test_the_duplicates_names_become_aliases_of_the_real_bureau_once(commerce, duplicate):
    BureauAlias.objects.create(bureau=commerce, name="市商务粮食局")
    bureau_merge(duplicate=duplicate, into=commerce, actor=SYSTEM)
    assert sorted(commerce.aliases.values_list("name", flat=True)) == ["市商务局", "市商务粮食局"]


@pytest.mark.django_db
def test_a_later_letter_naming_the_duplicate_resolves_to_the_real_bureau():
    importer = LetterImporter(LetterDefaults(), actor=SYSTEM)
    importer.import_letter(name="120.txt", data=SEED_120.read_bytes())
    duplicate = Bureau.objects.get(region="焦作市", name="市商务局")
    assert duplicate.needs_review
    commerce = Bureau.objects.create(region="焦作市", name="焦作市商务局")

    bureau_merge(duplicate=duplicate, into=commerce, actor=SYSTEM)

    assert BureauDirectory().resolve(region="焦作市", name="市商务局") == commerce
    letter = SEED_120.read_text().replace("第120号", "第121号")
    LetterImporter(LetterDefaults(), actor=SYSTEM).import_letter(
        name="121.txt", data=letter.encode()
    )
    co_handlers = Assignment.objects.filter(proposal__number=121, role=Assignment.Role.CO_HANDLER)
    assert commerce in {assignment.bureau for assignment in co_handlers}
    assert not Bureau.objects.filter(name="市商务局").exists()


def test_a_merge_of_bureaus_sharing_a_proposal_is_refused_and_changes_nothing(
    make_proposal, commerce, duplicate
):
    shared, alone = make_proposal(number=7), make_proposal(number=8)
    assign(shared, commerce)
    assign(shared, duplicate, role=Assignment.Role.CO_HANDLER)
    assign(alone, duplicate)
    before = (pointing_at(duplicate), pointing_at(commerce), BureauAlias.objects.count())

    with pytest.raises(ValidationError) as refused:
        bureau_merge(duplicate=duplicate, into=commerce, actor=SYSTEM)

    assert "第7号提案" in refused.value.messages[0]
    assert "第8号提案" not in refused.value.messages[0]
    assert Bureau.objects.filter(pk=duplicate.pk).exists()
    assert (pointing_at(duplicate), pointing_at(commerce), BureauAlias.objects.count()) == before


def test_bureaus_sharing_a_reply_round_are_not_merged(
    make_proposal, make_reply, commerce, duplicate
):
    proposal = make_proposal(number=9)
    make_reply(proposal, bureau=commerce)
    make_reply(proposal, bureau=duplicate)
    with pytest.raises(ValidationError, match="第9号提案"):
        bureau_merge(duplicate=duplicate, into=commerce, actor=SYSTEM)


def test_bureaus_of_two_regions_are_not_merged(commerce):
    other = Bureau.objects.create(region="新乡市", name="新乡市商务局")
    with pytest.raises(ValidationError, match="不在同一地区"):
        bureau_merge(duplicate=other, into=commerce, actor=SYSTEM)


def test_a_bureau_officer_cannot_merge(officer_user, commerce, duplicate):
    with pytest.raises(OutsideRemit):
        bureau_merge(duplicate=duplicate, into=commerce, actor=officer_user)
    assert Bureau.objects.filter(pk=duplicate.pk).exists()


def test_a_bureau_under_its_duplicate_takes_the_duplicates_place(commerce, duplicate):
    government = Bureau.objects.create(region="焦作市", name="焦作市人民政府")
    Bureau.objects.filter(pk=duplicate.pk).update(parent=government)
    Bureau.objects.filter(pk=commerce.pk).update(parent=duplicate)
    duplicate.refresh_from_db()
    commerce.refresh_from_db()
    bureau_merge(duplicate=duplicate, into=commerce, actor=SYSTEM)
    assert Bureau.objects.get(pk=commerce.pk).parent == government


# The workbench.


def test_the_bureau_list_puts_bureaus_to_review_first_with_a_badge(clerk, bureau, duplicate):
    page = clerk.get(reverse(BUREAUS)).content.decode()
    assert page.index("市商务局") < page.index("焦作市工业和信息化局")
    assert '<span class="review-badge">待核实</span>' in page and "icon-yes.svg" not in page


def test_the_merge_page_lists_what_will_move_and_offers_the_regions_bureaus(
    clerk, make_proposal, commerce, duplicate
):
    assign(make_proposal(), duplicate)
    elsewhere = Bureau.objects.create(region="新乡市", name="新乡市商务局")
    data = {"action": "merge", "_selected_action": [duplicate.pk]}

    page = clerk.post(reverse(BUREAUS), data).content.decode()
    assert "将移入：交办 1、名称与简称 2" in page
    assert f'<option value="{commerce.pk}">焦作市商务局</option>' in page
    assert "新乡市商务局" not in page

    refused = clerk.post(reverse(BUREAUS), {**data, "apply": "1", "into": elsewhere.pk})
    assert "选择一个有效的选项" in refused.content.decode()
    assert Bureau.objects.filter(pk=duplicate.pk).exists()

    page = clerk.post(reverse(BUREAUS), {**data, "apply": "1", "into": commerce.pk}, follow=True)
    assert "已处理 1 项" in page.content.decode()
    assert not Bureau.objects.filter(pk=duplicate.pk).exists()
    assert Assignment.objects.get().bureau == commerce


def test_the_assign_form_offers_only_the_proposals_region_bureaus(
    clerk, make_proposal, bureau, commerce
):
    elsewhere = Bureau.objects.create(region="新乡市", name="新乡市商务局")
    proposal = make_proposal()
    data = {"action": "assign", "_selected_action": [proposal.pk]}
    url = reverse(PROPOSALS) + "?attention=all"

    page = clerk.post(url, data).content.decode()
    assert "焦作市商务局" in page and "新乡市商务局" not in page
    assert 'type="checkbox" name="co_handlers"' in page

    for posted in ({"lead": elsewhere.pk}, {"lead": bureau.pk, "co_handlers": [elsewhere.pk]}):
        form = {**data, "apply": "1", "assigned_on": "2022-11-30", **posted}
        assert "选择一个有效的选项" in clerk.post(url, form).content.decode()
    assert not Assignment.objects.exists()


def test_proposals_of_two_regions_are_assigned_separately(clerk, make_proposal):
    xinxiang = Session.objects.create(body=Body.CPPCC, region="新乡市", term=14, meeting=5)
    proposals = [make_proposal(), make_proposal(session=xinxiang)]
    data = {"action": "assign", "_selected_action": [p.pk for p in proposals]}
    page = clerk.post(reverse(PROPOSALS) + "?attention=all", data, follow=True)
    assert "请按地区分别交办" in page.content.decode()


def test_no_door_assigns_a_proposal_to_another_regions_bureau(clerk, make_proposal):
    elsewhere = Bureau.objects.create(region="新乡市", name="新乡市商务局")
    proposal = make_proposal()
    with pytest.raises(ValidationError, match="只能交给焦作市的单位"):
        assignment_create(
            proposal=proposal, bureau=elsewhere, role="lead", assigned_on=None, actor=SYSTEM
        )
    # The workbench's own assignment form goes through the same check.
    page = clerk.post(
        reverse("admin:proposals_assignment_add"),
        {"proposal": proposal.pk, "bureau": elsewhere.pk, "role": "lead"},
    ).content.decode()
    assert "只能交给焦作市的单位" in page
    assert not Assignment.objects.exists()
