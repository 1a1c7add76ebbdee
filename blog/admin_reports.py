"""The "Page views" report in the Wagtail admin: for every published story its
rank, views in the last 30 days and in all, and its comments (approved, and
waiting for an editor)."""

from __future__ import annotations

import datetime

from django.db.models import CharField, Count, IntegerField, OuterRef, Subquery, Sum, Value
from django.db.models.functions import Cast, Coalesce
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_comments import get_model as get_comment_model
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.views.reports import PageReportView
from wagtail.models import Page

from .models import PageViewDay
from .models.pages import story_page_models


def _views_since(day: datetime.date | None):
    rows = PageViewDay.objects.filter(page=OuterRef("pk"))
    if day is not None:
        rows = rows.filter(day__gt=day)
    total = rows.values("page").annotate(total=Sum("views")).values("total")
    return Coalesce(Subquery(total, output_field=IntegerField()), Value(0))


def _comments(*, approved: bool):
    # Comments point at their page by content type and a text primary key.
    rows = get_comment_model().objects.filter(
        content_type=OuterRef("content_type"),
        object_pk=Cast(OuterRef("pk"), output_field=CharField()),
        is_public=approved,
        is_removed=False,
    )
    total = rows.order_by().values("object_pk").annotate(total=Count("pk")).values("total")
    return Coalesce(Subquery(total, output_field=IntegerField()), Value(0))


class PageViewsReportView(PageReportView):
    page_title = _("Page views")
    header_icon = "view"
    index_url_name = "casebook_page_views_report"
    index_results_url_name = "casebook_page_views_report_results"
    results_template_name = "blog/admin/page_views_results.html"
    list_export = ["title", "views_30_days", "views_total", "comments", "comments_waiting", "url"]
    export_headings = {
        "views_30_days": _("Views (30 days)"),
        "views_total": _("Views (all time)"),
        "comments": _("Comments"),
        "comments_waiting": _("Awaiting approval"),
    }
    any_permission_required = ["add", "change", "publish"]

    def get_queryset(self):
        cutoff = timezone.localdate() - datetime.timedelta(days=30)
        self.queryset = (
            Page.objects.live()
            .type(*story_page_models())
            .select_related("content_type")
            .annotate(
                views_30_days=_views_since(cutoff),
                views_total=_views_since(None),
                comments=_comments(approved=True),
                comments_waiting=_comments(approved=False),
            )
            .order_by("-views_30_days", "-views_total", "title")
        )
        return super().get_queryset()

    def decorate_paginated_queryset(self, object_list):
        page_number = getattr(self, "_page_number", 1)
        offset = (page_number - 1) * self.paginate_by
        for rank, page in enumerate(object_list, start=offset + 1):
            page.rank = rank
        return object_list

    def paginate_queryset(self, queryset, page_size):
        paginator, page, object_list, is_paginated = super().paginate_queryset(queryset, page_size)
        self._page_number = page.number
        return paginator, page, object_list, is_paginated


@hooks.register("register_admin_urls")
def register_page_views_report_urls():
    return [
        path("reports/page-views/", PageViewsReportView.as_view(), name="casebook_page_views_report"),
        path(
            "reports/page-views/results/",
            PageViewsReportView.as_view(results_only=True),
            name="casebook_page_views_report_results",
        ),
    ]


@hooks.register("register_reports_menu_item")
def register_page_views_report_menu_item():
    return MenuItem(_("Page views"), reverse("casebook_page_views_report"), icon_name="view", order=50)
