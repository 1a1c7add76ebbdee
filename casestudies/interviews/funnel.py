"""How far each interview request got: sent, opened, started, submitted.

Read from the contact log and the answers, not from the status, so that a
request that was declined or expired still shows how far it had come."""

from __future__ import annotations

from django.db.models import Exists, OuterRef, QuerySet
from django.utils.translation import gettext_lazy as _

from casestudies.interviews.models import Answer, ContactEvent, EventKind, InterviewPhoto

STEPS = (
    ("sent", _("sent")),
    ("opened", _("opened")),
    ("started", _("started")),
    ("submitted", _("submitted")),
)


def _event(kind: str) -> Exists:
    return Exists(ContactEvent.objects.filter(request=OuterRef("pk"), kind=kind))


def with_funnel(requests: QuerySet) -> QuerySet:
    """Annotate `reached_<step>` for each step, in the listing's one query."""
    return requests.annotate(
        reached_sent=_event(EventKind.INVITATION),
        reached_opened=_event(EventKind.OPENED),
        reached_started=Exists(Answer.objects.filter(question__request=OuterRef("pk")).exclude(text=""))
        | Exists(InterviewPhoto.objects.filter(request=OuterRef("pk"))),
        reached_submitted=_event(EventKind.SUBMITTED),
    )


def steps_of(request) -> list[tuple[str, str, bool]]:
    """(name, label, reached) for each step; the request must come from with_funnel()."""
    return [(name, label, bool(getattr(request, f"reached_{name}", False))) for name, label in STEPS]
