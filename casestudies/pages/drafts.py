"""Draft case studies made from an interview request.

A request that expired or was declined becomes a draft failure case study
(draft_failure_case_study): a timeline built from the public part of the
contact log and key figures counted from it (casestudies.pages.timeline).

An accepted interview becomes a draft CaseStudyPage (or a new draft revision
of the case study the request was written for): the interview block with the
questions and final answers, the photos the editor chose for it
(interviews.photo_review), in that order, copied from private storage
into Wagtail's image library with their caption and credit, the company, the
owner's author profile and the question set's series. The draft then goes
through the moderation workflow like any page; nothing here publishes.

Content is written in the site's language, not the contact's: the contact's
answers stay as they gave them."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone, translation
from django.utils.text import slugify
from django.utils.translation import gettext
from wagtail.coreutils import find_available_slug
from wagtail.images import get_image_model
from wagtail.log_actions import log
from wagtail.models import Collection

from blog.models import Author, Authorship
from casestudies.interviews import delivery, photo_review, statuses
from casestudies.interviews import states as interview_states
from casestudies.interviews.models import InterviewPhoto, InterviewRequest, InterviewStatus
from casestudies.pages import placeholders, private_images
from casestudies.pages import timeline as contact_timeline
from casestudies.pages.models import CaseStudyIndexPage, CaseStudyPage
from casestudies.pages.outcomes import Outcome
from casestudies.refusals import ActionRefused

INTERVIEW_COLLECTION = "Interviews"


class NoCaseStudyIndex(ActionRefused):
    def __init__(self):
        super().__init__(gettext("There is no case-study index page yet to put the case study under."))


def case_study_index() -> CaseStudyIndexPage:
    index = CaseStudyIndexPage.objects.first()
    if index is None:
        raise NoCaseStudyIndex()
    return index


def owner_authors(request: InterviewRequest) -> list[Author]:
    """The author profile the request's owner writes as, if they have one."""
    if request.owner_id is None:
        return []
    return list(Author.objects.filter(user_id=request.owner_id))


def new_draft(
    request: InterviewRequest,
    *,
    user,
    title: str,
    summary: str,
    outcome: str,
    body: list[tuple[str, object]],
    feed_image=None,
    slug: str = "",
    verdict: str = "",
    tags: Iterable[str] = (),
) -> CaseStudyPage:
    """A new, unpublished case study about the request's company, saved as a
    first revision by `user`, and linked to the request."""
    index = case_study_index()
    series = request.question_set.series if request.question_set_id else None
    page = CaseStudyPage(
        title=title,
        slug=find_available_slug(index, slug or slugify(title) or "fallstudie"),
        company_id=request.company_id,
        outcome=outcome,
        summary=summary,
        date=timezone.localdate(),
        series=series,
        body=body,
        feed_image=feed_image,
        verdict=verdict,
        live=False,
        owner=user if getattr(user, "pk", None) else None,
    )
    page.authorships = [Authorship(author=a, sort_order=i) for i, a in enumerate(owner_authors(request))]
    index.add_child(instance=page)
    if tags:
        page.tags.add(*tags)
    page.save_revision(user=user if getattr(user, "pk", None) else None, log_action=True)
    InterviewRequest.objects.filter(pk=request.pk).update(case_study=page)
    request.case_study = page
    return page


def add_to_draft(
    page: CaseStudyPage, *, user, body: list[tuple[str, object]], feed_image=None
) -> CaseStudyPage:
    """Append blocks to the newest revision of an existing case study, as a new
    draft revision: the live version stays as it is until someone publishes."""
    draft = page.get_latest_revision_as_object()
    draft.body = [*((block.block_type, block.value) for block in draft.body), *body]
    if draft.feed_image_id is None and feed_image is not None:
        draft.feed_image = feed_image
    draft.save_revision(user=user if getattr(user, "pk", None) else None, log_action=True)
    return draft


# From accepted answers --------------------------------------------------------------


def interview_block(request: InterviewRequest) -> tuple[str, dict]:
    contact = request.contact
    pairs = [
        {
            "question": question.text,
            "answer": question.answer.text,
            "photo": None,
            "photo_caption": "",
            "photo_credit": "",
        }
        for question in request.questions.select_related("answer").order_by("sort_order", "pk")
        if getattr(question, "answer", None) and question.answer.text.strip()
    ]
    interviewee = ", ".join(part for part in (contact.name, contact.role) if part)
    return ("interview", {"interviewee": interviewee, "pairs": pairs})


