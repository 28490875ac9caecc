"""List filters shared by the workbench's lists."""

from django.contrib import admin


def blank_named(field: str, title: str) -> type[admin.SimpleListFilter]:
    """A filter on `field`'s values where an empty value is named （未填写） instead of
    showing as a blank link that no one can read or hear."""

    class BlankNamedFilter(admin.SimpleListFilter):
        parameter_name = field
        UNSET = "-"

        def lookups(self, request, model_admin):
            return [
                (value or self.UNSET, value or "（未填写）")
                for value in self.values_in_use(request, model_admin)
            ]

        def values_in_use(self, request, model_admin) -> list[str]:
            used = model_admin.get_queryset(request).order_by().values_list(field, flat=True)
            return sorted(set(used.distinct()))

        def queryset(self, request, queryset):
            value = self.value()
            if value is None:
                return queryset
            return queryset.filter(**{field: "" if value == self.UNSET else value})

    BlankNamedFilter.title = title
    return BlankNamedFilter
