from django import template

from ..comments import approved_comments as approved_comments_of

register = template.Library()


@register.simple_tag
def approved_comments(page) -> list:
    return list(approved_comments_of(page))
