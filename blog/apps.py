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
        from django.db.models.signals import post_migrate

        post_migrate.connect(_sync_django_site, sender=self, dispatch_uid="casebook-sync-django-site")
        post_migrate.connect(_render_anew, sender=self, dispatch_uid="casebook-render-anew")
        self._connect_page_cache_invalidation()
        self._connect_fragment_invalidation()
        from .comments import register_moderation
        from .models.pages import story_page_models

        register_moderation(story_page_models())
        self._connect_image_metadata_stripping()
        if not settings.REDIS_URL:
            logger.info(
                "REDIS_URL is not set: Celery tasks run eagerly in this process "
                "and the cache is local memory."
            )

    def _connect_image_metadata_stripping(self) -> None:
        from django.db.models.signals import pre_save
        from wagtail.images import get_image_model

        from .image_metadata import strip_new_original

        pre_save.connect(
            strip_new_original, sender=get_image_model(), dispatch_uid="casebook-strip-image-metadata"
        )

    def _connect_page_cache_invalidation(self) -> None:
        # Every change a reader sees goes through front_cache.pages_changed:
        # the Redis page cache and the cache in front are emptied together.
        from django.apps import apps
        from django.db.models.signals import post_delete, post_save
        from wagtail.images import get_image_model
        from wagtail.signals import page_published, page_unpublished, post_page_move

        from .front_cache import on_image_change, on_page_change, on_page_move, on_shown_object_change

        for signal in (page_published, page_unpublished):
            signal.connect(on_page_change, dispatch_uid=f"page-cache-{signal!r}")
        post_page_move.connect(on_page_move, dispatch_uid="page-cache-move")
        # Names of authors, series and companies show on many pages at once.
        for label in ("blog.Author", "blog.Series", "casestudies.Company"):
            model = apps.get_model(label)
            post_save.connect(
                on_shown_object_change, sender=model, dispatch_uid=f"page-cache-save-{model.__name__}"
            )
            post_delete.connect(
                on_shown_object_change, sender=model, dispatch_uid=f"page-cache-delete-{model.__name__}"
            )
        # A live page's renditions follow its image (focal point, new file).
        post_save.connect(on_image_change, sender=get_image_model(), dispatch_uid="page-cache-image")

    def _connect_fragment_invalidation(self) -> None:
        """What can change a cached article, route or site without a new
        revision of that page (blog/fragments.py)."""
        from django.apps import apps
        from django.db.models.signals import post_delete, post_save
        from taggit.models import Tag
        from wagtail.images import get_image_model
        from wagtail.models import PageViewRestriction, Site
        from wagtail.signals import page_published, page_unpublished, post_page_move

        from . import fragments, rendered_pages

        page_published.connect(fragments.invalidate_on_publish, dispatch_uid="fragments-published")
        page_published.connect(rendered_pages.page_published, dispatch_uid="rendered-page-published")
        for signal in (page_unpublished, post_page_move):
            signal.connect(fragments.invalidate, dispatch_uid=f"fragments-{signal!r}")
        models = [apps.get_model(label) for label in ("blog.Author", "blog.Series", "casestudies.Company")]
        for model in [*models, Tag, Site, get_image_model()]:
            for signal in (post_save, post_delete):
                signal.connect(fragments.invalidate, sender=model, dispatch_uid=f"fragments-{model.__name__}")
        post_delete.connect(_invalidate_fragments_for_pages, dispatch_uid="fragments-page-deleted")
        for signal in (post_save, post_delete):
            signal.connect(
                fragments.forget_restrictions,
                sender=PageViewRestriction,
                dispatch_uid="fragments-restriction",
            )


def _invalidate_fragments_for_pages(sender, **kwargs) -> None:
    from wagtail.models import Page

    from . import fragments

    if issubclass(sender, Page):
        fragments.invalidate()


def _render_anew(**kwargs) -> None:
    """Every deployment migrates: new templates or code may render pages
    differently, so no fragment, stored rendering or cached page made by the
    old code is served after it."""
    from . import fragments, page_cache

    try:
        fragments.invalidate()
        page_cache.invalidate_all()
    except Exception:  # a migration must not fail for the cache; copies expire within a day
        logger.exception("Could not empty the caches after migrating")


def _sync_django_site(**kwargs) -> None:
    """Django's sites framework (which comments and feeds use) names the
    site's domain; keep it equal to SITE_BASE_URL on every migrate."""
    from urllib.parse import urlsplit

    from django.contrib.sites.models import Site

    using = kwargs.get("using", "default")
    domain = urlsplit(settings.SITE_BASE_URL).netloc or "localhost"
    Site.objects.using(using).update_or_create(
        pk=settings.SITE_ID, defaults={"domain": domain, "name": settings.WAGTAIL_SITE_NAME}
    )
