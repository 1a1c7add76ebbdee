"""Dates known only in part: to the day, the month, the year, or not at all.

A story often knows only the month of a call, and must never show a day it
does not know. The contact log (ContactEvent) and the timeline block of a
case study share these values and this one way of writing them."""

from __future__ import annotations

import datetime

from django.db import models
from django.utils import formats
from django.utils.translation import gettext_lazy as _


class DatePrecision(models.TextChoices):
    DAY = "day", _("Day")
    MONTH = "month", _("Month")
    YEAR = "year", _("Year")
    UNKNOWN = "unknown", _("Unknown")


def label(value: datetime.date | None, precision: str) -> str:
    """“9. Januar 2010”, “Januar 2010”, “2010” or “Datum unbekannt”, in the active language."""
    if value is None or precision == DatePrecision.UNKNOWN:
        return str(_("Date unknown"))
    if precision == DatePrecision.DAY:
        return formats.date_format(value, "DATE_FORMAT")
    if precision == DatePrecision.MONTH:
        return formats.date_format(value, "YEAR_MONTH_FORMAT")
    return str(value.year)
