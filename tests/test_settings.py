"""The settings as an operator meets them: each case loads config.settings in a
fresh process with nothing but the environment it names, the way a container
or `bin/run` would, and looks at what Django and Celery then actually use."""

from __future__ import annotations

import json
import secrets
from functools import cache
from pathlib import Path

import pytest

from tests.processes import run_python

# What the probe reports: the objects Django and Celery build from the
# settings, not only the settings' own values.
PROBE = r"""
import json, django
django.setup()
from django.conf import settings
from django.core.cache import caches
from django.core.files.storage import storages
from django.core.mail import get_connection
from django.db import connections
from config.celery import app

cache = caches["default"]
mail = get_connection()
db = connections["default"].settings_dict
report = {
    "db_engine": db["ENGINE"], "db_name": str(db["NAME"]), "db_host": db.get("HOST"),
    "conn_health_checks": db.get("CONN_HEALTH_CHECKS"),
    "conn_max_age": db.get("CONN_MAX_AGE"), "db_pool": db.get("OPTIONS", {}).get("pool"),
    "front_cache": settings.WAGTAILFRONTENDCACHE, "front_cache_seconds": settings.FRONT_CACHE_SECONDS,
    "cache_class": f"{type(cache).__module__}.{type(cache).__name__}",
    "cache_location": settings.CACHES["default"].get("LOCATION"),
    "cache_options": settings.CACHES["default"].get("OPTIONS", {}),
    "always_eager": app.conf.task_always_eager,
    "broker_url": app.conf.broker_url,
    "broker_transport_options": app.conf.broker_transport_options,
    "broker_connection_timeout": app.conf.broker_connection_timeout,
    "mail_class": f"{type(mail).__module__}.{type(mail).__name__}",
    "mail_file_path": str(getattr(mail, "file_path", "")),
    "mail_host": getattr(mail, "host", None), "mail_port": getattr(mail, "port", None),
    "mail_use_tls": getattr(mail, "use_tls", None), "mail_username": getattr(mail, "username", None),
    "var_dir": str(settings.VAR_DIR),
    "anymail": getattr(settings, "ANYMAIL", {}),
}
report["routing_storage"] = f"{type(storages['default']).__module__}.{type(storages['default']).__name__}"
for key, alias in (("default", "public"), ("private", "private")):
    storage = storages[alias]
    alias = key
    report[f"{alias}_storage"] = f"{type(storage).__module__}.{type(storage).__name__}"
    if hasattr(storage, "bucket_name"):
        report[f"{alias}_bucket"] = storage.bucket_name
        report[f"{alias}_url"] = storage.url("photos/p.jpg")
print("PROBE" + json.dumps(report, default=str))
"""


@cache
def _probe(env_items: tuple[tuple[str, str], ...]) -> dict:
    result = run_python(["-c", PROBE], **dict(env_items))
    assert result.returncode == 0, result.stderr
    line = next(line for line in result.stdout.splitlines() if line.startswith("PROBE"))
    return json.loads(line.removeprefix("PROBE"))


def probe(**env: str) -> dict:
    env.setdefault("SECRET_KEY", "x" * 60)
    return _probe(tuple(sorted(env.items())))


def production_env(**overrides: str) -> dict[str, str]:
    return {
        "DEBUG": "false",
        "SECRET_KEY": secrets.token_urlsafe(64),
        "ALLOWED_HOSTS": "casebook.example",
        "SITE_BASE_URL": "https://casebook.example",
        **overrides,
    }


# --- secret key and the deploy check ---------------------------------------


def test_without_secret_key_and_debug_off_the_settings_refuse_to_load():
    result = run_python(["manage.py", "check"], DEBUG="false")
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert "SECRET_KEY" in result.stderr


def test_debug_on_runs_without_a_secret_key():
    result = run_python(["manage.py", "check"], DEBUG="true")
    assert result.returncode == 0, result.stderr


