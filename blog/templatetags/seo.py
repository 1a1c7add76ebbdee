"""Canonical URLs, language alternates, Open Graph and schema.org data, all
built from SITE_BASE_URL (never the request's Host header)."""

from __future__ import annotations

import json

from django import template
from django.conf import settings
from django.urls import translate_url
from django.utils.html import _json_script_escapes
from django.utils.safestring import mark_safe

register = template.Library()


def absolute(path: str) -> str:
    return f"{settings.SITE_BASE_URL}{path}"


@register.simple_tag(takes_context=True)
def canonical_url(context) -> str:
    return absolute(context["request"].path)


@register.simple_tag(takes_context=True)
def language_alternates(context) -> list[tuple[str, str]]:
    path = context["request"].path
    return [(code, absolute(translate_url(path, code))) for code, _ in settings.LANGUAGES]


@register.simple_tag(takes_context=True)
def social_image_url(context, page) -> str:
    image = getattr(page, "feed_image", None) or getattr(page, "hero_image", None)
    if not image:
        return ""
    return absolute(image.get_rendition("fill-1200x630|format-jpeg").url)


@register.simple_tag(takes_context=True)
def story_json_ld(context, page) -> str:
    """schema.org Article data of a story, as a JSON-LD data block (not a
    script: the Content-Security-Policy does not apply to data blocks)."""
    data = {
        "@context": "https://schema.org",
        "@type": "Article",
        "headline": page.title,
        "description": page.teaser,
        "datePublished": page.date.isoformat(),
        "mainEntityOfPage": absolute(context["request"].path),
        "inLanguage": settings.LANGUAGE_CODE,
        "author": [
            {"@type": "Person", "name": author.name, "url": absolute(author.get_absolute_url())}
            for author in page.authors
        ],
        "publisher": {"@type": "Organization", "name": settings.WAGTAIL_SITE_NAME},
    }
    if page.last_published_at:
        data["dateModified"] = page.last_published_at.isoformat()
    image = social_image_url(context, page)
    if image:
        data["image"] = image
    payload = json.dumps(data, ensure_ascii=False).translate(_json_script_escapes)
    return mark_safe(f'<script type="application/ld+json">{payload}</script>')  # noqa: S308 (escaped above)
