"""No surprises: before a failure case study goes live the contact gets a last
notice (the planned date, a reply window, a fresh link); the workflow and
every publish button hold the page until the window is over; a late answer
reopens the request and the failure story waits."""

from __future__ import annotations

import datetime

import pytest
from django.contrib.auth.models import Group
from django.core import mail
from django.urls import reverse
from django.utils import formats, timezone
from wagtail.models import ModelLogEntry, Revision, TaskState, WorkflowState
from wagtail.test.utils.form_data import querydict_from_html

from blog.models import Author
from casestudies.companies import opt_out
from casestudies.interviews import states as interview_states
from casestudies.interviews import statuses
from casestudies.models import (
    Answer,
    CaseStudyPage,
    ContactEvent,
    InterviewRequest,
    InterviewStatus,
    LastNoticeTask,
)
from casestudies.pages import drafts as case_study_drafts
from casestudies.pages import guards
from casestudies.publishing import last_notice
from tests.streamfield_posts import post_data

from .factories import InterviewRequestFactory, UserFactory
from .helpers import link_in, token_of

pytestmark = pytest.mark.django_db


def in_days(days: int) -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=days)


def long_date(value: datetime.date) -> str:
    return formats.date_format(value, "DATE_FORMAT")


def member_of(group: str, username: str):
    user = UserFactory(username=username)
    user.groups.add(Group.objects.get(name=group))
    return user


@pytest.fixture
def editor():
    return member_of("Editors", "chefredakteurin")


@pytest.fixture
def silent(case_study_index, editor):
    """An expired request (the deadline passed without answers) with its failure draft."""
    Author.objects.create(name="Erika Redakteurin", slug="erika", user=editor)
    interview = InterviewRequestFactory(owner=editor, status=InterviewStatus.SENT, sent_at=timezone.now())
    interview_states.expire(interview)
    page = case_study_drafts.draft_failure_case_study(interview, user=editor)
    interview.refresh_from_db()
    return interview, page


def notice(interview, capture, *, planned=8, reply_days=7, **kwargs):
    with capture(execute=True):
        return interview_states.send_last_notice(
            interview,
            user=interview.owner,
            planned_publication=in_days(planned),
            reply_days=reply_days,
            **kwargs,
        )


def test_the_last_notice_brings_the_date_the_window_and_a_fresh_link(
    client, silent, django_capture_on_commit_callbacks
):
    interview, _ = silent
    mail.outbox.clear()

    notice(interview, django_capture_on_commit_callbacks, planned=10, reply_days=7)

    [message] = mail.outbox
    assert message.to == [interview.contact.email]
    assert message.subject.startswith("Vor der Veröffentlichung: unsere Fallstudie über")
    assert f"am {long_date(in_days(10))} eine Fallstudie veröffentlichen" in message.body
    assert f"noch bis {long_date(in_days(7))} beantworten" in message.body
    html = message.alternatives[0][0]
    assert long_date(in_days(10)) in html and "/interview/optout/" in html
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    event = interview.events.get(kind="last_notice")
    assert (event.channel, event.direction, event.internal) == ("email", "out", False)
    assert long_date(in_days(10)) in event.summary
    assert ModelLogEntry.objects.filter(action="casestudies.interview.last_notice").count() == 1
    # The fresh link opens the questionnaire of the expired request, ready for answers.
    questionnaire = client.get(f"/interview/{token_of(link_in(message))}/")["Location"]
    page = client.get(questionnaire).content.decode()
    assert "Die Frist ist abgelaufen, aber wir freuen uns" in page
    assert 'name="action" value="submit"' in page
    interview.refresh_from_db()
    assert interview.status == InterviewStatus.EXPIRED  # reading is not answering


def test_opening_the_last_notices_link_is_logged_as_opened_once(
    client, silent, django_capture_on_commit_callbacks
):
    interview, _ = silent
    notice(interview, django_capture_on_commit_callbacks)
    questionnaire = client.get(f"/interview/{token_of(link_in(mail.outbox[-1]))}/")["Location"]

    for _ in range(3):
        assert client.get(questionnaire).status_code == 200

    [opened] = interview.events.filter(kind="opened")
    assert (opened.channel, opened.direction, opened.who) == ("form", "in", interview.contact.name)
    assert "letzten Hinweis" in opened.summary
    interview.refresh_from_db()
    assert interview.status == InterviewStatus.EXPIRED
    # The editor sees it in the request's contact log.
    client.force_login(interview.owner)
    assert (
        "letzten Hinweis"
        in client.get(reverse("interview_requests:inspect", args=[interview.pk])).content.decode()
    )


