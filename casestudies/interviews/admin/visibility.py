"""Which interview requests a user of the admin may see: the one rule.

Editors (the permission SEE_ALL) see every request; authors only their own.
A request outside this set does not exist for the user: its pages answer 404,
and neither its company nor its owner shows up among the listing's filters."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db.models import QuerySet

from casestudies.companies.models import Company
from casestudies.interviews.models import InterviewRequest

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
