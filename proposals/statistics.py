"""The yearly handling report of a session: the figures clerks used to count by hand.

Counted over the session's proposals that were filed and handled in their own right; merged
(并案) and withdrawn (撤案) ones are counted apart and left out of every denominator.

- Timeliness is the first reply against the due date that counts (Assignment.on_time_by:
  extensions asked and approved in time move it, late ones do not): on time, late, or
  outstanding (overdue as the lists say). The on-time rate is on time / (on time + late +
  overdue): an item not yet due and not yet answered is not counted either way.
- The grade is that of the proposal's latest reply; a proposal without one is "no grade".
- Satisfaction is counted per proposal: when several proposers answered in a round, the
  least satisfied answer stands. "First round" is round 1, "final" each proposal's last round.
- A bureau with fewer than STATISTICS_MIN_ITEMS lead items is shown but not ranked.
"""

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date
from statistics import median

from django.conf import settings
from django.db.models import (
    Case,
    Count,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.utils import timezone

from proposals import derived
from proposals.models import (
    Assignment,
    Bureau,
    Feedback,
    Grade,
    Member,
    Proposal,
    ProposalProposer,
    Reply,
)

ON_TIME, LATE, OVERDUE, PENDING, UNKNOWN_DATE, UNASSIGNED = (
    "on_time",
    "late",
    "overdue",
    "pending",
    "unknown_date",
    "unassigned",
)
TIMELINESS_LABELS = {
    ON_TIME: "按期答复",
    LATE: "逾期答复",
    OVERDUE: "超期未答复",
    PENDING: "未到期未答复",
    UNKNOWN_DATE: "已答复（日期不详）",
    UNASSIGNED: "未交办",
}
NO_GRADE = ""
SATISFACTION_ORDER = [choice.value for choice in Feedback.Satisfaction] + [""]
WORST_FIRST = [
    Feedback.Satisfaction.NOT_SATISFIED,
    Feedback.Satisfaction.BASICALLY_SATISFIED,
    Feedback.Satisfaction.SATISFIED,
]


@dataclass
class Tally:
    """Counts of one group of proposals (a session, a bureau, a category)."""

    name: str = ""
    total: int = 0
    timeliness: Counter = field(default_factory=Counter)
    grades: Counter = field(default_factory=Counter)
    days_to_reply: list[int] = field(default_factory=list)
    small: bool = False
    rank: int | None = None
    grade_cells: list[int] = field(default_factory=list)

    def add(self, row: dict) -> None:
        self.total += 1
        self.timeliness[row["timeliness"]] += 1
        self.grades[row["grade"]] += 1
        if row["days_to_reply"] is not None:
            self.days_to_reply.append(row["days_to_reply"])

    @property
    def replied(self) -> int:
        return sum(self.timeliness[key] for key in (ON_TIME, LATE, UNKNOWN_DATE))

    @property
    def outstanding(self) -> int:
        return self.timeliness[OVERDUE] + self.timeliness[PENDING]

    @property
    def due(self) -> int:
        """The on-time rate's denominator: answered with a date, or past due."""
        return self.timeliness[ON_TIME] + self.timeliness[LATE] + self.timeliness[OVERDUE]

    @property
    def on_time_rate(self) -> float | None:
        return self.timeliness[ON_TIME] / self.due if self.due else None

    @property
    def median_days(self) -> float | None:
        return median(self.days_to_reply) if self.days_to_reply else None

    def share(self, grade: str) -> float | None:
        return self.grades[grade] / self.total if self.total else None

    def meets(self, target: float) -> bool | None:
        rate = self.on_time_rate
        return None if rate is None else rate >= target


@dataclass
class SessionReport:
    session: object
    target: float
    min_items: int
    today: date
    overall: Tally
    excluded: list[tuple[str, int]]
    grade_names: dict[str, str]
    satisfaction_first: Counter
    satisfaction_final: Counter
    by_bureau: list[Tally]
    by_category: list[Tally]

    @property
    def grade_rows(self) -> list[tuple[str, str, int, float | None]]:
        """(code, label, count, share) for every grade and then "no grade", even when zero."""
        codes = [*self.grade_names, NO_GRADE]
        labels = self.grade_names | {NO_GRADE: "未定类（无办理结果）"}
        return [
            (code, labels[code], self.overall.grades[code], self.overall.share(code))
            for code in codes
        ]

    @property
    def grade_bars(self) -> list[tuple[str, float | None, str, str]]:
        return [
            (label, share, f"{count} 件（{_percent(share)}）", "grade" if code else "none")
            for code, label, count, share in self.grade_rows
        ]

    @property
    def bureau_bars(self) -> list[tuple[str, float | None, str, str]]:
        return [
            (
                tally.name,
                tally.on_time_rate,
                _percent(tally.on_time_rate) + ("（件数过少）" if tally.small else ""),
                "small" if tally.small else ("good" if tally.meets(self.target) else "bad"),
            )
            for tally in self.by_bureau
        ]

    @property
    def timeliness_rows(self) -> list[tuple[str, int]]:
        return [(label, self.overall.timeliness[key]) for key, label in TIMELINESS_LABELS.items()]

    def satisfaction_rows(self, counts: Counter) -> list[tuple[str, int, float | None]]:
        labels = dict(Feedback.Satisfaction.choices) | {"": "未反馈"}
        total = sum(counts.values())
        return [
            (labels[key], counts[key], counts[key] / total if total else None)
            for key in SATISFACTION_ORDER
        ]

    @property
    def satisfaction_first_rows(self):
        return self.satisfaction_rows(self.satisfaction_first)

    @property
    def satisfaction_final_rows(self):
        return self.satisfaction_rows(self.satisfaction_final)


def lead_rows(proposals: QuerySet, today: date) -> list[dict]:
    """One row per proposal: its category, lead bureau, timeliness, grade and days to reply.

    Timeliness: a replied proposal (proposals.derived.replied) is on time when its first
    reply that counts is dated no later than the lead assignment's on_time_by (late
    extensions do not move that); an unreplied one is overdue exactly when the list says so.
    """
    lead = Assignment.objects.active().filter(proposal=OuterRef("pk"), role=Assignment.Role.LEAD)
    answers = Reply.objects.filter(
        proposal=OuterRef("pk"), completeness=Reply.Completeness.COMPLETE, reply_date__isnull=False
    )
    latest_reply = Reply.objects.filter(proposal=OuterRef("pk")).order_by("-round", "-pk")
    rows = (
        proposals.annotate(
            on_time_by=Subquery(lead.values("on_time_by")[:1]),
            assigned_on=Subquery(lead.values("assigned_on")[:1]),
            first_reply_on=Subquery(answers.order_by("reply_date").values("reply_date")[:1]),
            is_replied=Case(When(derived.replied(), then=Value(True)), default=Value(False)),
            is_overdue=Case(When(derived.overdue(today), then=Value(True)), default=Value(False)),
            grade_code=Subquery(latest_reply.values("grade_id")[:1]),
        )
        .values(
            "pk",
            "category",
            "lead_bureau_id",
            "lead_bureau__name",
            "on_time_by",
            "assigned_on",
            "first_reply_on",
            "is_replied",
            "is_overdue",
            "grade_code",
        )
        .order_by()
    )
    return [_classified(row) for row in rows]


def _classified(row: dict) -> dict:
    replied_on = row["first_reply_on"]
    if row["lead_bureau_id"] is None:
        timeliness = UNASSIGNED
    elif row["is_replied"]:
        on_time = derived.is_on_time(replied_on, row["on_time_by"])
        timeliness = UNKNOWN_DATE if on_time is None else (ON_TIME if on_time else LATE)
    else:
        timeliness = OVERDUE if row["is_overdue"] else PENDING
    assigned_on = row["assigned_on"]
    return {
        "pk": row["pk"],
        "category": row["category"] or "未分类",
        "bureau_id": row["lead_bureau_id"],
        "bureau": row["lead_bureau__name"] or "未交办",
        "timeliness": timeliness,
        "grade": row["grade_code"] or NO_GRADE,
        "days_to_reply": (replied_on - assigned_on).days if replied_on and assigned_on else None,
    }


def satisfaction_by_proposal(proposals: QuerySet) -> tuple[Counter, Counter]:
    """Per proposal, the least satisfied answer of round 1 and of its last round."""
    worst: dict[tuple[int, int], str] = {}
    feedback = Feedback.objects.filter(proposal__in=proposals).values_list(
        "proposal_id", "round", "satisfaction"
    )
    for proposal_id, round_, satisfaction in feedback:
        key = (proposal_id, round_)
        current = worst.get(key)
        if current is None or WORST_FIRST.index(satisfaction) < WORST_FIRST.index(current):
            worst[key] = satisfaction
    last_round: dict[int, int] = {}
    for proposal_id, round_ in worst:
        last_round[proposal_id] = max(round_, last_round.get(proposal_id, 0))
    ids = list(proposals.values_list("pk", flat=True))
    first = Counter(worst.get((pk, 1), "") for pk in ids)
    final = Counter(worst[(pk, last_round[pk])] if pk in last_round else "" for pk in ids)
    return first, final


def _grouped(rows: list[dict], key: str, min_items: int | None = None) -> list[Tally]:
    groups: dict[str, Tally] = defaultdict(Tally)
    for row in rows:
        tally = groups[row[key]]
        tally.name = row[key]
        tally.add(row)
    tallies = sorted(groups.values(), key=lambda tally: (-tally.total, tally.name))
    if min_items is None:
        return tallies
    for tally in tallies:
        tally.small = tally.total < min_items
    ranked = [t for t in tallies if not t.small and t.on_time_rate is not None]
    ranked.sort(key=lambda tally: -tally.on_time_rate)
    for position, tally in enumerate(ranked, start=1):
        tally.rank = position
    return ranked + [tally for tally in tallies if tally not in ranked]


def session_report(
    session, proposals: QuerySet, *, target: float | None = None, today: date | None = None
) -> SessionReport:
    """The report of `session` over `proposals` (the ones the reader may see)."""
    today = today or timezone.localdate()
    target = settings.STATISTICS_ON_TIME_TARGET if target is None else target
    in_session = proposals.filter(session=session)
    excluded = Counter(
        in_session.exclude(disposition=Proposal.Disposition.FILED).values_list(
            "disposition", flat=True
        )
    )
    counted = in_session.filed()
    rows = lead_rows(counted, today)
    overall = Tally(name=str(session))
    for row in rows:
        overall.add(row)
    first, final = satisfaction_by_proposal(counted)
    assigned = [row for row in rows if row["bureau_id"] is not None]
    grade_names = dict(Grade.objects.order_by("code").values_list("code", "name"))
    by_bureau = _grouped(assigned, "bureau", settings.STATISTICS_MIN_ITEMS)
    by_category = _grouped(rows, "category")
    for tally in by_bureau + by_category:
        tally.grade_cells = [tally.grades[code] for code in [*grade_names, NO_GRADE]]
    return SessionReport(
        session=session,
        target=target,
        min_items=settings.STATISTICS_MIN_ITEMS,
        today=today,
        overall=overall,
        excluded=[
            (Proposal.Disposition(key).label, count) for key, count in sorted(excluded.items())
        ],
        grade_names=grade_names,
        satisfaction_first=first,
        satisfaction_final=final,
        by_bureau=by_bureau,
        by_category=by_category,
    )


def _count(queryset: QuerySet, group: str) -> Subquery:
    """A correlated count of `queryset` rows per `group`, for annotating the group's model."""
    counted = queryset.filter(**{group: OuterRef("pk")}).order_by().values(group)
    return Subquery(counted.annotate(n=Count("pk")).values("n"), output_field=IntegerField())


def bureaus_with_figures(proposals: QuerySet, today: date | None = None) -> QuerySet:
    """Bureaus holding any of `proposals`: what they lead, and of it how much is replied and
    overdue (the words of proposals.derived), and what they co-handle."""
    today = today or timezone.localdate()
    led = proposals.filter(lead_bureau=OuterRef("pk")).order_by().values("lead_bureau")
    co = Assignment.objects.active().filter(proposal__in=proposals, role=Assignment.Role.CO_HANDLER)

    def led_count(word: Q | None = None) -> Coalesce:
        counted = led.filter(word) if word is not None else led
        return Coalesce(
            Subquery(counted.annotate(n=Count("pk")).values("n"), output_field=IntegerField()),
            0,
        )

    return (
        Bureau.objects.annotate(
            lead_count=led_count(),
            co_count=Coalesce(_count(co, "bureau"), 0),
            replied_count=led_count(derived.replied()),
            overdue_count=led_count(derived.overdue(today)),
        )
        .filter(Q(lead_count__gt=0) | Q(co_count__gt=0))
        .order_by("region", "name")
    )


def members_with_figures(proposals: QuerySet) -> QuerySet:
    """Members who proposed any of `proposals`, with how many and how many are replied."""
    links = ProposalProposer.objects.filter(proposal__in=proposals)
    return (
        Member.objects.annotate(
            proposal_count=Coalesce(_count(links, "member"), 0),
            replied_count=Coalesce(
                _count(links.filter(proposal__in=proposals.filter(derived.replied())), "member"),
                0,
            ),
        )
        .filter(proposal_count__gt=0)
        .order_by("name", "pk")
    )


@dataclass(frozen=True)
class CoHandling:
    """What a bureau co-handles: assignments, and how many opinions it has given."""

    total: int
    opinions: int
    awaiting: int


def co_handling_figures(bureau: Bureau, proposals: QuerySet) -> CoHandling:
    co = Assignment.objects.active().filter(
        bureau=bureau, role=Assignment.Role.CO_HANDLER, proposal__in=proposals
    )
    counts = co.aggregate(
        total=Count("pk"), opinions=Count("pk", filter=Q(opinion_on__isnull=False))
    )
    return CoHandling(counts["total"], counts["opinions"], counts["total"] - counts["opinions"])


@dataclass(frozen=True)
class Figure:
    """A home page figure and the list query that shows exactly what it counts."""

    label: str
    count: int
    query: str
    tone: str = ""
    filter: str | None = None  # the list filter the figure's link uses


def home_figures(proposals: QuerySet, session, today: date | None = None) -> list[Figure]:
    """The session's headline figures, each the count of the list its link opens."""
    today = today or timezone.localdate()
    soon = f"即将到期（{settings.DUE_SOON_DAYS} 天内）"
    words = [
        ("件提案/建议", None, "", ""),
        ("已答复", derived.replied(), "replied=yes", ""),
        ("未答复", ~derived.replied(), "replied=no", ""),
        ("已超期", derived.overdue(today), "overdue=yes", "overdue"),
        (soon, derived.due_soon(today), "due_soon=yes", "due-soon"),
    ]
    counts = proposals.aggregate(
        **{
            f"n{i}": Count("pk", filter=word) if word is not None else Count("pk")
            for i, (_, word, _, _) in enumerate(words)
        }
    )
    return [
        Figure(
            label,
            counts[f"n{i}"],
            "&".join(part for part in (f"session={session.pk}", query) if part),
            tone,
            query.partition("=")[0] or None,
        )
        for i, (label, _, query, tone) in enumerate(words)
    ]


def figures_of(proposals: QuerySet, today: date | None = None) -> Tally:
    """Timeliness, grades and days to reply of `proposals` (filed ones), as one Tally."""
    tally = Tally()
    for row in lead_rows(proposals.filed(), today or timezone.localdate()):
        tally.add(row)
    return tally


def report_sheets(report: SessionReport) -> dict[str, tuple[list, list[list]]]:
    """The report as spreadsheet sheets: overview, by bureau, by category."""
    overall = report.overall
    overview = [
        ["会议", str(report.session)],
        ["统计日期", report.today],
        ["计入统计（件）", overall.total],
        *[[f"不计入：{label}（件）", count] for label, count in report.excluded],
        *[[f"{label}（件）", count] for label, count in report.timeliness_rows],
        ["按期答复率", _percent(overall.on_time_rate)],
        ["按期答复率目标", _percent(report.target)],
        ["答复用时中位数（天）", overall.median_days],
        *[[f"办理结果：{label}（件）", count] for _, label, count, _ in report.grade_rows],
        *[[f"首次反馈：{label}（件）", n] for label, n, _ in report.satisfaction_first_rows],
        *[[f"最终反馈：{label}（件）", n] for label, n, _ in report.satisfaction_final_rows],
    ]
    grade_headers = [label for _, label, *_ in report.grade_rows]

    def tally_row(tally: Tally) -> list:
        return [
            tally.name,
            tally.total,
            tally.timeliness[ON_TIME],
            tally.timeliness[LATE],
            tally.outstanding,
            tally.timeliness[OVERDUE],
            _percent(tally.on_time_rate),
            tally.median_days,
            *tally.grade_cells,
        ]

    headers = ["名称", "件数", "按期答复", "逾期答复", "未答复", "其中超期", "按期答复率"]
    headers += ["答复用时中位数（天）", *grade_headers]
    bureau_rows = [
        [*tally_row(t), "件数过少，不排名" if t.small else (t.rank or ""), _meets(t, report)]
        for t in report.by_bureau
    ]
    return {
        "概况": (["项目", "数值"], overview),
        "按承办单位": ([*headers, "排名", "是否达标"], bureau_rows),
        "按类别": (headers, [tally_row(t) for t in report.by_category]),
    }


def _percent(rate: float | None) -> str:
    return "" if rate is None else f"{rate:.1%}"


def _meets(tally: Tally, report: SessionReport) -> str:
    meets = tally.meets(report.target)
    return "" if meets is None else ("达标" if meets else "未达标")
