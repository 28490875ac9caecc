from django.contrib import admin
from django.urls import path

from proposals import views

urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path("proposals/", views.ProposalListView.as_view(), name="proposal-list"),
    path("proposals/<int:pk>/", views.ProposalDetailView.as_view(), name="proposal-detail"),
    path("admin/", admin.site.urls),
]
