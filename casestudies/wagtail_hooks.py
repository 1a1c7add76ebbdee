"""Wagtail admin hooks of the case-studies app: companies and contacts,
interview requests and question sets, the log actions of the interview
state machine, the responsiveness panel on the dashboard, and the doors to
publishing that stay shut for a failure case study before its last notice
(casestudies.publishing.last_notice), and the company sign-off."""

from django.contrib import messages
from django.templatetags.static import static
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.models import TaskState, WorkflowState
from wagtail.snippets.models import register_snippet

from casestudies.interviews.admin import calendar_views, today
from casestudies.interviews.admin import guard as interview_guard
from casestudies.interviews.admin.responsiveness import CompanyViewSetGroup, ResponsivenessPanel
from casestudies.interviews.admin.views import interview_request_viewset, question_set_viewset
from casestudies.interviews.inbound.service import LOG_ACTIONS as INBOUND_LOG_ACTIONS
from casestudies.interviews.photo_review import LOG_ACTIONS as PHOTO_LOG_ACTIONS
from casestudies.interviews.states import LOG_ACTIONS
from casestudies.pages import admin as publication_admin
from casestudies.signoff import today as signoff_today
from casestudies.signoff.models import SignOff
from casestudies.signoff.service import LOG_ACTIONS as SIGNOFF_LOG_ACTIONS
from casestudies.signoff.task import CompanySignOffTask

# register_snippet registers the whole group: the company snippets (with
# their responsiveness column) and the contact model viewset.
register_snippet(CompanyViewSetGroup)


@hooks.register("register_admin_viewset")
def register_interview_request_viewset():
    return interview_request_viewset


@hooks.register("register_admin_viewset")
def register_question_set_viewset():
    return question_set_viewset


@hooks.register("register_log_actions")
def register_interview_log_actions(actions):
    for action, (label, message) in {
        **LOG_ACTIONS,
        **SIGNOFF_LOG_ACTIONS,
        **INBOUND_LOG_ACTIONS,
        **PHOTO_LOG_ACTIONS,
    }.items():
        actions.register_action(action, label, message)


@hooks.register("construct_homepage_panels")
def add_responsiveness_panel(request, panels):
    panels.append(ResponsivenessPanel())


# Issue 19: "what needs me today" on the dashboard, the company sign-offs among
# what it waits on, and the admin stylesheet (step indicator, panel) on every
# admin page.
today.add_section(signoff_today.SIGN_OFFS_ENDING, before="reminder_failed")


@hooks.register("construct_homepage_panels")
def add_today_panel(request, panels):
    panels.append(today.TodayPanel())


# Issue 14: the editorial calendar (its sources are added in apps.py, so that
# the feed, outside the admin, finds them too).
@hooks.register("register_admin_urls")
def register_calendar_urls():
    return [
        path("calendar/", calendar_views.calendar_view, name="casestudies_calendar"),
        path("calendar/feed/", calendar_views.feed_address, name="casestudies_calendar_feed"),
    ]


@hooks.register("register_admin_menu_item")
def register_calendar_menu_item():
    return MenuItem(
        _("Calendar"), reverse("casestudies_calendar"), name="calendar", icon_name="date", order=252
    )


@hooks.register("insert_global_admin_css")
def casestudies_admin_css():
    return format_html('<link rel="stylesheet" href="{}">', static("casestudies/css/admin.css"))


# An author does not see another author's requests, drafts or photos in listings
# and choosers either (the doors with an id are guard.AdminVisibilityMiddleware).
hooks.register("construct_explorer_page_queryset", interview_guard.explorer_pages)
hooks.register("construct_page_chooser_queryset", interview_guard.without_hidden_pages)
hooks.register("construct_image_chooser_queryset", interview_guard.without_hidden_images)

hooks.register("before_edit_page", publication_admin.refuse_early_publication)
hooks.register("construct_page_action_menu", publication_admin.explain_in_action_menu)
hooks.register("before_bulk_action", publication_admin.refuse_bulk_publication)
hooks.register("before_publish_page", publication_admin.refuse_incomplete_publication)
hooks.register("before_edit_page", publication_admin.explain_hold)


@hooks.register("after_edit_page")
@hooks.register("after_create_page")
def explain_refused_signoff(request, page):
    """A page the company cannot sign off comes straight back: say why, on the page it came from."""
    state = WorkflowState.objects.for_instance(page).active().select_related("current_task_state").first()
    task_state = state.current_task_state if state else None
    if (
        task_state is None
        or state.status != WorkflowState.STATUS_NEEDS_CHANGES
        or task_state.status != TaskState.STATUS_REJECTED
        or not isinstance(task_state.task.specific, CompanySignOffTask)
        or SignOff.objects.filter(task_state_id=task_state.pk).exists()
    ):
        return
    messages.error(request, task_state.comment)
