"""The yearly handling report of a session (提案办理工作报告): the figures clerks used to count
by hand, as tables that the page shows and the workbook holds alike.

Every proposal of the session is 立案 (registered); merged (并案) and withdrawn (撤案) ones are
counted apart, and every rate's denominator is what remains to be handled (应办理 = 立案 −
并案 − 撤案). 不予立案 is not recorded, so it cannot be counted.

- 办复率: replied (proposals.derived.replied) ÷ 应办理.
- 按期办复率: timeliness is the first reply against the due date that counts
  (Assignment.on_time_by: extensions asked and approved in time move it, late ones do not):
  on time, late, or outstanding (overdue as the lists say). The rate is on time ÷ (on time +
  late + overdue): an item not yet due and not yet answered, or answered on an unknown date,
  is counted neither way.
- The grade is that of the proposal's latest reply; A/B/C shares are of replied items, with
  a replied item without a grade shown as "no grade".
- Satisfaction is counted per proposal: when several proposers answered in a round, the
  least satisfied answer stands. "First round" is round 1, "final" each proposal's last
  answered round; the headline rates use the final one. 满意率, 基本满意率 and 满意和基本满意率
  are shares of the proposals whose proposers answered; the response rate is those ÷ replied.
- Co-handling bureaus are counted apart from lead bureaus, by the opinions they gave: a
  co-handler is not credited with the lead's reply.
- A group with fewer than STATISTICS_MIN_ITEMS items is marked as a small sample; lead
  bureaus are ranked by on-time rate, small ones not.
"""

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property
from statistics import median
from typing import NamedTuple

