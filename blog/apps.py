import logging

from django.apps import AppConfig
from django.conf import settings
from django.utils.translation import gettext_lazy as _

logger = logging.getLogger("casebook")


class BlogConfig(AppConfig):
    name = "blog"
    verbose_name = _("Blog")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        if not settings.REDIS_URL:
            logger.info(
                "REDIS_URL is not set: Celery tasks run eagerly in this process "
                "and the cache is local memory."
            )
