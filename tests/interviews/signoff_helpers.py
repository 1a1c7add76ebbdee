"""Helpers for walking a case study through the company sign-off, shared by
the sign-off tests and the browser tests (the best-practice path)."""

from __future__ import annotations

import copy
import importlib
import json
import re

from django.apps import apps as django_apps
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core import mail
from wagtail.models import Workflow, WorkflowState

from blog.models import Author
from casestudies.interviews import states as interview_states
from casestudies.models import Answer, CaseStudyPage, InterviewRequest, InterviewStatus, Outcome, SignOff
from casestudies.signoff import task as signoff_task

from .factories import InterviewRequestFactory

SIGNOFF_LINK = re.compile(r"https?://\S+/interview/freigabe/[^/\s]+/")

QUESTIONS = ["Wie kam es zur Kampagne?", "Was haben Sie gelernt?"]
ANSWERS = [
    "Aus einem Tweet, den ein Kunde an einem Sonntag schrieb.",
    "Zuhören ist wichtiger als senden. Wir antworten heute binnen einer Stunde.",
]


def editorial_workflow_with_signoff() -> Workflow:
    """The workflow "Redaktionelle Freigabe" with the company sign-off first, then the
    editors' approval. Recreates the groups and the workflow when a
    transactional test flushed what the data migrations had made."""
    if not Workflow.objects.filter(name=signoff_task.WORKFLOW_NAME).exists():
        roles = importlib.import_module("casestudies.migrations.0003_editorial_roles_and_workflow")
        roles.forwards(django_apps, None)
    workflow = Workflow.objects.get(name=signoff_task.WORKFLOW_NAME)
    signoff_task.add_to_workflow(workflow)
    return workflow


def ensure_case_study_index():
    """The case-study index, also in a database a transactional test flushed."""
    from blog.demo import _root_page
    from blog.models import HomePage
    from tests.casestudies.factories import make_index

    home = HomePage.objects.first() or _root_page().add_child(instance=HomePage(title="Start", slug="start"))
    return make_index(home)


def user_in(group_name: str, username: str, **fields):
    user = get_user_model().objects.filter(username=username).first()
    if user is None:
        fields.setdefault("email", f"{username}@casebook.test")
        user = get_user_model().objects.create_user(username, password="pw", **fields)
    user.groups.add(Group.objects.get(name=group_name))
    return user


def complete_checklist(page: CaseStudyPage, *, user=None) -> CaseStudyPage:
    """What an editor does before publishing the draft of an accepted interview
    (the pre-publication checklist): its own title and summary, an outcome."""
    draft = type(page).objects.get(pk=page.pk).get_latest_revision_as_object()
    draft.title = f"So arbeitet {draft.company.name}"
    draft.summary = f"{draft.company.name} erzählt, was im Kundenservice funktioniert."
    draft.outcome = Outcome.BEST_PRACTICE
    if not draft.live:  # as the edit view saves a draft page's row too
        draft.save()
    draft.save_revision(user=user)
    return draft


def accepted_case_study(
    *, questions=QUESTIONS, answers=ANSWERS, owner=None, complete=True, **request_fields
) -> tuple[InterviewRequest, CaseStudyPage]:
    """An interview answered, submitted and accepted: its draft case study,
    completed by the editor as the checklist asks (unless `complete` is False).
    Needs a case-study index (the `case_study_index` fixture)."""
    if owner is not None:
        request_fields["owner"] = owner
    interview = InterviewRequestFactory(questions=list(questions), **request_fields)
    # The owner writes as an author: the draft gets its byline.
    owner = interview.owner
    Author.objects.get_or_create(
        user=owner, defaults={"name": owner.get_full_name() or owner.username, "slug": f"autor-{owner.pk}"}
    )
    for question, text in zip(interview.questions.order_by("sort_order"), answers, strict=False):
        Answer.objects.create(question=question, text=text)
    InterviewRequest.objects.filter(pk=interview.pk).update(status=InterviewStatus.IN_PROGRESS)
    interview.refresh_from_db()
    interview_states.submit(interview)
    interview_states.accept(interview, user=interview.owner)
    interview.refresh_from_db()
    page = CaseStudyPage.objects.get(pk=interview.case_study_id)
    if complete:
        complete_checklist(page, user=interview.owner)
        page.refresh_from_db()
    return interview, page


def edit_answer(page: CaseStudyPage, number: int, text: str, *, user=None) -> CaseStudyPage:
    """Save a new revision with the number-th interview answer (1-based) replaced."""
    draft = type(page).objects.get(pk=page.pk).get_latest_revision_as_object()
    raw = copy.deepcopy(list(draft.body.raw_data))
    pairs = [pair for block in raw if block["type"] == "interview" for pair in block["value"]["pairs"]]
    pairs[number - 1]["value"]["answer"] = text
    draft.body = json.dumps(raw)
    draft.save_revision(user=user, log_action=True)
    return draft


def photo(title: str):
    """A library image large enough for every rendition width the templates ask for."""
    from django.core.files.images import ImageFile
    from wagtail.images import get_image_model
    from wagtail.images.tests.utils import get_test_image_file

    image = get_image_model()(title=title)
    image.file = ImageFile(get_test_image_file(size=(1300, 900)), name=f"{title.lower()}.png")
    image.save()
    return image


def add_photos(page, *, caption="Das Team im Callcenter", credit="Foto: Telefonica"):
    """A new revision with a hero image, an image block and a photo beside the first answer."""
    draft = type(page).objects.get(pk=page.pk).get_latest_revision_as_object()
    hero, block_image, pair_image = photo("Hero"), photo("Block"), photo("Paar")
    raw = copy.deepcopy(list(draft.body.raw_data))
    first = next(block for block in raw if block["type"] == "interview")["value"]["pairs"][0]["value"]
    first.update(
        photo={"image": pair_image.pk, "alt_text": caption, "decorative": False},
        photo_caption=caption,
        photo_credit=credit,
    )
    raw.append(
        {
            "type": "image",
            "value": {
                "image": {"image": block_image.pk, "alt_text": caption, "decorative": False},
                "caption": caption,
                "credit": credit,
            },
        }
    )
    draft.body = json.dumps(raw)
    draft.hero_image = hero
    draft.save_revision()
    return draft


def submit(page: CaseStudyPage, user) -> WorkflowState:
    """Submit for moderation as the edit view does: resume a workflow that
    needs changes, else start a new one."""
    state = WorkflowState.objects.for_instance(page).active().first()
    if state is not None and state.status == WorkflowState.STATUS_NEEDS_CHANGES:
        state.resume(user)
        state.refresh_from_db()
        return state
    return page.get_workflow().start(page, user)


def signoff_link(to: str | None = None) -> str:
    """The sign-off link of the newest email (to that address) in the outbox."""
    for message in reversed(mail.outbox):
        if to and to not in message.to:
            continue
        match = SIGNOFF_LINK.search(message.body)
        if match:
            return match.group(0)
    raise AssertionError("no sign-off link in the outbox")


def current_sign_off(page: CaseStudyPage) -> SignOff:
    return SignOff.objects.filter(page_id=page.pk).order_by("-pk").first()


def workflow_state(page) -> WorkflowState | None:
    return WorkflowState.objects.for_instance(page).order_by("-created_at", "-pk").first()
