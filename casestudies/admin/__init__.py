"""Wagtail admin viewsets of the case studies, one module per area; the hooks
in casestudies/wagtail_hooks.py register them."""
