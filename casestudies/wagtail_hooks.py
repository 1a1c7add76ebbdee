from wagtail.snippets.models import register_snippet

from .admin.companies import CompanyViewSet

register_snippet(CompanyViewSet)
