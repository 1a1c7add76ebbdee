"""Which interview requests a user of the admin may see: the one rule.

Editors (the permission SEE_ALL) see every request; authors only their own.
A request outside this set does not exist for the user: its pages answer 404,
and neither its company nor its owner shows up among the listing's filters.
What was made from a request goes with it: its photos, their copies in the
image library, and the case study drafted from it (hidden_pages,
hidden_images), wherever the admin shows them."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db.models import QuerySet

from casestudies.companies.models import Company
from casestudies.interviews.models import InterviewPhoto, InterviewRequest

SEE_ALL = "casestudies.see_all_interviewrequests"


def sees_all(user) -> bool:
    return user.is_superuser or user.has_perm(SEE_ALL)


def visible_requests(user) -> QuerySet[InterviewRequest]:
    requests = InterviewRequest.objects.select_related("company", "contact", "owner")
    if sees_all(user):
        return requests
    return requests.filter(owner=user)


def companies_asked(user) -> QuerySet[Company]:
    """Companies with a request the user may see: the company filter's choices."""
    return Company.objects.filter(pk__in=visible_requests(user).order_by().values("company_id")).order_by(
        "name"
    )


def request_owners(user):
    """Owners of requests the user may see: the owner filter's choices."""
    return (
        get_user_model()
        .objects.filter(pk__in=visible_requests(user).order_by().values("owner_id"))
        .order_by("first_name", "last_name", "username")
    )


def visible_photos(user) -> QuerySet[InterviewPhoto]:
    return InterviewPhoto.objects.filter(request__in=visible_requests(user).order_by().values("pk"))


def hidden_image_ids(user) -> QuerySet:
    """Library images copied from photos of requests the user may not see."""
    if sees_all(user):
        return InterviewPhoto.objects.none().values("image_id")
    return InterviewPhoto.objects.filter(image__isnull=False).exclude(request__owner=user).values("image_id")


def hidden_page_ids(user) -> QuerySet:
    """Case studies drafted from a request the user may not see, unless one of
    the user's own requests led to the same page."""
    if sees_all(user):
        return InterviewRequest.objects.none().values("case_study_id")
    mine = InterviewRequest.objects.filter(owner=user, case_study__isnull=False).values("case_study_id")
    return (
        InterviewRequest.objects.filter(case_study__isnull=False)
        .exclude(owner=user)
        .exclude(case_study_id__in=mine)
        .order_by()
        .values("case_study_id")
    )


def image_hidden(user, image_id) -> bool:
    return hidden_image_ids(user).filter(image_id=image_id).exists()


def page_hidden(user, page_id) -> bool:
    return hidden_page_ids(user).filter(case_study_id=page_id).exists()
