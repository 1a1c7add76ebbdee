"""The company's sign-off page, reached through the personal link in the email.

Like the questionnaire: the token is swapped for a session entry and the
browser sent to a URL without it; every page is private (never cached, no
Referer sent on); a wrong, expired or revoked link shows the questionnaire's
neutral page. The page shown is the revision the sign-off was requested for,
rendered with the case study's own article template and Wagtail's page
context (renditions, authors, company), each answer beside the contact's
original. Nothing in the URL names a page: the session's sign-off decides
what is shown.

The token link itself sends no Referer (`Referrer-Policy: no-referrer`). The
page behind the redirect holds no secret and uses `same-origin` instead: with
`no-referrer` a browser sends `Origin: null` with the form's POST (and no
Referer over HTTPS), which Django's CSRF check rightly refuses. Its address
still never leaves the site."""

from __future__ import annotations

import functools

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.translation import gettext
from django.views.decorators.http import require_GET, require_http_methods

from casestudies.interviews.questionnaire.views import link_blocked, private_page, unavailable, wrong_link
from casestudies.signoff import links
from casestudies.signoff import service as signoffs
from casestudies.signoff.content import SignOffContent
from casestudies.signoff.forms import DecisionForm
from casestudies.signoff.models import SignOff, SignOffStatus


@private_page
@require_GET
def start(request: HttpRequest, token: str) -> HttpResponse:
    # Guessed sign-off links are counted and refused like questionnaire links.
    if (refused := link_blocked(request)) is not None:
        return refused
    sign_off = links.for_token(token)
    if sign_off is None:
        return wrong_link(request)
    links.grant(request, sign_off)
    # "Opened" is recorded behind the redirect, with the session cookie: a
    # mail scanner fetching the link does not count as the contact.
    return redirect("interview:signoff", public_id=sign_off.public_id)


def same_origin_referrer(view):
    @functools.wraps(view)
    def wrapped(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        response["Referrer-Policy"] = "same-origin"
        return response

    return wrapped


@same_origin_referrer
@private_page
@require_http_methods(["GET", "POST"])
def review(request: HttpRequest, public_id: str) -> HttpResponse:
    sign_off = links.granted(request, public_id)
    if sign_off is None or sign_off.revision is None:
        return unavailable(request)
    with translation.override(sign_off.request.language):
        content = signoffs.content_of(sign_off)
        if request.method == "GET":
            signoffs.mark_opened(sign_off)
            return _page(request, sign_off, content, DecisionForm(content=content))
        if sign_off.status != SignOffStatus.PENDING:
            return _page(
                request,
                sign_off,
                content,
                DecisionForm(content=content),
                status=409,
                message=gettext("This text has already been decided on."),
            )
        form = DecisionForm(request.POST, content=content)
        if not form.is_valid():
            return _page(request, sign_off, content, form, status=400)
        try:
            if form.approving:
                signoffs.approve(sign_off)
            else:
                signoffs.flag(sign_off, form.flags())
        except signoffs.DecisionRefused as refused:
            sign_off.refresh_from_db()
            return _page(
                request, sign_off, content, DecisionForm(content=content), status=409, message=str(refused)
            )
        return redirect("interview:signoff", public_id=sign_off.public_id)


def _page(
    request: HttpRequest,
    sign_off: SignOff,
    content: SignOffContent,
    form: DecisionForm,
    *,
    status: int = 200,
    message: str = "",
) -> HttpResponse:
    page = content.page
    # Wagtail's own page context, as for an editor's preview: no page view is
    # counted, renditions are fetched in one go.
    request.is_preview = True
    request.preview_mode = ""
    context = page.get_context(request)
    context.update(
        sign_off=sign_off,
        signoff=content,
        form=form,
        editable=sign_off.status == SignOffStatus.PENDING,
        message=message,
        flags=sign_off.flags,
        flags_text=signoffs.flags_text(sign_off.flags) if sign_off.flags else "",
    )
    return render(request, "casestudies/signoff/preview.html", context, status=status)
