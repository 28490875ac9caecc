"""Uploads of reply letters in the admin and their per-file outcomes; the progress of the
background jobs that preview and import uploads and write big exports."""

from datetime import timedelta

from django.conf import settings
from django.db import models
from django.utils import timezone

from proposals.models.reference import Bureau
from proposals.models.replies import change_rows


class ImportStatus(models.TextChoices):
    """What importing one file did (or, in a preview, would do)."""

    IMPORTED = "imported", "新增"
    UPDATED = "updated", "更新"
    UNCHANGED = "unchanged", "无变化"
    HELD = "held", "待补全"
    REJECTED = "rejected", "拒收"


class JobKind(models.TextChoices):
    """Which job an upload is at: reading it for the preview, or importing it."""

    PREVIEW = "preview", "预览"
    IMPORT = "import", "导入"


class JobStatus(models.TextChoices):
    QUEUED = "queued", "排队中"
    RUNNING = "running", "处理中"
    DONE = "done", "已完成"
    FAILED = "failed", "出错"


# A job that records nothing for this long has probably lost its worker (a scan's OCR takes
# a minute or two at most).
JOB_STALLED_AFTER = timedelta(minutes=15)


class BackgroundJob(models.Model):
    """Work done by a background job (proposals/tasks.py) and its progress, which the job
    records as it goes, each write a small transaction of its own, for a page to show."""

    job_status = models.CharField(
        "作业状态", max_length=8, choices=JobStatus.choices, default=JobStatus.DONE
    )
    job_id = models.CharField(
        "作业编号", max_length=64, blank=True, help_text="交给后台作业的编号；重试时换新。"
    )
    processed = models.PositiveIntegerField("已处理", default=0)
    total = models.PositiveIntegerField("共计", default=0)
    job_error = models.TextField("出错原因", blank=True)
    job_updated_at = models.DateTimeField("作业更新时间", null=True, blank=True)

    progress_unit = "个文件"

    class Meta:
        abstract = True

    @property
    def job_finished(self) -> bool:
        return self.job_status in (JobStatus.DONE, JobStatus.FAILED)

    def job_waited(self) -> timedelta:
        """How long since the job last recorded anything."""
        return timezone.now() - (self.job_updated_at or timezone.now())

    @property
    def job_stalled(self) -> bool:
        """Running with no progress for JOB_STALLED_AFTER: its worker probably stopped."""
        return self.job_status == JobStatus.RUNNING and self.job_waited() > JOB_STALLED_AFTER

    @property
    def job_waiting_long(self) -> bool:
        """Queued for JOB_STALLED_AFTER: probably no worker is running."""
        return self.job_status == JobStatus.QUEUED and self.job_waited() > JOB_STALLED_AFTER

    @property
    def job_retriable(self) -> bool:
        """Failed, stalled, or queued so long that its job may be lost: worth queueing again."""
        return self.job_status == JobStatus.FAILED or self.job_stalled or self.job_waiting_long

    def job_state(self) -> str:
        """The job's state in a clerk's words: 排队中, 处理中 已处理 3/10 个文件, 出错（原因）."""
        state = self.get_job_status_display()
        if self.job_status == JobStatus.RUNNING and self.total:
            state += f" 已处理 {self.processed}/{self.total} {self.progress_unit}"
        elif self.job_status == JobStatus.FAILED:
            state += f"（{self.job_error}）"
        return state


class PreviewedUpload(BackgroundJob):
    """An upload in the workbench that is previewed first and imported when confirmed; each
    step is a background job."""

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
    created_at = models.DateTimeField("上传时间", default=timezone.now)
    confirmed_at = models.DateTimeField("确认时间", null=True, blank=True)
    status = models.CharField("状态", max_length=10, choices=Status.choices, default=Status.PREVIEW)
    job_kind = models.CharField(
        "当前作业", max_length=8, choices=JobKind.choices, default=JobKind.PREVIEW
    )
    files_purged_at = models.DateTimeField(
        "文件清除时间", null=True, blank=True, help_text="上传的文件已删除，逐项结果仍保留。"
    )

    class Meta:
        abstract = True
        ordering = ["-created_at"]

    def job_summary(self) -> str:
        """Which job and its state: 预览：处理中 已处理 3/10 个文件."""
        return f"{self.get_job_kind_display()}：{self.job_state()}"


