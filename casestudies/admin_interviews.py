"""Wagtail admin for interview requests: listing, editing drafts, and the
action views that drive the state machine (casestudies.interview_states)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from wagtail.admin.viewsets.model import ModelViewSet

from .models import InterviewRequest


class InterviewRequestViewSet(ModelViewSet):
    model = InterviewRequest
    name = "interview_requests"
    icon = "mail"
    menu_label = _("Interview requests")
    add_to_admin_menu = True
    menu_order = 250
    copy_view_enabled = False
    inspect_view_enabled = True
    list_display = ["__str__", "status", "deadline", "owner", "updated_at"]
    list_filter = ["status", "company", "owner", "deadline"]
    search_fields = ["company__name", "contact__name", "intro"]
    exclude_form_fields = []


interview_request_viewset = InterviewRequestViewSet()
