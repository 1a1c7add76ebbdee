"""The moderation workflow's own step for failure case studies.

"Redaktionelle Freigabe" ends with this task: a failure case study that came
out of an unanswered interview request waits here until the contact has had
a last notice and its reply window is over (casestudies.publishing.last_notice holds the
rule; the other publication guards are asked too). Every other page passes straight through."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from wagtail.models import AbstractGroupApprovalTask, TaskState

from casestudies.pages import guards
from casestudies.publishing import last_notice


class LastNoticeTask(AbstractGroupApprovalTask):
    """Members of the chosen groups approve (and so publish) once the last
    notice's reply window is over; until then they can only request changes."""

    def start(self, workflow_state, user=None):
        task_state = super().start(workflow_state, user=user)
        obj = workflow_state.content_object
        if not last_notice.needs_last_notice(obj):
            # Articles, interviews, best practice: nothing to wait for.
            task_state.status = TaskState.STATUS_SKIPPED
            task_state.save(update_fields=["status"])
        elif guards.refusal(obj) is None:
            # The notice went out and its window closed before the page got here.
            task_state.approve(user=None, update=False, comment=str(last_notice.READY_COMMENT))
        return task_state

    def get_actions(self, obj, user):
        if not (user.is_superuser or self._user_in_groups(user)):
            return []
        actions = [("reject", _("Request changes"), True)]
        if guards.refusal(obj) is None:
            actions.append(("approve", _("Approve"), False))
        return actions

    def on_action(self, task_state, user, action_name, **kwargs):
        if action_name == "approve":
            # get_actions already hides it; this holds against a stale page too.
            guards.check_publishable(task_state.revision.as_object())
        return super().on_action(task_state, user, action_name, **kwargs)

    @classmethod
    def get_description(cls):
        return _(
            "Failure case studies about an unanswered interview request wait here until the contact "
            "has had a last notice and its reply window is over. Other pages pass straight through."
        )

    class Meta:
        verbose_name = _("Last notice before a failure story")
        verbose_name_plural = _("Last notices before failure stories")
