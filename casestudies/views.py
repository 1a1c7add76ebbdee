"""Public views of the case studies that are not pages."""

from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse

from .models import Company


def company_detail(request, slug: str):
    company = get_object_or_404(Company, slug=slug)
    return TemplateResponse(request, "casestudies/company_detail.html", {"company": company})
