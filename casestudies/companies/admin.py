"""Companies and their contacts in the Wagtail admin, under one menu item:
a searchable company listing filtered by industry, with each company's
contacts edited inline (the InlinePanel on Company), and a listing of all
contacts to find the right person across companies. The company listing
shows how each company answers interview requests; the contact listing shows
who opted out of our emails, and when."""

from django.db.models import Count
from django.utils.translation import gettext_lazy as _
from wagtail.admin.ui.tables import Column
from wagtail.admin.viewsets.base import ViewSetGroup
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.snippets.views.snippets import SnippetViewSet

from casestudies.companies.models import Company, CompanyContact


class OptedOutColumn(Column):
    cell_template_name = "casestudies/admin/opted_out_cell.html"


class CompanyViewSet(SnippetViewSet):
    model = Company
    icon = "group"
    menu_label = _("Companies")
    menu_name = "companies"
    url_prefix = "companies"
    list_display = [
        "name",
        "industry",
        "headquarters",
        Column("contact_count", label=_("Contacts"), accessor="contact_count"),
    ]
    list_filter = ["industry"]
    # Search uses the model's own search_fields (name, headquarters) through
    # the search backend.
    ordering = ["name"]
    inspect_view_enabled = True

    def get_queryset(self, request):
        return Company.objects.annotate(contact_count=Count("contacts"))


class CompanyContactViewSet(ModelViewSet):
    model = CompanyContact
    icon = "user"
    menu_label = _("Contacts")
    menu_name = "company-contacts"
    url_prefix = "company-contacts"
    form_fields = ["company", "name", "role", "email", "phone", "language"]
    list_display = [
        "name",
        "role",
        "company",
        "email",
        "language",
        OptedOutColumn("opted_out_at", label=_("No emails")),
    ]
    list_filter = ["language", "company__industry"]
    search_fields = ["name", "role", "email", "company__name"]
    # Plain database lookups: contacts are not in the search index.
    search_backend_name = None
    ordering = ["company__name", "sort_order"]

    def get_queryset(self, request):
        return CompanyContact.objects.select_related("company")


class CompanyViewSetGroup(ViewSetGroup):
    items = (CompanyViewSet, CompanyContactViewSet)
    menu_icon = "group"
    menu_label = _("Companies")
    menu_name = "companies-group"
    menu_order = 250
