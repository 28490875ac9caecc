"""The domain: sessions, members, bureaus, proposals, their assignments, replies and feedback.

A proposal's handling status is never stored: `ProposalQuerySet.with_handling_status()`
derives it from assignments, replies, feedback and the closing date, so it cannot drift.
"""

import unicodedata
from datetime import date, timedelta

import cn2an
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Case, Exists, F, OuterRef, Q, Subquery, Value, When
from django.utils import timezone
from simple_history.models import HistoricalRecords

from proposals.deadlines import explain_due_date
from proposals.rules import deadline_rules


class Body(models.TextChoices):
    CPPCC = "cppcc", "政协"
    NPC = "npc", "人大"


class Session(models.Model):
    """One plenary meeting of one body, e.g. 焦作市政协十四届五次会议."""

    body = models.CharField("机构", max_length=8, choices=Body.choices)
    region = models.CharField(
        "地区", max_length=64, blank=True, help_text="如“焦作市”；来函未写明时留空，待人工补全。"
    )
    term = models.PositiveSmallIntegerField("届")
    meeting = models.PositiveSmallIntegerField(
        "次", null=True, blank=True, help_text="闭会期间提出的建议没有会次，留空。"
    )
    opened_on = models.DateField("开幕日期", null=True, blank=True)
    closed_on = models.DateField("闭幕日期", null=True, blank=True)

    class Meta:
        verbose_name = "会议"
        verbose_name_plural = "会议"
        ordering = ["-term", "-meeting", "region", "body"]
        constraints = [
            models.UniqueConstraint(
                fields=["body", "region", "term", "meeting"], name="session_unique_meeting"
            ),
            # NULL never equals NULL in a unique index, so "between meetings" needs its own rule.
            models.UniqueConstraint(
                fields=["body", "region", "term"],
                condition=Q(meeting__isnull=True),
                name="session_unique_between_meetings",
            ),
            models.CheckConstraint(condition=Q(term__gte=1), name="session_term_positive"),
        ]

    def __str__(self) -> str:
        term = cn2an.an2cn(self.term)
        if self.body == Body.CPPCC:
            head = f"{self.region}政协{term}届"
        else:
            head = f"{self.region}{term}届人大"
        if self.meeting is None:
            return f"{head}闭会期间"
        return f"{head}{cn2an.an2cn(self.meeting)}次会议"

    @property
    def proposal_kind(self) -> str:
        """提案 for the CPPCC, 建议 for the people's congress."""
        return "提案" if self.body == Body.CPPCC else "建议"


class Member(models.Model):
    """A CPPCC member (委员) or an NPC deputy (代表)."""

    name = models.CharField("姓名", max_length=64)
    body = models.CharField("机构", max_length=8, choices=Body.choices)
    region = models.CharField("地区", max_length=64, blank=True)
    sector = models.CharField("界别", max_length=64, blank=True)
    delegation = models.CharField("代表团", max_length=64, blank=True)

    class Meta:
        verbose_name = "委员/代表"
        verbose_name_plural = "委员/代表"
        ordering = ["region", "name"]
        # Imported letters name proposers only by name, so a name is the member's key within
        # one body of one region; namesakes are told apart by a clerk editing the name.
        constraints = [
            models.UniqueConstraint(fields=["body", "region", "name"], name="member_unique_name"),
        ]

    def __str__(self) -> str:
        title = "委员" if self.body == Body.CPPCC else "代表"
        return f"{self.name}{title}"


class BureauQuerySet(models.QuerySet):
    def named(self, region: str, name: str) -> "BureauQuerySet":
        """Bureaus of `region` whose full name or one of whose aliases is `name`."""
        return self.filter(Q(name=name) | Q(aliases__name=name), region=region).distinct()


