"""Every page at scale, against the framework's floor measured in the same run.

    .venv/bin/python bench/scale.py --database sqlite --count 100000 [--reuse] [--repeat 20]
    .venv/bin/python bench/scale.py --database postgres --count 1000000 --reuse ...

Builds (or with --reuse, opens) bench/pages.py's database of `count` proposals, then requests
each page below through Django's test client: one warm-up request, whose queries are counted
(django.test.utils.CaptureQueriesContext) and whose rows are read from the page's context,
then `repeat` timed requests (at least 5, fewer if they take over --budget seconds in all; a
page whose first request took longer than that is reported by that request alone). It
prints, per page, the median and 95th percentile (nearest rank) server time and that median
as a multiple of the floor: bench/urls.py's page that renders base.html with an empty context
and runs no query, measured anonymously at the start and at the end of the run (its median
over both). Then the XLSX export of about 10,000 and 100,000 rows: the request, and the
background job it queues run in this process, with the peak of Python's allocations while it
ran (tracemalloc, in a second run).
"""

import argparse
import logging
import math
import statistics
import sys
import time
import tracemalloc
from dataclasses import dataclass, field
from datetime import date, timedelta
from urllib.parse import urlencode

import pages

PER_PAGE = 50  # the web list's page size (ProposalListView.paginate_by)


@dataclass
class Page:
    name: str
    who: str
    url: str
    query: dict = field(default_factory=dict)

    @property
    def address(self) -> str:
        return f"{self.url}?{urlencode(self.query)}" if self.query else self.url


@dataclass
class Timing:
    page: Page
    rows: int | None
    queries: int
    times: list[float]

    @property
    def median(self) -> float:
        return statistics.median(self.times)

    @property
    def p95(self) -> float:
        ordered = sorted(self.times)
        return ordered[math.ceil(0.95 * len(ordered)) - 1]