def test_a_late_submission_reopens_the_request_tells_the_owner_and_holds_the_story(
    client, silent, django_capture_on_commit_callbacks
):
    interview, page = silent
    notice(interview, django_capture_on_commit_callbacks)
    questionnaire = client.get(f"/interview/{token_of(link_in(mail.outbox[-1]))}/")["Location"]
    client.get(questionnaire)
    mail.outbox.clear()
    answers = {f"answer_{q.pk}": f"Späte Antwort {q.pk}." for q in interview.questions.all()}

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(questionnaire, {**answers, "action": "submit"})

    assert response.status_code == 302
    interview.refresh_from_db()
    assert interview.status == InterviewStatus.SUBMITTED
    assert Answer.objects.filter(question__request=interview, is_final=True).count() == 2
    reopened = interview.events.get(kind="state_change", summary__startswith="Nach der Frist")
    assert reopened.direction == "in"
    assert ModelLogEntry.objects.filter(action="casestudies.interview.reopened").count() == 1
    to_owner = [m.subject for m in mail.outbox if m.to == [interview.owner.email]]
    assert f"{interview.company.name} hat doch noch geantwortet" in to_owner
    assert any("Antworten von" in subject for subject in to_owner)
    assert "doch noch geantwortet" in last_notice.refusal(page)


def test_a_late_save_reopens_with_a_new_deadline_that_the_expiry_job_respects(
    client, silent, django_capture_on_commit_callbacks
):
    interview, _ = silent
    notice(interview, django_capture_on_commit_callbacks)
    questionnaire = client.get(f"/interview/{token_of(link_in(mail.outbox[-1]))}/")["Location"]
    first = interview.questions.order_by("sort_order").first()

    client.post(questionnaire, {f"answer_{first.pk}": "Ein Anfang.", "action": "save"})

    interview.refresh_from_db()
    assert interview.status == InterviewStatus.IN_PROGRESS
    assert interview.deadline == in_days(interview_states.REOPEN_DAYS)
    assert interview_states.expire_overdue() == 0
    assert client.get(questionnaire).status_code == 200


def test_an_editor_logging_a_late_reply_reopens_the_request(
    client, silent, django_capture_on_commit_callbacks
):
    interview, page = silent
    client.force_login(interview.owner)
    url = reverse("interview_requests:action", args=[interview.pk, "log"])
    assert "eine späte Antwort öffnet die Anfrage wieder" in client.get(url).content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            url,
            {
                "channel": "email",
                "direction": "in",
                "kind": "reply",
                "summary": "Doch noch Interesse, bitte schicken Sie die Fragen erneut.",
                "reopen": "on",
            },
        )

    interview.refresh_from_db()
    assert interview.status == InterviewStatus.IN_PROGRESS
    assert [m.subject for m in mail.outbox if m.to == [interview.owner.email]][-1].endswith(
        "hat doch noch geantwortet"
    )
    assert "doch noch geantwortet" in last_notice.refusal(page)
    # The old link stays dead; the editor sends a new one.
    assert (
        reverse("interview_requests:action", args=[interview.pk, "resend"])
        in client.get(reverse("interview_requests:inspect", args=[interview.pk])).content.decode()
    )


def test_a_reply_logged_without_reopening_leaves_the_request_expired(client, silent):
    interview, _ = silent
    client.force_login(interview.owner)

    client.post(
        reverse("interview_requests:action", args=[interview.pk, "log"]),
        {"channel": "phone", "direction": "in", "kind": "reply", "summary": "Kein Interesse."},
    )

    interview.refresh_from_db()
    assert interview.status == InterviewStatus.EXPIRED
    assert interview.events.filter(kind="reply").exists()


