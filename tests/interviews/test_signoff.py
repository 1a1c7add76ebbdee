"""The company sign-off, walked through Wagtail's moderation workflow:
approve; flag, revise and approve again; edit after approval; deadline,
reminder and override; pages that have nothing to sign off."""

from __future__ import annotations

import datetime

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from wagtail.models import PageLogEntry, TaskState, WorkflowState

from casestudies.interviews import tokens
from casestudies.models import (
    CaseStudyPage,
    CompanySignOffTask,
    ContactEvent,
    EventKind,
    InterviewStatus,
    OutgoingEmail,
    SignOff,
    SignOffStatus,
)
from casestudies.signoff import links as signoff_links
from casestudies.signoff import service as signoffs
from casestudies.signoff import task as signoff_task
from tests.casestudies.factories import make_case_study

from .signoff_helpers import (
    accepted_case_study,
    current_sign_off,
    edit_answer,
    editorial_workflow_with_signoff,
    signoff_link,
    submit,
    user_in,
    workflow_state,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def workflow(case_study_index):
    return editorial_workflow_with_signoff()


@pytest.fixture
def people(workflow):
    return {
        "author": user_in("Authors", "autorin", first_name="Anna", last_name="Autorin"),
        "editor": user_in("Editors", "redakteur", first_name="Rolf", last_name="Redakteur"),
    }


@pytest.fixture
def study(people, django_capture_on_commit_callbacks):
    """An accepted interview's draft, submitted by its author: waiting for the company."""
    interview, page = accepted_case_study(owner=people["author"], contact__name="Dana Beispiel")
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        submit(page, people["author"])
    return interview, page


def opened(client: Client, link: str) -> str:
    response = client.get(link.replace("http://testserver", ""))
    assert response.status_code == 302
    return response["Location"]


def decide(client: Client, url: str, decision: str, **comments) -> object:
    data = {"decision": decision, **{f"comment-{key}": text for key, text in comments.items()}}
    return client.post(url, data)


def events(interview, *kinds) -> list[ContactEvent]:
    return list(interview.events.filter(kind__in=kinds).order_by("occurred_at", "pk"))


def current_task(page):
    state = WorkflowState.objects.for_instance(page).active().first()
    return state.current_task_state.task.specific if state and state.current_task_state else None


# Asking the company ---------------------------------------------------------------------------------


def test_the_task_is_in_the_workflow_before_the_editors_approval(workflow):
    tasks = [task.specific for task in workflow.tasks]
    names = [type(task).__name__ for task in tasks]
    # The company reads first, then the editors approve (a last notice for
    # failure stories, issue 5, may follow).
    assert names[:2] == ["CompanySignOffTask", "GroupApprovalTask"]
    assert tasks[0].name == "Freigabe durch das Unternehmen"
    assert tasks[0].reply_days == 7
    assert list(tasks[0].groups.values_list("name", flat=True)) == ["Editors"]
    # Idempotent.
    signoff_task.add_to_workflow(workflow)
    assert workflow.tasks.count() == len(tasks)


def test_submitting_sends_the_contact_a_link_to_that_revision(study):
    interview, page = study
    sign_off = current_sign_off(page)

    assert sign_off.status == SignOffStatus.PENDING
    assert sign_off.revision == page.get_latest_revision()
    assert sign_off.revision_number == sign_off.revision.pk
    assert sign_off.deadline == timezone.localdate() + datetime.timedelta(days=7)
    [message] = [m for m in mail.outbox if interview.contact.email in m.to]
    assert message.subject == f"Bitte geben Sie den Text frei: {page.title}"
    link = signoff_link(interview.contact.email)
    token = link.rstrip("/").rsplit("/", 1)[-1]
    assert len(token) >= 43
    # Only the hash is stored; the sent body is emptied once relayed.
    assert sign_off.token_hash == tokens.hash_token(token)
    assert not OutgoingEmail.objects.filter(text__contains=token).exists()
    [event] = events(interview, EventKind.SIGNOFF_REQUESTED)
    assert event.direction == "out" and event.channel == "email"
    # By role, never by address: the log outlives the person's data.
    assert "an die Kontaktperson" in event.summary and interview.contact.email not in event.summary
    assert f"Version {sign_off.revision_number}" in event.summary
    assert PageLogEntry.objects.filter(page=page, action="casestudies.signoff.requested").exists()
    assert current_task(page).name == "Freigabe durch das Unternehmen"


def test_approving_moves_the_workflow_on_and_keeps_the_evidence(
    client, study, people, django_capture_on_commit_callbacks
):
    interview, page = study
    url = opened(client, signoff_link(interview.contact.email))
    assert client.get(url).status_code == 200
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        response = decide(client, url, "approve")

    assert response.status_code == 302
    sign_off = current_sign_off(page)
    assert sign_off.status == SignOffStatus.APPROVED
    assert sign_off.decided_by == "Dana Beispiel, Head of Social Media"
    assert sign_off.decided_by_email == interview.contact.email
    assert sign_off.decided_at is not None
    assert [a["answer"] for a in sign_off.snapshot["answers"]] == [
        "Aus einem Tweet, den ein Kunde an einem Sonntag schrieb.",
        "Zuhören ist wichtiger als senden. Wir antworten heute binnen einer Stunde.",
    ]
    assert sign_off.snapshot["revision"] == sign_off.revision_number
    assert len(sign_off.snapshot_sha256) == 64
    # Wagtail's workflow: the company's step approved (by no Wagtail user), the editors' next.
    task_state = TaskState.objects.get(pk=sign_off.task_state_id)
    assert task_state.status == TaskState.STATUS_APPROVED and task_state.finished_by is None
    assert "Kontaktperson" in task_state.comment and "Dana Beispiel" not in task_state.comment
    assert type(current_task(page)).__name__ == "GroupApprovalTask"
    # The contact log: requested, opened, approved.
    assert [e.kind for e in events(interview, *[k for k in EventKind.values if k.startswith("signoff")])] == [
        "signoff_requested",
        "signoff_opened",
        "signoff_approved",
    ]
    # A copy for the contact, a notice for the owner (who is also the author who submitted).
    recipients = sorted(address for m in mail.outbox for address in m.to)
    assert interview.contact.email in recipients and people["author"].email in recipients
    copy = next(m for m in mail.outbox if interview.contact.email in m.to)
    assert "Zuhören ist wichtiger als senden" in copy.body
    # The editors approve and publish the signed-off revision.
    task_state = WorkflowState.objects.for_instance(page).active().get().current_task_state
    task_state.approve(user=people["editor"])
    page.refresh_from_db()
    assert page.live
    assert page.live_revision_id == sign_off.revision_id


def test_flags_send_the_page_back_with_the_comments_and_a_revision_is_asked_again(
    client, study, people, django_capture_on_commit_callbacks
):
    interview, page = study
    first_link = signoff_link(interview.contact.email)
    url = opened(client, first_link)
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        response = decide(client, url, "flag", **{"answer-2": "Bitte „binnen einer Stunde“ streichen."})

    assert response.status_code == 302
    sign_off = current_sign_off(page)
    assert sign_off.status == SignOffStatus.FLAGGED
    assert sign_off.flags[0]["kind"] == "answer" and sign_off.flags[0]["number"] == 2
    assert sign_off.flags[0]["question"] == "Was haben Sie gelernt?"
    state = workflow_state(page)
    assert state.status == WorkflowState.STATUS_NEEDS_CHANGES
    rejected = state.current_task_state
    assert rejected.status == TaskState.STATUS_REJECTED
    assert "Bitte „binnen einer Stunde“ streichen." in rejected.comment
    assert "Antwort 2" in rejected.comment
    [flagged] = events(interview, EventKind.SIGNOFF_FLAGGED)
    assert "binnen einer Stunde" in flagged.summary and flagged.direction == "in"
    owner_notice = next(
        m for m in mail.outbox if people["author"].email in m.to and "Änderungen" in m.subject
    )
    assert "binnen einer Stunde" in owner_notice.body
    # The comment is in Wagtail's workflow history, for the author to see.
    client.force_login(people["author"])
    history = client.get(reverse("wagtailadmin_pages:workflow_history_detail", args=[page.pk, state.pk]))
    assert history.status_code == 200
    assert "Bitte „binnen einer Stunde“ streichen." in history.content.decode()

    # The author revises and submits again: a new sign-off for the new revision.
    mail.outbox.clear()
    edit_answer(page, 2, "Zuhören ist wichtiger als senden.", user=people["author"])
    with django_capture_on_commit_callbacks(execute=True):
        submit(page, people["author"])
    second = current_sign_off(page)
    page.refresh_from_db()
    assert second.pk != sign_off.pk and second.status == SignOffStatus.PENDING
    assert second.revision == page.get_latest_revision() != sign_off.revision
    # The older link no longer works; the new one does.
    stranger = Client()
    assert stranger.get(first_link.replace("http://testserver", "")).status_code == 404
    new_url = opened(stranger, signoff_link(interview.contact.email))
    preview = stranger.get(new_url).content.decode()
    assert "binnen einer Stunde" in preview  # the original answer, with the cut marked
    assert "<del>" in preview

    assert decide(stranger, new_url, "approve").status_code == 302
    second.refresh_from_db()
    assert second.status == SignOffStatus.APPROVED
    assert second.snapshot["answers"][1]["answer"] == "Zuhören ist wichtiger als senden."
    assert type(current_task(page)).__name__ == "GroupApprovalTask"


def test_an_edit_after_the_approval_asks_the_company_again_before_publication(
    client, study, people, django_capture_on_commit_callbacks
):
    interview, page = study
    url = opened(client, signoff_link(interview.contact.email))
    decide(client, url, "approve")
    approved = current_sign_off(page)
    mail.outbox.clear()

    # An editor changes an answer while approving, as the edit view does it:
    # a new revision, then the workflow action.
    with django_capture_on_commit_callbacks(execute=True):
        edit_answer(page, 1, "Aus einem Tweet.", user=people["editor"])
        editors_step = WorkflowState.objects.for_instance(page).active().get().current_task_state
        editors_step.specific.task.specific.on_action(editors_step, people["editor"], "approve")

    page.refresh_from_db()
    assert not page.live, "an edit after the sign-off must not go live unseen"
    again = current_sign_off(page)
    assert again.pk != approved.pk
    assert again.status == SignOffStatus.PENDING
    assert again.revision == page.get_latest_revision()
    assert approved.revision != again.revision
    assert current_task(page).name == "Freigabe durch das Unternehmen"
    assert signoff_link(interview.contact.email)

    other = Client()
    new_url = opened(other, signoff_link(interview.contact.email))
    preview = other.get(new_url).content.decode()
    assert "Aus einem Tweet<del>" in preview and ", den ein Kunde an einem Sonntag schrieb" in preview
    decide(other, new_url, "approve")
    # The editors see the signed-off text once more, then it goes live.
    editors_step = WorkflowState.objects.for_instance(page).active().get().current_task_state
    assert type(editors_step.task.specific).__name__ == "GroupApprovalTask"
    editors_step.approve(user=people["editor"])
    page.refresh_from_db()
    again.refresh_from_db()
    assert page.live
    assert page.live_revision_id == again.revision_id
    assert again.snapshot["answers"][0]["answer"] == "Aus einem Tweet."


def test_a_newer_revision_of_the_same_text_does_not_ask_the_company_again(
    client, study, people, django_capture_on_commit_callbacks
):
    # Wagtail 8 saves a page by itself half a second after an edit: an
    # autosave arriving just after the submission leaves a newer revision of
    # the very text the company is reading. Their approval still counts.
    interview, page = study
    url = opened(client, signoff_link(interview.contact.email))
    asked = current_sign_off(page)
    page.get_latest_revision_as_object().save_revision(user=people["author"])
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        response = decide(client, url, "approve")

    # The contact sees the confirmation: their link did not die under them.
    assert response.status_code == 302
    confirmation = client.get(response["Location"])
    assert confirmation.status_code == 200 and 'class="notice"' in confirmation.content.decode()
    assert list(SignOff.objects.filter(page_id=page.pk)) == [asked]
    assert not [m for m in mail.outbox if m.subject.startswith("Bitte geben Sie den Text frei")]
    assert type(current_task(page)).__name__ == "GroupApprovalTask"
    # The page's history says why the company was not asked for the newer revision.
    [skipped] = PageLogEntry.objects.filter(page=page, action="casestudies.signoff.skipped")
    assert "bereits freigegeben" in skipped.data["comment"] and "Dana Beispiel" not in skipped.data["comment"]
    # The editors approve; the newest revision, the text the company approved, goes live.
    editors_step = WorkflowState.objects.for_instance(page).active().get().current_task_state
    editors_step.approve(user=people["editor"])
    page.refresh_from_db()
    assert page.live and page.live_revision_id == page.get_latest_revision().pk


# Time -------------------------------------------------------------------------------------------------


def test_one_reminder_then_the_deadline_then_an_editor_overrides_with_a_reason(
    client, study, people, time_machine, django_capture_on_commit_callbacks
):
    interview, page = study
    sign_off = current_sign_off(page)
    old_link = signoff_link(interview.contact.email)
    mail.outbox.clear()
    start = timezone.now()

    with django_capture_on_commit_callbacks(execute=True):
        assert signoffs.send_due_reminders(start + datetime.timedelta(days=3)) == 0
        assert signoffs.send_due_reminders(start + datetime.timedelta(days=4, hours=1)) == 1
        assert signoffs.send_due_reminders(start + datetime.timedelta(days=5)) == 0  # one reminder only

    [reminder] = mail.outbox
    assert reminder.subject.startswith("Erinnerung")
    # Never opened: the reminder carries a fresh link, the old one dies.
    assert signoff_links.for_token(signoff_link().rstrip("/").rsplit("/", 1)[-1]) == sign_off
    assert signoff_links.for_token(old_link.rstrip("/").rsplit("/", 1)[-1]) is None
    assert OutgoingEmail.objects.filter(key=f"signoff:{sign_off.pk}:reminder").count() == 1
    assert len(events(interview, EventKind.SIGNOFF_REMINDER)) == 1

    # Before the deadline editors cannot override.
    task = CompanySignOffTask.objects.get()
    assert task.get_actions(page, people["editor"]) == []
    mail.outbox.clear()

    time_machine.move_to(start + datetime.timedelta(days=8), tick=False)
    with django_capture_on_commit_callbacks(execute=True):
        assert signoffs.mark_overdue() == 1
        assert signoffs.mark_overdue() == 0  # noted once

    [overdue] = events(interview, EventKind.SIGNOFF_OVERDUE)
    assert not overdue.internal
    assert PageLogEntry.objects.filter(page=page, action="casestudies.signoff.overdue").exists()
    assert any(people["author"].email in m.to for m in mail.outbox)
    assert [name for name, _label, _modal in task.get_actions(page, people["editor"])] == ["override"]
    assert task.get_actions(page, people["author"]) == []
    # The override needs a reason, given in the admin's workflow action.
    task_state = WorkflowState.objects.for_instance(page).active().get().current_task_state
    action = reverse("wagtailadmin_pages:workflow_action", args=[page.pk, "override", task_state.pk])
    client.force_login(people["author"])
    client.post(action, {"reason": "Keine Antwort."})  # Wagtail sends the author away
    assert current_sign_off(page).status == SignOffStatus.PENDING
    client.force_login(people["editor"])
    client.post(action, {"reason": ""})
    assert current_sign_off(page).status == SignOffStatus.PENDING

    client.post(action, {"reason": "Zweimal angerufen, keine Rückmeldung; Text ist mit dem Gespräch belegt."})

    sign_off.refresh_from_db()
    assert sign_off.status == SignOffStatus.OVERRIDDEN
    assert sign_off.overridden_by == people["editor"]
    assert sign_off.override_reason.startswith("Zweimal angerufen")
    assert sign_off.token_revoked
    task_state.refresh_from_db()
    assert task_state.status == TaskState.STATUS_APPROVED and task_state.finished_by == people["editor"]
    assert "Zweimal angerufen" in task_state.comment
    [overridden] = events(interview, EventKind.SIGNOFF_OVERRIDDEN)
    assert overridden.internal and overridden.recorded_by == people["editor"]
    assert "Zweimal angerufen" in overridden.summary
    approvals = PageLogEntry.objects.filter(page=page, action="wagtail.workflow.approve")
    assert any("Zweimal angerufen" in entry.data["comment"] for entry in approvals)
    assert type(current_task(page)).__name__ == "GroupApprovalTask"


def test_overdue_sign_offs_wait_on_the_editors_dashboard(study, people, time_machine):
    _interview, page = study
    task = CompanySignOffTask.objects.get()
    assert not task.get_task_states_user_can_moderate(people["editor"]).exists()

    time_machine.move_to(timezone.now() + datetime.timedelta(days=8), tick=False)

    assert task.get_task_states_user_can_moderate(people["editor"]).count() == 1
    assert not task.get_task_states_user_can_moderate(people["author"]).exists()


# What cannot be signed off ------------------------------------------------------------------------------


def test_a_page_without_an_interview_skips_the_task_with_the_reason_in_its_history(
    case_study_index, people, workflow
):
    page = make_case_study(case_study_index, title="Ohne Interview", live=False)

    state = submit(page, people["author"])

    skipped = state.task_states.get(task__name="Freigabe durch das Unternehmen")
    assert skipped.status == TaskState.STATUS_SKIPPED
    assert "kein angenommenes Interview" in skipped.comment
    entry = PageLogEntry.objects.get(page=page, action="casestudies.signoff.skipped")
    assert "kein angenommenes Interview" in entry.data["comment"]
    assert type(current_task(page)).__name__ == "GroupApprovalTask"
    assert not SignOff.objects.exists()


def test_a_page_that_shows_an_interview_without_a_linked_request_is_sent_back(
    case_study_index, people, workflow
):
    interview, page = accepted_case_study(owner=people["author"])
    type(interview).objects.filter(pk=interview.pk).update(case_study=None)

    state = submit(page, people["author"])

    assert state.status == WorkflowState.STATUS_NEEDS_CHANGES
    refused = state.current_task_state
    assert refused.status == TaskState.STATUS_REJECTED
    assert "keine angenommene Interview-Anfrage" in refused.comment
    assert not SignOff.objects.exists()


def test_a_contact_without_an_email_address_cannot_sign_off(case_study_index, people, workflow):
    interview, page = accepted_case_study(owner=people["author"])
    interview.contact.email = ""
    interview.contact.save()

    state = submit(page, people["author"])

    assert state.status == WorkflowState.STATUS_NEEDS_CHANGES
    assert "keine E-Mail-Adresse" in state.current_task_state.comment


def test_the_author_sees_why_the_task_refused_after_submitting_in_the_admin(
    client, case_study_index, people, workflow
):
    from tests.casestudies.test_workflow import edit_form_data

    interview, page = accepted_case_study(owner=people["author"])
    interview.contact.email = ""
    interview.contact.save()
    client.force_login(people["author"])
    data = edit_form_data(client, page, "action-submit")

    response = client.post(reverse("wagtailadmin_pages:edit", args=[page.pk]), data, follow=True)

    assert "hat keine E-Mail-Adresse" in response.content.decode()
    assert workflow_state(page).status == WorkflowState.STATUS_NEEDS_CHANGES


# Other ways a sign-off ends -----------------------------------------------------------------------------


def test_cancelling_the_workflow_kills_the_link(client, study, people):
    interview, page = study
    link = signoff_link(interview.contact.email)

    workflow_state(page).cancel(user=people["editor"])

    assert current_sign_off(page).status == SignOffStatus.CANCELLED
    assert client.get(link.replace("http://testserver", "")).status_code == 404
    note = interview.events.filter(kind=EventKind.NOTE).last()
    assert note.internal and "abgebrochen" in note.summary


def test_of_two_decisions_only_the_first_counts(client, study):
    interview, page = study
    url = opened(client, signoff_link(interview.contact.email))
    sign_off = current_sign_off(page)
    signoffs.approve(sign_off)

    with pytest.raises(signoffs.DecisionRefused):
        signoffs.flag(
            sign_off, [{"key": "general", "kind": "general", "number": None, "comment": "Doch nicht."}]
        )
    response = decide(client, url, "flag", general="Doch nicht.")

    assert response.status_code == 409
    assert current_sign_off(page).status == SignOffStatus.APPROVED
    assert len(events(interview, EventKind.SIGNOFF_APPROVED, EventKind.SIGNOFF_FLAGGED)) == 1


def test_authors_wait_while_the_company_reads_and_editors_may_still_edit(client, study, people):
    _interview, page = study
    edit = reverse("wagtailadmin_pages:edit", args=[page.pk])

    client.force_login(people["author"])
    assert "Freigabe durch das Unternehmen" in client.get(edit).content.decode()
    assert page.get_lock().for_user(people["author"])
    assert not page.get_lock().for_user(people["editor"])


def test_the_publication_closes_the_interview_as_published(client, study, people):
    interview, page = study
    decide(client, opened(client, signoff_link(interview.contact.email)), "approve")

    WorkflowState.objects.for_instance(page).active().get().current_task_state.approve(user=people["editor"])

    interview.refresh_from_db()
    assert interview.status == InterviewStatus.PUBLISHED
    assert CaseStudyPage.objects.get(pk=page.pk).live


def test_the_reminder_must_come_before_the_deadline():
    from django.core.exceptions import ValidationError

    task = CompanySignOffTask(name="Kurz", reply_days=3, reminder_after_days=3)
    with pytest.raises(ValidationError):
        task.full_clean()
    CompanySignOffTask(name="Kurz", reply_days=3, reminder_after_days=0).full_clean()


# The record ------------------------------------------------------------------------------------------------


def test_the_request_page_shows_every_sign_off_step_in_the_contact_log(client, study):
    from .factories import UserFactory

    interview, page = study
    url = opened(client, signoff_link(interview.contact.email))
    client.get(url)
    decide(client, url, "flag", **{"answer-1": "Bitte genauer."})
    client.force_login(UserFactory(username="chefin", is_superuser=True))

    html = client.get(reverse("interview_requests:inspect", args=[interview.pk])).content.decode()

    for step in ("Freigabe angefragt", "Freigabe geöffnet", "Freigabe: Änderungswünsche"):
        assert step in html
    assert "Änderungswünsche des Unternehmens" in html  # the sign-off's status
    assert "Bitte genauer." in html
    assert f"Version {current_sign_off(page).revision_number}" in html


def test_export_and_erasure_cover_the_sign_off(client, study):
    from casestudies import privacy

    interview, page = study
    decide(client, opened(client, signoff_link(interview.contact.email)), "approve")
    email = interview.contact.email

    [exported] = privacy.export_person(email)["interview_requests"]
    [record] = exported["sign_offs"]
    assert record["status"] == "approved" and record["decided_by"].startswith("Dana Beispiel")
    assert record["text_decided_on"]["answers"][0]["question"] == "Wie kam es zur Kampagne?"

    privacy.erase_person(email)

    sign_off = current_sign_off(page)
    assert sign_off.decided_by == privacy.ERASED_NAME and sign_off.decided_by_email == ""
    assert sign_off.token_revoked
    assert sign_off.snapshot["answers"]  # what was approved stays, without the person


# In the Wagtail admin ----------------------------------------------------------------------------------------


def test_an_editor_who_edits_while_approving_in_the_admin_asks_the_company_again(
    client, study, people, django_capture_on_commit_callbacks
):
    from tests.casestudies.test_workflow import edit_form_data

    interview, page = study
    decide(client, opened(client, signoff_link(interview.contact.email)), "approve")
    approved = current_sign_off(page)
    client.force_login(people["editor"])
    data = edit_form_data(client, page, "action-workflow-action")
    data["workflow-action-name"] = "approve"
    data["title"] = "Kundenzufriedenheit als Chefsache"
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("wagtailadmin_pages:edit", args=[page.pk]), data)

    page.refresh_from_db()
    assert not page.live
    again = current_sign_off(page)
    assert again.pk != approved.pk and again.status == SignOffStatus.PENDING
    assert again.revision_id == page.latest_revision_id
    assert again.revision.as_object().title == "Kundenzufriedenheit als Chefsache"
    assert any(interview.contact.email in m.to for m in mail.outbox)