class ImportRun(PreviewedUpload):
    """One upload of reply letters in the admin: previewed first, then confirmed."""

    bureau = models.ForeignKey(
        Bureau,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="限本单位",
        help_text="承办单位工作人员上传时，只能导入本单位的答复函。",
    )

    uploads = models.JSONField(
        "上传的文件",
        default=list,
        blank=True,
        help_text="预览作业打开之前的原始上传：[{name, file}]，或上传时即拒收的 [{name, reason}]。",
    )

    class Meta(PreviewedUpload.Meta):
        verbose_name = "答复函导入"
        verbose_name_plural = "答复函导入"

    def __str__(self) -> str:
        return f"{timezone.localtime(self.created_at):%Y-%m-%d %H:%M} 导入（{self.get_status_display()}）"


class ImportedFile(models.Model):
    """A file of an import run: its bytes (so the confirm imports what was previewed) and outcomes."""

    run = models.ForeignKey(
        ImportRun, on_delete=models.CASCADE, related_name="files", verbose_name="导入"
    )
    position = models.PositiveIntegerField("顺序")
    name = models.CharField("文件名", max_length=255)
    stored = models.FileField(
        "文件",
        upload_to="uploads/replies/",
        max_length=255,
        blank=True,
        help_text="确认导入前保存在 MEDIA_ROOT/uploads/ 下，导入后或过期后删除。",
    )
    readable = models.BooleanField(
        "可读取", default=True, help_text="上传时即被拒收的文件（如图片、空压缩包）不保存内容。"
    )
    preview_status = models.CharField("预览结果", max_length=10, choices=ImportStatus.choices)
    preview_error = models.TextField("预览说明", blank=True)
    preview_changes = models.JSONField(
        "将变更的字段", default=dict, blank=True, help_text="字段 → [原值, 新值]"
    )
    preview_conflicts = models.JSONField(
        "与更正不一致", default=dict, blank=True, help_text="字段 → [更正值, 来函值]，保留更正"
    )
    status = models.CharField("导入结果", max_length=10, choices=ImportStatus.choices, blank=True)
    error = models.TextField("导入说明", blank=True)

    class Meta:
        verbose_name = "导入文件"
        verbose_name_plural = "导入文件"
        ordering = ["run", "position"]

    def __str__(self) -> str:
        return self.name

    def preview_rows(self) -> list[tuple[str, str, str]]:
        """(field label, old, new) for each field the import would change."""
        return change_rows(self.preview_changes)

    def conflict_rows(self) -> list[tuple[str, str, str]]:
        """(field label, the clerk's value kept, the letter's value)."""
        return change_rows(self.preview_conflicts)


class HeldLetter(models.Model):
    """A real reply that could not be filed yet (待补全): its proposal number, session or issuer
    could not be read. Kept with its text and what was read until a clerk completes it."""

    class Status(models.TextChoices):
        OPEN = "open", "待补全"
        DONE = "done", "已补全"

    source_name = models.CharField("来源文件", max_length=255)
    source_sha256 = models.CharField("文件 SHA-256", max_length=64, unique=True)
    text = models.TextField("来函全文")
    fields = models.JSONField("已读出的字段", default=dict)
    handling_round = models.PositiveSmallIntegerField("办理轮次", default=1)
    complete = models.BooleanField("完整", default=True, help_text="结尾缺失的来函为不完整。")
    reason = models.CharField("待补全事项", max_length=255)
    bureau = models.ForeignKey(
        Bureau,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="上传单位",
        help_text="承办单位上传的来函，补全时只能归入交办给该单位的提案。",
    )
    held_at = models.DateTimeField("收到时间", default=timezone.now)
    status = models.CharField("状态", max_length=8, choices=Status.choices, default=Status.OPEN)
    reply = models.ForeignKey(
        "proposals.Reply",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="补全后的答复",
    )

    class Meta:
        verbose_name = "待补全来函"
        verbose_name_plural = "待补全来函"
        ordering = ["status", "-held_at"]

    def __str__(self) -> str:
        title = self.fields.get("proposal_title") or self.source_name
        return f"{title}（{self.get_status_display()}）"


class ExportJob(BackgroundJob):
    """A big XLSX export written to a file by a background job, for its owner to download."""

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name="导出人",
    )
    created_at = models.DateTimeField("开始时间", default=timezone.now)
    name = models.CharField("文件名", max_length=100)
    query = models.JSONField(
        "导出范围",
        default=dict,
        help_text='列表页的筛选条件 {参数: [值]}，或工作台所选的提案 {"pk": [编号…]}。',
    )
    file = models.FileField("文件", upload_to="exports/", max_length=255, blank=True)

    progress_unit = "行"

    class Meta:
        verbose_name = "导出"
        verbose_name_plural = "导出"
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name}（{timezone.localtime(self.created_at):%Y-%m-%d %H:%M}）"
