"""How a case study ends: the one choice that makes it a best practice or a failure."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Outcome(models.TextChoices):
    BEST_PRACTICE = "best_practice", _("Best practice")
    FAILURE = "failure", _("Failure")
    OPEN = "open", _("Open")
