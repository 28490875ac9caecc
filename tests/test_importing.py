"""The importer: rows from letters, idempotency, updates, atomicity, defaults."""

from pathlib import Path

import pytest
from django.db import DatabaseError, connection
from django.test.utils import CaptureQueriesContext

from proposals.access import SYSTEM
from proposals.importing import ImportStatus, LetterDefaults, LetterImporter
from proposals.models import (
    Assignment,
    Bureau,
    CarbonCopy,
    Contact,
    Grade,
    HeldLetter,
    Member,
    Proposal,
    Reply,
    ReplyChange,
    Session,
)
from proposals.services import LetterContent, proposal_save, reply_edit, reply_grade_decide
from proposals.services import replies as replies_service
from proposals.services.replies import letter_complete
from tests.letters import ISSUER_ONLY_OUR_BUREAU

SEEDS = Path(__file__).resolve().parent.parent / "fixtures/replies"
SEED_120 = (SEEDS / "002_b90c929a2134fc54.txt").read_bytes()
SEED_123 = (SEEDS / "003_8e3784263eeb7afc.txt").read_bytes()
NO_DEFAULTS = LetterDefaults()
ALL_MODELS = [
    Session,
    Member,
    Bureau,
    Proposal,
    Assignment,
    Reply,
    Contact,
    CarbonCopy,
    ReplyChange,
]


def load(data: bytes, name: str = "letter.txt", defaults: LetterDefaults = NO_DEFAULTS):
    return LetterImporter(defaults, actor=SYSTEM).import_letter(name=name, data=data)


def row_counts() -> dict[str, int]:
    return {model.__name__: model.objects.count() for model in ALL_MODELS}


def writes_during(action) -> list[str]:
    with CaptureQueriesContext(connection) as captured:
        action()
    return [
        q["sql"] for q in captured if q["sql"].split()[0].upper() in {"INSERT", "UPDATE", "DELETE"}
    ]


@pytest.mark.django_db
def test_importing_a_letter_creates_every_row_it_implies():
    outcome = load(SEED_120)
    assert outcome.status == ImportStatus.IMPORTED
    proposal = Proposal.objects.get(number=120)
    assert str(proposal.session) == "焦作市政协十四届五次会议"
    assert proposal.title == "关于支持在中心城区设立高端制造业开发园区的提案"
    assert [m.name for m in proposal.proposers.all()] == ["李秀萍"]
    roles = {a.bureau.name: a.role for a in proposal.assignments.select_related("bureau")}
    assert roles == {
        "焦作市工业和信息化局": "lead",
        "市商务局": "co",
        "市发展改革委": "co",
        "市自然资源规划局": "co",
    }
    reply = proposal.replies.get()
    assert reply.bureau.name == "焦作市工业和信息化局"
    assert (reply.doc_number, reply.signer, reply.proposed_grade_id) == (
        "焦工信〔2022〕64号",
        "付希强",
        "A",
    )
    assert reply.grade is None, "the grade that counts is the clerk's decision"
    assert [(c.unit, c.name, c.phone) for c in reply.contacts.all()] == [
        ("焦作市工业和信息化局", "李志翔", "3569411")
    ]
    assert [(c.recipient, c.copies) for c in reply.carbon_copies.all()] == [
        ("市政协提案委", 1),
        ("市政府督查室", 1),
    ]
    assert len(reply.source_sha256) == 64
    assert not reply.needs_review


@pytest.mark.django_db
def test_reimporting_the_same_file_writes_nothing():
    load(SEED_120)
    before = row_counts()
    writes = writes_during(lambda: load(SEED_120))
    assert writes == []
    assert load(SEED_120).status == ImportStatus.UNCHANGED
    assert row_counts() == before


@pytest.mark.django_db
def test_the_same_bytes_under_another_name_are_unchanged():
    load(SEED_120, "a/first.txt")
    outcome = load(SEED_120, "b/renamed.txt")
    assert outcome.status == ImportStatus.UNCHANGED
    assert Reply.objects.get().source_name == "a/first.txt"


@pytest.mark.django_db
def test_the_same_letter_in_another_encoding_is_unchanged_and_writes_nothing():
    load(SEED_123)
    gbk = SEED_123.decode("utf-8").encode("gb18030")
    assert writes_during(lambda: load(gbk)) == []
    assert load(gbk).status == ImportStatus.UNCHANGED


