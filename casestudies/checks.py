"""System checks of the case-studies app."""

from django.conf import settings
from django.core.checks import Warning, register


@register()
def signoff_needs_reapproval_on_edit(app_configs, **kwargs):
    # Without it Wagtail keeps counting the company's approval of an older
    # revision, and a page edited after the sign-off could go live unseen.
    if getattr(settings, "WAGTAIL_WORKFLOW_REQUIRE_REAPPROVAL_ON_EDIT", False):
        return []
    return [
        Warning(
            "WAGTAIL_WORKFLOW_REQUIRE_REAPPROVAL_ON_EDIT is off: a case study edited after the company "
            "signed it off would not need a new sign-off.",
            hint="Set WAGTAIL_WORKFLOW_REQUIRE_REAPPROVAL_ON_EDIT = True.",
            id="casestudies.W001",
        )
    ]
