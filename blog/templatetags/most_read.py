from django import template

from .. import pageviews

register = template.Library()


@register.inclusion_tag("blog/includes/most_read.html")
def most_read_box(heading_level: int = 2) -> dict:
    return {
        "recent": pageviews.most_read(days=30),
        "all_time": pageviews.most_read(days=None),
        "level": heading_level,
    }