class Bureau(models.Model):
    """A government unit that handles proposals (承办单位)."""

    region = models.CharField("地区", max_length=64, blank=True)
    name = models.CharField("全称", max_length=128)
    needs_review = models.BooleanField(
        "待核实", default=False, help_text="导入时自动创建的单位，请核实全称并合并重复。"
    )

    objects = BureauQuerySet.as_manager()

    class Meta:
        verbose_name = "承办单位"
        verbose_name_plural = "承办单位"
        ordering = ["region", "name"]
        constraints = [
            models.UniqueConstraint(fields=["region", "name"], name="bureau_unique_name"),
        ]

    def __str__(self) -> str:
        return self.name


class BureauAlias(models.Model):
    """Another name for a bureau as letters write it, e.g. 市工信局."""

    bureau = models.ForeignKey(
        Bureau, on_delete=models.CASCADE, related_name="aliases", verbose_name="承办单位"
    )
    name = models.CharField("简称", max_length=128)

    class Meta:
        verbose_name = "单位简称"
        verbose_name_plural = "单位简称"
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["bureau", "name"], name="bureau_alias_unique"),
        ]
        indexes = [models.Index(fields=["name"], name="bureau_alias_name_idx")]

    def __str__(self) -> str:
        return self.name


class BureauOfficer(models.Model):
    """A login that acts for one bureau (承办单位工作人员)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="bureau_officer",
        verbose_name="账号",
    )
    bureau = models.ForeignKey(
        Bureau, on_delete=models.PROTECT, related_name="officers", verbose_name="承办单位"
    )

    class Meta:
        verbose_name = "承办单位工作人员"
        verbose_name_plural = "承办单位工作人员"
        ordering = ["bureau", "user"]

    def __str__(self) -> str:
        return f"{self.bureau}：{self.user}"


def normalise_grade_text(text: str) -> str:
    """Fold the ways a grade is written (Ａ, A类, (B), 甲类) down to its core for matching."""
    folded = unicodedata.normalize("NFKC", text).upper()
    return "".join(ch for ch in folded if ch not in " ()[]【】类").strip()


class GradeQuerySet(models.QuerySet):
    def resolve(self, text: str) -> "Grade | None":
        """The grade that `text` names by code or alias (A, A类, 甲, 甲类, (A)…), or None."""
        wanted = normalise_grade_text(text)
        if not wanted:
            return None
        for grade in self:
            names = [grade.code, *grade.aliases]
            if wanted in {normalise_grade_text(name) for name in names}:
                return grade
        return None


class Grade(models.Model):
    """An outcome grade (办理结果): A solved, B being solved, C cannot be solved for now."""

    code = models.CharField("代码", max_length=4, primary_key=True)
    name = models.CharField("名称", max_length=32)
    definition = models.TextField("含义")
    aliases = models.JSONField("其他写法", default=list, blank=True)

    objects = GradeQuerySet.as_manager()

    class Meta:
        verbose_name = "办理结果类别"
        verbose_name_plural = "办理结果类别"
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code}（{self.name}）"


class HandlingStatus(models.TextChoices):
    UNASSIGNED = "unassigned", "未交办"
    ASSIGNED = "assigned", "办理中"
    REPLIED = "replied", "已答复"
    FEEDBACK_RECEIVED = "feedback", "已反馈"
    CLOSED = "closed", "已办结"


class Turn(models.TextChoices):
    """Who must act next on a proposal."""

    CLERK_ASSIGN = "assign", "提案委：交办"
    CO_HANDLER = "co_handler", "协办单位：提出协办意见"
    LEAD = "lead", "主办单位：答复"
    REHANDLING = "rehandling", "主办单位：重新办理"
    CLERK_REVIEW = "review", "提案委：审核答复"
    MEMBER = "member", "委员/代表：反馈意见"
    CLERK_CLOSE = "close", "提案委：办结"
    NOBODY = "nobody", "已办结"


class ProposalQuerySet(models.QuerySet):
    def with_handling_status(self, today: date | None = None) -> "ProposalQuerySet":
        """Annotate the handling status, who holds the proposal now, and the deadlines.

        `handling_status`: 未交办 → 办理中 → 已答复 → 已反馈 → 已办结. `turn`, `turn_party`
        and `turn_due_on`: who must act next (see Turn) and by when. `is_overdue`: the lead
        bureau's due date has passed (due today is not yet overdue) with no reply, or a
        re-handling's due date has passed with no second reply. `is_due_soon`: the same
        deadlines fall within DUE_SOON_DAYS from today. All in one query.
        """
        today = today or timezone.localdate()
        soon = today + timedelta(days=settings.DUE_SOON_DAYS)
        replies = Reply.objects.filter(proposal=OuterRef("pk"))
        active = Assignment.objects.active().filter(proposal=OuterRef("pk"))
        lead = active.filter(role=Assignment.Role.LEAD)
        awaiting_opinion = active.filter(
            role=Assignment.Role.CO_HANDLER, opinion_on__isnull=True
        ).order_by("due_on")
        rehandling_due_on = Rehandling.objects.filter(proposal=OuterRef("pk")).values("due_on")
        waiting_for_lead = Q(has_reply=False, lead_due_on__isnull=False)
        waiting_for_rehandling = Q(rehandling_due_on__isnull=False, has_second_reply=False)
        return self.annotate(
            has_reply=Exists(replies),
            has_second_reply=Exists(replies.filter(round=2)),
            lead_due_on=Subquery(lead.values("due_on")[:1]),
            lead_bureau=Subquery(lead.values("bureau__name")[:1]),
            rehandling_due_on=Subquery(rehandling_due_on[:1]),
            opinion_due_on=Subquery(awaiting_opinion.values("due_on")[:1]),
            opinion_bureau=Subquery(awaiting_opinion.values("bureau__name")[:1]),
            current_round=Case(
                When(rehandling_due_on__isnull=False, then=Value(2)),
                default=Value(1),
                output_field=models.PositiveSmallIntegerField(),
            ),
            has_current_feedback=Exists(
                Feedback.objects.filter(proposal=OuterRef("pk"), round=OuterRef("current_round"))
            ),
            handling_status=Case(
                When(closed_on__isnull=False, then=Value(HandlingStatus.CLOSED)),
                When(
                    Exists(Feedback.objects.filter(proposal=OuterRef("pk"))),
                    then=Value(HandlingStatus.FEEDBACK_RECEIVED),
                ),
                When(has_reply=True, then=Value(HandlingStatus.REPLIED)),
                When(Exists(active), then=Value(HandlingStatus.ASSIGNED)),
                default=Value(HandlingStatus.UNASSIGNED),
                output_field=models.CharField(),
            ),
            turn=Case(
                When(closed_on__isnull=False, then=Value(Turn.NOBODY)),
                When(~Exists(active), then=Value(Turn.CLERK_ASSIGN)),
                When(waiting_for_rehandling, then=Value(Turn.REHANDLING)),
                When(has_reply=False, opinion_due_on__isnull=False, then=Value(Turn.CO_HANDLER)),
                When(has_reply=False, then=Value(Turn.LEAD)),
                When(Exists(replies.filter(needs_review=True)), then=Value(Turn.CLERK_REVIEW)),
                When(has_current_feedback=False, then=Value(Turn.MEMBER)),
                default=Value(Turn.CLERK_CLOSE),
                output_field=models.CharField(),
            ),
            turn_party=Case(
                When(turn__in=[Turn.LEAD, Turn.REHANDLING], then=F("lead_bureau")),
                When(turn=Turn.CO_HANDLER, then=F("opinion_bureau")),
                default=Value(""),
                output_field=models.CharField(),
            ),
            turn_due_on=Case(
                When(turn=Turn.LEAD, then=F("lead_due_on")),
                When(turn=Turn.REHANDLING, then=F("rehandling_due_on")),
                When(turn=Turn.CO_HANDLER, then=F("opinion_due_on")),
                default=None,
                output_field=models.DateField(),
            ),
            is_overdue=Case(
                When(waiting_for_lead & Q(lead_due_on__lt=today), then=Value(True)),
                When(waiting_for_rehandling & Q(rehandling_due_on__lt=today), then=Value(True)),
                default=Value(False),
                output_field=models.BooleanField(),
            ),
            is_due_soon=Case(
                When(
                    waiting_for_lead & Q(lead_due_on__gte=today, lead_due_on__lte=soon),
                    then=Value(True),
                ),
                When(
                    waiting_for_rehandling
                    & Q(rehandling_due_on__gte=today, rehandling_due_on__lte=soon),
                    then=Value(True),
                ),
                default=Value(False),
                output_field=models.BooleanField(),
            ),
        )

    def needing_attention(self, today: date | None = None) -> "ProposalQuerySet":
        """Overdue, due soon, or waiting for a clerk (to assign, review a reply, or close)."""
        return self.with_handling_status(today).filter(
            Q(is_overdue=True)
            | Q(is_due_soon=True)
            | Q(turn__in=[Turn.CLERK_ASSIGN, Turn.CLERK_REVIEW, Turn.CLERK_CLOSE])
        )

    def overdue(self, today: date | None = None) -> "ProposalQuerySet":
        return self.with_handling_status(today).filter(is_overdue=True)

    def due_soon(self, today: date | None = None) -> "ProposalQuerySet":
        return self.with_handling_status(today).filter(is_due_soon=True)

    def in_status(self, status: str, today: date | None = None) -> "ProposalQuerySet":
        return self.with_handling_status(today).filter(handling_status=status)

    def visible_to(self, user) -> "ProposalQuerySet":
        """What `user` may see: clerks and viewers everything, a bureau officer the proposals
        assigned (and not returned) to their bureau, an anonymous visitor the proposals with a
        published reply, any other login nothing.

        The one rule of visibility: the admin and the web views both filter through it.
        """
        # roles imports the auth models, which must not load while this module does.
        from proposals.roles import Role, officer_bureau_id, role_of

        role = role_of(user)
        if role in (Role.CLERK, Role.VIEWER):
            return self
        if role == Role.BUREAU:
            mine = Assignment.objects.active().filter(bureau=officer_bureau_id(user))
            return self.filter(pk__in=mine.values("proposal_id"))
        if not user.is_authenticated:
            return self.published()
        return self.none()

    def for_list_page(self, today: date | None = None) -> "ProposalQuerySet":
        """Everything a list row shows, in one query plus one for the proposers."""
        return (
            self.with_handling_status(today)
            .select_related("session")
            .prefetch_related("proposers")
            .order_by("session", "number")
        )

    def figures(self, today: date | None = None) -> dict[str, int]:
        """Counts for a dashboard: total, replied, outstanding, overdue, due within a week."""
        today = today or timezone.localdate()
        annotated = self.with_handling_status(today)
        return annotated.aggregate(
            total=models.Count("pk"),
            replied=models.Count("pk", filter=Q(has_reply=True)),
            outstanding=models.Count("pk", filter=Q(has_reply=False)),
            overdue=models.Count("pk", filter=Q(is_overdue=True)),
            due_this_week=models.Count(
                "pk",
                filter=Q(has_reply=False, lead_due_on__gte=today)
                & Q(lead_due_on__lte=today + timedelta(days=7)),
            ),
        )

    def published(self) -> "ProposalQuerySet":
        """Proposals with a reply made public: what anonymous visitors may see."""
        return self.filter(
            pk__in=Reply.objects.filter(published_on__isnull=False).values("proposal_id")
        )


class Proposal(models.Model):
    """A CPPCC proposal (提案) or an NPC suggestion (建议); the session's body decides which."""

    session = models.ForeignKey(
        Session, on_delete=models.PROTECT, related_name="proposals", verbose_name="会议"
    )
    number = models.PositiveIntegerField("编号", help_text="会议内的提案/建议号，如第252号填 252。")
    title = models.CharField("案由", max_length=500, blank=True)
    proposers = models.ManyToManyField(
        Member,
        through="ProposalProposer",
        related_name="proposals",
        verbose_name="提出人",
    )
    proposers_more = models.BooleanField(
        "提出人含“等”",
        default=False,
        help_text="称呼中列出的姓名之后有“等”字，还有未列出的联名人。",
    )
    category = models.CharField("类别", max_length=64, blank=True)
    is_key = models.BooleanField("重点提案", default=False)
    filed_on = models.DateField("立案日期", null=True, blank=True)
    closed_on = models.DateField("办结日期", null=True, blank=True)

    history = HistoricalRecords(verbose_name="提案/建议历史")
    objects = ProposalQuerySet.as_manager()

    class Meta:
        verbose_name = "提案/建议"
        verbose_name_plural = "提案/建议"
        ordering = ["session", "number"]
        constraints = [
            models.UniqueConstraint(fields=["session", "number"], name="proposal_unique_number"),
        ]

    def __str__(self) -> str:
        return f"{self.session}第{self.number}号{self.kind}"

    @property
    def kind(self) -> str:
        return self.session.proposal_kind

    # Labels of the annotations with_handling_status() adds.
    @property
    def handling_status_label(self) -> str:
        return HandlingStatus(self.handling_status).label

    @property
    def turn_label(self) -> str:
        return Turn(self.turn).label


