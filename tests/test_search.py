"""Chinese search: substring semantics for queries of any length, through the index, with passages."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from proposals import search
from proposals.access import SYSTEM
from proposals.importing import LetterImporter
from proposals.models import Reply, SearchDocument
from proposals.roles import Role, login_ensure
from proposals.search import matching, passage_of
from proposals.services import LetterContent, reply_delete, reply_edit
from proposals.tokens import index_tokens, query_tokens
from tests.letters import COUNTY_NPC_WEB_PAGE

REPLY_TEXT = (
    "关于支持专精特新企业发展的建议收悉。我局将推动规上工业企业研发活动全覆盖，"
    "并加大对煤炭行业转型的支持。"
)


@pytest.fixture
def indexed(make_proposal, make_reply):
    """Three proposals: one found by its reply text, one by its title, one by neither."""
    by_text = make_proposal(title="关于促进制造业发展的提案")
    make_reply(by_text, text=REPLY_TEXT, published_on=timezone.localdate())
    by_title = make_proposal(title="关于加强职业教育的提案")
    neither = make_proposal(title="关于城市绿化的提案")
    make_reply(neither, text="已收悉，正在研究。")
    return {"text": by_text, "title": by_title, "neither": neither}


@pytest.fixture(params=["indexed", "scanned"], autouse=True)
def way(request, monkeypatch):
    """Every search test runs both ways: a rare word through the index, a common one by
    reading the list row by row (here forced by a probe limit of nothing)."""
    if request.param == "scanned":
        monkeypatch.setattr(search, "PROBE_LIMIT", 0)
    return request.param


def found(query: str, *, published_only=False) -> set[int]:
    from proposals.models import Proposal

    matched = matching(Proposal.objects.all(), query, published_only=published_only).proposals
    return set(matched.values_list("pk", flat=True))


def test_tokens_are_characters_and_bigrams_of_each_run_without_punctuation():
    assert index_tokens("煤炭，A1") == "1 a a1 炭 煤 煤炭"
    assert query_tokens("专精特新") == ["专精", "精特", "特新"]
    assert query_tokens("煤") == ["煤"]
    assert query_tokens("“教育”") == ["教育"]
    assert query_tokens("，。") == []


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("专精特新", {"text"}),
        ("研发活动全覆盖", {"text"}),
        ("煤", {"text"}),
        ("教育", {"title"}),
        ("的提案", {"text", "title", "neither"}),
        ("关于", {"text", "title", "neither"}),
        ("特新专精", set()),
        ("全覆盖研发", set()),
        ("煤气", set()),
    ],
)
def test_search_finds_exact_substrings_of_titles_and_reply_texts(indexed, query, expected):
    assert found(query) == {indexed[key].pk for key in expected}


def test_letters_match_in_either_case(make_proposal, make_reply):
    proposal = make_proposal(title="关于治理PM2.5的提案")
    make_reply(proposal, text="加强VOCs排放管控。")
    assert found("pm2.5") == found("治理PM2") == found("vocs") == {proposal.pk}


def test_bigrams_present_out_of_order_are_not_a_match(indexed, make_proposal):
    make_proposal(title="新特精专，专精；精特，特新")
    assert found("专精特新") == {indexed["text"].pk}


def test_anonymous_search_reads_only_published_replies(indexed):
    assert found("研究", published_only=True) == set()
    assert found("研究") == {indexed["neither"].pk}
    assert found("专精特新", published_only=True) == {indexed["text"].pk}


def test_no_search_finds_a_phone_number_of_a_published_reply(make_proposal, make_reply):
    proposal = make_proposal(title="关于停车设施的提案")
    make_reply(
        proposal,
        text="现答复如下：……\n联系人：李某  联系电话：0391-3569133，手机 13812345678",
        published_on=timezone.localdate(),
    )
    for published_only in (True, False):
        assert found("3569133", published_only=published_only) == set()
        assert found("13812345678", published_only=published_only) == set()
    assert found("联系人：李某", published_only=True) == {proposal.pk}


def test_a_query_without_letters_or_digits_finds_nothing(indexed):
    assert found("，。！") == set()


def test_the_index_follows_a_changed_and_a_deleted_reply(indexed):
    reply = Reply.objects.get(proposal=indexed["neither"])
    reply_edit(
        reply=reply, content=LetterContent(values={"text": "将统筹推进煤改气工程。"}), actor=SYSTEM
    )
    assert found("煤改气") == {indexed["neither"].pk}
    assert found("研究") == set()
    reply_id = reply.pk
    reply_delete(reply=reply, actor=SYSTEM)
    assert found("煤改气") == set()
    assert not SearchDocument.objects.filter(reply_id=reply_id).exists()


def test_importing_a_letter_indexes_its_text(db):
    data = COUNTY_NPC_WEB_PAGE.encode()
    outcome = LetterImporter(actor=SYSTEM).import_letter(name="a.txt", data=data)
    assert outcome.status == "imported"
    reply = Reply.objects.get()
    assert found("校舍改造") == {reply.proposal_id}
    assert found("改善农村学校") == {reply.proposal_id}


def test_the_lookup_goes_through_the_index(indexed):
    with CaptureQueriesContext(connection) as queries:
        found("专精特新")
    sql = " ".join(query["sql"] for query in queries.captured_queries)
    if connection.vendor == "sqlite":
        assert "MATCH" in sql
    else:
        assert "string_to_array" in sql
        with connection.cursor() as cursor:
            cursor.execute("SET enable_seqscan = off")
            cursor.execute(
                "EXPLAIN SELECT id FROM proposals_searchdocument "
                "WHERE string_to_array(tokens, ' ') @> ARRAY['专精']"
            )
            plan = " ".join(row[0] for row in cursor.fetchall())
            cursor.execute("SET enable_seqscan = on")
        assert "proposals_search_tokens_gin" in plan


def test_the_passage_surrounds_the_first_match_and_keeps_the_original_case():
    passage = passage_of("前言" * 30 + "支持ABC企业" + "后记" * 30, "abc")
    assert passage.match == "ABC"
    assert passage.before.startswith("…") and passage.before.endswith("支持")
    assert passage.after.startswith("企业") and passage.after.endswith("…")


def test_the_list_page_searches_and_highlights_the_passage(client, indexed):
    client.force_login(login_ensure(username="clerk", password="x", role=Role.CLERK))
    page = client.get(reverse("proposal-list"), {"q": "专精特新"})
    assert [p.pk for p in page.context["object_list"]] == [indexed["text"].pk]
    assert "<mark>专精特新</mark>" in page.content.decode()


def test_anonymous_visitors_search_published_replies_only(client, indexed):
    page = client.get(reverse("proposal-list"), {"q": "收悉"})
    assert [p.pk for p in page.context["object_list"]] == [indexed["text"].pk]


def test_a_common_word_is_counted_up_to_a_cap_and_a_rare_one_exactly(
    client, indexed, way, monkeypatch
):
    from proposals.views import CappedPaginator

    monkeypatch.setattr(CappedPaginator, "cap", 2)
    client.force_login(login_ensure(username="clerk", password="x", role=Role.CLERK))
    page = client.get(reverse("proposal-list"), {"q": "提案"}).content.decode()
    if way == "scanned":
        assert "超过 2 件，仅列出前 2 件" in page
    else:
        assert "共 3 件" in page


def test_a_common_word_is_looked_for_only_as_far_as_the_page_needs(
    indexed, make_proposal, monkeypatch
):
    from proposals.models import Proposal

    monkeypatch.setattr(search, "PROBE_LIMIT", 0)
    everything = Proposal.objects.order_by("-number")
    first_two = matching(everything, "提案", published_only=False, first=2)
    assert first_two.scanned
    assert list(first_two.proposals.values_list("pk", flat=True)) == [
        indexed["neither"].pk,
        indexed["title"].pk,
    ]
    every = matching(everything, "提案", published_only=False).proposals
    assert every.count() == 3


def test_the_export_of_a_common_word_holds_every_match_the_page_does_not(
    client, indexed, monkeypatch
):
    from proposals.filters import ProposalFilter
    from proposals.views import CappedPaginator

    monkeypatch.setattr(search, "PROBE_LIMIT", 0)
    monkeypatch.setattr(ProposalFilter, "search_first", 2)
    monkeypatch.setattr(CappedPaginator, "cap", 1)
    client.force_login(login_ensure(username="clerk", password="x", role=Role.CLERK))
    page = client.get(reverse("proposal-list"), {"q": "提案"})
    assert len(page.context["object_list"]) == 1
    assert "超过 1 件" in page.content.decode()
    export = client.get(reverse("proposal-export", args=["csv"]), {"q": "提案"})
    lines = b"".join(export.streaming_content).decode("utf-8-sig").splitlines()
    assert len(lines) == 1 + 3
