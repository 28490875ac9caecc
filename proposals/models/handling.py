"""Handling a proposal: assignments, what bureaus ask, feedback and re-handling."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from proposals.deadlines import explain_due_date
from proposals.models.reference import Bureau, Member
from proposals.rules import deadline_rules


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
        "proposals.Proposal",
        on_delete=models.CASCADE,
        related_name="assignments",
        verbose_name="提案/建议",
    )
    bureau = models.ForeignKey(
        Bureau, on_delete=models.PROTECT, related_name="assignments", verbose_name="承办单位"
    )
    role = models.CharField("办理方式", max_length=8, choices=Role.choices, default=Role.LEAD)
    assigned_on = models.DateField(
        "交办日期", null=True, blank=True, help_text="从答复函导入的交办没有交办日期，待人工补全。"
    )
    due_on = models.DateField("答复期限", null=True, blank=True)
    on_time_by = models.DateField(
        "按期截止日",
        null=True,
        blank=True,
        help_text="判断是否按期答复所依据的期限：原期限，或到期前申请并批准的延期。"
        "到期后才申请或批准的延期只改变催办期限，不改变按期与否。",
    )
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
        indexes = [
            models.Index(fields=["role", "due_on"], name="assignment_role_due_idx"),
            # The bureau list's co-handling counts, read from this index alone (fetched row by
            # row they took 0.2 s at a million proposals).
            models.Index(
                fields=["bureau"],
                condition=models.Q(role="co", returned_on__isnull=True),
                name="assignment_active_co_idx",
            ),
        ]

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
    late = models.BooleanField(
        "逾期延期",
        default=False,
        help_text="在原期限过后才申请或批准：批准后催办期限延后，统计仍按原期限计是否按期。",
    )

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


class Feedback(models.Model):
    """A proposer's rating of a reply (反馈)."""

    class Satisfaction(models.TextChoices):
        SATISFIED = "satisfied", "满意"
        BASICALLY_SATISFIED = "basically", "基本满意"
        NOT_SATISFIED = "not_satisfied", "不满意"

    proposal = models.ForeignKey(
        "proposals.Proposal",
        on_delete=models.CASCADE,
        related_name="feedback",
        verbose_name="提案/建议",
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
        "proposals.Proposal",
        on_delete=models.CASCADE,
        related_name="rehandling",
        verbose_name="提案/建议",
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
