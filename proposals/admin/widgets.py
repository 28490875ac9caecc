"""Widgets for the workbench that screen readers can name."""

from django.contrib.admin.widgets import AutocompleteSelect


class SearchSelect(AutocompleteSelect):
    """The admin's search box (select2) with a placeholder: select2 names its box by the
    text it shows, and an empty box otherwise has no name a screen reader can read."""

    def build_attrs(self, base_attrs, extra_attrs=None):
        attrs = super().build_attrs(base_attrs, extra_attrs=extra_attrs)
        attrs["data-placeholder"] = "输入文字查找…"
        return attrs