class ProposalProposer(models.Model):
    """A proposer of a proposal, in the order the letter names them."""

    proposal = models.ForeignKey(
        Proposal, on_delete=models.CASCADE, related_name="proposer_links", verbose_name="提案/建议"
    )
    member = models.ForeignKey(
        Member, on_delete=models.PROTECT, related_name="proposer_links", verbose_name="提出人"
    )
    position = models.PositiveSmallIntegerField("顺序", default=1)

    class Meta:
        verbose_name = "提出人"
        verbose_name_plural = "提出人"
        ordering = ["proposal", "position"]
        constraints = [
            models.UniqueConstraint(fields=["proposal", "member"], name="proposer_unique_member"),
            models.UniqueConstraint(
                fields=["proposal", "position"], name="proposer_unique_position"
            ),
        ]

    def __str__(self) -> str:
        return str(self.member)


class AssignmentQuerySet(models.QuerySet):
    def active(self) -> "AssignmentQuerySet":
        """Assignments that still stand: not returned by their bureau."""
        return self.filter(returned_on__isnull=True)


class Assignment(models.Model):
    """A proposal handed to a bureau (交办), as lead (主办) or co-handler (协办).

    A returned assignment (退回) is kept, with its return date, so the history shows who
    held the proposal; only active ones count for status and deadlines.
    """

    class Role(models.TextChoices):
        LEAD = "lead", "主办"
        CO_HANDLER = "co", "协办"

    proposal = models.ForeignKey(
        Proposal, on_delete=models.CASCADE, related_name="assignments", verbose_name="提案/建议"
    )
    bureau = models.ForeignKey(
        Bureau, on_delete=models.PROTECT, related_name="assignments", verbose_name="承办单位"
    )
    role = models.CharField("办理方式", max_length=8, choices=Role.choices, default=Role.LEAD)
    assigned_on = models.DateField(
        "交办日期", null=True, blank=True, help_text="从答复函导入的交办没有交办日期，待人工补全。"
    )
    due_on = models.DateField("答复期限", null=True, blank=True)
    returned_on = models.DateField("退回日期", null=True, blank=True)
    opinion_on = models.DateField(
        "协办意见日期", null=True, blank=True, help_text="协办单位向主办单位提出协办意见的日期。"
    )

    history = HistoricalRecords(verbose_name="交办历史")
    objects = AssignmentQuerySet.as_manager()

    class Meta:
        verbose_name = "交办"
        verbose_name_plural = "交办"
        ordering = ["proposal", "role", "bureau"]
        constraints = [
            models.UniqueConstraint(fields=["proposal", "bureau"], name="assignment_unique_bureau"),
            models.UniqueConstraint(
                fields=["proposal"],
                condition=Q(role="lead", returned_on__isnull=True),
                name="assignment_one_active_lead",
            ),
            models.CheckConstraint(
                condition=Q(due_on__isnull=True)
                | Q(assigned_on__isnull=True)
                | Q(due_on__gte=models.F("assigned_on")),
                name="assignment_due_after_assigned",
            ),
        ]
        indexes = [models.Index(fields=["role", "due_on"], name="assignment_role_due_idx")]

    def __str__(self) -> str:
        return f"{self.bureau}（{self.get_role_display()}）"

    def clean(self) -> None:
        if self.assigned_on and self.due_on and self.due_on < self.assigned_on:
            raise ValidationError({"due_on": "答复期限不能早于交办日期。"})

    def due_date_explanation(self) -> list[str]:
        """How the due date was reached: start date, rule, month end, approved extension."""
        if self.assigned_on is None or self.due_on is None:
            return ["交办日期不详（如由答复函导入），无法计算答复期限；请补录交办日期。"]
        extension = (
            self.extension_requests.filter(status=RequestStatus.APPROVED)
            .order_by("-decided_on")
            .first()
        )
        return explain_due_date(
            assigned_on=self.assigned_on,
            role=self.role,
            rules=deadline_rules(),
            due_on=self.due_on,
            extended_on=extension.decided_on if extension else None,
        )


