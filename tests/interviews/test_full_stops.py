"""No sentence ends in two full stops: an English time ("7:32 p.m.") or
date-time put before a message's own full stop keeps one (blog/sentences.py)."""

from __future__ import annotations

import datetime
import re
from pathlib import Path

import polib
import pytest
from django.template import Context, Template
from django.utils import timezone, translation

from .factories import InterviewRequestFactory
from .helpers import send_and_get_link

pytestmark = pytest.mark.django_db

REPO = Path(__file__).resolve().parents[2]
DOUBLE_STOP = re.compile(r"(?<!\.)\.\.(?!\.)")
EVENING = datetime.datetime(2026, 12, 4, 19, 32, tzinfo=datetime.UTC)  # "p.m." in English


@pytest.mark.parametrize(
    ("language", "expected"), [("en", "Saved at 8:32 p.m."), ("de", "Gespeichert um 20:32.")]
)
def test_the_autosave_message_ends_in_one_full_stop(
    language, expected, client, django_capture_on_commit_callbacks, time_machine
):
    interview = InterviewRequestFactory(language=language)
    link = send_and_get_link(interview, django_capture_on_commit_callbacks)
    page = client.get(link.replace("http://testserver", ""))["Location"]
    assert client.get(page).status_code == 200
    evening = timezone.localtime().replace(hour=20, minute=32)  # "p.m." in English
    if evening < timezone.localtime():
        evening += datetime.timedelta(days=1)
    time_machine.move_to(evening, tick=False)

    response = client.post(
        page + "autosave/", {"question": interview.questions.first().pk, "text": "Ein Satz."}
    )

    assert response.json()["message"] == expected


# The names this code base gives a time or date-time put into a message.
TIME_NAMES = {"time", "when", "sent", "at", "datetime"}
# Messages that put one before a full stop, each shown through one_full_stop.
THROUGH_ONE_FULL_STOP = {
    "Saved at %(time)s.",
    "Thank you! You approved this text on %(when)s. You will find a copy in your inbox.",
}


def test_every_message_with_a_time_before_a_full_stop_is_read_through_one_full_stop():
    # A time in English ends in "a.m."/"p.m.": a new message like these must
    # be shown through blog.sentences.one_full_stop and be listed above.
    found = set()
    for po in sorted(REPO.glob("*/locale/*/LC_MESSAGES/django.po")):
        for entry in polib.pofile(str(po)):
            if any(f"%({name})s." in entry.msgid for name in TIME_NAMES):
                found.add(entry.msgid)
    assert found == THROUGH_ONE_FULL_STOP


def test_the_approval_notice_with_its_date_and_time_reads_with_one_full_stop():
    # The template's own words, as casestudies/signoff/preview.html shows them.
    template = Template(
        "{% load i18n casebook_tags %}"
        '{% blocktranslate with when=at|date:"DATETIME_FORMAT" asvar approved %}'
        "Thank you! You approved this text on {{ when }}. You will find a copy in your inbox."
        "{% endblocktranslate %}{{ approved|one_full_stop }}"
    )
    for language in ("en", "de"):
        with translation.override(language), timezone.override("Europe/Berlin"):
            rendered = template.render(Context({"at": EVENING}))
        assert not DOUBLE_STOP.search(rendered), rendered
