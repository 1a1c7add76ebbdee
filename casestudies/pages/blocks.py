"""StreamField blocks of case studies: the story blocks of the blog plus
interview, timeline, key figures and lessons learned.

Timeline dates are partial on purpose: a story often knows only the month of
a call, or nothing at all, and must never show a day it does not know."""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import models
from django.utils import dates
from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.blocks.struct_block import StructBlockValidationError
from wagtail.images.blocks import ImageBlock

from blog.blocks import story_blocks
from casestudies import partial_dates
from casestudies.partial_dates import DatePrecision


class Channel(models.TextChoices):
    """The channels of the contact log (ContactEvent), plus the web, where a
    story usually starts with a published article."""

    EMAIL = "email", _("Email")
    PHONE = "phone", _("Phone")
    LETTER = "letter", _("Letter")
    FORM = "form", _("Form")
    IN_PERSON = "in_person", _("In person")
    WEB = "web", _("Web / blog")


class Direction(models.TextChoices):
    OUT = "out", _("From us")
    IN = "in", _("From the company")


MONTHS = [(str(number), name) for number, name in dates.MONTHS.items()]


class PartialDateValue(blocks.StructValue):
    """A date known to the day, the month, the year or not at all."""

    @property
    def precision(self) -> str:
        return self.get("precision") or DatePrecision.UNKNOWN

    @property
    def is_known(self) -> bool:
        return self.precision != DatePrecision.UNKNOWN and bool(self.get("year"))

    def as_date(self) -> datetime.date | None:
        """The first day the value can mean, for ordering; None when unknown."""
        if not self.is_known:
            return None
        month = (
            int(self.get("month") or 1) if self.precision in (DatePrecision.DAY, DatePrecision.MONTH) else 1
        )
        day = int(self.get("day") or 1) if self.precision == DatePrecision.DAY else 1
        return datetime.date(int(self["year"]), month, day)

    @property
    def label(self) -> str:
        return partial_dates.label(self.as_date(), self.precision)

    @property
    def iso(self) -> str:
        """A valid HTML <time datetime> value at the known precision."""
        value = self.as_date()
        if value is None:
            return ""
        return {
            DatePrecision.DAY: value.isoformat(),
            DatePrecision.MONTH: value.strftime("%Y-%m"),
        }.get(self.precision, f"{value.year:04d}")


class WholeNumberBlock(blocks.IntegerBlock):
    """An IntegerBlock whose posted value is a number before it is cleaned.

    The editor posts numbers as text; Wagtail compares the posted block value
    with the stored one to decide whether the page changed, so "2010" against
    2010 made every save of a timeline a change: a new revision on each
    "Approve", and a workflow that asks again after edits started over."""

    def value_from_form(self, value):
        try:
            return int(value)
        except (TypeError, ValueError):
            return None if value in (None, "") else value  # clean() says what is wrong


class PartialDateBlock(blocks.StructBlock):
    precision = blocks.ChoiceBlock(
        choices=DatePrecision.choices, default=DatePrecision.DAY, label=_("Known to the")
    )
    year = WholeNumberBlock(required=False, min_value=1900, max_value=2200, label=_("Year"))
    month = blocks.ChoiceBlock(choices=MONTHS, required=False, label=_("Month"))
    day = WholeNumberBlock(required=False, min_value=1, max_value=31, label=_("Day"))

    class Meta:
        icon = "date"
        label = _("Date")
        value_class = PartialDateValue
        form_classname = "struct-block partial-date"

    def clean(self, value):
        value = super().clean(value)
        precision = value.get("precision")
        needed = {
            DatePrecision.DAY: ("year", "month", "day"),
            DatePrecision.MONTH: ("year", "month"),
            DatePrecision.YEAR: ("year",),
        }.get(precision, ())
        errors = {
            name: ValidationError(_("Required for this precision.")) for name in needed if not value.get(name)
        }
        if errors:
            raise StructBlockValidationError(block_errors=errors)
        if precision == DatePrecision.DAY:
            try:
                datetime.date(int(value["year"]), int(value["month"]), int(value["day"]))
            except ValueError as error:
                raise StructBlockValidationError(
                    block_errors={"day": ValidationError(_("This day does not exist in that month."))}
                ) from error
        return value


class TimelineEventValue(blocks.StructValue):
    @property
    def channel_label(self) -> str:
        return Channel(self["channel"]).label if self.get("channel") in Channel.values else ""

    @property
    def direction_label(self) -> str:
        return Direction(self["direction"]).label if self.get("direction") in Direction.values else ""