def import_photo(photo: InterviewPhoto, *, user) -> object:
    """Copy an accepted photo (stripped of all metadata but its orientation tag) into the image
    library, once, as a private image under a random name (pages/private_images):
    readers get it only through a live page that shows it. The upload stays where it is.

    Called inside the accepting transaction, which holds the request's row
    lock: the image's row is written now, and its file is copied after commit
    (a rolled-back accept leaves no file behind)."""
    if photo.image_id:
        return photo.image
    collection = _interview_collection()
    title = photo.caption or gettext("Photo from %(company)s") % {"company": photo.request.company.name}
    image = get_image_model()(
        title=title[:255],
        collection=collection,
        uploaded_by_user=user if getattr(user, "pk", None) else None,
        width=photo.width,
        height=photo.height,
    )
    image.file.name = private_images.private_original_name()
    # Cleaned already when it was uploaded (interviews.photos): blog.image_metadata
    # has nothing to strip (renditions honour the orientation tag it kept), and no
    # file to read yet. Width and height are the photo's upright ones.
    image._metadata_stripped = True
    image.save()
    photo.image = image
    photo.save(update_fields=["image"])
    transaction.on_commit(lambda: _copy_photo_file(photo.pk, image.pk))
    return image


def _copy_photo_file(photo_pk: int, image_pk: int) -> None:
    photo = InterviewPhoto.objects.filter(pk=photo_pk).first()
    image = get_image_model().objects.filter(pk=image_pk).first()
    if photo is None or image is None:
        return
    with photo.file.open("rb") as source:
        content = source.read()
    name = image.file.storage.save(image.file.name, ContentFile(content))
    image.file_size = len(content)
    image.file_hash = hashlib.sha1(content, usedforsecurity=False).hexdigest()  # as Wagtail's upload sets it
    fields = ["file_size", "file_hash"]
    if name != image.file.name:  # the storage chose another name for a taken one
        image.file.name = name
        fields.append("file")
    image.save(update_fields=fields)


def photo_blocks(photos: Iterable[InterviewPhoto], *, user) -> list[tuple[str, dict]]:
    blocks = []
    for photo in photos:
        image = import_photo(photo, user=user)
        blocks.append(
            (
                "image",
                {
                    "image": {"image": image, "alt_text": photo.caption, "decorative": False},
                    "caption": photo.caption,
                    "credit": photo.credit,
                },
            )
        )
    return blocks


def draft_from_accepted_interview(request: InterviewRequest, *, user) -> CaseStudyPage:
    """The draft case study of an accepted interview: new, or a new revision of
    the case study the request was written for."""
    # Only the photos the editor chose, in the editor's order: no other becomes an image.
    photos = photo_review.draft_photos(request)
    with translation.override(settings.LANGUAGE_CODE):
        body = [interview_block(request), *photo_blocks(photos, user=user)]
        feed_image = photos[0].image if photos else None
        if request.case_study_id:
            return add_to_draft(request.case_study, user=user, body=body, feed_image=feed_image)
        company, contact = request.company, request.contact
        return new_draft(
            request,
            user=user,
            title=placeholders.interview_title(company.name),
            summary=placeholders.interview_summary(company.name, contact.role),
            outcome=Outcome.OPEN,
            body=body,
            feed_image=feed_image,
        )


def _interview_collection() -> Collection:
    root = Collection.get_first_root_node()
    existing = root.get_children().filter(name=INTERVIEW_COLLECTION).first()
    return existing or root.add_child(name=INTERVIEW_COLLECTION)


def on_interview_accepted(sender, request: InterviewRequest, user, **kwargs) -> None:
    draft_from_accepted_interview(request, user=user)


def on_last_notice_sent(sender, request: InterviewRequest, event, user, **kwargs) -> None:
    add_event_to_failure_draft(request, event, user=user)


def on_case_study_published(sender, instance, revision=None, **kwargs) -> None:
    """Publishing the case study closes its accepted interviews as published."""
    user = getattr(revision, "user", None)
    for request in InterviewRequest.objects.filter(case_study=instance, status=InterviewStatus.ACCEPTED):
        interview_states.publish(request, user=user)


# From an unanswered request ---------------------------------------------------------


class AlreadyHasCaseStudy(ActionRefused):
    def __init__(self, page):
        super().__init__(
            gettext("This request already has a case study: “%(title)s”. Edit that one.")
            % {"title": page.title}
        )


