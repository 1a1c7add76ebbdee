"""The company sign-offs among what needs an editor today (the dashboard panel
casestudies.interviews.admin.today): a sign-off still waiting for the company
whose deadline falls in the coming week or has passed; and their deadlines in
the editorial calendar (casestudies.interviews.admin.calendar_entries)."""

from __future__ import annotations

import datetime

from django.db.models import Min, OuterRef, Q, Subquery
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from casestudies.interviews.admin.calendar_entries import Entry, Source, request_url
from casestudies.interviews.admin.today import WEEK, Section, days_label
from casestudies.interviews.admin.visibility import visible_requests
from casestudies.interviews.models import InterviewRequest
from casestudies.signoff.models import SignOff, SignOffStatus


def _pending():
    return SignOff.objects.filter(status=SignOffStatus.PENDING)


def _ending(today: datetime.date) -> Q:
    return Q(pk__in=_pending().filter(deadline__lte=today + WEEK).values("request_id"))


def _describe(request: InterviewRequest, today: datetime.date) -> str:
    deadline = getattr(request, "sign_off_deadline", None)
    if deadline is None:
        return gettext("sign-off pending")
    return gettext("sign-off deadline %(when)s (%(date)s)") % {
        "when": days_label(deadline, today),
        "date": date_format(deadline, "SHORT_DATE_FORMAT"),
    }


def annotate(requests):
    """The earliest pending sign-off deadline of each request (in the same query)."""
    return requests.annotate(
        sign_off_deadline=Subquery(
            _pending()
            .filter(request=OuterRef("pk"))
            .order_by()
            .values("request")
            .annotate(first=Min("deadline"))
            .values("first")[:1]
        )
    )


SIGN_OFFS_ENDING = Section(
    "signoff",
    _("Company sign-offs ending"),
    _ending,
    _describe,
    order_by=("sign_off_deadline", "pk"),
    annotate=annotate,
)


def _calendar(user, first: datetime.date, last: datetime.date):
    """Pending sign-offs of the requests `user` may see, by their deadline; each
    links to the case study's edit page (the request's page once the page is gone)."""
    pending = (
        _pending()
        .filter(
            deadline__gte=first,
            deadline__lte=last,
            request__in=visible_requests(user).order_by().values("pk"),
        )
        .select_related("request__company")
    )
    for sign_off in pending:
        url = (
            reverse("wagtailadmin_pages:edit", args=[sign_off.page_id])
            if sign_off.page_id
            else request_url(sign_off.request_id)
        )
        yield Entry(
            sign_off.deadline,
            "signoff",
            gettext("Company sign-off deadline"),
            sign_off.request.company.name,
            url,
            f"signoff-{sign_off.pk}",
        )


SIGN_OFF_DEADLINES = Source("signoff", _("Company sign-off deadlines"), _calendar)
