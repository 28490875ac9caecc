"""The clerks' workbench. Reads go through the models' named querysets; no rules live here."""

from django.contrib import admin

from proposals.admin import (  # noqa: F401 (registers)
    handling,
    held,
    imports,
    proposals,
    reference,
    registers,
    replies,
)

admin.site.site_header = "提案办理跟踪系统"
admin.site.site_title = "提案办理跟踪"
admin.site.index_title = "工作台"
