"""The rule for an interview request's deadline, in one place: the editor's
form, sending the invitation and extending a sent request all ask it.

A deadline is a day in the site's time zone. It must lie at least
INTERVIEW_MIN_DEADLINE_DAYS days ahead when it is set: a deadline in the
past or today would expire the request before the contact could answer."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import formats, timezone
from django.utils.translation import gettext


def minimum_days() -> int:
    return max(1, getattr(settings, "INTERVIEW_MIN_DEADLINE_DAYS", 3))


def earliest(today: datetime.date | None = None) -> datetime.date:
    """The first day a deadline set today may be."""
    return (today or timezone.localdate()) + datetime.timedelta(days=minimum_days())


def validate(deadline: datetime.date, *, today: datetime.date | None = None) -> None:
    """Raise ValidationError, in the active language, for a deadline too soon."""
    today = today or timezone.localdate()
    first = earliest(today)
    if deadline >= first:
        return
    if deadline < today:
        why = gettext("This deadline is in the past.")
    elif deadline == today:
        why = gettext("This deadline is today.")
    else:
        why = gettext("This deadline leaves the contact too little time.")
    raise ValidationError(
        "%(why)s %(rule)s",
        code="deadline_too_soon",
        params={
            "why": why,
            "rule": gettext("Choose %(date)s or later.")
            % {"date": formats.date_format(first, "DATE_FORMAT")},
        },
    )


def validate_extension(current: datetime.date, new: datetime.date) -> None:
    """A sent request's deadline only moves later, and by the same minimum from today."""
    if new <= current:
        raise ValidationError(
            gettext("The new deadline must come after the current one (%(date)s).")
            % {"date": formats.date_format(current, "DATE_FORMAT")},
            code="deadline_not_later",
        )
    validate(new)
