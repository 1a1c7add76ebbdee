from decimal import Decimal, InvalidOperation

from django import template
from django.utils.formats import get_format

from casestudies.interviews.admin import step_indicator
from casestudies.pages.renditions import prefetch_renditions_in

register = template.Library()

# Digit groups separated by a narrow no-break space ("5 852"): readable in
# German and English alike and never confused with a decimal separator.
GROUP_SEPARATOR = "\u202f"


@register.filter
def grouped_number(value) -> str:
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError):
        return str(value)
    number = number.quantize(Decimal(1)) if number == number.to_integral_value() else number.normalize()
    sign = "-" if number < 0 else ""
    whole, _, fraction = f"{abs(number):f}".partition(".")
    groups = []
    while whole:
        groups.insert(0, whole[-3:])
        whole = whole[:-3]
    text = sign + GROUP_SEPARATOR.join(groups)
    if fraction:
        text += get_format("DECIMAL_SEPARATOR") + fraction
    return text


@register.simple_tag
def prefetch_body_renditions(page) -> str:
    """Interview photos and body images: one query for all their renditions,
    made where the article is rendered (not when it comes from the cache)."""
    prefetch_renditions_in(page.body)
    return ""


@register.simple_tag
def steps_indicator(steps):
    """An interview request's progress: casestudies/interviews/admin/step_indicator.py."""
    return step_indicator.render(steps)
