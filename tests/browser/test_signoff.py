"""The sign-off step of the best-practice path, in Chromium: the contact opens
the link from the email, sees their answers beside the edited ones, flags an
answer with a comment; the author revises; the contact approves."""

from __future__ import annotations

import pytest
from django.core import mail
from wagtail.models import WorkflowState

from casestudies.models import SignOff, SignOffStatus
from tests.casestudies.factories import make_index
from tests.interviews.signoff_helpers import (
    accepted_case_study,
    add_photos,
    edit_answer,
    editorial_workflow_with_signoff,
    submit,
    user_in,
)

from .signoff import contact_signs_off
from .test_accessibility import axe_violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def no_axe_violations(page) -> None:
    assert axe_violations(page) == []


def test_the_contact_flags_an_answer_then_approves_the_revised_text(
    live_server, demo, page, screenshot, settings
):
    settings.SITE_BASE_URL = live_server.url
    make_index(demo["home"])
    editorial_workflow_with_signoff()
    author = user_in("Authors", "autorin", first_name="Anna", last_name="Autorin")
    interview, study = accepted_case_study(owner=author, contact__name="Dana Beispiel")
    edit_answer(study, 2, "Zuhören ist wichtiger als senden.")
    add_photos(study)
    mail.outbox.clear()
    submit(study, author)

    confirmation = contact_signs_off(
        page,
        to=interview.contact.email,
        comments={"answer-2": "Bitte den Satz zur Antwortzeit wieder aufnehmen."},
        screenshot=screenshot,
        step="1-flag",
        check=no_axe_violations,
    )

    assert "Kommentare erhalten" in confirmation
    flagged = SignOff.objects.get(status=SignOffStatus.FLAGGED)
    assert flagged.flags[0]["comment"] == "Bitte den Satz zur Antwortzeit wieder aufnehmen."
    state = WorkflowState.objects.for_instance(study).get()
    assert state.status == WorkflowState.STATUS_NEEDS_CHANGES

    # The author puts the sentence back and submits again: a new link goes out.
    edit_answer(study, 2, "Zuhören ist wichtiger als senden. Wir antworten heute binnen einer Stunde.")
    submit(study, author)

    confirmation = contact_signs_off(
        page, to=interview.contact.email, screenshot=screenshot, step="2-approve", expect_changes=False
    )

    assert "freigegeben" in confirmation
    approved = SignOff.objects.get(status=SignOffStatus.APPROVED)
    assert approved.revision_id == type(study).objects.get(pk=study.pk).latest_revision_id
    state.refresh_from_db()
    assert state.status == WorkflowState.STATUS_IN_PROGRESS
    assert type(state.current_task_state.task.specific).__name__ == "GroupApprovalTask"
