"""From an expired or declined request, one action drafts a failure case study:
a timeline from the public part of the contact log (no invented days) and key
figures counted from it. Internal notes never reach the page."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from casestudies.interviews import states as interview_states
from casestudies.models import CaseStudyPage, ContactEvent, InterviewStatus, Outcome
from casestudies.pages import drafts as case_study_drafts
from casestudies.pages import guards
from casestudies.pages import timeline as contact_timeline

from .factories import InterviewRequestFactory
from .test_admin import author_user

pytestmark = pytest.mark.django_db

EVIL = "<script>alert(1)</script>"
ESCAPED = "&lt;script&gt;alert(1)&lt;/script&gt;"


def at(month: int, day: int, hour: int = 10) -> datetime.datetime:
    return datetime.datetime(2030, month, day, hour, tzinfo=timezone.get_current_timezone())


def event(interview, month, day, hour=10, **fields) -> ContactEvent:
    fields.setdefault("direction", "out")
    return ContactEvent.objects.create(request=interview, occurred_at=at(month, day, hour), **fields)


@pytest.fixture
def expired(db):
    interview = InterviewRequestFactory(
        status=InterviewStatus.EXPIRED, sent_at=at(3, 1), contact__company__name="Schweigen GmbH"
    )
    event(interview, 3, 1, kind="invitation", channel="email", summary="Link an dana@schweigen.test")
    event(interview, 3, 2, kind="opened", channel="form", direction="in", summary="Fragebogen geöffnet")
    event(
        interview,
        3,
        2,
        11,
        kind="saved",
        channel="form",
        direction="in",
        internal=True,
        summary="Gespeichert",
    )
    event(interview, 3, 4, kind="reminder", channel="email", summary="Erinnerung an dana@schweigen.test")
    event(
        interview, 3, 5, kind="call", channel="phone", manual=True,
        summary="Anruf in der Pressestelle.", outcome="Sekretariat: nur per E-Mail erreichbar.",
    )  # fmt: skip
    event(
        interview, 3, 6, kind="note", channel="phone", manual=True, internal=True,
        summary="GEHEIM: Die Assistentin klang genervt.",
    )  # fmt: skip
    event(
        interview, 3, 7, kind="message", channel="letter", manual=True, date_precision="month",
        summary=f"Brief mit unserem Angebot {EVIL}", outcome=f"Keine Reaktion {EVIL}",
    )  # fmt: skip
    event(
        interview, 3, 8, kind="call", channel="phone", direction="in", manual=True, date_precision="unknown",
        summary="Rückruf der Pressestelle.", outcome="Man melde sich.",
    )  # fmt: skip
    event(
        interview,
        3,
        9,
        kind="opted_out",
        channel="email",
        direction="in",
        internal=True,
        summary="Widerspruch",
    )
    event(interview, 4, 1, kind="state_change", summary="Deadline passed without an answer")
    return interview


def test_the_timeline_holds_the_public_log_only_in_order_with_true_dates(expired, case_study_index):
    page = case_study_drafts.draft_failure_case_study(expired, user=expired.owner)

    [timeline] = [block.value for block in page.body if block.block_type == "timeline"]
    rows = [
        (e["date"].label, e["channel"], e["direction"], e["what"], e["outcome"]) for e in timeline["events"]
    ]
    assert rows == [
        ("1. März 2030", "email", "out", "Wir schicken unsere Interviewanfrage: 2 Fragen.", ""),
        ("4. März 2030", "email", "out", "Wir erinnern an unsere Fragen.", ""),
        (
            "5. März 2030",
            "phone",
            "out",
            "Anruf in der Pressestelle.",
            "Sekretariat: nur per E-Mail erreichbar.",
        ),
        ("März 2030", "letter", "out", f"Brief mit unserem Angebot {EVIL}", f"Keine Reaktion {EVIL}"),
        ("Datum unbekannt", "phone", "in", "Rückruf der Pressestelle.", "Man melde sich."),
        ("1. April 2030", "", "out", "Die Frist für unsere Fragen läuft ab.", "Keine Antworten."),
    ]
    # Neither email addresses from the system's log entries nor internal notes.
    assert "schweigen.test" not in str(page.body.raw_data)
    assert "GEHEIM" not in str(page.body.raw_data) and "Gespeichert" not in str(page.body.raw_data)


def test_key_figures_count_the_public_log_with_plurals(expired, case_study_index):
    page = case_study_drafts.draft_failure_case_study(expired, user=expired.owner)

    [figures] = [block.value for block in page.body if block.block_type == "key_figures"]
    # Two emails out (invitation, reminder), one call out, one answer in (the call back); 1 March to 1 April.
    assert figures["heading"] == "2 E-Mails, 1 Anruf, 1 Antwort in 31 Tagen"
    assert (
        page.summary
        == "Wir haben Schweigen GmbH um ein Interview gebeten: 2 E-Mails, 1 Anruf, 1 Antwort in 31 Tagen."
    )
    assert page.title == "Schweigen GmbH: keine Antwort"
    assert (page.outcome, page.company, page.live) == (Outcome.FAILURE, expired.company, False)
    expired.refresh_from_db()
    assert expired.case_study.pk == page.pk


@pytest.mark.parametrize(
    ("counts", "german", "english"),
    [
        ((1, 1, 1, 1), "1 E-Mail, 1 Anruf, 1 Antwort in 1 Tag", "1 email, 1 call, 1 answer in 1 day"),
        (
            (3, 0, 0, 37),
            "3 E-Mails, 0 Anrufe, 0 Antworten in 37 Tagen",
            "3 emails, 0 calls, 0 answers in 37 days",
        ),
        ((2, 1, 0, None), "2 E-Mails, 1 Anruf, 0 Antworten", "2 emails, 1 call, 0 answers"),
        (
            (1, 0, 0, 0),
            "1 E-Mail, 0 Anrufe, 0 Antworten am selben Tag",
            "1 email, 0 calls, 0 answers on the same day",
        ),
    ],
)
def test_the_figures_sentence_in_both_languages(counts, german, english):
    figures = contact_timeline.Figures(*counts)
    with translation.override("de"):
        assert figures.sentence() == german
    with translation.override("en"):
        assert figures.sentence() == english


def test_a_story_drafted_the_day_after_the_deadline_dates_the_deadline_on_its_day(
    case_study_index, django_capture_on_commit_callbacks, time_machine
):
    """The expiry job runs after midnight; the timeline still says the deadline
    passed on the deadline's day, and the span counts to it."""
    from .helpers import send_and_get_link

    sent_day = datetime.date(2030, 3, 1)
    time_machine.move_to(at(3, 1), tick=False)
    interview = InterviewRequestFactory(deadline=datetime.date(2030, 3, 15))
    send_and_get_link(interview, django_capture_on_commit_callbacks)
    time_machine.move_to(at(3, 16, 0) + datetime.timedelta(minutes=5), tick=False)
    assert interview_states.expire_overdue() == 1
    interview.refresh_from_db()

    page = case_study_drafts.draft_failure_case_study(interview, user=interview.owner)

    [timeline] = [block.value for block in page.body if block.block_type == "timeline"]
    deadline_passes = [e for e in timeline["events"] if "Frist" in e["what"]]
    assert [e["date"].iso for e in deadline_passes] == ["2030-03-15"]
    [figures] = [block.value for block in page.body if block.block_type == "key_figures"]
    assert figures["heading"].endswith(f"in {(datetime.date(2030, 3, 15) - sent_day).days} Tagen")