@pytest.mark.django_db
def test_a_changed_letter_updates_its_reply_and_records_the_change():
    load(SEED_120)
    changed = SEED_120.decode().replace("3569411", "3569999").replace("64号", "65号").encode()
    outcome = load(changed, "corrected.txt")
    assert outcome.status == ImportStatus.UPDATED
    reply = Reply.objects.get()
    assert reply.doc_number == "焦工信〔2022〕65号"
    assert reply.contacts.get().phone == "3569999"
    change = ReplyChange.objects.get()
    assert change.changes["doc_number"] == ["焦工信〔2022〕64号", "焦工信〔2022〕65号"]
    assert change.changes["contacts"][1] == [["焦作市工业和信息化局", "李志翔", "3569999"]]
    assert change.source_name == "corrected.txt"
    assert set(outcome.changes) == {"doc_number", "text", "contacts"}


@pytest.mark.django_db
def test_a_failure_midway_leaves_the_database_as_it_was(monkeypatch):
    load(SEED_123)
    before = row_counts()

    def fail(*args, **kwargs):
        raise DatabaseError("disk full")

    monkeypatch.setattr(replies_service, "_children_replace", fail)
    outcome = load(SEED_120)
    assert outcome.status == ImportStatus.REJECTED
    assert "disk full" in outcome.error
    assert row_counts() == before
    assert not Proposal.objects.filter(number=120).exists()
    assert not Bureau.objects.filter(name="市商务局").exists()


@pytest.mark.django_db
def test_a_short_bureau_name_resolves_to_the_issuer_it_abbreviates():
    load(SEED_123)  # issued by 三门峡市工业和信息化局
    letter = SEED_123.decode().replace("三门峡市工业和信息化局", "三门峡市科学技术局")
    letter = letter.replace("经与市科技局、市财政局", "经与市工信局、市财政局").replace(
        "第123号", "第124号"
    )
    load(letter.encode())
    proposal = Proposal.objects.get(number=124)
    bureaus = {a.bureau.name for a in proposal.assignments.select_related("bureau")}
    assert bureaus == {"三门峡市科学技术局", "三门峡市工业和信息化局", "市财政局"}
    # The 市科技局 created as a co-handler of no. 123 became 三门峡市科学技术局, with its alias.
    science = Bureau.objects.get(name="三门峡市科学技术局")
    assert "市科技局" in {a.name for a in science.aliases.all()}
    assert not Bureau.objects.filter(region="三门峡市", name="市科技局").exists()


@pytest.mark.django_db
def test_a_letter_signed_only_by_our_bureau_is_imported_and_flagged():
    outcome = load(ISSUER_ONLY_OUR_BUREAU.encode())
    assert outcome.status == ImportStatus.IMPORTED
    reply = Reply.objects.get()
    assert reply.bureau is None
    assert reply.proposal.session.region == ""
    assert reply.needs_review
    assert "答复单位" in reply.review_note and "地区" in reply.review_note


@pytest.mark.django_db
def test_the_caller_supplies_what_the_letter_leaves_implicit():
    defaults = LetterDefaults(issuer="焦作市工业和信息化局")
    outcome = load(ISSUER_ONLY_OUR_BUREAU.encode(), defaults=defaults)
    assert outcome.reply.issuer == "焦作市工业和信息化局"
    assert outcome.reply.region == "焦作市"
    reply = Reply.objects.select_related("bureau", "proposal__session").get()
    assert reply.bureau.name == "焦作市工业和信息化局"
    assert str(reply.proposal.session) == "焦作市政协十四届五次会议"


@pytest.mark.django_db
def test_what_a_letter_says_never_overrides_the_caller_defaults_it_does_not_need():
    outcome = load(SEED_123, defaults=LetterDefaults(issuer="别的局", region="别处", body="npc"))
    assert (outcome.reply.issuer, outcome.reply.region, outcome.reply.body) == (
        "三门峡市工业和信息化局",
        "三门峡市",
        "cppcc",
    )


@pytest.mark.django_db
def test_a_clerks_registered_title_and_proposers_are_kept(make_proposal, session, member):
    proposal = make_proposal(number=252, title="登记的案由")
    proposal.proposer_links.create(member=member, position=1)
    load((SEEDS / "000_ee2ad97ee7362e9f.txt").read_bytes())
    proposal.refresh_from_db()
    assert proposal.title == "登记的案由"
    assert [m.name for m in proposal.proposers.all()] == ["张素平"]


@pytest.mark.django_db
def test_a_reply_from_a_bureau_other_than_the_lead_is_flagged(make_proposal, make_assignment):
    other = Bureau.objects.create(region="焦作市", name="焦作市科学技术局")
    make_assignment(make_proposal(number=252), due_on=None, bureau=other)
    load((SEEDS / "000_ee2ad97ee7362e9f.txt").read_bytes())
    reply = Reply.objects.get()
    assert reply.needs_review
    assert "主办单位" in reply.review_note
    assert Assignment.objects.filter(role="lead").count() == 1


