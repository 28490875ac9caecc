"""Chinese substring search over proposal titles and reply texts, through an index on each database.

Reply texts are searched as published (`Reply.public_text`, contact details masked), for
everyone: a search never finds a phone number, and what a clerk finds the public finds too
once the reply is published. proposals.derived keeps the documents current.

A text is indexed as its single characters and its pairs of adjacent characters (bigrams). A
query of one or two characters is one token, found exactly by the index; a longer one needs all
its bigrams, and the texts holding them are then checked for the exact substring. SQLite keeps
the tokens in an FTS5 table, PostgreSQL in a GIN index on their array (both created by migration
0009; PostgreSQL's pg_trgm would need a UTF-8 ctype and cannot serve queries under three
characters).

A list page wants its first rows in list order, not every match. So the index is asked for at
most PROBE_LIMIT documents first. Fewer means a rare word: those proposals are the result (after
the substring check) and are counted exactly. More means a common word: then the list is read
in its own order and each row's texts are checked directly, which finds a page after reading a
few dozen rows; such a result is counted only up to a cap (see `Matches.scanned`).
bench/pages.py measures both; figures in bench/README.md.
"""

from collections.abc import Iterable
from contextlib import contextmanager
from dataclasses import dataclass

from django.db import connection, transaction
from django.db.models import OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import StrIndex
from django.db.models.lookups import GreaterThan, IsNull

from proposals import derived
from proposals.models import Proposal, Reply
from proposals.tokens import alnum_runs, query_tokens

PASSAGE_CONTEXT = 40
# Above this many candidate documents a word is common enough that reading the list in order
# finds a page sooner than collecting every match; checking this many texts stays cheap.
PROBE_LIMIT = 5000
# A list page looks for this many matches of a common word (two pages), and says there are
# more: each costs reading a few texts, ~15 µs apiece on SQLite and ~30 µs on PostgreSQL.
SCANNED_CAP = 100
FIRST_CHUNK = 200


@dataclass(frozen=True)
class Passage:
    """Where a query matched: the text around it, split so a template can mark the match."""

    before: str
    match: str
    after: str


@dataclass(frozen=True)
class Matches:
    """The proposals a search found. `scanned`: a common word, read off the list in order
    and only as far as the first rows asked for, so there may be more."""

    proposals: QuerySet
    scanned: bool


def _index_is_exact(query: str) -> bool:
    """One token answers a query of one or two characters exactly; longer ones need a check."""
    runs = alnum_runs(query)
    return len(runs) == 1 and len(runs[0]) <= 2 and runs[0] == query.lower()


def _probe(tokens: list[str], *, published_only: bool, limit: int) -> list[int]:
    """Proposal ids of up to `limit` documents holding every token, in no particular order."""
    if connection.vendor == "sqlite":
        # The FTS table drives the join, so the LIMIT stops it early.
        documents = "proposals_search_fts f JOIN proposals_searchdocument d ON d.id = f.rowid"
        holding = "proposals_search_fts MATCH %s"
        param = " ".join(f'"{token}"' for token in tokens)
    else:
        documents = "proposals_searchdocument d"
        holding = "string_to_array(d.tokens, ' ') @> %s::text[]"
        param = tokens
    if published_only:
        documents += " LEFT JOIN proposals_reply r ON r.id = d.reply_id"
        holding += " AND (d.reply_id IS NULL OR r.published_on IS NOT NULL)"
    sql = f"SELECT d.proposal_id FROM {documents} WHERE {holding} LIMIT %s"
    with transaction.atomic(), connection.cursor() as cursor, _bitmap_scans_only(cursor):
        cursor.execute(sql, [param, limit])
        return [proposal_id for (proposal_id,) in cursor.fetchall()]