def test_refused_notices_change_nothing(client, silent, django_capture_on_commit_callbacks):
    interview, _ = silent
    client.force_login(interview.owner)
    url = reverse("interview_requests:action", args=[interview.pk, "notice"])
    assert client.get(url).status_code == 200

    too_early = client.post(
        url, {"reply_days": 7, "planned_publication": in_days(7).isoformat(), "channel": "email"}
    )
    assert "muss nach der Antwortfrist liegen" in too_early.content.decode()
    with pytest.raises(interview_states.ActionRefused):
        interview_states.send_last_notice(
            InterviewRequestFactory(status=InterviewStatus.SENT),
            user=interview.owner,
            planned_publication=in_days(10),
        )
    opt_out.record(interview.contact, "")
    refused = client.post(
        url, {"reply_days": 7, "planned_publication": in_days(9).isoformat(), "channel": "email"}, follow=True
    )
    assert "widersprochen, E-Mails von uns zu bekommen" in refused.content.decode()

    interview.refresh_from_db()
    assert interview.notice_sent_at is None
    assert not interview.events.filter(kind="last_notice").exists()
    assert not [m for m in mail.outbox if m.to == [interview.contact.email]]

    # A contact who opted out hears by letter; that notice is recorded, nothing is emailed.
    client.post(url, {"reply_days": 7, "planned_publication": in_days(9).isoformat(), "channel": "letter"})
    interview.refresh_from_db()
    assert interview.notice_reply_until == in_days(7)
    assert interview.events.get(kind="last_notice").channel == "letter"
    assert not [m for m in mail.outbox if m.to == [interview.contact.email]]


# The workflow and the publish buttons ------------------------------------------------


def edit_form(client, page, action: str):
    response = client.get(reverse("wagtailadmin_pages:edit", args=[page.pk]))
    assert response.status_code == 200
    data = querydict_from_html(response.content.decode(), form_id="page-edit-form")
    data[action] = action
    # What the editor's JavaScript posts: the body as it is (a failure story keeps its timeline).
    draft = page.get_latest_revision_as_object()
    data.update(post_data(draft.body.stream_block, draft.body, "body"))
    return data


def workflow_action(client, page, action: str, task_state, data=None):
    url = reverse("wagtailadmin_pages:workflow_action", args=[page.pk, action, task_state.pk])
    return client.post(url, data or {"comment": ""})


def test_the_workflow_holds_the_failure_story_until_the_reply_window_is_over(
    client, silent, editor, time_machine, django_capture_on_commit_callbacks
):
    interview, page = silent
    author = member_of("Authors", "autorin")
    # The request is the author's: another author's draft does not open for them.
    InterviewRequest.objects.filter(pk=interview.pk).update(owner=author)
    client.force_login(author)
    client.post(reverse("wagtailadmin_pages:edit", args=[page.pk]), edit_form(client, page, "action-submit"))
    state = WorkflowState.objects.get(object_id=str(page.pk))
    client.force_login(editor)
    workflow_action(client, page, "approve", state.current_task_state)  # the editors' review

    state.refresh_from_db()
    task_state = state.current_task_state
    assert isinstance(task_state.task.specific, LastNoticeTask)
    assert task_state.status == TaskState.STATUS_IN_PROGRESS
    task = task_state.task.specific
    assert [name for name, *_ in task.get_actions(page, editor)] == ["reject"]
    refused = workflow_action(client, page, "approve", task_state)  # a stale or crafted form
    assert refused.status_code == 302 and refused["Location"] == reverse("wagtailadmin_home")
    page.refresh_from_db()
    task_state.refresh_from_db()
    assert not page.live and task_state.status == TaskState.STATUS_IN_PROGRESS
    edit_page = client.get(reverse("wagtailadmin_pages:edit", args=[page.pk])).content.decode()
    assert "Veröffentlichung wartet" in edit_page and "noch keine letzte Benachrichtigung" in edit_page

    notice(interview, django_capture_on_commit_callbacks, planned=8, reply_days=7)
    workflow_action(client, page, "approve", task_state)  # the window is open
    assert not CaseStudyPage.objects.get(pk=page.pk).live
    assert f"ab {long_date(in_days(8))} erscheinen" in last_notice.refusal(page)

    time_machine.move_to(timezone.now() + datetime.timedelta(days=8), tick=False)
    assert [name for name, *_ in task.get_actions(page, editor)] == ["reject", "approve"]
    assert workflow_action(client, page, "approve", task_state).status_code == 302

    page = CaseStudyPage.objects.get(pk=page.pk)
    assert page.live
    state.refresh_from_db()
    assert state.status == WorkflowState.STATUS_APPROVED
    interview.refresh_from_db()
    assert interview.status == InterviewStatus.EXPIRED