def test_the_deploy_check_passes_with_production_settings():
    result = run_python(["manage.py", "check", "--deploy", "--fail-level", "WARNING"], **production_env())
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_the_deploy_check_passes_with_every_production_service_configured():
    # PostgreSQL, Redis, SMTP and a media bucket, as docker/compose.yaml or
    # an operator sets them (nothing is contacted by the check).
    env = production_env(
        CSRF_TRUSTED_ORIGINS="https://casebook.example,https://www.casebook.example",
        DATABASE_URL="postgres://casebook:pw@db.example:5432/casebook",
        REDIS_URL="redis://redis.example:6379/0",
        EMAIL_URL="smtp://u:p@mail.example:587/?tls=True",
        AWS_STORAGE_BUCKET_NAME="casebook-media",
        **S3_ENV,
    )
    result = run_python(["manage.py", "check", "--deploy", "--fail-level", "WARNING"], **env)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_the_deploy_check_catches_a_weak_secret_key():
    # The check above means something only if the same command can fail.
    result = run_python(
        ["manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        **production_env(SECRET_KEY="short"),
    )
    assert result.returncode != 0
    assert "security.W009" in result.stderr


# --- hosts, origins and the base URL -------------------------------------------

# Requests as a browser sends them over HTTPS (the proxy says so), against the
# settings the environment gives: a foreign Host header is refused, a POST
# from a foreign origin fails the CSRF check, one from a trusted origin (a
# second domain in front of the same site) passes.
HOSTS_PROBE = r"""
import json, django
django.setup()
from django.conf import settings
from django.middleware.csrf import _get_new_csrf_string
from django.test import Client

def get(host):
    return Client().get("/i18n/setlang/", HTTP_HOST=host, HTTP_X_FORWARDED_PROTO="https").status_code

def post(origin):
    token = _get_new_csrf_string()
    client = Client(enforce_csrf_checks=True)
    client.cookies[settings.CSRF_COOKIE_NAME] = token
    return client.post(
        "/i18n/setlang/", {"language": "en", "next": "/", "csrfmiddlewaretoken": token},
        HTTP_HOST="casebook.example", HTTP_ORIGIN=origin, HTTP_X_FORWARDED_PROTO="https",
    ).status_code

print("PROBE" + json.dumps({
    "debug": settings.DEBUG,
    "base_url": settings.SITE_BASE_URL,
    "admin_base_url": settings.WAGTAILADMIN_BASE_URL,
    "our_host": get("casebook.example"),
    "foreign_host": get("evil.example"),
    "same_origin": post("https://casebook.example"),
    "trusted_origin": post("https://www.casebook.example"),
    "foreign_origin": post("https://evil.example"),
}))
"""


def hosts_probe(**env: str) -> dict:
    result = run_python(["-c", HOSTS_PROBE], **env)
    assert result.returncode == 0, result.stderr
    line = next(line for line in result.stdout.splitlines() if line.startswith("PROBE"))
    return json.loads(line.removeprefix("PROBE"))


def test_hosts_origins_and_base_url_come_from_the_environment():
    report = hosts_probe(
        **production_env(
            ALLOWED_HOSTS="casebook.example",
            CSRF_TRUSTED_ORIGINS="https://www.casebook.example",
            SITE_BASE_URL="https://casebook.example/",
        )
    )
    assert report["debug"] is False
    assert report["base_url"] == report["admin_base_url"] == "https://casebook.example"
    assert report["our_host"] == 302  # set_language redirects: the request was served
    assert report["foreign_host"] == 400
    assert report["same_origin"] == 302
    assert report["trusted_origin"] == 302
    assert report["foreign_origin"] == 403


def test_without_trusted_origins_only_the_sites_own_origin_may_post():
    report = hosts_probe(**production_env(ALLOWED_HOSTS="casebook.example"))
    assert report["same_origin"] == 302
    assert report["trusted_origin"] == 403


def test_debug_comes_from_the_environment():
    assert hosts_probe(DEBUG="true", ALLOWED_HOSTS="casebook.example")["debug"] is True


# --- database ----------------------------------------------------------------


def test_without_database_url_the_database_is_a_sqlite_file_in_var():
    report = probe()
    assert report["db_engine"] == "django.db.backends.sqlite3"
    assert report["db_name"] == str(Path(report["var_dir"]) / "casebook.sqlite3")


def test_a_postgres_url_selects_postgresql_with_connection_health_checks():
    report = probe(DATABASE_URL="postgres://casebook:pw@db.example:5432/casebook")
    assert report["db_engine"] == "django.db.backends.postgresql"
    assert (report["db_name"], report["db_host"]) == ("casebook", "db.example")
    assert report["conn_health_checks"] is True


def test_a_postgres_database_pools_its_connections_when_asked():
    url = "postgres://casebook:pw@db.example:5432/casebook"
    assert probe(DATABASE_URL=url)["db_pool"] is None  # persistent connections by default
    report = probe(DATABASE_URL=url, DATABASE_POOL="true", DATABASE_POOL_MAX_SIZE="2")
    assert report["db_pool"] == {"min_size": 1, "max_size": 2, "timeout": 10.0}
    assert report["conn_max_age"] == 0  # Django refuses a pool with persistent connections
    assert probe(DATABASE_POOL="true")["db_pool"] is None  # SQLite has no pool


def test_the_front_cache_backends_come_from_the_environment():
    assert probe()["front_cache"] == {}
    report = probe(
        FRONTEND_CACHE_VARNISH_URLS="http://varnish-1:80,http://varnish-2:80",
        FRONTEND_CACHE_CLOUDFLARE_ZONE_ID="zone",
        FRONTEND_CACHE_CLOUDFLARE_BEARER_TOKEN="token",
        FRONTEND_CACHE_CLOUDFRONT_DISTRIBUTION_ID="E123",
        PAGE_CACHE_SECONDS="120",
    )
    backends = report["front_cache"]
    assert [b["LOCATION"] for b in backends.values() if b["BACKEND"].endswith("HTTPBackend")] == [
        "http://varnish-1:80",
        "http://varnish-2:80",
    ]
    assert backends["cloudflare"]["ZONEID"] == "zone"
    assert backends["cloudfront"]["DISTRIBUTION_ID"] == "E123"
    assert report["front_cache_seconds"] == 120  # follows the page cache unless set


# --- Redis: broker and cache ---------------------------------------------------


def test_without_redis_tasks_run_eagerly_and_the_cache_is_local_memory():
    report = probe()
    assert report["always_eager"] is True
    assert report["cache_class"] == "django.core.cache.backends.locmem.LocMemCache"


def test_without_redis_the_start_says_so_once():
    result = run_python(["manage.py", "check"], SECRET_KEY="x" * 60)
    assert result.returncode == 0, result.stderr
    assert (result.stdout + result.stderr).count("REDIS_URL is not set") == 1


def test_with_redis_the_start_does_not_warn_about_it():
    result = run_python(["manage.py", "check"], SECRET_KEY="x" * 60, REDIS_URL="redis://127.0.0.1:6379/3")
    assert result.returncode == 0, result.stderr
    assert "REDIS_URL is not set" not in result.stdout + result.stderr


def test_with_redis_the_broker_is_that_url_and_the_cache_the_next_database():
    report = probe(REDIS_URL="redis://redis.example:6379/4")
    assert report["always_eager"] is False
    assert report["broker_url"] == "redis://redis.example:6379/4"
    assert report["cache_class"] == "blog.redis_breaker.BreakerRedisCache"
    assert report["cache_location"] == "redis://redis.example:6379/5"


def test_with_redis_no_socket_waits_longer_than_two_seconds():
    report = probe(REDIS_URL="redis://redis.example:6379/0")
    timeouts = [
        report["cache_options"]["SOCKET_CONNECT_TIMEOUT"],
        report["cache_options"]["SOCKET_TIMEOUT"],
        report["broker_transport_options"]["socket_timeout"],
        report["broker_transport_options"]["socket_connect_timeout"],
        report["broker_connection_timeout"],
    ]
    assert all(0 < timeout <= 2 for timeout in timeouts), timeouts


# --- email ---------------------------------------------------------------------


def test_by_default_email_is_written_to_files_in_var_mail():
    report = probe()
    assert report["mail_class"] == "django.core.mail.backends.filebased.EmailBackend"
    assert report["mail_file_path"] == str(Path(report["var_dir"]) / "mail")


@pytest.mark.parametrize("url", ["smtp://u:p@mail.example:587/?tls=True", "smtp+tls://u:p@mail.example:587"])
def test_an_email_url_selects_smtp_with_its_host_port_and_tls(url):
    report = probe(EMAIL_URL=url)
    assert report["mail_class"] == "django.core.mail.backends.smtp.EmailBackend"
    assert (report["mail_host"], report["mail_port"]) == ("mail.example", 587)
    assert report["mail_use_tls"] is True
    assert report["mail_username"] == "u"


def test_a_mail_provider_is_chosen_with_email_backend_and_its_anymail_settings():
    report = probe(
        EMAIL_BACKEND="anymail.backends.postmark.EmailBackend", ANYMAIL_POSTMARK_SERVER_TOKEN="server-token"
    )
    assert report["mail_class"] == "anymail.backends.postmark.EmailBackend"
    assert report["anymail"] == {"POSTMARK_SERVER_TOKEN": "server-token"}


def test_an_email_url_without_tls_does_not_claim_it():
    report = probe(EMAIL_URL="smtp://mail.example:25")
    assert report["mail_use_tls"] is False


# --- media storage -------------------------------------------------------------


def test_without_a_bucket_media_and_private_uploads_are_local_files():
    report = probe()
    # The default storage hands private interview images to the private storage, the rest to the public one.
    assert report["routing_storage"] == "casestudies.pages.private_images.RoutingStorage"
    assert (
        report["default_storage"]
        == report["private_storage"]
        == ("django.core.files.storage.filesystem.FileSystemStorage")
    )


S3_ENV = {
    "AWS_ACCESS_KEY_ID": "AKIAEXAMPLE",
    "AWS_SECRET_ACCESS_KEY": "example-secret",
    "AWS_S3_REGION_NAME": "eu-central-1",
}


def test_a_bucket_puts_media_on_s3_and_private_uploads_in_a_separate_signed_bucket():
    report = probe(AWS_STORAGE_BUCKET_NAME="casebook-media", **S3_ENV)
    assert report["default_storage"] == report["private_storage"] == "storages.backends.s3.S3Storage"
    assert report["default_bucket"] == "casebook-media"
    assert report["private_bucket"] not in ("", "casebook-media")
    # Public media links are plain; a private upload is reachable only
    # through a signed, expiring link.
    assert "Signature" not in report["default_url"]
    assert "X-Amz-Signature=" in report["private_url"]
    assert report["private_bucket"] in report["private_url"]


def test_the_private_bucket_can_be_named():
    report = probe(
        AWS_STORAGE_BUCKET_NAME="casebook-media", AWS_PRIVATE_BUCKET_NAME="casebook-uploads", **S3_ENV
    )
    assert report["private_bucket"] == "casebook-uploads"