@contextmanager
def _bitmap_scans_only(cursor):
    """On PostgreSQL, plan the statements inside with the GIN bitmap only.

    For a token in most texts its planner would read the rows in table or reply order and
    split each one's tokens (it does not cost that): several hundred ms against a few.
    """
    if connection.vendor != "postgresql":
        yield
        return
    cursor.execute("SET LOCAL enable_seqscan = off; SET LOCAL enable_indexscan = off")
    yield
    cursor.execute("SET LOCAL enable_seqscan TO DEFAULT; SET LOCAL enable_indexscan TO DEFAULT")


def _containing(ids: Iterable[int], contains: Q) -> set[int]:
    """Those of these proposal ids whose texts satisfy `contains`."""
    checked = Proposal.objects.filter(contains, pk__in=ids).order_by()
    return set(checked.values_list("pk", flat=True))


def _holds(field: str, query: str) -> Q:
    if query.lower() == query.upper():
        # INSTR / STRPOS reads a long text several times faster than LIKE, and where case
        # cannot differ it finds the same rows.
        return Q(GreaterThan(StrIndex(field, Value(query)), 0))
    return Q(**{f"{field}__icontains": query})


def text_contains(query: str, *, published_only: bool) -> Q:
    """Proposals whose title or a reply they may show contains `query`, checked row by row."""
    replies = Reply.objects.filter(_holds("public_text", query), proposal=OuterRef("pk"))
    if published_only:
        replies = replies.filter(derived.reply_published())
    # A scalar subquery, not EXISTS: PostgreSQL would hash an EXISTS by reading every reply
    # text first (its cost model does not see what reading a long text costs).
    first_match = Subquery(replies.order_by().values("pk")[:1])
    return _holds("title", query) | Q(IsNull(first_match, False))


def _first_in_order(proposals: QuerySet, contains: Q, count: int) -> list[int]:
    """Ids of the first `count` of `proposals`, in its order, that satisfy `contains`.

    Reads the ids a chunk at a time and checks only that chunk's texts: a database left to
    plan it may check every text of a filtered list before sorting it.
    """
    ordered = proposals.prefetch_related(None).order_by(*proposals.query.order_by, "pk")
    ids = ordered.values_list("pk", flat=True)
    found: list[int] = []
    start, size = 0, FIRST_CHUNK
    while len(found) < count:
        chunk = list(ids[start : start + size])
        if not chunk:
            break
        hits = _containing(chunk, contains)
        found += [pk for pk in chunk if pk in hits]
        start += len(chunk)
        # Enough rows, at the share matched so far, to find the rest in one more chunk.
        share = max(len(found), 1) / start
        size = min(max(round((count - len(found)) / share * 1.25), FIRST_CHUNK), 5000)
    return found[:count]


def matching(
    proposals: QuerySet, query: str, *, published_only: bool, first: int | None = None
) -> Matches:
    """`proposals` whose title or (visible) reply text contains `query`.

    `first`: a list page shows only the first rows, so for a common word only the first
    `first` matches in the order of `proposals` are looked for. Without it, every match.
    """
    tokens = query_tokens(query)
    if not tokens:
        return Matches(proposals.none(), scanned=False)
    contains = text_contains(query, published_only=published_only)
    documents = _probe(tokens, published_only=published_only, limit=PROBE_LIMIT + 1)
    if len(documents) > PROBE_LIMIT:
        if first is None:
            return Matches(proposals.filter(contains), scanned=True)
        return Matches(
            proposals.filter(pk__in=_first_in_order(proposals, contains, first)), scanned=True
        )
    found = set(documents)
    if not _index_is_exact(query):
        found = _containing(found, contains)
    return Matches(proposals.filter(pk__in=sorted(found)), scanned=False)


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
        replies = replies.filter(derived.reply_published())
    texts = {pk: [proposal.title] for pk, proposal in by_id.items()}
    for proposal_id, text in replies.values_list("proposal_id", "public_text"):
        texts[proposal_id].append(text)
    for pk, proposal in by_id.items():
        proposal.passage = next(
            (found for text in texts[pk] if (found := passage_of(text, query))), None
        )
