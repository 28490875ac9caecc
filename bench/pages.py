"""The benchmark database of generated proposals, and first-page timings of the web list and search.

    .venv/bin/python bench/pages.py --database sqlite [--count 100000] [--repeat 9] [--reuse]
    .venv/bin/python bench/pages.py --database postgres --count 1000000 ...

Builds a database of `count` generated proposals (not through the loader: bench/loader.py
measures that) as handling leaves them (see `_proposal`): proposers, lead and co-handling
assignments in the session's region, extension and return requests, replies of ~8 KB drawn
from the sentences of the sample replies in fixtures/replies and bench/generate.py's phrases,
feedback, re-handling and closing; and a login per role (clerk, officer of one bureau,
leader). The derived state is what proposals.derived defines, computed while the rows are
made (`build`). bench/scale.py measures every page on it; this script requests the web list
and search as a clerk and as an anonymous visitor and prints the median and slowest time of
`repeat` requests (after one warm-up request). `--reuse` keeps a database built before; each
`--count` has its own (bench/out/pages-COUNT.sqlite3, PostgreSQL's bench_pages_COUNT).
"""

import argparse
import importlib
import json
import multiprocessing
import os
import random
import re
import statistics
import sys
import time
from collections import Counter, defaultdict, deque
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

from generate import BUREAUS, PHRASES, REGIONS, SESSIONS, TOPICS, person

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "out"
PG_SERVER = "postgres://postgres@127.0.0.1:5432"
PG_DATABASE = "bench_pages"
BATCH = 2000
# Words placed in a known share of the letters, so that queries hit rare and common terms.
PLANTED = {"煤改气": 0.002, "专精特新": 0.05, "研发活动全覆盖": 0.01, "职业教育": 0.2}
QUERIES = ["煤", "教育", "专精特新", "研发活动全覆盖", "煤改气", "的"]
PAGES = [
    ("list", {}),
    ("list needing attention", {"turn": "lead"}),
    ("list overdue", {"overdue": "yes"}),
    ("list by bureau", {"bureau": "3"}),
    ("list by status, sorted by due date", {"status": "assigned", "order": "due"}),
    ("list page 20", {"page": "20"}),
] + [(f"search {q}", {"q": q}) for q in QUERIES]
PAGES += [
    ("search 教育 in one bureau", {"q": "教育", "bureau": "3"}),
    ("search 专精特新, page 2", {"q": "专精特新", "page": "2"}),
]


def database_url(database: str, count: int) -> str:
    """Each size has its own database, so that 100,000 and 1,000,000 are kept side by side."""
    if database == "sqlite":
        return f"sqlite:///{OUT / f'pages-{count}.sqlite3'}"
    return f"{PG_SERVER}/{PG_DATABASE}_{count}"


def setup_django(database: str, count: int) -> None:
    import django

    os.environ["DATABASE_URL"] = database_url(database, count)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tracker.settings")
    sys.path.insert(0, str(ROOT))
    django.setup()


def recreate(database: str, count: int) -> None:
    if database == "sqlite":
        OUT.mkdir(parents=True, exist_ok=True)
        for suffix in ("", "-wal", "-shm"):
            Path(f"{OUT / f'pages-{count}.sqlite3'}{suffix}").unlink(missing_ok=True)
        return
    import psycopg

    with psycopg.connect(f"{PG_SERVER}/postgres", autocommit=True) as connection:
        connection.execute(f"DROP DATABASE IF EXISTS {PG_DATABASE}_{count}")
        connection.execute(f"CREATE DATABASE {PG_DATABASE}_{count}")


def sentences() -> list[str]:
    found = list(PHRASES)
    for path in sorted((ROOT / "fixtures" / "replies").iterdir()):
        text = path.read_text(encoding="utf-8", errors="replace")
        found += [s.strip() + "。" for s in re.split(r"[。！？\n]", text) if len(s.strip()) > 12]
    return found


