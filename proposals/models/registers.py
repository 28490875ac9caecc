"""Registers clerks already keep as spreadsheets (立案名单, 名册, 单位名录, 类别, 界别):
each upload with its column mapping and per-row outcomes, and the mappings remembered."""

from django.db import models
from django.utils import timezone

from proposals.models.imports import PreviewedUpload
from proposals.models.reference import Body, Session


class RegisterKind(models.TextChoices):
    PROPOSALS = "proposals", "立案名单（提案/建议）"
    MEMBERS = "members", "委员/代表名册"
    BUREAUS = "bureaus", "承办单位名录"
    CATEGORIES = "categories", "类别"
    SECTORS = "sectors", "界别/代表团"


class RegisterImport(PreviewedUpload):
    """One uploaded register: previewed with its column mapping, then confirmed."""

    kind = models.CharField("名单", max_length=12, choices=RegisterKind.choices)
    body = models.CharField("机构", max_length=8, choices=Body.choices)
    region = models.CharField("地区", max_length=64, blank=True)
    session = models.ForeignKey(
        Session,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="会议",
        help_text="立案名单所属的会议。",
    )
    assign = models.BooleanField(
        "同时交办", default=False, help_text="名单写明主办、协办单位时，确认导入后按名单交办。"
    )
    assigned_on = models.DateField("交办日期", null=True, blank=True)
    file_name = models.CharField("文件名", max_length=255)
    stored = models.FileField(
        "文件",
        upload_to="uploads/registers/",
        max_length=255,
        blank=True,
        help_text="确认导入前保存在 MEDIA_ROOT/uploads/ 下，导入后或过期后删除。",
    )
    headers = models.JSONField("表头", default=dict, help_text="工作表 → 各列表头")
    mapping = models.JSONField("列的含义", default=dict, help_text="工作表 → {列号: 字段}")
    outcomes = models.JSONField("逐行结果", default=list)

    progress_unit = "行"

    class Meta(PreviewedUpload.Meta):
        verbose_name = "名单导入"
        verbose_name_plural = "名单导入"

    def __str__(self) -> str:
        return f"{self.get_kind_display()}：{self.file_name}（{self.get_status_display()}）"


class RegisterMapping(models.Model):
    """A column mapping a clerk confirmed, offered again for a sheet with the same headers."""

    kind = models.CharField("名单", max_length=12, choices=RegisterKind.choices)
    headers = models.JSONField("表头")
    signature = models.CharField("表头指纹", max_length=64)
    mapping = models.JSONField("列的含义", help_text="{列号: 字段}")
    saved_at = models.DateTimeField("保存时间", default=timezone.now)

    class Meta:
        verbose_name = "列对应关系"
        verbose_name_plural = "列对应关系"
        constraints = [
            models.UniqueConstraint(fields=["kind", "signature"], name="register_mapping_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}：{'、'.join(h for h in self.headers if h)}"
