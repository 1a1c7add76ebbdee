"""Companies in the Wagtail admin: a searchable listing filtered by industry,
with each company's contacts edited inline (the InlinePanel on Company)."""

from django.db.models import Count
from django.utils.translation import gettext_lazy as _
from wagtail.admin.ui.tables import Column
from wagtail.snippets.views.snippets import SnippetViewSet

from ..models import Company


class CompanyViewSet(SnippetViewSet):
    model = Company
    icon = "group"
    menu_label = _("Companies")
    menu_name = "companies"
    menu_order = 250
    add_to_admin_menu = True
    url_prefix = "companies"
    list_display = [
        "name",
        "industry",
        "headquarters",
        Column("contact_count", label=_("Contacts"), accessor="contact_count"),
    ]
    list_filter = ["industry"]
    # The model's own search_fields (name, headquarters) through the search backend.
    ordering = ["name"]
    inspect_view_enabled = True

    def get_queryset(self, request):
        return Company.objects.annotate(contact_count=Count("contacts"))
