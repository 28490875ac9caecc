"""Web pages for members, leaders and the public. Thin: reads are the models' named querysets."""

from django.conf import settings
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.functional import cached_property
from django.views import View
from django.views.generic import DetailView, ListView, TemplateView
from django_filters.views import FilterView

from proposals import chase, derived, todo
from proposals.access import (
    Role,
    is_clerk,
    list_filters_for,
    proposal_actions,
    reply_text_for,
    role_of,
    sees_unpublished,
    visible_sessions,
)
from proposals.exports import (
    csv_response,
    export_queryset,
    proposal_rows,
    proposals_xlsx,
    report_workbook_response,
    workbook_response,
)
from proposals.filters import ProposalExportFilter, ProposalFilter
from proposals.forms import StatisticsForm
from proposals.models import Assignment, Bureau, Member, Proposal, Reply
from proposals.search import SCANNED_CAP, passages_for
from proposals.statistics import (
    bureaus_with_figures,
    co_handling_figures,
    figures_of,
    home_figures,
    members_with_figures,
    session_report,
)

EXPORT_CHUNK = 2000


class HomeView(TemplateView):
    template_name = "proposals/home.html"

    def get_context_data(self, **kwargs):
        visible = Proposal.objects.visible_to(self.request.user)
        session = visible_sessions(self.request.user).first()
        figures = home_figures(visible.filter(session=session), session) if session else []
        # Only the figures whose list the reader may open: the public has fewer filters.
        allowed = set(list_filters_for(self.request.user, [f.filter for f in figures if f.filter]))
        figures = [f for f in figures if f.filter is None or f.filter in allowed]
        context = {"session": session, "figures": figures, "to_do": self._to_do(visible, session)}
        return super().get_context_data(**context, **kwargs)

    def _to_do(self, visible, session) -> dict:
        """The reader's to-do list: a clerk's queues, a bureau's items, a leader's watch list."""
        user, today = self.request.user, timezone.localdate()
        role = role_of(user)
        if role == Role.BUREAU:
            tasks, items, all_items = todo.officer_items(user, visible, today)
            return {"title": "本单位待办", "tasks": tasks, "items": items, "all_items": all_items}
        if session is None:
            return {}
        if role == Role.CLERK:
            return {
                "title": "今日待办",
                "tasks": todo.clerk_tasks(visible, session, today),
                "overdue_bureaus": todo.overdue_by_bureau(visible, session, today),
            }
        if role == Role.VIEWER:
            return {
                "title": "重点提案",
                "rates": session_report(session, visible, today=today).headline,
                "tasks": todo.key_items(visible, session, today),
                "overdue_bureaus": todo.overdue_by_bureau(visible, session, today),
            }
        return {}


class CappedPaginator(Paginator):
    """Pages through no more than `cap` rows and says whether there were more: a search
    for a common word finds only its first SCANNED_CAP + 1 matches."""

    cap = SCANNED_CAP

    @cached_property
    def counted(self) -> int:
        return self.object_list[: self.cap + 1].count()

    @cached_property
    def count(self) -> int:
        return min(self.counted, self.cap)

    @property
    def capped(self) -> bool:
        return self.counted > self.cap


class FromEitherEndPaginator(Paginator):
    """Reads a page nearer the list's end from the end, in the reverse order: OFFSET reads and
    drops every row before the page, 999,950 of them for the last page of a million. The
    order must give every row one place (the list's unique key, SortFilter's tie-break)."""

    def page(self, number):
        page = super().page(number)
        before, after = page.start_index() - 1, self.count - page.end_index()
        if after < before:
            from_end = self.object_list.reverse()[after : self.count - before]
            page.object_list = list(reversed(from_end))
        return page


