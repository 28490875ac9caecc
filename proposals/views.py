"""Web pages for members, leaders and the public. Thin: reads are the models' named querysets."""

from django.db.models import Prefetch
from django.views.generic import DetailView, TemplateView
from django_filters.views import FilterView

from proposals.filters import ProposalFilter
from proposals.models import Assignment, Proposal, Reply, Session


class HomeView(TemplateView):
    template_name = "proposals/home.html"

    def get_context_data(self, **kwargs):
        visible = Proposal.objects.visible_to(self.request.user)
        session = (
            Session.objects.filter(proposals__in=visible).order_by("-term", "-meeting").first()
        )
        figures = visible.filter(session=session).figures() if session else None
        return super().get_context_data(session=session, figures=figures, **kwargs)


class ProposalListView(FilterView):
    filterset_class = ProposalFilter
    paginate_by = 50
    template_name = "proposals/proposal_list.html"

    def get_queryset(self):
        return Proposal.objects.visible_to(self.request.user).for_list_page()


class ProposalDetailView(DetailView):
    template_name = "proposals/proposal_detail.html"

    def get_queryset(self):
        replies = Reply.objects.select_related("bureau", "grade").prefetch_related(
            "contacts", "carbon_copies"
        )
        if not self.request.user.is_authenticated:
            replies = replies.filter(published_on__isnull=False)
        return (
            Proposal.objects.visible_to(self.request.user)
            .with_handling_status()
            .select_related("session")
            .prefetch_related(
                "proposers",
                Prefetch("assignments", queryset=Assignment.objects.select_related("bureau")),
                Prefetch("replies", queryset=replies.order_by("round")),
                "feedback__member",
            )
        )
