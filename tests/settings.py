"""Settings for the test suite: the project's own, with what a test run needs.

DATABASE_URL and REDIS_URL are honoured, so the same suite runs on SQLite and
in-memory services by default and on PostgreSQL and Redis when they are set."""

import os

os.environ["CASEBOOK_READ_DOTENV"] = "false"
os.environ.setdefault("SECRET_KEY", "casebook-test-secret-key-not-for-production-0123456789")
os.environ.setdefault("DEBUG", "false")
os.environ.setdefault("SECURE_SSL_REDIRECT", "false")
os.environ.setdefault("STATIC_MANIFEST", "false")
os.environ.setdefault("CACHE_KEY_PREFIX", "casebook-test")

from config.settings import *  # noqa: E402,F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
ALLOWED_HOSTS = ["*"]
MEDIA_ROOT = VAR_DIR / "test-media"  # noqa: F405
STORAGES["private"]["OPTIONS"]["location"] = str(VAR_DIR / "test-private")  # noqa: F405
# Unit tests run tasks in-process; the worker tests start a real worker.
CELERY_TASK_ALWAYS_EAGER = True
WAGTAILADMIN_BASE_URL = "http://testserver"
SITE_BASE_URL = "http://testserver"

# A file, not memory, so that a Celery worker process started by the
# integration tests sees the same SQLite test database.
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):  # noqa: F405
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / "test-casebook.sqlite3")}  # noqa: F405
