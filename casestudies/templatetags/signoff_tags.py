"""Template tags of the company's sign-off preview: which answer or photo of
the preview a block of the page is, and its comment field."""

from django import template

from casestudies.signoff.forms import comment_field_name
from casestudies.signoff.service import flags_text

register = template.Library()


@register.simple_tag(takes_context=True)
def signoff_pair(context, block_id, index):
    """The answer item of the index-th pair of an interview block, in a sign-off preview."""
    content = context.get("signoff")
    return content.pair(block_id, index) if content else None


@register.simple_tag(takes_context=True)
def signoff_block_photo(context, block_id):
    content = context.get("signoff")
    return content.block_photo(block_id) if content else None


@register.simple_tag
def signoff_field(form, key):
    return form[comment_field_name(key)]


@register.simple_tag
def signoff_flag(flags, key):
    """The contact's comment on an item, once they decided."""
    return next((flag for flag in flags or () if flag.get("key") == key), None)


@register.filter
def signoff_flags_text(flags):
    return flags_text(flags or [])
