"""The tokens search looks up; proposals/search.py makes and reads them."""

from django.db import models


class SearchDocument(models.Model):
    """A proposal's title (no reply) or one of its reply texts, as index tokens.

    The index itself is database-specific and made by migration 0009: an FTS5 table kept in
    step by triggers on SQLite, a GIN index on PostgreSQL. Django's SQLite schema editor
    rebuilds a table to alter it, which drops its triggers: a migration that alters this
    model must recreate them.
    """

    proposal = models.ForeignKey(
        "proposals.Proposal",
        on_delete=models.CASCADE,
        related_name="search_documents",
        verbose_name="提案/建议",
    )
    reply = models.OneToOneField(
        "proposals.Reply",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="search_document",
        verbose_name="答复",
    )
    tokens = models.TextField("检索词元")

    class Meta:
        verbose_name = "检索文档"
        verbose_name_plural = "检索文档"

    def __str__(self) -> str:
        return f"{self.proposal_id}/{self.reply_id or '案由'}"
