"""Wagtail admin hooks of the case-studies app: companies and contacts,
interview requests and question sets, and the log actions of the interview
state machine."""

from wagtail import hooks
from wagtail.snippets.models import register_snippet

from .admin.companies import CompanyViewSetGroup
from .admin.interviews import interview_request_viewset, question_set_viewset
from .interview_states import LOG_ACTIONS

# register_snippet registers the whole group: the company snippets and the
# contact model viewset.
register_snippet(CompanyViewSetGroup)


@hooks.register("register_admin_viewset")
def register_interview_request_viewset():
    return interview_request_viewset


@hooks.register("register_admin_viewset")
def register_question_set_viewset():
    return question_set_viewset


@hooks.register("register_log_actions")
def register_interview_log_actions(actions):
    for action, (label, message) in LOG_ACTIONS.items():
        actions.register_action(action, label, message)
