import datetime

import pytest
from django.utils import translation
from wagtail.blocks.struct_block import StructBlockValidationError

from casestudies.pages.blocks import (
    DatePrecision,
    PartialDateBlock,
    TimelineBlock,
    partial_date,
    timeline_event,
)
from casestudies.templatetags.casestudies_tags import grouped_number


def date_value(value, precision=DatePrecision.DAY):
    block = PartialDateBlock()
    return block.to_python(partial_date(value, precision))


@pytest.mark.parametrize(
    ("precision", "german", "iso"),
    [
        (DatePrecision.DAY, "9. Januar 2010", "2010-01-09"),
        (DatePrecision.MONTH, "Januar 2010", "2010-01"),
        (DatePrecision.YEAR, "2010", "2010"),
        (DatePrecision.UNKNOWN, "Datum unbekannt", ""),
    ],
)
def test_a_partial_date_shows_only_what_is_known(precision, german, iso):
    value = date_value(datetime.date(2010, 1, 9), precision)
    with translation.override("de"):
        assert value.label == german
    assert value.iso == iso


def test_a_day_precision_date_needs_a_day():
    block = PartialDateBlock()
    with pytest.raises(StructBlockValidationError):
        block.clean(block.to_python({"precision": "day", "year": 2010, "month": "1", "day": None}))
    with pytest.raises(StructBlockValidationError):
        block.clean(block.to_python({"precision": "day", "year": 2010, "month": "2", "day": 30}))
    cleaned = block.clean(block.to_python({"precision": "month", "year": 2010, "month": "1", "day": None}))
    assert cleaned.label


def test_timeline_sorts_dated_events_and_keeps_unknown_ones_in_place():
    block = TimelineBlock()
    value = block.to_python(
        {
            "heading": "",
            "events": [
                timeline_event(what="third", date=datetime.date(2010, 2, 1)),
                timeline_event(what="unknown, written second", date=None),
                timeline_event(what="first", date=datetime.date(2009, 12, 29)),
                timeline_event(what="january", date=datetime.date(2010, 1, 9), precision="month"),
            ],
        }
    )
    html = block.render(value)
    order = [html.index(text) for text in ("first", "unknown, written second", "january", "third")]
    assert order == sorted(order)


def test_key_figures_group_digits():
    assert grouped_number("5852.00") == "5\u202f852"
    assert grouped_number(0) == "0"
    assert grouped_number("1234567") == "1\u202f234\u202f567"


def test_streamfield_accepts_the_raw_helpers():
    from casestudies.models import CaseStudyPage

    body = CaseStudyPage._meta.get_field("body").stream_block
    value = body.to_python(
        [{"type": "timeline", "value": {"heading": "", "events": [timeline_event(what="x")]}}]
    )
    assert value[0].value["events"][0]["date"].is_known is False


def test_a_timeline_date_posted_back_unchanged_is_no_change():
    """The editor posts numbers as text: "2010" must not count as a change of 2010."""
    from wagtail.blocks.base import BlockField

    from casestudies.pages.blocks import PartialDateBlock

    block = PartialDateBlock()
    stored = block.to_python({"precision": "day", "year": 2010, "month": "1", "day": 9})
    posted = block.value_from_datadict(
        {"d-precision": "day", "d-year": "2010", "d-month": "1", "d-day": "9"}, {}, "d"
    )

    assert not BlockField(block=block).has_changed(stored, posted)
    assert BlockField(block=block).has_changed(stored, {**posted, "day": 10})
