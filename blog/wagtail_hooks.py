"""The blog's admin: authors and series as snippets, in a "Blog" menu of
their own so editors find them without opening the generic Snippets menu."""

from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from . import admin_comments, admin_reports  # noqa: F401 (they register their own hooks)
from .models import Author, Series


class AuthorViewSet(SnippetViewSet):
    model = Author
    icon = "user"
    menu_label = _("Authors")
    list_display = ["name", "role", "slug", "user"]
    list_per_page = 50
    ordering = ["name"]
    # The model's own search fields, through Wagtail search.
    search_fields = None
    copy_view_enabled = False
    inspect_view_enabled = True

    def get_queryset(self, request):
        # The listing shows each author's account: one join, not a query per row.
        return Author.objects.select_related("user")


class SeriesViewSet(SnippetViewSet):
    model = Series
    icon = "list-ul"
    menu_label = _("Series")
    list_display = ["name", "slug"]
    ordering = ["name"]
    search_fields = None
    copy_view_enabled = False


class BlogViewSetGroup(SnippetViewSetGroup):
    items = (AuthorViewSet, SeriesViewSet)
    menu_icon = "doc-full"
    menu_label = _("Blog")
    menu_name = "blog"
    # Right below Pages (100), above Images (300) and Snippets (500).
    menu_order = 150


register_snippet(BlogViewSetGroup)


# Scheduled publishing that a publication rule refused (blog.scheduled).
@hooks.register("register_log_actions")
def register_scheduled_log_actions(actions):
    from .scheduled import REFUSED_ACTION

    actions.register_action(
        REFUSED_ACTION,
        _("Scheduled publication refused"),
        _("Scheduled publication refused; taken off the schedule"),
    )
