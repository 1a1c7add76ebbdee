"""Forms of the public questionnaire."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import InterviewQuestion
from .photos import CONSENT_TEXT

ANSWER_MAX_LENGTH = 20_000


def field_name(question: InterviewQuestion) -> str:
    return f"answer_{question.pk}"


class AnswersForm(forms.Form):
    """One text area per question; final answers are shown but cannot be changed."""

    def __init__(self, *args, questions: list[InterviewQuestion], editable: set[int], **kwargs):
        super().__init__(*args, **kwargs)
        self.questions = questions
        for number, question in enumerate(questions, start=1):
            answer = getattr(question, "answer", None)
            self.fields[field_name(question)] = forms.CharField(
                label=question.text,
                help_text=question.help_text,
                required=False,
                max_length=ANSWER_MAX_LENGTH,
                strip=False,
                initial=answer.text if answer else "",
                disabled=question.pk not in editable,
                widget=forms.Textarea(attrs={"rows": 6}),
            )
            self.fields[field_name(question)].number = number

    def texts(self) -> dict[int, str]:
        """The changed texts of editable questions, by question id."""
        return {
            q.pk: self.cleaned_data[field_name(q)]
            for q in self.questions
            if not self.fields[field_name(q)].disabled and field_name(q) in self.cleaned_data
        }

    def require_all(self) -> None:
        """For submission: every question needs an answer."""
        for question in self.questions:
            name = field_name(question)
            if not (self.cleaned_data.get(name) or self.fields[name].initial or "").strip():
                self.add_error(name, _("Please answer this question before you submit."))


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
        # filenames themselves are never used (casestudies.photos stores under
        # a random name).
        self.fields["files"].error_messages["required"] = _("Please choose at least one photo.")
        self.fields["consent"].error_messages["required"] = _(
            "We can only use the photos with your consent. Please tick the box."
        )
