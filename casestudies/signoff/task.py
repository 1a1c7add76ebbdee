"""The company sign-off as a step of Wagtail's moderation workflow: a Task
that asks the interviewee to approve the final text of a case study.

The task holds its settings (reply window, reminder, who may override) and
answers Wagtail's Task API by handing each call to the sign-off's service
(casestudies.signoff.service), which keeps the evidence (SignOff)."""

from __future__ import annotations

from django import forms
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.models import Task, TaskState, Workflow, WorkflowTask

from casestudies.signoff import service
from casestudies.signoff.forms import OverrideForm
from casestudies.signoff.models import SignOffStatus

TASK_NAME = "Freigabe durch das Unternehmen"
WORKFLOW_NAME = "Redaktionelle Freigabe"
EDITORS = "Editors"


class CompanySignOffTask(Task):
    """Freigabe durch das Unternehmen: the contact of the page's interview
    approves the text (or flags parts of it) through a personal link."""

    reply_days = models.PositiveSmallIntegerField(
        _("days to reply"),
        default=7,
        validators=[MinValueValidator(1), MaxValueValidator(90)],
        help_text=_("The contact is asked to decide within this many days."),
    )
    reminder_after_days = models.PositiveSmallIntegerField(
        _("remind after days"),
        default=4,
        help_text=_("One reminder this many days after the request if the contact has not decided. 0: none."),
    )
    groups = models.ManyToManyField(
        Group,
        verbose_name=_("editors"),
        related_name="company_signoff_tasks",
        blank=True,
        help_text=_(
            "Members may edit the page while it waits for the company and, once the deadline has "
            "passed without a reply, override the sign-off with a reason."
        ),
    )

    admin_form_fields = Task.admin_form_fields + ["reply_days", "reminder_after_days", "groups"]
    admin_form_widgets = {"groups": forms.CheckboxSelectMultiple}

    class Meta:
        verbose_name = _("Company sign-off")
        verbose_name_plural = _("Company sign-offs")

    def clean(self):
        super().clean()
        if self.reminder_after_days and self.reminder_after_days >= self.reply_days:
            raise ValidationError(
                {"reminder_after_days": _("The reminder must go out before the days to reply are over.")}
            )

    # Wagtail's Task API ---------------------------------------------------------

    def start(self, workflow_state, user=None):
        task_state = super().start(workflow_state, user=user)
        return service.begin(self, task_state, user=user)

    def on_action(self, task_state, user, action_name, **kwargs):
        # Approving and flagging belong to the company, through its link; the
        # editors' one action is the override after the deadline.
        if action_name != "override":
            raise PermissionDenied
        service.override(task_state, user=user, reason=kwargs.get("reason", ""))

    def may_override(self, user) -> bool:
        if not getattr(user, "is_authenticated", False):
            return False
        if user.is_superuser:
            return True
        cache = user.__dict__.setdefault("_company_signoff_task_checks", {})
        if self.pk not in cache:
            cache[self.pk] = self.groups.filter(id__in=user.groups.all()).exists()
        return cache[self.pk]

    def user_can_access_editor(self, obj, user):
        return self.may_override(user)

    def locked_for_user(self, obj, user):
        # Authors wait while the company reads: an edit now would only ask
        # the company again. Editors may still edit (and so ask again).
        return not self.may_override(user)

    def user_can_lock(self, obj, user):
        return self.may_override(user)

    def get_actions(self, obj, user):
        if self.may_override(user) and service.overdue_sign_off(obj) is not None:
            return [("override", _("Override the company sign-off"), True)]
        return []

    def get_form_for_action(self, action):
        if action == "override":
            return OverrideForm
        return super().get_form_for_action(action)

    def get_task_states_user_can_moderate(self, user, **kwargs):
        # Overdue sign-offs wait for an editor: they show on the dashboard.
        if not self.may_override(user):
            return TaskState.objects.none()
        return self.task_states.filter(
            status=TaskState.STATUS_IN_PROGRESS,
            company_sign_off__status=SignOffStatus.PENDING,
            company_sign_off__deadline__lt=timezone.localdate(),
        )

    @classmethod
    def get_description(cls):
        return _(
            "The contact of the page's accepted interview approves the final text through a personal "
            "link, or flags answers and photos with a comment."
        )


# Setup ----------------------------------------------------------------------------------


def signoff_task() -> CompanySignOffTask:
    """The task the data migration created (or a new one, for a database without it)."""
    task = CompanySignOffTask.objects.filter(name=TASK_NAME).first()
    if task is None:
        task = CompanySignOffTask.objects.create(name=TASK_NAME)
        task.groups.set(Group.objects.filter(name=EDITORS))
    return task


@transaction.atomic
def add_to_workflow(workflow: Workflow | None = None) -> CompanySignOffTask:
    """Put the sign-off first in the workflow: after the author submits,
    before the editors approve. Does nothing if it is there already."""
    workflow = workflow or Workflow.objects.get(name=WORKFLOW_NAME)
    task = signoff_task()
    if not WorkflowTask.objects.filter(workflow=workflow, task=task).exists():
        WorkflowTask.objects.filter(workflow=workflow).update(sort_order=F("sort_order") + 1)
        WorkflowTask.objects.create(workflow=workflow, task=task, sort_order=0)
    return task
