"""Reference data: sessions, members, bureaus and their aliases and officers, grades."""

import unicodedata

import cn2an
from django.conf import settings
from django.db import models
from django.db.models import Q

from proposals.members import KEY_LENGTH, pinyin_key


class Body(models.TextChoices):
    CPPCC = "cppcc", "政协"
    NPC = "npc", "人大"


class SessionQuerySet(models.QuerySet):
    def holding(self, proposals: models.QuerySet) -> "SessionQuerySet":
        """The sessions holding any of `proposals`, latest first. (Each session is probed
        for one of them; joining the sessions to every proposal took 0.7 s at a million.)"""
        held = proposals.filter(session=models.OuterRef("pk"))
        return self.filter(models.Exists(held)).order_by("-term", "-meeting")


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

    objects = SessionQuerySet.as_manager()

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


class MemberQuerySet(models.QuerySet):
    def bulk_create(self, objs, *args, **kwargs):
        # bulk_create skips save(): the letter importer creates proposers this way.
        objs = list(objs)
        for member in objs:
            member.name_pinyin = pinyin_key(member.name)
        return super().bulk_create(objs, *args, **kwargs)


class Member(models.Model):
    """A CPPCC member (委员) or an NPC deputy (代表)."""

    name = models.CharField("姓名", max_length=64)
    name_pinyin = models.CharField(
        "姓名拼音",
        max_length=KEY_LENGTH,
        blank=True,
        editable=False,
        help_text="按拼音排序用，保存时由姓名生成。",
    )
    body = models.CharField("机构", max_length=8, choices=Body.choices)
    region = models.CharField("地区", max_length=64, blank=True)
    sector = models.CharField("界别", max_length=64, blank=True)
    delegation = models.CharField("代表团", max_length=64, blank=True)
    phone = models.CharField("联系电话", max_length=64, blank=True)

    objects = MemberQuerySet.as_manager()

    class Meta:
        verbose_name = "委员/代表"
        verbose_name_plural = "委员/代表"
        # Clerks look names up by pinyin; code-point order scatters them.
        ordering = ["region", "name_pinyin", "name"]
        indexes = [models.Index(fields=["region", "name_pinyin"], name="member_pinyin_idx")]
        # Imported letters name proposers only by name, so a name is the member's key within
        # one body of one region; namesakes are told apart by a clerk editing the name.
        constraints = [
            models.UniqueConstraint(fields=["body", "region", "name"], name="member_unique_name"),
        ]

    def __str__(self) -> str:
        title = "委员" if self.body == Body.CPPCC else "代表"
        return f"{self.name}{title}"

    def save(self, *args, **kwargs):
        # The sort key follows the name through every door (admin, registers, letters, demo).
        self.name_pinyin = pinyin_key(self.name)
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "name" in update_fields:
            kwargs["update_fields"] = {*update_fields, "name_pinyin"}
        super().save(*args, **kwargs)


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
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        verbose_name="上级单位",
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


class Listed(models.Model):
    """An entry of a list a 提案委 keeps for each body (类别, 界别), in the list's order."""

    body = models.CharField("机构", max_length=8, choices=Body.choices)
    name = models.CharField("名称", max_length=64)
    position = models.PositiveSmallIntegerField("顺序", default=0)

    class Meta:
        abstract = True
        ordering = ["body", "position", "name"]

    def __str__(self) -> str:
        return self.name


class Category(Listed):
    class Meta(Listed.Meta):
        verbose_name = "类别"
        verbose_name_plural = "类别"
        constraints = [
            models.UniqueConstraint(fields=["body", "name"], name="category_unique_name"),
        ]


class Sector(Listed):
    """A CPPCC 界别 or an NPC delegation (代表团)."""

    class Meta(Listed.Meta):
        verbose_name = "界别/代表团"
        verbose_name_plural = "界别/代表团"
        constraints = [
            models.UniqueConstraint(fields=["body", "name"], name="sector_unique_name"),
        ]