class RequestStatus(models.TextChoices):
    PENDING = "pending", "待审批"
    APPROVED = "approved", "已批准"
    REFUSED = "refused", "未批准"


class BureauRequest(models.Model):
    """What a bureau asks of the clerks about one assignment, and the clerk's decision."""

    reason = models.TextField("理由")
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name="申请人",
    )
    requested_on = models.DateField("申请日期")
    status = models.CharField(
        "状态", max_length=10, choices=RequestStatus.choices, default=RequestStatus.PENDING
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="审批人",
    )
    decided_on = models.DateField("审批日期", null=True, blank=True)
    decision_note = models.TextField("审批意见", blank=True)

    class Meta:
        abstract = True
        ordering = ["-requested_on"]


class ExtensionRequest(BureauRequest):
    """A bureau asks for a later due date (延期)."""

    assignment = models.ForeignKey(
        Assignment, on_delete=models.CASCADE, related_name="extension_requests", verbose_name="交办"
    )
    requested_due_on = models.DateField("申请延至")

    class Meta(BureauRequest.Meta):
        verbose_name = "延期申请"
        verbose_name_plural = "延期申请"
        constraints = [
            models.UniqueConstraint(
                fields=["assignment"],
                condition=Q(status="pending"),
                name="extension_one_pending",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.assignment}申请延至{self.requested_due_on:%Y-%m-%d}"


class ReturnRequest(BureauRequest):
    """A bureau asks to hand an assignment back (退回), e.g. it is not theirs to handle."""

    assignment = models.ForeignKey(
        Assignment, on_delete=models.CASCADE, related_name="return_requests", verbose_name="交办"
    )
    reassigned_to = models.ForeignKey(
        Assignment,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="改交",
    )

    class Meta(BureauRequest.Meta):
        verbose_name = "退回申请"
        verbose_name_plural = "退回申请"
        constraints = [
            models.UniqueConstraint(
                fields=["assignment"], condition=Q(status="pending"), name="return_one_pending"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.assignment}申请退回"


class Reply(models.Model):
    """A bureau's formal reply letter (答复) to a proposal's proposers.

    Natural key: (proposal, replying bureau, round). A bureau replies once per handling
    round; re-importing the same letter finds this row and updates it instead of adding one.
    When a letter names its issuer only as 我局, the bureau is unknown and the key is
    (proposal, round) among replies without a bureau.
    """

    proposal = models.ForeignKey(
        Proposal, on_delete=models.CASCADE, related_name="replies", verbose_name="提案/建议"
    )
    bureau = models.ForeignKey(
        Bureau,
        on_delete=models.PROTECT,
        related_name="replies",
        null=True,
        blank=True,
        verbose_name="答复单位",
    )
    round = models.PositiveSmallIntegerField(
        "办理轮次", default=1, help_text="首次答复为 1；不满意后重新办理的答复为 2。"
    )
    doc_number = models.CharField("文号", max_length=64, blank=True)
    signer = models.CharField("签发人", max_length=64, blank=True)
    grade = models.ForeignKey(
        Grade,
        on_delete=models.PROTECT,
        related_name="replies",
        null=True,
        blank=True,
        verbose_name="办理结果",
    )
    grade_raw = models.CharField("办理结果（原文）", max_length=32, blank=True)
    reply_date = models.DateField("答复日期", null=True, blank=True)
    text = models.TextField("答复全文", blank=True)
    printed_by = models.CharField("印发单位", max_length=128, blank=True)
    printed_on = models.DateField("印发日期", null=True, blank=True)
    source_name = models.CharField("来源文件", max_length=255, blank=True)
    source_sha256 = models.CharField("文件 SHA-256", max_length=64, blank=True, db_index=True)
    imported_at = models.DateTimeField("导入时间", null=True, blank=True)
    needs_review = models.BooleanField("待补全", default=False)
    review_note = models.CharField("待补全事项", max_length=255, blank=True)
    published_on = models.DateField(
        "公开日期", null=True, blank=True, help_text="有日期的答复对公众公开（电话号码除外）。"
    )

    # The full text is kept once; its changes are in ReplyChange.
    history = HistoricalRecords(verbose_name="答复历史", excluded_fields=["text"])

    class Meta:
        verbose_name = "答复"
        verbose_name_plural = "答复"
        ordering = ["proposal", "round", "bureau"]
        constraints = [
            models.UniqueConstraint(
                fields=["proposal", "bureau", "round"], name="reply_unique_bureau_round"
            ),
            models.UniqueConstraint(
                fields=["proposal", "round"],
                condition=Q(bureau__isnull=True),
                name="reply_unique_unknown_bureau_round",
            ),
            models.CheckConstraint(condition=Q(round__gte=1), name="reply_round_positive"),
        ]

    def __str__(self) -> str:
        who = self.bureau or "（答复单位不详）"
        return f"{who}对{self.proposal}的答复"


class ReplyChange(models.Model):
    """What a re-import of a changed letter altered, field by field."""

    reply = models.ForeignKey(
        Reply, on_delete=models.CASCADE, related_name="changes", verbose_name="答复"
    )
    recorded_at = models.DateTimeField("记录时间", default=timezone.now)
    source_name = models.CharField("来源文件", max_length=255, blank=True)
    source_sha256 = models.CharField("文件 SHA-256", max_length=64, blank=True)
    changes = models.JSONField("变更内容", default=dict, help_text="字段 → [原值, 新值]")

    class Meta:
        verbose_name = "答复变更记录"
        verbose_name_plural = "答复变更记录"
        ordering = ["-recorded_at"]

    def __str__(self) -> str:
        return f"{self.reply}（{timezone.localtime(self.recorded_at):%Y-%m-%d %H:%M}）"


class Contact(models.Model):
    """A contact person for a reply (联系人), per unit as the letter writes it."""

    reply = models.ForeignKey(
        Reply, on_delete=models.CASCADE, related_name="contacts", verbose_name="答复"
    )
    position = models.PositiveSmallIntegerField("顺序", default=1)
    unit = models.CharField("联系单位", max_length=128, blank=True)
    name = models.CharField("联系人", max_length=64, blank=True)
    phone = models.CharField("联系电话", max_length=64, blank=True)

    class Meta:
        verbose_name = "联系人"
        verbose_name_plural = "联系人"
        ordering = ["reply", "position"]

    def __str__(self) -> str:
        return " ".join(part for part in (self.unit, self.name, self.phone) if part)


class CarbonCopy(models.Model):
    """A recipient of a copy of the reply (抄送) and how many copies."""

    reply = models.ForeignKey(
        Reply, on_delete=models.CASCADE, related_name="carbon_copies", verbose_name="答复"
    )
    position = models.PositiveSmallIntegerField("顺序", default=1)
    recipient = models.CharField("抄送单位", max_length=128)
    copies = models.PositiveSmallIntegerField("份数", null=True, blank=True)

    class Meta:
        verbose_name = "抄送"
        verbose_name_plural = "抄送"
        ordering = ["reply", "position"]

    def __str__(self) -> str:
        return f"{self.recipient}（{self.copies}份）" if self.copies else self.recipient


class Feedback(models.Model):
    """A proposer's rating of a reply (反馈)."""

    class Satisfaction(models.TextChoices):
        SATISFIED = "satisfied", "满意"
        BASICALLY_SATISFIED = "basically", "基本满意"
        NOT_SATISFIED = "not_satisfied", "不满意"

    proposal = models.ForeignKey(
        Proposal, on_delete=models.CASCADE, related_name="feedback", verbose_name="提案/建议"
    )
    member = models.ForeignKey(
        Member, on_delete=models.PROTECT, related_name="feedback", verbose_name="委员/代表"
    )
    round = models.PositiveSmallIntegerField("办理轮次", default=1)

    class Source(models.TextChoices):
        MEMBER = "member", "委员/代表本人填报"
        PAPER = "paper", "工作人员据纸质反馈录入"

    satisfaction = models.CharField("满意度", max_length=16, choices=Satisfaction.choices)
    source = models.CharField(
        "录入方式", max_length=8, choices=Source.choices, default=Source.PAPER
    )
    comment = models.TextField("意见", blank=True)
    received_on = models.DateField("反馈日期", null=True, blank=True)

    history = HistoricalRecords(verbose_name="反馈历史")

    class Meta:
        verbose_name = "反馈"
        verbose_name_plural = "反馈"
        ordering = ["proposal", "round", "member"]
        constraints = [
            models.UniqueConstraint(
                fields=["proposal", "member", "round"], name="feedback_unique_member_round"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.member}：{self.get_satisfaction_display()}"


class Rehandling(models.Model):
    """A proposal handled again after a proposer was 不满意 (重新办理): round 2, its own deadline."""

    proposal = models.OneToOneField(
        Proposal, on_delete=models.CASCADE, related_name="rehandling", verbose_name="提案/建议"
    )
    feedback = models.ForeignKey(
        Feedback,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name="引起重新办理的反馈",
    )
    opened_on = models.DateField("重新办理日期")
    due_on = models.DateField("重新答复期限")

    history = HistoricalRecords(verbose_name="重新办理历史")

    class Meta:
        verbose_name = "重新办理"
        verbose_name_plural = "重新办理"
        ordering = ["-opened_on"]

    def __str__(self) -> str:
        return f"{self.proposal}重新办理（期限{self.due_on:%Y-%m-%d}）"


class ImportRun(models.Model):
    """One upload of reply letters in the admin: previewed first, then confirmed."""

    class Status(models.TextChoices):
        PREVIEW = "preview", "待确认"
        CONFIRMED = "confirmed", "已导入"

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name="上传人",
    )
    bureau = models.ForeignKey(
        Bureau,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="限本单位",
        help_text="承办单位工作人员上传时，只能导入本单位的答复函。",
    )
    created_at = models.DateTimeField("上传时间", default=timezone.now)
    confirmed_at = models.DateTimeField("确认时间", null=True, blank=True)
    status = models.CharField("状态", max_length=10, choices=Status.choices, default=Status.PREVIEW)

    class Meta:
        verbose_name = "答复函导入"
        verbose_name_plural = "答复函导入"
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{timezone.localtime(self.created_at):%Y-%m-%d %H:%M} 导入（{self.get_status_display()}）"


class ImportedFile(models.Model):
    """A file of an import run: its bytes (so the confirm imports what was previewed) and outcomes."""

    run = models.ForeignKey(
        ImportRun, on_delete=models.CASCADE, related_name="files", verbose_name="导入"
    )
    position = models.PositiveIntegerField("顺序")
    name = models.CharField("文件名", max_length=255)
    data = models.BinaryField("文件内容")
    preview_status = models.CharField("预览结果", max_length=10)
    preview_error = models.TextField("预览说明", blank=True)
    preview_changes = models.JSONField("将变更的字段", default=list, blank=True)
    status = models.CharField("导入结果", max_length=10, blank=True)
    error = models.TextField("导入说明", blank=True)

    class Meta:
        verbose_name = "导入文件"
        verbose_name_plural = "导入文件"
        ordering = ["run", "position"]

    def __str__(self) -> str:
        return self.name
