"""Forms of the public questionnaire."""

from __future__ import annotations

import hashlib

from django import forms
from django.utils.translation import gettext_lazy as _

from casestudies.interviews.models import InterviewQuestion
from casestudies.interviews.photos import CONSENT_TEXT

ANSWER_MAX_LENGTH = 20_000
ROUND_FIELD = "round"


def field_name(question: InterviewQuestion) -> str:
    return f"answer_{question.pk}"


def shown_name(question: InterviewQuestion) -> str:
    return f"{field_name(question)}_shown"


def one_kind_of_line_break(text: str) -> str:
    # A form sends a text area's line breaks as CRLF, a script's value has LF:
    # store one kind, and count the length as the contact's browser does.
    return text.replace("\r\n", "\n").replace("\r", "\n")


def text_digest(text: str) -> str:
    return hashlib.sha256(one_kind_of_line_break(text).encode("utf-8")).hexdigest()[:32]


class AnswerField(forms.CharField):
    def to_python(self, value):
        return one_kind_of_line_break(super().to_python(value))


class AnswersForm(forms.Form):
    """One text area per question; final answers are shown but cannot be changed.

    Beside each text area the page carries a digest of the answer it showed.
    A save writes only the answers this page changed, so a second tab (or an
    old page) saving does not put back what it never touched: per question,
    the last write wins."""

    def __init__(
        self,
        *args,
        questions: list[InterviewQuestion],
        editable: set[int],
        submission_round: int = 0,
        **kwargs,
    ):
        super().__init__(*args, **kwargs)
        self.questions = questions
        self.submission_round = submission_round
        for number, question in enumerate(questions, start=1):
            answer = getattr(question, "answer", None)
            text = answer.text if answer else ""
            field = self.fields[field_name(question)] = AnswerField(
                label=question.text,
                help_text=question.help_text,
                required=False,
                max_length=ANSWER_MAX_LENGTH,
                strip=False,
                initial=text,
                disabled=question.pk not in editable,
                widget=forms.Textarea(attrs={"rows": 6}),
            )
            field.number = number
            field.shown = text_digest(text)

    def posted_round(self) -> int | None:
        """The submission round of the page that sent this form (None: not said)."""
        try:
            return int(self.data.get(ROUND_FIELD, ""))
        except (TypeError, ValueError):
            return None

    def _changed_here(self, question: InterviewQuestion) -> bool:
        if field_name(question) not in self.data:
            return False  # a form that does not mention an answer leaves it alone
        shown = self.data.get(shown_name(question))
        return not shown or text_digest(self.cleaned_data[field_name(question)]) != shown

    def texts(self) -> dict[int, str]:
        """The valid texts of editable questions that this page changed, by question id."""
        return {
            q.pk: self.cleaned_data[field_name(q)]
            for q in self.questions
            if not self.fields[field_name(q)].disabled
            and field_name(q) in self.cleaned_data
            and self._changed_here(q)
        }

    def shown_texts(self) -> dict[int, str]:
        """The text this page shows for each editable answer it sent, by question id:
        what a submission from it must submit."""
        return {
            q.pk: self.cleaned_data[field_name(q)]
            for q in self.questions
            if not self.fields[field_name(q)].disabled
            and field_name(q) in self.data
            and field_name(q) in self.cleaned_data
        }

    def require(self, question_ids: set[int]) -> None:
        """For submission: these questions still need an answer."""
        for question in self.questions:
            if question.pk in question_ids and field_name(question) not in self.errors:
                self.add_error(field_name(question), _("Please answer this question before you submit."))


class DeclineForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason (optional)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("If you like, tell us why. It helps us ask better next time."),
    )


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault(
            "widget", MultipleFileInput(attrs={"accept": "image/jpeg,image/png,image/webp,.heic,.heif"})
        )
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        items = list(data) if isinstance(data, list | tuple) else ([data] if data else [])
        if not items:
            super().clean(None, initial)  # raises "required"
            return []
        return [super(MultipleFileField, self).clean(item, initial) for item in items]


class PhotoUploadForm(forms.Form):
    files = MultipleFileField(
        label=_("Photos"),
        help_text=_("JPEG, PNG, WebP or HEIC; you can choose several files at once."),
    )
    caption = forms.CharField(label=_("Caption"), required=False, max_length=300)
    credit = forms.CharField(
        label=_("Photo credit"), max_length=200, help_text=_("Who took the photos, as it should be printed.")
    )
    consent = forms.BooleanField(label=CONSENT_TEXT, required=True)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Django's FileField.clean does not know about several files; the
        # filenames themselves are never used (casestudies.interviews.photos stores under
        # a random name).
        self.fields["files"].error_messages["required"] = _("Please choose at least one photo.")
        self.fields["consent"].error_messages["required"] = _(
            "We can only use the photos with your consent. Please tick the box."
        )
