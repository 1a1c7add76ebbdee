"""The comment form lives on a page of its own: story pages stay cacheable
(no CSRF token in them), and the form page is never cached."""

from __future__ import annotations

from django.db import transaction
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST
from django_comments import get_form
from django_comments.views.comments import post_comment as library_post_comment
from django_ratelimit.core import is_ratelimited
from wagtail.models import Page

from .client_address import address_key, posted_email_key
from .models.pages import story_page_models

RATE_PER_ADDRESS = "5/10m"
RATE_PER_EMAIL = "3/10m"


def _story(page_id: int) -> Page:
    page = get_object_or_404(Page.objects.live().public().type(*story_page_models()), pk=page_id)
    return page.specific


@never_cache
def comment_form(request, page_id: int):
    page = _story(page_id)
    return TemplateResponse(request, "blog/comments/form_page.html", {"page": page, "form": get_form()(page)})


@never_cache
@require_POST
def post_comment(request):
    try:
        page = _story(int(request.POST.get("object_pk", "")))
    except (TypeError, ValueError) as exc:
        raise Http404 from exc
    limited = is_ratelimited(
        request, group="comments-ip", key=address_key, rate=RATE_PER_ADDRESS, method="POST", increment=True
    ) or is_ratelimited(
        request,
        group="comments-email",
        key=posted_email_key,
        rate=RATE_PER_EMAIL,
        method="POST",
        increment=True,
    )
    if limited:
        form = get_form()(page, data=request.POST)
        form.is_valid()
        return TemplateResponse(
            request,
            "blog/comments/form_page.html",
            {
                "page": page,
                "form": form,
                "rate_limited": _(
                    "You have written several comments in a short time. Please wait a few minutes and send it again; your text is still here."
                ),
            },
            status=429,
        )
    # The comment and the emails to the story's authors (outbox rows) are
    # stored together or not at all.
    with transaction.atomic():
        return library_post_comment(request, next=f"{redirect('blog:comment_done').url}?seite={page.pk}")


@never_cache
def comment_done(request):
    page = None
    page_id = request.GET.get("seite", "")
    if page_id.isdigit():
        page = Page.objects.live().public().filter(pk=int(page_id)).first()
    return TemplateResponse(request, "blog/comments/done.html", {"page": page})
