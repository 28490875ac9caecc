"""Reference data: sessions, members, bureaus and their aliases, grades, 类别 and 界别."""

from django.contrib import admin

from proposals.models import (
    Bureau,
    BureauAlias,
    Category,
    Grade,
    Member,
    Sector,
    Session,
)


@admin.register(Session)
class SessionAdmin(admin.ModelAdmin):
    list_display = ["__str__", "body", "region", "term", "meeting", "opened_on"]
    list_filter = ["body", "region"]
    search_fields = ["region"]


@admin.register(Member)
class MemberAdmin(admin.ModelAdmin):
    list_display = ["name", "body", "region", "sector", "delegation", "phone"]
    list_filter = ["body", "region", "sector"]
    search_fields = ["name", "sector", "delegation"]


class BureauAliasInline(admin.TabularInline):
    model = BureauAlias
    extra = 1


@admin.register(Bureau)
class BureauAdmin(admin.ModelAdmin):
    list_display = ["name", "region", "parent", "needs_review"]
    list_filter = ["needs_review", "region"]
    list_select_related = ["parent"]
    search_fields = ["name", "aliases__name"]
    autocomplete_fields = ["parent"]
    inlines = [BureauAliasInline]


@admin.register(Grade)
class GradeAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "definition", "aliases"]


@admin.register(Category, Sector)
class ListedAdmin(admin.ModelAdmin):
    list_display = ["name", "body", "position"]
    list_filter = ["body"]
    search_fields = ["name"]
