"""The interview-request listing in the admin: its filters (status, company,
owner, deadline due or over, needs action) and its columns: the step
indicator showing how far each request got, the status (flagged "nicht
zustellbar" while the contact's address bounced for good), and the deadline
in days."""

from __future__ import annotations

import datetime

import django_filters
from django import forms
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.ui.tables import Column

from casestudies.interviews import funnel
from casestudies.interviews.admin import today as due_today
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
            # Radio buttons, as Wagtail's own choice filters in the filter drilldown.
            widget=forms.RadioSelect,
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


def _needs_action_choices():
    # Read when the form is built: other modules add sections at startup.
    return [("any", _("anything")), *((section.key, section.label) for section in due_today.SECTIONS)]


class NeedsActionFilter(django_filters.ChoiceFilter):
    """What the dashboard's "What needs me today" lists: all of it or one section."""

    def __init__(self, **kwargs):
        super().__init__(
            choices=_needs_action_choices, empty_label=_("all requests"), widget=forms.RadioSelect, **kwargs
        )

    def filter(self, queryset: QuerySet, value: str) -> QuerySet:
        if not value:
            return queryset
        today = timezone.localdate()
        if value == "any":
            return queryset.filter(due_today.needs_action(today)).distinct()
        for section in due_today.SECTIONS:
            if section.key == value:
                return queryset.filter(section.condition(today)).distinct()
        return queryset


class InterviewRequestFilterSet(WagtailFilterSet):
    needs_action = NeedsActionFilter(label=_("needs action"))
    deadline_state = DeadlineFilter(label=_("deadline"))
    # Only what the user may see: an author is not shown who else asks whom.
    # A search field, not a menu of every company asked: the filter panel must
    # not grow with the companies. It searches the requests the listing
    # already limits to what the user may see, so it reveals no one.
    # A company's id (links from its page) or part of its name.
    company = django_filters.CharFilter(method="filter_company", label=_("company"))
    owner = django_filters.ModelChoiceFilter(
        label=_("owner"), queryset=lambda request: visibility.request_owners(request.user)
    )

    class Meta:
        model = InterviewRequest
        fields = ["status", "company", "owner"]

    def filter_company(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        value = value.strip()
        if value.isdigit():
            return queryset.filter(company_id=int(value))
        return queryset.filter(company__name__icontains=value) if value else queryset


class FunnelColumn(Column):
    """The step indicator (admin/step_indicator.py, also on the request and company pages)."""

    cell_template_name = "casestudies/admin/funnel_cell.html"

    def __init__(self):
        super().__init__("funnel", label=_("Progress"), accessor=funnel.steps_of)


class DeadlineColumn(Column):
    """The deadline in days while the contact may still answer; the date otherwise."""

    cell_template_name = "casestudies/admin/deadline_cell.html"

    def __init__(self):
        super().__init__("deadline", label=_("deadline"), sort_key="deadline")

    def get_cell_context_data(self, instance, parent_context):
        context = super().get_cell_context_data(instance, parent_context)
        if instance.status in (*AWAITING_CONTACT, S.EXPIRED):
            context["in_days"] = due_today.days_label(instance.deadline, timezone.localdate())
        return context


class StatusColumn(Column):
    """The status, and a "Not deliverable" tag while the contact's current
    address bounced for good (the "needs action" filter finds these)."""

    cell_template_name = "casestudies/admin/status_cell.html"

    def __init__(self):
        super().__init__("status", label=_("status"), accessor="get_status_display", sort_key="status")

    def get_cell_context_data(self, instance, parent_context):
        context = super().get_cell_context_data(instance, parent_context)
        # The listing's queryset selects the contact with the request: no query per row.
        context["undeliverable"] = instance.contact.email_undeliverable
        return context