@pytest.mark.django_db
def test_a_letter_without_a_number_is_held_for_a_clerk_and_files_nothing_else():
    text = ISSUER_ONLY_OUR_BUREAU.replace("第301号", "")
    outcome = load(text.encode())
    assert outcome.status == ImportStatus.HELD and outcome.error is None
    assert "编号" in outcome.note
    assert row_counts() == {model.__name__: 0 for model in ALL_MODELS}
    held = HeldLetter.objects.get()
    assert held.text.startswith(outcome.reply.text[:20]) and "编号" in held.reason
    assert load(text.encode(), "again.txt").status == ImportStatus.UNCHANGED


@pytest.mark.django_db
def test_a_clerk_files_a_held_letter_and_it_becomes_an_ordinary_reply(session, bureau):
    text = (SEEDS / "000_ee2ad97ee7362e9f.txt").read_text().replace("第252号", "")
    assert load(text.encode()).status == ImportStatus.HELD
    proposal = proposal_save(proposal=Proposal(session=session, number=252), actor=SYSTEM)
    reply = letter_complete(
        held=HeldLetter.objects.get(),
        proposal=proposal,
        bureau=bureau,
        handling_round=1,
        actor=SYSTEM,
    )
    assert (reply.doc_number, reply.proposed_grade_id) == ("焦工信〔2022〕71号", "A")
    assert Proposal.objects.get().status == "replied"
    assert HeldLetter.objects.get().status == "done"


@pytest.mark.django_db
def test_a_letter_cut_off_before_its_end_is_kept_but_answers_nothing_until_complete():
    whole = (SEEDS / "000_ee2ad97ee7362e9f.txt").read_text()
    cut = whole[: whole.index("二、")]
    outcome = load(cut.encode(), "cut.txt")
    assert outcome.status == ImportStatus.IMPORTED and "不完整" in outcome.note
    assert Reply.objects.get().completeness == "incomplete"
    assert Proposal.objects.get().status == "assigned"
    assert load(whole.encode(), "whole.txt").status == ImportStatus.UPDATED
    assert Reply.objects.get().completeness == "complete"
    assert Proposal.objects.get().status == "replied"
    shorter = whole[: whole.index("（二）")]
    assert load(shorter.encode(), "shorter.txt").status == ImportStatus.UNCHANGED
    assert Reply.objects.get().completeness == "complete"


@pytest.mark.django_db
def test_an_import_keeps_its_own_provenance_and_writes_no_people_history():
    load(SEED_120)
    changed = SEED_120.decode().replace("3569411", "3569999").encode()
    load(changed, "corrected.txt")
    assert Reply.history.count() == 0
    assert Proposal.history.count() == 0
    assert ReplyChange.objects.count() == 1


@pytest.mark.django_db
def test_a_second_round_reply_is_filed_beside_the_first():
    load(SEED_120)
    second = (
        SEED_120.decode()
        .replace("第120号提案的答复", "第120号提案的再次答复")
        .replace("办理结果：A", "办理结果：B")
        .encode()
    )
    outcome = load(second, "second.txt")
    assert outcome.status == ImportStatus.IMPORTED
    rounds = [(r.round, r.proposed_grade_id) for r in Reply.objects.order_by("round")]
    assert rounds == [(1, "A"), (2, "B")]
    assert "handling_round" not in outcome.to_json()["reply"]


# Field ownership: what a letter owns, what a clerk owns.


@pytest.mark.django_db
def test_a_corrected_copy_of_a_letter_keeps_the_clerks_grade():
    load(SEED_120)
    reply = Reply.objects.get()
    reply_grade_decide(reply=reply, grade=Grade.objects.get(pk="B"), actor=SYSTEM)
    outcome = load(SEED_120.decode().replace("3569411", "3569999").encode(), "corrected.txt")
    assert outcome.status == ImportStatus.UPDATED
    reply.refresh_from_db()
    assert (reply.grade_id, reply.proposed_grade_id) == ("B", "A")
    assert reply.contacts.get().phone == "3569999"


@pytest.mark.django_db
def test_a_letter_never_overwrites_a_clerks_correction_but_records_the_conflict():
    load(SEED_120)
    reply = Reply.objects.get()
    reply_edit(
        reply=reply,
        content=LetterContent(values={"signer": "付希强（更正）"}),
        actor=SYSTEM,
    )
    changed = (
        SEED_120.decode().replace("签发人：付希强", "签发人：王某").replace("3569411", "3569999")
    )
    outcome = load(changed.encode(), "again.txt")
    assert outcome.status == ImportStatus.UPDATED
    assert set(outcome.conflicts) == {"signer"} and "contacts" in outcome.changes
    reply.refresh_from_db()
    assert reply.signer == "付希强（更正）" and reply.contacts.get().phone == "3569999"
    assert reply.needs_review and "更正不一致" in reply.review_note
    change = ReplyChange.objects.filter(kind="import").get()
    assert change.conflict_rows() == [("签发人", "付希强（更正）", "王某")]
