"""Responsiveness in the admin: a dashboard panel (per industry, and the
companies asked most often) and a column of the company listing. Both cost
one query however many companies and requests there are
(casestudies.interviews.responsiveness).

The company listing itself is the companies' (casestudies.companies.admin);
the column is added here because it reads interview requests, which the
companies below them know nothing of."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from wagtail.admin.ui.components import Component
from wagtail.admin.ui.tables import Column
from wagtail.snippets.views.snippets import IndexView, InspectView

from casestudies.companies import admin as company_admin
from casestudies.interviews import funnel, responsiveness
from casestudies.interviews.admin.visibility import sees_all, visible_requests

TOP_COMPANIES = 10


class ResponsivenessPanel(Component):
    name = "casestudies_responsiveness"
    template_name = "casestudies/admin/responsiveness_panel.html"
    order = 150

    def render_html(self, parent_context=None):
        user = parent_context["request"].user
        # Numbers about every request: for those who see every request.
        if not sees_all(user):
            return ""
        return super().render_html(parent_context)

    def get_context_data(self, parent_context):
        report = responsiveness.report()
        return {
            "industries": report.industry_rows(),
            "companies": report.top_companies(TOP_COMPANIES),
            "companies_url": reverse("wagtailsnippets_casestudies_company:list"),
        }


class ResponsivenessColumn(Column):
    cell_template_name = "casestudies/admin/responsiveness_cell.html"

    def __init__(self):
        super().__init__(
            "responsiveness",
            label=_("Responsiveness"),
            accessor=lambda company: getattr(company, "responsiveness", None),
        )


def with_responsiveness(companies) -> list:
    """The listed companies, each with `.responsiveness` (one query for the page)."""
    companies = list(companies)
    report = responsiveness.report(company.pk for company in companies)
    for company in companies:
        company.responsiveness = report.companies.get(company.pk) or responsiveness.Responsiveness()
    return companies


class CompanyIndexView(IndexView):
    def get_table(self, object_list):
        # How each listed company answers: one query for the whole page.
        return super().get_table(with_responsiveness(object_list))


class CompanyInspectView(InspectView):
    """The company's page lists its interview requests (those the user may
    see) with the same step indicator as the listing, and its case studies."""

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        requests = funnel.with_funnel(visible_requests(self.request.user).filter(company=self.object))
        context["interview_requests"] = [
            (interview, funnel.steps_of(interview)) for interview in requests.order_by("-created_at", "-pk")
        ]
        context["case_studies"] = self.object.case_studies.order_by("-latest_revision_created_at", "-pk")
        return context


class CompanyViewSet(company_admin.CompanyViewSet):
    list_display = [*company_admin.CompanyViewSet.list_display, ResponsivenessColumn()]
    index_view_class = CompanyIndexView
    inspect_view_class = CompanyInspectView
    inspect_template_name = "casestudies/admin/company_inspect.html"


class CompanyViewSetGroup(company_admin.CompanyViewSetGroup):
    items = (CompanyViewSet, company_admin.CompanyContactViewSet)