class ProposalListView(FilterView):
    filterset_class = ProposalFilter
    paginate_by = 50
    template_name = "proposals/proposal_list.html"

    def get_queryset(self):
        return Proposal.objects.visible_to(self.request.user).for_list_page()

    def get_paginator(self, queryset, per_page, **kwargs):
        paginator_class = (
            CappedPaginator if self.filterset.search_scanned else FromEitherEndPaginator
        )
        return paginator_class(queryset, per_page, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        query = self.filterset.form.cleaned_data.get("q") if self.filterset.is_valid() else ""
        if query:
            passages_for(
                context["object_list"], query, published_only=self.filterset.published_only
            )
        return context | {"query": query}


class ProposalExportView(LoginRequiredMixin, View):
    """The proposal list as filtered, every row, as CSV (streamed) or XLSX (past
    EXPORT_INLINE_ROWS rows written by a job, with a page to wait on and download from)."""

    def get(self, request, file_format):
        filterset = ProposalExportFilter(
            request.GET, queryset=Proposal.objects.visible_to(request.user), request=request
        )
        if not filterset.is_valid():
            raise Http404("筛选条件有误")
        selected = Proposal.objects.filter(pk__in=filterset.qs.values("pk"))
        if file_format == "xlsx":
            query = {"filter": dict(request.GET.lists())}
            return proposals_xlsx(user=request.user, selected=selected, query=query)
        rows = proposal_rows(export_queryset(selected).iterator(chunk_size=EXPORT_CHUNK))
        return csv_response(rows, "提案办理情况")


class ProposalDetailView(DetailView):
    template_name = "proposals/proposal_detail.html"

    def get_queryset(self):
        user = self.request.user
        replies = Reply.objects.select_related("bureau", "grade").prefetch_related(
            "contacts", "carbon_copies"
        )
        if not sees_unpublished(user):
            replies = replies.filter(derived.reply_published())
        return (
            Proposal.objects.visible_to(user)
            .with_status()
            .select_related("session", "turn_bureau", "lead_bureau")
            .prefetch_related(
                "proposers",
                Prefetch("assignments", queryset=Assignment.objects.select_related("bureau")),
                Prefetch("replies", queryset=replies.order_by("round")),
                "feedback__member",
            )
        )

    def get_context_data(self, **kwargs):
        user = self.request.user
        for reply in self.object.replies.all():
            reply.shown_text = reply_text_for(user, reply)
        return super().get_context_data(actions=proposal_actions(user, self.object), **kwargs)


class StatisticsView(LoginRequiredMixin, TemplateView):
    """A session's handling report; `?format=xlsx` downloads it."""

    template_name = "proposals/statistics.html"

    def get(self, request, *args, **kwargs):
        visible = Proposal.objects.visible_to(request.user)
        sessions = visible_sessions(request.user)
        form = StatisticsForm(request.GET, sessions=sessions)
        form.is_valid()  # A field given wrongly is explained; the others still apply.
        session = form.cleaned_data.get("session") or sessions.first()
        report = session_report(session, visible, target=form.target_rate()) if session else None
        if report and request.GET.get("format") == "xlsx":
            return report_workbook_response(
                report.tables, heading=report.heading, filename=f"{session}办理情况统计"
            )
        return self.render_to_response(self.get_context_data(form=form, report=report))


class BureauListView(ListView):
    template_name = "proposals/bureau_list.html"
    context_object_name = "bureaus"

    def get_queryset(self):
        return bureaus_with_figures(Proposal.objects.visible_to(self.request.user))


class MemberListView(ListView):
    template_name = "proposals/member_list.html"
    context_object_name = "members"
    paginate_by = 50

    def get_queryset(self):
        members = members_with_figures(Proposal.objects.visible_to(self.request.user))
        name = self.request.GET.get("name", "").strip()
        if name:
            members = members.filter(name__contains=name)
        return members.order_by("name_pinyin", "name", "pk")


class HolderDetailView(DetailView):
    """A bureau's or a member's page: their figures and their proposals, a page at a time."""

    paginate_by = 50

    def holder_proposals(self, visible):
        raise NotImplementedError

    def holder_figures(self, proposals):
        return figures_of(proposals)

    def get_context_data(self, **kwargs):
        visible = Proposal.objects.visible_to(self.request.user)
        proposals = self.holder_proposals(visible)
        if not proposals.exists():
            raise Http404("没有可显示的提案/建议")
        page = Paginator(proposals.for_list_page(), self.paginate_by).get_page(
            self.request.GET.get("page")
        )
        return super().get_context_data(
            figures=self.holder_figures(proposals),
            held=proposals,
            page_obj=page,
            proposals=page.object_list,
            **kwargs,
        )


class BureauDetailView(HolderDetailView):
    """A bureau's page: the figures of what it leads, what it co-handles apart."""

    model = Bureau
    template_name = "proposals/bureau_detail.html"

    def holder_proposals(self, visible):
        held = Assignment.objects.active().filter(bureau=self.object)
        return visible.filter(pk__in=held.values("proposal_id"))

    def holder_figures(self, proposals):
        return figures_of(proposals.filter(lead_bureau=self.object))

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        return context | {"co_handling": co_handling_figures(self.object, context["held"])}


class MemberDetailView(HolderDetailView):
    model = Member
    template_name = "proposals/member_detail.html"

    def holder_proposals(self, visible):
        return visible.filter(proposer_links__member=self.object)


class ChaseView(LoginRequiredMixin, TemplateView):
    """催办: overdue and due-soon items of the proposals the reader sees, by bureau if asked."""

    template_name = "proposals/chase.html"

    paginate_by = 50

    def items(self):
        bureau = self.request.GET.get("bureau")
        return chase.chase_items(
            Proposal.objects.visible_to(self.request.user),
            timezone.localdate(),
            int(bureau) if bureau and bureau.isdigit() else None,
        )

    def get_context_data(self, **kwargs):
        page = Paginator(self.items(), self.paginate_by).get_page(self.request.GET.get("page"))
        return super().get_context_data(
            rows=chase.chase_rows(page.object_list, timezone.localdate()),
            page_obj=page,
            bureaus=self._bureaus(),
            may_notify=is_clerk(self.request.user),
            due_soon_days=settings.DUE_SOON_DAYS,
            **kwargs,
        )

    def _bureaus(self):
        """The lead bureaus of every item to chase, to pick one; none for a bureau officer,
        whose items are their bureau's own. (Finding them among an officer's items read
        each bureau's items in turn: 0.7 s at a million proposals.)"""
        if role_of(self.request.user) == Role.BUREAU:
            return []
        every = chase.chase_items(
            Proposal.objects.visible_to(self.request.user), timezone.localdate()
        )
        return Bureau.objects.filter(pk__in=every.values("lead_bureau")).order_by("name")


class ChaseExportView(ChaseView):
    def get(self, request, *args, **kwargs):
        rows = chase.chase_rows(self.items(), timezone.localdate())
        return workbook_response({"催办清单": chase.chase_sheet(rows)}, "催办清单")


class ChaseNoticeView(LoginRequiredMixin, TemplateView):
    """A printable 催办通知 to one bureau listing its overdue and due-soon items."""

    template_name = "proposals/chase_notice.html"

    def get_context_data(self, **kwargs):
        if not is_clerk(self.request.user):
            raise PermissionDenied
        bureau = get_object_or_404(Bureau, pk=self.kwargs["pk"])
        today = timezone.localdate()
        items = chase.chase_items(Proposal.objects.visible_to(self.request.user), today, bureau.pk)
        rows = chase.chase_rows(items, today)
        return super().get_context_data(bureau=bureau, rows=rows, today=today, **kwargs)
