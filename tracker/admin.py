"""The clerks' workbench site: its titles, and its tables listed in the order of a clerk's
work rather than alphabetically."""

from django.contrib import admin

# Daily work first (proposals, their assignments and replies, the queues), then the registers.
WORKBENCH_ORDER = [
    "Proposal",
    "Assignment",
    "Reply",
    "ImportRun",
    "HeldLetter",
    "ExtensionRequest",
    "ReturnRequest",
    "Feedback",
    "RegisterImport",
    "Bureau",
    "Member",
    "Session",
    "Category",
    "Sector",
    "Grade",
    "Contact",
    "ReplyChange",
]


class WorkbenchSite(admin.AdminSite):
    site_header = "提案办理跟踪系统"
    site_title = "提案办理跟踪"
    index_title = "工作台"

    def get_app_list(self, request, app_label=None):
        apps = super().get_app_list(request, app_label)
        place = {name: index for index, name in enumerate(WORKBENCH_ORDER)}
        for app in apps:
            app["models"].sort(key=lambda model: place.get(model["object_name"], len(place)))
        return apps
