"""The pre-publication checklist (casestudies.pages.checklist): the draft of
an accepted interview cannot go live as Casebook wrote it, by any door, and
the editor sees what is missing at the top of the editor. A held page says
why at the top of its editor (the last notice's reply window, with its date)."""

from __future__ import annotations

import datetime
import json

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from wagtail.models import Revision

from casestudies.models import CaseStudyPage, Outcome
from casestudies.pages import checklist, guards
from tests.casestudies.factories import make_case_study
from tests.factories import make_image
from tests.interviews.signoff_helpers import accepted_case_study, complete_checklist
from tests.interviews.test_last_notice import (  # noqa: F401 (fixtures)
    edit_form,
    editor,
    long_date,
    notice,
    silent,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def draft(case_study_index, editor):  # noqa: F811
    _interview, page = accepted_case_study(owner=editor, complete=False)
    return page


def latest(page):
    return CaseStudyPage.objects.get(pk=page.pk).get_latest_revision_as_object()


def test_the_unedited_draft_misses_its_title_summary_and_outcome(draft):
    missing = checklist.missing(latest(draft))
    assert len(missing) == 3
    assert any("Titel" in text for text in missing)
    assert any("Zusammenfassung" in text for text in missing)
    assert any("offen" in text for text in missing)
    # What the editor writes instead is accepted.
    assert checklist.missing(complete_checklist(draft)) == []


def test_the_placeholders_are_recognised_in_english_too(draft):
    page = latest(draft)
    page.title = f"Interview: {page.company.name}"
    page.summary = f"{page.company.name} answers our questions. (Head of Service)"
    missing = checklist.missing(page)
    assert len(missing) == 3


def test_an_image_needs_alt_text_and_a_credit(draft):
    page = complete_checklist(draft)
    bare = make_image(title="Teamfoto")
    page.body = json.dumps(
        [
            *page.body.raw_data,
            {"type": "image", "value": {"image": {"image": bare.pk, "alt_text": "", "decorative": False}}},
        ]
    )
    missing = checklist.missing(page)
    assert len(missing) == 2 and all("Teamfoto" in text for text in missing)
    # Decorative needs no alt text, but still a credit.
    page.body = json.dumps(
        [
            *page.body.raw_data[:-1],
            {
                "type": "image",
                "value": {"image": {"image": bare.pk, "alt_text": "", "decorative": True}, "credit": ""},
            },
        ]
    )
    [only] = checklist.missing(page)
    assert "Teamfoto" in only


def test_a_failure_story_needs_a_dated_event(case_study_index):
    page = make_case_study(case_study_index, live=False, outcome=Outcome.FAILURE, body=[])
    [only] = checklist.missing(page)
    assert "Zeitstrahl" in only or "Chronik" in only or "datierte" in only
    assert checklist.missing(make_case_study(case_study_index, live=False)) == []


def test_code_cannot_publish_the_unedited_draft(draft):
    with pytest.raises(guards.PublicationRefused):
        latest(draft).save_revision().publish()
    assert not CaseStudyPage.objects.get(pk=draft.pk).live


def test_the_publish_button_keeps_the_edit_and_publishes_only_a_complete_page(client, draft, editor):  # noqa: F811
    client.force_login(editor)
    data = edit_form(client, draft, "action-publish")
    data["title"] = "Noch ein Titel"
    response = client.post(reverse("wagtailadmin_pages:edit", args=[draft.pk]), data, follow=True)
    page = CaseStudyPage.objects.get(pk=draft.pk)
    assert not page.live and page.draft_title == "Noch ein Titel"  # saved as a draft, nothing lost
    html = response.content.decode()
    assert "Checkliste" in html and "Zusammenfassung" in html

    data = edit_form(client, draft, "action-publish")
    data["summary"] = "Wie ein Callcenter ruhiger wurde."
    data["outcome"] = Outcome.BEST_PRACTICE
    client.post(reverse("wagtailadmin_pages:edit", args=[draft.pk]), data)
    assert CaseStudyPage.objects.get(pk=draft.pk).live


def test_the_panel_shows_what_is_missing(client, draft, editor):  # noqa: F811
    client.force_login(editor)
    html = client.get(reverse("wagtailadmin_pages:edit", args=[draft.pk])).content.decode()
    assert html.count('data-checklist-item="missing"') == 3
    complete_checklist(draft)
    html = client.get(reverse("wagtailadmin_pages:edit", args=[draft.pk])).content.decode()
    assert 'data-checklist-item="missing"' not in html


def test_bulk_publishing_refuses_the_unedited_draft(client, draft, editor):  # noqa: F811
    client.force_login(editor)
    bulk = reverse("wagtail_bulk_action", args=("wagtailcore", "page", "publish")) + f"?id={draft.pk}"
    response = client.post(bulk, follow=True)
    assert "Checkliste" in response.content.decode()
    assert not CaseStudyPage.objects.get(pk=draft.pk).live


def test_scheduled_publishing_refuses_the_unedited_draft(draft, django_capture_on_commit_callbacks):
    latest(draft).save_revision(approved_go_live_at=timezone.now() - datetime.timedelta(minutes=5))
    with django_capture_on_commit_callbacks(execute=True):
        call_command("publish_scheduled_pages")
    assert not CaseStudyPage.objects.get(pk=draft.pk).live
    assert not Revision.objects.filter(object_id=str(draft.pk), approved_go_live_at__isnull=False).exists()


def test_a_held_page_says_why_at_the_top_of_its_editor(
    client,
    silent,  # noqa: F811
    editor,  # noqa: F811
    django_capture_on_commit_callbacks,
):
    interview, page = silent
    client.force_login(editor)
    html = client.get(reverse("wagtailadmin_pages:edit", args=[page.pk])).content.decode()
    assert "noch keine letzte Benachrichtigung" in html
    notice(interview, django_capture_on_commit_callbacks, planned=8, reply_days=7)
    interview.refresh_from_db()
    html = client.get(reverse("wagtailadmin_pages:edit", args=[page.pk])).content.decode()
    assert long_date(interview.notice_reply_until) in html


def test_a_page_waiting_for_the_sign_off_says_until_when(
    client, case_study_index, django_capture_on_commit_callbacks
):
    from casestudies.signoff import service as signoffs
    from tests.interviews.signoff_helpers import editorial_workflow_with_signoff, submit, user_in

    editorial_workflow_with_signoff()
    author = user_in("Authors", "autorin")
    _interview, page = accepted_case_study(owner=author, contact__name="Dana Beispiel")
    with django_capture_on_commit_callbacks(execute=True):
        submit(page, author)
    sign_off = signoffs.current_sign_off(CaseStudyPage.objects.get(pk=page.pk))
    client.force_login(user_in("Editors", "redakteur"))
    html = client.get(reverse("wagtailadmin_pages:edit", args=[page.pk])).content.decode()
    assert "Dana Beispiel" in html and signoffs._date(sign_off.deadline) in html
