"""Replies with their contacts and carbon copies, and what re-imports changed."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from simple_history.models import HistoricalRecords

from proposals.extraction import EXTRACTORS
from proposals.models.reference import Bureau, Grade
from proposals.ownership import label


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

    class Completeness(models.TextChoices):
        COMPLETE = "complete", "完整"
        INCOMPLETE = "incomplete", "不完整"

    doc_number = models.CharField("文号", max_length=64, blank=True)
    signer = models.CharField("签发人", max_length=64, blank=True)
    proposed_grade = models.ForeignKey(
        Grade,
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        verbose_name="承办单位所定办理结果",
        help_text="来函写明或承办单位填报的类别，待提案委确认。",
    )
    grade_raw = models.CharField("办理结果（原文）", max_length=32, blank=True)
    grade = models.ForeignKey(
        Grade,
        on_delete=models.PROTECT,
        related_name="replies",
        null=True,
        blank=True,
        verbose_name="办理结果",
        help_text="提案委确认的类别；统计按此计。",
    )
    reply_date = models.DateField("答复日期", null=True, blank=True)
    text = models.TextField("答复全文", blank=True)
    public_text = models.TextField(
        "公开文本",
        blank=True,
        editable=False,
        help_text="答复全文去掉电话、证件号和电子邮箱后的文本。",
    )
    completeness = models.CharField(
        "完整性",
        max_length=12,
        choices=Completeness.choices,
        default=Completeness.COMPLETE,
        help_text="不完整的答复（如结尾缺失）不算已答复，收到完整文本后更新。",
    )
    printed_by = models.CharField("印发单位", max_length=128, blank=True)
    printed_on = models.DateField("印发日期", null=True, blank=True)
    source_name = models.CharField("来源文件", max_length=255, blank=True)
    source_sha256 = models.CharField("文件 SHA-256", max_length=64, blank=True, db_index=True)
    imported_at = models.DateTimeField("导入时间", null=True, blank=True)
    extractor = models.CharField(
        "读取方式",
        max_length=8,
        choices=list(EXTRACTORS.items()),
        blank=True,
        help_text="导入时来函的文字是怎样读出的。",
    )
    ocr_confidence = models.PositiveSmallIntegerField(
        "识别置信度",
        null=True,
        blank=True,
        help_text="图像文字识别（OCR）的平均置信度（0–100）；请对照原件核对识别出的内容。",
    )
    needs_review = models.BooleanField("待补全", default=False)
    review_note = models.CharField("待补全事项", max_length=255, blank=True)
    published_on = models.DateField(
        "公开日期", null=True, blank=True, help_text="有日期的答复对公众公开（电话号码除外）。"
    )
    corrected_fields = models.JSONField(
        "工作人员更正的字段",
        default=list,
        blank=True,
        editable=False,
        help_text="这些字段以工作人员的更正为准，再次导入来函不覆盖。",
    )

    # The full text is kept once; its changes are in ReplyChange.
    history = HistoricalRecords(verbose_name="答复历史", excluded_fields=["text", "public_text"])

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
        # Cover "which proposals have a published reply" and "which have a reply of grade A"
        # without reading the rows, whose long text SQLite stores before those columns: the
        # list by grade counted 29,000 replies' rows in 150 ms at 100,000 proposals.
        indexes = [
            models.Index(fields=["published_on", "proposal"], name="reply_published_idx"),
            models.Index(fields=["grade", "proposal"], name="reply_grade_idx"),
        ]

    def __str__(self) -> str:
        who = self.bureau or "（答复单位不详）"
        return f"{who}对{self.proposal}的答复"

    @property
    def counts(self) -> bool:
        return answers_proposal(self.completeness)


# The labels of a reply's choice fields, for changes recorded by their stored values.
REPLY_CHOICES = {
    field.name: dict(field.flatchoices) for field in Reply._meta.fields if field.choices
}


def answers_proposal(completeness: str) -> bool:
    """Whether a reply answers its proposal: an incomplete copy (cut off before its end) does
    not, until the complete one arrives."""
    return completeness == Reply.Completeness.COMPLETE


class ReplyChange(models.Model):
    """What changed in a reply, field by field: a re-import, a clerk's correction, a bureau's edit."""

    class Kind(models.TextChoices):
        IMPORT = "import", "再次导入来函"
        CLERK = "clerk", "提案委工作人员更正"
        BUREAU = "bureau", "承办单位修改"

    reply = models.ForeignKey(
        Reply, on_delete=models.CASCADE, related_name="changes", verbose_name="答复"
    )
    kind = models.CharField("来源", max_length=8, choices=Kind.choices, default=Kind.IMPORT)
    recorded_at = models.DateTimeField("记录时间", default=timezone.now)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="操作人",
    )
    source_name = models.CharField("来源文件", max_length=255, blank=True)
    source_sha256 = models.CharField("文件 SHA-256", max_length=64, blank=True)
    changes = models.JSONField("变更内容", default=dict, help_text="字段 → [原值, 新值]")
    conflicts = models.JSONField(
        "未覆盖的更正",
        default=dict,
        blank=True,
        help_text="来函与工作人员更正不一致、仍以更正为准的字段：字段 → [更正值, 来函值]",
    )

    class Meta:
        verbose_name = "答复变更记录"
        verbose_name_plural = "答复变更记录"
        ordering = ["-recorded_at"]

    def __str__(self) -> str:
        return f"{self.reply}（{timezone.localtime(self.recorded_at):%Y-%m-%d %H:%M}）"

    def change_rows(self) -> list[tuple[str, str, str]]:
        """(field label, old, new) for each field this change altered."""
        return change_rows(self.changes)

    def conflict_rows(self) -> list[tuple[str, str, str]]:
        """(field label, the clerk's value kept, the letter's value) for each conflict."""
        return change_rows(self.conflicts)


def _shown(name: str, value) -> str:
    """A recorded value as a clerk reads it: a choice by its label, "—" when empty."""
    if value in (None, "", []):
        return "—"
    if isinstance(value, list):
        return "；".join(" ".join(str(part) for part in item if part) for item in value)
    if name in REPLY_CHOICES:
        return str(REPLY_CHOICES[name].get(value, value))
    return str(value)


def change_rows(changes: dict) -> list[tuple[str, str, str]]:
    """(field label, old, new) of a change recorded as field → [old, new]."""
    return [
        (label(name), _shown(name, old), _shown(name, new)) for name, (old, new) in changes.items()
    ]


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
