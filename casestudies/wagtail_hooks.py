from wagtail.snippets.models import register_snippet

from .admin.companies import CompanyViewSetGroup

# register_snippet registers the whole group: the company snippets and the
# contact model viewset.
register_snippet(CompanyViewSetGroup)