def reply_text(rng: random.Random, corpus: list[str]) -> str:
    parts = []
    while sum(map(len, parts)) < 2700:
        sentence = rng.choice(corpus)
        parts.append(re.sub(r"\d+", lambda _: str(rng.randint(2, 9999)), sentence))
    for word, share in PLANTED.items():
        if rng.random() < share:
            parts.insert(rng.randrange(len(parts)), f"积极推进{word}工作。")
    return "\n".join(parts)


# The people and lists the generator draws from.
CATEGORIES = ["经济", "科教", "社会", "城建", "农业"]
SECTORS = [
    "中共",
    "民革",
    "民盟",
    "民建",
    "民进",
    "农工党",
    "九三学社",
    "无党派人士",
    "工商联",
    "科技界",
    "教育界",
    "医药卫生界",
    "经济界",
    "农业界",
]
DELEGATIONS = ["解放区", "山阳区", "中站区", "马村区", "修武县", "博爱县", "武陟县", "温县"]
MEMBERS_PER_BODY = 250  # in each region
# One login per role; the bureau officer acts for the first bureau of the first region.
LOGINS = {"clerk": "clerk", "officer": "bureau", "leader": "viewer"}


@dataclass(frozen=True)
class Plan:
    """What every batch of proposals is drawn from: the rows made before them."""

    count: int
    today: date
    sessions: list[tuple[int, str, str]]  # id, region, body, in numbering order
    bureaus: dict[str, list[int]]  # by region
    members: dict[tuple[str, str], list[int]]  # by (body, region)

    @property
    def per_session(self) -> int:
        return self.count // len(self.sessions) + 1

    @property
    def batches(self) -> int:
        return -(-self.count // BATCH)


def build(count: int, database: str, workers: int = 2) -> None:
    """Generate `count` proposals with everything handling makes of them (see `_proposal`),
    and their derived state as proposals.derived defines it: the snapshot by `derive()`, the
    public texts and search tokens by `TextIndex.of()` and `index_tokens()`, computed by
    `workers` processes while the rows are written (COPY on PostgreSQL). A sample is then
    checked against what proposals.derived computes from the stored rows."""
    from django.core.management import call_command
    from django.db import connection, transaction

    from proposals.models import Bureau, Member, Session
    from proposals.roles import Role, login_ensure

    call_command("migrate", verbosity=0)
    rng = random.Random(0)
    started = time.perf_counter()
    with transaction.atomic():
        sessions = Session.objects.bulk_create(
            Session(body="npc" if npc else "cppcc", region=region, term=term, meeting=meeting)
            for region, npc, term, meeting in SESSIONS
        )
        bureaus = Bureau.objects.bulk_create(
            Bureau(region=region, name=f"{region}{name}")
            for region in REGIONS
            for name, _ in BUREAUS
        )
        members = Member.objects.bulk_create(
            Member(
                name=f"{person(rng)}{index}",
                body=body,
                region=region,
                sector=rng.choice(SECTORS) if body == "cppcc" else "",
                delegation=f"{rng.choice(DELEGATIONS)}代表团" if body == "npc" else "",
            )
            for region in REGIONS
            for body in ("cppcc", "npc")
            for index in range(MEMBERS_PER_BODY)
        )
        for username, role in LOGINS.items():
            login_ensure(username=username, password="bench", role=Role(role), bureau=bureaus[0])
    by_region, by_body = {}, {}
    for bureau in bureaus:
        by_region.setdefault(bureau.region, []).append(bureau.pk)
    for member in members:
        by_body.setdefault((member.body, member.region), []).append(member.pk)
    plan = Plan(
        count=count,
        today=date.today(),
        sessions=[(s.pk, s.region, s.body) for s in sessions],
        bureaus=by_region,
        members=by_body,
    )
    written = Counter()
    with (
        _search_index_dropped(),
        multiprocessing.get_context("spawn").Pool(
            workers, initializer=_start_worker, initargs=(database, plan)
        ) as pool,
    ):
        # A few batches ahead of the writer, not all: a batch holds ~30 MB of text.
        waiting = deque(
            pool.apply_async(_batch, (i,)) for i in range(min(plan.batches, 2 * workers))
        )
        for done in range(1, plan.batches + 1):
            tables = waiting.popleft().get()
            if done + len(waiting) < plan.batches:
                waiting.append(pool.apply_async(_batch, (done + len(waiting),)))
            with transaction.atomic():
                for label, columns, rows in tables:
                    _insert(label, columns, rows)
                    written[label] += len(rows)
            if done % 50 == 0:
                print(
                    f"  {written['proposals.Proposal']:,} proposals written "
                    f"({time.perf_counter() - started:.0f} s)",
                    flush=True,
                )
    with connection.cursor() as cursor:
        from django.apps import apps
        from django.core.management.color import no_style

        for statement in connection.ops.sequence_reset_sql(
            no_style(), apps.get_app_config("proposals").get_models()
        ):
            cursor.execute(statement)
    print(
        f"built {count:,} proposals in {time.perf_counter() - started:.0f} s: "
        + ", ".join(f"{n:,} {label.split('.')[1]}" for label, n in written.items()),
        flush=True,
    )
    _check_sample(rng)
    if connection.vendor == "postgresql":
        started = time.perf_counter()
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
        print(f"VACUUM ANALYZE in {time.perf_counter() - started:.0f} s", flush=True)


@contextmanager
def _search_index_dropped():
    """On PostgreSQL the search index (migration 0009's GIN) is made after the rows, in one
    pass: keeping it up to date row by row costs several times more."""
    from django.db import connection

    if connection.vendor != "postgresql":
        yield
        return
    migration = importlib.import_module("proposals.migrations.0009_search_documents")
    with connection.cursor() as cursor:
        for statement in migration.POSTGRESQL_DROP:
            cursor.execute(statement)
    yield
    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute("SET maintenance_work_mem = '1GB'")
        for statement in migration.POSTGRESQL_INDEX:
            cursor.execute(statement)
    print(f"search index made in {time.perf_counter() - started:.0f} s", flush=True)


def _insert(label: str, columns: list[str], rows: list[tuple]) -> None:
    from django.apps import apps
    from django.db import connection

    if not rows:
        return
    table = connection.ops.quote_name(apps.get_model(label)._meta.db_table)
    names = ", ".join(connection.ops.quote_name(column) for column in columns)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        else:
            marks = ", ".join(["%s"] * len(columns))
            cursor.executemany(f"INSERT INTO {table} ({names}) VALUES ({marks})", rows)


_worker: dict = {}


def _start_worker(database: str, plan: Plan) -> None:
    setup_django(database, plan.count)
    _worker.update(plan=plan, corpus=sentences(), sqlite=database == "sqlite")


def _batch(index: int) -> list[tuple[str, list[str], list[tuple]]]:
    """The rows of proposals index × BATCH … (index + 1) × BATCH, the same every time.

    Ids are given, in a range of each proposal's own (assignment id = proposal id × 4 + k…),
    so that batches are made apart and in any order."""
    from proposals import models

    plan = _worker["plan"]
    rng = random.Random(f"pages-{index}")
    rows = defaultdict(list)
    for position in range(index * BATCH, min(plan.count, (index + 1) * BATCH)):
        _proposal(rng, plan, position, rows)
    order = [
        models.Proposal,
        models.ProposalProposer,
        models.Assignment,
        models.ExtensionRequest,
        models.ReturnRequest,
        models.Reply,
        models.Feedback,
        models.Rehandling,
        models.SearchDocument,
    ]
    return [_table(model, rows[model]) for model in order]


def _table(model, dicts: list[dict]) -> tuple[str, list[str], list[tuple]]:
    """Rows of `model` as tuples of every column: the field's default where not given."""
    fields = [field for field in model._meta.concrete_fields]
    defaults = [field.get_default() for field in fields]
    converted = []
    for values in dicts:
        row = []
        for field, default in zip(fields, defaults, strict=True):
            value = values.get(field.attname, default)
            if isinstance(value, list | dict):
                value = json.dumps(value)
            elif _worker["sqlite"] and isinstance(value, date):
                value = value.isoformat()
            row.append(value)
        converted.append(tuple(row))
    return model._meta.label, [field.column for field in fields], converted


def _proposal(rng: random.Random, plan: Plan, position: int, rows: dict) -> None:
    """One proposal and what handling made of it so far, as of plan.today.

    3% not yet assigned; a lead bureau of the session's region, a quarter with one or two
    co-handlers (most of whom gave their opinion); a reply to 90% of those past their due
    date and 40% of the others (a few incomplete, a few flagged for review, 80% published);
    feedback on 60% of replies, a second proposer answering now and then; 不满意 opens
    re-handling, half of which has its second reply and feedback; half of what has its
    feedback is closed; 5% of unanswered leads asked for an extension, 0.5% to return.
    """
    from proposals import models
    from proposals.derived import STORED_COLUMNS, AssignmentFacts, ReplyFacts, derive
    from proposals.rules import deadline_rules
    from proposals.tokens import TextIndex, index_tokens

    today, rules, corpus = plan.today, deadline_rules(), _worker["corpus"]
    session_id, region, body = plan.sessions[position // plan.per_session]
    pk = position + 1
    kind = "提案" if body == "cppcc" else "建议"
    proposal = {
        "id": pk,
        "session_id": session_id,
        "number": position % plan.per_session + 1,
        "title": f"关于{rng.choice(TOPICS)}的{kind}",
        "category": rng.choice(CATEGORIES),
        "is_key": rng.random() < 0.03,
        "disposition": "merged" if rng.random() < 0.01 else "filed",
        "filed_on": today - timedelta(days=rng.randint(30, 400)),
    }
    proposers = rng.sample(plan.members[body, region], rng.choice([1, 1, 1, 1, 1, 1, 1, 2, 2, 3]))
    for place, member_id in enumerate(proposers, start=1):
        rows[models.ProposalProposer].append(
            {"id": pk * 4 + place, "proposal_id": pk, "member_id": member_id, "position": place}
        )
    assignments, replies, rounds = [], [], []
    rehandling_due = closed_on = None
    if rng.random() >= 0.03:
        assigned_on = proposal["filed_on"] + timedelta(days=rng.randint(1, 20))
        lead_id, *co_ids = rng.sample(
            plan.bureaus[region], 1 + rng.choice([0, 0, 0, 0, 0, 0, 1, 2])
        )
        due_on = rules.due_on(assigned_on, "lead")
        lead = {
            "id": pk * 4,
            "proposal_id": pk,
            "bureau_id": lead_id,
            "role": "lead",
            "assigned_on": assigned_on,
            "due_on": due_on,
            "on_time_by": due_on,
        }
        assignments.append(lead)
        for k, bureau_id in enumerate(co_ids, start=1):
            co_due = rules.due_on(assigned_on, "co")
            opinion_on = assigned_on + timedelta(days=rng.randint(5, 40))
            assignments.append(
                {
                    "id": pk * 4 + k,
                    "proposal_id": pk,
                    "bureau_id": bureau_id,
                    "role": "co",
                    "assigned_on": assigned_on,
                    "due_on": co_due,
                    "on_time_by": co_due,
                    "opinion_on": opinion_on
                    if opinion_on <= today and rng.random() < 0.85
                    else None,
                }
            )
        answered = rng.random() < (0.9 if due_on < today else 0.4)
        reply_date = assigned_on + timedelta(days=rng.randint(20, 120))
        if answered and reply_date <= today:
            replies.append(_reply(rng, pk, lead_id, 1, reply_date, today, corpus))
            worst = _feedback(rng, pk, proposers, 1, reply_date, today, rows)
            if worst is not None:
                rounds.append(1)
            if worst == "not_satisfied" and rng.random() < 0.7:
                opened_on = rows[models.Feedback][-1]["received_on"]
                rehandling_due = rules.rehandling_due_on(opened_on)
                rows[models.Rehandling].append(
                    {
                        "id": pk,
                        "proposal_id": pk,
                        "opened_on": opened_on,
                        "due_on": rehandling_due,
                        "feedback_id": rows[models.Feedback][-1]["id"],
                    }
                )
                second_on = opened_on + timedelta(days=rng.randint(10, 40))
                if rng.random() < 0.5 and second_on <= today:
                    replies.append(_reply(rng, pk, lead_id, 2, second_on, today, corpus))
                    if _feedback(rng, pk, proposers, 2, second_on, today, rows) is not None:
                        rounds.append(2)
            if rounds and rounds[-1] == (2 if rehandling_due else 1) and rng.random() < 0.5:
                closing = rows[models.Feedback][-1]["received_on"] + timedelta(
                    days=rng.randint(5, 30)
                )
                closed_on = closing if closing <= today else None
        elif rng.random() < 0.05:
            asked_on = assigned_on + timedelta(days=rng.randint(30, 100))
            if asked_on <= today:
                status = rng.choice(["pending", "pending", "approved", "refused"])
                later = due_on + timedelta(days=30)
                request = {
                    "id": pk,
                    "assignment_id": lead["id"],
                    "reason": "调研论证需要时间",
                    "requested_on": asked_on,
                    "requested_due_on": later,
                    "status": status,
                    "late": asked_on > due_on,
                }
                if status != "pending":
                    request["decided_on"] = asked_on + timedelta(days=3)
                if status == "approved":
                    lead["due_on"] = later
                    if not request["late"]:
                        lead["on_time_by"] = later
                rows[models.ExtensionRequest].append(request)
        elif rng.random() < 0.005:
            rows[models.ReturnRequest].append(
                {
                    "id": pk,
                    "assignment_id": lead["id"],
                    "reason": "不属于本单位职责",
                    "requested_on": assigned_on + timedelta(days=5),
                }
            )
    proposal["closed_on"] = closed_on
    snapshot = derive(
        closed_on=closed_on,
        assignments=[
            AssignmentFacts(*(a.get(name) for name in _ASSIGNMENT_FACTS)) for a in assignments
        ],
        replies=[ReplyFacts(*(r.get(name) for name in ReplyFacts._fields)) for r in replies],
        feedback_rounds=rounds,
        rehandling_due_on=rehandling_due,
    )
    proposal.update(zip(STORED_COLUMNS, snapshot, strict=True))
    rows[models.Proposal].append(proposal)
    rows[models.Assignment] += assignments
    rows[models.SearchDocument].append(
        {"id": pk * 3, "proposal_id": pk, "tokens": index_tokens(proposal["title"])}
    )
    for reply in replies:
        index = TextIndex.of(reply["text"])
        reply["public_text"] = index.public_text
        rows[models.SearchDocument].append(
            {
                "id": pk * 3 + reply["round"],
                "proposal_id": pk,
                "reply_id": reply["id"],
                "tokens": index.tokens,
            }
        )
    rows[models.Reply] += replies


_ASSIGNMENT_FACTS = ["bureau_id", "role", "due_on", "returned_on", "opinion_on"]


def _reply(rng, pk: int, bureau_id: int, round_: int, on: date, today: date, corpus) -> dict:
    published_on = on + timedelta(days=rng.randint(1, 15))
    grade = rng.choice("AABBC")
    return {
        "id": pk * 2 + round_ - 1,
        "proposal_id": pk,
        "bureau_id": bureau_id,
        "round": round_,
        "doc_number": f"焦政〔{on.year}〕{pk % 997 + 1}号",
        "grade_id": grade,
        "proposed_grade_id": grade,
        "reply_date": on,
        "text": reply_text(rng, corpus),
        "completeness": "incomplete" if rng.random() < 0.01 else "complete",
        "needs_review": rng.random() < 0.02,
        "published_on": published_on if published_on <= today and rng.random() < 0.8 else None,
    }


def _feedback(rng, pk, proposers, round_: int, replied_on: date, today: date, rows) -> str | None:
    """The proposers' answers to a reply (the first proposer's, sometimes another's too);
    returns the least satisfied, or None when nobody answered."""
    from proposals import models

    received_on = replied_on + timedelta(days=rng.randint(10, 40))
    if rng.random() >= 0.6 or received_on > today:
        return None
    answers = [rng.choice(["satisfied"] * 6 + ["basically"] * 3 + ["not_satisfied"])]
    if len(proposers) > 1 and rng.random() < 0.3:
        answers.append(rng.choice(["satisfied", "basically"]))
    for place, satisfaction in reversed(list(enumerate(answers))):
        rows[models.Feedback].append(
            {
                "id": pk * 8 + (round_ - 1) * 4 + place,
                "proposal_id": pk,
                "member_id": proposers[place],
                "round": round_,
                "satisfaction": satisfaction,
                "received_on": received_on,
            }
        )
    return min(answers, key=["not_satisfied", "basically", "satisfied"].index)


def _check_sample(rng: random.Random, size: int = 2000) -> None:
    """What proposals.derived computes from the stored rows of a sample equals what was stored."""
    from proposals import derived
    from proposals.models import Proposal, Reply, SearchDocument
    from proposals.tokens import TextIndex

    ids = list(Proposal.objects.values_list("pk", flat=True).order_by("?")[:size])
    stored = {p.pk: derived.stored_snapshot(p) for p in Proposal.objects.filter(pk__in=ids)}
    assert derived.snapshots(ids) == stored, "stored snapshots differ from derived.snapshots()"
    replies = Reply.objects.filter(proposal__in=ids[:200]).select_related("search_document")
    for reply in replies:
        index = TextIndex.of(reply.text)
        assert (reply.public_text, reply.search_document.tokens) == (
            index.public_text,
            index.tokens,
        )
    assert SearchDocument.objects.filter(proposal__in=ids, reply=None).count() == len(ids)
    print(f"checked {len(ids)} snapshots and {len(replies)} reply texts against proposals.derived")


def measure(repeat: int, only: str) -> None:
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client
    from django.test.utils import setup_test_environment
    from django.urls import reverse

    from proposals.models import Proposal, SearchDocument

    # Lets the client in, records response.context; DEBUG off (as in production: no query log).
    setup_test_environment(debug=False)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
    clerk = Client()
    clerk.force_login(get_user_model().objects.get(username="clerk"))
    visitors = {"clerk": clerk, "anonymous": Client()}
    print(
        f"{connection.vendor}: {Proposal.objects.count()} proposals, "
        f"{SearchDocument.objects.count()} search documents"
    )
    print(f"{'page':38} {'who':10} {'rows':>7} {'median ms':>10} {'max ms':>8}")
    for name, query in (page for page in PAGES if only in page[0]):
        for who, client in visitors.items():
            response = client.get(reverse("proposal-list"), query)
            assert response.status_code == 200, (name, response.status_code)
            times = []
            for _ in range(repeat):
                started = time.perf_counter()
                client.get(reverse("proposal-list"), query)
                times.append((time.perf_counter() - started) * 1000)
            rows = response.context["paginator"].count
            print(
                f"{name:38} {who:10} {rows:>7} {statistics.median(times):>10.1f} "
                f"{max(times):>8.1f}",
                flush=True,
            )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--count", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=9)
    parser.add_argument("--reuse", action="store_true", help="the database built before")
    parser.add_argument("--workers", type=int, default=2, help="processes computing the rows")
    parser.add_argument("--only", default="", help="measure only the pages whose name has this")
    args = parser.parse_args()
    if not args.reuse:
        recreate(args.database, args.count)
    setup_django(args.database, args.count)
    if not args.reuse:
        build(args.count, args.database, args.workers)
    measure(args.repeat, args.only)


if __name__ == "__main__":
    main()
