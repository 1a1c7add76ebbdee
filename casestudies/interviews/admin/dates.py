"""Dates an editor types in the admin.

Wagtail's date picker (xdsoft datetimepicker) replaces what it cannot parse
in its one display format with today's date when the field loses focus, and
lets JavaScript roll an impossible date over (31.02. becomes 03.03.). Here
the picker keeps what was typed (`validateOnBlur: false`) and the server
parses it, in every format editors type, or says it is no date: nothing is
replaced behind the editor's back."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _
from wagtail.admin.widgets import AdminDateInput

# German first (the site's format), then ISO as browsers and English editors type it.
INPUT_FORMATS = ["%d.%m.%Y", "%d.%m.%y", "%d. %m. %Y", "%Y-%m-%d"]


class EditorDateInput(AdminDateInput):
    def __init__(self, attrs=None, format=None):
        # editor_date.js closes the picker once the editor types (it covered the form's buttons).
        super().__init__(attrs={"data-editor-date": "", **(attrs or {})}, format=format)

    def get_config(self):
        return {**super().get_config(), "validateOnBlur": False}

    @property
    def media(self):
        return super().media + forms.Media(js=["casestudies/js/editor_date.js"])


class EditorDateField(forms.DateField):
    widget = EditorDateInput
    default_error_messages = {
        "invalid": _("“%(value)s” is not a date. Type it as 25.12.2026 or 2026-12-25."),
    }

    def __init__(self, **kwargs):
        kwargs.setdefault("input_formats", INPUT_FORMATS)
        super().__init__(**kwargs)

    def to_python(self, value):
        value = value.strip() if isinstance(value, str) else value
        try:
            return super().to_python(value)
        except forms.ValidationError as error:
            raise forms.ValidationError(
                self.error_messages["invalid"], code="invalid", params={"value": value}
            ) from error
