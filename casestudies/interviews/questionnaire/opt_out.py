"""The page behind the opt-out link in every email to a contact.

Opening it changes nothing (mail scanners fetch links); the button records the
objection, and once it is recorded the same page offers to take it back (a
click by mistake). A mail program's one-click unsubscribe (RFC 8058) posts to the same
address without a CSRF token: the signed address is the credential, so the
view is exempt from CSRF, and it accepts nothing else."""

from __future__ import annotations

from django import forms
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import translation
from django.utils.translation import gettext_lazy as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from casestudies.companies import opt_out as rule
from casestudies.interviews.questionnaire.views import link_blocked, private_page, wrong_link


class OptOutForm(forms.Form):
    reason = forms.CharField(
        label=_("Why? (optional)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Only our editors read this."),
    )


@private_page
@csrf_exempt
@require_http_methods(["GET", "POST"])
def opt_out(request: HttpRequest, signed: str) -> HttpResponse:
    # A signature cannot be guessed, but a flood of tries is refused like
    # guessed questionnaire links, with the same pages.
    if (refused := link_blocked(request)) is not None:
        return refused
    contact = rule.contact_for(signed)
    if contact is None:
        return wrong_link(request)
    with translation.override(contact.language):
        form = OptOutForm(request.POST or None)
        taken_back = False
        if request.method == "POST" and request.POST.get("action") == "take-back":
            # Only this explicit button: a one-click POST never carries it.
            taken_back = rule.withdraw(contact)
            form = OptOutForm()
        elif request.method == "POST" and form.is_valid():
            rule.record(contact, form.cleaned_data["reason"])
        contact.refresh_from_db()
        return render(
            request,
            "casestudies/interview/opt_out.html",
            {"contact": contact, "form": form, "done": contact.opted_out, "taken_back": taken_back},
        )