def test_the_override_form_asks_for_a_reason(client, study, people, time_machine):
    _interview, page = study
    time_machine.move_to(timezone.now() + datetime.timedelta(days=8), tick=False)
    task_state = WorkflowState.objects.for_instance(page).active().get().current_task_state
    client.force_login(people["editor"])

    response = client.get(
        reverse("wagtailadmin_pages:workflow_action", args=[page.pk, "override", task_state.pk]),
        headers={"x-requested-with": "XMLHttpRequest"},
    )

    assert response.status_code == 200
    html = response.json()["html"]
    assert 'name="reason"' in html and "Begründung" in html


def test_editors_can_create_and_configure_the_task_in_the_admin(client):
    from .factories import UserFactory

    client.force_login(UserFactory(username="chefin", is_superuser=True))
    url = reverse("wagtailadmin_workflows:add_task", args=["casestudies", "companysignofftask"])

    form = client.get(url)
    created = client.post(url, {"name": "Freigabe (kurz)", "reply_days": "3", "reminder_after_days": "1"})

    assert form.status_code == 200 and 'name="reply_days"' in form.content.decode()
    assert created.status_code == 302
    assert CompanySignOffTask.objects.get(name="Freigabe (kurz)").reply_days == 3


# Publishing outside the workflow ---------------------------------------------------------------


