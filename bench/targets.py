"""The URLs the benchmarks request, looked up in the seeded database."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils.html import escape, strip_tags
from wagtail.models import Page

from blog.models import ArticlePage
from casestudies.interviews import tokens
from casestudies.models import CaseStudyIndexPage, CaseStudyPage, Industry, Outcome

from . import seed

FILTER_QUERY = f"?outcome={Outcome.FAILURE}&industry={Industry.TELECOM}"
# Listings at two sizes compare pages of the same length: one filter leaves a
# full page at 100 case studies too (FILTER_QUERY leaves 4 of them).
LISTING_FILTER_QUERY = f"?outcome={Outcome.FAILURE}"


def case_study() -> CaseStudyPage:
    """A seeded case study from the middle of the list (two authors, a full body)."""
    pages = CaseStudyPage.objects.live().filter(slug__startswith=seed.PREFIX).order_by("slug")
    middle = pages.count() // 2
    # An even number: seeded case studies with an even number have two authors.
    return pages[middle - middle % 2]


REFERENCE_SLUG = "bench-referenzseite"


def reference_page(story: CaseStudyPage) -> Page:
    """The yardstick: a plain Wagtail page (bench.reference) beside the case
    study, its rich-text body as long as the case study's text, with one image
    (the case study's hero image). Made once, then reused."""
    from bench.reference.models import ReferencePage

    existing = ReferencePage.objects.filter(slug=REFERENCE_SLUG).first()
    if existing is not None:
        return existing
    text_length = len(" ".join(strip_tags(story.body.render_as_block()).split()))
    words = ("Die Fallstudie erzählt, was geschah, wer entschied und was daraus folgte. " * 400)[:text_length]
    paragraphs = [words[start : start + 600] for start in range(0, len(words), 600)]
    page = ReferencePage(
        title="Referenzseite",
        slug=REFERENCE_SLUG,
        body="".join(f"<p>{escape(paragraph)}</p>" for paragraph in paragraphs),
        image=story.hero_image,
    )
    story.get_parent().add_child(instance=page)
    return page


def listing_urls() -> list[tuple[str, str]]:
    """The listings whose time must not grow with the data (in the current database)."""
    index = CaseStudyIndexPage.objects.live().first()
    return [
        ("case-study index", index.url),
        ("case-study index, filtered", index.url + LISTING_FILTER_QUERY),
        ("admin: interview-request list", reverse("interview_requests:index")),
    ]


def prepare() -> dict:
    story = case_study()
    reference = reference_page(story)
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
            ("plain Wagtail page (reference)", reference.url),
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
        "reference": reference,
    }
