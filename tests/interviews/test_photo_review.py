"""Photo curation (issue 14, item 4): on review the editor accepts or rejects
each photo, with a reason the contact sees when changes are requested, and
chooses which accepted photos go into the draft and in which order. Only
those become images in the library when the answers are accepted."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth.models import Permission
from django.core import mail
from django.test import Client
from django.urls import reverse
from wagtail.images import get_image_model
from wagtail.models import ModelLogEntry

from casestudies.interviews import photo_review, photos
from casestudies.interviews import states as interview_states
from casestudies.models import InterviewPhoto, InterviewRequest, InterviewStatus, ProcessingState, ReviewState

from .factories import InterviewRequestFactory, UserFactory
from .helpers import jpeg_bytes, link_in, upload
from .test_admin import author_user

pytestmark = pytest.mark.django_db

HOSTILE = '<script>alert("caption")</script><img src=x onerror=alert(1)>'


def with_photos(owner=None, *captions: str, status=InterviewStatus.SUBMITTED) -> InterviewRequest:
    """A request with one photo per caption (distinct files), in `status`."""
    interview = InterviewRequestFactory(
        status=InterviewStatus.IN_PROGRESS, **({"owner": owner} if owner else {})
    )
    for number, caption in enumerate(captions):
        photos.store_photos(
            interview,
            [upload(f"{number}.jpg", jpeg_bytes(color=(40 * number, 90, 200 - 30 * number)))],
            caption=caption,
            credit=f"Foto: {caption}",
        )
    InterviewRequest.objects.filter(pk=interview.pk).update(status=status)
    interview.refresh_from_db()
    return interview


def by_caption(interview: InterviewRequest) -> dict[str, InterviewPhoto]:
    return {photo.caption: photo for photo in interview.photos.all()}


def draft_captions(interview: InterviewRequest) -> list[str]:
    return [photo.caption for photo in photo_review.draft_photos(interview)]


def state(interview: InterviewRequest) -> list[tuple]:
    return list(
        interview.photos.order_by("pk").values_list(
            "review_state", "review_reason", "draft_position", "image"
        )
    )


def photo_log(interview: InterviewRequest) -> list[str]:
    return list(
        ModelLogEntry.objects.filter(object_id=str(interview.pk), action__contains=".photo_")
        .order_by("pk")
        .values_list("action", flat=True)
    )


# The rules ---------------------------------------------------------------------------


def test_accepted_photos_go_into_the_draft_in_the_order_the_editor_chooses():
    interview = with_photos(None, "Team", "Logo", "Büro")
    photo = by_caption(interview)
    editor = interview.owner

    for caption in ("Team", "Logo", "Büro"):
        photo_review.accept_photo(interview, photo[caption].pk, user=editor)
    assert draft_captions(interview) == ["Team", "Logo", "Büro"]

    photo_review.reject_photo(interview, photo["Logo"].pk, user=editor, reason="Nur ein Logo.")
    photo_review.move_photo(interview, photo["Büro"].pk, user=editor, by=-1)
    assert draft_captions(interview) == ["Büro", "Team"]
    assert [p.draft_position for p in photo_review.draft_photos(interview)] == [1, 2]

    photo_review.leave_out_photo(interview, photo["Büro"].pk, user=editor)
    assert draft_captions(interview) == ["Team"]
    photo_review.include_photo(interview, photo["Büro"].pk, user=editor)
    assert draft_captions(interview) == ["Team", "Büro"]

    logo = InterviewPhoto.objects.get(pk=photo["Logo"].pk)
    assert (logo.review_state, logo.review_reason, logo.draft_position) == ("rejected", "Nur ein Logo.", None)
    # Each decision is in the request's history, by whom and about which photo.
    assert photo_log(interview) == [
        "casestudies.interview.photo_accepted",
        "casestudies.interview.photo_accepted",
        "casestudies.interview.photo_accepted",
        "casestudies.interview.photo_rejected",
        "casestudies.interview.photo_arranged",
        "casestudies.interview.photo_arranged",
        "casestudies.interview.photo_arranged",
    ]
    entry = ModelLogEntry.objects.filter(action="casestudies.interview.photo_rejected").get()
    assert entry.user == editor and entry.data["photo"] == logo.pk and entry.data["reason"] == "Nur ein Logo."


@pytest.mark.parametrize("status", [InterviewStatus.IN_PROGRESS, InterviewStatus.ACCEPTED])
def test_a_request_not_under_review_refuses_every_change_and_keeps_its_photos_as_they_were(status):
    interview = with_photos(None, "Team", status=status)
    [photo] = interview.photos.all()
    before = state(interview)

    for change in (photo_review.accept_photo, photo_review.reject_photo, photo_review.include_photo):
        with pytest.raises(photo_review.NotUnderReview, match="Antworten"):
            change(interview, photo.pk, user=interview.owner)

    assert state(interview) == before and photo_log(interview) == []


def test_a_photo_of_another_request_or_a_forged_id_is_refused_and_changes_nothing():
    mine, theirs = with_photos(None, "Meins"), with_photos(None, "Fremd")
    [their_photo] = theirs.photos.all()
    before = state(mine), state(theirs)

    for forged in (their_photo.pk, 987654, "1 OR 1=1"):
        with pytest.raises(photo_review.NotThisRequestsPhoto):
            photo_review.accept_photo(mine, forged, user=mine.owner)

    assert (state(mine), state(theirs)) == before and photo_log(mine) == photo_log(theirs) == []


def test_invalid_changes_say_why_and_change_nothing():
    interview = with_photos(None, "Eins", "Zwei", "Kaputt")
    photo = by_caption(interview)
    photo_review.accept_photo(interview, photo["Eins"].pk, user=interview.owner)
    photo_review.reject_photo(interview, photo["Zwei"].pk, user=interview.owner)
    InterviewPhoto.objects.filter(pk=photo["Kaputt"].pk).update(processing_state=ProcessingState.FAILED)
    before = state(interview)

    with pytest.raises(photo_review.PhotoReviewRefused, match="nicht weiter"):
        photo_review.move_photo(interview, photo["Eins"].pk, user=interview.owner, by=-1)
    with pytest.raises(photo_review.PhotoReviewRefused, match="zuerst an"):
        photo_review.include_photo(interview, photo["Zwei"].pk, user=interview.owner)
    with pytest.raises(photo_review.PhotoReviewRefused, match="nicht verarbeitet"):
        photo_review.accept_photo(interview, photo["Kaputt"].pk, user=interview.owner)
    with pytest.raises(photo_review.PhotoReviewRefused, match="zu lang"):
        photo_review.reject_photo(interview, photo["Eins"].pk, user=interview.owner, reason="x" * 1001)
    with pytest.raises(photo_review.PhotoReviewRefused):
        photo_review.decide(interview, photo["Eins"].pk, user=interview.owner, decision="publish")

    assert state(interview) == before


def test_only_the_curated_photos_become_images_and_go_into_the_draft_in_their_order(
    case_study_index, django_capture_on_commit_callbacks
):
    interview = with_photos(None, "Team", "Logo", "Büro", "Unbesehen")
    photo = by_caption(interview)
    for caption in ("Team", "Büro"):
        photo_review.accept_photo(interview, photo[caption].pk, user=interview.owner)
    photo_review.move_photo(interview, photo["Büro"].pk, user=interview.owner, by=-1)
    photo_review.reject_photo(interview, photo["Logo"].pk, user=interview.owner, reason="Nur ein Logo.")

    with django_capture_on_commit_callbacks(execute=True):
        interview_states.accept(interview, user=interview.owner)

    interview.refresh_from_db()
    draft = interview.case_study.get_latest_revision_as_object()
    images = [block.value for block in draft.body if block.block_type == "image"]
    assert [(v["caption"], v["credit"]) for v in images] == [("Büro", "Foto: Büro"), ("Team", "Foto: Team")]
    assert draft.feed_image.pk == images[0]["image"].pk
    assert get_image_model().objects.count() == 2
    photo = by_caption(interview)
    # Rejected and unreviewed photos never become images, and nothing reviews them by default.
    assert photo["Logo"].image is None and photo["Logo"].review_state == ReviewState.REJECTED
    assert photo["Unbesehen"].image is None and photo["Unbesehen"].review_state == ReviewState.PENDING


def test_a_photo_rejected_with_a_reason_is_shown_to_the_contact_when_changes_are_requested(
    client, django_capture_on_commit_callbacks
):
    interview = with_photos(None, "Team", "Logo")
    photo = by_caption(interview)
    photo_review.reject_photo(interview, photo["Logo"].pk, user=interview.owner, reason=HOSTILE)
    with django_capture_on_commit_callbacks(execute=True):
        interview_states.request_changes(interview, user=interview.owner, message="Bitte ein anderes Foto.")

    url = client.get(link_in(mail.outbox[-1]).replace("http://testserver", ""))["Location"]
    page = client.get(url).content.decode()

    assert "Dieses Foto können wir nicht verwenden." in page
    assert HOSTILE not in page and "&lt;script&gt;alert(&quot;caption&quot;)&lt;/script&gt;" in page
    # The rejected photo does not count against the limit: the contact can send another.
    assert photos.counted_photos(interview) == 1


# The request page --------------------------------------------------------------------


def review_url(interview, photo) -> str:
    return reverse("interview_requests:review_photo", args=[interview.pk, photo.pk])


def inspect(client, interview) -> str:
    response = client.get(reverse("interview_requests:inspect", args=[interview.pk]))
    assert response.status_code == 200
    return response.content.decode()


@pytest.fixture
def editor(client):
    user = author_user("redakteurin")
    client.force_login(user)
    return user


def test_the_editor_decides_on_the_photos_tab_and_lands_back_on_it(client, editor):
    interview = with_photos(editor, "Team", "Logo")
    photo = by_caption(interview)

    response = client.post(review_url(interview, photo["Team"]), {"decision": "accept", "reason": ""})
    rejected = client.post(
        review_url(interview, photo["Logo"]), {"decision": "reject", "reason": "Unscharf."}, follow=True
    )

    assert response.status_code == 302 and response["Location"].endswith("#tab-photos")
    assert draft_captions(interview) == ["Team"]
    html = inspect(client, interview)
    assert "Im Entwurf als Foto 1 von 1." in html
    assert "Unscharf." in html
    assert "Foto abgelehnt." in rejected.content.decode()
    # The accept dialog says which photos go in and which stay private.
    dialog = html[html.index('id="action-dialog-accept"') :]
    assert "Diese Fotos kommen in dieser Reihenfolge in den Entwurf" in dialog
    assert "1 Foto bleibt außerhalb des Entwurfs und privat." in dialog


def test_the_photos_tab_escapes_what_the_company_wrote(client, editor):
    interview = with_photos(editor, HOSTILE)
    [photo] = interview.photos.all()
    InterviewPhoto.objects.filter(pk=photo.pk).update(credit=HOSTILE)
    photo_review.accept_photo(interview, photo.pk, user=editor)

    html = inspect(client, interview)

    assert HOSTILE not in html
    assert "&lt;script&gt;alert(&quot;caption&quot;)&lt;/script&gt;" in html
    assert "onerror=alert(1)>" not in html


def test_the_controls_show_only_while_the_answers_wait_for_review(client, editor):
    submitted = with_photos(editor, "Team")
    accepted = with_photos(editor, "Team", status=InterviewStatus.ACCEPTED)

    assert 'value="accept"' in inspect(client, submitted)
    html = inspect(client, accepted)
    assert 'value="accept"' not in html and review_url(accepted, accepted.photos.get()) not in html


def test_a_get_changes_nothing(client, editor):
    interview = with_photos(editor, "Team")
    before = state(interview)

    assert client.get(review_url(interview, interview.photos.get()) + "?decision=accept").status_code == 405
    assert state(interview) == before


def test_an_author_who_may_not_see_the_request_gets_404_and_changes_nothing(client):
    interview = with_photos(author_user("besitzerin"), "Team")
    client.force_login(author_user("neugierig"))
    before = state(interview)

    response = client.post(review_url(interview, interview.photos.get()), {"decision": "accept"})

    assert response.status_code == 404 and state(interview) == before and photo_log(interview) == []


def test_a_user_who_may_only_look_is_refused_and_changes_nothing(client):
    interview = with_photos(None, "Team")
    viewer = UserFactory(username="leserin")
    viewer.user_permissions.add(
        Permission.objects.get(codename="access_admin"),
        Permission.objects.get(codename="view_interviewrequest"),
        Permission.objects.get(codename="see_all_interviewrequests"),
    )
    client.force_login(viewer)
    before = state(interview)

    assert 'value="accept"' not in inspect(client, interview)
    response = client.post(review_url(interview, interview.photos.get()), {"decision": "accept"}, follow=True)

    # Wagtail answers a refused permission with its dashboard and a message (as for every request action).
    assert response.redirect_chain == [("/admin/", 302)]
    assert "keinen Zugang" in response.content.decode()
    assert state(interview) == before and photo_log(interview) == []


def test_a_post_without_the_csrf_token_changes_nothing(editor):
    interview = with_photos(editor, "Team")
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(editor)
    before = state(interview)

    response = strict.post(review_url(interview, interview.photos.get()), {"decision": "accept"})

    assert response.status_code == 403 and state(interview) == before


def test_a_photo_of_another_request_in_the_url_is_refused_with_a_message(client, editor):
    mine, theirs = with_photos(editor, "Meins"), with_photos(editor, "Fremd")
    before = state(theirs)

    response = client.post(review_url(mine, theirs.photos.get()), {"decision": "accept"}, follow=True)

    assert "gehört nicht zu dieser Interviewanfrage" in response.content.decode()
    assert state(theirs) == before and draft_captions(mine) == []


def test_accepting_in_the_admin_takes_only_the_chosen_photos(
    client, editor, case_study_index, django_capture_on_commit_callbacks
):
    interview = with_photos(editor, "Team", "Logo", "Büro")
    photo = by_caption(interview)
    for caption, decision in (("Büro", "accept"), ("Logo", "reject"), ("Team", "accept")):
        client.post(review_url(interview, photo[caption]), {"decision": decision})

    page = client.get(reverse("interview_requests:action", args=[interview.pk, "accept"])).content.decode()
    assert re.search(r"<li>Büro.*</li><li>Team", page)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("interview_requests:action", args=[interview.pk, "accept"]))

    interview.refresh_from_db()
    body = interview.case_study.get_latest_revision_as_object().body
    assert [b.value["caption"] for b in body if b.block_type == "image"] == ["Büro", "Team"]


def test_an_author_naming_another_authors_photo_under_their_own_request_gets_404(client, editor):
    mine = with_photos(editor, "Meins")
    theirs = with_photos(author_user("andere"), "Fremd")
    before = state(theirs)

    response = client.post(review_url(mine, theirs.photos.get()), {"decision": "reject", "reason": "x"})

    assert response.status_code == 404 and state(theirs) == before and photo_log(theirs) == []


def test_an_editor_who_works_in_english_reads_the_photos_tab_in_english(client, editor):
    from wagtail.users.models import UserProfile

    profile = UserProfile.get_for_user(editor)
    profile.preferred_language = "en"
    profile.save()
    interview = with_photos(editor, "Team", "Logo")
    photo_review.accept_photo(interview, by_caption(interview)["Team"].pk, user=editor)

    html = inspect(client, interview)

    assert "In the draft as photo 1 of 1." in html and "Reject photo" in html and "Move up" not in html
    assert "These photos go into the draft, in this order" in html
    assert "1 of them was not reviewed" in html
    assert "Foto ablehnen" not in html


def test_the_decisions_are_in_the_requests_history(client, editor):
    interview = with_photos(editor, "Team", "Logo")
    photo = by_caption(interview)
    # Followed, so that their flash messages are shown there and not on the history page.
    client.post(review_url(interview, photo["Team"]), {"decision": "accept"}, follow=True)
    client.post(review_url(interview, photo["Logo"]), {"decision": "reject", "reason": "x"}, follow=True)

    response = client.get(reverse("interview_requests:history", args=[interview.pk]))

    html = response.content.decode()
    assert response.status_code == 200 and "Foto angenommen" in html and "Foto abgelehnt" in html
    assert "Es bleibt privat" not in html  # not a leftover flash message
