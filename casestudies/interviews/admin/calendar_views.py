"""The editorial calendar's pages: the month with what is due next (an admin
view), the button that makes or revokes the user's feed address, and the
feed itself (outside the admin: a calendar app has no session, the secret
address is its key)."""

from __future__ import annotations

import datetime

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_POST
from django.views.generic import TemplateView
from wagtail.admin.views.generic import WagtailAdminTemplateMixin

from blog.admin_users import language_of
from casestudies.interviews.admin import calendar_feed
from casestudies.interviews.admin.calendar_entries import due_next, month_weeks
from casestudies.interviews.tokens import absolute_url

# A fresh feed address is shown once, right after it was made (only its hash is kept).
_SESSION_KEY = "casebook_calendar_feed_token"


def _month(value: str | None, today: datetime.date) -> datetime.date:
    try:
        return datetime.datetime.strptime(value or "", "%Y-%m").date()
    except ValueError:
        return today.replace(day=1)


def _shift(month: datetime.date, by: int) -> datetime.date:
    index = month.year * 12 + month.month - 1 + by
    return datetime.date(index // 12, index % 12 + 1, 1)


class CalendarView(WagtailAdminTemplateMixin, TemplateView):
    template_name = "casestudies/admin/calendar.html"
    page_title = _("Calendar")
    header_icon = "date"

    def get_breadcrumbs_items(self):
        return self.breadcrumbs_items + [{"url": "", "label": self.page_title}]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        today = timezone.localdate()
        month = _month(self.request.GET.get("month"), today)
        index = reverse("casestudies_calendar")
        token = self.request.session.pop(_SESSION_KEY, None)
        context.update(
            month=month,
            month_label=date_format(month, "YEAR_MONTH_FORMAT"),
            weeks=month_weeks(month.year, month.month, self.request.user, today),
            weekdays=[date_format(datetime.date(2024, 1, day), "l") for day in range(1, 8)],
            previous_url=f"{index}?month={_shift(month, -1):%Y-%m}",
            next_url=f"{index}?month={_shift(month, 1):%Y-%m}",
            this_month_url=index,
            previous_label=date_format(_shift(month, -1), "YEAR_MONTH_FORMAT"),
            next_label=date_format(_shift(month, 1), "YEAR_MONTH_FORMAT"),
            is_this_month=(month.year, month.month) == (today.year, today.month),
            due_next=due_next(self.request.user, today),
            today=today,
            has_feed=calendar_feed.has_feed(self.request.user),
            feed_url=absolute_url("calendar_feed", token=token) if token else "",
            feed_action=reverse("casestudies_calendar_feed"),
        )
        return context


calendar_view = CalendarView.as_view()


@require_POST
def feed_address(request):
    """Make a new feed address (the old one stops working), or revoke it."""
    if request.POST.get("action") == "revoke":
        calendar_feed.revoke_feed(request.user)
        messages.success(request, gettext("Your calendar address is revoked: it shows nothing any more."))
    else:
        request.session[_SESSION_KEY] = calendar_feed.new_feed(request.user)
        messages.success(
            request,
            gettext("Your new calendar address is below. Any address you made before no longer works."),
        )
    return redirect("casestudies_calendar")


@require_GET
def feed(request, token: str):
    """The iCalendar feed of the user whose secret address this is; 404 otherwise."""
    user = calendar_feed.owner_of(token)
    if user is None:
        raise Http404
    with translation.override(language_of(user)):
        body = calendar_feed.feed_for(user)
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="casebook.ics"'
    # The address is the secret: no shared cache keeps or logs a copy of what it shows.
    response["Cache-Control"] = "private, no-store"
    response["X-Robots-Tag"] = "noindex"
    return response
