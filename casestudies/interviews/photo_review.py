"""The editor's review of an interview's photos, and which of them go into the draft.

While a request's answers wait for review (submitted), the editor accepts or
rejects each photo, with an optional reason (a rejected photo's reason is
shown to the contact when changes are requested), and chooses which accepted
photos go into the draft case study and in which order. Accepting a photo
puts it at the end of that order; the editor may leave it out again.

"Annehmen" (casestudies.interviews.states.accept) takes exactly draft_photos():
a photo becomes an image in the library only by this explicit choice. A photo
nobody reviewed, a rejected one and an accepted one left out stay private
uploads (and go with the retention rules).

Every change locks the request's row, refuses with PhotoReviewRefused (and
changes nothing) when the request is not under review or the photo is not
one of the request's, and is written to the request's Wagtail log."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.db import transaction
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from wagtail.log_actions import log

from casestudies.interviews import states as interview_states
from casestudies.interviews.models import InterviewPhoto, InterviewRequest, ProcessingState, ReviewState
from casestudies.interviews.models import InterviewStatus as S
from casestudies.refusals import ActionRefused

# Wagtail log actions, registered in wagtail_hooks.register_interview_log_actions.
LOG_ACTIONS: dict[str, tuple] = {
    "casestudies.interview.photo_accepted": (_("Accept photo"), _("Photo accepted")),
    "casestudies.interview.photo_rejected": (_("Reject photo"), _("Photo rejected")),
    "casestudies.interview.photo_arranged": (
        _("Arrange photos for the draft"),
        _("Photos for the draft arranged"),
    ),
}

# What an editor may do to one photo (the request page's buttons post these).
ACCEPT, REJECT, INCLUDE, LEAVE_OUT, UP, DOWN = "accept", "reject", "include", "leave_out", "up", "down"
DECISIONS = (ACCEPT, REJECT, INCLUDE, LEAVE_OUT, UP, DOWN)
REASON_MAX_LENGTH = 1000


class PhotoReviewRefused(ActionRefused):
    """A change to a photo's review that cannot be made; nothing was changed."""


class NotUnderReview(PhotoReviewRefused):
    def __init__(self, status: str):
        super().__init__(
            gettext("Photos are reviewed while the answers wait for review (now: “%(status)s”).")
            % {"status": S(status).label}
        )


class NotThisRequestsPhoto(PhotoReviewRefused):
    def __init__(self):
        super().__init__(gettext("This photo does not belong to this interview request."))


def under_review(request: InterviewRequest) -> bool:
    return request.status == S.SUBMITTED


def draft_photos(request: InterviewRequest) -> list[InterviewPhoto]:
    """The photos "Annehmen" puts into the draft, in the editor's order."""
    return list(
        request.photos.filter(review_state=ReviewState.ACCEPTED, draft_position__isnull=False).order_by(
            "draft_position", "pk"
        )
    )


@dataclass(frozen=True)
class Curation:
    """The request's photos as the editor sees them: the ones chosen for the
    draft in their order, then the others in the order they came."""

    chosen: list[InterviewPhoto]
    others: list[InterviewPhoto]

    @property
    def photos(self) -> list[InterviewPhoto]:
        return [*self.chosen, *self.others]

    @property
    def unreviewed(self) -> list[InterviewPhoto]:
        return [p for p in self.others if p.review_state == ReviewState.PENDING]

    @property
    def left_out(self) -> list[InterviewPhoto]:
        """Every photo that stays out of the draft (and out of the library)."""
        return self.others


def curation(request: InterviewRequest) -> Curation:
    photos = list(request.photos.order_by("uploaded_at", "pk"))
    chosen = sorted(
        (p for p in photos if _chosen(p)),
        key=lambda p: (p.draft_position, p.pk),
    )
    return Curation(chosen=chosen, others=[p for p in photos if not _chosen(p)])


def _chosen(photo: InterviewPhoto) -> bool:
    return photo.review_state == ReviewState.ACCEPTED and photo.draft_position is not None


# Changes ------------------------------------------------------------------------------


def accept_photo(request: InterviewRequest, photo_id: int, *, user, reason: str = "") -> InterviewPhoto:
    """Accept the photo; one not in the draft yet goes in last."""

    def change(photo: InterviewPhoto, chosen: list[InterviewPhoto]) -> None:
        if photo.processing_state == ProcessingState.FAILED:
            raise PhotoReviewRefused(gettext("This photo could not be processed and cannot be used."))
        photo.review_state, photo.review_reason = ReviewState.ACCEPTED, reason.strip()
        if photo not in chosen:
            chosen.append(photo)

    return _change(request, photo_id, user=user, action="photo_accepted", change=change, reason=reason)