def test_a_story_of_a_request_that_ended_the_day_it_began_reads_the_same_day(case_study_index):
    interview = InterviewRequestFactory(status=InterviewStatus.DECLINED, sent_at=at(3, 1))
    event(interview, 3, 1, kind="invitation", channel="email", summary="Einladung")
    event(interview, 3, 1, 15, kind="declined", channel="form", direction="in", summary="Kein Interesse")

    page = case_study_drafts.draft_failure_case_study(interview, user=interview.owner)

    [figures] = [block.value for block in page.body if block.block_type == "key_figures"]
    assert figures["heading"] == "1 E-Mail, 0 Anrufe, 1 Antwort am selben Tag"
    assert "0 Tag" not in str(page.body.raw_data) and "0 Tag" not in page.summary


@pytest.fixture
def public_index(demo):
    """A case-study index the site serves (the demo's home page and site)."""
    from tests.casestudies.factories import make_index

    return make_index(demo["home"])


def test_the_published_page_escapes_the_log_and_never_shows_internal_notes(client, expired, public_index):
    page = case_study_drafts.draft_failure_case_study(expired, user=expired.owner)
    with guards.waived():
        page.get_latest_revision().publish()

    html = client.get(CaseStudyPage.objects.get(pk=page.pk).url).content.decode()

    assert f"Brief mit unserem Angebot {ESCAPED}" in html and f"Keine Reaktion {ESCAPED}" in html
    assert EVIL not in html
    assert '<time datetime="2030-03">März 2030</time>' in html
    assert html.count("Datum unbekannt") == 1
    for hidden in (
        "GEHEIM",
        "genervt",
        "Gespeichert",
        "Fragebogen geöffnet",
        "Widerspruch",
        "schweigen.test",
    ):
        assert hidden not in html


