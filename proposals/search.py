"""Chinese substring search over proposal titles and reply texts, through an index on each database.

A text is indexed as its single characters and its pairs of adjacent characters (bigrams), so
queries of any length use the index: one character looks up its unigram, two characters their
bigram, and a longer query every bigram it contains, after which the candidates are checked for
the exact substring. SQLite keeps the tokens in an FTS5 table, PostgreSQL in a GIN index on
their array (both created by migration 0009; PostgreSQL's pg_trgm would need a UTF-8 ctype and
cannot serve queries under three characters). bench/pages.py measures them; figures in bench/README.md.
"""

from collections.abc import Iterable
from dataclasses import dataclass

from django.db import connection
from django.db.models import Q, QuerySet
from django.db.models.expressions import RawSQL

from proposals.models import Proposal, Reply, SearchDocument
from proposals.tokens import alnum_runs, index_tokens, query_tokens

PASSAGE_CONTEXT = 40
_BATCH = 500


@dataclass(frozen=True)
class Passage:
    """Where a query matched: the text around it, split so a template can mark the match."""

    before: str
    match: str
    after: str


def _index_is_exact(query: str) -> bool:
    """One token answers a query of one or two characters exactly; longer ones need a check."""
    runs = alnum_runs(query)
    return len(runs) == 1 and len(runs[0]) <= 2 and runs[0] == query.lower()


def _documents_holding(tokens: list[str]) -> QuerySet:
    if connection.vendor == "sqlite":
        sql = "SELECT rowid FROM proposals_search_fts WHERE proposals_search_fts MATCH %s"
        param = " ".join(f'"{token}"' for token in tokens)
    else:
        sql = (
            "SELECT id FROM proposals_searchdocument "
            "WHERE string_to_array(tokens, ' ') @> %s::text[]"
        )
        param = tokens
    return SearchDocument.objects.filter(pk__in=RawSQL(sql, [param]))


def matching_documents(query: str, *, published_only: bool) -> QuerySet:
    """Search documents whose text contains `query`; none if it has no letter or digit."""
    tokens = query_tokens(query)
    if not tokens:
        return SearchDocument.objects.none()
    documents = _documents_holding(tokens)
    if published_only:
        documents = documents.filter(Q(reply__isnull=True) | Q(reply__published_on__isnull=False))
    if not _index_is_exact(query):
        documents = documents.filter(
            Q(reply__isnull=True, proposal__title__icontains=query)
            | Q(reply__text__icontains=query)
        )
    return documents


def proposals_matching(proposals: QuerySet, query: str, *, published_only: bool) -> QuerySet:
    """`proposals` whose title or (visible) reply text contains `query`."""
    documents = matching_documents(query, published_only=published_only)
    return proposals.filter(pk__in=documents.values("proposal_id"))


def passage_of(text: str, query: str) -> Passage | None:
    start = text.lower().find(query.lower())
    if start < 0:
        return None
    end = start + len(query)
    before = text[max(0, start - PASSAGE_CONTEXT) : start]
    after = text[end : end + PASSAGE_CONTEXT]
    return Passage(
        ("…" if start > PASSAGE_CONTEXT else "") + " ".join(before.split()),
        text[start:end],
        " ".join(after.split()) + ("…" if end + PASSAGE_CONTEXT < len(text) else ""),
    )


def passages_for(proposals: Iterable[Proposal], query: str, *, published_only: bool) -> None:
    """Set `passage` on each proposal: the first match in its title, else in a reply it may show."""
    by_id = {proposal.pk: proposal for proposal in proposals}
    replies = Reply.objects.filter(proposal_id__in=by_id).order_by("proposal_id", "round", "pk")
    if published_only:
        replies = replies.filter(published_on__isnull=False)
    texts = {pk: [proposal.title] for pk, proposal in by_id.items()}
    for proposal_id, text in replies.values_list("proposal_id", "text"):
        texts[proposal_id].append(text)
    for pk, proposal in by_id.items():
        proposal.passage = next(
            (found for text in texts[pk] if (found := passage_of(text, query))), None
        )


def search_index_refresh(proposals: Iterable[Proposal]) -> None:
    """Index these proposals' titles and reply texts anew; call after either changes."""
    proposals = list(proposals)
    ids = [proposal.pk for proposal in proposals]
    # A reply moved here from another proposal takes its document with it.
    SearchDocument.objects.filter(Q(proposal_id__in=ids) | Q(reply__proposal_id__in=ids)).delete()
    documents = [
        SearchDocument(proposal_id=proposal.pk, tokens=index_tokens(proposal.title))
        for proposal in proposals
        if proposal.title
    ]
    replies = Reply.objects.filter(proposal_id__in=ids).values_list("pk", "proposal_id", "text")
    documents += [
        SearchDocument(proposal_id=proposal_id, reply_id=pk, tokens=index_tokens(text))
        for pk, proposal_id, text in replies
        if text
    ]
    SearchDocument.objects.bulk_create(documents, batch_size=_BATCH)


def search_index_rebuild() -> int:
    """Index every proposal in batches; return how many were indexed."""
    proposals = Proposal.objects.only("title")
    count = 0
    batch = []
    for proposal in proposals.order_by("pk").iterator(chunk_size=_BATCH):
        batch.append(proposal)
        if len(batch) == _BATCH:
            search_index_refresh(batch)
            count += len(batch)
            batch = []
    search_index_refresh(batch)
    return count + len(batch)
