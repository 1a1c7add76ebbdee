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
from django.utils import formats, timezone
from django.utils.html import format_html
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.ui.tables import Column

from casestudies.interviews import funnel
from casestudies.interviews.admin import step_indicator, visibility
from casestudies.interviews.admin import today as due_today
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


class PythonCell(Column):
    """A column whose cell is built in Python. The listing draws every cell of
    every row; a template per cell cost about 0.1 ms each, and the rows, not
    the data, were what still grew (docs/decisions.md, the admin list)."""

    def render_cell_html(self, instance, parent_context):
        classname = format_html(' class="{}"', self.classname) if self.classname else ""
        return format_html("<td{}>{}</td>", classname, self.cell_content(instance))

    def cell_content(self, instance):
        raise NotImplementedError


class FunnelColumn(PythonCell):
    """The step indicator (admin/step_indicator.py, also on the request and company pages)."""

    def __init__(self):
        super().__init__("funnel", label=_("Progress"))

    def cell_content(self, instance):
        return step_indicator.render(funnel.steps_of(instance))


class DeadlineColumn(PythonCell):
    """The deadline in days while the contact may still answer; the date otherwise."""

    def __init__(self):
        super().__init__("deadline", label=_("deadline"), sort_key="deadline")

    def cell_content(self, instance):
        deadline = instance.deadline
        if not deadline:
            return ""
        date = formats.date_format(deadline, "SHORT_DATE_FORMAT")
        if instance.status in (*AWAITING_CONTACT, S.EXPIRED):
            in_days = due_today.days_label(deadline, timezone.localdate())
            shown = format_html('{}<span class="w-sr-only"> ({})</span>', in_days, date)
        else:
            shown = date
        return format_html('<time datetime="{}">{}</time>', deadline.isoformat(), shown)


class StatusColumn(PythonCell):
    """The status, and a "Not deliverable" tag (Wagtail's status tag) while the
    contact's current address bounced for good (the "needs action" filter finds these)."""

    def __init__(self):
        super().__init__("status", label=_("status"), sort_key="status")

    def cell_content(self, instance):
        # The listing's queryset selects the contact with the request: no query per row.
        if not instance.contact.email_undeliverable:
            return instance.get_status_display()
        return format_html(
            '{} <span class="w-status w-status--critical">{}</span>',
            instance.get_status_display(),
            gettext("Not deliverable"),
        )
