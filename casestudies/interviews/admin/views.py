"""Wagtail admin for interview requests: the listing, editing drafts, the
request's page (answers, photos, reminders, the contact log as a timeline,
the last notice, an opt-out) and the action views that drive
casestudies.interviews.states. Authors see the requests they own; users with
the "see all" permission (editors) see every request."""

from __future__ import annotations

import datetime

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import formats, timezone
from django.utils.functional import cached_property
from django.utils.text import capfirst
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST
from wagtail.admin.auth import require_admin_access
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.panels import ObjectList
from wagtail.admin.ui.side_panels import BaseSidePanel
from wagtail.admin.views import generic
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.admin.widgets.button import Button, HeaderButton

from casestudies.companies import opt_out
from casestudies.interviews import deadlines, funnel, photo_review, reminders, statuses
from casestudies.interviews import states as interview_states
from casestudies.interviews.admin.dates import EditorDateField
from casestudies.interviews.admin.listing import (
    LISTED_FIELDS,
    DeadlineColumn,
    FieldColumn,
    FunnelColumn,
    InterviewRequestFilterSet,
    RequestTable,
    RequestTitleColumn,
    StatusColumn,
)
from casestudies.interviews.admin.today import days_label
from casestudies.interviews.admin.visibility import visible_requests
from casestudies.interviews.models import (
    AnswerRevision,
    ChangeRequest,
    Channel,
    Direction,
    EventKind,
    InboundKind,
    InboundMessage,
    InterviewPhoto,
    InterviewQuestion,
    InterviewRequest,
    InterviewStatus,
    OutgoingEmail,
    QuestionSet,
    ReplyUse,
    validate_day_list,
)
from casestudies.partial_dates import DatePrecision
from casestudies.refusals import ActionRefused

CHANGE_PERMISSION = "casestudies.change_interviewrequest"


class VisibleOnly:
    """Mixin: a request the user may not see does not exist for them (404)."""

    def get_base_queryset(self):
        return visible_requests(self.request.user)

    def get_object(self, queryset=None):
        return get_object_or_404(visible_requests(self.request.user), pk=self.kwargs["pk"])


class IndexView(VisibleOnly, generic.IndexView):
    results_template_name = "casestudies/admin/interview_listing_results.html"
    table_class = RequestTable

    def get_base_queryset(self):
        return funnel.with_funnel(super().get_base_queryset()).only(*LISTED_FIELDS)

    def _get_title_column(self, field_name, column_class=RequestTitleColumn, **kwargs):
        # Wagtail builds the title column with the view's links and row menus;
        # ours draws the link and a draft's menu in Python (listing.RequestTitleColumn).
        return super()._get_title_column(field_name, column_class, **kwargs)

    def get_edit_url(self, instance):
        # Only drafts are edited; the listing links every other request to its page.
        if instance.status in statuses.UNSENT:
            return super().get_edit_url(instance)
        return None

    def get_list_more_buttons(self, instance):
        # A sent request is neither edited nor deleted, and its title already
        # opens its page: its row offers no menu (it used to offer "Delete",
        # which the delete view refuses, and "Inspect", the title's own link).
        if instance.status in statuses.UNSENT:
            return super().get_list_more_buttons(instance)
        return []


class ContactSelect(forms.Select):
    """Each contact option names its company, so that the form's script
    (contact_by_company.js) offers only the chosen company's contacts."""

    def create_option(self, name, value, label, selected, index, subindex=None, attrs=None):
        option = super().create_option(name, value, label, selected, index, subindex, attrs)
        instance = getattr(value, "instance", None)
        if instance is not None:
            option["attrs"]["data-company"] = str(instance.company_id)
        return option


