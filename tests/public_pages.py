"""The pages readers and company contacts see, shared by the checks that must
cover all of them (axe-core in Chromium, the Nu HTML checker): the blog, a
case study of each outcome, the case-study index with its filters applied, a
company page, and the questionnaire behind a real invitation link."""

from __future__ import annotations

import contextlib
import re

from django.core import mail

PUBLIC_PATHS = [
    "/",
    "/artikel/",
    "/artikel/kundenzufriedenheit-als-werbefigur/",
    "/artikel/?tag=werbung",
    "/autoren/",
    "/autoren/jan-berger/",
    "/serien/",
    "/serien/chief-social-media-officer/",
    "/suche/?q=Werbefigur",
    "/feeds/",
    "/fallstudien/",
    "/fallstudien/?outcome=failure",
    "/fallstudien/?outcome=best_practice&industry=mobility",
    "/fallstudien/?series=chief-social-media-officer&company=1und1",
    "/fallstudien/1und1-einladung-ohne-antwort/",
    "/fallstudien/nordlicht-reisen-antwort-in-drei-stunden/",
    "/unternehmen/1und1/",
    "/en/",
    "/en/fallstudien/?outcome=failure",
    "/en/fallstudien/1und1-einladung-ohne-antwort/",
    "/en/unternehmen/1und1/",
]


def load_site_demo() -> dict[str, object]:
    """Everything `manage.py load_demo` builds: the blog and the case studies."""
    from blog import demo as blog_demo
    from casestudies import demo as casestudies_demo

    return {**blog_demo.load(), **casestudies_demo.load()}


def invitation_path(language: str = "de", capture=None) -> str:
    """Send a real interview request (three questions, one answered) and
    return the path of the invitation link, `/interview/<token>/`, as the
    contact finds it in the email. `capture` is pytest-django's
    django_capture_on_commit_callbacks where the test runs in a transaction
    that never commits (the email is relayed after commit)."""
    from casestudies.interviews import states as interview_states
    from casestudies.models import Answer
    from tests.interviews.factories import InterviewRequestFactory

    interview = InterviewRequestFactory(
        contact__language=language,
        questions=["Wie kam es zur Kampagne?", "Was haben Sie gelernt?", "Was würden Sie anders machen?"],
    )
    Answer.objects.create(question=interview.questions.first(), text="Mit einem Tweet.")
    before = len(mail.outbox)
    with capture(execute=True) if capture else contextlib.nullcontext():
        interview_states.send(interview, user=interview.owner)
    assert len(mail.outbox) == before + 1, "the invitation was not sent"
    match = re.search(r"https?://[^/\s]+(/interview/[^/\s]+/)", mail.outbox[-1].body)
    assert match, mail.outbox[-1].body
    return match.group(1)