def test_a_story_whose_window_closed_before_review_is_published_by_the_review(
    client, silent, editor, time_machine, django_capture_on_commit_callbacks
):
    interview, page = silent
    notice(interview, django_capture_on_commit_callbacks, planned=8, reply_days=7)
    time_machine.move_to(timezone.now() + datetime.timedelta(days=9), tick=False)
    client.force_login(editor)
    client.post(reverse("wagtailadmin_pages:edit", args=[page.pk]), edit_form(client, page, "action-submit"))
    state = WorkflowState.objects.get(object_id=str(page.pk))

    workflow_action(client, page, "approve", state.current_task_state)

    assert CaseStudyPage.objects.get(pk=page.pk).live
    last = TaskState.objects.filter(workflow_state=state).order_by("pk").last()
    assert (last.task.specific.__class__, last.status) == (LastNoticeTask, "approved")


def test_a_direct_publish_is_refused_clearly_and_changes_nothing(
    client, silent, editor, time_machine, django_capture_on_commit_callbacks
):
    interview, page = silent
    client.force_login(editor)
    assert page.permissions_for_user(editor).can_publish()
    data = edit_form(client, page, "action-publish")
    data["title"] = "Geänderter Titel"
    revisions = Revision.objects.filter(object_id=str(page.pk)).count()

    response = client.post(reverse("wagtailadmin_pages:edit", args=[page.pk]), data, follow=True)

    assert "noch keine letzte Benachrichtigung" in response.content.decode()
    page = CaseStudyPage.objects.get(pk=page.pk)
    assert not page.live and page.draft_title != "Geänderter Titel"
    assert Revision.objects.filter(object_id=str(page.pk)).count() == revisions
    assert not WorkflowState.objects.filter(object_id=str(page.pk)).exists()
    before = ContactEvent.objects.filter(request=interview).count()

    # Bulk publishing from the page listing: refused with the reason as well.
    bulk = reverse("wagtail_bulk_action", args=("wagtailcore", "page", "publish")) + f"?id={page.pk}"
    refused = client.post(bulk, follow=True)
    assert "noch keine letzte Benachrichtigung" in refused.content.decode()
    assert not CaseStudyPage.objects.get(pk=page.pk).live
    # And in code (scheduled publishing, a stale workflow approval).
    with pytest.raises(guards.PublicationRefused):
        page.get_latest_revision().publish(user=editor)
    assert not CaseStudyPage.objects.get(pk=page.pk).live
    assert ContactEvent.objects.filter(request=interview).count() == before

    # After the notice and its window, the editor publishes as usual.
    notice(interview, django_capture_on_commit_callbacks, planned=8, reply_days=7)
    time_machine.move_to(timezone.now() + datetime.timedelta(days=8), tick=False)
    client.post(reverse("wagtailadmin_pages:edit", args=[page.pk]), edit_form(client, page, "action-publish"))
    assert CaseStudyPage.objects.get(pk=page.pk).live


def test_a_notice_from_before_the_request_reopened_and_expired_again_no_longer_counts(
    client, silent, time_machine, django_capture_on_commit_callbacks
):
    interview, page = silent
    notice(interview, django_capture_on_commit_callbacks, planned=8, reply_days=7)
    interview_states.log_contact(
        interview, user=interview.owner, channel="phone", direction="in", kind="reply", summary="Vielleicht."
    )
    time_machine.move_to(
        timezone.now() + datetime.timedelta(days=interview_states.REOPEN_DAYS + 1), tick=False
    )
    assert interview_states.expire_overdue() == 1
    interview.refresh_from_db()

    assert interview.status == InterviewStatus.EXPIRED
    assert not statuses.notice_counts(interview)
    assert "noch keine letzte Benachrichtigung" in last_notice.refusal(page)


def test_pages_without_an_unanswered_request_pass_the_step(case_study_index):
    from tests.casestudies.factories import make_case_study

    page = make_case_study(case_study_index, live=False)
    assert not last_notice.needs_last_notice(page)
    assert last_notice.refusal(page) is None


def test_a_case_study_an_unanswered_request_was_written_for_publishes_as_usual(case_study_index):
    from casestudies.models import Outcome
    from tests.casestudies.factories import make_case_study

    page = make_case_study(case_study_index, outcome=Outcome.BEST_PRACTICE, live=False)
    InterviewRequestFactory(
        case_study=page, company=page.company, contact__company=page.company, status=InterviewStatus.EXPIRED
    )

    assert last_notice.refusal(page) is None and not last_notice.needs_last_notice(page)
    page.get_latest_revision().publish()
    assert CaseStudyPage.objects.get(pk=page.pk).live