class InterviewRequestForm(WagtailAdminModelForm):
    """The draft's form: a deadline the server parses and checks
    (casestudies.interviews.deadlines), never one the date picker made up.
    A contact of another company is refused by the model's clean()."""

    deadline = EditorDateField(label=_("deadline"))

    class Media:
        js = ["casestudies/js/contact_by_company.js"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields.get("contact")
        if field is not None:
            widget = ContactSelect(attrs=field.widget.attrs)
            widget.choices, widget.is_required = field.choices, field.required
            field.widget = widget

    def clean_deadline(self):
        deadline = self.cleaned_data["deadline"]
        unchanged = self.instance.pk and deadline == self.instance.deadline
        if not unchanged or deadline <= timezone.localdate():
            deadlines.validate(deadline)
        return deadline


class CreateView(generic.CreateView):
    def save_instance(self):
        self.form.instance.owner = self.request.user
        instance = super().save_instance()
        instance.copy_questions_from_set()
        return instance

    def get_success_url(self):
        # The request's own page is where it is sent from.
        return reverse("interview_requests:inspect", args=[self.object.pk])


class EditView(VisibleOnly, generic.EditView):
    """Only drafts are edited: what was sent stays as the contact saw it."""

    def get_success_url(self):
        return reverse("interview_requests:inspect", args=[self.object.pk])

    def dispatch(self, request, *args, **kwargs):
        interview = get_object_or_404(visible_requests(request.user), pk=kwargs["pk"])
        if interview.status not in statuses.UNSENT:
            return redirect("interview_requests:inspect", interview.pk)
        return super().dispatch(request, *args, **kwargs)


class DeleteView(VisibleOnly, generic.DeleteView):
    def dispatch(self, request, *args, **kwargs):
        interview = get_object_or_404(visible_requests(request.user), pk=kwargs["pk"])
        if interview.status not in statuses.UNSENT:
            raise PermissionDenied  # sent requests are withdrawn, never deleted: the log is the story
        return super().dispatch(request, *args, **kwargs)


class RequestSidePanel(BaseSidePanel):
    """The request at a glance beside its tabs: contact, owner, deadline,
    reminders, how far it got, the case study made from it."""

    class SidePanelToggle(BaseSidePanel.SidePanelToggle):
        aria_label = _("Toggle request details")
        icon_name = "info-circle"
        has_counter = False

    name = "interview-request"
    title = _("Request details")
    template_name = "casestudies/admin/interview_side_panel.html"
    order = 100

    def __init__(self, object, request, *, details: dict):
        super().__init__(object, request)
        self.details = details

    def get_context_data(self, parent_context):
        return {**super().get_context_data(parent_context), **self.details}


# The action offered first (the header's primary button) in each status; the
# first of these that is allowed wins, the others go in the actions dropdown.
NEXT_ACTIONS: dict[str, tuple[str, ...]] = {
    InterviewStatus.DRAFT: ("send",),
    InterviewStatus.SUBMITTED: ("accept", "request_changes"),
    InterviewStatus.EXPIRED: ("notice", "failure_draft"),
    InterviewStatus.DECLINED: ("notice", "failure_draft"),
}
NEXT_ACTION_OTHERWISE = ("log",)
# Actions about the deadline, offered beside it in the side panel too (issue
# 14 registers the extension under one of these names).
DEADLINE_ACTIONS = ("extend", "extend_deadline")


def allowed_actions(interview: InterviewRequest) -> list[tuple[str, Action]]:
    return [(name, action) for name, action in ACTIONS.items() if action.is_allowed(interview)]


def next_action(interview: InterviewRequest, allowed: list[tuple[str, Action]]) -> str | None:
    names = [name for name, _action in allowed]
    for name in NEXT_ACTIONS.get(interview.status, NEXT_ACTION_OTHERWISE):
        if name in names:
            return name
    return None


class InspectView(VisibleOnly, generic.InspectView):
    """The request's page in Wagtail's idiom: a header with the status tag, the
    next sensible action as the primary button and the others in the actions
    dropdown (each opening a dialog), a side panel, and tabs."""

    template_name = "casestudies/admin/interview_inspect.html"

    def get_object(self, queryset=None):
        requests = funnel.with_funnel(visible_requests(self.request.user)).select_related("case_study")
        return get_object_or_404(requests, pk=self.pk)

    @cached_property
    def actions(self) -> list[tuple[str, Action]]:
        return allowed_actions(self.object)

    @cached_property
    def primary_action(self) -> str | None:
        return next_action(self.object, self.actions)

    def _action_button(self, name: str, action: Action, cls, **kwargs):
        return cls(
            str(action.label),
            attrs={"data-a11y-dialog-show": f"action-dialog-{name}", "data-interview-action": name},
            **kwargs,
        )

    def get_header_buttons(self):
        buttons = []
        for name, action in self.actions:
            if name == self.primary_action:
                buttons.append(self._action_button(name, action, HeaderButton, classname="button-primary"))
        return buttons + super().get_header_buttons()[len(self.header_buttons) :]

    @cached_property
    def header_more_buttons(self):
        buttons = [
            self._action_button(name, action, Button, priority=index)
            for index, (name, action) in enumerate(self.actions)
            if name != self.primary_action
        ]
        if self.object.status in statuses.UNSENT:
            buttons.extend(super().header_more_buttons)
        return buttons

    def get_created_at_display_value(self):
        # In the site's time zone, as the contact log beside it.
        return formats.date_format(timezone.localtime(self.object.created_at), "SHORT_DATETIME_FORMAT")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        interview = self.object
        objector = opt_out.opted_out_contact(interview.contact.email)
        steps = funnel.steps_of(interview)
        emails = list(interview.emails.order_by("-created_at", "-pk"))
        details = {
            "interview": interview,
            "opted_out": opt_out.explain(objector) if objector else "",
            "undeliverable": [email for email in emails if email.status == OutgoingEmail.Status.FAILED],
            "reminder_schedule": reminders.schedule(interview),
            "steps": steps,
            "deadline_in_days": days_label(interview.deadline, timezone.localdate())
            if interview.status in statuses.AWAITING_CONTACT
            else "",
            "contact_url": reverse("companycontact:edit", args=[interview.contact_id]),
            "deadline_actions": [
                (name, action.label) for name, action in self.actions if name in DEADLINE_ACTIONS
            ],
            "notice_counts": statuses.notice_counts(interview),
            "publishable_from": statuses.publishable_from(interview),
        }
        dialogs = [
            {
                "name": name,
                "action": action,
                "form": action.form_class(interview=interview, auto_id=f"{name}-%s")
                if action.form_class
                else None,
                "url": reverse("interview_requests:action", args=[interview.pk, name]),
            }
            for name, action in self.actions
        ]
        log_allowed = any(name == "log" for name, _action in self.actions)
        inbound = list(interview.inbound_messages.select_related("used_by"))
        curation = photo_review.curation(interview)
        context.update(
            details,
            questions=questions_with_history(interview),
            # The photos chosen for the draft first, in their order (interviews.photo_review).
            photos=curation.photos,
            photo_curation=curation,
            can_review_photos=photo_review.under_review(interview)
            and self.request.user.has_perm(CHANGE_PERMISSION),
            events=interview.events.select_related("recorded_by").order_by("-occurred_at", "-pk"),
            emails=emails,
            sign_offs=interview.sign_offs.select_related("page", "overridden_by"),
            dialogs=dialogs,
            log_form=LogContactForm(interview=interview, auto_id="log-tab-%s") if log_allowed else None,
            side_panels=[RequestSidePanel(interview, self.request, details=details)],
            # Incoming mail (interviews.inbound): the whole messages, for the request's editors only.
            inbound_messages=inbound,
            reply_dialogs=reply_dialogs(interview, self.request.user, inbound),
        )
        return context


def questions_with_history(interview: InterviewRequest) -> list[InterviewQuestion]:
    """The questions with their answers, each with `earlier_versions` (the
    answer's revisions before the text shown now) and `asked_again` (what the
    editors asked about it, after which round); three queries however many."""
    questions = list(
        interview.questions.select_related("answer")
        .prefetch_related(
            Prefetch("answer__revisions", queryset=AnswerRevision.objects.select_related("recorded_by")),
            Prefetch("change_requests", queryset=ChangeRequest.objects.select_related("requested_by")),
        )
        .order_by("sort_order", "pk")
    )
    for question in questions:
        answer = getattr(question, "answer", None)
        versions = list(answer.revisions.all()) if answer is not None else []
        if versions and versions[-1].text == answer.text:
            versions = versions[:-1]  # the latest revision is the text shown
        question.earlier_versions = list(reversed(versions))
        question.asked_again = list(question.change_requests.all())
    return questions


# Action views -------------------------------------------------------------------

# The action page loads no date-picker script: a plain field, read on the server.
PLAIN_DATE = forms.DateInput(format="%d.%m.%Y", attrs={"autocomplete": "off"})


class LogContactForm(forms.Form):
    channel = forms.ChoiceField(label=_("channel"), choices=Channel.choices)
    direction = forms.ChoiceField(label=_("direction"), choices=Direction.choices)
    kind = forms.ChoiceField(
        label=_("kind"),
        choices=[
            (k, label)
            for k, label in EventKind.choices
            if k in ("call", "reply", "message", "invitation", "reminder", "note")
        ],
    )
    occurred_at = forms.DateTimeField(
        label=_("when"),
        required=False,
        help_text=_(
            "Empty means now. When only the month or the year is known, or nothing at all, say so below: "
            "the time then only places the entry in the log and is never shown as a date."
        ),
    )
    date_precision = forms.ChoiceField(
        label=_("date known to the"), choices=DatePrecision.choices, initial=DatePrecision.DAY, required=False
    )
    who = forms.CharField(label=_("who"), required=False, max_length=200)
    summary = forms.CharField(
        label=_("summary"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("What was said or offered, as a reader may read it."),
    )
    outcome = forms.CharField(
        label=_("outcome"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("e.g. “no answer”, “secretary: reachable by email only”"),
    )
    internal = forms.BooleanField(
        label=_("internal"),
        required=False,
        help_text=_("Internal entries never appear in a published timeline."),
    )
    reopen = forms.BooleanField(
        label=_("a late answer reopens the request"),
        required=False,
        initial=True,
        help_text=_("For a reply from the contact to an expired or declined request."),
    )

    def __init__(self, *args, interview: InterviewRequest, **kwargs):
        super().__init__(*args, **kwargs)
        if interview.status not in statuses.SILENT:
            del self.fields["reopen"]

    def clean(self):
        cleaned = super().clean()
        cleaned["date_precision"] = cleaned.get("date_precision") or DatePrecision.DAY
        cleaned.setdefault("reopen", False)
        return cleaned


class ReminderPolicyForm(forms.Form):
    after_days = forms.CharField(
        label=_("remind after days"),
        required=False,
        max_length=50,
        validators=[validate_day_list],
        help_text=_("Days after sending, separated by commas, e.g. “3, 7”. Empty: none."),
    )
    before_deadline_days = forms.IntegerField(
        label=_("remind days before the deadline"),
        required=False,
        min_value=1,
        max_value=365,
        help_text=_("Empty: no reminder before the deadline."),
    )

    def __init__(self, *args, interview: InterviewRequest, **kwargs):
        kwargs.setdefault(
            "initial",
            {
                "after_days": interview.remind_after_days,
                "before_deadline_days": interview.remind_before_deadline_days,
            },
        )
        super().__init__(*args, **kwargs)


class LastNoticeForm(forms.Form):
    reply_days = forms.IntegerField(
        label=_("reply window in days"),
        initial=7,
        min_value=1,
        max_value=60,
        help_text=_("The contact may still answer this long; the case study waits until the window is over."),
    )
    planned_publication = EditorDateField(
        widget=PLAIN_DATE,
        label=_("planned publication"),
        help_text=_("Told to the contact; must come after the reply window."),
    )
    channel = forms.ChoiceField(
        label=_("how"),
        choices=[
            (Channel.EMAIL, _("Email with a new questionnaire link (sent now)")),
            (Channel.LETTER, _("By letter (already sent; recorded only)")),
            (Channel.PHONE, _("By phone (already told; recorded only)")),
        ],
        initial=Channel.EMAIL,
    )

    def __init__(self, *args, interview: InterviewRequest, **kwargs):
        today = timezone.localdate()
        kwargs.setdefault("initial", {"planned_publication": today + datetime.timedelta(days=8)})
        super().__init__(*args, **kwargs)

    def clean(self):
        cleaned = super().clean()
        days, planned = cleaned.get("reply_days"), cleaned.get("planned_publication")
        if days and planned and planned <= timezone.localdate() + datetime.timedelta(days=days):
            self.add_error(
                "planned_publication", _("The planned publication must come after the reply window.")
            )
        return cleaned


class RequestChangesForm(forms.Form):
    message = forms.CharField(
        label=_("Message to the contact"), widget=forms.Textarea(attrs={"rows": 5}), max_length=5000
    )
    questions = forms.ModelMultipleChoiceField(
        label=_("Questions to answer again"),
        queryset=InterviewQuestion.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    photos = forms.ModelMultipleChoiceField(
        label=_("Photos to replace"),
        queryset=InterviewPhoto.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, interview: InterviewRequest, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["questions"].queryset = interview.questions.order_by("sort_order", "pk")
        self.fields["photos"].queryset = interview.photos.all()

    def clean(self):
        cleaned = super().clean()
        if not (cleaned.get("questions") or cleaned.get("photos")):
            raise forms.ValidationError(_("Pick at least one question or photo."))
        return cleaned


class ExtendDeadlineForm(forms.Form):
    deadline = EditorDateField(
        widget=PLAIN_DATE,
        label=_("new deadline"),
        help_text=_("The contact is emailed the new date; their link keeps working until then."),
    )

    def __init__(self, *args, interview: InterviewRequest, **kwargs):
        self.interview = interview
        kwargs.setdefault(
            "initial",
            {"deadline": max(interview.deadline, timezone.localdate()) + datetime.timedelta(days=7)},
        )
        super().__init__(*args, **kwargs)

    def clean_deadline(self):
        deadline = self.cleaned_data["deadline"]
        deadlines.validate_extension(self.interview.deadline, deadline)
        return deadline


class WithdrawForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason (internal)"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, interview: InterviewRequest, **kwargs):
        super().__init__(*args, **kwargs)


class ReplyForm(forms.Form):
    """Turn a reply by email into questionnaire answers (a field per open
    question) or into a note in the contact log."""

    ANSWERS, NOTE = ReplyUse.ANSWERS, ReplyUse.NOTE

    use = forms.ChoiceField(
        label=_("Turn the reply into"),
        widget=forms.RadioSelect,
        choices=[(ANSWERS, _("answers to the open questions")), (NOTE, _("a note in the contact log"))],
        initial=ANSWERS,
    )
    submit = forms.BooleanField(
        label=_("submit the answers for review"),
        required=False,
        initial=True,
        help_text=_("Off: they stay drafts the contact can still change in the questionnaire."),
    )
    note = forms.CharField(
        label=_("note (internal)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Internal: it never appears in a published timeline."),
    )

    def __init__(
        self,
        *args,
        interview: InterviewRequest,
        message: InboundMessage,
        open_questions: list[InterviewQuestion] | None = None,
        **kwargs,
    ):
        super().__init__(*args, **kwargs)
        self.fields["note"].initial = message.body[:5000]
        self.question_fields: dict[str, int] = {}
        if open_questions is None:
            open_questions = open_questions_of(interview)
        for question in open_questions:
            name = f"question_{question.pk}"
            self.fields[name] = forms.CharField(
                label=question.text, required=False, widget=forms.Textarea(attrs={"rows": 3})
            )
            self.question_fields[name] = question.pk
        # The pasted answers first, then whether they are submitted; the note last.
        self.order_fields(["use", *self.question_fields, "submit", "note"])
        if not self.question_fields:
            del self.fields["submit"]
            self.fields["use"].choices = [self.fields["use"].choices[1]]
            self.fields["use"].initial = self.NOTE

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("use") == self.NOTE:
            if not cleaned.get("note", "").strip():
                self.add_error("note", _("Write the note."))
        elif not any(cleaned.get(name, "").strip() for name in self.question_fields):
            raise forms.ValidationError(_("Paste at least one answer from the email."))
        return cleaned

    @property
    def texts(self) -> dict[int, str]:
        return {pk: self.cleaned_data.get(name, "") for name, pk in self.question_fields.items()}


def open_questions_of(interview: InterviewRequest) -> list[InterviewQuestion]:
    """The questions an email's answers may go into, in the questionnaire's order."""
    return list(interview_states.questions_open_for_email(interview).order_by("sort_order", "pk"))


def replies_of(interview: InterviewRequest):
    return interview.inbound_messages.filter(kind=InboundKind.REPLY)


def reply_dialogs(interview: InterviewRequest, user, inbound: list[InboundMessage]) -> list[dict]:
    """A dialog for each reply among `inbound`, each message given its
    `reply_dialog`; one query however many replies came."""
    replies = [message for message in inbound if message.kind == InboundKind.REPLY]
    if not replies or not user.has_perm("casestudies.change_interviewrequest"):
        return []
    questions = open_questions_of(interview)
    dialogs = []
    for message in replies:
        message.reply_dialog = {
            "message": message,
            "dialog_id": f"reply-dialog-{message.pk}",
            "form": ReplyForm(
                interview=interview,
                message=message,
                open_questions=questions,
                auto_id=f"reply-{message.pk}-%s",
            ),
            "url": reverse("interview_requests:reply", args=[interview.pk, message.pk]),
        }
        dialogs.append(message.reply_dialog)
    return dialogs


@require_admin_access
def reply_view(request, pk: int, message: int):
    """An editor turns a reply by email into answers or a note (the dialog on
    the Emails tab posts here; the form comes back here when input was wrong)."""
    if not request.user.has_perm("casestudies.change_interviewrequest"):
        raise PermissionDenied
    interview = get_object_or_404(visible_requests(request.user), pk=pk)
    reply = get_object_or_404(replies_of(interview), pk=message)
    inspect_url = reverse("interview_requests:inspect", args=[interview.pk])
    form = ReplyForm(request.POST or None, interview=interview, message=reply)
    if request.method == "POST" and form.is_valid():
        try:
            if form.cleaned_data["use"] == ReplyForm.NOTE:
                interview_states.note_from_email(
                    interview, user=request.user, inbound=reply, note=form.cleaned_data["note"]
                )
                done = gettext("The reply is in the contact log as a note.")
            else:
                interview_states.take_answers_from_email(
                    interview,
                    user=request.user,
                    inbound=reply,
                    texts=form.texts,
                    submit=form.cleaned_data.get("submit", False),
                )
                done = gettext("The answers from the email are stored; see the Answers tab.")
        except interview_states.ActionRefused as refused:
            messages.error(request, str(refused))
        else:
            messages.success(request, done)
        return redirect(inspect_url)
    return TemplateResponse(
        request,
        "casestudies/admin/interview_reply.html",
        {
            "interview": interview,
            "reply": reply,
            "form": form,
            "inspect_url": inspect_url,
            "page_title": gettext("Turn the reply into answers or a note"),
            "header_title": str(interview),
        },
    )


class Action:
    def __init__(
        self,
        label,
        run,
        *,
        target=None,
        allowed_in=None,
        form_class=None,
        done="",
        condition=None,
        notice_template="",
    ):
        self.label, self.run, self.target = label, run, target
        self.allowed_in, self.form_class, self.done = allowed_in, form_class, done
        self.condition = condition
        # What the dialog says before the action (the accept dialog: which photos go in).
        self.notice_template = notice_template

    def is_allowed(self, interview: InterviewRequest) -> bool:
        if self.condition is not None and not self.condition(interview):
            return False
        if self.target is not None:
            return interview_states.can(interview, self.target)
        return self.allowed_in is None or interview.status in self.allowed_in


def last_notice_done(interview: InterviewRequest) -> str:
    done = gettext("The last notice is recorded. The case study can go live once its reply window is over.")
    page = interview.case_study
    if page is None:
        return done
    revision = page.latest_revision
    if revision is not None and revision.created_at >= interview.notice_sent_at:
        return done + " " + gettext("Its timeline in the draft now ends with the notice.")
    return (
        done
        + " "
        + gettext(
            "The draft was not changed (it is in moderation, live or has no timeline): "
            "add the notice to its timeline in the editor if the story should tell of it."
        )
    )


ACTIONS: dict[str, Action] = {
    "send": Action(
        _("Send invitation"),
        lambda interview, user, data: interview_states.send(interview, user=user),
        target=InterviewStatus.SENT,
        done=_("The invitation is on its way."),
    ),
    "resend": Action(
        _("Send a new link"),
        lambda interview, user, data: interview_states.resend_link(interview, user=user),
        allowed_in=statuses.LINK_RESENDABLE,
        done=_("A new link is on its way; the old one no longer works."),
    ),
    "log": Action(
        _("Log a call or email"),
        lambda interview, user, data: interview_states.log_contact(interview, user=user, **data),
        form_class=LogContactForm,
        done=_("Logged."),
    ),
    "request_changes": Action(
        _("Request changes"),
        lambda interview, user, data: interview_states.request_changes(interview, user=user, **data),
        target=InterviewStatus.CHANGES_REQUESTED,
        form_class=RequestChangesForm,
        done=_("The contact has been asked for changes."),
    ),
    "accept": Action(
        _("Accept"),
        lambda interview, user, data: interview_states.accept(interview, user=user),
        target=InterviewStatus.ACCEPTED,
        done=_("Accepted. The answers are in a draft case study, ready to edit and submit for review."),
        notice_template="casestudies/admin/_accept_photos.html",
    ),
    "reminders": Action(
        _("Change reminders"),
        lambda interview, user, data: interview_states.set_reminder_policy(interview, user=user, **data),
        allowed_in=(InterviewStatus.SENT, InterviewStatus.OPENED, InterviewStatus.IN_PROGRESS),
        form_class=ReminderPolicyForm,
        done=_("Reminders changed. Those already sent or skipped stay as they were."),
    ),
    "extend": Action(
        _("Extend deadline"),
        lambda interview, user, data: interview_states.extend_deadline(interview, user=user, **data),
        allowed_in=statuses.AWAITING_CONTACT,
        form_class=ExtendDeadlineForm,
        done=_("The deadline is extended and the contact is told the new date."),
    ),
    "notice": Action(
        _("Send last notice"),
        lambda interview, user, data: interview_states.send_last_notice(interview, user=user, **data),
        allowed_in=statuses.SILENT,
        form_class=LastNoticeForm,
        done=last_notice_done,
    ),
    "withdraw": Action(
        _("Withdraw"),
        lambda interview, user, data: interview_states.withdraw(interview, user=user, **data),
        target=InterviewStatus.WITHDRAWN,
        form_class=WithdrawForm,
        done=_("Withdrawn; the questionnaire link no longer works."),
    ),
}


def add_action(name: str, action: Action, *, before: str) -> None:
    """Another part of the app offers an action on the request page, shown
    before the action `before` (the failure draft: casestudies.pages.admin)."""
    if name in ACTIONS:
        return
    items = list(ACTIONS.items())
    items.insert(list(ACTIONS).index(before), (name, action))
    ACTIONS.clear()
    ACTIONS.update(items)


@require_admin_access
def action_view(request, pk: int, action: str):
    if action not in ACTIONS:
        raise Http404
    if not request.user.has_perm(CHANGE_PERMISSION):
        raise PermissionDenied
    interview = get_object_or_404(visible_requests(request.user), pk=pk)
    spec = ACTIONS[action]
    inspect_url = reverse("interview_requests:inspect", args=[interview.pk])
    form = spec.form_class(request.POST or None, interview=interview) if spec.form_class else None
    if request.method == "POST" and (form is None or form.is_valid()):
        try:
            result = spec.run(interview, request.user, form.cleaned_data if form else {})
        except interview_states.ActionRefused as refused:
            messages.error(request, str(refused))
        else:
            messages.success(request, str(spec.done(result) if callable(spec.done) else spec.done))
        return redirect(inspect_url)
    if not spec.is_allowed(interview):
        messages.error(request, gettext("This is not possible in the request's current state."))
        return redirect(inspect_url)
    return TemplateResponse(
        request,
        "casestudies/admin/interview_action.html",
        {
            "interview": interview,
            "form": form,
            "action": spec,
            "inspect_url": inspect_url,
            "page_title": spec.label,
            "header_title": str(interview),
            "photo_curation": photo_review.curation(interview) if spec.notice_template else None,
        },
    )


class PhotoReviewForm(forms.Form):
    decision = forms.ChoiceField(choices=[(decision, decision) for decision in photo_review.DECISIONS])
    reason = forms.CharField(required=False, max_length=photo_review.REASON_MAX_LENGTH)


PHOTO_DONE = {
    photo_review.ACCEPT: _("Photo accepted. It goes into the draft as photo %(position)s."),
    photo_review.REJECT: _("Photo rejected. It stays private and does not go into the draft."),
    photo_review.INCLUDE: _("The photo goes into the draft as photo %(position)s."),
    photo_review.LEAVE_OUT: _("The photo stays out of the draft."),
    photo_review.UP: _("The photo is now photo %(position)s of the draft."),
    photo_review.DOWN: _("The photo is now photo %(position)s of the draft."),
}


@require_admin_access
@require_POST
def photo_review_view(request, pk: int, photo_pk: int):
    """Accept, reject or place one photo of a request under review; the rules
    are casestudies.interviews.photo_review's, this only reads the form."""
    if not request.user.has_perm(CHANGE_PERMISSION):
        raise PermissionDenied
    interview = get_object_or_404(visible_requests(request.user), pk=pk)
    form = PhotoReviewForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
    else:
        decision = form.cleaned_data["decision"]
        try:
            photo = photo_review.decide(interview, photo_pk, user=request.user, **form.cleaned_data)
        except ActionRefused as refused:
            messages.error(request, str(refused))
        else:
            done = str(PHOTO_DONE[decision])
            messages.success(request, done % {"position": photo.draft_position} if "%(" in done else done)
    return redirect(reverse("interview_requests:inspect", args=[interview.pk]) + "#tab-photos")


@require_admin_access
def photo_view(request, pk: int, thumbnail: bool = False):
    """Stream a private upload to someone who may see its request; never a public URL."""
    photo = get_object_or_404(InterviewPhoto, pk=pk, request__in=visible_requests(request.user))
    field = photo.thumbnail if thumbnail else photo.file
    if not field:
        raise Http404
    response = FileResponse(field.open("rb"), content_type="image/jpeg")
    response["Content-Disposition"] = f'inline; filename="interview-photo-{photo.pk}.jpg"'
    response["Cache-Control"] = "no-store, private"
    response["X-Content-Type-Options"] = "nosniff"
    return response


class InterviewRequestViewSet(ModelViewSet):
    model = InterviewRequest
    name = "interview_requests"
    icon = "mail"
    menu_label = _("Interview requests")
    add_to_admin_menu = True
    menu_order = 250
    copy_view_enabled = False
    inspect_view_enabled = True
    index_view_class = IndexView
    add_view_class = CreateView
    edit_view_class = EditView
    delete_view_class = DeleteView
    inspect_view_class = InspectView
    list_display = [
        "__str__",
        StatusColumn(),
        FunnelColumn(),
        DeadlineColumn(),
        # The model's field names as headers, as Wagtail would draw them.
        FieldColumn("owner", label=capfirst(_("owner")), sort_key="owner"),
        FieldColumn("updated_at", label=capfirst(_("updated")), sort_key="updated_at"),
    ]
    filterset_class = InterviewRequestFilterSet
    search_fields = ["company__name", "contact__name", "intro"]
    inspect_view_fields = [
        "company",
        "contact",
        "language",
        "owner",
        "deadline",
        "intro",
        "photos_wanted",
        "photos_description",
        "decline_reason",
        "created_at",
    ]

    def get_edit_handler(self):
        return ObjectList(InterviewRequest.panels, base_form_class=InterviewRequestForm).bind_to_model(
            self.model
        )

    def get_urlpatterns(self):
        return [
            *super().get_urlpatterns(),
            path("action/<int:pk>/<slug:action>/", action_view, name="action"),
            path("reply/<int:pk>/<int:message>/", reply_view, name="reply"),
            path("photo/<int:pk>/", photo_view, name="photo"),
            # Not named photo_*: the guard reads a `pk` under photo_* as a photo's (admin/guard.py).
            path("review-photo/<int:pk>/<int:photo_pk>/", photo_review_view, name="review_photo"),
            path("photo/<int:pk>/thumbnail/", photo_view, {"thumbnail": True}, name="photo_thumbnail"),
        ]


class QuestionSetViewSet(ModelViewSet):
    model = QuestionSet
    name = "question_sets"
    icon = "list-ul"
    menu_label = _("Question sets")
    add_to_admin_menu = True
    menu_order = 251
    list_display = ["name", "series"]
    search_fields = ["name"]


interview_request_viewset = InterviewRequestViewSet()
question_set_viewset = QuestionSetViewSet()
