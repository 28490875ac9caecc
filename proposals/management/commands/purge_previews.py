"""Delete what workbench uploads leave behind: expired previews with their files, the files of
imported runs (their outcomes stay), old exports and finished job records.

Each new upload's preview job does this too, so nothing grows without bound even without a
cron job; run it from cron (hourly, say) where uploads are rare.
"""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from proposals.services.imports import previews_purge


class Command(BaseCommand):
    help = (
        "Delete unconfirmed previews older than PREVIEW_RETENTION_HOURS with their files, the "
        "stored files of confirmed imports (keeping their outcomes), old exports and finished "
        "job records."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--hours",
            type=int,
            default=None,
            help=f"Keep what is younger than this (default PREVIEW_RETENTION_HOURS, "
            f"now {settings.PREVIEW_RETENTION_HOURS}).",
        )

    def handle(self, *args, hours, verbosity, **options):
        if hours is not None and hours < 0:
            raise CommandError("--hours must be 0 or more.")
        purged = previews_purge(hours=hours)
        if verbosity:
            self.stdout.write(
                f"Deleted {purged.previews} expired previews, the files of {purged.runs} "
                f"imported runs, {purged.exports} exports, {purged.jobs} finished job records "
                f"and {purged.orphans} files no upload refers to."
            )
