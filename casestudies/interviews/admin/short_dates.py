"""Days as the admin's lists show them: the active language's short date
format. The request list shows several dates a row, Django's formatter
costs about as much as the rest of a cell, and the same few days recur on
every row and every view: each day is formatted once per language."""

from __future__ import annotations

import datetime
import functools

from django.utils import formats, timezone
from django.utils.translation import get_language


@functools.lru_cache(maxsize=4096)
def _formatted(day: datetime.date, language: str | None) -> str:
    # `language` is the cache's key: date_format reads the active language itself.
    return formats.date_format(day, "SHORT_DATE_FORMAT")


def short_date(value: datetime.date | datetime.datetime) -> str:
    """`value`'s day (a moment: in the site's time zone), e.g. 05.12.2026."""
    if isinstance(value, datetime.datetime):
        value = timezone.localtime(value).date()
    return _formatted(value, get_language())
