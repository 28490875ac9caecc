"""First-page timings of the web list and search at 100,000 proposals with full reply texts.

    .venv/bin/python bench/pages.py --database sqlite [--count 100000] [--repeat 9] [--reuse]
    .venv/bin/python bench/pages.py --database postgres ...

Builds a database of `count` generated proposals (bulk inserts, not the loader: bench/loader.py
measures that), each with a lead bureau, and most with a reply of ~8 KB drawn from the
sentences of the sample replies in fixtures/replies and bench/generate.py's phrases; then
indexes them for search. It then requests each page below through Django's test client as a
clerk and as an anonymous visitor and prints the median and slowest time of `repeat` requests
(after one warm-up request). `--reuse` keeps a database built before.
"""

import argparse
import os
import random
import re
import statistics
import sys
import time
from datetime import date, timedelta
from pathlib import Path

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


def database_url(database: str) -> str:
    if database == "sqlite":
        return f"sqlite:///{OUT / 'pages.sqlite3'}"
    return f"{PG_SERVER}/{PG_DATABASE}"


def setup_django(database: str) -> None:
    import django

    os.environ["DATABASE_URL"] = database_url(database)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tracker.settings")
    sys.path.insert(0, str(ROOT))
    django.setup()


def recreate(database: str) -> None:
    if database == "sqlite":
        OUT.mkdir(parents=True, exist_ok=True)
        for suffix in ("", "-wal", "-shm"):
            Path(f"{OUT / 'pages.sqlite3'}{suffix}").unlink(missing_ok=True)
        return
    import psycopg

    with psycopg.connect(f"{PG_SERVER}/postgres", autocommit=True) as connection:
        connection.execute(f"DROP DATABASE IF EXISTS {PG_DATABASE}")
        connection.execute(f"CREATE DATABASE {PG_DATABASE}")


def sentences() -> list[str]:
    sys.path.insert(0, str(ROOT / "bench"))
    from generate import PHRASES

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


def build(count: int) -> None:
    from django.core.management import call_command
    from django.db import transaction

    from proposals.models import Assignment, Bureau, Member, Proposal, Reply, Session
    from proposals.roles import Role, login_ensure

    sys.path.insert(0, str(ROOT / "bench"))
    from generate import BUREAUS, SESSIONS, TOPICS, person

    call_command("migrate", verbosity=0)
    login_ensure(username="clerk", password="bench", role=Role.CLERK)
    rng = random.Random(0)
    corpus = sentences()
    today = date.today()
    started = time.perf_counter()
    with transaction.atomic():
        sessions = Session.objects.bulk_create(
            Session(body="npc" if npc else "cppcc", region=region, term=term, meeting=meeting)
            for region, npc, term, meeting in SESSIONS
        )
        bureaus = Bureau.objects.bulk_create(
            Bureau(region=region, name=name) for region in ("焦作市",) for name in BUREAUS
        )
        members = Member.objects.bulk_create(
            Member(name=f"{person(rng)}{index}", body="cppcc") for index in range(2000)
        )
        per_session = count // len(sessions) + 1
        numbers = [(s, n) for s in sessions for n in range(1, per_session + 1)][:count]
        for start in range(0, count, BATCH):
            chunk = numbers[start : start + BATCH]
            proposals = Proposal.objects.bulk_create(
                Proposal(
                    session=session,
                    number=number,
                    title=f"关于{rng.choice(TOPICS)}的{session.proposal_kind}",
                    category=rng.choice(["经济", "科教", "社会", "城建", "农业"]),
                    filed_on=today - timedelta(days=rng.randint(30, 400)),
                )
                for session, number in chunk
            )
            assignments, replies, links = [], [], []
            for proposal in proposals:
                links.append(
                    Proposal.proposers.through(
                        proposal=proposal, member=rng.choice(members), position=1
                    )
                )
                assigned_on = proposal.filed_on + timedelta(days=rng.randint(1, 20))
                assignments.append(
                    Assignment(
                        proposal=proposal,
                        bureau=rng.choice(bureaus),
                        role=Assignment.Role.LEAD,
                        assigned_on=assigned_on,
                        due_on=assigned_on + timedelta(days=90),
                    )
                )
                if rng.random() < 0.7:
                    replies.append(
                        Reply(
                            proposal=proposal,
                            bureau=assignments[-1].bureau,
                            grade_id=rng.choice("AABBC"),
                            reply_date=assigned_on + timedelta(days=rng.randint(20, 120)),
                            published_on=today if rng.random() < 0.8 else None,
                            text=reply_text(rng, corpus),
                        )
                    )
            Proposal.proposers.through.objects.bulk_create(links)
            Assignment.objects.bulk_create(assignments)
            Reply.objects.bulk_create(replies)
    print(f"built {count} proposals in {time.perf_counter() - started:.0f} s", flush=True)
    started = time.perf_counter()
    call_command("refresh_derived")
    print(f"stored their status and indexed them in {time.perf_counter() - started:.0f} s")


def measure(repeat: int, only: str) -> None:
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client
    from django.test.utils import setup_test_environment
    from django.urls import reverse

    from proposals.models import Proposal, SearchDocument

    setup_test_environment()  # Lets the client in, keeps DEBUG off, records response.context.
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
    parser.add_argument("--reuse", action="store_true")
    parser.add_argument("--only", default="", help="measure only the pages whose name has this")
    args = parser.parse_args()
    if not args.reuse:
        recreate(args.database)
    setup_django(args.database)
    if not args.reuse:
        build(args.count)
    measure(args.repeat, args.only)


if __name__ == "__main__":
    main()
