"""The interview-request listing in the admin: its filters (status, company,
owner, deadline due or over, needs action) and its columns: the step
indicator showing how far each request got, the status (flagged "nicht
zustellbar" while the contact's address bounced for good), and the deadline
in days. Its table, rows and cells are drawn in Python with Wagtail's
markup (docs/decisions.md, the admin's request list)."""

from __future__ import annotations

import datetime

import django_filters
from django import forms
from django.db.models import QuerySet
from django.forms.utils import flatatt
from django.utils import formats, timezone
from django.utils.html import conditional_escape, format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.ui.tables import Column, Table, TitleColumn
from wagtail.admin.widgets.button import Button, ButtonWithDropdown

from casestudies.interviews import funnel
from casestudies.interviews.admin import step_indicator, visibility
from casestudies.interviews.admin import today as due_today
from casestudies.interviews.admin.short_dates import short_date
from casestudies.interviews.models import InterviewRequest
from casestudies.interviews.models import InterviewStatus as S
from casestudies.interviews.statuses import AWAITING_CONTACT

DUE_WITHIN_DAYS = 7

# What the list's rows read: the columns below, each request's title (company
# and contact) and the contact's bounce. The rest of the four rows joined per
# request (texts, tokens, timestamps) would be fetched and parsed for nothing.
# A field read here that is missing costs a query per row: the query-count
# tests (tests/interviews/test_query_counts.py) catch it.
LISTED_FIELDS = (
    "status",
    "deadline",
    "updated_at",
    "company__name",
    "contact__name",
    "contact__email",
    "contact__undeliverable_email",
    "owner__username",
    "owner__first_name",
    "owner__last_name",
)


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


class RequestTable(Table):
    """Wagtail's table, its rows joined in Python: the template engine's loop,
    a component tag per cell and an include per row cost about as much as the
    cells themselves. Head and caption are Wagtail's table.html, copied;
    tests/interviews/test_listing_cells.py holds the whole to Wagtail's HTML."""

    template_name = "casestudies/admin/request_table.html"

    def get_context_data(self, parent_context):
        context = super().get_context_data(parent_context)
        context["body"] = self.body_html(context)
        return context

    def body_html(self, context) -> SafeString:
        rows = []
        for row in self.rows:
            cell_context = {**context, "row": row}
            cells = "".join(conditional_escape(cell.render_html(cell_context)) for cell in row.values())
            rows.append(f"<tr{flatatt(row.attrs)}>{cells}</tr>")
        return mark_safe("".join(rows))  # noqa: S308 - every cell escaped above, attributes by flatatt


class PythonCell(Column):
    """A column whose cell is built in Python. The listing draws every cell of
    every row; a template per cell cost about 0.1 ms each, and the rows, not
    the data, were what still grew (docs/decisions.md, the admin list)."""

    def render_cell_html(self, instance, parent_context):
        classname = format_html(' class="{}"', self.classname) if self.classname else ""
        return format_html("<td{}>{}</td>", classname, self.cell_content(instance))

    def cell_content(self, instance):
        raise NotImplementedError


def _icon(name: str, classname: str = "icon") -> SafeString:
    # Wagtail's {% icon %} (wagtailadmin/shared/icon.html).
    return format_html(
        '<svg class="icon icon-{} {}" aria-hidden="true"><use href="#icon-{}"></use></svg>',
        name,
        classname,
        name,
    )


def _row_menu(menu: ButtonWithDropdown) -> SafeString | None:
    """Wagtail's "…" menu of a row (button_with_dropdown.html and its
    dropdown), or None when it holds more than plain links with icons."""
    links = sorted(menu.dropdown_buttons)
    if (
        menu.label
        or menu.classname
        or any(type(link) is not Button or not link.url or not link.icon_name or link.attrs for link in links)
    ):
        return None
    items = format_html_join(
        "",
        '<a href="{}" class="{}">{}{}</a>',
        ((link.url, link.classname, _icon(link.icon_name), link.label) for link in links),
    )
    return format_html(
        '<div data-controller="w-dropdown" class="w-dropdown"{}>'
        '<button type="button" class="w-dropdown__toggle w-dropdown__toggle--icon" data-w-dropdown-target="toggle"'
        ' aria-label="{}">{}</button>'
        '<div data-w-dropdown-target="content" class="w-dropdown__content" hidden>{}</div></div>',
        menu.base_attrs_string,
        menu.aria_label,
        _icon(menu.icon_name or "arrow-down", "w-dropdown__toggle-icon"),
        items,
    )


class RequestTitleColumn(TitleColumn):
    """Wagtail's title cell, linking to the request, with a draft's "…" menu
    (only a draft has one), drawn in Python with Wagtail's markup: Wagtail's
    templates for the menu cost a draft's row as much as four other rows.
    Anything else (another kind of button, a class) goes to Wagtail's
    template. tests/interviews/test_listing_cells.py holds both to the same HTML."""

    def render_cell_html(self, instance, parent_context):
        url = self.get_link_url(instance, parent_context)
        buttons = [button for button in self.get_buttons(instance, parent_context) if button.show]
        menus = [_row_menu(button) if isinstance(button, ButtonWithDropdown) else None for button in buttons]
        if not url or None in menus or self.classname or self.link_attrs:
            return super().render_cell_html(instance, parent_context)
        title = self.get_value(instance)
        if not str(title).strip():
            title = self.empty_value_display
        actions = format_html_join("", "<li>{}</li>", ((menu,) for menu in menus))
        return format_html(
            '<td class="title"><div class="title-wrapper"><a href="{}">{}</a></div>{}</td>',
            url,
            title,
            format_html('<ul class="actions">{}</ul>', actions) if menus else "",
        )


class FieldColumn(PythonCell):
    """A field shown as Wagtail's plain column shows it (`{{ value }}`: in local
    time, localized, escaped), without its template."""

    def cell_content(self, instance):
        value = self.get_value(instance)
        return "" if value is None else str(formats.localize(timezone.template_localtime(value)))


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
        date = short_date(deadline)
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
        # The status's own label: get_status_display() translates every
        # status's label to find one, on every row.
        status = S(instance.status).label
        # The listing's queryset selects the contact with the request: no query per row.
        if not instance.contact.email_undeliverable:
            return status
        return format_html(
            '{} <span class="w-status w-status--critical">{}</span>', status, gettext("Not deliverable")
        )
