"""Comment moderation in the Wagtail admin: the queue of comments waiting for
approval, each opened and approved (or removed) by an editor."""

from django.utils.translation import gettext_lazy as _
from django_comments import get_model as get_comment_model
from wagtail import hooks
from wagtail.admin.ui.tables import BooleanColumn, Column, DateColumn
from wagtail.admin.viewsets.model import ModelViewSet

Comment = get_comment_model()


class CommentViewSet(ModelViewSet):
    model = Comment
    icon = "comment"
    menu_label = _("Comments")
    menu_order = 250
    add_to_admin_menu = True
    add_view_enabled = False
    copy_view_enabled = False
    inspect_view_enabled = True
    form_fields = ["is_public", "is_removed"]
    list_filter = ["is_public", "is_removed"]
    ordering = ["is_public", "-submit_date"]
    list_display = [
        Column("user_name", label=_("Name")),
        Column("comment_excerpt", label=_("Comment"), accessor="comment"),
        Column("content_object", label=_("Page")),
        DateColumn("submit_date", label=_("Written")),
        BooleanColumn("is_public", label=_("Approved")),
    ]
    inspect_view_fields = ["user_name", "user_email", "comment", "content_object", "submit_date", "is_public"]

    def get_queryset(self, request):
        return Comment.objects.select_related("content_type").prefetch_related("content_object")


@hooks.register("register_admin_viewset")
def register_comment_viewset():
    return CommentViewSet("comments")
