from django import template
from django.conf import settings
from django.urls import translate_url
from django.utils.translation import get_language, get_language_info

register = template.Library()


@register.simple_tag(takes_context=True)
def language_links(context) -> list[dict[str, object]]:
    """The current page in every interface language. Plain links, not a form:
    a form would need a CSRF cookie and make every page uncacheable."""
    request = context["request"]
    current = get_language()
    return [
        {
            "code": code,
            "name": get_language_info(code)["name_local"],
            "url": translate_url(request.get_full_path(), code),
            "current": code == current,
        }
        for code, _ in settings.LANGUAGES
    ]
