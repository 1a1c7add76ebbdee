"""Wagtail's reports and page search, without another author's requests.

Site history lists every request's title and actions, the workflow reports
and the page search every draft, for anyone with access to them. These
subclasses leave out what visibility.py hides from the user (requests of
other authors, the drafts made from them, their photos) and are mounted in
front of Wagtail's own URLs (config/urls.py), at the same addresses."""

from __future__ import annotations

from django.contrib.contenttypes.models import ContentType
from django.db.models import CharField
from django.db.models.functions import Cast
from django.urls import path
from wagtail.admin.auth import require_admin_access
from wagtail.admin.views.pages.search import SearchView
from wagtail.admin.views.reports.aging_pages import AgingPagesView
from wagtail.admin.views.reports.audit_logging import LogEntriesView
from wagtail.admin.views.reports.locked_pages import LockedPagesView
from wagtail.admin.views.reports.workflows import WorkflowTasksView, WorkflowView
from wagtail.admin.viewsets.pages import page_viewset_registry
from wagtail.images import get_image_model
from wagtail.models import Page

from casestudies.interviews.admin import visibility
from casestudies.interviews.models import InterviewRequest


def _as_text(ids, field: str):
    """Ids for a comparison with a text column (log entries' and workflow states' object_id)."""
    return ids.annotate(key=Cast(field, CharField())).values("key")


def _hidden_request_keys(user):
    hidden = InterviewRequest.objects.exclude(pk__in=visibility.visible_requests(user).values("pk"))
    return _as_text(hidden.values("pk"), "pk")


def _hidden_page_keys(user):
    return _as_text(visibility.hidden_page_ids(user), "case_study_id")


class SiteHistory(LogEntriesView):
    def filter_queryset(self, queryset):
        queryset = super().filter_queryset(queryset)
        user = self.request.user
        if visibility.sees_all(user):
            return queryset
        if hasattr(queryset.model, "page"):
            return queryset.exclude(page_id__in=visibility.hidden_page_ids(user))
        requests = ContentType.objects.get_for_model(InterviewRequest)
        images = ContentType.objects.get_for_model(get_image_model())
        return queryset.exclude(content_type=requests, object_id__in=_hidden_request_keys(user)).exclude(
            content_type=images, object_id__in=_as_text(visibility.hidden_image_ids(user), "image_id")
        )


class Workflows(WorkflowView):
    def get_queryset(self):
        return super().get_queryset().exclude(object_id__in=_hidden_page_keys(self.request.user))


class WorkflowTasks(WorkflowTasksView):
    def get_queryset(self):
        return (
            super().get_queryset().exclude(workflow_state__object_id__in=_hidden_page_keys(self.request.user))
        )


class PageFilterMixin:
    def get_queryset(self):
        return super().get_queryset().exclude(pk__in=visibility.hidden_page_ids(self.request.user))


class AgingPages(PageFilterMixin, AgingPagesView):
    pass


class LockedPages(PageFilterMixin, LockedPagesView):
    pass


class PageSearch(SearchView):
    def annotate_queryset(self, pages):
        return super().annotate_queryset(pages).exclude(pk__in=visibility.hidden_page_ids(self.request.user))


def _page_search(results_only: bool):
    """The search view as Wagtail's page viewset builds it (its URLs, its permission policy)."""

    def view(request, *args, **kwargs):
        viewset = page_viewset_registry.get_by_type(Page)
        return viewset.construct_view(PageSearch, results_only=results_only)(request, *args, **kwargs)

    return require_admin_access(view)


def _both(route: str, view_class) -> list:
    return [
        path(route, require_admin_access(view_class.as_view())),
        path(f"{route}results/", require_admin_access(view_class.as_view(results_only=True))),
    ]


# Mounted under /admin/ before Wagtail's admin URLs; unnamed, so reverse()
# still finds Wagtail's names, which give the same addresses.
urlpatterns = [
    *_both("reports/site-history/", SiteHistory),
    *_both("reports/workflow/", Workflows),
    *_both("reports/workflow_tasks/", WorkflowTasks),
    *_both("reports/aging-pages/", AgingPages),
    *_both("reports/locked/", LockedPages),
    path("pages/search/", _page_search(results_only=False)),
    path("pages/search/results/", _page_search(results_only=True)),
]
