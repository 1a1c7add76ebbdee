"""The admin form of stories (articles and case studies)."""

from wagtail.admin.forms import WagtailAdminPageForm


class StoryPageForm(WagtailAdminPageForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # A model field with a callable default (the date: today) makes Django
        # compare against a hidden "initial-" input, which Wagtail's panels never
        # render. Without it the date counted as changed on every save: each
        # "Approve" in the editor wrote a new revision, and a workflow that asks
        # for approval again after edits started over.
        for field in self.fields.values():
            field.show_hidden_initial = False
