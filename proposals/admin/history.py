"""History as a clerk reads it: each change a row of field label, old value, new value.

simple-history's defaults show the stored values (None, True, "complete", a UTC time) and
English words; here every value is shown as the rest of the workbench shows it.
"""

from datetime import date, datetime

from django.utils import formats, timezone
from simple_history.template_utils import HistoricalRecordContextHelper, ObjDiffDisplay

# What an empty value looks like in every change table (never "None").
EMPTY = "—"


def shown(field, value) -> str:
    """`value` of the model field `field` as the workbench shows it."""
    if value is None or value == "" or value == []:
        return EMPTY
    if field.flatchoices:
        return str(dict(field.flatchoices).get(value, value))
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, datetime):
        return formats.localize(timezone.localtime(value) if timezone.is_aware(value) else value)
    if isinstance(value, date):
        return formats.localize(value)
    return str(value)


class ShortenedDiff(ObjDiffDisplay):
    def shortened_str(self, prefix: str, num_skipped_chars: int, suffix: str) -> str:
        return f"{prefix}…（略去 {num_skipped_chars} 字）…{suffix}"


class ChangeRows(HistoricalRecordContextHelper):
    """A historical record's changes as (label, old, new) rows, in the model's field order."""

    def context_for_delta_changes(self, delta) -> list[tuple[str, str, str]]:
        order = [field.name for field in self.model._meta.get_fields()]
        changes = sorted(delta.changes, key=lambda change: order.index(change.field))
        return [
            (change.field, change.old, change.new)
            for change in map(self.format_delta_change, changes)
        ]

    def prepare_delta_change_value(self, change, value) -> str:
        return shown(self.model._meta.get_field(change.field), value)

    def get_obj_diff_display(self) -> ObjDiffDisplay:
        return ShortenedDiff(max_length=self.max_displayed_delta_change_chars)