from django.conf import settings
from django.db import connection
from django.db.models import (
    Case,
    Count,
    Exists,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.db.models.query import RawQuerySet
from django.utils import timezone

from proposals import derived
from proposals.models import (
    Assignment,
    Body,
    Bureau,
    Feedback,
    Grade,
    Member,
    Proposal,
    ProposalProposer,
    Reply,
    Session,
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
NO_SECTOR = "未登记"
SMALL_SAMPLE = "样本较少"
SATISFIED, BASICALLY, NOT_SATISFIED = (
    Feedback.Satisfaction.SATISFIED,
    Feedback.Satisfaction.BASICALLY_SATISFIED,
    Feedback.Satisfaction.NOT_SATISFIED,
)
WORST_FIRST = [NOT_SATISFIED, BASICALLY, SATISFIED]
# The satisfaction rates a report gives: (label, the answers it counts).
SATISFACTION_RATES = [
    ("满意", (SATISFIED,)),
    ("基本满意", (BASICALLY,)),
    ("满意和基本满意", (SATISFIED, BASICALLY)),
    ("不满意", (NOT_SATISFIED,)),
]


def _ratio(part: int, whole: int) -> float | None:
    return part / whole if whole else None


@dataclass
class Row:
    """One proposal as the report counts it."""

    pk: int
    category: str
    bureau_id: int | None
    bureau: str
    sector: str  # the first proposer's 界别 (CPPCC) or 代表团 (NPC)
    is_key: bool
    replied: bool
    timeliness: str
    grade: str
    days_to_reply: int | None
    # The least satisfied answer of round 1, and of the last answered round ("" for none).
    first: str = ""
    final: str = ""


@dataclass(frozen=True)
class Satisfaction:
    """One round's answers over a group: how many proposals got each least satisfied answer."""

    counts: Counter
    replied: int

    @property
    def answered(self) -> int:
        return sum(self.counts.values())

    @property
    def response_rate(self) -> float | None:
        return _ratio(self.answered, self.replied)

    def count(self, *answers: str) -> int:
        return sum(self.counts[answer] for answer in answers)

    def rate(self, *answers: str) -> float | None:
        """The share of answered proposals whose answer is one of `answers`."""
        return _ratio(self.count(*answers), self.answered)


@dataclass
class Tally:
    """Counts of one group of filed proposals (a session, a bureau, a sector, a category)."""

    name: str = ""
    total: int = 0
    replied: int = 0
    timeliness: Counter = field(default_factory=Counter)
    grades: Counter = field(default_factory=Counter)  # of replied proposals only
    first: Counter = field(default_factory=Counter)  # answers of round 1
    final: Counter = field(default_factory=Counter)  # answers of the last answered round
    days_to_reply: list[int] = field(default_factory=list)
    small: bool = False
    rank: int | None = None

    @classmethod
    def of(cls, name: str, rows: list[Row]) -> "Tally":
        tally = cls(name=name)
        for row in rows:
            tally.add(row)
        return tally

    def add(self, row: Row) -> None:
        self.total += 1
        self.timeliness[row.timeliness] += 1
        if row.replied:
            self.replied += 1
            self.grades[row.grade] += 1
        if row.first:
            self.first[row.first] += 1
        if row.final:
            self.final[row.final] += 1
        if row.days_to_reply is not None:
            self.days_to_reply.append(row.days_to_reply)

    @property
    def reply_rate(self) -> float | None:
        """办复率: replied ÷ the items to reply."""
        return _ratio(self.replied, self.total)

    @property
    def outstanding(self) -> int:
        return self.timeliness[OVERDUE] + self.timeliness[PENDING]

    @property
    def due(self) -> int:
        """The on-time rate's denominator: answered with a date, or past due."""
        return self.timeliness[ON_TIME] + self.timeliness[LATE] + self.timeliness[OVERDUE]

    @property
    def on_time_rate(self) -> float | None:
        return _ratio(self.timeliness[ON_TIME], self.due)

    @property
    def median_days(self) -> float | None:
        return median(self.days_to_reply) if self.days_to_reply else None

    def share(self, grade: str) -> float | None:
        """The share of replied proposals with this grade."""
        return _ratio(self.grades[grade], self.replied)

    @property
    def satisfaction_first(self) -> Satisfaction:
        return Satisfaction(self.first, self.replied)

    @property
    def satisfaction(self) -> Satisfaction:
        """The answers that stand: each proposal's last answered round."""
        return Satisfaction(self.final, self.replied)

    def meets(self, target: float) -> bool | None:
        rate = self.on_time_rate
        return None if rate is None else rate >= target


TEXT, NUMBER, RATE = "text", "number", "rate"
NUMBER_FORMATS = {TEXT: "General", NUMBER: "General", RATE: "0.0%"}


class Column(NamedTuple):
    header: str
    kind: str = NUMBER

    @property
    def numeric(self) -> bool:
        return self.kind != TEXT

    @property
    def number_format(self) -> str:
        return NUMBER_FORMATS[self.kind]


@dataclass(frozen=True)
class Table:
    """A table of the report: a section of the page and a sheet of the workbook, so the two
    cannot disagree. Rows hold numbers (rates as fractions) or None where nothing is known."""

    title: str
    columns: list[Column]
    rows: list[list]
    note: str = ""

    @property
    def shown_rows(self) -> list[list[tuple[str, bool]]]:
        """Each cell as the page shows it: its text, and whether it is a number."""
        return [
            [
                (_shown(value, column.kind), column.numeric)
                for column, value in zip(self.columns, row, strict=True)
            ]
            for row in self.rows
        ]


def _shown(value, kind: str) -> str:
    if value is None:
        return "" if kind == TEXT else "—"
    return _percent(value) if kind == RATE else str(value)


@dataclass(frozen=True)
class CoHandling:
    """What a bureau co-handles: assignments, and how many opinions it has given."""

    total: int
    opinions: int
    awaiting: int
    name: str = ""

    @classmethod
    def of(cls, counts: dict, name: str = "") -> "CoHandling":
        return cls(counts["total"], counts["opinions"], counts["total"] - counts["opinions"], name)

    @property
    def opinion_rate(self) -> float | None:
        return _ratio(self.opinions, self.total)


@dataclass
class SessionReport:
    session: Session
    target: float
    min_items: int
    today: date
    dispositions: Counter  # every proposal of the session, by Proposal.Disposition
    overall: Tally
    grade_names: dict[str, str]
    by_bureau: list[Tally]
    by_sector: list[Tally]
    by_category: list[Tally]
    by_key: list[Tally]
    counted: QuerySet = field(repr=False)  # the session's filed proposals the reader sees

    @cached_property
    def by_co_handler(self) -> list[CoHandling]:
        """Read when shown: the leader's home shows only the headline rates, and this reads
        the co-handling assignments of every counted proposal (0.2 s at 30,000)."""
        return co_handling_by_bureau(self.counted)

    @property
    def heading(self) -> str:
        day = self.today
        return f"{self.session}办理情况统计（统计日期 {day.year}年{day.month}月{day.day}日）"

    @property
    def kind(self) -> str:
        return self.session.proposal_kind

    @property
    def sector_word(self) -> str:
        return "代表团" if self.session.body == Body.NPC else "界别"

    @property
    def grade_labels(self) -> list[tuple[str, str]]:
        """(code, label) of every grade and then "no grade"."""
        return [
            *[(code, f"{code}类 {name}") for code, name in self.grade_names.items()],
            (NO_GRADE, "未定类（无办理结果）"),
        ]

    @property
    def grade_bars(self) -> list[tuple[str, float | None, str, str]]:
        overall = self.overall
        return [
            (
                label,
                overall.share(code),
                f"{overall.grades[code]} 件（{_percent(overall.share(code))}）",
                "grade" if code else "none",
            )
            for code, label in self.grade_labels
        ]

    @property
    def bureau_bars(self) -> list[tuple[str, float | None, str, str]]:
        return [
            (
                tally.name,
                tally.on_time_rate,
                _percent(tally.on_time_rate) + (f"（{SMALL_SAMPLE}）" if tally.small else ""),
                "small" if tally.small else ("good" if tally.meets(self.target) else "bad"),
            )
            for tally in self.by_bureau
        ]

    @property
    def headline(self) -> list[tuple[str, str, str]]:
        """(label, rate, what it is over) of the rates a leader reads first; the same figures
        as the overview's rows of those names."""
        overall = self.overall
        satisfaction = overall.satisfaction
        satisfied = "满意和基本满意"
        return [
            (
                "办复率",
                _percent(overall.reply_rate),
                f"已答复 {overall.replied}/{overall.total} 件",
            ),
            (
                "按期办复率",
                _percent(overall.on_time_rate),
                f"按期 {overall.timeliness[ON_TIME]}/{overall.due} 件",
            ),
            (
                f"{satisfied}率",
                _percent(satisfaction.rate(*dict(SATISFACTION_RATES)[satisfied])),
                f"已反馈 {satisfaction.answered} 件，反馈率 {_percent(satisfaction.response_rate)}",
            ),
        ]

    @property
    def overview(self) -> Table:
        overall, kind, counts = self.overall, self.kind, self.dispositions
        satisfaction = overall.satisfaction
        answered, replied = satisfaction.answered, overall.replied
        rows = [
            ["立案", sum(counts.values()), None, None, f"本次会议登记的全部{kind}"],
            *[
                [choice.label, counts[choice], None, None, "不计入以下各率的分母"]
                for choice in (Proposal.Disposition.MERGED, Proposal.Disposition.WITHDRAWN)
            ],
            ["不予立案", None, None, None, f"本系统只登记已立案的{kind}，不予立案的无法统计"],
            ["应办理", overall.total, None, None, "立案 − 并案 − 撤案：以下各率除注明外以此为分母"],
            ["已答复（办复率）", replied, overall.total, overall.reply_rate, "已答复 ÷ 应办理"],
            [
                "按期答复（按期办复率）",
                overall.timeliness[ON_TIME],
                overall.due,
                overall.on_time_rate,
                "按期答复 ÷（按期答复 + 逾期答复 + 超期未答复）；到期后才批准的延期不算按期；"
                "未到期未答复、答复日期不详的不计入",
            ],
            *[
                [label, overall.timeliness[key], None, None, ""]
                for key, label in TIMELINESS_LABELS.items()
                if key != ON_TIME
            ],
            [
                "答复用时中位数（天）",
                overall.median_days,
                None,
                None,
                "交办至首次答复；答复日期早于交办日期的不计",
            ],
            *[
                [
                    f"办理结果：{label}",
                    overall.grades[code],
                    replied,
                    overall.share(code),
                    "÷ 已答复",
                ]
                for code, label in self.grade_labels
            ],
            [
                "已反馈（反馈率）",
                answered,
                replied,
                satisfaction.response_rate,
                "有提出人反馈的件 ÷ 已答复；按每件最后一轮反馈计",
            ],
            *[
                [
                    f"{label}（{label}率）",
                    satisfaction.count(*answers),
                    answered,
                    satisfaction.rate(*answers),
                    "÷ 已反馈",
                ]
                for label, answers in SATISFACTION_RATES
            ],
        ]
        return Table(
            "概况",
            [
                Column("项目", TEXT),
                Column("数值"),
                Column("分母（件）"),
                Column("比率", RATE),
                Column("口径", TEXT),
            ],
            rows,
        )

    @property
    def satisfaction_table(self) -> Table:
        def row(name: str, satisfaction: Satisfaction) -> list:
            return [
                name,
                satisfaction.replied,
                satisfaction.answered,
                satisfaction.response_rate,
                *[satisfaction.counts[answer] for answer in Feedback.Satisfaction],
                *[satisfaction.rate(*answers) for _, answers in SATISFACTION_RATES],
            ]

        return Table(
            "满意度",
            [
                Column("轮次", TEXT),
                Column("已答复"),
                Column("已反馈"),
                Column("反馈率", RATE),
                *[Column(choice.label) for choice in Feedback.Satisfaction],
                *[Column(f"{label}率", RATE) for label, _ in SATISFACTION_RATES],
            ],
            [
                row("首次办理", self.overall.satisfaction_first),
                row("最终（含重新办理）", self.overall.satisfaction),
            ],
            "各率以有提出人反馈的件为分母，反馈率 = 已反馈 ÷ 已答复；"
            "一件有多位提出人反馈时，按其中最不满意的意见计。",
        )

    def _tally_table(
        self, title: str, name: str, tallies: list[Tally], note: str = "", ranked: bool = False
    ) -> Table:
        """A breakdown: `name` heads the column of group names; `ranked` adds rank and target."""
        columns = [
            Column(name, TEXT),
            Column("件数"),
            Column("已答复"),
            Column("办复率", RATE),
            Column("按期答复"),
            Column("逾期答复"),
            Column("超期未答复"),
            Column("按期办复率", RATE),
            *[
                Column(f"{code}类占比" if code else "未定类占比", RATE)
                for code, _ in self.grade_labels
            ],
            Column("已反馈"),
            Column("反馈率", RATE),
            Column("满意率", RATE),
            Column("满意和基本满意率", RATE),
        ]
        if ranked:
            columns += [Column("排名"), Column("是否达标", TEXT)]
        rows = [
            [
                tally.name,
                tally.total,
                tally.replied,
                tally.reply_rate,
                tally.timeliness[ON_TIME],
                tally.timeliness[LATE],
                tally.timeliness[OVERDUE],
                tally.on_time_rate,
                *[tally.share(code) for code, _ in self.grade_labels],
                tally.satisfaction.answered,
                tally.satisfaction.response_rate,
                tally.satisfaction.rate(SATISFIED),
                tally.satisfaction.rate(SATISFIED, BASICALLY),
                *([tally.rank, self._meets(tally)] if ranked else []),
                _sample_note(tally.small) + ("，不排名" if ranked and tally.small else ""),
            ]
            for tally in tallies
        ]
        return Table(title, [*columns, Column("说明", TEXT)], rows, note)

    def _meets(self, tally: Tally) -> str:
        """Whether a bureau meets the target; a small sample is not judged, as not ranked."""
        meets = None if tally.small else tally.meets(self.target)
        return "" if meets is None else ("达标" if meets else "未达标")

    @property
    def lead_table(self) -> Table:
        return self._tally_table(
            "按主办单位",
            "主办单位",
            self.by_bureau,
            f"以按期办复率排名；件数少于 {self.min_items} 件的单位标为“{SMALL_SAMPLE}”，"
            f"列出但不排名。目标 {_percent(self.target)}。",
            ranked=True,
        )

    @property
    def co_table(self) -> Table:
        return Table(
            "按协办单位",
            [
                Column("协办单位", TEXT),
                Column("协办件数"),
                Column("已提出协办意见"),
                Column("未提出协办意见"),
                Column("意见提出率", RATE),
                Column("说明", TEXT),
            ],
            [
                [
                    co.name,
                    co.total,
                    co.opinions,
                    co.awaiting,
                    co.opinion_rate,
                    _sample_note(_small(co.total, self.min_items)),
                ]
                for co in self.by_co_handler
            ],
            "协办单位向主办单位提出协办意见，答复由主办单位作出：协办单位不计主办单位的答复。",
        )

    @property
    def sector_table(self) -> Table:
        word = self.sector_word
        return self._tally_table(f"按{word}", word, self.by_sector, f"按第一提出人的{word}计。")

    @property
    def category_table(self) -> Table:
        return self._tally_table("按类别", "类别", self.by_category)

    @property
    def key_table(self) -> Table:
        return self._tally_table(
            f"重点{self.kind}", self.kind, self.by_key, f"重点{self.kind}与其他{self.kind}分列。"
        )

    @property
    def tables(self) -> list[Table]:
        """Every table, in the order of the page and of the workbook's sheets."""
        return [
            self.overview,
            self.satisfaction_table,
            self.lead_table,
            self.co_table,
            self.sector_table,
            self.category_table,
            self.key_table,
        ]


def lead_rows(proposals: QuerySet, today: date) -> list[Row]:
    """One row per proposal: its category, lead bureau, first proposer's sector, whether it
    is key, replied, its timeliness, grade and days to reply.

    Timeliness: a replied proposal (proposals.derived.replied) is on time when its first
    reply that counts is dated no later than the lead assignment's on_time_by (late
    extensions do not move that); an unreplied one is overdue exactly when the list says so.
    """
    # Unordered: Meta.ordering would join the proposal, its session and the bureau to sort
    # the one active lead, for every proposal.
    lead = (
        Assignment.objects.active()
        .filter(proposal=OuterRef("pk"), role=Assignment.Role.LEAD)
        .order_by()
    )
    answers = Reply.objects.filter(
        proposal=OuterRef("pk"), completeness=Reply.Completeness.COMPLETE, reply_date__isnull=False
    )
    latest_reply = Reply.objects.filter(proposal=OuterRef("pk")).order_by("-round", "-pk")
    first_proposer = ProposalProposer.objects.filter(proposal=OuterRef("pk")).order_by("position")
    rows = (
        proposals.annotate(
            on_time_by=Subquery(lead.values("on_time_by")[:1]),
            assigned_on=Subquery(lead.values("assigned_on")[:1]),
            first_reply_on=Subquery(answers.order_by("reply_date").values("reply_date")[:1]),
            is_replied=Case(When(derived.replied(), then=Value(True)), default=Value(False)),
            is_overdue=Case(When(derived.overdue(today), then=Value(True)), default=Value(False)),
            grade_code=Subquery(latest_reply.values("grade_id")[:1]),
            first_sector=Case(
                When(
                    session__body=Body.NPC,
                    then=Subquery(first_proposer.values("member__delegation")[:1]),
                ),
                default=Subquery(first_proposer.values("member__sector")[:1]),
            ),
        )
        .values(
            "pk",
            "category",
            "is_key",
            "lead_bureau_id",
            "lead_bureau__name",
            "on_time_by",
            "assigned_on",
            "first_reply_on",
            "is_replied",
            "is_overdue",
            "grade_code",
            "first_sector",
        )
        .order_by()
    )
    return [_classified(row) for row in rows]


def _classified(row: dict) -> Row:
    replied_on = row["first_reply_on"]
    if row["lead_bureau_id"] is None:
        timeliness = UNASSIGNED
    elif row["is_replied"]:
        on_time = derived.is_on_time(replied_on, row["on_time_by"])
        timeliness = UNKNOWN_DATE if on_time is None else (ON_TIME if on_time else LATE)
    else:
        timeliness = OVERDUE if row["is_overdue"] else PENDING
    assigned_on = row["assigned_on"]
    # A letter dated before its assignment is a date typed or read wrongly (or a register
    # assigned on a guessed day): its days to reply say nothing, so it stays out of the median.
    known = replied_on and assigned_on and replied_on >= assigned_on
    return Row(
        pk=row["pk"],
        category=row["category"] or "未分类",
        bureau_id=row["lead_bureau_id"],
        bureau=row["lead_bureau__name"] or "未交办",
        sector=row["first_sector"] or NO_SECTOR,
        is_key=row["is_key"],
        replied=bool(row["is_replied"]),
        timeliness=timeliness,
        grade=row["grade_code"] or NO_GRADE,
        days_to_reply=(replied_on - assigned_on).days if known else None,
    )


def satisfaction_by_proposal(proposals: QuerySet) -> dict[int, tuple[str, str]]:
    """For each of `proposals` with feedback: the least satisfied answer of round 1 ("" if
    none was given in round 1) and that of its last answered round."""
    worst: dict[tuple[int, int], str] = {}
    # Unordered: the model's ordering would join the sessions, proposals and members.
    feedback = (
        Feedback.objects.filter(proposal__in=proposals)
        .order_by()
        .values_list("proposal_id", "round", "satisfaction")
    )
    for proposal_id, round_, satisfaction in feedback:
        key = (proposal_id, round_)
        current = worst.get(key)
        if current is None or WORST_FIRST.index(satisfaction) < WORST_FIRST.index(current):
            worst[key] = satisfaction
    last_round: dict[int, int] = {}
    for proposal_id, round_ in worst:
        last_round[proposal_id] = max(round_, last_round.get(proposal_id, 0))
    return {pk: (worst.get((pk, 1), ""), worst[(pk, last)]) for pk, last in last_round.items()}


def _grouped(rows: list[Row], key: str, min_items: int) -> list[Tally]:
    """A tally per value of `key`, largest first, those under `min_items` marked small."""
    groups: dict[str, list[Row]] = defaultdict(list)
    for row in rows:
        groups[getattr(row, key)].append(row)
    tallies = [Tally.of(name, members) for name, members in groups.items()]
    return _marked(sorted(tallies, key=lambda tally: (-tally.total, tally.name)), min_items)


def _marked(tallies: list[Tally], min_items: int) -> list[Tally]:
    for tally in tallies:
        tally.small = _small(tally.total, min_items)
    return tallies


def _small(count: int, min_items: int) -> bool:
    """Too few items for a group's rates to say much (settings.STATISTICS_MIN_ITEMS)."""
    return count < min_items


def _sample_note(small: bool) -> str:
    return SMALL_SAMPLE if small else ""


def _ranked(tallies: list[Tally]) -> list[Tally]:
    """By on-time rate, best first, then the small ones and those without a rate, unranked."""
    ranked = [t for t in tallies if not t.small and t.on_time_rate is not None]
    ranked.sort(key=lambda tally: -tally.on_time_rate)
    for position, tally in enumerate(ranked, start=1):
        tally.rank = position
    return ranked + [tally for tally in tallies if tally not in ranked]


def session_report(
    session: Session, proposals: QuerySet, *, target: float | None = None, today: date | None = None
) -> SessionReport:
    """The report of `session` over `proposals` (the ones the reader may see), in a fixed
    number of queries."""
    today = today or timezone.localdate()
    target = settings.STATISTICS_ON_TIME_TARGET if target is None else target
    min_items = settings.STATISTICS_MIN_ITEMS
    in_session = proposals.filter(session=session)
    dispositions = Counter(
        dict(in_session.order_by().values_list("disposition").annotate(n=Count("pk")))
    )
    counted = in_session.filed()
    rows = lead_rows(counted, today)
    answers = satisfaction_by_proposal(counted)
    for row in rows:
        row.first, row.final = answers.get(row.pk, ("", ""))
    assigned = [row for row in rows if row.bureau_id is not None]
    kind = session.proposal_kind
    return SessionReport(
        session=session,
        target=target,
        min_items=min_items,
        today=today,
        dispositions=dispositions,
        overall=Tally.of(str(session), rows),
        grade_names=dict(Grade.objects.order_by("code").values_list("code", "name")),
        by_bureau=_ranked(_grouped(assigned, "bureau", min_items)),
        by_sector=_grouped(rows, "sector", min_items),
        by_category=_grouped(rows, "category", min_items),
        by_key=_marked(
            [
                Tally.of(f"重点{kind}", [row for row in rows if row.is_key]),
                Tally.of(f"其他{kind}", [row for row in rows if not row.is_key]),
            ],
            min_items,
        ),
        counted=counted,
    )


def _count(queryset: QuerySet, group: str) -> Subquery:
    """A correlated count of `queryset` rows per `group`, for annotating the group's model."""
    counted = queryset.filter(**{group: OuterRef("pk")}).order_by().values(group)
    return Subquery(counted.annotate(n=Count("pk")).values("n"), output_field=IntegerField())


def bureaus_with_figures(proposals: QuerySet, today: date | None = None) -> RawQuerySet:
    """Bureaus holding any of `proposals`: what they lead, and of it how much is replied and
    overdue (the words of proposals.derived), and what they co-handle, by region and name.

    One query: the proposals grouped by lead bureau and the co-handling assignments grouped by
    bureau, each read once and joined to the bureaus. (A count per bureau and figure read each
    bureau's proposals four times over: 6 s at a million proposals.)
    """
    today = today or timezone.localdate()
    led = (
        proposals.order_by()
        .values("lead_bureau")
        # Counted by a column the index holds (every proposal has a status), not by id: read
        # from proposal_lead_figures_idx alone, as the co-handlers from assignment_active_co_idx.
        .annotate(
            n=Count("status"),
            replied=Count("status", filter=derived.replied()),
            overdue=Count("status", filter=derived.overdue(today)),
        )
    )
    co = Assignment.objects.active().filter(role=Assignment.Role.CO_HANDLER)
    if proposals.query.has_filters():  # not every proposal (a clerk's, a viewer's): match ids
        co = co.filter(proposal__in=proposals.values("pk"))
    co = co.order_by().values("bureau").annotate(n=Count("*"))
    led_sql, led_params = led.query.sql_with_params()
    co_sql, co_params = co.query.sql_with_params()
    bureaus = connection.ops.quote_name(Bureau._meta.db_table)
    sql = (
        "SELECT b.*, COALESCE(led.n, 0) AS lead_count, COALESCE(co.n, 0) AS co_count, "
        "COALESCE(led.replied, 0) AS replied_count, COALESCE(led.overdue, 0) AS overdue_count "
        f"FROM {bureaus} b LEFT JOIN ({led_sql}) led ON led.lead_bureau = b.id "
        f"LEFT JOIN ({co_sql}) co ON co.bureau = b.id "
        "WHERE led.n > 0 OR co.n > 0 ORDER BY b.region, b.name"
    )
    return Bureau.objects.raw(sql, [*led_params, *co_params])


def _among(proposals: QuerySet) -> Exists:
    """Whether a row's proposal is one of `proposals`, checked for that row. (`proposal__in`
    made SQLite look up every id of `proposals` for each member counted: minutes for the
    member list at 100,000 proposals.)"""
    return Exists(proposals.filter(pk=OuterRef("proposal_id")))


def members_with_figures(proposals: QuerySet) -> QuerySet:
    """Members who proposed any of `proposals`, with how many and how many are replied."""
    links = ProposalProposer.objects.filter(_among(proposals))
    return (
        Member.objects.annotate(
            proposal_count=Coalesce(_count(links, "member"), 0),
            replied_count=Coalesce(
                _count(links.filter(_among(proposals.filter(derived.replied()))), "member"),
                0,
            ),
        )
        # Any at all, rather than counting them all for every member (the list's count).
        .filter(Exists(links.filter(member=OuterRef("pk"))))
        .order_by("name", "pk")
    )


_CO_COUNTS = {"total": Count("pk"), "opinions": Count("pk", filter=Q(opinion_on__isnull=False))}


def _co_assignments(proposals: QuerySet):
    return Assignment.objects.active().filter(
        role=Assignment.Role.CO_HANDLER, proposal__in=proposals
    )


def co_handling_figures(bureau: Bureau, proposals: QuerySet) -> CoHandling:
    return CoHandling.of(_co_assignments(proposals).filter(bureau=bureau).aggregate(**_CO_COUNTS))


def co_handling_by_bureau(proposals: QuerySet) -> list[CoHandling]:
    """What each bureau co-handles of `proposals`, most first, in one query."""
    counts = (
        _co_assignments(proposals)
        .values("bureau__name")
        .annotate(**_CO_COUNTS)
        .order_by("-total", "bureau__name")
    )
    return [CoHandling.of(row, row["bureau__name"]) for row in counts]


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
    return Tally.of("", lead_rows(proposals.filed(), today or timezone.localdate()))


def _percent(rate: float | None) -> str:
    return "—" if rate is None else f"{rate:.1%}"
