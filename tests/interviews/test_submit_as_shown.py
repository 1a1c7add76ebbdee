"""A submission takes the text the contact sees: a tab that does not show
what another tab saved since is told so, shown the saved answers, and
submits nothing until it submits again."""

from __future__ import annotations

import pytest

from casestudies.interviews.questionnaire.forms import text_digest
from casestudies.models import Answer, InterviewStatus

pytestmark = pytest.mark.django_db


def page_post(interview, texts: dict, shown: dict, action: str) -> dict:
    """What a questionnaire page sends: each answer's text and the digest of the text it showed."""
    data = {"action": action, "round": "0"}
    for question in interview.questions.all():
        data[f"answer_{question.pk}"] = texts[question.pk]
        data[f"answer_{question.pk}_shown"] = text_digest(shown[question.pk])
    return data


def test_a_stale_tab_is_told_another_tab_changed_the_answers_and_submits_only_what_it_then_sees(
    client, opened, interview
):
    questions = list(interview.questions.order_by("sort_order"))
    first = questions[0]
    drafts = {q.pk: f"Entwurf zu {q.text}" for q in questions}
    empty = {q.pk: "" for q in questions}
    assert client.post(opened, page_post(interview, drafts, empty, "save")).status_code == 200

    # Another tab saves a new text of the first answer; this tab still shows the draft.
    other = client.post(
        opened + "autosave/",
        {"question": first.pk, "text": "Aus dem anderen Tab.", "revision_tab": "tab-b", "revision_seq": "1"},
    )
    assert other.json()["ok"]
    refused = client.post(opened, page_post(interview, drafts, drafts, "submit"))

    assert refused.status_code == 409
    page = refused.content.decode()
    assert "Es wurde nichts abgeschickt" in page
    assert "In einem anderen Tab oder Fenster geändert." in page
    assert "Aus dem anderen Tab." in page  # the tab now shows the other tab's text
    interview.refresh_from_db()
    assert interview.status == InterviewStatus.IN_PROGRESS
    assert not Answer.objects.filter(question__request=interview, is_final=True).exists()

    seen = {**drafts, first.pk: "Aus dem anderen Tab."}
    submitted = client.post(opened, page_post(interview, seen, seen, "submit"))
    assert submitted.status_code == 302
    interview.refresh_from_db()
    assert interview.status == InterviewStatus.SUBMITTED
    assert Answer.objects.get(question=first).text == "Aus dem anderen Tab."


def test_the_stale_tabs_own_changes_are_kept_when_its_submission_is_refused(client, opened, interview):
    first, second, third = interview.questions.order_by("sort_order")
    drafts = {first.pk: "Eins", second.pk: "Zwei", third.pk: "Drei"}
    empty = dict.fromkeys(drafts, "")
    client.post(opened, page_post(interview, drafts, empty, "save"))
    client.post(opened + "autosave/", {"question": second.pk, "text": "Zwei, anderswo geändert."})

    typed = {**drafts, first.pk: "Eins, hier geändert."}
    client.post(opened, page_post(interview, typed, drafts, "submit"))

    assert dict(Answer.objects.filter(question__request=interview).values_list("question_id", "text")) == {
        first.pk: "Eins, hier geändert.",
        second.pk: "Zwei, anderswo geändert.",
        third.pk: "Drei",
    }
    interview.refresh_from_db()
    assert interview.status == InterviewStatus.IN_PROGRESS


def test_in_english_the_stale_tab_reads_it_in_english(client, opened, interview):
    from django.utils import translation

    first = interview.questions.order_by("sort_order").first()
    drafts = {q.pk: "Text" for q in interview.questions.all()}
    client.post(opened, page_post(interview, drafts, dict.fromkeys(drafts, ""), "save"))
    client.post(opened + "autosave/", {"question": first.pk, "text": "Other tab"})
    interview.language = "en"
    interview.save(update_fields=["language"])
    with translation.override("en"):
        refused = client.post(opened, page_post(interview, drafts, drafts, "submit"))
    assert (
        "Nothing was submitted: your answers were changed in another tab or window"
        in refused.content.decode()
    )