def test_a_declined_request_reopens_when_the_contact_answers_the_notice(
    client, case_study_index, editor, django_capture_on_commit_callbacks
):
    interview = InterviewRequestFactory(
        owner=editor, status=InterviewStatus.IN_PROGRESS, sent_at=timezone.now()
    )
    interview_states.decline(interview, reason="Keine Zeit.")
    case_study_drafts.draft_failure_case_study(interview, user=editor)
    interview.refresh_from_db()
    notice(interview, django_capture_on_commit_callbacks)
    assert "Sie haben unsere Interviewanfrage an" in mail.outbox[-1].body
    questionnaire = client.get(f"/interview/{token_of(link_in(mail.outbox[-1]))}/")["Location"]
    first = interview.questions.order_by("sort_order").first()

    client.post(questionnaire, {f"answer_{first.pk}": "Jetzt doch.", "action": "save"})

    interview.refresh_from_db()
    assert interview.status == InterviewStatus.IN_PROGRESS
    assert "doch noch geantwortet" in last_notice.refusal(interview.case_study)


def notice_in_the_admin(client, interview, capture, *, planned: int):
    """The owner sends the last notice from the request page; the page the admin shows next."""
    with capture(execute=True):
        return client.post(
            reverse("interview_requests:action", args=[interview.pk, "notice"]),
            {"reply_days": 7, "planned_publication": in_days(planned).isoformat(), "channel": "email"},
            follow=True,
        )


def draft_blocks(page, block_type: str):
    draft = CaseStudyPage.objects.get(pk=page.pk).get_latest_revision_as_object()
    return [block.value for block in draft.body if block.block_type == block_type]


def test_the_notice_joins_the_drafts_timeline_and_its_counted_figures(
    client, silent, django_capture_on_commit_callbacks
):
    interview, page = silent
    [timeline] = draft_blocks(page, "timeline")
    events_before = len(timeline["events"])
    [figures] = draft_blocks(page, "key_figures")
    emails_before = int(figures["figures"][0]["value"])
    client.force_login(interview.owner)

    response = notice_in_the_admin(client, interview, django_capture_on_commit_callbacks, planned=10)

    assert "Die Zeitleiste im Entwurf endet jetzt mit der Benachrichtigung" in response.content.decode()
    [timeline] = draft_blocks(page, "timeline")
    assert len(timeline["events"]) == events_before + 1
    last = timeline["events"][-1]
    assert "Letzte Benachrichtigung" in last["what"] and long_date(in_days(10)) in last["what"]
    assert last["date"].label == long_date(timezone.localdate())
    [figures] = draft_blocks(page, "key_figures")
    assert int(figures["figures"][0]["value"]) == emails_before + 1
    assert figures["heading"].startswith(f"{emails_before + 1} E-Mail")
    assert not CaseStudyPage.objects.get(pk=page.pk).live


def test_figures_an_editor_rewrote_stay_as_written(silent, django_capture_on_commit_callbacks):
    interview, page = silent
    draft = page.get_latest_revision_as_object()
    draft.body = [
        (
            b.block_type,
            {"heading": "Unsere Zählung", "figures": [{"label": "Briefe", "value": "2", "unit": ""}]},
        )
        if b.block_type == "key_figures"
        else (b.block_type, b.value)
        for b in draft.body
    ]
    draft.save_revision(user=interview.owner)

    notice(interview, django_capture_on_commit_callbacks)

    [figures] = draft_blocks(page, "key_figures")
    assert figures["heading"] == "Unsere Zählung" and figures["figures"][0]["value"] == 2
    assert "Letzte Benachrichtigung" in draft_blocks(page, "timeline")[0]["events"][-1]["what"]


def test_a_draft_in_moderation_is_left_to_the_editors(client, silent, django_capture_on_commit_callbacks):
    interview, page = silent
    client.force_login(interview.owner)
    client.post(reverse("wagtailadmin_pages:edit", args=[page.pk]), edit_form(client, page, "action-submit"))
    revisions = Revision.objects.filter(object_id=str(page.pk)).count()

    response = notice_in_the_admin(client, interview, django_capture_on_commit_callbacks, planned=10)

    assert "Der Entwurf blieb unverändert" in response.content.decode()
    assert Revision.objects.filter(object_id=str(page.pk)).count() == revisions
    assert interview.events.filter(kind="last_notice").count() == 1