def test_a_declined_request_tells_the_refusal(case_study_index):
    interview = InterviewRequestFactory(status=InterviewStatus.IN_PROGRESS, contact__company__name="Nein AG")
    interview_states.decline(interview, reason="Keine Zeit für Interviews.")

    page = case_study_drafts.draft_failure_case_study(interview, user=interview.owner)

    assert page.title == "Nein AG: eine Absage"
    [timeline] = [block.value for block in page.body if block.block_type == "timeline"]
    [refusal] = timeline["events"]
    assert (refusal["what"], refusal["outcome"], refusal["direction"]) == (
        "Das Unternehmen lehnt über den Fragebogen ab.",
        "Keine Zeit für Interviews.",
        "in",
    )


def test_the_action_is_offered_once_and_only_for_expired_or_declined_requests(
    client, expired, case_study_index
):
    editor = author_user("failure-editor")
    client.force_login(editor)
    running = InterviewRequestFactory(owner=editor, status=InterviewStatus.SENT)
    expired.owner = editor
    expired.save()

    def offered(interview) -> bool:
        action = reverse("interview_requests:action", args=[interview.pk, "failure_draft"])
        return (
            action in client.get(reverse("interview_requests:inspect", args=[interview.pk])).content.decode()
        )

    assert offered(expired) and not offered(running)
    refused = client.post(
        reverse("interview_requests:action", args=[running.pk, "failure_draft"]), follow=True
    )
    assert "Nur eine abgelaufene oder abgelehnte Anfrage" in refused.content.decode()
    assert not CaseStudyPage.objects.exists()

    client.post(reverse("interview_requests:action", args=[expired.pk, "failure_draft"]))
    again = client.post(reverse("interview_requests:action", args=[expired.pk, "failure_draft"]), follow=True)
    assert "hat schon eine Fallstudie" in again.content.decode()
    assert CaseStudyPage.objects.count() == 1
    assert not offered(expired)


def test_the_request_page_shows_the_log_as_a_timeline_with_true_dates(client, expired):
    editor = author_user("timeline-editor")
    expired.owner = editor
    expired.save()
    client.force_login(editor)

    html = client.get(reverse("interview_requests:inspect", args=[expired.pk])).content.decode()

    assert 'class="contact-timeline"' in html
    assert "März 2030" in html and "Datum unbekannt" in html
    assert "Sekretariat: nur per E-Mail erreichbar." in html
    assert "GEHEIM" in html  # editors see their internal notes, marked as such
    assert html.count("contact-timeline__event--internal") == 3