def test_an_editor_cannot_publish_past_the_company_from_the_editor(client, people):
    from tests.casestudies.test_workflow import edit_form_data

    interview, page = accepted_case_study(owner=people["author"])  # a draft, not yet submitted
    client.force_login(people["editor"])
    edit_page = client.get(reverse("wagtailadmin_pages:edit", args=[page.pk])).content.decode()
    assert 'name="action-publish"' not in edit_page
    assert f"{interview.contact.name} hat diesen Text nicht freigegeben" in edit_page
    assert 'name="action-submit"' in edit_page
    revisions = page.revisions.count()
    data = edit_form_data(client, page, "action-publish")  # a stale page or a crafted form
    data["title"] = "Schnell noch live"

    response = client.post(reverse("wagtailadmin_pages:edit", args=[page.pk]), data, follow=True)

    assert f"{interview.contact.name} hat diesen Text nicht freigegeben" in response.content.decode()
    page.refresh_from_db()
    assert not page.live and page.revisions.count() == revisions
    assert not SignOff.objects.filter(page_id=page.pk).exists()


def test_text_the_company_approved_still_goes_live_only_through_the_workflow(client, study, people):
    from tests.casestudies.test_workflow import edit_form_data

    interview, page = study
    decide(client, opened(client, signoff_link(interview.contact.email)), "approve")
    WorkflowState.objects.for_instance(page).active().get().cancel(user=people["editor"])
    client.force_login(people["editor"])
    data = edit_form_data(client, page, "action-publish")
    data["title"] = "Nach der Freigabe umgeschrieben"

    response = client.post(reverse("wagtailadmin_pages:edit", args=[page.pk]), data, follow=True)

    assert f"damit {interview.contact.name} die endgültige Fassung freigibt" in response.content.decode()
    assert not CaseStudyPage.objects.get(pk=page.pk).live


