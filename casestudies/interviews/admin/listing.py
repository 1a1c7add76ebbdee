"""The interview-request listing in the admin: its filters (status, company,
owner, deadline due or over) and the funnel column showing how far each
request got."""

from __future__ import annotations

import datetime

import django_filters
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.ui.tables import Column

from casestudies.interviews import funnel
from casestudies.interviews.admin import visibility
from casestudies.interviews.models import InterviewRequest
from casestudies.interviews.models import InterviewStatus as S
from casestudies.interviews.statuses import AWAITING_CONTACT

DUE_WITHIN_DAYS = 7


class DeadlineFilter(django_filters.ChoiceFilter):
    def __init__(self, **kwargs):
        super().__init__(
            choices=[
                ("due", _("due within a week")),
                ("over", _("passed without answers")),
            ],
            empty_label=_("any"),
            **kwargs,
        )

    def filter(self, queryset: QuerySet, value: str) -> QuerySet:
        today = timezone.localdate()
        if value == "due":
            return queryset.filter(
                status__in=AWAITING_CONTACT,
                deadline__gte=today,
                deadline__lte=today + datetime.timedelta(days=DUE_WITHIN_DAYS),
            )
        if value == "over":
            return queryset.filter(status__in=(*AWAITING_CONTACT, S.EXPIRED), deadline__lt=today)
        return queryset


class InterviewRequestFilterSet(WagtailFilterSet):
    deadline_state = DeadlineFilter(label=_("deadline"))
    # Only what the user may see: an author is not shown who else asks whom.
    company = django_filters.ModelChoiceFilter(
        label=_("company"), queryset=lambda request: visibility.companies_asked(request.user)
    )
    owner = django_filters.ModelChoiceFilter(
        label=_("owner"), queryset=lambda request: visibility.request_owners(request.user)
    )

    class Meta:
        model = InterviewRequest
        fields = ["status", "company", "owner"]


class FunnelColumn(Column):
    cell_template_name = "casestudies/admin/funnel_cell.html"

    def __init__(self):
        super().__init__("funnel", label=_("Progress"), accessor=funnel.steps_of)