def reject_photo(request: InterviewRequest, photo_id: int, *, user, reason: str = "") -> InterviewPhoto:
    """Reject the photo: it leaves the draft's photos and never becomes an image."""

    def change(photo: InterviewPhoto, chosen: list[InterviewPhoto]) -> None:
        photo.review_state, photo.review_reason = ReviewState.REJECTED, reason.strip()
        if photo in chosen:
            chosen.remove(photo)

    return _change(request, photo_id, user=user, action="photo_rejected", change=change, reason=reason)


def include_photo(request: InterviewRequest, photo_id: int, *, user) -> InterviewPhoto:
    """Put an accepted photo that was left out back into the draft, last."""

    def change(photo: InterviewPhoto, chosen: list[InterviewPhoto]) -> None:
        if photo.review_state != ReviewState.ACCEPTED:
            raise PhotoReviewRefused(gettext("Only an accepted photo goes into the draft. Accept it first."))
        if photo not in chosen:
            chosen.append(photo)

    return _change(request, photo_id, user=user, action="photo_arranged", change=change)


def leave_out_photo(request: InterviewRequest, photo_id: int, *, user) -> InterviewPhoto:
    """Keep an accepted photo out of the draft (it stays accepted and private)."""

    def change(photo: InterviewPhoto, chosen: list[InterviewPhoto]) -> None:
        if photo not in chosen:
            raise PhotoReviewRefused(gettext("This photo is not among the photos for the draft."))
        chosen.remove(photo)

    return _change(request, photo_id, user=user, action="photo_arranged", change=change)


def move_photo(request: InterviewRequest, photo_id: int, *, user, by: int) -> InterviewPhoto:
    """Move a photo of the draft `by` places (-1: one up, 1: one down)."""

    def change(photo: InterviewPhoto, chosen: list[InterviewPhoto]) -> None:
        if photo not in chosen:
            raise PhotoReviewRefused(gettext("This photo is not among the photos for the draft."))
        index = chosen.index(photo)
        target = index + by
        if by == 0 or not 0 <= target < len(chosen):
            raise PhotoReviewRefused(gettext("The photo cannot move further in that direction."))
        chosen.insert(target, chosen.pop(index))

    return _change(request, photo_id, user=user, action="photo_arranged", change=change)


def decide(
    request: InterviewRequest, photo_id: int, *, user, decision: str, reason: str = ""
) -> InterviewPhoto:
    """One of DECISIONS, as the request page's buttons name them."""
    if decision == ACCEPT:
        return accept_photo(request, photo_id, user=user, reason=reason)
    if decision == REJECT:
        return reject_photo(request, photo_id, user=user, reason=reason)
    if decision == INCLUDE:
        return include_photo(request, photo_id, user=user)
    if decision == LEAVE_OUT:
        return leave_out_photo(request, photo_id, user=user)
    if decision in (UP, DOWN):
        return move_photo(request, photo_id, user=user, by=-1 if decision == UP else 1)
    raise PhotoReviewRefused(gettext("Unknown decision about a photo."))


def _change(
    request: InterviewRequest,
    photo_id: int,
    *,
    user,
    action: str,
    change: Callable[[InterviewPhoto, list[InterviewPhoto]], None],
    reason: str = "",
) -> InterviewPhoto:
    if len(reason) > REASON_MAX_LENGTH:
        raise PhotoReviewRefused(
            gettext("The reason is too long (at most %(count)s characters).") % {"count": REASON_MAX_LENGTH}
        )
    with transaction.atomic():
        locked = interview_states.lock(request)  # every change of the request's photos waits on it
        if not under_review(locked):
            raise NotUnderReview(locked.status)
        photos = list(InterviewPhoto.objects.filter(request=locked).order_by("uploaded_at", "pk"))
        photo = next((p for p in photos if p.pk == photo_id), None)
        if photo is None:
            raise NotThisRequestsPhoto()
        chosen = sorted((p for p in photos if _chosen(p)), key=lambda p: (p.draft_position, p.pk))
        change(photo, chosen)
        _save_positions(photos, chosen, changed=photo)
        log(
            locked,
            f"casestudies.interview.{action}",
            user=user,
            data={
                "photo": photo.pk,
                "review_state": photo.review_state,
                "reason": photo.review_reason,
                "draft": [p.pk for p in chosen],
            },
        )
    return photo


def _save_positions(photos: list[InterviewPhoto], chosen: list[InterviewPhoto], *, changed) -> None:
    """Number the chosen photos 1, 2, ... and clear the others' positions;
    write only the rows that changed."""
    positions = {p.pk: index for index, p in enumerate(chosen, start=1)}
    for photo in photos:
        position = positions.get(photo.pk)
        if photo is changed:
            photo.draft_position = position
            photo.save(update_fields=["review_state", "review_reason", "draft_position"])
        elif photo.draft_position != position:
            photo.draft_position = position
            photo.save(update_fields=["draft_position"])
