"""Replies with their contacts and carbon copies, and what re-imports changed."""

from django.db import models
from django.db.models import Q
from django.utils import timezone
from simple_history.models import HistoricalRecords

from proposals.models.reference import Bureau, Grade


class Reply(models.Model):
    """A bureau's formal reply letter (答复) to a proposal's proposers.

    Natural key: (proposal, replying bureau, round). A bureau replies once per handling
    round; re-importing the same letter finds this row and updates it instead of adding one.
    When a letter names its issuer only as 我局, the bureau is unknown and the key is
    (proposal, round) among replies without a bureau.
    """

    proposal = models.ForeignKey(
        "proposals.Proposal",
        on_delete=models.CASCADE,
        related_name="replies",
        verbose_name="提案/建议",
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
        # Covers "which proposals have a published reply" without reading the long text
        # column, which SQLite stores before published_on in the same row.
        indexes = [
            models.Index(fields=["published_on", "proposal"], name="reply_published_idx"),
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
