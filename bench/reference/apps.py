from django.apps import AppConfig


class ReferenceConfig(AppConfig):
    """The bench's reference page type; installed only by bench/settings.py."""

    name = "bench.reference"
    label = "bench_reference"
    default_auto_field = "django.db.models.BigAutoField"
