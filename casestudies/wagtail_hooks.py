"""Wagtail admin hooks of the case-studies app."""

from wagtail import hooks

# --- Interview requests ------------------------------------------------------
from .admin_interviews import interview_request_viewset, question_set_viewset
from .interview_states import LOG_ACTIONS


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


# --- end interview requests ---------------------------------------------------
