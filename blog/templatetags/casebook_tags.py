from django import template
from wagtail.templatetags.wagtailcore_tags import slugurl

from blog.sentences import one_full_stop as _one_full_stop

from .. import fragments

register = template.Library()


@register.filter(is_safe=True)
def one_full_stop(text: str) -> str:
    """ "on Dec. 4, 2026, 7:32 p.m.." reads "… p.m." (blog/sentences.py)."""
    return _one_full_stop(text)


@register.simple_tag(takes_context=True)
def query_with(context, **changes) -> str:
    """The current query string with some parameters replaced, so that filter
    choices survive paging. Values are URL-encoded; autoescape does the rest."""
    params = context["request"].GET.copy()
    for key, value in changes.items():
        if value in (None, ""):
            params.pop(key, None)
        else:
            params[key] = value
    return params.urlencode()


@register.simple_tag(takes_context=True)
def cached_slugurl(context, slug: str) -> str:
    """Wagtail's slugurl, from the cache (blog/fragments.py)."""
    request = context.get("request")
    if request is None:
        return slugurl(context, slug)
    return fragments.page_url(request, slug)
