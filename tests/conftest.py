"""Shared fixtures. Service tests (Redis, PostgreSQL, a real Celery worker)
fail instead of skipping when CI=true or CASEBOOK_REQUIRE_SERVICES=1 and the
service is out of reach: a skipped service test must never count as passed."""

from __future__ import annotations

import os

import pytest
from django.core.cache import cache

from tests import services


@pytest.fixture(autouse=True)
def _fresh_cache():
    services.clear_cache(cache)
    yield
    services.clear_cache(cache)


@pytest.fixture(autouse=True)
def _site_language():
    """Each test starts in the site's language: a request to /en/ activates
    English for the thread, and the next test must not inherit it."""
    from django.conf import settings
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.STORAGES = {
        **settings.STORAGES,
        "private": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "private"), "base_url": None},
        },
    }


@pytest.fixture
def redis_url() -> str:
    return services.require_redis()


@pytest.fixture
def postgres(db) -> None:
    services.require_postgres()


@pytest.fixture
def demo(db):
    from blog.demo import load

    return load()


@pytest.fixture
def editorial_roles(db):
    """(Request it after the demo: it grants on the pages there are.)

    The groups, permissions and moderation workflow the data migrations set
    up. A transactional test runs after others have flushed the database, which
    empties what migrations wrote; the migrations' own steps (idempotent) put it
    back, so the test meets the roles a fresh site has."""
    import importlib

    from django.apps import apps

    for name in (
        "0003_editorial_roles_and_workflow",
        "0004_moderation_and_blog_permissions",
        "0006_interview_permissions",
    ):
        importlib.import_module(f"casestudies.migrations.{name}").forwards(apps, None)


@pytest.fixture
def full_demo(demo):
    """Everything `manage.py load_demo` builds: the blog and the case studies."""
    from casestudies.demo import load

    return {**demo, **load()}


def pytest_report_header(config):
    from django.conf import settings

    engine = settings.DATABASES["default"]["ENGINE"].rsplit(".", 1)[-1]
    return [
        f"casebook: database={engine} redis={'yes' if os.environ.get('REDIS_URL') else 'no'} "
        f"services-required={services.services_required()}"
    ]


@pytest.fixture
def redis_pageviews(settings, redis_url):
    """Page views counted in a real Redis (its own database), clean before and after."""
    from blog import pageviews

    base, _, _ = redis_url.rstrip("/").rpartition("/")
    settings.PAGEVIEW_REDIS_URL = f"{base}/3"
    pageviews.reset_clients()

    def clean():
        client = pageviews._redis()
        for key in client.scan_iter(match=pageviews._key("*")):
            client.delete(key)

    clean()
    yield
    clean()
    pageviews.reset_clients()


@pytest.fixture
def database_pageviews(settings):
    from blog import pageviews

    settings.PAGEVIEW_REDIS_URL = ""
    pageviews.reset_clients()
    yield
    pageviews.reset_clients()


@pytest.fixture(autouse=True)
def _redis_breaker_closed():
    """Every test starts with the circuit breaker around Redis closed (blog/redis_breaker.py)."""
    from blog import redis_breaker

    redis_breaker.reset()
    yield
    redis_breaker.reset()


@pytest.fixture
def accepted_draft(demo, editorial_roles, django_capture_on_commit_callbacks):
    """Author A's interview request with accepted photos and the draft case study
    made from it, beside author B (another author) and an editor, all in the
    groups a fresh site has. `secrets` are what of A's request must never show
    to B or to a reader before publication."""
    from types import SimpleNamespace

    from django.contrib.auth.models import Group

    from casestudies.interviews import photo_review, photos
    from casestudies.interviews import states as interview_states
    from casestudies.models import Answer, InterviewRequest, InterviewStatus
    from tests.casestudies.factories import make_index
    from tests.interviews.factories import InterviewRequestFactory, UserFactory
    from tests.interviews.helpers import jpeg_bytes, real, upload

    make_index(demo["home"])
    authors, editors = Group.objects.get(name="Authors"), Group.objects.get(name="Editors")
    author_a, author_b = UserFactory(username="autorin-a"), UserFactory(username="autor-b")
    editor = UserFactory(username="redakteurin")
    for user, group in ((author_a, authors), (author_b, authors), (editor, editors)):
        user.groups.add(group)
    request = InterviewRequestFactory(
        owner=author_a,
        questions=["Wie kam es zur Kampagne?", "Was haben Sie gelernt?"],
        contact__name="Ottilie Verschwiegen",
        contact__company__name="Nordlicht Geheimwerk",
    )
    answers = ["Zimt im Kaffee war unser Geheimrezept.", "Schweigen ist Gold, sagt Ottilie."]
    for question, text in zip(request.questions.order_by("sort_order"), answers, strict=True):
        Answer.objects.create(question=question, text=text)
    InterviewRequest.objects.filter(pk=request.pk).update(status=InterviewStatus.IN_PROGRESS)
    request.refresh_from_db()
    stored = photos.store_photos(
        request,
        [real("photos/tiny-exif-gps.jpg"), upload("zweites.jpg", jpeg_bytes((320, 240)))],
        caption="Das Labor von Nordlicht",
        credit="Foto: Nordlicht Geheimwerk",
    )
    interview_states.submit(request)
    # The editor takes both photos into the draft (interviews.photo_review).
    for photo in stored:
        photo_review.accept_photo(request, photo.pk, user=author_a)
    # The image files are copied once the accept commits (no file I/O under its row lock).
    with django_capture_on_commit_callbacks(execute=True):
        interview_states.accept(request, user=author_a)
    request.refresh_from_db()
    for photo in stored:
        photo.refresh_from_db()
    return SimpleNamespace(
        author_a=author_a,
        author_b=author_b,
        editor=editor,
        request=request,
        photos=stored,
        images=[photo.image for photo in stored],
        page=request.case_study.specific,
        secrets=[
            "Nordlicht Geheimwerk",
            "Ottilie Verschwiegen",
            "Zimt im Kaffee",
            "Schweigen ist Gold",
            "Das Labor von Nordlicht",
        ],
    )
