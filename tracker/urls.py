from django.contrib import admin
from django.urls import path, re_path

from proposals import views

urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path("proposals/", views.ProposalListView.as_view(), name="proposal-list"),
    re_path(
        r"^proposals/export\.(?P<file_format>csv|xlsx)$",
        views.ProposalExportView.as_view(),
        name="proposal-export",
    ),
    path("proposals/<int:pk>/", views.ProposalDetailView.as_view(), name="proposal-detail"),
    path("bureaus/", views.BureauListView.as_view(), name="bureau-list"),
    path("bureaus/<int:pk>/", views.BureauDetailView.as_view(), name="bureau-detail"),
    path("members/", views.MemberListView.as_view(), name="member-list"),
    path("members/<int:pk>/", views.MemberDetailView.as_view(), name="member-detail"),
    path("statistics/", views.StatisticsView.as_view(), name="statistics"),
    path("chase/", views.ChaseView.as_view(), name="chase"),
    path("chase/export.xlsx", views.ChaseExportView.as_view(), name="chase-export"),
    path("chase/notice/<int:pk>/", views.ChaseNoticeView.as_view(), name="chase-notice"),
    path("admin/", admin.site.urls),
]
