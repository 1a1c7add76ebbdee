"""Public views of the case studies that are not pages."""

from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse

from blog.models.pages import PAGE_SIZE
from casestudies.interviews import responsiveness
from casestudies.pages.models import CaseStudyPage, case_study_listing, published_companies


def company_detail(request, slug: str):
    # No page for a company without a published case study: that the editors
    # are in contact with it is nobody else's business yet.
    company = get_object_or_404(published_companies(), slug=slug)
    case_studies = case_study_listing(
        CaseStudyPage.objects.live().public().filter(company=company).order_by("-date", "-pk")
    )
    page = Paginator(case_studies, PAGE_SIZE).get_page(request.GET.get("page"))
    # Shown only when the editors switched it on for this company.
    stats = responsiveness.for_company(company) if company.show_responsiveness else None
    return TemplateResponse(
        request,
        "casestudies/company_detail.html",
        {"company": company, "case_studies": page, "responsiveness": stats},
    )
