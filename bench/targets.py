"""The URLs the benchmarks request, looked up in the seeded database."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.urls import reverse

from blog.models import ArticlePage
from casestudies.interviews import tokens
from casestudies.models import CaseStudyPage, Industry, Outcome

from . import seed

FILTER_QUERY = f"?outcome={Outcome.FAILURE}&industry={Industry.TELECOM}"


def case_study() -> CaseStudyPage:
    """A seeded case study from the middle of the list (two authors, a full body)."""
    pages = CaseStudyPage.objects.live().filter(slug__startswith=seed.PREFIX).order_by("slug")
    middle = pages.count() // 2
    # An even number: seeded case studies with an even number have two authors.
    return pages[middle - middle % 2]


def prepare() -> dict:
    story = case_study()
    article = ArticlePage.objects.live().get(slug="kundenzufriedenheit-als-werbefigur")
    index_url = story.get_parent().url
    interview = seed.bench_request()
    # A fresh link for this run: only its hash is stored, as in production.
    raw = tokens.issue_token(interview)
    interview.save(update_fields=["token_hash", "token_expires_at", "token_revoked"])
    question = interview.questions.order_by("sort_order", "pk").first()
    admin = get_user_model().objects.get(username="admin")
    return {
        "public": [
            ("home page", "/"),
            ("case-study index", index_url),
            ("case-study index, filtered", index_url + FILTER_QUERY),
            ("case study", story.url),
            ("article", article.url),
        ],
        "interview": {
            "start_url": reverse("interview:start", kwargs={"token": raw}),
            "page_url": reverse("interview:questionnaire", kwargs={"public_id": interview.public_id}),
            "autosave_url": reverse("interview:autosave", kwargs={"public_id": interview.public_id}),
            "question_id": question.pk,
            "events": interview.events.count(),
            "questions": interview.questions.count(),
        },
        "admin": [
            ("admin: interview-request list", reverse("interview_requests:index")),
            (
                "admin: interview request (contact log)",
                reverse("interview_requests:inspect", args=[interview.pk]),
            ),
        ],
        "admin_user": admin,
        "case_study": story,
    }