class TimelineEventBlock(blocks.StructBlock):
    date = PartialDateBlock()
    channel = blocks.ChoiceBlock(choices=Channel.choices, required=False, label=_("Channel"))
    direction = blocks.ChoiceBlock(choices=Direction.choices, required=False, label=_("Direction"))
    what = blocks.TextBlock(label=_("What happened"))
    outcome = blocks.TextBlock(required=False, label=_("Outcome"))

    class Meta:
        icon = "time"
        label = _("Event")
        value_class = TimelineEventValue


def ordered_events(events: Iterable) -> list:
    """Events in date order. Events with an unknown date stay where the author
    put them; the dated ones are sorted (stably) into the remaining slots."""
    events = list(events)
    dated_slots = [i for i, event in enumerate(events) if event["date"].is_known]
    dated = sorted((events[i] for i in dated_slots), key=lambda event: event["date"].as_date())
    for slot, event in zip(dated_slots, dated, strict=True):
        events[slot] = event
    return events


class TimelineBlock(blocks.StructBlock):
    heading = blocks.CharBlock(required=False, label=_("Heading"))
    events = blocks.ListBlock(TimelineEventBlock(), label=_("Events"))

    class Meta:
        icon = "history"
        label = _("Timeline")
        template = "casestudies/blocks/timeline.html"

    def get_context(self, value, parent_context=None):
        context = super().get_context(value, parent_context)
        context["events"] = ordered_events(value["events"])
        return context


class InterviewAnswerBlock(blocks.StructBlock):
    question = blocks.TextBlock(label=_("Question"))
    answer = blocks.TextBlock(label=_("Answer"))
    photo = ImageBlock(required=False, label=_("Photo"))
    photo_caption = blocks.CharBlock(required=False, label=_("Photo caption"))
    photo_credit = blocks.CharBlock(required=False, label=_("Photo credit"))

    class Meta:
        icon = "help"
        label = _("Question and answer")


class InterviewBlock(blocks.StructBlock):
    interviewee = blocks.CharBlock(
        required=False, label=_("Interviewee"), help_text=_("Name and role, as they agreed to be named")
    )
    pairs = blocks.ListBlock(InterviewAnswerBlock(), label=_("Questions and answers"))

    class Meta:
        icon = "openquote"
        label = _("Interview")
        template = "casestudies/blocks/interview.html"


class KeyFigureBlock(blocks.StructBlock):
    label = blocks.CharBlock(label=_("Label"), help_text=_("e.g. Page views"))
    value = blocks.DecimalBlock(label=_("Number"), decimal_places=2)
    unit = blocks.CharBlock(required=False, label=_("Unit"), help_text=_("e.g. %, EUR, days"))

    class Meta:
        icon = "order"
        label = _("Key figure")


class KeyFiguresBlock(blocks.StructBlock):
    heading = blocks.CharBlock(required=False, label=_("Heading"))
    figures = blocks.ListBlock(KeyFigureBlock(), label=_("Figures"))

    class Meta:
        icon = "table"
        label = _("Key figures")
        template = "casestudies/blocks/key_figures.html"


class LessonsLearnedBlock(blocks.StructBlock):
    heading = blocks.CharBlock(required=False, label=_("Heading"))
    lessons = blocks.ListBlock(blocks.TextBlock(label=_("Lesson")), label=_("Lessons"))

    class Meta:
        icon = "tick"
        label = _("Lessons learned")
        template = "casestudies/blocks/lessons.html"


def case_study_blocks() -> list[tuple[str, blocks.Block]]:
    return [
        *story_blocks(),
        ("interview", InterviewBlock()),
        ("timeline", TimelineBlock()),
        ("key_figures", KeyFiguresBlock()),
        ("lessons", LessonsLearnedBlock()),
    ]


# Raw values, as StreamField accepts them: issue 5 builds timelines and key
# figures from the contact log with these.


def partial_date(value: datetime.date | None, precision: str = DatePrecision.DAY) -> dict[str, object]:
    if value is None or precision == DatePrecision.UNKNOWN:
        return {"precision": DatePrecision.UNKNOWN, "year": None, "month": None, "day": None}
    return {
        "precision": precision,
        "year": value.year,
        "month": str(value.month) if precision in (DatePrecision.DAY, DatePrecision.MONTH) else None,
        "day": value.day if precision == DatePrecision.DAY else None,
    }


def timeline_event(
    *,
    what: str,
    date: datetime.date | None = None,
    precision: str = DatePrecision.DAY,
    channel: str = "",
    direction: str = "",
    outcome: str = "",
) -> dict[str, object]:
    return {
        "date": partial_date(date, precision),
        "channel": channel,
        "direction": direction,
        "what": what,
        "outcome": outcome,
    }


def key_figure(label: str, value: int | float | str, unit: str = "") -> dict[str, object]:
    return {"label": label, "value": str(value), "unit": unit}
