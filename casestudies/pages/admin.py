"""The admin's doors to publishing a case study, held shut while a
publication guard (casestudies.pages.guards) refuses it: for a failure case
study whose contact has not had a last notice or whose reply window is still
open (casestudies.publishing), and for a case study whose company signs off
its text (casestudies.signoff): that one goes live through its workflow.

- The page editor shows the reason where the Publish button was.
- A publish request to the editor (a stale page, a crafted form) is refused
  with the reason before anything is saved.
- Bulk publishing from a page listing is refused with the reason.
- A held page says why in a notice at the top of its editor.
- Publishing from the editor saves the posted content as a draft and stops
  there while the pre-publication checklist (casestudies.pages.checklist)
  misses something; the checklist is a panel at the top of the editor.

It also adds the failure draft to the actions of an interview request's page:
the draft is a page, made from the request's contact log."""

from __future__ import annotations

import datetime

from django import forms
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.admin import messages
from wagtail.admin.action_menu import ActionMenuItem
from wagtail.admin.utils import get_valid_next_url_from_request

from casestudies.interviews import statuses
from casestudies.interviews.admin.views import Action, add_action
from casestudies.pages import drafts, guards
from casestudies.pages.models import CaseStudyPage

_GO_LIVE = forms.DateTimeField(
    required=False, input_formats=["%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M:%S"]
)


def _requested_go_live(http_request) -> datetime.datetime:
    """When the posted form would make the page live: its go-live time, or now."""
    now = timezone.now()
    try:
        value = _GO_LIVE.clean(http_request.POST.get("go_live_at", ""))
    except forms.ValidationError:
        return now
    if value is None:
        return now
    if timezone.is_naive(value):
        value = timezone.make_aware(value)
    return max(value, now)


def refuse_early_publication(http_request, page):
    """before_edit_page: a publish request that the rule refuses changes nothing."""
    if http_request.method != "POST" or not http_request.POST.get("action-publish"):
        return None
    page = page.specific
    if not isinstance(page, CaseStudyPage):
        return None
    # The stored page answers for the holds; the checklist judges what is
    # posted, once the edit view has saved it as a draft (refuse_incomplete_publication).
    reason = guards.direct_hold(page, at=_requested_go_live(http_request))
    if reason is None:
        return None
    messages.error(http_request, reason)
    return redirect("wagtailadmin_pages:edit", page.pk)


def refuse_incomplete_publication(http_request, page):
    """before_publish_page: the edit view saved the posted content as a new
    draft revision (nothing the editor typed is lost); it is not published
    while the pre-publication checklist misses something."""
    page = page.specific
    if not isinstance(page, CaseStudyPage):
        return None
    reason = guards.checklist_refusal(page)
    if reason is None:
        return None
    messages.error(http_request, reason)
    return redirect("wagtailadmin_pages:edit", page.pk)


def explain_hold(http_request, page):
    """before_edit_page: a held page says why at the top of its editor, with
    the guard's own words (its date and what the editor can do)."""
    if http_request.method != "GET":
        return None
    page = page.specific
    if not isinstance(page, CaseStudyPage):
        return None
    reason = guards.hold(page.get_latest_revision_as_object())
    if reason:
        messages.warning(http_request, reason)
    return None


class PublicationWaitsMenuItem(ActionMenuItem):
    name = "publication-waits"
    label = _("Publication waits")
    template_name = "casestudies/admin/publication_waits_menu_item.html"

    def __init__(self, reason: str, order=None):
        super().__init__(order)
        self.reason = reason

    def is_shown(self, context):
        return True

    def get_context_data(self, parent_context):
        context = super().get_context_data(parent_context)
        context["reason"] = self.reason
        return context


def explain_in_action_menu(menu_items, http_request, context):
    """construct_page_action_menu: the reason instead of the Publish button."""
    page = context.get("page")
    if context.get("view") not in ("edit", "revisions_revert") or not isinstance(page, CaseStudyPage):
        return
    publish = [item for item in menu_items if item.name == "action-publish"]
    if not publish:
        return
    # The checklist has its own panel, and the button stays so that filling
    # the checklist and publishing is one step.
    reason = guards.direct_hold(page)
    if reason is None:
        return
    position = menu_items.index(publish[0])
    menu_items[position] = PublicationWaitsMenuItem(reason, order=publish[0].order)


def refuse_bulk_publication(http_request, action_type, objects, action):
    """before_bulk_action: none of the chosen pages is published if one may not be."""
    if action_type != "publish":
        return None
    refusals = []
    for page in objects:
        specific = page.specific
        # Bulk publishing publishes each page's newest revision: judge that.
        newest = specific.get_latest_revision_as_object() if isinstance(specific, CaseStudyPage) else None
        if newest is not None and (reason := guards.refusal(newest)):
            refusals.append(f"{specific.title}: {reason}")
    if not refusals:
        return None
    for refusal in refusals:
        messages.error(http_request, refusal)
    return redirect(get_valid_next_url_from_request(http_request) or reverse("wagtailadmin_explore_root"))


# The interview request's page offers the failure story of a silent request.
add_action(
    "failure_draft",
    Action(
        _("Create failure case study"),
        lambda interview, user, data: drafts.draft_failure_case_study(interview, user=user),
        allowed_in=statuses.SILENT,
        condition=lambda interview: interview.case_study_id is None,
        done=_(
            "A draft failure case study is ready, with the timeline and key figures from the contact log. "
            "Edit it; before it can go live, send the contact a last notice."
        ),
    ),
    before="notice",
)
