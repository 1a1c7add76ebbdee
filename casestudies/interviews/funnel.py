"""How far each interview request got: sent, opened, started, submitted.

Read from the contact log and the answers, not from the status, so that a
request that was declined or expired still shows how far it had come."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import Min, OuterRef, QuerySet, Subquery
from django.utils.translation import gettext_lazy as _

from casestudies.interviews.models import Answer, ContactEvent, EventKind, InterviewPhoto

STEPS = (
    ("sent", _("sent")),
    ("opened", _("opened")),
    ("started", _("started")),
    ("submitted", _("submitted")),
)


def _first(queryset: QuerySet, field: str) -> Subquery:
    """The earliest `field` of `queryset`'s rows for the outer request."""
    return Subquery(queryset.order_by().values("request").annotate(first=Min(field)).values("first")[:1])


def _event(kind: str) -> Subquery:
    return _first(ContactEvent.objects.filter(request=OuterRef("pk"), kind=kind), "occurred_at")


def with_funnel(requests: QuerySet) -> QuerySet:
    """Annotate `<step>_at` (when the step was first reached, or None) for each
    step, in the listing's one query."""
    first_answer = Subquery(
        Answer.objects.filter(question__request=OuterRef("pk"))
        .exclude(text="")
        .order_by()
        .values("question__request")
        .annotate(first=Min("updated_at"))
        .values("first")[:1]
    )
    first_photo = _first(InterviewPhoto.objects.filter(request=OuterRef("pk")), "uploaded_at")
    return requests.annotate(
        sent_at_step=_event(EventKind.INVITATION),
        opened_at_step=_event(EventKind.OPENED),
        # Answer or photo, whichever came first: read apart and compared in
        # steps_of(), as the databases' LEAST() disagree about NULL.
        started_answer_at_step=first_answer,
        started_photo_at_step=first_photo,
        submitted_at_step=_event(EventKind.SUBMITTED),
    )


@dataclass(frozen=True)
class Step:
    name: str
    label: str
    at: datetime.datetime | None
    current: bool

    @property
    def reached(self) -> bool:
        return self.at is not None


def _started(request) -> datetime.datetime | None:
    found = [
        at
        for at in (
            getattr(request, "started_answer_at_step", None),
            getattr(request, "started_photo_at_step", None),
        )
        if at is not None
    ]
    return min(found) if found else None


def steps_of(request) -> list[Step]:
    """Each step with the date it was reached; the last reached one is
    current. The request must come from with_funnel()."""
    dates = {
        "sent": getattr(request, "sent_at_step", None),
        "opened": getattr(request, "opened_at_step", None),
        "started": _started(request),
        "submitted": getattr(request, "submitted_at_step", None),
    }
    reached = [name for name, _label in STEPS if dates[name] is not None]
    current = reached[-1] if reached else None
    return [Step(name, label, dates[name], name == current) for name, label in STEPS]