def draft_failure_case_study(
    request: InterviewRequest,
    *,
    user,
    title: str = "",
    summary: str = "",
    intro: str | None = None,
    extra_blocks: Iterable[tuple[str, object]] = (),
    slug: str = "",
    verdict: str = "",
    tags: Iterable[str] = (),
) -> CaseStudyPage:
    """The draft failure case study of an expired or declined request: the
    company, the owner's author, a timeline from the public contact log and
    key figures counted from it, then `extra_blocks` (the demo adds its own
    figures and lessons). Editors edit it; it goes live through the workflow
    after the last notice (casestudies.publishing.last_notice).

    `intro` is HTML (rich text); without it the timeline opens the story, under the summary."""
    with transaction.atomic():
        locked = interview_states.lock(request)
        if locked.status not in statuses.SILENT:
            raise ActionRefused(gettext("Only an expired or declined request becomes a failure case study."))
        if locked.case_study_id:
            raise AlreadyHasCaseStudy(locked.case_study)
        if refusal := delivery.failure_refusal(locked):
            raise ActionRefused(refusal)
        with translation.override(settings.LANGUAGE_CODE):
            events = contact_timeline.public_events(locked)
            figures = contact_timeline.count(events)
            company = locked.company.name
            declined = locked.status == InterviewStatus.DECLINED
            title = title or (
                gettext("%(company)s: a refusal") if declined else gettext("%(company)s: no answer")
            ) % {"company": company}
            summary = summary or gettext("We asked %(company)s for an interview: %(figures)s.") % {
                "company": company,
                "figures": figures.sentence(),
            }
            # The summary already stands above the body as its lead; the story
            # opens with the editors' own words, or straight with the timeline.
            body = [
                *([("text", intro)] if intro else []),
                contact_timeline.timeline_block(locked, events),
                contact_timeline.key_figures_block(figures),
                *extra_blocks,
            ]
            page = new_draft(
                locked,
                user=user,
                title=title,
                summary=summary,
                outcome=Outcome.FAILURE,
                body=body,
                slug=slug,
                verdict=verdict,
                tags=tags,
            )
        log(locked, "casestudies.interview.failure_draft", user=user, data={"page": page.pk})
    request.case_study = page
    return page


# As the contact log grows -----------------------------------------------------------


def open_to_system_edits(page: CaseStudyPage | None) -> bool:
    """Whether Casebook may add to a failure draft by itself: only while it is
    a draft nobody is reviewing. A page in moderation or live is the editors'
    to change (a new revision would withdraw what they are approving)."""
    return page is not None and not page.live and not page.workflow_in_progress


def _without_ids(value):
    if isinstance(value, dict):
        return {key: _without_ids(item) for key, item in value.items() if key != "id"}
    if isinstance(value, list):
        return [_without_ids(item) for item in value]
    return value


def _same_content(block, raw: dict) -> bool:
    mine = block.block.get_prep_value(block.value)
    generated = block.block.get_prep_value(block.block.to_python(raw))
    return _without_ids(mine) == _without_ids(generated)


def add_event_to_failure_draft(request: InterviewRequest, event, *, user) -> bool:
    """Add a new public contact event (the last notice) to the timeline of the
    request's failure draft, as a new draft revision, and bring the key
    figures up to date if they are still the ones Casebook counted (figures an
    editor rewrote stay as written). False when there is nothing to update:
    no draft, a draft in moderation or live, or no timeline block in it."""
    page = CaseStudyPage.objects.filter(pk=request.case_study_id).first()
    if not open_to_system_edits(page) or not contact_timeline.is_public(event):
        return False
    draft = page.get_latest_revision_as_object()
    with translation.override(settings.LANGUAGE_CODE):
        events = contact_timeline.public_events(request)
        before = contact_timeline.count([e for e in events if e.pk != event.pk])
        _, counted_before = contact_timeline.key_figures_block(before)
        _, counted_now = contact_timeline.key_figures_block(contact_timeline.count(events))
        new_event = contact_timeline.timeline_event(event, request)
    body, added = [], False
    for block in draft.body:
        value = block.value
        if block.block_type == "timeline" and not added:
            value = {"heading": value["heading"], "events": [*value["events"], new_event]}
            added = True
        elif block.block_type == "key_figures" and _same_content(block, counted_before):
            value = counted_now
        body.append((block.block_type, value))
    if not added:
        return False
    draft.body = body
    draft.save_revision(user=user if getattr(user, "pk", None) else None, log_action=True)
    return True