def test_only_the_text_the_company_approved_can_go_live(client, study, people):
    from casestudies.pages.guards import PublicationRefused

    interview, page = study
    # Before the company decided: no way live, not even from code or a schedule.
    with pytest.raises(PublicationRefused, match=interview.contact.name):
        page.get_latest_revision().publish(user=people["editor"])
    decide(client, opened(client, signoff_link(interview.contact.email)), "approve")

    # The same text in a newer revision (an unchanged re-save) is still the approved text...
    approved = CaseStudyPage.objects.get(pk=page.pk).get_latest_revision()
    resaved = approved.as_object().save_revision(user=people["editor"])
    assert resaved.pk != approved.pk
    assert signoffs.publication_refusal(resaved.as_object()) is None
    # ...a changed answer is not.
    changed = edit_answer(page, 1, "Ganz anders.", user=people["editor"])
    assert interview.contact.name in signoffs.publication_refusal(changed)
    with pytest.raises(PublicationRefused):
        changed.get_latest_revision().publish(user=people["editor"])
    assert not CaseStudyPage.objects.get(pk=page.pk).live


def test_bulk_publishing_judges_the_newest_revision(client, study, people):
    interview, page = study
    decide(client, opened(client, signoff_link(interview.contact.email)), "approve")
    edit_answer(page, 1, "Nach der Freigabe geändert.", user=people["editor"])
    client.force_login(people["editor"])

    response = client.post(
        reverse("wagtail_bulk_action", args=("wagtailcore", "page", "publish")) + f"?id={page.pk}",
        follow=True,
    )

    assert interview.contact.name in response.content.decode()
    assert not CaseStudyPage.objects.get(pk=page.pk).live
