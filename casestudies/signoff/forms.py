"""Forms of the company sign-off: the contact's decision on the preview, and
the editors' override in the Wagtail admin."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from casestudies.signoff.content import COMMENT_MAX_LENGTH, SignOffContent

APPROVE, FLAG = "approve", "flag"
GENERAL = "general"


def comment_field_name(key: str) -> str:
    return f"comment-{key}"


class DecisionForm(forms.Form):
    """One optional comment per answer and photo, one for everything else, and
    the button pressed: approve the whole text, or send the comments."""

    decision = forms.ChoiceField(choices=[(APPROVE, APPROVE), (FLAG, FLAG)])

    def __init__(self, *args, content: SignOffContent, **kwargs):
        super().__init__(*args, **kwargs)
        self.content = content
        for item in content.items:
            self.fields[comment_field_name(item.key)] = forms.CharField(
                label=_("Your comment on %(item)s (optional)") % {"item": item.label},
                required=False,
                max_length=COMMENT_MAX_LENGTH,
                widget=forms.Textarea(attrs={"rows": 3}),
            )
        self.fields[comment_field_name(GENERAL)] = forms.CharField(
            label=_("Anything else: title, summary, text (optional)"),
            required=False,
            max_length=COMMENT_MAX_LENGTH,
            widget=forms.Textarea(attrs={"rows": 3}),
        )

    @property
    def approving(self) -> bool:
        return self.cleaned_data.get("decision") == APPROVE

    def flags(self) -> list[dict]:
        """What the contact flagged, in page order, as stored with the decision."""
        flags = []
        for item in self.content.items:
            comment = self.cleaned_data.get(comment_field_name(item.key), "").strip()
            if not comment:
                continue
            flag = {"key": item.key, "kind": item.kind, "number": item.number, "comment": comment}
            if item.kind == "answer":
                flag.update(question=item.question, block_id=item.block_id, index=item.index)
            else:
                flag.update(where=item.where, caption=item.caption, image_id=getattr(item.image, "pk", None))
                if item.block_id:
                    flag.update(block_id=item.block_id)
            flags.append(flag)
        general = self.cleaned_data.get(comment_field_name(GENERAL), "").strip()
        if general:
            flags.append({"key": GENERAL, "kind": GENERAL, "number": None, "comment": general})
        return flags

    def clean(self):
        cleaned = super().clean()
        if self.errors:
            return cleaned
        count = len(self.flags())
        if cleaned.get("decision") == APPROVE and count:
            raise forms.ValidationError(
                ngettext(
                    "You wrote %(count)s comment. Send it to us, or remove it to approve the text.",
                    "You wrote %(count)s comments. Send them to us, or remove them to approve the text.",
                    count,
                )
                % {"count": count},
                code="comments_with_approval",
            )
        if cleaned.get("decision") == FLAG and not count:
            raise forms.ValidationError(
                _("Write a comment on at least one answer or photo, or approve the text."), code="no_comments"
            )
        return cleaned


class OverrideForm(forms.Form):
    """The reason an editor publishes without the company's reply: required, logged."""

    reason = forms.CharField(
        label=_("Reason"),
        help_text=_("Why the text may go live without the company's sign-off. Kept in the page history."),
        max_length=COMMENT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