def samples() -> dict:
    """Representative filter values of the database at hand: the latest session, the bureau
    officer's bureau, a member with proposals, a filing date range, the last page."""
    from proposals.models import BureauOfficer, Proposal, ProposalProposer, Session

    session = Session.objects.filter(proposals__isnull=False).order_by("-term", "-meeting")[0]
    bureau = BureauOfficer.objects.get(user__username="officer").bureau_id
    link = ProposalProposer.objects.select_related("member").order_by("pk")[0]
    days = list(Proposal.objects.order_by("filed_on").values_list("filed_on", flat=True)[:1])
    first = days[0]
    count = Proposal.objects.count()
    return {
        "session": session.pk,
        "bureau": bureau,
        "member": link.member_id,
        "proposer": link.member.name[:2],
        "filed_after": first.isoformat(),
        "filed_before": (first + timedelta(days=30)).isoformat(),
        "last_page": -(-count // PER_PAGE),
    }


def web_pages(values: dict) -> list[Page]:
    from django.urls import reverse

    from proposals.filters import ProposalFilter

    url = reverse("proposal-list")
    due_on = date.today()
    filters = {
        "session": {"session": values["session"]},
        "body": {"body": "npc"},
        "bureau": {"bureau": values["bureau"]},
        "lead": {"lead": values["bureau"]},
        "turn_bureau": {"turn_bureau": values["bureau"]},
        "proposer": {"proposer": values["proposer"]},
        "member": {"member": values["member"]},
        "status": {"status": "assigned"},
        "turn": {"turn": "lead"},
        "grade": {"grade": "C"},
        "satisfaction": {"satisfaction": "not_satisfied"},
        "replied": {"replied": "no"},
        "overdue": {"overdue": "yes"},
        "due_soon": {"due_soon": "yes"},
        "is_key": {"is_key": "yes"},
        "category": {"category": "科教"},
        "filed": {"filed_after": values["filed_after"], "filed_before": values["filed_before"]},
        "due": {
            "due_after": due_on.isoformat(),
            "due_before": (due_on + timedelta(days=30)).isoformat(),
        },
        "order": {"order": "-due"},
    }
    # Every filter of the list is measured (q below, with the search words).
    missing = set(ProposalFilter.base_filters) - set(filters) - {"q"}
    assert not missing, f"no sample value for the filters {missing}"
    found = [Page("list", "clerk", url)]
    found += [Page(f"list by {name}", "clerk", url, query) for name, query in filters.items()]
    found += [
        Page("list page 20", "clerk", url, {"page": 20}),
        Page("list last page", "clerk", url, {"page": values["last_page"]}),
        Page("list overdue, page 20", "clerk", url, {"overdue": "yes", "page": 20}),
    ]
    found += [Page(f"search {q}", "clerk", url, {"q": q}) for q in pages.QUERIES]
    found += [
        Page("search 教育 in one bureau", "clerk", url, {"q": "教育", "bureau": values["bureau"]}),
        Page("search 专精特新, page 2", "clerk", url, {"q": "专精特新", "page": 2}),
        Page("list", "anonymous", url),
        Page("list page 20", "anonymous", url, {"page": 20}),
        Page("list by bureau", "anonymous", url, {"bureau": values["bureau"]}),
        Page("search 教育", "anonymous", url, {"q": "教育"}),
        Page("list", "officer", url),
        Page("list", "leader", url),
    ]
    found += [Page("home", who, reverse("home")) for who in CLIENTS]
    found += [
        Page("statistics", "clerk", reverse("statistics")),
        Page("statistics", "leader", reverse("statistics")),
        Page("statistics", "officer", reverse("statistics")),
        Page("chase", "clerk", reverse("chase")),
        Page("chase", "officer", reverse("chase")),
        Page("chase, one bureau", "clerk", reverse("chase"), {"bureau": values["bureau"]}),
        Page("bureaus", "clerk", reverse("bureau-list")),
        Page("bureau", "clerk", reverse("bureau-detail", args=[values["bureau"]])),
        Page("members", "clerk", reverse("member-list")),
        Page("member", "clerk", reverse("member-detail", args=[values["member"]])),
        Page("proposal", "clerk", reverse("proposal-detail", args=[1])),
    ]
    return found


def admin_pages() -> list[Page]:
    from django.urls import reverse

    def changelist(model: str) -> str:
        return reverse(f"admin:proposals_{model}_changelist")

    proposals = changelist("proposal")
    return [
        Page("admin proposals (needs attention)", "clerk", proposals),
        Page("admin proposals (needs attention), page 20", "clerk", proposals, {"p": 20}),
        Page("admin proposals, all", "clerk", proposals, {"attention": "all"}),
        Page("admin proposals, all, page 20", "clerk", proposals, {"attention": "all", "p": 20}),
        Page("admin proposals, overdue", "clerk", proposals, {"status": "overdue"}),
        Page("admin proposals, search", "clerk", proposals, {"q": "科技创新", "attention": "all"}),
        Page("admin proposals (needs attention)", "officer", proposals),
        Page("admin replies", "clerk", changelist("reply")),
        Page("admin replies, page 20", "clerk", changelist("reply"), {"p": 20}),
        Page("admin replies", "officer", changelist("reply")),
        Page("admin assignments", "clerk", changelist("assignment")),
        Page("admin assignments, page 20", "clerk", changelist("assignment"), {"p": 20}),
        Page("admin feedback", "clerk", changelist("feedback")),
        Page("admin extension requests", "clerk", changelist("extensionrequest")),
        Page("admin proposal", "clerk", reverse("admin:proposals_proposal_change", args=[1])),
    ]


CLIENTS = ["clerk", "officer", "leader", "anonymous"]


def clients() -> dict:
    from django.contrib.auth import get_user_model
    from django.test import Client

    found = {}
    for who in CLIENTS:
        found[who] = Client()
        if who != "anonymous":
            found[who].force_login(get_user_model().objects.get(username=who))
    return found


def rows_of(response) -> int | None:
    context = response.context
    if context is None:
        return None
    for name, read in (
        ("paginator", lambda paginator: paginator.count),
        ("cl", lambda changelist: changelist.result_count),
        ("report", lambda report: report.overall.total),
        ("rows", len),  # the chase list's
    ):
        if context.get(name) is not None:
            return read(context[name])
    return None


def measure(client, page: Page, repeat: int, budget: float) -> Timing | None:
    """None (and a line saying so) for a page that is not there: page 20 of a small list."""
    from django.db import DatabaseError, connection
    from django.test.utils import CaptureQueriesContext

    started = time.perf_counter()
    try:
        with CaptureQueriesContext(connection) as captured:
            response = client.get(page.url, page.query)
    except DatabaseError as error:  # --timeout on PostgreSQL
        print(f"{page.name:45} {page.who:9} {str(error).splitlines()[0]}", flush=True)
        return None
    warm_up = (time.perf_counter() - started) * 1000
    if response.status_code != 200:
        print(f"{page.name:45} {page.who:9} answered {response.status_code}", flush=True)
        return None
    queries = len(captured)  # now: every request clears the connection's query log
    if warm_up > budget * 1000:  # one more request would be as long: the first says enough
        return Timing(page, rows_of(response), queries, [warm_up])
    times: list[float] = []
    spent = time.perf_counter()
    for _ in range(repeat):
        started = time.perf_counter()
        client.get(page.url, page.query)
        times.append((time.perf_counter() - started) * 1000)
        if len(times) >= 5 and time.perf_counter() - spent > budget:
            break
    return Timing(page, rows_of(response), queries, times)


def export(client, query: dict) -> tuple[float, int, float, int, float]:
    """The XLSX export of what `query` selects: the request's ms and status (past
    EXPORT_INLINE_ROWS rows it queues a job and redirects to its page), then that job run
    here as a worker runs it: its seconds, queries and the peak MiB of Python's allocations
    (measured in a second run: tracemalloc slows the code it watches)."""
    from django.core.files.storage import default_storage
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    from proposals.exports import export_job_write
    from proposals.models.imports import ExportJob

    started = time.perf_counter()
    response = client.get(reverse("proposal-export", args=["xlsx"]), query)
    request_ms = (time.perf_counter() - started) * 1000
    if response.status_code != 302:  # written in the request: nothing more to run
        return request_ms, response.status_code, 0.0, 0, 0.0
    job = ExportJob.objects.latest("pk")
    with CaptureQueriesContext(connection) as captured:
        started = time.perf_counter()
        export_job_write(export=job)
        seconds = time.perf_counter() - started
    queries = len(captured)
    default_storage.delete(str(job.file))
    tracemalloc.start()
    export_job_write(export=job)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    default_storage.delete(str(job.file))
    return request_ms, response.status_code, seconds, queries, peak / 2**20


def export_filter(rows: int) -> tuple[dict, int]:
    """A filing-date filter that selects about `rows` proposals, and how many it selects."""
    from proposals.models import Proposal

    dates = Proposal.objects.order_by("filed_on").values_list("filed_on", flat=True)
    last = dates[min(rows, Proposal.objects.count()) - 1]
    return {"filed_before": last.isoformat()}, Proposal.objects.filter(filed_on__lte=last).count()


def statement_timeout(seconds: float) -> None:
    """On PostgreSQL, end any statement after `seconds`: a page that takes longer is reported
    as such instead of holding the run for many minutes."""
    from django.db import connection
    from django.db.backends.signals import connection_created

    def limit(sender, connection, **kwargs):
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute(f"SET statement_timeout = {int(seconds * 1000)}")

    connection_created.connect(limit, weak=False)
    connection.close()


def report_header() -> None:
    print(
        f"{'page':45} {'who':9} {'rows':>9} {'queries':>7} {'median ms':>9} {'p95 ms':>8} "
        f"{'n':>3} {'× floor':>7}",
        flush=True,
    )


def report(timing: Timing, floor: float | None) -> None:
    rows = "" if timing.rows is None else f"{timing.rows:,}"
    times = f"{timing.median:>9.1f} {timing.p95:>8.1f} {len(timing.times):>3}"
    ratio = f"{timing.median / floor:>7.1f}" if floor else ""
    print(
        f"{timing.page.name:45} {timing.page.who:9} {rows:>9} {timing.queries:>7} {times} {ratio}",
        flush=True,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--count", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=20, help="timed requests of each page")
    parser.add_argument(
        "--budget", type=float, default=15, help="seconds a page may take (at least 5 requests)"
    )
    parser.add_argument("--reuse", action="store_true", help="the database built before")
    parser.add_argument(
        "--timeout", type=float, default=300, help="seconds a statement may run (PostgreSQL)"
    )
    parser.add_argument("--workers", type=int, default=2, help="processes building the rows")
    parser.add_argument("--only", default="", help="measure only the pages whose name has this")
    parser.add_argument(
        "--export-rows", type=int, nargs="*", default=[10_000, 100_000], help="rows to export"
    )
    args = parser.parse_args()
    if not args.reuse:
        pages.recreate(args.database, args.count)
    pages.setup_django(args.database, args.count)
    if not args.reuse:
        pages.build(args.count, args.database, args.workers)

    from django.db import connection
    from django.test.utils import override_settings, setup_test_environment

    logging.disable(logging.WARNING)  # the slow-request log would write a line per request
    statement_timeout(args.timeout)
    # Lets the client in, records response.context; DEBUG off (as in production: no query log).
    setup_test_environment(debug=False)
    # Loaded as a gunicorn worker loads the application: its objects frozen out of the
    # garbage collector's full collections.
    import tracker.wsgi  # noqa: F401

    with override_settings(ROOT_URLCONF="bench.urls"):
        from django.urls import reverse

        from proposals.models import Proposal

        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
        print(
            f"{connection.vendor}: {Proposal.objects.count():,} proposals, "
            f"{time.strftime('%Y-%m-%d %H:%M')}",
            flush=True,
        )
        visitors = clients()
        floor_page = Page("floor: base.html, no query", "anonymous", reverse("bench-floor"))
        floors = [measure(visitors["anonymous"], floor_page, max(args.repeat, 50), 60)]
        report_header()
        report(floors[0], None)
        values = samples()
        timings = []
        for page in web_pages(values) + admin_pages():
            if args.only in page.name:
                timing = measure(visitors[page.who], page, args.repeat, args.budget)
                if timing:
                    timings.append(timing)
                    report(timing, floors[0].median)
        floors.append(measure(visitors["anonymous"], floor_page, max(args.repeat, 50), 60))
        floor = statistics.median(floors[0].times + floors[1].times)
        print(
            f"\nfloor: {floors[0].median:.1f} ms at the start, {floors[1].median:.1f} ms at the "
            f"end, {floor:.1f} ms over both ({floors[0].queries} queries); by that floor:\n"
        )
        report_header()
        for timing in timings:
            report(timing, floor)
        if args.export_rows and (not args.only or args.only in "export"):
            print(
                f"\n{'XLSX export (request, then its job)':45} {'rows':>9} {'request ms':>10} "
                f"{'status':>6} {'job s':>6} {'queries':>7} {'peak MiB':>8}"
            )
            for wanted in args.export_rows:
                query, rows = export_filter(wanted)
                request_ms, status, seconds, queries, peak = export(visitors["clerk"], query)
                print(
                    f"{'/proposals/export.xlsx?' + urlencode(query):45} {rows:>9,} "
                    f"{request_ms:>10.1f} {status:>6} {seconds:>6.1f} {queries:>7} {peak:>8.1f}",
                    flush=True,
                )


if __name__ == "__main__":
    sys.exit(main())
